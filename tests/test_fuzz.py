"""Fuzzing the loaders, the matcher and the citation extractor with hypothesis.

For any input: no exception escapes, every problem is a diagnostic naming the
file, and the same input gives the same result twice. Inputs are built from the
characters and fragments that matter to each grammar (braces, quotes, ``@``,
``#``, ``%``, YAML indicators, elision marks, brackets, form feeds ...), mixed
with arbitrary text, and by mutating valid files.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.bibliography import decode_bibliography, parse_bibliography, scan_keys
from briefgen.citations import extract_citations
from briefgen.findings import parse_findings
from briefgen.model import Diagnostic
from briefgen.quotes.matcher import SourceIndex, match_quote, nearest_passage
from briefgen.sources import build_page_map, decode_text

# A fixed, modest run in CI; BRIEFGEN_FUZZ=N explores N fresh examples per test instead.
EXAMPLES = int(os.environ.get("BRIEFGEN_FUZZ", "0"))
FUZZ = settings(max_examples=EXAMPLES or 150, deadline=None, derandomize=not EXAMPLES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fragments(*pieces: str) -> st.SearchStrategy[str]:
    """Text made of grammar fragments and arbitrary characters."""
    atom = st.one_of(st.sampled_from(pieces), st.text(max_size=6))
    return st.lists(atom, max_size=40).map("".join)


def mutated(valid: str) -> st.SearchStrategy[str]:
    """``valid`` with a few characters deleted, inserted or replaced."""

    @st.composite
    def build(draw: st.DrawFn) -> str:
        text = valid
        for _ in range(draw(st.integers(1, 6))):
            i = draw(st.integers(0, len(text)))
            op = draw(st.sampled_from(["delete", "insert", "replace"]))
            ins = draw(st.sampled_from(list("{}\"',=@#%:-[]\n\t &*!|>")) | st.text(max_size=3))
            if op == "delete":
                text = text[:i] + text[i + 1 :]
            elif op == "insert":
                text = text[:i] + ins + text[i:]
            else:
                text = text[:i] + ins + text[i + 1 :]
        return text

    return build()


def assert_located(diagnostics: tuple[Diagnostic, ...] | list[Diagnostic], path: str) -> None:
    for d in diagnostics:
        assert d.span is not None and d.span.path == path, d
        assert d.span.line is None or d.span.line >= 1, d
        assert d.severity in ("error", "warning")


# --------------------------------------------------------------------------- BibTeX

VALID_BIB = """\
% A comment
@string{jrs = "Journal of Regional Studies"}
@article{smith2020,
  author  = {Smith, Jane and {Ministry of Defence}},
  title   = {Border {Security} in "Central" Asia},
  journal = jrs # { (online)},
  year    = 2020,
  pages   = {10--12},
  file    = {sources/smith2020.txt},
}
@book{doe2019, author = "Doe, John", title = {A {\\"U}ber \\{book\\}}, year = {2019}}
"""
BIB_TEXT = fragments("@article{", "@book{", "@string{", "@comment{", "@preamble{", "@misc(",
                     "key,", " = ", "{", "}", "\"", ",", "#", "%", "\n", "\\", "author",
                     "title = {x}", "year = 2020") | mutated(VALID_BIB)


@FUZZ
@given(BIB_TEXT)
def test_bibtex_loader_never_raises_and_is_deterministic(text: str) -> None:
    first = parse_bibliography(text, "bib/refs.bib")
    assert_located(first.diagnostics, "bib/refs.bib")
    assert first.count >= len({e.key for e in first.entries})
    assert parse_bibliography(text, "bib/refs.bib") == first
    keys, problems, count = scan_keys(text, "bib/refs.bib")
    assert_located(problems, "bib/refs.bib")
    assert scan_keys(text, "bib/refs.bib") == (keys, problems, count)


@FUZZ
@given(st.binary(max_size=300) | BIB_TEXT.map(lambda t: t.encode("utf-8", "replace")))
def test_bibliography_bytes_decode_to_located_diagnostics(data: bytes) -> None:
    text, problems = decode_bibliography(data, "bib/refs.bib")
    assert_located(problems, "bib/refs.bib")
    assert decode_bibliography(data, "bib/refs.bib") == (text, problems)
    parse_bibliography(text, "bib/refs.bib")


@FUZZ
@given(fragments("[", "]", "{", "}", '"id"', ":", ",", '"title"', "null", "1") |
       mutated('[{"id": "x", "title": "T", "issued": {"date-parts": [[2020]]}}]'))
def test_csl_json_loader_never_raises(text: str) -> None:
    first = parse_bibliography(text, "bib/refs.json")
    assert_located(first.diagnostics, "bib/refs.json")
    assert parse_bibliography(text, "bib/refs.json") == first


# --------------------------------------------------------------------------- findings

VALID_FINDINGS = """\
# comment
- id: csto-2012
  claim: >-
    Uzbekistan suspended its CSTO membership.
  source: weitz2014
  quote: "Uzbekistan eventually suspended its CSTO membership in June 2012."
  page: "147"
  tags: [csto, russia]
  date: 2012-06
- id: two
  claim: Two pieces.
  evidence:
    - {source: a, quote: 'x', page: 1-2}
    - source: b
      quote: |
        y
  note: &n kept
  other: *n
"""
YAML_TEXT = fragments("- ", "id: ", "claim: ", "source: ", "quote: ", "page: ", "tags: ",
                      "date: ", "evidence:", "\n", "  ", "\t", "&a ", "*a", "[", "]", "{",
                      "}", ": ", "'", '"', "|", ">-", "#", "---", "...", "!!str ", "? ",
                      "<<: *a", "~", "2020-01-01", ".nan") | mutated(VALID_FINDINGS)


def _summary(result: tuple[list, list]) -> tuple:  # type: ignore[type-arg]
    findings, problems = result
    return (
        [(f.id, f.claim, f.tags, f.date, [(e.source, e.quote, e.page) for e in f.evidence],
          repr(sorted(f.extra.items(), key=str))) for f in findings],
        problems,
    )


@FUZZ
@given(YAML_TEXT)
def test_findings_loader_never_raises_and_is_deterministic(text: str) -> None:
    result = parse_findings(text, "findings/f.yaml")
    assert_located(result[1], "findings/f.yaml")
    for finding in result[0]:
        assert finding.id and finding.evidence
    assert _summary(parse_findings(text, "findings/f.yaml")) == _summary(result)


@FUZZ
@given(st.binary(max_size=300))
def test_findings_bytes_never_raise(data: bytes) -> None:
    text, problems = decode_text(data, "findings/f.yaml", code="FND001")
    assert_located(problems, "findings/f.yaml")
    assert_located(parse_findings(text, "findings/f.yaml")[1], "findings/f.yaml")


# --------------------------------------------------------------------------- sources


SOURCE_TEXT = fragments("word ", "Word", "\f", "\n", "<!-- page 3 -->\n", "<!-- page x",
                        "suspend-\ned ", "\u00ad", "\u200b", "“", "”", "—", "…", " ", "1",
                        "rn", "m", "l", "I", "0", "O", "ﬁ", "İ", "ß")
QUOTE_TEXT = fragments("word", " ", "...", "…", "[...]", "[…]", "[T]he", "[", "]", "“",
                       "suspended", "Word", "\n", "1", "m", "rn", "ß", "İ")


@FUZZ
@given(SOURCE_TEXT, QUOTE_TEXT)
def test_matcher_never_raises_and_is_deterministic(source: str, quote: str) -> None:
    index = SourceIndex(source)
    first = match_quote(quote, index)
    again = match_quote(quote, SourceIndex(source))
    assert first == again
    if first is not None:
        assert 0 <= first.start <= first.end <= len(source)
        assert first.kind in ("exact", "fuzzy")
    nearest = nearest_passage(quote, index)
    assert nearest == nearest_passage(quote, SourceIndex(source))


@FUZZ
@given(SOURCE_TEXT, st.one_of(st.none(), st.sampled_from(["1", "147", "xi", "A3", "0"])))
def test_page_maps_never_raise(text: str, first_page: str | None) -> None:
    pages, problems = build_page_map(text, first_page, "sources/k.txt")
    assert_located(problems, "sources/k.txt")
    if pages is not None:
        assert pages.starts[0] == 0 and len(pages.starts) == len(pages.labels)
        assert list(pages.starts) == sorted(pages.starts)
    assert build_page_map(text, first_page, "sources/k.txt") == (pages, problems)


# --------------------------------------------------------------------------- citations

MARKDOWN = fragments("@key", "[@key]", "[see @a; @b, p. 12]", "[-@c]", "@{k:ey}", " ", "\n",
                     "`", "```\n", "~~~", "    ", "> ", "- ", "1. ", "<!--", "-->", "\\@",
                     "a@b.com", "[", "]", "(", ")", "{", "}", "$", "$$", "---\n", "<div>",
                     "</div>", "[^1]", "[^1]: ", "|", "#", "*", "_")


@FUZZ
@given(MARKDOWN)
def test_citation_extractor_never_raises_and_is_deterministic(text: str) -> None:
    first = extract_citations(text, "briefs/b.md")
    assert extract_citations(text, "briefs/b.md") == first
    lines = re.split(r"\r\n|\r|\n", text)  # Pandoc's line ends, as the extractor counts
    for citation in first:
        assert citation.key
        assert citation.span.path == "briefs/b.md"
        assert citation.span.line is not None and 1 <= citation.span.line <= len(lines)


# --------------------------------------------------------------------------- a whole project


@settings(max_examples=max(EXAMPLES // 20, 25), deadline=None, derandomize=not EXAMPLES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(bib=BIB_TEXT, findings=YAML_TEXT, brief=MARKDOWN,
       source=st.binary(max_size=200))
def test_check_of_any_project_reports_and_writes_nothing(
    bib: str, findings: str, brief: str, source: bytes
) -> None:
    from briefgen.api import check

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = {
            "briefgen.toml": b"",
            "bib/refs.bib": bib.encode("utf-8", "surrogatepass"),
            "findings/f.yaml": findings.encode("utf-8", "surrogatepass"),
            "briefs/b.md": brief.encode("utf-8", "surrogatepass"),
            "sources/smith2020.txt": source,
        }
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        report = check(root)
        assert all(d.span is not None and d.span.path for d in report.diagnostics)
        assert check(root) == report
        assert {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} == set(
            files)
        assert all((root / rel).read_bytes() == data for rel, data in files.items())

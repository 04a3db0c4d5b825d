"""``briefgen fmt``: the layout it gives, and the round-trip properties it keeps.

Lossless: the formatted file reads as the same findings (ids, claims, quotes,
pages, tags, dates, other keys) or the same entries and fields, and every comment
survives. Idempotent: formatting a formatted file changes nothing. A file that
does not parse cleanly is left untouched and reported.
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.bibliography import parse_bibliography
from briefgen.diagnostics import ConfigError
from briefgen.findings import parse_findings
from briefgen.fmt import (
    _foldable,
    format_bibliography_text,
    format_findings_text,
    format_project,
)

EXAMPLES = int(os.environ.get("BRIEFGEN_FUZZ", "0"))
PROPERTY = settings(max_examples=EXAMPLES or 120, deadline=None, derandomize=not EXAMPLES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CASES = Path(__file__).parent / "cases"


def findings_of(text: str) -> list[tuple[object, ...]]:
    findings, problems = parse_findings(text, "f.yaml")
    assert not [d for d in problems if d.code in ("FND001", "FND002")], problems
    return [(f.id, f.claim, f.tags, f.date,
             [(e.source, e.quote, e.page) for e in f.evidence],
             json.dumps(dict(f.extra), sort_keys=True, default=repr)) for f in findings]


def entries_of(text: str) -> list[tuple[str, str, dict[str, str]]]:
    result = parse_bibliography(text, "refs.bib")
    return [(e.key, e.type, dict(e.fields)) for e in result.entries]


# --------------------------------------------------------------------------- findings


# (The claim is one long line: the backslash joins the two lines of this test file.)
UNTIDY = """\
# Findings about the CSTO.

- tags: [csto, russia]   # the tags
  quote: "Uzbekistan eventually suspended its CSTO membership in June 2012."
  claim: After years of limited participation, Uzbekistan suspended its CSTO membership in \
June 2012, a step it had taken before.
  id: csto-2012
  page: "147"
  # Where the quote is (a comment stays after the key it follows).
  source: weitz2014
  confidence: high
  date: "2012-06"

- id: short-folded
  claim: >-
    Short.
  evidence:
      -   quote: "one"
          page: 3
          source: a
      -   source: b
          quote: 'two'
"""

TIDY = """\
# Findings about the CSTO.

- id: csto-2012
  claim: >-
    After years of limited participation, Uzbekistan suspended its CSTO membership in
    June 2012, a step it had taken before.
  source: weitz2014
  quote: "Uzbekistan eventually suspended its CSTO membership in June 2012."
  page: "147"
  # Where the quote is (a comment stays after the key it follows).
  tags: [csto, russia]   # the tags
  date: "2012-06"
  confidence: high

- id: short-folded
  claim: Short.
  evidence:
  - source: a
    quote: "one"
    page: 3
  - source: b
    quote: 'two'
"""


def test_findings_layout() -> None:
    out, problems = format_findings_text(UNTIDY, "f.yaml")
    assert problems == []
    assert out == TIDY
    assert findings_of(out) == findings_of(UNTIDY)


def test_formatted_findings_stay_formatted() -> None:
    assert format_findings_text(TIDY, "f.yaml") == (TIDY, [])


@pytest.mark.parametrize("text, code, line", [
    ("- id: a\n  claim: 'never closed\n", "FND001", 3),
    ("- id: a\n\tclaim: x\n", "FND001", 2),
    ("- id: a\n  claim: x\n  claim: y\n  source: k\n  quote: q\n", "FND002", 3),
])
def test_findings_that_do_not_parse_are_left_untouched(text: str, code: str, line: int) -> None:
    out, problems = format_findings_text(text, "f.yaml")
    assert out == text
    assert [(d.code, d.span.line if d.span else None) for d in problems][:1] == [(code, line)]


def test_findings_not_a_list_are_left_untouched() -> None:
    text = "id: a\nclaim: x\n"
    out, problems = format_findings_text(text, "f.yaml")
    assert out == text and problems and problems[0].code == "FND002"


def test_empty_and_comment_only_findings_are_left_as_they_are() -> None:
    for text in ("", "# only a comment\n", "---\n...\n"):
        assert format_findings_text(text, "f.yaml") == (text, [])


def test_a_comment_after_a_block_indicator_is_not_lost() -> None:
    """ruamel.yaml drops ``# c`` in ``claim: >-  # c``: the file is left untouched."""
    text = "- id: a\n  claim: >-  # why\n    Text.\n  source: k\n  quote: q\n"
    out, problems = format_findings_text(text, "f.yaml")
    assert out == text
    assert [d.code for d in problems] == ["FMT001"] and "comment" in problems[0].message


def test_anchors_and_multi_line_quotes_survive() -> None:
    text = textwrap.dedent("""\
        - id: a
          quote: |
            Line one,
              indented line two.
          claim: &c The claim.
          source: k
          note: *c
        """)
    out, problems = format_findings_text(text, "f.yaml")
    assert problems == []
    assert findings_of(out) == findings_of(text)
    assert "Line one,\n      indented line two." in out
    assert format_findings_text(out, "f.yaml") == (out, [])


# A findings file written in many styles, with comments everywhere.
ID = st.from_regex(r"[a-z0-9][a-z0-9.-]{0,12}", fullmatch=True)
WORD = st.sampled_from(["Uzbekistan", "the", "CSTO", "in", "2012,", "Russia's", "“base”", "a",
                        "#1", "key:", "value", "--", "-", "—", "!", "%", "@", "[x]", "{y}",
                        "'s", '"q"', "&", "*", "|", ">", "é", "ß", "100%", "…"])
PROSE = st.one_of(
    st.lists(WORD, min_size=1, max_size=40).map(" ".join),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=120),
).filter(str.strip)
KEY = st.sampled_from(["weitz2014", "doe2019", "smith-2020", "a"])
PAGE = st.one_of(st.integers(1, 999), st.sampled_from(["147", "147-148", "xi", "12, 14"]))
TAG = st.from_regex(r"[a-z0-9][a-z0-9-]{0,8}", fullmatch=True)
COMMENT_IDS = iter(range(10**9))


def scalar(text: str | int, style: str) -> str:
    """``text`` as a YAML scalar in a style (falling back to a JSON string)."""
    if isinstance(text, int):
        return str(text)
    if style == "plain" and text == text.strip() and text and all(
            c.isalnum() or c in " .,()'" for c in text) and text[0].isalpha() \
            and yaml.safe_load(text) == text:
        return text
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return json.dumps(text, ensure_ascii=False)


@st.composite
def findings_file(draw: st.DrawFn) -> tuple[str, list[str]]:
    comments: list[str] = []

    def comment() -> str:
        text = f"# note {next(COMMENT_IDS)} {draw(st.sampled_from(['', 'kept', 'see: x']))}"
        comments.append(text.strip())
        return text.strip()

    lines: list[str] = []
    if draw(st.booleans()):
        lines += [comment(), ""]
    ids = draw(st.lists(ID, min_size=1, max_size=4, unique=True))
    for fid in ids:
        fields: list[tuple[str, object]] = [("id", fid), ("claim", draw(PROSE))]
        if draw(st.booleans()):
            fields.append(("evidence", draw(st.lists(
                st.tuples(KEY, PROSE, st.none() | PAGE), min_size=1, max_size=3))))
        else:
            fields += [("source", draw(KEY)), ("quote", draw(PROSE))]
            if draw(st.booleans()):
                fields.append(("page", draw(PAGE)))
        if draw(st.booleans()):
            fields.append(("tags", draw(st.lists(TAG, max_size=3, unique=True))))
        if draw(st.booleans()):
            fields.append(("date", draw(st.sampled_from(["2012", "2012-06", "2012-06-30"]))))
        if draw(st.booleans()):
            fields.append(("confidence", draw(st.sampled_from(["high", "low"]))))
        fields = draw(st.permutations(fields))
        for n, (key, value) in enumerate(fields):
            lead = "- " if n == 0 else "  "
            if n and draw(st.integers(0, 5)) == 0:
                lines.append("  " + comment())
            block = isinstance(value, str) and key in ("claim", "quote") and draw(
                st.booleans()) and _foldable(value)
            # ruamel.yaml drops a comment after '>-': fmt refuses such files (tested
            # above), so the generated files put none there.
            tail = ("  " + comment()) if not block and draw(st.integers(0, 5)) == 0 else ""
            style = draw(st.sampled_from(["plain", "double", "single"]))
            if key == "evidence":
                lines.append(f"{lead}evidence:{tail}")
                indent = draw(st.sampled_from(["  ", "    "]))
                for source, quote, page in value:  # type: ignore[attr-defined]
                    lines.append(f"{indent}- source: {source}")
                    lines.append(f"{indent}  quote: {scalar(quote, style)}")
                    if page is not None:
                        lines.append(f"{indent}  page: {scalar(page, 'double')}")
            elif key == "tags":
                lines.append(f"{lead}tags: [{', '.join(value)}]{tail}")  # type: ignore[arg-type]
            elif block:
                lines.append(f"{lead}{key}: >-")
                lines += ["    " + line for line in textwrap.wrap(
                    value, draw(st.integers(20, 90)), break_long_words=False,
                    break_on_hyphens=False)]
            else:
                lines.append(f"{lead}{key}: {scalar(value, style)}{tail}")  # type: ignore[arg-type]
        if draw(st.booleans()):
            lines.append("")
        if draw(st.integers(0, 3)) == 0:
            lines.append(comment())
    return "\n".join(lines) + "\n", comments


@PROPERTY
@given(findings_file())
def test_findings_round_trip_is_lossless_and_idempotent(case: tuple[str, list[str]]) -> None:
    text, comments = case
    before = findings_of(text)  # the generator writes valid files only
    out, problems = format_findings_text(text, "f.yaml")
    assert problems == []
    assert findings_of(out) == before
    for comment in comments:
        assert comment in out
    assert format_findings_text(out, "f.yaml") == (out, [])
    assert "\t" not in out and all(line == line.rstrip(" ") or line.strip() == ""
                                   for line in out.splitlines() if '"' not in line)


# --------------------------------------------------------------------------- BibTeX


UNTIDY_BIB = """\
% Sources of the brief.
@string{ jrs = "Journal of Regional Studies" }
@Article{smith2020,
    author = {Smith, Jane},   % first author only
  title={Border {Security} in Central Asia},
      journal = jrs,
  % the year is the print year
  year = 2020}
@comment{ not read: @book{x, title = {y}} }


@book{doe2019, author = "Doe, John", title = {Alliances}, year = {2019},
}
"""

TIDY_BIB = """\
% Sources of the brief.
@string{ jrs = "Journal of Regional Studies" }

@Article{smith2020,
  author  = {Smith, Jane}, % first author only
  title   = {Border {Security} in Central Asia},
  journal = jrs,
  % the year is the print year
  year    = 2020,
}

@comment{ not read: @book{x, title = {y}} }

@book{doe2019,
  author = "Doe, John",
  title  = {Alliances},
  year   = {2019},
}
"""


def test_bibtex_layout() -> None:
    out, problems = format_bibliography_text(UNTIDY_BIB, "refs.bib")
    assert problems == []
    assert out == TIDY_BIB
    assert entries_of(out) == entries_of(UNTIDY_BIB)
    assert format_bibliography_text(TIDY_BIB, "refs.bib") == (TIDY_BIB, [])


def test_multi_line_values_are_kept_as_written() -> None:
    text = "@misc{a,\n  note = {one\n          two},\n  title = {T}, year = 2000}\n"
    out, problems = format_bibliography_text(text, "refs.bib")
    assert problems == []
    assert "note  = {one\n          two}," in out
    assert entries_of(out) == entries_of(text)


@pytest.mark.parametrize("text, code, line", [
    ("@book{a,\n  title = {Open,\n  year = 2020,\n}\n", "BIB001", 1),
    ("@book{a,\n  title = {T}\n  year = 2020,\n}\n", "BIB006", 2),
])
def test_bibtex_that_does_not_parse_is_left_untouched(text: str, code: str, line: int) -> None:
    out, problems = format_bibliography_text(text, "refs.bib")
    assert out == text
    assert (problems[0].code, problems[0].span.line if problems[0].span else None) == (code, line)


FIELD = st.sampled_from(["author", "title", "journal", "year", "pages", "note", "doi",
                         "publisher", "url", "langid"])
BRACED = st.lists(st.sampled_from(["Word", "{Nested}", "a", "--", "\\&", "é", ",", "=",
                                   "\"q\"", "%", "@", "#", " ", "\n    "]),
                  min_size=1, max_size=10).map(lambda parts: "{" + "".join(parts) + "}")
QUOTED = st.lists(st.sampled_from(["Word", "{Nested}", "{\"}", "a", " ", ",", "=", "@"]),
                  min_size=1, max_size=6).map(lambda parts: '"' + "".join(parts) + '"')
VALUE = st.one_of(BRACED, QUOTED, st.integers(0, 3000).map(str), st.just("jrs"),
                  st.tuples(BRACED, st.just("jrs")).map(" # ".join))
SPACE = st.sampled_from([" ", "", "  ", "\n", "\n\t", "\n      "])


@st.composite
def bib_file(draw: st.DrawFn) -> tuple[str, list[str]]:
    comments: list[str] = []

    def comment() -> str:
        text = f"% comment {len(comments)} {draw(st.sampled_from(['', 'kept', '@not an entry']))}"
        comments.append(text.strip())
        return text.strip()

    parts = ['@string{jrs = "Journal of Regional Studies"}\n'] if draw(st.booleans()) else []
    parts = [f"{comment()}\n", *parts] if draw(st.booleans()) else parts
    keys = draw(st.lists(st.from_regex(r"[a-z][a-z0-9:_-]{0,10}", fullmatch=True),
                         min_size=1, max_size=4, unique=True))
    for key in keys:
        names = draw(st.lists(FIELD, min_size=1, max_size=6, unique=True))
        body = []
        for name in names:
            sep = draw(SPACE)
            item = f"{sep}{name}{draw(SPACE)}={draw(SPACE)}{draw(VALUE)}"
            if draw(st.integers(0, 4)) == 0:
                item += f"\n  {comment()}\n"
            body.append(item)
        trailing = "," if draw(st.booleans()) else ""
        kind = draw(st.sampled_from(["article", "Book", "misc", "online"]))
        parts.append(f"@{kind}{{{key},{','.join(body)}{trailing}{draw(SPACE)}}}")
        gap = draw(st.sampled_from(["\n", "\n\n", "\n\n\n", "comment", "  \n"]))
        parts.append(f"\n{comment()}\n" if gap == "comment" else gap)
    return "".join(parts), comments


@PROPERTY
@given(bib_file())
def test_bibtex_round_trip_is_lossless_and_idempotent(case: tuple[str, list[str]]) -> None:
    text, comments = case
    before = parse_bibliography(text, "refs.bib")
    if any(d.code in ("BIB001", "BIB006") for d in before.diagnostics):
        # The generator can write a comment line inside a value's white space
        # that Pandoc's grammar refuses; then fmt must leave the file alone.
        assert format_bibliography_text(text, "refs.bib")[0] == text
        return
    out, problems = format_bibliography_text(text, "refs.bib")
    assert problems == []
    assert entries_of(out) == entries_of(text)
    assert parse_bibliography(out, "refs.bib").count == before.count
    out_lines = {line.strip() for line in out.splitlines()}
    for comment in comments:
        assert comment in out_lines or any(comment in line for line in out_lines)
    assert format_bibliography_text(out, "refs.bib") == (out, [])


# --------------------------------------------------------------------------- the project


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(CASES / "clean", root, ignore=shutil.ignore_patterns("expected.*"))
    (root / "findings" / "example.yaml").write_text(UNTIDY, encoding="utf-8")
    (root / "bib" / "refs.bib").write_text(UNTIDY_BIB, encoding="utf-8")
    (root / "findings" / "broken.yaml").write_text("- id: x\n  claim: 'open\n",
                                                   encoding="utf-8")
    return root


def test_check_mode_writes_nothing_and_fails(tmp_path: Path) -> None:
    root = _project(tmp_path)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    report = format_project(root, check=True)
    assert set(report.changed) == {"findings/example.yaml", "bib/refs.bib"}
    assert [(d.code, d.span.path if d.span else None) for d in report.diagnostics] == [
        ("FND001", "findings/broken.yaml")]
    assert report.exit_code() == 1
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_fmt_rewrites_then_is_clean(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "findings" / "broken.yaml").unlink()
    report = format_project(root)
    assert set(report.changed) == {"findings/example.yaml", "bib/refs.bib"}
    assert report.exit_code() == 0
    assert (root / "findings" / "example.yaml").read_text(encoding="utf-8") == TIDY
    assert (root / "bib" / "refs.bib").read_text(encoding="utf-8") == TIDY_BIB
    assert not list(root.rglob("*.tmp"))
    again = format_project(root, check=True)
    assert again.changed == () and again.exit_code() == 0


def test_fmt_leaves_a_broken_file_untouched_and_formats_the_rest(tmp_path: Path) -> None:
    root = _project(tmp_path)
    broken = (root / "findings" / "broken.yaml").read_bytes()
    report = format_project(root)
    assert report.exit_code() == 1
    assert (root / "findings" / "broken.yaml").read_bytes() == broken
    assert (root / "findings" / "example.yaml").read_text(encoding="utf-8") == TIDY


def test_fmt_named_files_only(tmp_path: Path) -> None:
    root = _project(tmp_path)
    report = format_project(root, ["bib/refs.bib"])
    assert report.changed == ("bib/refs.bib",)
    assert (root / "findings" / "example.yaml").read_text(encoding="utf-8") == UNTIDY


def test_fmt_keeps_a_linked_file_a_link(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "findings" / "broken.yaml").unlink()
    target = root / "findings" / "example.yaml"
    (root / "shared.yaml").write_text(UNTIDY, encoding="utf-8")
    target.unlink()
    target.symlink_to("../shared.yaml")
    format_project(root)
    assert target.is_symlink()
    assert (root / "shared.yaml").read_text(encoding="utf-8") == TIDY


def test_fmt_with_an_invalid_configuration_raises_config_error(tmp_path: Path) -> None:
    root = _project(tmp_path)
    (root / "briefgen.toml").write_text("findings = [\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        format_project(root)

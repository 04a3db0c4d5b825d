"""Add a finding to a findings file, checked before it is written.

:func:`add_finding` verifies the quote against its source with the quote matcher, fills
the page from where the quote is found, and appends the finding as text to the end of the
file: what the file held, comments included, is kept byte for byte. Before writing, the
new text is parsed again and must hold every finding it held plus the new one, exactly as
given; after writing, the file is read back and checked once more.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from briefgen.diagnostics import EXIT_ERRORS, BriefgenError
from briefgen.model import Evidence, Finding, Project, Source, Span

__all__ = [
    "AddedFinding",
    "FindingRefused",
    "add_finding",
    "default_findings_file",
    "finding_to_yaml",
    "make_finding_id",
]


class FindingRefused(BriefgenError):
    """The finding was not added: its quote does not verify, or it cannot be written safely."""

    exit_code = EXIT_ERRORS


@dataclass(frozen=True, slots=True)
class AddedFinding:
    """A finding that :func:`add_finding` wrote, as read back from its file."""

    finding: Finding
    path: str  # project-relative findings file
    status: Literal["verified", "fuzzy"]
    pages: tuple[str, ...]  # pages where the quote was found (empty: no page information)
    created_file: bool
    differences: tuple[str, ...] = ()  # text-extraction noise of a fuzzy match


_STOP_WORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "had",
        "have",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "was",
        "were",
        "which",
        "with",
    }
)
_PLAIN = re.compile(r"[a-z][a-z0-9._-]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
# Characters PyYAML does not accept raw, and the line breaks YAML would fold.
_ESCAPE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")
_WIDTH = 88


def add_finding(
    project: Project,
    claim: str,
    source: str,
    quote: str,
    *,
    page: str | None = None,
    tags: tuple[str, ...] = (),
    date: str | None = None,
    finding_id: str | None = None,
    path: str | None = None,
) -> AddedFinding:
    """Verify a finding and append it to a findings file of ``project``.

    ``path`` is project-relative (default: the findings folder's ``SOURCE.yaml``). Raises
    FindingRefused, writing nothing, when the quote does not verify in ``source`` (on
    ``page`` if given), a field is invalid, or the file could not be appended to safely.
    """
    from briefgen.findings import DATE_RE, ID_RE, TAG_RE
    from briefgen.quotes.matcher import CorpusIndex, SourceIndex, match_quote
    from briefgen.sources import parse_page_claim

    claim = " ".join(claim.split())
    quote = quote.strip()
    if not claim:
        raise FindingRefused(
            "the claim is empty", hint='Say in your own words what the quote shows: --claim "...".'
        )
    if not re.search(r"\w", quote):
        raise FindingRefused("the quote is empty", hint="Copy the quote from the source.")
    entry_source = _entry_source(project, source)
    tags = tuple(dict.fromkeys(t.strip() for t in tags if t.strip()))
    bad_tag = next((t for t in tags if not TAG_RE.match(t)), None)
    if bad_tag is not None:
        raise FindingRefused(
            f"invalid tag {bad_tag!r}",
            hint="Tags are lower-case words joined by hyphens: [a-z0-9][a-z0-9-]*.",
        )
    if date is not None and not DATE_RE.match(date):
        raise FindingRefused(
            f"invalid date {date!r}", hint="Write a date as YYYY, YYYY-MM or YYYY-MM-DD."
        )
    taken = {f.id for f in project.findings}
    if finding_id is None:
        finding_id = make_finding_id(claim, source, taken)
    elif not ID_RE.match(finding_id):
        raise FindingRefused(
            f"invalid finding id {finding_id!r}", hint="Ids are lower-case: [a-z0-9][a-z0-9._-]*."
        )
    elif finding_id in taken:
        raise FindingRefused(
            f"a finding with id {finding_id!r} exists already",
            hint="Give another --id, or leave it out to have one made.",
        )

    match = match_quote(quote, SourceIndex(entry_source.text))
    if match is None:
        raise _not_found(
            project,
            quote,
            source,
            entry_source,
            CorpusIndex({k: s.text for k, s in project.sources.items()}),
        )
    pages = (
        entry_source.pages.pages_between(match.start, match.end)
        if entry_source.pages is not None
        else ()
    )
    if page is not None:
        page = page.strip()
        claimed = parse_page_claim(page)
        if not page or claimed is None:
            raise FindingRefused(
                f"invalid page {page!r}", hint='Write a page as 147, or a range "147-148".'
            )
        if pages and not set(claimed) & set(pages):
            raise FindingRefused(
                f"the quote is on {_fmt_pages(pages)} of {source}, not p. {page}",
                hint=f"Give --page {_claim_text(pages)}, or leave --page out to have it filled in.",
            )
    elif pages:
        page = _claim_text(pages)

    rel = path if path is not None else default_findings_file(project, source)
    rel = _check_findings_path(project, rel)
    text = finding_to_yaml(finding_id, claim, source, quote, page, tags, date)
    expected = Finding(
        id=finding_id,
        claim=claim,
        tags=tags,
        date=date,
        span=Span(rel),
        evidence=(Evidence(source=source, quote=quote, page=page, span=Span(rel)),),
    )
    finding, created = _append(project.root, rel, text, expected)
    status: Literal["verified", "fuzzy"] = "verified" if match.kind == "exact" else "fuzzy"
    return AddedFinding(
        finding=finding,
        path=rel,
        status=status,
        pages=pages,
        created_file=created,
        differences=match.differences,
    )


def _entry_source(project: Project, key: str) -> Source:
    if key not in project.entries:
        import difflib

        close = difflib.get_close_matches(key, list(project.entries), n=3)
        hint = (
            f"Did you mean {', '.join(close)}?"
            if close
            else "Add the entry to the bibliography first (briefgen ingest writes a stub)."
        )
        raise FindingRefused(f"cite key {key!r} is not in the bibliography", hint=hint)
    source = project.sources.get(key)
    if source is None:
        why = project.missing_texts.get(key, "")
        raise FindingRefused(
            f"{key!r} has no source text ({why or 'none found'}), so the quote cannot be "
            "verified",
            hint=f"Add {project.config.sources}/{key}.txt, e.g. with briefgen ingest FILE "
            f"--key {key}.",
        )
    return source


def _not_found(
    project: Project, quote: str, key: str, source: Source, corpus: object
) -> FindingRefused:
    from briefgen.quotes.matcher import CorpusIndex, SourceIndex, nearest_passage

    assert isinstance(corpus, CorpusIndex)
    elsewhere = corpus.find_elsewhere(quote, exclude=key)
    if elsewhere:
        names = ", ".join(k for k, _ in elsewhere)
        return FindingRefused(
            f"the quote is not in {key} but is in {names}", hint=f"Give --source {elsewhere[0][0]}."
        )
    message = f"the quote is not in {key} ({source.path})"
    best = nearest_passage(quote, SourceIndex(source.text))
    if best is not None:
        message += (
            f"\n  nearest passage (line {source.line_of(best.start)}, "
            f"{best.similarity:.0%} similar):\n    {best.marked}"
        )
    return FindingRefused(
        message,
        hint="Copy the quote verbatim from the source "
        "(briefgen find PHRASE shows where words are).",
    )


def _fmt_pages(pages: tuple[str, ...]) -> str:
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def _claim_text(pages: tuple[str, ...]) -> str:
    return pages[0] if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


def make_finding_id(claim: str, source: str, taken: set[str] | frozenset[str] = frozenset()) -> str:
    """An id made of the source's name and the claim's first words, unique among ``taken``."""
    folded = unicodedata.normalize("NFKD", re.sub(r"['’]", "", claim))
    folded = folded.encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", folded)
    chosen = [w for w in words if w not in _STOP_WORDS][:5] or words[:5]
    prefix = re.match(r"[a-z]+", source.lower())
    parts = ([prefix.group(0)] if prefix else []) + chosen
    base = "-".join(parts)[:60].strip("-") or "finding"
    if not re.match(r"[a-z0-9]", base):
        base = "finding-" + base
    candidate, n = base, 2
    while candidate in taken:
        candidate = f"{base}-{n}"
        n += 1
    return candidate


def default_findings_file(project: Project, source: str) -> str:
    """``findings/SOURCE.yaml`` in the folder of the first findings glob."""
    pattern = project.config.findings[0] if project.config.findings else "findings/*.yaml"
    literal: list[str] = []
    for part in pattern.replace("\\", "/").removeprefix("./").split("/")[:-1]:
        if any(ch in part for ch in "*?["):
            break
        literal.append(part)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", source).strip("-.") or "findings"
    return "/".join([*literal, f"{name}.yaml"])


def _check_findings_path(project: Project, rel: str) -> str:
    rel = rel.replace("\\", "/").removeprefix("./")
    parts = rel.split("/")
    if rel.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", rel):
        raise FindingRefused(
            f"{rel}: findings files are inside the project",
            hint="Give a path relative to the project folder.",
        )
    if not rel.endswith((".yaml", ".yml")):
        raise FindingRefused(f"{rel}: a findings file is a .yaml file")
    if not any(
        fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.replace("**/", ""))
        for p in project.config.findings
    ):
        raise FindingRefused(
            f"{rel} is not among the findings files ({', '.join(project.config.findings)}), "
            "so briefgen would not read the finding",
            hint="Give a file that the 'findings' setting of briefgen.toml matches.",
        )
    return rel


# --- YAML text -------------------------------------------------------------------


def _quoted(value: str) -> str:
    """``value`` as a YAML double-quoted scalar on one line."""
    body = value.replace("\\", "\\\\").replace('"', '\\"')
    body = body.replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")
    return '"' + _ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", body) + '"'


def _scalar(value: str, indent: str) -> str:
    """The text after ``key:``: plain, double-quoted, or a folded block for long prose."""
    if _PLAIN.fullmatch(value) and value not in _YAML_WORDS:
        return " " + value
    if len(value) > _WIDTH - 12 and value == " ".join(value.split()):
        import textwrap

        lines = textwrap.wrap(
            value, width=_WIDTH - len(indent) - 2, break_long_words=False, break_on_hyphens=False
        )
        if all(line == line.strip() for line in lines) and " ".join(lines) == value:
            return " >-\n" + "\n".join(f"{indent}  {line}" for line in lines)
    return " " + _quoted(value)


def finding_to_yaml(
    finding_id: str,
    claim: str,
    source: str,
    quote: str,
    page: str | None = None,
    tags: tuple[str, ...] = (),
    date: str | None = None,
) -> str:
    """One finding as an item of a YAML list, in the layout of the example project."""
    pad = "  "
    lines = [
        f"- id:{_scalar(finding_id, pad)}",
        f"{pad}claim:{_scalar(claim, pad)}",
        f"{pad}source:{_scalar(source, pad)}",
        f"{pad}quote:{_scalar(quote, pad)}",
    ]
    if page is not None:
        lines.append(f"{pad}page: {_quoted(page)}")
    if tags:
        shown = (t if _PLAIN.fullmatch(t) and t not in _YAML_WORDS else _quoted(t) for t in tags)
        lines.append(f"{pad}tags: [{', '.join(shown)}]")
    if date is not None:
        lines.append(f"{pad}date: {_quoted(date)}")
    return "\n".join(lines) + "\n"


# --- appending -----------------------------------------------------------------


def _append(root: Path, rel: str, entry: str, expected: Finding) -> tuple[Finding, bool]:
    """Append ``entry`` to the findings file ``rel``; return the finding as read back."""
    from briefgen.findings import parse_findings
    from briefgen.write import write_bytes_atomic

    path = root / rel
    created = not path.exists()
    original = b""
    if not created:
        if not path.is_file():
            raise FindingRefused(f"{rel} is not a file")
        try:
            original = path.read_bytes()
        except OSError as exc:
            raise FindingRefused(f"cannot read {rel}: {exc.strerror}") from None
    try:
        before = original.decode("utf-8")
    except UnicodeDecodeError:
        raise FindingRefused(
            f"{rel} is not UTF-8 text; briefgen will not append to it",
            hint="Save it as UTF-8, or give another --file.",
        ) from None
    old, old_problems = parse_findings(before, rel)
    if any(d.code == "FND001" for d in old_problems):
        raise FindingRefused(
            f"{rel} does not parse as a list of findings; fix it first",
            hint="Run briefgen check to see where.",
        )
    newline = "\r\n" if "\r\n" in before else "\n"
    text = before
    if text and not text.endswith("\n"):
        text += newline
    if text.strip() and not text.endswith(newline * 2):
        text += newline
    text += _indent_item(entry, _item_indent(before, old)).replace("\n", newline)
    _verify(text, rel, old, expected)
    data = text.encode("utf-8")
    if not data.startswith(original):  # never rewrite what the file held
        raise FindingRefused(f"cannot append to {rel} without changing it")
    try:
        current = path.read_bytes() if path.exists() else None
    except OSError:
        current = b""
    if current != (None if created else original):
        raise FindingRefused(f"{rel} changed while the finding was being added; try again")
    try:
        write_bytes_atomic(path, data)
    except OSError as exc:
        raise FindingRefused(f"cannot write {rel}: {exc.strerror or exc}") from None
    try:
        return _verify(path.read_bytes().decode("utf-8"), rel, old, expected), created
    except (OSError, UnicodeDecodeError, FindingRefused):
        if created:
            path.unlink(missing_ok=True)
        else:
            write_bytes_atomic(path, original)
        raise FindingRefused(f"{rel} did not read back as written; it was restored") from None


def _indent_item(entry: str, indent: str) -> str:
    """``entry`` (a list item at column 1) moved right by ``indent``."""
    if not indent:
        return entry
    return "".join(
        indent + line if line.strip() else line for line in entry.splitlines(keepends=True)
    )


def _item_indent(text: str, findings: list[Finding]) -> str:
    """The indentation of the dash of the file's last finding (none for a new file)."""
    if not findings:
        return ""
    last = findings[-1].span
    lines = text.splitlines()
    if last.line is None or last.line > len(lines):
        return ""
    line = lines[last.line - 1]
    dash = line.find("-")
    return line[:dash] if dash > 0 and not line[:dash].strip() else ""


def _same(a: Finding, b: Finding) -> bool:
    return (a.id, a.claim, a.tags, a.date) == (b.id, b.claim, b.tags, b.date) and [
        (e.source, e.quote, e.page) for e in a.evidence
    ] == [(e.source, e.quote, e.page) for e in b.evidence]


def _verify(text: str, rel: str, old: list[Finding], expected: Finding) -> Finding:
    """The new finding as parsed from ``text``, which must also hold ``old`` unchanged."""
    from briefgen.findings import parse_findings

    new, problems = parse_findings(text, rel)
    ok = (
        not any(d.code == "FND001" for d in problems)
        and len(new) == len(old) + 1
        and all(_same(a, b) for a, b in zip(new, old, strict=False))
        and _same(new[-1], expected)
    )
    if not ok:
        raise FindingRefused(
            f"appending to {rel} would not give a valid findings file; nothing was written",
            hint="The file may end inside a block, or be a flow list ([...]); give another "
            "--file, or tidy its end.",
        )
    return new[-1]

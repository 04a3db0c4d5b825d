"""The document model: small frozen dataclasses built once by the loaders.

Nothing here imports from the rest of briefgen. Every other stage takes these
objects and returns new ones plus a list of diagnostics.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Severity = Literal["error", "warning"]

EvidenceStatus = Literal[
    "verified",
    "fuzzy",
    "wrong-page",
    "wrong-source",
    "not-found",
    "unknown-source",
    "no-text",
]


@dataclass(frozen=True, slots=True)
class Span:
    """A place in a user's file: project-relative POSIX path, 1-based line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        out = self.path
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        return out


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the user's files, with where it is and what to do."""

    code: str
    severity: Severity
    message: str
    span: Span | None = None
    hint: str | None = None
    finding: str | None = None
    key: str | None = None
    # Extra lines shown under the message in text output (e.g. the nearest passage).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """A project's settings (CONTRACT section 1), with defaults filled in."""

    root: Path
    bibliography: tuple[str, ...] = ("bib/*.bib",)
    sources: str = "sources"
    findings: tuple[str, ...] = ("findings/**/*.yaml",)
    briefs: tuple[str, ...] = ("briefs/*.md",)
    templates: str = "templates"
    output: str = "build"
    csl: str = "chicago-author-date"
    # Per-code severity overrides: code -> "error" | "warning" | "off".
    severity: Mapping[str, str] = field(default_factory=dict)
    # Per-glob overrides: list of (glob, {code: level}).
    per_file_severity: tuple[tuple[str, Mapping[str, str]], ...] = ()
    config_file: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """A bibliography entry.

    ``fields`` holds lower-cased field names mapped to their values as plain
    strings (outer braces/quotes removed, @string macros expanded).
    ``csl`` holds the original item for CSL-JSON entries.
    """

    key: str
    type: str
    fields: Mapping[str, str]
    span: Span
    csl: Mapping[str, Any] | None = None
    # 1-based line of each field, where the format has lines per field (BibTeX).
    field_lines: Mapping[str, int] = field(default_factory=dict)

    def field_span(self, name: str) -> Span:
        """Where field ``name`` is written, else where the entry starts."""
        line = self.field_lines.get(name)
        return Span(self.span.path, line, None) if line else self.span

    @property
    def title(self) -> str:
        if self.csl is not None:
            return str(self.csl.get("title", ""))
        return _strip_braces(self.fields.get("title", ""))

    @property
    def year(self) -> str:
        if self.csl is not None:
            issued = self.csl.get("issued") or {}
            parts = issued.get("date-parts") if isinstance(issued, Mapping) else None
            if parts and parts[0]:
                return str(parts[0][0])
            if isinstance(issued, Mapping) and issued.get("raw"):
                return str(issued["raw"])[:4]
            return ""
        if "year" in self.fields:
            return _strip_braces(self.fields["year"])
        return _strip_braces(self.fields.get("date", ""))[:4]

    @property
    def authors(self) -> tuple[str, ...]:
        """Author (else editor) names as written, family names first where given."""
        if self.csl is not None:
            names = self.csl.get("author") or self.csl.get("editor") or []
            out = []
            for n in names:
                if isinstance(n, Mapping):
                    out.append(n.get("literal") or ", ".join(
                        p for p in (n.get("family"), n.get("given")) if p))
            return tuple(x for x in out if x)
        raw = self.fields.get("author") or self.fields.get("editor") or ""
        if not raw:
            org = self.fields.get("organization") or self.fields.get("institution")
            return (_strip_braces(org),) if org else ()
        return tuple(_strip_braces(a.strip()) for a in re.split(r"\s+and\s+", raw) if a.strip())

    @property
    def first_page(self) -> str | None:
        """The start of the ``pages`` field (``147--149`` gives ``147``), if any."""
        raw = self.csl.get("page") if self.csl is not None else self.fields.get("pages")
        if not raw:
            return None
        m = re.match(r"\s*([0-9A-Za-z]+)", str(raw))
        return m.group(1) if m else None


def _strip_braces(value: str) -> str:
    return value.replace("{", "").replace("}", "").strip()


@dataclass(frozen=True, slots=True)
class PageMap:
    """Where each page of a source text starts.

    ``starts[i]`` is the offset in the original text where page ``labels[i]``
    begins; ``starts[0]`` is always 0.
    """

    starts: tuple[int, ...]
    labels: tuple[str, ...]

    def page_at(self, offset: int) -> str:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.labels[max(i, 0)]

    def pages_between(self, start: int, end: int) -> tuple[str, ...]:
        """Labels of every page touched by the original-text range [start, end)."""
        i = max(bisect.bisect_right(self.starts, start) - 1, 0)
        j = max(bisect.bisect_right(self.starts, max(end - 1, start)) - 1, 0)
        return tuple(dict.fromkeys(self.labels[i : j + 1]))


@dataclass(frozen=True, slots=True)
class Source:
    """The text of one bibliography entry."""

    key: str
    path: str  # project-relative POSIX path
    text: str
    pages: PageMap | None = None  # None: no page information

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1


@dataclass(frozen=True, slots=True)
class Evidence:
    """One quote backing a finding: a cite key, the verbatim quote, the page claimed."""

    source: str
    quote: str
    page: str | None
    span: Span  # where this piece of evidence starts in the findings file
    quote_span: Span | None = None
    page_span: Span | None = None
    source_span: Span | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A claim in the analyst's words backed by one or more pieces of evidence."""

    id: str
    claim: str
    evidence: tuple[Evidence, ...]
    span: Span
    tags: tuple[str, ...] = ()
    date: str | None = None
    # Line/column of every top-level key, e.g. field_spans["claim"].
    field_spans: Mapping[str, Span] = field(default_factory=dict)
    # Any further keys the analyst wrote (notes, confidence, ...), kept as given.
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Citation:
    """One citation of a cite key in a Markdown document, as Pandoc reads it."""

    key: str
    span: Span
    locator: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    suppress_author: bool = False
    in_text: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A Markdown document (brief) and the citations in it."""

    path: str
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True, slots=True)
class Project:
    """Everything loaded from a project folder, plus the problems found loading it."""

    root: Path
    config: Config
    entries: Mapping[str, Entry]
    sources: Mapping[str, Source]
    findings: tuple[Finding, ...]
    documents: tuple[Document, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    bibliography_files: tuple[str, ...] = ()
    # Cite keys whose entry exists but whose text file is missing, mapped to
    # why ("looked for sources/K.txt", "sources/K.txt is empty"), for diagnostics.
    missing_texts: Mapping[str, str] = field(default_factory=dict)
    # Entry count as Pandoc would read it (duplicates included).
    entry_count: int = 0


@dataclass(frozen=True, slots=True)
class EvidenceResult:
    """The verdict on one piece of evidence."""

    evidence: Evidence
    status: EvidenceStatus
    pages_found: tuple[str, ...] = ()
    similarity: float = 0.0
    found_in: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (key, pages)
    # Where in the source it was found (original offsets), or the nearest passage.
    start: int | None = None
    end: int | None = None
    passage: str | None = None
    passage_source: str | None = None
    differences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FindingResult:
    """The verdicts on every piece of evidence of one finding."""

    finding: Finding
    evidence: tuple[EvidenceResult, ...]

    @property
    def ok(self) -> bool:
        return all(e.status in ("verified", "fuzzy", "no-text") for e in self.evidence)


@dataclass(frozen=True, slots=True)
class CitationResult:
    """Whether one citation's key is in the bibliography."""

    citation: Citation
    resolved: bool


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The outcome of ``briefgen check``."""

    diagnostics: tuple[Diagnostic, ...]
    findings: tuple[FindingResult, ...]
    citations: tuple[CitationResult, ...]
    entries: int
    sources: int

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

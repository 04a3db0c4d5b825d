"""Search every source text for a phrase with the quote matcher, best passages first.

The phrase is matched as a quote would be (CONTRACT section 4): exact matches first, in
corpus order, then near matches with text-extraction noise (``fuzzy``), then, for sources
where it is not found at all, the nearest passage and its similarity (``near``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from briefgen.diagnostics import UsageError
from briefgen.model import Project, Source

__all__ = ["Passage", "find_passages", "format_pages", "passages_to_dict"]

PassageKind = Literal["exact", "fuzzy", "near"]

_RANK: dict[str, int] = {"exact": 0, "fuzzy": 1, "near": 2}


@dataclass(frozen=True, slots=True)
class Passage:
    """One place in a source text where a phrase is, or nearly is."""

    key: str
    path: str  # project-relative path of the source text
    line: int
    pages: tuple[str, ...]  # empty when the source has no page information
    kind: PassageKind
    similarity: float  # 1.0 for exact
    start: int  # offsets into the source text
    end: int
    text: str  # the passage, on one line
    before: str  # context before it, on one line
    after: str  # context after it
    differences: tuple[str, ...] = ()


def find_passages(
    project: Project,
    phrase: str,
    *,
    limit: int = 10,
    context: int = 80,
    keys: tuple[str, ...] = (),
    min_similarity: float = 0.6,
) -> list[Passage]:
    """Passages of the project's sources matching ``phrase``, best first, at most ``limit``.

    ``keys`` restricts the search to those sources. Raises UsageError for an empty phrase
    or an unknown key.
    """
    from briefgen.quotes.matcher import SourceIndex, match_quote, nearest_passage

    if not re.search(r"\w", phrase):
        raise UsageError(
            "the phrase to find has no words",
            hint='Give a few words, e.g. briefgen find "CSTO membership".',
        )
    unknown = [k for k in keys if k not in project.sources]
    if unknown:
        known = ", ".join(sorted(project.sources)) or "none"
        raise UsageError(
            f"no source text with key {unknown[0]!r}", hint=f"Sources with text: {known}."
        )
    chosen = [project.sources[k] for k in keys] if keys else list(project.sources.values())
    found: list[Passage] = []
    unmatched: list[tuple[Source, SourceIndex]] = []
    for source in chosen:
        index = SourceIndex(source.text)
        offset = 0
        current = index
        hits = 0
        while hits < limit:
            match = match_quote(phrase, current)
            if match is None or match.end <= match.start:
                break
            found.append(
                _passage(
                    source,
                    offset + match.start,
                    offset + match.end,
                    match.kind,
                    match.similarity,
                    context,
                    match.differences,
                )
            )
            hits += 1
            offset += match.end
            rest = source.text[offset:]
            if not rest.strip():
                break
            current = SourceIndex(rest)
        if hits == 0:
            unmatched.append((source, index))
    near: list[Passage] = []
    if len(found) < limit:
        for source, index in unmatched:
            candidate = nearest_passage(phrase, index)
            if candidate is not None and candidate.similarity >= min_similarity:
                near.append(
                    _passage(
                        source,
                        candidate.start,
                        candidate.end,
                        "near",
                        candidate.similarity,
                        context,
                    )
                )
    order = {key: i for i, key in enumerate(project.sources)}
    ranked = sorted(
        found + near, key=lambda p: (_RANK[p.kind], -p.similarity, order.get(p.key, 0), p.start)
    )
    return ranked[:limit]


_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])([-\u00ad])[^\S\n]*\n\s*(?=[^\W\d_])")


def _one_line(text: str) -> str:
    """The text on one line, a word hyphenated across a line break shown as ``suspend-ed``."""
    return " ".join(_LINE_BREAK_HYPHEN.sub("-", text).split())


def _passage(
    source: Source,
    start: int,
    end: int,
    kind: PassageKind,
    similarity: float,
    context: int,
    differences: tuple[str, ...] = (),
) -> Passage:
    text = source.text
    lo = max(0, start - context)
    hi = min(len(text), end + context)
    before = text[lo:start]
    after = text[end:hi]
    if lo > 0:  # start the context on a word
        before = before.split(None, 1)[1] if len(before.split(None, 1)) > 1 else before
    if hi < len(text):
        after = after.rsplit(None, 1)[0] if len(after.rsplit(None, 1)) > 1 else after
    pages = source.pages.pages_between(start, end) if source.pages is not None else ()
    return Passage(
        key=source.key,
        path=source.path,
        line=source.line_of(start),
        pages=pages,
        kind=kind,
        similarity=round(similarity, 4),
        start=start,
        end=end,
        text=_one_line(text[start:end]),
        before=("... " if lo > 0 else "") + _one_line(before),
        after=_one_line(after) + (" ..." if hi < len(text) else ""),
        differences=differences,
    )


def passages_to_dict(phrase: str, passages: list[Passage]) -> dict[str, object]:
    """The JSON form of a search: the phrase and every passage, best first."""
    return {
        "phrase": phrase,
        "results": [
            {
                "key": p.key,
                "file": p.path,
                "line": p.line,
                "pages": list(p.pages),
                "kind": p.kind,
                "similarity": p.similarity,
                "passage": p.text,
                "before": p.before,
                "after": p.after,
                "differences": list(p.differences),
            }
            for p in passages
        ],
    }


def format_pages(pages: tuple[str, ...]) -> str:
    """``p. 147`` or ``pp. 147-148``; empty without pages."""
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"

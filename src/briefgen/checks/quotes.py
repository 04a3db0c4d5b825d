"""Quotes: is each piece of evidence in its source, on the page claimed?"""

from __future__ import annotations

from collections.abc import Callable

from briefgen import diagnostics as diag
from briefgen.model import (
    Diagnostic,
    Evidence,
    EvidenceResult,
    Finding,
    FindingResult,
    Project,
    Source,
)
from briefgen.sources import parse_page_claim


def _pages(source: Source, start: int, end: int) -> tuple[str, ...]:
    if source.pages is None:
        return ()
    return source.pages.pages_between(start, end)


def _fmt_pages(pages: tuple[str, ...]) -> str:
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def _claim_text(pages: tuple[str, ...]) -> str:
    return pages[0] if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


def check_quotes(
    project: Project, progress: Callable[[int], None] | None = None
) -> tuple[list[FindingResult], list[Diagnostic]]:
    """Give every piece of evidence of every finding its status (CONTRACT section 4)."""
    from briefgen.quotes.matcher import CorpusIndex

    corpus = CorpusIndex({k: s.text for k, s in project.sources.items()})
    results: list[FindingResult] = []
    problems: list[Diagnostic] = []
    for finding in project.findings:
        ev_results = []
        for ev in finding.evidence:
            result, diagnostic = check_evidence(project, corpus, finding, ev)
            ev_results.append(result)
            if diagnostic is not None:
                problems.append(diagnostic)
        results.append(FindingResult(finding, tuple(ev_results)))
        if progress is not None:
            progress(1)
    return results, problems


def check_evidence(
    project: Project, corpus: object, finding: Finding, ev: Evidence
) -> tuple[EvidenceResult, Diagnostic | None]:
    from briefgen.quotes.matcher import CorpusIndex, match_quote, nearest_passage

    assert isinstance(corpus, CorpusIndex)
    key = ev.source
    fid = finding.id
    if key not in project.entries:
        return EvidenceResult(ev, "unknown-source"), diag.make(
            "FND006", f"cite key {key!r} is not in the bibliography",
            ev.source_span or ev.span, finding=fid, key=key)
    source = project.sources.get(key)
    index = corpus.get(key)
    if source is None or index is None:
        return EvidenceResult(ev, "no-text"), diag.make(
            "FND010", f"quote cannot be checked: {key!r} has no source text",
            ev.span, finding=fid, key=key)
    match = match_quote(ev.quote, index)
    if match is not None:
        pages = _pages(source, match.start, match.end)
        line = source.line_of(match.start)
        where = f"{source.path}:{line}" + (f", {_fmt_pages(pages)}" if pages else "")
        if ev.page and source.pages is not None:
            claimed = parse_page_claim(ev.page) or ()
            if not set(claimed) & set(pages):
                return (
                    EvidenceResult(ev, "wrong-page", pages, match.similarity, (),
                                   match.start, match.end),
                    diag.make(
                        "FND004",
                        f"quote is on {_fmt_pages(pages)} of {key}, not p. {ev.page}",
                        ev.page_span or ev.span, finding=fid, key=key,
                        notes=(f"found at {where}",),
                        hint=f"Set page: \"{_claim_text(pages)}\"."),
                )
        if match.kind == "fuzzy":
            return (
                EvidenceResult(ev, "fuzzy", pages, match.similarity, (), match.start,
                               match.end, differences=match.differences),
                diag.make(
                    "FND007",
                    f"quote matches {key} only with text-extraction noise: "
                    + "; ".join(match.differences),
                    ev.span, finding=fid, key=key, notes=(f"found at {where}",)),
            )
        return EvidenceResult(ev, "verified", pages, 1.0, (), match.start, match.end), None

    # Not in the cited source: is it in another one?
    elsewhere = corpus.find_elsewhere(ev.quote, exclude=key)
    if elsewhere:
        found_in = tuple(
            (other, _pages(project.sources[other], m.start, m.end)) for other, m in elsewhere)
        names = ", ".join(
            f"{other}" + (f" ({_fmt_pages(p)})" if p else "") for other, p in found_in)
        first_key, first_match = elsewhere[0]
        src = project.sources[first_key]
        return (
            EvidenceResult(ev, "wrong-source", (), first_match.similarity, found_in),
            diag.make(
                "FND005", f"quote not in {key} but found in {names}",
                ev.source_span or ev.span, finding=fid, key=key,
                notes=(f"found at {src.path}:{src.line_of(first_match.start)}",),
                hint=f"Cite {first_key} as the source of this quote."),
        )

    # Nowhere: show the nearest passage, in the cited source and across the corpus.
    notes: list[str] = []
    best = nearest_passage(ev.quote, index)
    passage_source = key
    if best is None or best.similarity < 0.9:
        across = corpus.nearest(ev.quote)
        if across is not None and (best is None or across[1].similarity > best.similarity + 0.05):
            passage_source, best = across
    similarity = best.similarity if best else 0.0
    if best is not None:
        src = project.sources[passage_source]
        pages = _pages(src, best.start, best.end)
        where = f"{src.path}:{src.line_of(best.start)}" + (
            f", {_fmt_pages(pages)}" if pages else "")
        notes.append(f"nearest passage ({passage_source}, {where}, "
                     f"{similarity:.0%} similar):")
        notes.append(f"  {best.marked}")
    claimed = f" (p. {ev.page})" if ev.page else ""
    return (
        EvidenceResult(ev, "not-found", (), similarity, (),
                       best.start if best else None, best.end if best else None,
                       passage=best.passage if best else None,
                       passage_source=passage_source if best else None),
        diag.make(
            "FND003", f"quote not found in {key}{claimed}", ev.span, finding=fid, key=key,
            notes=notes),
    )

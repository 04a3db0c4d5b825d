"""Quotes: is each piece of evidence in its source, on the page claimed?"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from briefgen.quotes.matcher import QuoteMatch
    from briefgen.quotes.normalise import NormalisedText


def _pages(source: Source, start: int, end: int) -> tuple[str, ...]:
    if source.pages is None:
        return ()
    return source.pages.pages_between(start, end)


def _fmt_pages(pages: tuple[str, ...]) -> str:
    if not pages:
        return ""
    return f"p. {pages[0]}" if len(pages) == 1 else f"pp. {pages[0]}-{pages[-1]}"


def _where(source: Source, start: int, pages: tuple[str, ...]) -> str:
    """``sources/k.txt:12, p. 147``: where in a source a quote was found."""
    return f"{source.path}:{source.line_of(start)}" + (
        f", {_fmt_pages(pages)}" if pages else "")


def _claim_text(pages: tuple[str, ...]) -> str:
    return pages[0] if len(pages) == 1 else f"{pages[0]}-{pages[-1]}"


# A process pool pays for itself only on a large corpus.
PARALLEL_MIN_SOURCES = 50
_CHUNK_SOURCES = 16


def check_quotes(
    project: Project,
    progress: Callable[[int], None] | None = None,
    jobs: int | None = None,
) -> tuple[list[FindingResult], list[Diagnostic]]:
    """Give every piece of evidence of every finding its status (CONTRACT section 4).

    Each source is normalised once and every quote citing it is looked for in it
    (quotes grouped by source). With more than :data:`PARALLEL_MIN_SOURCES` sources,
    that work is shared by ``jobs`` processes (default: the usable cores). Quotes not
    in their source are then looked for across the corpus through its word index.
    The result does not depend on how the work was split.
    """
    from briefgen.quotes.matcher import CorpusIndex

    matches, normalised, extras = match_by_source(project, jobs)
    corpus = CorpusIndex({k: s.text for k, s in project.sources.items()}, normalised)
    for key, (words, pairs) in extras.items():
        index = corpus.get(key)
        if index is not None:
            index.preset_vocabulary(words)
            index.preset_pairs(pairs)
    # The quotes not in their source are looked for elsewhere: index their words at once.
    corpus.prepare(quote for (_key, quote), match in matches.items() if match is None)
    results: list[FindingResult] = []
    problems: list[Diagnostic] = []
    for finding in project.findings:
        ev_results = []
        for ev in finding.evidence:
            result, diagnostic = check_evidence(project, corpus, finding, ev, matches)
            ev_results.append(result)
            if diagnostic is not None:
                problems.append(diagnostic)
        results.append(FindingResult(finding, tuple(ev_results)))
        if progress is not None:
            progress(1)
    return results, problems


_Work = tuple[str, str, tuple[str, ...]]  # cite key, source text, quotes citing it
# Key, normalised text, matches, and (from a worker) its words and sampled word pairs.
_Done = tuple[
    str, "NormalisedText", tuple["QuoteMatch | None", ...], "tuple[str, frozenset[int]] | None"
]


def match_by_source(
    project: Project, jobs: int | None = None
) -> tuple[
    dict[tuple[str, str], QuoteMatch | None],
    dict[str, NormalisedText],
    dict[str, tuple[str, frozenset[int]]],
]:
    """Normalise every source once and match the quotes that cite it.

    Returns ``(key, quote) -> match or None``, the normalised sources, and (from
    worker processes only) each source's words, joined by spaces, and sampled word
    pairs, which the corpus index would otherwise compute when first needed.
    """
    quotes: dict[str, dict[str, None]] = {key: {} for key in project.sources}
    for finding in project.findings:
        for ev in finding.evidence:
            if ev.source in quotes and ev.source in project.entries:
                quotes[ev.source][ev.quote] = None
    work: list[_Work] = [
        (key, source.text, tuple(quotes[key])) for key, source in project.sources.items()
    ]
    workers = _usable_cores() if jobs is None else max(1, jobs)
    done: list[_Done]
    if workers > 1 and len(work) > PARALLEL_MIN_SOURCES:
        done = _match_in_pool(work, workers)
    else:
        done = _match_chunk(work, vocabulary=False)
    matches: dict[tuple[str, str], QuoteMatch | None] = {}
    normalised: dict[str, NormalisedText] = {}
    extras: dict[str, tuple[str, frozenset[int]]] = {}
    for (key, _text, key_quotes), (_key, norm, found, extra) in zip(work, done, strict=True):
        normalised[key] = norm
        if extra is not None:
            extras[key] = extra
        for quote, match in zip(key_quotes, found, strict=True):
            matches[key, quote] = match
    return matches, normalised, extras


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _match_in_pool(work: list[_Work], workers: int) -> list[_Done]:
    """:func:`_match_chunk` over chunks of sources in worker processes, in order."""
    import concurrent.futures
    import gc
    import multiprocessing

    chunks = [work[i : i + _CHUNK_SOURCES] for i in range(0, len(work), _CHUNK_SOURCES)]
    # Forked workers share this process's string hashes, so their word pairs are usable.
    fork = "fork" in multiprocessing.get_all_start_methods()
    task = _match_chunk_words if fork else _match_chunk_plain
    # Objects made so far are left out of the workers' garbage collection, which would
    # otherwise touch, and so copy, every page of this process they inherit.
    gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork" if fork else None)
        ) as pool:
            done: list[_Done] = []
            for part in pool.map(task, chunks):
                done.extend(part)
            return done
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return _match_chunk(work, vocabulary=False)  # no processes to be had: do it here
    finally:
        gc.unfreeze()


def _match_chunk_words(work: list[_Work]) -> list[_Done]:
    return _match_chunk(work, vocabulary=True)


def _match_chunk_plain(work: list[_Work]) -> list[_Done]:
    return _match_chunk(work, vocabulary=False)


def _match_chunk(work: list[_Work], vocabulary: bool) -> list[_Done]:
    """Normalise each source of ``work`` and match its quotes against it."""
    from briefgen.quotes.matcher import SourceIndex, match_quote

    done: list[_Done] = []
    for key, text, key_quotes in work:
        index = SourceIndex(text)
        found = tuple(match_quote(quote, index) for quote in key_quotes)
        extra = (" ".join(index.vocabulary), index.pairs) if vocabulary else None
        done.append((key, index.norm, found, extra))
    return done


def check_evidence(
    project: Project,
    corpus: object,
    finding: Finding,
    ev: Evidence,
    matches: Mapping[tuple[str, str], QuoteMatch | None] | None = None,
) -> tuple[EvidenceResult, Diagnostic | None]:
    """The status of one piece of evidence; ``matches`` holds matches already made."""
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
    if matches is not None and (key, ev.quote) in matches:
        match = matches[key, ev.quote]
    else:
        match = match_quote(ev.quote, index)
    if match is not None:
        pages = _pages(source, match.start, match.end)
        if ev.page and source.pages is not None:
            claimed = parse_page_claim(ev.page) or ()
            if not set(claimed) & set(pages):
                where = _where(source, match.start, pages)
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
            where = _where(source, match.start, pages)
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
    on_page = f" (p. {ev.page})" if ev.page else ""
    return (
        EvidenceResult(ev, "not-found", (), similarity, (),
                       best.start if best else None, best.end if best else None,
                       passage=best.passage if best else None,
                       passage_source=passage_source if best else None),
        diag.make(
            "FND003", f"quote not found in {key}{on_page}", ev.span, finding=fid, key=key,
            notes=notes),
    )

"""Quotes: is each piece of evidence in its source, on the page claimed?"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

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
from briefgen.processes import SPAWN_LOCK
from briefgen.sources import parse_page_claim

if TYPE_CHECKING:
    from briefgen.quotes.matcher import Candidate, CorpusIndex, QuoteMatch
    from briefgen.quotes.normalise import NormalisedText

_T = TypeVar("_T")
_R = TypeVar("_R")


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
    import gc

    # Little of what is made here is cyclic garbage, and collecting would walk every
    # object of the project again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _check_quotes(project, progress, jobs)
    finally:
        if collecting:
            gc.enable()


def _check_quotes(
    project: Project,
    progress: Callable[[int], None] | None,
    jobs: int | None,
) -> tuple[list[FindingResult], list[Diagnostic]]:
    from briefgen.quotes.matcher import CorpusIndex

    matches, normalised, extras, nearest = match_by_source(project, jobs)
    corpus = CorpusIndex({k: s.text for k, s in project.sources.items()}, normalised)
    for key, (words, pairs) in extras.items():
        index = corpus.get(key)
        if index is not None:
            index.preset_vocabulary(words)
            index.preset_pairs(pairs)
    # The quotes not in their source are looked for elsewhere: index their words at once.
    missing = [key_quote for key_quote, match in matches.items() if match is None]
    prepare_index(corpus, [quote for _key, quote in missing], jobs)
    elsewhere = find_elsewhere_all(corpus, missing, jobs)
    # Not anywhere, and no close passage in its source: the nearest across the corpus.
    far = [
        (key, quote) for key, quote in missing
        if not elsewhere[key, quote]
        and ((own := nearest[key, quote]) is None or own.similarity < 0.9)
    ]
    across = nearest_all(corpus, far, nearest, jobs)
    results: list[FindingResult] = []
    problems: list[Diagnostic] = []
    for finding in project.findings:
        ev_results = []
        for ev in finding.evidence:
            result, diagnostic = check_evidence(
                project, corpus, finding, ev, matches, elsewhere=elsewhere, nearest=nearest,
                across_corpus=across)
            ev_results.append(result)
            if diagnostic is not None:
                problems.append(diagnostic)
        results.append(FindingResult(finding, tuple(ev_results)))
        if progress is not None:
            progress(1)
    return results, problems


_Work = tuple[str, str, tuple[str, ...]]  # cite key, source text, quotes citing it
# Key, normalised text, matches, the nearest passage of each quote not found, and
# (from a worker) the source's words and sampled word pairs.
_Done = tuple[
    str,
    "NormalisedText",
    tuple["QuoteMatch | None", ...],
    tuple["Candidate | None", ...],
    "tuple[str, frozenset[int]] | None",
]


def match_by_source(
    project: Project, jobs: int | None = None
) -> tuple[
    dict[tuple[str, str], QuoteMatch | None],
    dict[str, NormalisedText],
    dict[str, tuple[str, frozenset[int]]],
    dict[tuple[str, str], Candidate | None],
]:
    """Normalise every source once and match the quotes that cite it.

    Returns ``(key, quote) -> match or None``, the normalised sources, (from worker
    processes only) each source's words, joined by spaces, and sampled word pairs,
    which the corpus index would otherwise compute when first needed, and for each
    quote not found, the passage of its source nearest to it.
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
        done = _in_pool(_match_chunk_words, _match_chunk_plain, work, workers)
    else:
        done = _match_chunk(work, vocabulary=False)
    matches: dict[tuple[str, str], QuoteMatch | None] = {}
    normalised: dict[str, NormalisedText] = {}
    extras: dict[str, tuple[str, frozenset[int]]] = {}
    nearest: dict[tuple[str, str], Candidate | None] = {}
    for (key, _text, key_quotes), (_key, norm, found, near, extra) in zip(
        work, done, strict=True
    ):
        normalised[key] = norm
        if extra is not None:
            extras[key] = extra
        for quote, match, candidate in zip(key_quotes, found, near, strict=True):
            matches[key, quote] = match
            if match is None:
                nearest[key, quote] = candidate
    return matches, normalised, extras, nearest


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _in_pool(
    task: Callable[[list[_T]], list[_R]],
    fallback: Callable[[list[_T]], list[_R]],
    work: list[_T],
    workers: int,
    chunk: int = _CHUNK_SOURCES,
) -> list[_R]:
    """``task`` over chunks of ``work`` (``chunk`` items each) in forked worker
    processes, results in order.

    Without ``fork``, ``fallback`` does the work in worker processes started afresh;
    without processes to be had, here.
    """
    import concurrent.futures
    import gc
    import multiprocessing

    chunks = [work[i : i + chunk] for i in range(0, len(work), chunk)]
    # Forked workers share this process's string hashes and objects, so they can use
    # what it has built (word pairs, the corpus index).
    fork = _can_fork()
    # Objects made so far are left out of the workers' garbage collection, which would
    # otherwise touch, and so copy, every page of this process they inherit.
    gc.freeze()
    try:
        with concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork" if fork else None)
        ) as pool:
            done: list[_R] = []
            with SPAWN_LOCK:  # the workers start at the first task (see briefgen.processes)
                parts = pool.map(task if fork else fallback, chunks)
            for part in parts:
                done.extend(part)
            return done
    except (OSError, concurrent.futures.process.BrokenProcessPool):
        return fallback(work)  # no processes to be had: do it here
    finally:
        gc.unfreeze()


def _match_chunk_words(work: list[_Work]) -> list[_Done]:
    return _match_chunk(work, vocabulary=True)


def _match_chunk_plain(work: list[_Work]) -> list[_Done]:
    return _match_chunk(work, vocabulary=False)


def _match_chunk(work: list[_Work], vocabulary: bool) -> list[_Done]:
    """Normalise each source of ``work``, match its quotes against it, and find the
    nearest passage of each quote not found."""
    from briefgen.quotes.matcher import SourceIndex, match_quote, nearest_passage

    done: list[_Done] = []
    for key, text, key_quotes in work:
        index = SourceIndex(text)
        found = tuple(match_quote(quote, index) for quote in key_quotes)
        near = tuple(
            nearest_passage(quote, index) if match is None else None
            for quote, match in zip(key_quotes, found, strict=True)
        )
        extra = (" ".join(index.vocabulary), index.pairs) if vocabulary else None
        done.append((key, index.norm, found, near, extra))
    return done


_Search = tuple[str, tuple[str, ...]]  # a source, the quotes to look for in it
_CORPUS: list[CorpusIndex] = []  # the corpus searched by forked workers
# One search at a time may use _CORPUS: checks running in threads wait for each other here.
_CORPUS_LOCK = threading.Lock()


def _over_corpus(
    corpus: CorpusIndex,
    forked: Callable[[list[_Search]], list[tuple[_R, ...]]],
    here: Callable[[list[_Search]], list[tuple[_R, ...]]],
    searches: Mapping[str, Mapping[str, None]],
    jobs: int | None,
) -> dict[tuple[str, str], _R]:
    """Look for quotes in sources (``searches``: source -> quotes) with ``corpus``.

    Forked worker processes share the work when the corpus is large; else it runs
    here. Returns the result of every ``(source, quote)``.
    """
    work: list[_Search] = [(other, tuple(quotes)) for other, quotes in searches.items()]
    workers = _usable_cores() if jobs is None else max(1, jobs)
    with _CORPUS_LOCK:
        _CORPUS[:] = [corpus]
        try:
            if workers > 1 and len(work) > PARALLEL_MIN_SOURCES and _can_fork():
                found = _in_pool(forked, here, work, workers)
            else:
                found = here(work)
        finally:
            _CORPUS.clear()
    return {
        (other, quote): result
        for (other, quotes), results in zip(work, found, strict=True)
        for quote, result in zip(quotes, results, strict=True)
    }


_WANTED: list[tuple[set[str], set[int]]] = []  # what forked workers look up


def prepare_index(corpus: CorpusIndex, quotes: list[str], jobs: int | None = None) -> None:
    """:meth:`CorpusIndex.prepare` and :meth:`CorpusIndex.prepare_pairs`, shared by
    worker processes when the corpus is large.

    Each worker looks up the words and word pairs in a share of the sources; the
    parts are put together here.
    """
    workers = _usable_cores() if jobs is None else max(1, jobs)
    size = len(corpus)
    if workers < 2 or size <= PARALLEL_MIN_SOURCES or not _can_fork():
        corpus.prepare(quotes)
        corpus.prepare_pairs(quotes)
        return
    words, pairs = corpus.wanted_words(quotes), corpus.wanted_pairs(quotes)
    if not words and not pairs:
        return
    # Two shares per worker: a worker done early takes another's second share.
    span = -(-size // (2 * workers))
    spans = [(start, min(start + span, size)) for start in range(0, size, span)]
    with _CORPUS_LOCK:
        _CORPUS[:], _WANTED[:] = [corpus], [(words, pairs)]
        try:
            parts = _in_pool(_holders_chunk, _holders_chunk, spans, workers, chunk=1)
        finally:
            _CORPUS.clear()
            _WANTED.clear()
    word_masks = dict.fromkeys(words, 0)
    pair_masks = dict.fromkeys(pairs, 0)
    for (start, _stop), (word_part, pair_part) in zip(spans, parts, strict=True):
        for word, bits in word_part.items():
            word_masks[word] |= bits << start
        for pair, bits in pair_part.items():
            pair_masks[pair] |= bits << start
    corpus.add_word_masks(word_masks)
    corpus.add_pair_masks(pair_masks)


def _holders_chunk(
    spans: list[tuple[int, int]],
) -> list[tuple[dict[str, int], dict[int, int]]]:
    corpus, (words, pairs) = _CORPUS[0], _WANTED[0]
    return [
        (corpus.word_holders(words, start, stop), corpus.pair_holders(pairs, start, stop))
        for start, stop in spans
    ]


def find_elsewhere_all(
    corpus: CorpusIndex, missing: list[tuple[str, str]], jobs: int | None = None
) -> dict[tuple[str, str], list[tuple[str, QuoteMatch]]]:
    """:meth:`CorpusIndex.find_elsewhere` for every ``(key, quote)`` of ``missing``.

    The searches are grouped by the source searched, so that each source's skeleton
    is built once; with many sources they are shared by worker processes, forked so
    that they inherit the corpus index.
    """
    wanted: dict[tuple[str, str], list[str]] = {}
    searches: dict[str, dict[str, None]] = {}
    for key, quote in missing:
        wanted[key, quote] = others = corpus.candidates(quote, key)
        for other in others:
            searches.setdefault(other, {})[quote] = None
    matches = _over_corpus(corpus, _search_chunk_forked, _search_chunk, searches, jobs)
    out: dict[tuple[str, str], list[tuple[str, QuoteMatch]]] = {}
    for (key, quote), others in wanted.items():
        out[key, quote] = [
            (other, match) for other in others
            if (match := matches[other, quote]) is not None
        ]
    return out


def nearest_all(
    corpus: CorpusIndex,
    quotes: list[tuple[str, str]],
    known: Mapping[tuple[str, str], Candidate | None],
    jobs: int | None = None,
) -> dict[tuple[str, str], tuple[str, Candidate] | None]:
    """:meth:`CorpusIndex.nearest` for every ``(key, quote)`` of ``quotes``.

    ``known`` holds the nearest passages already found in the cited sources. The
    passages are looked for source by source, in worker processes with many sources.
    """
    shortlists: dict[tuple[str, str], list[str]] = {}
    searches: dict[str, dict[str, None]] = {}
    for key, quote in quotes:
        shortlists[key, quote] = others = corpus.nearest_sources(quote)
        for other in others:
            if other != key or (key, quote) not in known:
                searches.setdefault(other, {})[quote] = None
    passages = _over_corpus(corpus, _near_chunk, _near_chunk, searches, jobs)
    out: dict[tuple[str, str], tuple[str, Candidate] | None] = {}
    for (key, quote), others in shortlists.items():
        best: tuple[str, Candidate] | None = None
        for other in others:  # as CorpusIndex.nearest chooses
            candidate = passages.get((other, quote), known.get((key, quote)))
            if candidate is not None and (
                best is None or candidate.similarity > best[1].similarity
            ):
                best = (other, candidate)
        out[key, quote] = best
    return out


def _near_chunk(work: list[_Search]) -> list[tuple[Candidate | None, ...]]:
    from briefgen.quotes.matcher import nearest_passage

    corpus = _CORPUS[0]
    done = []
    for other, quotes in work:
        index = corpus.get(other)
        assert index is not None
        done.append(tuple(nearest_passage(quote, index) for quote in quotes))
    return done


def _search_chunk(work: list[_Search]) -> list[tuple[QuoteMatch | None, ...]]:
    corpus = _CORPUS[0]
    return [tuple(corpus.match_in(quote, other) for quote in quotes) for other, quotes in work]


def _search_chunk_forked(work: list[_Search]) -> list[tuple[QuoteMatch | None, ...]]:
    """:func:`_search_chunk` in a worker, dropping each skeleton once used."""
    corpus = _CORPUS[0]
    done = []
    for other, quotes in work:
        done.append(tuple(corpus.match_in(quote, other) for quote in quotes))
        index = corpus.get(other)
        if index is not None:
            index.drop_skeleton()
    return done


def check_evidence(
    project: Project,
    corpus: object,
    finding: Finding,
    ev: Evidence,
    matches: Mapping[tuple[str, str], QuoteMatch | None] | None = None,
    *,
    elsewhere: Mapping[tuple[str, str], list[tuple[str, QuoteMatch]]] | None = None,
    nearest: Mapping[tuple[str, str], Candidate | None] | None = None,
    across_corpus: Mapping[tuple[str, str], tuple[str, Candidate] | None] | None = None,
) -> tuple[EvidenceResult, Diagnostic | None]:
    """The status of one piece of evidence.

    ``matches``, ``elsewhere``, ``nearest`` and ``across_corpus`` hold, by ``(key,
    quote)``, what was already found: matches in the cited source, matches in other
    sources, the nearest passage in the cited source and across the corpus.
    """
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
    if elsewhere is not None and (key, ev.quote) in elsewhere:
        found_elsewhere = elsewhere[key, ev.quote]
    else:
        found_elsewhere = corpus.find_elsewhere(ev.quote, exclude=key)
    if found_elsewhere:
        found_in = tuple(
            (other, _pages(project.sources[other], m.start, m.end))
            for other, m in found_elsewhere)
        names = ", ".join(
            f"{other}" + (f" ({_fmt_pages(p)})" if p else "") for other, p in found_in)
        first_key, first_match = found_elsewhere[0]
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
    if nearest is not None and (key, ev.quote) in nearest:
        best = nearest[key, ev.quote]
    else:
        best = nearest_passage(ev.quote, index)
    passage_source = key
    if best is None or best.similarity < 0.9:
        if across_corpus is not None and (key, ev.quote) in across_corpus:
            across = across_corpus[key, ev.quote]
        else:
            across = corpus.nearest(ev.quote, {key: best})
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

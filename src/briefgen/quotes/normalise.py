"""Normalise a source text or a quote for matching, keeping a map back to the original.

Both sides of a comparison go through :func:`normalise` (CONTRACT section 4):

1. Unicode NFKC (``ﬁ`` becomes ``fi``, a no-break space a space, ``…`` becomes ``...``).
2. Soft hyphens and zero-width characters are dropped; a soft hyphen that ends a line
   joins the two halves of the word, like a visible line-break hyphen (step 5).
3. Typographic quotes become ``'`` or ``"``; every dash becomes ``-``; a run of dashes
   (``--`` typed for an em dash) becomes one ``-``.
4. Letter case is folded (``str.casefold``).
5. A hyphen inside a word (after a letter or digit, before one, not both digits), with
   or without white space after it, is removed: ``suspend-\\ned``, ``suspend-ed`` and
   ``suspended`` all read ``suspended``. A line-break hyphen cannot be told from a
   hyphen that happened to fall at the end of a line, so to keep a verdict independent
   of where lines break, every word hyphen is optional on both sides. Between two
   digits (``2011-2012``) the hyphen stays and only a line break after it goes.
6. Every run of white space (newlines and form feeds included) becomes one space; a
   page marker line ``<!-- page N -->`` counts as white space.

The result keeps, for every normalised character, the offset of the original character
it came from, so a match can be reported as a line and a page of the original text.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import overload

__all__ = ["NormalisedText", "OffsetMap", "normalise", "normalise_quote"]

# Characters dropped outright (zero-width and invisible formatting characters).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e\u200e\u200f\u2061\u2062\u2063")
SOFT_HYPHEN = "\u00ad"

_FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d", "-"),
    "\u2026": "...",
}

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# A page marker line (CONTRACT section 2) is briefgen's, not the source's: white space.
_PAGE_MARKER = re.compile(r"^[ \t]*<!--[ \t]*page[ \t]+[^ \t>]+[ \t]*-->[ \t]*$", re.MULTILINE)
# Phase 2, on text already folded. White space other than a plain space becomes a
# space, one character for one (so the offset map is unchanged); the text is then
# scanned (with str.find, much faster than a regular expression over the whole text)
# for a run of dashes with the spaces after it, or a run of two or more spaces.
# What to do with each is decided in normalise().
_OTHER_SPACE = re.compile(r"[^\S ]")
_ASCII_OTHER_SPACES = tuple(chr(c) for c in range(128) if chr(c).isspace() and c != 32)
_DASHES = re.compile(r"-+")
_SPACES = re.compile(r" *")
_ASCII = bytes(range(128))
# At most this many distinct non-ASCII characters are folded by str.replace, one
# character at a time, when each maps to exactly one character.
_REPLACE_MAX_CHARS = 24


class OffsetMap(Sequence[int]):
    """Normalised position -> original offset, stored as runs where both advance together.

    ``starts[k]`` is a normalised position from which ``origins[k]`` maps onwards with
    slope one, until the next start. Index ``len(text)`` maps to ``len(original)``.
    """

    __slots__ = ("_length", "origins", "starts")

    def __init__(self, starts: Sequence[int], origins: Sequence[int], length: int) -> None:
        self.starts = tuple(starts)
        self.origins = tuple(origins)
        self._length = length

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, i: int) -> int: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[int]: ...
    def __getitem__(self, i: int | slice) -> int | Sequence[int]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._length))]
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(i)
        k = bisect.bisect_right(self.starts, i) - 1
        return self.origins[k] + (i - self.starts[k])

    def __iter__(self) -> Iterator[int]:
        return (self[i] for i in range(self._length))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, OffsetMap):
            return (self.starts, self.origins, self._length) == (
                other.starts,
                other.origins,
                other._length,
            )
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.starts, self.origins, self._length))

    def __repr__(self) -> str:
        return f"OffsetMap(len={self._length}, runs={len(self.starts)})"


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """A normalised text and, for each of its characters, the original offset.

    ``offsets[i]`` is the offset in the original text of normalised character ``i``;
    ``len(offsets) == len(text) + 1`` and the last entry is the original's length.
    ``joints`` holds the normalised positions where a word hyphen was removed (the
    character after it), which count as word boundaries.
    """

    text: str
    offsets: Sequence[int]
    joints: frozenset[int] = field(default=frozenset())


class _Runs:
    """Collects (normalised position, original offset) run starts."""

    __slots__ = ("origins", "starts")

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.origins: list[int] = []

    def add(self, pos: int, origin: int) -> None:
        if self.starts and self.starts[-1] == pos:
            self.origins[-1] = origin
        elif not self.starts or self.origins[-1] + (pos - self.starts[-1]) != origin:
            self.starts.append(pos)
            self.origins.append(origin)


@lru_cache(maxsize=4096)
def _fold_cluster(cluster: str, line_end_follows: bool) -> str:
    """Normalise one base character with its combining marks."""
    if cluster == SOFT_HYPHEN:
        return "-" if line_end_follows else ""
    out = []
    for ch in unicodedata.normalize("NFKC", cluster):
        if ch in ZERO_WIDTH or ch == SOFT_HYPHEN:
            continue
        out.append(_FOLD.get(ch, ch))
    return "".join(out).casefold()


@lru_cache(maxsize=4096)
def _fold_run(run: str) -> str | None:
    """Normalise a run of non-ASCII characters that map one for one, else None."""
    if any(unicodedata.combining(ch) or ch == SOFT_HYPHEN for ch in run):
        return None
    rep = [_fold_cluster(ch, False) for ch in run]
    if any(len(r) != 1 for r in rep):
        return None
    return "".join(rep)


def _fold_simple(text: str) -> str | None:
    """Phase 1 when every non-ASCII character maps to one character, else None.

    The common case (typographic quotes and dashes in otherwise ASCII text): a few
    ``str.replace`` calls, and the offset map stays the identity.
    """
    # The non-ASCII characters: the UTF-8 bytes left once every ASCII byte is deleted.
    chars = set(text.encode("utf-8", "surrogatepass").translate(None, _ASCII)
                .decode("utf-8", "surrogatepass"))
    if len(chars) > _REPLACE_MAX_CHARS:
        return None
    folds = []
    for ch in chars:
        if unicodedata.combining(ch) or ch == SOFT_HYPHEN:
            return None
        rep = _fold_cluster(ch, False)
        if len(rep) != 1:
            return None
        folds.append((ch, rep))
    for ch, rep in folds:
        text = text.replace(ch, rep)
    return text.lower()


def _spaces_only(folded: str) -> str:
    """``folded`` with every white space character made a plain space (same length)."""
    if not folded.isascii():
        return _OTHER_SPACE.sub(" ", folded)
    for ch in _ASCII_OTHER_SPACES:
        if ch in folded:
            folded = folded.replace(ch, " ")
    return folded


def _phase2_runs(text: str) -> Iterator[tuple[int, int, int]]:
    """``(start, end, dashes)`` of each run of dashes and the spaces after it
    (``dashes`` > 0), and of each run of two or more spaces (``dashes`` == 0), in order.
    """
    find = text.find
    hyphen = find("-")
    spaces = find("  ")
    while hyphen >= 0 or spaces >= 0:
        if hyphen >= 0 and (spaces < 0 or hyphen < spaces):
            dash_end = _DASHES.match(text, hyphen).end()  # type: ignore[union-attr]
            end = _SPACES.match(text, dash_end).end()  # type: ignore[union-attr]
            yield hyphen, end, dash_end - hyphen
            hyphen = find("-", end)
            if 0 <= spaces < end:
                spaces = find("  ", end)
        else:
            end = _SPACES.match(text, spaces).end()  # type: ignore[union-attr]
            yield spaces, end, 0
            spaces = find("  ", end)


def _phase1(text: str) -> tuple[str, _Runs]:
    """NFKC, drop invisible characters, fold quotes and dashes, fold case."""
    runs = _Runs()
    runs.add(0, 0)
    if text.isascii():
        return text.lower(), runs
    simple = _fold_simple(text)
    if simple is not None:
        return simple, runs
    out: list[str] = []
    pos = 0  # length of the output so far
    last = 0  # end of the input consumed so far
    size = len(text)
    for m in _NON_ASCII.finditer(text):
        start, end = m.start(), m.end()
        if start > last and unicodedata.combining(text[start]):
            start -= 1  # the mark combines with the ASCII character before it
        if start > last:  # ASCII, copied: the map stays linear
            out.append(text[last:start])
            pos += start - last
        rep = _fold_run(text[start:end])
        if rep is not None:  # one for one: the map stays linear
            out.append(rep)
            pos += len(rep)
            last = end
            continue
        # Characters that expand, vanish or combine: one cluster at a time.
        i = start
        while i < end:
            j = i + 1
            while j < end and unicodedata.combining(text[j]):
                j += 1
            cluster = text[i:j]
            rep = _fold_cluster(cluster, j < size and text[j].isspace())
            if len(rep) == len(cluster):
                runs.add(pos, i)
            else:
                for k in range(len(rep)):
                    runs.add(pos + k, i)
                runs.add(pos + len(rep), j)
            out.append(rep)
            pos += len(rep)
            i = j
        last = end
    if last < size:
        out.append(text[last:])
    # ASCII letters are lowered here at once; the rest is already case-folded.
    return "".join(out).lower(), runs


def _compose(outer: _Runs, inner: _Runs, outer_len: int, original_len: int) -> OffsetMap:
    """Chain normalised -> phase-1 (outer) and phase-1 -> original (inner) maps."""
    result = _Runs()
    ist, iog = inner.starts, inner.origins
    if ist == [0] and iog == [0]:  # phase 1 kept every offset: the outer map is all
        result.starts, result.origins = list(outer.starts), list(outer.origins)
        result.add(outer_len, original_len)
        return OffsetMap(result.starts, result.origins, outer_len + 1)
    for k, (n0, t0) in enumerate(zip(outer.starts, outer.origins, strict=True)):
        n1 = outer.starts[k + 1] if k + 1 < len(outer.starts) else outer_len
        j = bisect.bisect_right(ist, t0) - 1
        result.add(n0, iog[j] + (t0 - ist[j]))
        j += 1
        while j < len(ist) and ist[j] < t0 + (n1 - n0):
            result.add(n0 + ist[j] - t0, iog[j])
            j += 1
    result.add(outer_len, original_len)
    return OffsetMap(result.starts, result.origins, outer_len + 1)


def normalise(text: str) -> NormalisedText:
    """Normalise ``text`` for matching and map every normalised character to the original."""
    original = text
    if "<!--" in text:  # same length, so offsets are unchanged
        text = _PAGE_MARKER.sub(lambda m: " " * len(m.group()), text)
    folded, inner = _phase1(text)
    outer = _Runs()
    outer.add(0, 0)
    out: list[str] = []
    joints: set[int] = set()
    pos = 0
    last = 0
    size = len(folded)
    folded = _spaces_only(folded)
    for start, end, dashes in _phase2_runs(folded):
        out.append(folded[last:start])
        pos += start - last
        last = end
        if not dashes:  # white space
            out.append(" ")
            pos += 1
            if end - start > 1:
                outer.add(pos, end)
            continue
        before = folded[start - 1] if start else " "
        after = folded[end] if end < size else " "
        if before.isalnum() and after.isalnum():
            if not (before.isdigit() and after.isdigit()):
                joints.add(pos)  # a word hyphen: dropped
                outer.add(pos, end)
            else:  # 2011-2012 keeps its hyphen, loses any line break after it
                out.append("-")
                pos += 1
                outer.add(pos, end)
            continue
        out.append("-")
        pos += 1
        outer.add(pos, start + dashes)
        if end > start + dashes:
            out.append(" ")
            pos += 1
            outer.add(pos, end)
    out.append(folded[last:])
    pos += len(folded) - last
    norm = "".join(out)
    return NormalisedText(norm, _compose(outer, inner, pos, len(original)), frozenset(joints))


def normalise_quote(quote: str) -> str:
    """Normalise a quote as :func:`normalise` does, without leading or trailing space."""
    return normalise(quote).text.strip()

"""Find a quote in a source text: exactly, with elisions and brackets, or as an OCR near match.

The rules are CONTRACT section 4; ``docs/matching.md`` explains them with examples.

How a quote is looked for:

1. Quote and source are normalised (:mod:`briefgen.quotes.normalise`).
2. The quote is split at its elisions (``...``, ``[...]``) into parts; a part's
   bracketed alterations (``[T]he``) match their own text or any stretch of at most
   :data:`BRACKET_SPAN` normalised characters.
3. Exact: every part is found with ``str.find`` (or a small regular expression when it
   has brackets) on the normalised source, starting and ending on word boundaries, in
   order, all within :data:`ELISION_SPAN` normalised characters.
4. Fuzzy: where no exact match exists, each part is compared with the source with
   spaces removed and OCR look-alikes folded to one "skeleton" character (``rn`` and
   ``m``, ``cl`` and ``d``, ``li`` and ``h``, ``vv`` and ``w``; ``l``, ``1`` and ``I``;
   ``O`` and ``0``; Cyrillic or Greek letters that look like Latin ones). Only an
   identical skeleton is a candidate; the candidate is then aligned unit by unit with the
   quote and every difference is classified. The match is accepted only if every
   difference is a tolerated one: a space lost or inserted (never between two digits),
   or an OCR confusion (a digit only inside a word, never next to another digit). A
   changed, added or dropped word always changes the skeleton, so it is never accepted,
   whatever a similarity score would say.

Similarity scores (rapidfuzz) are used only to rank and show the nearest passage of a
quote that was not found (:func:`nearest_passage`), never to accept one.
"""

from __future__ import annotations

import bisect
import difflib
import re
import sys
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, contains, rshift, xor
from typing import Literal, TypeVar
from zlib import crc32

from briefgen.quotes.normalise import NormalisedText, normalise

__all__ = [
    "BRACKET_SPAN",
    "ELISION_SPAN",
    "Candidate",
    "CorpusIndex",
    "QuoteMatch",
    "SourceIndex",
    "match_quote",
    "nearest_passage",
]

ELISION_SPAN = 1000
"""The parts of an elided quote lie within this many normalised source characters."""

BRACKET_SPAN = 40
"""A bracketed alteration stands for at most this many normalised source characters."""

_H = TypeVar("_H", str, int)  # what CorpusIndex looks up: a word or a word pair

_MAX_CANDIDATES = 200  # occurrences of one part examined before giving up

_ELISION = re.compile(r"\[\s*\.\.\.\s*\]|\.\.\.")
_BRACKET = re.compile(r"\[([^\[\]]*)\]")
_WORD = re.compile(r"[^\W_]+")
_QUOTED = re.compile(r"^\s*[\"“”„«»]|[\"“”„«»]\s*$")

# Two characters that OCR reads for one, and the one: rn/m, cl/d, li/h, vv/w.
_OCR_PAIRS = {"rn": "m", "cl": "d", "li": "h", "vv": "w"}
_OCR_PAIR_RE = re.compile("|".join(_OCR_PAIRS))
# One character for another: l/1/I (casefolded: l, 1, i) and O/0 ...
_OCR_SINGLE_ASCII = (("1", "l"), ("i", "l"), ("|", "l"), ("0", "o"))
# ... and homoglyphs of Latin letters in Cyrillic and Greek (NFKC keeps them apart; OCR
# and copy-paste mix them).
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")
_HOMOGLYPHS = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "l",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "һ": "h",
        "ԛ": "q",
        "ԝ": "w",
        "ӏ": "l",
        "α": "a",
        "β": "b",
        "ε": "e",
        "ι": "l",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ζ": "z",
    }
)


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where a quote was found; offsets are into the original source text."""

    kind: Literal["exact", "fuzzy"]
    start: int  # first matched character
    end: int  # exclusive
    similarity: float  # 1.0 for exact, else 0..1
    differences: tuple[str, ...] = ()  # e.g. 'space: "Amongthe" for "Among the"'
    parts: tuple[tuple[int, int], ...] = ()  # original span of each elided part


@dataclass(frozen=True, slots=True)
class Candidate:
    """The passage of a source nearest to a quote that was not found.

    ``marked`` is the passage with the words that differ from the quote marked in the
    style of ``wdiff``: ``[-source words-]{+quote words+}``.
    """

    start: int
    end: int
    similarity: float
    passage: str
    marked: str


# --------------------------------------------------------------------------- quotes


@dataclass(frozen=True, slots=True)
class _Token:
    """A literal stretch of the normalised quote, or a bracketed alteration's own text."""

    bracket: bool
    text: str
    start: int  # position in the normalised quote


@dataclass(frozen=True, slots=True)
class _Part:
    """One elided part of a quote: literal pieces with bracketed alterations between."""

    tokens: tuple[_Token, ...]
    quote: str  # the original quote, to show differences in the analyst's spelling
    norm: NormalisedText  # the normalised quote

    @property
    def plain(self) -> str:
        """The part with every bracket replaced by its own text."""
        return "".join(t.text for t in self.tokens)

    @property
    def has_brackets(self) -> bool:
        return any(t.bracket for t in self.tokens)

    def shown(self, start: int, end: int) -> str:
        """The analyst's own text of the normalised quote range [start, end)."""
        o0, o1 = _original_span(self.quote, self.norm, start, end)
        return " ".join(self.quote[o0:o1].split())


@lru_cache(maxsize=4096)
def _parse_quote(quote: str, strip_quotes: bool = False) -> tuple[_Part, ...]:
    """The elided parts of a quote; ``strip_quotes`` drops quotation marks around it.

    Cached: a quote not found in its source is parsed again for every other source
    it is looked for in.
    """
    norm = normalise(quote)
    parts: list[_Part] = []
    bounds = [(m.start(), m.end()) for m in _ELISION.finditer(norm.text)]
    for c0, c1 in _gaps(bounds, len(norm.text)):
        chunk = norm.text[c0:c1]
        if not _WORD.search(chunk):
            continue  # nothing to look for ("." after an ellipsis)
        tokens: list[_Token] = []
        last = 0
        for m in _BRACKET.finditer(chunk):
            if m.start() > last:
                tokens.append(_Token(False, chunk[last : m.start()], c0 + last))
            tokens.append(_Token(True, m.group(1), c0 + m.start(1)))
            last = m.end()
        if last < len(chunk):
            tokens.append(_Token(False, chunk[last:], c0 + last))
        # Leading and trailing spaces of the part are not part of it, nor are quotation
        # marks around the whole quote (the source may not have them).
        if (
            strip_quotes
            and not parts
            and not tokens[0].bracket
            and (tokens[0].text.lstrip()[:1] == '"')
        ):
            first = tokens[0]
            tokens[0] = _Token(
                False,
                first.text.lstrip()[1:],
                first.start + len(first.text) - len(first.text.lstrip()) + 1,
            )
        if (
            strip_quotes
            and c1 == len(norm.text)
            and not tokens[-1].bracket
            and (tokens[-1].text.rstrip()[-1:] == '"')
        ):
            tokens[-1] = _Token(False, tokens[-1].text.rstrip()[:-1], tokens[-1].start)
        first, end = tokens[0], tokens[-1]
        if not first.bracket:
            stripped = first.text.lstrip()
            tokens[0] = _Token(False, stripped, first.start + len(first.text) - len(stripped))
        if not end.bracket:
            stripped = tokens[-1].text.rstrip()
            # A word cut at a line-break hyphen ("auton-"): the hyphen is not text.
            if len(stripped) > 1 and stripped[-1] == "-" and stripped[-2].isalpha():
                stripped = stripped.rstrip("-")
            tokens[-1] = _Token(False, stripped, tokens[-1].start)
        parts.append(_Part(tuple(t for t in tokens if t.text or t.bracket), quote, norm))
    return tuple(parts)


def _gaps(bounds: list[tuple[int, int]], size: int) -> Iterator[tuple[int, int]]:
    """The ranges of [0, size) between the given (start, end) ranges."""
    pos = 0
    for start, end in bounds:
        yield pos, start
        pos = end
    yield pos, size


def _part_regex(part: _Part) -> re.Pattern[str]:
    pattern = []
    last = len(part.tokens) - 1
    anchored = any(_WORD.search(t.text) for t in part.tokens if not t.bracket)
    for i, token in enumerate(part.tokens):
        is_bracket, text = token.bracket, token.text
        if not is_bracket or not anchored:
            pattern.append(re.escape(text))
            continue
        # Its own text, in brackets as the source may print it ("[1]") or without.
        own = f"{re.escape('[' + text + ']')}|{re.escape(text)}"
        if any(ch.isdigit() for ch in text):
            pattern.append(f"(?:{own})")  # "[3, p. 253]", "[in 2012]": a number is checked
        elif i in (0, last):
            pattern.append(f"(?:{own})?")  # at an edge: nothing else to anchor
        else:
            pattern.append(f"(?:{own}|.{{0,{BRACKET_SPAN}}}?)")
    return re.compile("".join(pattern), re.DOTALL)


# --------------------------------------------------------------------------- sources


class SourceIndex:
    """Built once per source text; reused for every quote against it."""

    def __init__(self, text: str, norm: NormalisedText | None = None) -> None:
        """Index ``text``; ``norm`` is ``normalise(text)`` if the caller already has it."""
        self.text = text
        self.norm = normalise(text) if norm is None else norm
        self._skeleton: _Skeleton | None = None
        self._vocabulary: frozenset[str] | None = None
        self._words: str | None = None  # the vocabulary, joined by spaces, if given
        self._pairs: frozenset[int] | None = None

    @property
    def skeleton(self) -> _Skeleton:
        if self._skeleton is None:
            self._skeleton = _Skeleton(self.norm.text)
        return self._skeleton

    def drop_skeleton(self) -> None:
        """Forget :attr:`skeleton` (built again if needed), to save memory."""
        self._skeleton = None

    @property
    def vocabulary(self) -> frozenset[str]:
        """Every normalised word of the source."""
        if self._vocabulary is None and self._words is not None:
            self._vocabulary = frozenset(self._words.split())
            self._words = None
        if self._vocabulary is None:
            text = self.norm.text
            if text.isascii():  # words are runs of ASCII letters and digits
                words = text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii")
                self._vocabulary = frozenset(words.split())
            else:
                tokens = " ".join(set(text.split()))
                self._vocabulary = frozenset(_WORD.findall(tokens))
        return self._vocabulary

    def preset_vocabulary(self, words: str) -> None:
        """Take :attr:`vocabulary` as computed elsewhere (space-separated words)."""
        self._vocabulary = None
        self._words = words

    def known_words(self, words: set[str]) -> set[str]:
        """The words of ``words`` that the source holds."""
        if self._vocabulary is None and self._words is not None:
            return words.intersection(self._words.split())
        return words.intersection(self.vocabulary)

    @property
    def pairs(self) -> frozenset[int]:
        """Hashes of a sample of the source's pairs of adjacent words (see ``_pairs``)."""
        if self._pairs is None:
            self._pairs = _pairs(self.norm.text.split())
        return self._pairs

    def preset_pairs(self, pairs: frozenset[int]) -> None:
        """Take :attr:`pairs` as computed elsewhere (in a worker process)."""
        self._pairs = pairs

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised range [start, end)."""
        return _original_span(self.text, self.norm, start, end)


# Every byte that is not an ASCII letter or digit made a space: the words of ASCII text
# as _WORD finds them, once split at spaces.
_ASCII_WORD_BYTES = bytes(c if chr(c).isascii() and chr(c).isalnum() else 32 for c in range(256))


def _pairs(words: list[str]) -> frozenset[int]:
    """Hashes of the pairs of adjacent words whose hash is a multiple of four.

    Words here are the normalised text split at spaces (punctuation included). A
    content-defined sample: a quote and a source that share a pair of words sample it
    alike, so a source that holds a quote holds every sampled pair of the quote's. CRC-32
    rather than ``hash``, so the sample is the same in every process and every run.
    """
    if not _PACKED:
        plain = list(map(crc32, map(str.encode, words)))
        return frozenset(
            [pair for pair in map(xor, plain, map(rshift, plain[1:], repeat(1))) if not pair & 3]
        )
    # The same, on all pairs at once: the hashes are packed into one integer, 32 bits
    # each, and each one's successor, shifted right by one bit, is XORed in.
    hashes = array("I", map(crc32, map(str.encode, words)))
    n = len(hashes) - 1
    if n <= 0:
        return frozenset()
    if _BIG_ENDIAN:
        hashes.byteswap()
    packed = hashes.tobytes()
    first = int.from_bytes(packed[:-4], "little")
    second = int.from_bytes(packed[4:], "little")
    lanes = int.from_bytes(b"\xff\xff\xff\x7f" * n, "little")  # no bit crosses a hash
    pairs = (first ^ ((second >> 1) & lanes)).to_bytes(4 * n, "little")
    values = array("I")
    values.frombytes(pairs)
    if _BIG_ENDIAN:
        values.byteswap()
    # A pair is sampled when the lowest two bits of its first (lowest) byte are 0.
    return frozenset(compress(values, pairs[0::4].translate(_SAMPLED)))


_PACKED = array("I").itemsize == 4  # else the pairs are computed one by one
_BIG_ENDIAN = sys.byteorder != "little"
_SAMPLED = bytes(0 if byte & 3 else 1 for byte in range(256))


def _original_span(text: str, norm: NormalisedText, start: int, end: int) -> tuple[int, int]:
    offsets = norm.offsets
    o_start = offsets[start]
    if end <= start:
        return o_start, o_start
    last = offsets[end - 1]
    o_end = max(offsets[end], last + 1)
    # Do not take in the white space or line-break hyphen that follows the last character.
    while o_end > last + 1 and (text[o_end - 1].isspace() or text[o_end - 1] in "-\u00ad"):
        o_end -= 1
    return o_start, o_end


def _fold_single(text: str) -> str:
    for old, new in _OCR_SINGLE_ASCII:
        text = text.replace(old, new)
    if not text.isascii():
        text = _NON_ASCII_RUN.sub(lambda m: m.group().translate(_HOMOGLYPHS), text)
    return text


class _Skeleton:
    """A text without spaces (``compact``) and with OCR look-alikes folded.

    ``flat`` folds only one character for another (``l``/``1``/``I``, ``O``/``0``,
    homoglyphs), so it has one unit per compact character; ``key`` also folds the
    two-character confusions (``rn``/``m``, ...), whose units may cover two characters.
    Positions are mapped with sorted tables rather than one entry per character:
    :meth:`c2n` gives the normalised position of a compact character, :meth:`k2c` the
    compact position where a unit starts (``k2c(len(key), True) == len(compact)``).
    """

    __slots__ = (
        "_pair_ends",
        "_pair_units",
        "_space_marks",
        "_spaces",
        "_text",
        "compact",
        "flat",
        "key",
    )

    def __init__(self, text: str) -> None:
        self._text = text
        self.compact = text.replace(" ", "")
        self.flat = _fold_single(self.compact)
        # Sequential replacement gives the same units as the leftmost regex parse in
        # _tables(): the only overlap, "cli", is "cl" + "i" both ways.
        paired = self.compact
        for pair, one in _OCR_PAIRS.items():
            paired = paired.replace(pair, one)
        self.key = _fold_single(paired)
        self._spaces: list[int] | None = None

    def _tables(self) -> None:
        """Build the position tables, on the first candidate only."""
        # Non-space characters before each space: compact c is at c + (spaces before it).
        self._space_marks = list(accumulate(map(len, self._text.split(" "))))[:-1]
        pieces = _OCR_PAIR_RE.split(self.compact)
        # Unit of each two-character pair: characters before it, plus one per pair.
        self._pair_units = list(map(add, accumulate(map(len, pieces[:-1])), count()))
        # Normalised position of each space; compact position where each pair ends.
        self._spaces = list(map(add, self._space_marks, count()))
        self._pair_ends = list(map(add, self._pair_units, count(2)))

    def c2n(self, c: int) -> int:
        if self._spaces is None:
            self._tables()
        return c + bisect.bisect_right(self._space_marks, c)

    def k2c(self, u: int, paired: bool) -> int:
        if not paired:
            return u
        if self._spaces is None:
            self._tables()
        return u + bisect.bisect_left(self._pair_units, u)

    def unit_at(self, norm_pos: int, paired: bool) -> int:
        """The first unit at or after normalised position ``norm_pos``."""
        # The ends of the text need no table (a search of the whole text may find no
        # candidate, and then never needs one).
        if norm_pos == 0:
            return 0
        if norm_pos == len(self._text):
            return len(self.key) if paired else len(self.compact)
        if self._spaces is None:
            self._tables()
        assert self._spaces is not None
        c = norm_pos - bisect.bisect_left(self._spaces, norm_pos)
        return c - bisect.bisect_right(self._pair_ends, c) if paired else c


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True, slots=True)
class _PartMatch:
    start: int  # normalised positions in the source
    end: int
    differences: tuple[str, ...] = ()
    similarity: float = 1.0


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _bounded(norm: NormalisedText, start: int, end: int) -> bool:
    """True if [start, end) does not cut a word of the source in two."""
    text = norm.text
    if (
        start > 0
        and _is_word(text[start])
        and _is_word(text[start - 1])
        and start not in norm.joints
    ):
        return False
    return not (
        end < len(text)
        and _is_word(text[end - 1])
        and _is_word(text[end])
        and end not in norm.joints
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] == " ":
        start += 1
    while end > start and text[end - 1] == " ":
        end -= 1
    return start, end


def _exact_part(part: _Part, index: SourceIndex, lo: int, hi: int) -> Iterator[_PartMatch]:
    """Exact occurrences of ``part`` inside the normalised range [lo, hi), leftmost first."""
    norm = index.norm
    text = norm.text
    if not part.has_brackets:
        needle = part.plain
        pos = text.find(needle, lo, hi)
        while pos >= 0:
            if _bounded(norm, pos, pos + len(needle)):
                yield _PartMatch(pos, pos + len(needle))
            pos = text.find(needle, pos + 1, hi)
        return
    pattern = _part_regex(part)
    pos = lo
    while pos <= hi:
        m = pattern.search(text, pos, hi)
        if m is None:
            return
        start, end = _trim(text, m.start(), m.end())
        if end > start and _bounded(norm, start, end):
            yield _PartMatch(start, end)
        pos = m.start() + 1


def _fuzzy_part(part: _Part, index: SourceIndex, lo: int, hi: int) -> Iterator[_PartMatch]:
    """Near matches of ``part`` in [lo, hi) whose every difference is extraction noise.

    A part with brackets is looked for piece by piece: each literal piece in order, the
    next one starting at most a bracket's span after the previous one ends.
    """
    pieces: list[tuple[_Token, bool, bool, int]] = []  # token, open left/right, gap before
    gap = 0
    tokens = _literal_numbers(part.tokens)
    for i, token in enumerate(tokens):
        if token.bracket:
            gap = max(gap, BRACKET_SPAN, len(token.text) + 2) + 2
            continue
        open_left = i > 0 and tokens[i - 1].bracket
        open_right = i + 1 < len(tokens) and tokens[i + 1].bracket
        text = token.text.strip()
        if _WORD.search(text):
            start = token.start + len(token.text) - len(token.text.lstrip())
            pieces.append((_Token(False, text, start), open_left, open_right, gap))
            gap = 0
    if not pieces:
        return
    first, *rest = pieces
    for match in _fuzzy_literal(first[0], part, index, lo, hi, first[1], first[2]):
        placed = [match]
        for token, open_left, open_right, gap_before in rest:
            end = placed[-1].end
            bound = min(hi, end + gap_before + 2 * len(token.text) + 8)
            nxt = next(_fuzzy_literal(token, part, index, end, bound, open_left, open_right), None)
            if nxt is None:
                break
            placed.append(nxt)
        else:
            if len(placed) == 1:
                yield match
                continue
            differences = tuple(d for p in placed for d in p.differences)
            weights = [p.end - p.start for p in placed]
            similarity = sum(p.similarity * w for p, w in zip(placed, weights, strict=True))
            yield _PartMatch(
                placed[0].start, placed[-1].end, differences, similarity / max(1, sum(weights))
            )


def _literal_numbers(tokens: tuple[_Token, ...]) -> list[_Token]:
    """Brackets with a digit ("[3, p. 253]") as literal text, joined to their neighbours."""
    out: list[_Token] = []
    for token in tokens:
        if token.bracket and any(ch.isdigit() for ch in token.text):
            token = _Token(False, f"[{token.text}]", token.start - 1)
        if out and not token.bracket and not out[-1].bracket:
            out[-1] = _Token(False, out[-1].text + token.text, out[-1].start)
        else:
            out.append(token)
    return out


def _fuzzy_literal(
    token: _Token,
    part: _Part,
    index: SourceIndex,
    lo: int,
    hi: int,
    open_left: bool = False,
    open_right: bool = False,
) -> Iterator[_PartMatch]:
    """Exact or near matches of one literal piece of a quote in [lo, hi), leftmost first.

    ``open_left``/``open_right``: a bracket stands beside the piece on that side, so the
    piece may begin or end inside a word of the source.
    """
    quote = _Skeleton(token.text)
    if not quote.key:
        return
    source = index.skeleton
    # One-for-one confusions and spaces first; then two-for-one ones (rn/m, ...), whose
    # units depend on the neighbours and so are tried only where the first finds nothing.
    accepted = False
    for paired in (False, True):
        if paired and (accepted or (quote.key == quote.flat and source.key == source.flat)):
            return
        needle = quote.key if paired else quote.flat
        haystack = source.key if paired else source.flat
        k_lo = source.unit_at(lo, paired)
        k_hi = source.unit_at(hi, paired)
        pos = haystack.find(needle, k_lo, k_hi)
        seen = 0
        while pos >= 0 and seen < _MAX_CANDIDATES:
            seen += 1
            found = _align(token, quote, part, index, pos, paired, open_left, open_right)
            if found is not None:
                accepted = True
                yield found
            pos = haystack.find(needle, pos + 1, k_hi)


@dataclass(slots=True)
class _Diff:
    kind: str  # "space" or "OCR"
    source: tuple[int, int]  # normalised range in the source
    quote: tuple[int, int]  # range in the normalised quote part


def _align(
    token: _Token,
    quote: _Skeleton,
    part: _Part,
    index: SourceIndex,
    pos: int,
    paired: bool,
    open_left: bool,
    open_right: bool,
) -> _PartMatch | None:
    """Classify every difference between a quote part and the source at skeleton ``pos``."""
    source = index.skeleton
    text = index.norm.text
    plain = token.text
    n_units = len(quote.key if paired else quote.flat)
    diffs: list[_Diff] = []
    prev_s = prev_q = -1  # normalised position of the previous unit's last character
    for u in range(n_units):
        sa, sb = source.k2c(pos + u, paired), source.k2c(pos + u + 1, paired)
        qa, qb = quote.k2c(u, paired), quote.k2c(u + 1, paired)
        s_unit, q_unit = source.compact[sa:sb], quote.compact[qa:qb]
        s0, s1 = source.c2n(sa), source.c2n(sb - 1) + 1
        q0, q1 = quote.c2n(qa), quote.c2n(qb - 1) + 1
        if u:
            s_space = s0 - prev_s > 1
            q_space = q0 - prev_q > 1
            if s_space != q_space:
                if text[prev_s].isdigit() and text[s0].isdigit():
                    return None  # "1 000" for "1000" touches a number
                diffs.append(_Diff("space", (prev_s, s0 + 1), (prev_q, q0 + 1)))
        if s_unit != q_unit:
            if any(ch.isdigit() for ch in s_unit + q_unit) and not (
                _inside_word(text, s0, s1) and _inside_word(plain, q0, q1)
            ):
                return None  # a digit of a number never changes
            diffs.append(_Diff("OCR", (s0, s1), (q0, q1)))
        prev_s, prev_q = s1 - 1, q1 - 1
    start = source.c2n(source.k2c(pos, paired))
    end = source.c2n(source.k2c(pos + n_units, paired) - 1) + 1
    joints = index.norm.joints
    if (
        not open_left
        and start > 0
        and _is_word(text[start])
        and _is_word(text[start - 1])
        and start not in joints
    ):
        if not _glue_ok(index, start, before=True):
            return None
        diffs.append(_Diff("space", (start - 1, start + 1), (0, 1)))
    if (
        not open_right
        and end < len(text)
        and _is_word(text[end - 1])
        and _is_word(text[end])
        and end not in joints
    ):
        if not _glue_ok(index, end, before=False):
            return None
        diffs.append(_Diff("space", (end - 1, end + 1), (len(plain) - 1, len(plain))))
    if not diffs:
        # Identical but for hyphenation the exact search could not see: still exact.
        return _PartMatch(start, end)
    from rapidfuzz import fuzz

    similarity = fuzz.ratio(plain, text[start:end]) / 100.0
    return _PartMatch(start, end, _describe(diffs, index, token, part), min(similarity, 0.999))


def _inside_word(text: str, start: int, end: int) -> bool:
    """True if [start, end) has a letter beside it and no digit: ``1ndia``, not ``2O12``."""
    left = text[start - 1] if start > 0 else " "
    right = text[end] if end < len(text) else " "
    return (left.isalpha() or right.isalpha()) and not (left.isdigit() or right.isdigit())


def _glue_ok(index: SourceIndex, pos: int, *, before: bool) -> bool:
    """May the quote start (``before``) or end at ``pos`` though no space is there?

    Text extraction glues words ("Amongthe", "izimov1US"), but a quote that starts or
    ends inside a word may also have changed it ("he said" is not in "she said",
    "Donald" is not "McDonald"). The glue is accepted where the quote's word meets a
    number ("izimov1US"), or where the rest of the glued word is a word of at least
    two letters found elsewhere in the source as a word of its own ("Amongthe"). A
    quote never starts or ends on a cut number.
    """
    text = index.norm.text
    if before:
        a = pos
        while a > 0 and _is_word(text[a - 1]):
            a -= 1
        fragment, outer, inner = text[a:pos], text[pos - 1], text[pos]
    else:
        b = pos
        while b < len(text) and _is_word(text[b]):
            b += 1
        fragment, outer, inner = text[pos:b], text[pos], text[pos - 1]
    if inner.isdigit():
        return False  # the quote would start or end on a cut number: "380" is not "A380"
    if outer.isdigit():
        return True  # a number glued to a word: "izimov1US"
    return len(fragment) >= 2 and fragment in index.vocabulary


def _word_span(text: str, start: int, end: int) -> tuple[int, int]:
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    while start > 0 and text[start - 1] != " ":
        start -= 1
    while end < len(text) and text[end] != " ":
        end += 1
    return _trim(text, start, end)


def _describe(
    diffs: list[_Diff], index: SourceIndex, token: _Token, part: _Part
) -> tuple[str, ...]:
    """Human-readable differences, one per group of touched words."""
    text = index.norm.text
    plain = token.text
    groups: list[tuple[set[str], tuple[int, int], tuple[int, int]]] = []
    for d in diffs:
        s = _word_span(text, *d.source)
        q = _word_span(plain, *d.quote)
        if groups and (s[0] <= groups[-1][1][1] or q[0] <= groups[-1][2][1]):
            kinds, gs, gq = groups[-1]
            kinds.add(d.kind)
            groups[-1] = (
                kinds,
                (min(gs[0], s[0]), max(gs[1], s[1])),
                (min(gq[0], q[0]), max(gq[1], q[1])),
            )
        else:
            groups.append(({d.kind}, s, q))
    out = []
    for kinds, (s0, s1), (q0, q1) in groups:
        o0, o1 = index.original_span(s0, s1)
        shown = _display(index.text[o0:o1])
        label = " and ".join(k for k in ("OCR", "space") if k in kinds)
        quoted = part.shown(token.start + q0, token.start + q1)
        out.append(f'{label}: "{shown}" for "{quoted}"')
    return tuple(out)


def _chain(
    parts: tuple[_Part, ...],
    index: SourceIndex,
    find: Callable[[_Part, SourceIndex, int, int], Iterator[_PartMatch]],
) -> list[_PartMatch] | None:
    """The leftmost placement of all parts in order within ELISION_SPAN characters."""
    size = len(index.norm.text)
    for first in find(parts[0], index, 0, size):
        placed = [first]
        limit = min(size, first.start + ELISION_SPAN) if len(parts) > 1 else size
        for part in parts[1:]:
            nxt = next(find(part, index, placed[-1].end, limit), None)
            if nxt is None:
                break
            placed.append(nxt)
        else:
            return placed
    return None


def _exact_or_fuzzy(part: _Part, index: SourceIndex, lo: int, hi: int) -> Iterator[_PartMatch]:
    yield from _exact_part(part, index, lo, hi)
    yield from _fuzzy_part(part, index, lo, hi)


def match_quote(quote: str, index: SourceIndex) -> QuoteMatch | None:
    """Find ``quote`` in the source of ``index``: exact first, then fuzzy; None if not found."""
    placed: list[_PartMatch] | None = None
    exact = True
    for strip_quotes in (False, True):
        if strip_quotes and not _QUOTED.search(quote):
            break
        parts = _parse_quote(quote, strip_quotes)
        if not parts:
            continue
        exact = True
        placed = _chain(parts, index, _exact_part)
        if placed is None:
            exact = False
            placed = _chain(parts, index, _exact_or_fuzzy)
        if placed is not None:
            break
    if placed is None:
        return None
    spans = tuple(index.original_span(p.start, p.end) for p in placed)
    differences = tuple(d for p in placed for d in p.differences)
    if exact or not differences:
        return QuoteMatch("exact", spans[0][0], spans[-1][1], 1.0, (), spans)
    weights = [p.end - p.start for p in placed]
    similarity = sum(p.similarity * w for p, w in zip(placed, weights, strict=True)) / max(
        1, sum(weights)
    )
    return QuoteMatch("fuzzy", spans[0][0], spans[-1][1], round(similarity, 4), differences, spans)


# --------------------------------------------------------------------------- not found


def _search_text(quote: str) -> str:
    """The normalised quote with elisions removed and brackets replaced by their text."""
    return " ".join(p.plain.strip() for p in _parse_quote(quote))


def nearest_passage(quote: str, index: SourceIndex) -> Candidate | None:
    """The passage of the source most similar to ``quote`` (to show why it was refused)."""
    from rapidfuzz import fuzz

    needle = _search_text(quote)
    text = index.norm.text
    if not needle or not text.strip():
        return None
    if len(needle) >= len(text):
        start, end, score = 0, len(text), fuzz.ratio(needle, text)
    else:
        found = fuzz.partial_ratio_alignment(needle, text)
        if found is None:
            return None
        start, end, score = found.dest_start, found.dest_end, found.score
    start, end = _word_span(text, start, end)
    if end <= start:
        return None
    o_start, o_end = index.original_span(start, end)
    passage = _display(index.text[o_start:o_end])
    return Candidate(o_start, o_end, round(score / 100.0, 4), passage, _mark(passage, quote))


_LINE_BREAK_HYPHEN = re.compile(r"(?<=[^\W\d_])([-\u00ad])[^\S\n]*\n\s*(?=[^\W\d_])")


def _display(original: str) -> str:
    """Original text for a message: one line, a word hyphenated at a line break rejoined."""
    return " ".join(_LINE_BREAK_HYPHEN.sub("-", original).split())


@lru_cache(maxsize=65536)
def _word_key(word: str) -> str:
    """A word as :func:`_mark` compares it: normalised, letters and digits only."""
    return "".join(_WORD.findall(normalise(word).text)) or word


def _mark(passage: str, quote: str) -> str:
    """``passage`` with the words the quote changes marked ``[-source-]{+quote+}``."""
    p_words = passage.split()
    q_words = _ELISION.sub(" ", quote).split()

    matcher = difflib.SequenceMatcher(
        None, [_word_key(w) for w in p_words], [_word_key(w) for w in q_words], autojunk=False
    )
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(p_words[i1:i2])
            continue
        removed = "[-" + " ".join(p_words[i1:i2]) + "-]" if i2 > i1 else ""
        added = "{+" + " ".join(q_words[j1:j2]) + "+}" if j2 > j1 else ""
        out.append(removed + added)
    return " ".join(out)


# --------------------------------------------------------------------------- corpus


@lru_cache(maxsize=4096)
def _core(quote: str) -> tuple[str, str]:
    """Flat and paired skeletons of the quote's longest literal piece, less their ends.

    Any source where the quote matches, exactly or fuzzily, holds one of them.
    """
    pieces = [t.text.strip() for p in _parse_quote(quote) for t in p.tokens if not t.bracket]
    if not pieces:
        return "", ""
    skeleton = _Skeleton(max(pieces, key=len))
    if len(skeleton.key) <= 12:
        return "", ""
    return skeleton.flat[3:-3], skeleton.key[3:-3]


_FEW_SOURCES = 32  # a shortlist this short is searched source by source


class CorpusIndex:
    """Many sources at once: finds a quote in sources other than the one cited.

    Each source is normalised on first use (or given already normalised). A word index,
    built on first use, maps every normalised word to the set of sources holding it, as
    the bits of an integer (bit ``i``: the ``i``-th source). The sources that hold at
    least half of a quote's rarer words are found with a few integer operations, and
    only those are searched, so a quote not found costs a handful of source searches
    rather than one per source.
    """

    def __init__(
        self,
        sources: Mapping[str, str],
        normalised: Mapping[str, NormalisedText] | None = None,
    ) -> None:
        self._texts = dict(sources)
        self._keys = list(self._texts)
        self._normalised = dict(normalised or {})
        self._indexes: dict[str, SourceIndex] = {}
        self._vocabs: list[frozenset[str]] | None = None
        self._masks: dict[str, int] = {}
        self._pair_masks: dict[int, int] = {}

    def get(self, key: str) -> SourceIndex | None:
        """The index of source ``key``, or None if there is no such source."""
        if key not in self._texts:
            return None
        index = self._indexes.get(key)
        if index is None:
            index = self._indexes[key] = SourceIndex(
                self._texts[key], self._normalised.pop(key, None))
        return index

    def _vocabularies(self) -> list[frozenset[str]]:
        """The vocabulary of every source, in corpus order."""
        if self._vocabs is None:
            vocabs = []
            for key in self._keys:
                index = self.get(key)
                assert index is not None
                vocabs.append(index.vocabulary)
            self._vocabs = vocabs
        return self._vocabs

    def _mask(self, word: str) -> int:
        """The sources holding ``word``, as the bits of an integer."""
        mask = self._masks.get(word)
        if mask is None:
            # One byte 0 or 1 per source, read as a binary number (source 0 lowest).
            held = bytes(map(contains, self._vocabularies(), repeat(word)))
            mask = self._masks[word] = int(held[::-1].translate(_BINARY) or b"0", 2)
        return mask

    def prepare(self, quotes: Iterable[str]) -> None:
        """Find the sources of every word of ``quotes`` in one pass over the corpus.

        The same masks as :meth:`_mask` computes word by word, which costs one lookup
        per source and word; here each source's vocabulary is intersected once with the
        words wanted.
        """
        wanted = self.wanted_words(quotes)
        if wanted:
            masks = dict.fromkeys(wanted, 0)  # a word no source holds: 0, not unknown
            masks.update(self.word_holders(wanted, 0, len(self._keys)))
            self.add_word_masks(masks)

    def __len__(self) -> int:
        return len(self._keys)

    def wanted_words(self, quotes: Iterable[str]) -> set[str]:
        """The words of ``quotes`` whose sources are not known yet."""
        wanted: set[str] = set()
        for quote in quotes:
            wanted.update(_WORD.findall(_literal_text(quote)))
        wanted.difference_update(self._masks)
        return wanted

    def word_holders(self, words: set[str], start: int, stop: int) -> dict[str, int]:
        """Which of the sources ``start`` to ``stop`` (in corpus order) hold each of
        ``words``, as bits (bit ``i``: source ``start + i``); words none holds left out."""
        return self._holders(lambda index: index.known_words(words), start, stop)

    def _holders(
        self, held: Callable[[SourceIndex], Iterable[_H]], start: int, stop: int
    ) -> dict[_H, int]:
        holders: dict[_H, list[int]] = {}
        for i in range(start, stop):
            index = self.get(self._keys[i])
            assert index is not None
            for item in held(index):
                sources = holders.get(item)
                if sources is None:
                    holders[item] = [i - start]
                else:
                    sources.append(i - start)
        return {item: _mask_of(sources, stop - start) for item, sources in holders.items()}

    def add_word_masks(self, masks: Mapping[str, int]) -> None:
        """Take the sources of some words (:meth:`word_holders` over the whole corpus,
        0 for a word no source holds)."""
        self._masks.update(masks)

    def prepare_pairs(self, quotes: Iterable[str]) -> None:
        """Find the sources of every sampled word pair of ``quotes`` in one pass."""
        wanted = self.wanted_pairs(quotes)
        if wanted:
            masks = dict.fromkeys(wanted, 0)  # a pair no source holds: 0, not unknown
            masks.update(self.pair_holders(wanted, 0, len(self._keys)))
            self.add_pair_masks(masks)

    def wanted_pairs(self, quotes: Iterable[str]) -> set[int]:
        """The sampled word pairs of ``quotes`` whose sources are not known yet."""
        wanted: set[int] = set()
        for quote in quotes:
            wanted |= _quote_pairs(quote)
        wanted.difference_update(self._pair_masks)
        return wanted

    def pair_holders(self, pairs: set[int], start: int, stop: int) -> dict[int, int]:
        """:meth:`word_holders` for sampled word pairs."""
        return self._holders(lambda index: pairs.intersection(index.pairs), start, stop)

    def add_pair_masks(self, masks: Mapping[int, int]) -> None:
        """Take the sources of some sampled word pairs (0 for a pair none holds)."""
        self._pair_masks.update(masks)

    def _pair_mask(self, pair: int) -> int:
        """The sources holding the sampled word pair ``pair``, as the bits of an integer."""
        mask = self._pair_masks.get(pair)
        if mask is None:
            mask = 0
            for i, key in enumerate(self._keys):
                index = self.get(key)
                assert index is not None
                if pair in index.pairs:
                    mask |= 1 << i
            self._pair_masks[pair] = mask
        return mask

    def _levels(
        self, quote: str, exclude: str | None
    ) -> tuple[list[int], int] | None:
        """``(at_least, threshold)`` for :meth:`_shortlist`; None for a quote of < 2 words.

        ``at_least[n]``: the sources (bits) holding at least ``n`` of the quote's
        (up to eight) rarest words, ``exclude`` left out.
        """
        words = list(dict.fromkeys(_WORD.findall(_literal_text(quote))))
        if len(words) > 2:
            words = words[1:-1]  # the ends may be glued to a neighbour in the source
        if len(words) < 2:
            return None
        masks = {w: self._mask(w) for w in words}
        words.sort(key=lambda w: masks[w].bit_count())
        rare = words[:8]
        threshold = len(rare) - max(1, len(rare) // 4)
        at_least = _at_least([masks[w] for w in rare], (1 << len(self._keys)) - 1)
        if exclude is not None and exclude in self._texts:
            drop = ~(1 << self._keys.index(exclude))
            at_least = [m & drop for m in at_least]
        return at_least, threshold

    def _shortlist(
        self, quote: str, exclude: str | None, limit: int, strict: bool = False
    ) -> list[str]:
        """Sources most likely to hold ``quote``, best first (all of them if it is short).

        Best first: most of the quote's rarer words, then corpus order. A source is
        listed when it holds at least three quarters of the (up to eight) rarest words
        (an extraction error may garble one word in four; half of them would let common
        words alone list nearly every source); with ``strict``, every one of them.
        """
        levels = self._levels(quote, exclude)
        if levels is None:
            keys = [k for k in self._keys if k != exclude]
            return keys[:limit] if limit else keys
        at_least, threshold = levels
        top = len(at_least) - 1
        if strict:
            threshold = top
        ranked: list[str] = []
        for n in range(top, threshold - 1, -1):
            level = at_least[n] & ~at_least[n + 1] if n < top else at_least[n]
            ranked.extend(self._keys[i] for i in _bits(level))
            if limit and len(ranked) >= limit:
                return ranked[:limit]
        return ranked

    def candidates(self, quote: str, exclude: str) -> list[str]:
        """The sources other than ``exclude`` to search for ``quote``, in corpus order.

        Every source of the shortlist (see :meth:`_shortlist`) when it is short; else
        those that also hold half of the quote's sampled word pairs (a source holding
        the quote verbatim holds every one of them), or, for a quote with no sampled
        pair, those holding all of its rarer words.
        """
        levels = self._levels(quote, exclude)
        if levels is None:  # a quote of fewer than two words: every other source
            listed = every = (1 << len(self._keys)) - 1
            if exclude in self._texts:
                listed = every = listed & ~(1 << self._keys.index(exclude))
        else:
            at_least, threshold = levels
            listed, every = at_least[threshold], at_least[-1]
        if listed.bit_count() > _FEW_SOURCES:
            wanted = _quote_pairs(quote)
            if wanted:
                # An extraction error may break some pairs: half of them are needed.
                need = (len(wanted) + 1) // 2
                pairs = [self._pair_mask(pair) for pair in sorted(wanted)]
                listed &= _at_least(pairs, listed, need)[need]
            else:
                listed = every  # no sampled pair to test: every rare word needed
        return [self._keys[i] for i in _bits(listed)]

    def match_in(self, quote: str, key: str) -> QuoteMatch | None:
        """``quote`` matched in source ``key`` (None there too if its core is absent)."""
        index = self.get(key)
        assert index is not None
        flat, paired = _core(quote)
        if flat:
            skeleton = index.skeleton
            if flat not in skeleton.flat and paired not in skeleton.key:
                return None  # cannot hold the quote, not even with extraction noise
        return match_quote(quote, index)

    def find_elsewhere(self, quote: str, exclude: str) -> list[tuple[str, QuoteMatch]]:
        """Sources other than ``exclude`` where ``quote`` matches, in corpus order.

        Searched: the sources of :meth:`candidates`.
        """
        found = []
        for key in self.candidates(quote, exclude):
            match = self.match_in(quote, key)
            if match is not None:
                found.append((key, match))
        return found

    def nearest_sources(self, quote: str) -> list[str]:
        """The sources :meth:`nearest` compares ``quote`` with, best first."""
        return self._shortlist(quote, None, 5)

    def nearest(
        self, quote: str, known: Mapping[str, Candidate | None] | None = None
    ) -> tuple[str, Candidate] | None:
        """The best candidate passage for ``quote`` across the corpus.

        ``known`` holds, by source, the :func:`nearest_passage` of ``quote`` in that
        source where it was already found.
        """
        best: tuple[str, Candidate] | None = None
        for key in self.nearest_sources(quote):
            if known is not None and key in known:
                candidate = known[key]
            else:
                index = self.get(key)
                assert index is not None
                candidate = nearest_passage(quote, index)
            if candidate is not None and (
                best is None or candidate.similarity > best[1].similarity
            ):
                best = (key, candidate)
        return best


def _literal_text(quote: str) -> str:
    """The literal pieces of a normalised quote (brackets left out), parts joined by spaces."""
    return " ".join(
        "".join(t.text for t in p.tokens if not t.bracket) for p in _parse_quote(quote)
    )


@lru_cache(maxsize=4096)
def _quote_pairs(quote: str) -> frozenset[int]:
    """The sampled word pairs (see ``_pairs``) inside the literal pieces of a quote.

    The first and last word of a piece are left out: the source may glue them to a
    neighbour, or a bracket may stand for part of them.
    """
    out: set[int] = set()
    for part in _parse_quote(quote):
        for token in part.tokens:
            if not token.bracket:
                out |= _pairs(token.text.split()[1:-1])
    return frozenset(out)


_BINARY = bytes.maketrans(b"\x00\x01", b"01")


def _mask_of(positions: list[int], size: int) -> int:
    """The integer whose set bits are ``positions`` (each below ``size``)."""
    if len(positions) < 64:
        mask = 0
        for i in positions:
            mask |= 1 << i
        return mask
    held = bytearray(size)  # one byte 0 or 1 per bit, read as a binary number
    for i in positions:
        held[i] = 1
    return int(bytes(held[::-1]).translate(_BINARY), 2)


def _at_least(masks: list[int], start: int, most: int | None = None) -> list[int]:
    """``out[n]``: the bits of ``start`` set in at least ``n`` of ``masks``.

    Counted up to ``most`` (default: all of them); ``out[0]`` is ``start``.
    """
    top = len(masks) if most is None else min(most, len(masks))
    at_least = [start] + [0] * len(masks)
    for seen, mask in enumerate(masks, 1):
        for n in range(min(seen, top), 0, -1):
            at_least[n] |= at_least[n - 1] & mask
    return at_least


def _bits(mask: int) -> Iterator[int]:
    """Positions of the set bits of ``mask``, lowest first."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low

"""General rules of the matcher, checked with hypothesis on the real seed texts."""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from briefgen.quotes.matcher import QuoteMatch, SourceIndex, match_quote
from briefgen.quotes.normalise import normalise

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
NAMES = sorted(p.stem for p in SEEDS.glob("*.txt"))
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INSERTED_WORDS = ["not", "never", "Russia", "China", "billion", "the", "also", "a"]


@cache
def text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


@cache
def index(name: str) -> SourceIndex:
    return SourceIndex(text(name))


@cache
def tokens(name: str) -> tuple[str, ...]:
    return tuple(text(name).split())


def plain(quote: str) -> bool:
    """A quote without elision or bracket marks, so that every word of it counts."""
    return not re.search(r"\[|\]|\.\.\.|…", quote)


@st.composite
def quotes(draw: st.DrawFn, min_words: int = 6, max_words: int = 16) -> tuple[str, list[str]]:
    """A run of whole words of one seed text: (seed name, words)."""
    name = draw(st.sampled_from(NAMES))
    words = tokens(name)
    size = draw(st.integers(min_words, max_words))
    start = draw(st.integers(0, len(words) - size))
    return name, list(words[start : start + size])


def verdict(quote: str, source: SourceIndex) -> tuple[str, str] | None:
    """The kind of match and the normalised text it covers, without spaces."""
    m = match_quote(quote, source)
    if m is None:
        return None
    return m.kind, normalise(source.text[m.start : m.end]).text.replace(" ", "")


def rewrap(original: str, rng: random.Random) -> str:
    """The same text with its line breaks moved and some words hyphenated at a new line."""
    out = []
    for piece in re.split(r"(\s+)", original):
        if piece and piece.isspace():
            piece = rng.choice([" ", "\n", " \n", "\n\n", "\f", "  "])
        elif len(piece) > 3 and rng.randrange(10) == 0:
            cut = rng.randrange(1, len(piece))
            if piece[cut - 1].isalpha() and piece[cut].isalpha():
                piece = piece[:cut] + "-\n" + piece[cut:]
        out.append(piece)
    return "".join(out)


def mutate(draw: st.DrawFn, words: list[str]) -> str:
    """The quote as is, or with some extraction noise, or with a word changed."""
    choice = draw(st.integers(0, 3))
    words = list(words)
    i = draw(st.integers(0, len(words) - 1))
    if choice == 1 and len(words[i]) > 2:  # a space inside a word
        words[i] = words[i][:1] + " " + words[i][1:]
    elif choice == 2:  # a word added
        words.insert(i, draw(st.sampled_from(INSERTED_WORDS)))
    elif choice == 3 and i + 1 < len(words):  # two words glued
        words[i : i + 2] = [words[i] + words[i + 1]]
    return " ".join(words)


@SETTINGS
@given(st.data())
def test_rewrapping_never_changes_a_verdict(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(["002_0d3004281b1ae425", "003_a50dd5fcd866a8af"]))
    words = tokens(name)
    size = data.draw(st.integers(3, 14))
    start = data.draw(st.integers(0, len(words) - size))
    quote = mutate(data.draw, list(words[start : start + size]))
    wrapped = rewrap(text(name), data.draw(st.randoms(use_true_random=False)))
    assert verdict(quote, index(name)) == verdict(quote, SourceIndex(wrapped))


@SETTINGS
@given(quotes())
def test_every_run_of_words_of_a_source_is_found_exactly(sample: tuple[str, list[str]]) -> None:
    name, words = sample
    quote = " ".join(words)
    assume(plain(quote))
    m = match_quote(quote, index(name))
    assert m is not None and m.kind == "exact"
    # The offsets point at the quote's words in the original text.
    expected = normalise(quote).text.strip()
    if re.search(r"[^\W\d_]-$", expected):  # ends in a word cut at a line break
        expected = expected.rstrip("-")
    assert normalise(text(name)[m.start : m.end]).text == expected, quote


@cache
def squeezed(name: str) -> str:
    return normalise(text(name)).text.replace(" ", "")


def elsewhere(name: str, changed: str) -> bool:
    """True if the changed quote happens to be in the source too, spaces aside."""
    return normalise(changed).text.replace(" ", "") in squeezed(name)


def _verified(name: str, quote: str) -> QuoteMatch:
    m = match_quote(quote, index(name))
    assert m is not None
    return m


@cache
def numbers(name: str) -> tuple[int, ...]:
    """Positions of the words of a seed text that hold a digit."""
    return tuple(i for i, word in enumerate(tokens(name)) if any(c.isdigit() for c in word))


@SETTINGS
@given(st.data())
def test_changing_any_digit_is_never_found(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(NAMES))
    words = tokens(name)
    at = data.draw(st.sampled_from(numbers(name)))
    before = data.draw(st.integers(0, 7))
    start = max(0, at - before)
    quote = " ".join(words[start : start + 8])
    assume(not re.search(r"\.\.\.|…", quote))  # brackets such as "[3, p. 253]" stay in
    digits = [i for i, ch in enumerate(quote) if ch.isdigit()]
    _verified(name, quote)
    i = data.draw(st.sampled_from(digits))
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != quote[i]]))
    changed = quote[:i] + new + quote[i + 1 :]
    assert match_quote(changed, index(name)) is None, changed


@SETTINGS
@given(quotes(min_words=8), st.data())
def test_dropping_a_word_is_never_found(sample: tuple[str, list[str]], data: st.DataObject) -> None:
    name, words = sample
    assume(plain(" ".join(words)))
    inner = [i for i in range(1, len(words) - 1) if re.search(r"[^\W_]", words[i])]
    assume(inner)
    i = data.draw(st.sampled_from(inner))
    assume(words[i] != words[i - 1] and words[i] != words[i + 1])
    changed = " ".join(words[:i] + words[i + 1 :])
    assume(not elsewhere(name, changed))
    assert match_quote(changed, index(name)) is None, changed


@SETTINGS
@given(quotes(min_words=8), st.data())
def test_inserting_a_word_is_never_found(
    sample: tuple[str, list[str]], data: st.DataObject
) -> None:
    name, words = sample
    assume(plain(" ".join(words)))
    i = data.draw(st.integers(1, len(words) - 1))
    word = data.draw(st.sampled_from(INSERTED_WORDS))
    changed = " ".join([*words[:i], word, *words[i:]])
    assume(not elsewhere(name, changed))
    assert match_quote(changed, index(name)) is None, changed


@SETTINGS
@given(quotes(min_words=6), st.data())
def test_one_space_more_or_less_is_at_most_fuzzy(
    sample: tuple[str, list[str]], data: st.DataObject
) -> None:
    name, words = sample
    quote = " ".join(words)
    assume(plain(quote))
    original = _verified(name, quote)
    if data.draw(st.booleans()):  # a space inserted between two letters of a word
        cuts = [i for i in range(1, len(quote)) if quote[i - 1].isalpha() and quote[i].isalpha()]
        assume(cuts)
        i = data.draw(st.sampled_from(cuts))
        changed = quote[:i] + " " + quote[i:]
    else:  # a space between two words lost
        gaps = [
            i
            for i in range(1, len(quote) - 1)
            if quote[i] == " "
            and quote[i - 1].isalnum()
            and quote[i + 1].isalnum()
            and not (quote[i - 1].isdigit() and quote[i + 1].isdigit())
        ]
        assume(gaps)
        i = data.draw(st.sampled_from(gaps))
        changed = quote[:i] + quote[i + 1 :]
    m = match_quote(changed, index(name))
    assert m is not None, changed
    assert m.kind in ("exact", "fuzzy")
    if m.kind == "fuzzy":
        assert m.differences
    # The same place, unless the quote occurs more than once in the source.
    if normalise(text(name)).text.count(normalise(quote).text) == 1:
        assert (m.start, m.end) == (original.start, original.end), changed

"""The matcher on the five real source texts, noise included (tests/data/seeds)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from briefgen.quotes.matcher import CorpusIndex, SourceIndex, match_quote, nearest_passage
from briefgen.quotes.normalise import normalise

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
KAKENOVA = "000_d6f561517ed1fc94"
IZIMOV = "001_6b449ba78becdc92"
NEWS_2021 = "002_0d3004281b1ae425"
WEITZ = "003_a50dd5fcd866a8af"
RT_2018 = "004_f269da9492ccbc07"


@cache
def text(name: str) -> str:
    return (SEEDS / f"{name}.txt").read_text(encoding="utf-8")


@cache
def index(name: str) -> SourceIndex:
    return SourceIndex(text(name))


def found(name: str, quote: str) -> str | None:
    m = match_quote(quote, index(name))
    return None if m is None else m.kind


def compact(s: str) -> str:
    return normalise(s).text.replace(" ", "")


def test_all_five_seeds_are_here() -> None:
    assert sorted(p.stem for p in SEEDS.glob("*.txt")) == [
        KAKENOVA,
        IZIMOV,
        NEWS_2021,
        WEITZ,
        RT_2018,
    ]


# ------------------------------------------------------------------ Weitz (003)


@pytest.mark.parametrize("word", ["suspended", "suspend-ed"])
def test_weitz_hyphenation_both_spellings(word: str) -> None:
    quote = f"Uzbekistan eventually {word} its CSTO membership in June 2012."
    m = match_quote(quote, index(WEITZ))
    assert m is not None and m.kind == "exact"
    assert text(WEITZ)[m.start : m.end] == (
        "Uzbekistan eventually suspend-\ned its CSTO membership in June 2012."
    )


def test_weitz_exact_across_narrow_columns() -> None:
    quote = (
        "Insisting on upholding its autonomy of action, it has strongly objected to the "
        "CSTO's deepening integration and expanding missions and capabilities."
    )
    assert found(WEITZ, quote) == "exact"


def test_weitz_elision_across_footnotes_and_page_break() -> None:
    quote = (
        "Immediately following the ... suspension of its CSTO membership, the country "
        "reaffirmed its commitment to joint air defense with the CIS"
    )
    m = match_quote(quote, index(WEITZ))
    assert m is not None and m.kind == "exact"
    between = text(WEITZ)[m.parts[0][1] : m.parts[1][0]]
    assert "Zhavaronkova" in between and "\n147\n" in between  # footnotes, page number
    assert text(WEITZ)[m.parts[0][0] : m.parts[0][1]] == "Immediately following the"


def test_weitz_sentence_split_by_footnotes_needs_an_elision() -> None:
    quote = (
        "Immediately following the suspension of its CSTO membership, the country "
        "reaffirmed its commitment"
    )
    assert found(WEITZ, quote) is None


def test_weitz_bracketed_alterations() -> None:
    assert found(WEITZ, "[T]he Uzbekistani government largely stood aside") == "exact"
    quote = "[Uzbekistan] has remained a key member of the CIS air defense system"
    assert found(WEITZ, quote) == "exact"


@pytest.mark.parametrize(
    "quote",
    [
        "Uzbekistan eventually suspended its CSTO membership in June 2013.",
        "Uzbekistan eventually suspended its CSTO membership in July 2012.",
        "Uzbekistan eventually restored its CSTO membership in June 2012.",
        "Uzbekistan eventually suspended its CSTO membership in 2012.",
        "Uzbekistan did not suspend its CSTO membership in June 2012.",
        "the commodity turnover between Russia and Uzbekistan increased by 12.6 percent, "
        "reaching $7.6 million.",
        "the commodity turnover between Russia and Uzbekistan increased by 12.5 percent",
        "seeking to strengthen its ties with China, Russia, and its Central Asian neighbors",
        "Uzbekistan ratified a treaty of friendship and cooperation with Russia.",
    ],
)
def test_weitz_changed_meaning_is_not_found(quote: str) -> None:
    assert found(WEITZ, quote) is None


def test_weitz_page_map_offsets() -> None:
    m = match_quote("suspension of its CSTO membership, the country reaffirmed", index(WEITZ))
    assert m is not None
    before = text(WEITZ)[: m.start]
    assert before.rstrip().endswith("147")  # the page footer just before


# ------------------------------------------------------------------ Kakenova (000)


@pytest.mark.parametrize(
    ("corrected", "noisy", "difference"),
    [
        (
            "focusing on defense education reforms and military professionalism with Western",
            "focusing on defense education reforms and military professionalism with Westem",
            'OCR: "Westem" for "Western"',
        ),
        (
            "The dissolution of the Soviet Union marked a turning point",
            "T he dissolution of the Soviet Union marked a turning point",
            'space: "T he" for "The"',
        ),
        (
            "Among the Central Asian republics, Uzbekistan has played a crucial role",
            "Amongthe Central Asian republics, Uzbekistan has played a crucial role",
            'space: "Amongthe" for "Among the"',
        ),
        (
            "A strategic partnership agreement between Russia and Uzbekistan was signed",
            "Astrategic partnership agreement between Russia and Uzbekistan was signed",
            'space: "Astrategic" for "A strategic"',
        ),
        (
            "government and the B. Obama administration.",
            "government and the B. Obamaadministration.",
            'space: "Obamaadministration." for "Obama administration."',
        ),
        (
            "faced a much stronger opponent as a result of the formation of the "
            "anti-terrorist coalition",
            "faced a much stronger opponentas a result of the formation of the "
            "anti-terrorist coalition",
            'space: "opponentas" for "opponent as"',
        ),
    ],
)
def test_kakenova_ocr_noise(corrected: str, noisy: str, difference: str) -> None:
    m = match_quote(corrected, index(KAKENOVA))
    assert m is not None and m.kind == "fuzzy"
    assert m.differences == (difference,)
    assert compact(text(KAKENOVA)[m.start : m.end]) == compact(noisy)
    exact = match_quote(noisy, index(KAKENOVA))
    assert exact is not None and exact.kind == "exact"
    assert (exact.start, exact.end) == (m.start, m.end)


@pytest.mark.parametrize(
    "quote",
    [
        "focusing on defense education reforms and military professionalism with Eastern",
        "The dissolution of the Soviet Union marked a turning point in 1992",
        "Among the Central Asian republics, Kazakhstan has played a crucial role",
        "Among the Central Asian republics, Uzbekistan has not played a crucial role",
        "Among Central Asian republics, Uzbekistan has played a crucial role",
        "a legacy that has persisted into the 22 century",
    ],
)
def test_kakenova_noise_does_not_excuse_a_change(quote: str) -> None:
    assert found(KAKENOVA, quote) is None


def test_kakenova_reference_in_the_quote() -> None:
    quote = (
        "faced a much stronger opponentas a result of the formation of the "
        "anti-terrorist coalition [3, p. 253]."
    )
    assert found(KAKENOVA, quote) == "exact"
    assert found(KAKENOVA, quote.replace("253", "254")) is None
    assert found(KAKENOVA, quote.replace("opponentas", "opponent as")) == "fuzzy"
    assert found(KAKENOVA, quote.replace("opponentas", "opponent as").replace("3,", "4,")) is None


# ------------------------------------------------------------------ Izimov (001)


def test_izimov_glued_image_name() -> None:
    quote = "US Strategy in Central Asia has undergone significant changes in 25 years"
    m = match_quote(quote, index(IZIMOV))
    assert m is not None and m.kind == "fuzzy"
    assert m.differences == ('space: "izimov1US" for "US"',)
    assert text(IZIMOV)[m.start : m.end] == quote
    assert found(IZIMOV, quote.replace("25", "35")) is None


def test_izimov_cyrillic_a_is_an_ocr_confusion() -> None:
    m = match_quote("And what next", index(IZIMOV))
    assert m is not None and m.kind == "fuzzy"
    assert m.differences == ('OCR: "Аnd" for "And"',)
    assert found(IZIMOV, "\u0410nd what next") == "exact"


def test_izimov_numbers() -> None:
    assert found(IZIMOV, "consisting of 328 modern armored vehicles") == "exact"
    assert found(IZIMOV, "consisting of 329 modern armored vehicles") is None
    assert found(IZIMOV, "consisting of 328 modern armoured vehicles") is None


# ------------------------------------------------------------------ the others


def test_news_2021_dates() -> None:
    quote = "On December 11-16, 2021, an official delegation from the State Department"
    assert found(NEWS_2021, quote) == "exact"
    assert found(NEWS_2021, quote.replace("11-16", "11-15")) is None


def test_rt_2018_mixed_quotes() -> None:
    quote = (
        '"In modern conditions it is necessary to jointly confront challenges and '
        'threats, especially the spread of international terrorism in the region," '
        "explained Shoigu."
    )
    assert found(RT_2018, quote) == "exact"
    assert found(RT_2018, quote.replace("Shoigu", "Azizov")) is None


# ------------------------------------------------------------------ corpus


@cache
def corpus() -> CorpusIndex:
    return CorpusIndex({name: text(name) for name in (KAKENOVA, IZIMOV, NEWS_2021, WEITZ, RT_2018)})


def test_corpus_wrong_source() -> None:
    quote = "Uzbekistan eventually suspended its CSTO membership in June 2012."
    assert match_quote(quote, corpus().get(KAKENOVA)) is None  # type: ignore[arg-type]
    found_in = corpus().find_elsewhere(quote, KAKENOVA)
    assert [key for key, _ in found_in] == [WEITZ]
    assert corpus().find_elsewhere(quote, WEITZ) == []


def test_corpus_nearest_passage() -> None:
    quote = "Uzbekistan eventually suspended its CSTO membership in June 2013."
    best = corpus().nearest(quote)
    assert best is not None and best[0] == WEITZ
    assert "[-2012.-]{+2013.+}" in best[1].marked
    direct = nearest_passage(quote, index(WEITZ))
    assert direct == best[1]

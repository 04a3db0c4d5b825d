"""The quote matcher, one rule at a time, on small texts built in the test."""

from __future__ import annotations

import pytest

from briefgen.quotes.matcher import (
    BRACKET_SPAN,
    ELISION_SPAN,
    CorpusIndex,
    QuoteMatch,
    SourceIndex,
    match_quote,
    nearest_passage,
)
from briefgen.quotes.normalise import normalise

TEXT = (
    "The Uzbekistani government largely stood aside\n"
    "during the formation of the Moscow-backed CSTO\n"
    "in 2002 and 2003. After years of limiting its participation\n"
    "in the organization, Uzbekistan eventually suspend-\n"
    "ed its CSTO membership in June 2012.\n"
    "Trade reached $7.6\nbillion in 2012, up 12.6 percent.\n"
)


def match(quote: str, text: str = TEXT) -> QuoteMatch | None:
    return match_quote(quote, SourceIndex(text))


def matched_text(m: QuoteMatch, text: str = TEXT) -> str:
    return normalise(text[m.start : m.end]).text


# ------------------------------------------------------------------ exact


def test_exact_across_line_breaks() -> None:
    m = match("largely stood aside during the formation")
    assert m is not None and m.kind == "exact" and m.similarity == 1.0
    assert TEXT[m.start : m.end] == "largely stood aside\nduring the formation"


def test_exact_ignores_case_and_typography() -> None:
    m = match("THE UZBEKISTANI GOVERNMENT largely stood aside")
    assert m is not None and m.kind == "exact"
    m = match("“Moscow‐backed CSTO”", "the “Moscow-backed CSTO” was")
    assert m is not None and m.kind == "exact"


@pytest.mark.parametrize("spelling", ["suspended", "suspend-ed", "suspend- ed"])
def test_hyphenation_at_a_line_break_matches_both_spellings(spelling: str) -> None:
    m = match(f"Uzbekistan eventually {spelling} its CSTO membership in June 2012.")
    assert m is not None and m.kind == "exact"
    assert TEXT[m.start : m.end].startswith("Uzbekistan eventually suspend-\ned")


def test_a_word_hyphen_is_optional_on_both_sides() -> None:
    m = match("the Moscowbacked CSTO")
    assert m is not None and m.kind == "exact"


def test_a_quote_does_not_match_inside_a_word() -> None:
    assert match("he said", "she said so") is None
    assert match("865 million", "8865 million") is None
    m = match("he said", "she said so, and he said so")
    assert m is not None and m.start == 17


def test_quotation_marks_around_the_quote_are_not_text() -> None:
    m = match('"largely stood aside during the formation"')
    assert m is not None and m.kind == "exact"
    assert TEXT[m.start : m.end] == "largely stood aside\nduring the formation"
    assert match('"') is None


def test_offsets_cover_the_quote() -> None:
    quote = "in June 2012. Trade reached $7.6 billion"
    m = match(quote)
    assert m is not None
    assert matched_text(m) == normalise(quote).text
    assert m.parts == ((m.start, m.end),)


# ------------------------------------------------------------------ elisions


@pytest.mark.parametrize("mark", ["...", "…", "[...]", "[…]", " ... "])
def test_elision_marks(mark: str) -> None:
    m = match(f"The Uzbekistani government{mark}suspended its CSTO membership")
    assert m is not None and m.kind == "exact"
    assert len(m.parts) == 2
    assert TEXT[m.parts[0][0] : m.parts[0][1]] == "The Uzbekistani government"
    assert normalise(TEXT[m.parts[1][0] : m.parts[1][1]]).text == ("suspended its csto membership")


def test_elided_parts_must_be_in_order() -> None:
    assert match("suspended its CSTO membership ... The Uzbekistani government") is None


def test_elided_parts_must_lie_within_the_span() -> None:
    filler = "word " * (ELISION_SPAN // 5 + 10)
    text = f"Alpha beta gamma. {filler} Delta epsilon zeta."
    assert match("Alpha beta ... Delta epsilon", text) is None
    near = f"Alpha beta gamma. {'word ' * 50} Delta epsilon zeta."
    assert match("Alpha beta ... Delta epsilon", near) is not None


def test_elision_with_a_changed_part_is_not_found() -> None:
    assert match("The Uzbekistani government ... suspended its CSTO membership in May") is None


# ------------------------------------------------------------------ brackets


def test_bracket_matches_its_own_text() -> None:
    m = match("[T]he Uzbekistani government largely stood aside")
    assert m is not None and m.kind == "exact"
    assert TEXT[m.start : m.end] == "The Uzbekistani government largely stood aside"


def test_bracket_matches_any_short_stretch() -> None:
    m = match("After years of limiting [Uzbekistan's] participation in the organization")
    assert m is not None and m.kind == "exact"
    m = match("[Tashkent] eventually suspended its CSTO membership")
    assert m is not None and m.kind == "exact"


def test_bracket_stretch_is_bounded() -> None:
    long_gap = "x" * (BRACKET_SPAN + 20)
    text = f"Alpha beta {long_gap} gamma delta"
    assert match("Alpha beta [something] gamma delta", text) is None
    text = "Alpha beta the country gamma delta"
    assert match("Alpha beta [something] gamma delta", text) is not None


def test_bracket_with_a_number_matches_only_its_own_text() -> None:
    text = "the anti-terrorist coalition [3, p. 253]. In 2012, Uzbekistan left"
    assert match("the anti-terrorist coalition [3, p. 253].", text) is not None
    assert match("the anti-terrorist coalition [3, p. 252].", text) is None
    assert match("[In 2012,] Uzbekistan left", text) is not None
    assert match("[In 2013,] Uzbekistan left", text) is None
    assert match("[Then] Uzbekistan left", text) is not None


def test_bracket_does_not_excuse_the_rest_of_the_quote() -> None:
    assert match("[T]he Uzbekistani government largely stood apart") is None


# ------------------------------------------------------------------ fuzzy

NOISY = (
    "powers, a legacy that has persisted into the 21 century. T he dissolution of the Soviet\n"
    "Union marked a turning point. Amongthe Central Asian republics,\n"
    "Uzbekistan has played a crucial role with Westem partners and the\n"
    "B. Obamaadministration. Another administration followed; a strong opponent\n"
    "was found, as the 1ndian delegation noted in 2O12 and in 2012.\n"
)


@pytest.mark.parametrize(
    ("quote", "difference"),
    [
        ("The dissolution of the Soviet Union", 'space: "T he" for "The"'),
        ("Among the Central Asian republics", 'space: "Amongthe" for "Among the"'),
        ("a crucial role with Western partners", 'OCR: "Westem" for "Western"'),
        (
            "and the B. Obama administration.",
            'space: "Obamaadministration." for "Obama administration."',
        ),
        ("as the Indian delegation noted", 'OCR: "1ndian" for "Indian"'),
    ],
)
def test_extraction_noise_is_a_fuzzy_match(quote: str, difference: str) -> None:
    m = match(quote, NOISY)
    assert m is not None and m.kind == "fuzzy"
    assert m.differences == (difference,)
    assert 0 < m.similarity < 1
    assert (
        normalise(NOISY[m.start : m.end])
        .text.replace(" ", "")
        .startswith(normalise(quote).text.replace(" ", "")[:3].replace("i", "1"))
    )


def test_quote_copying_the_noise_is_exact() -> None:
    for quote in [
        "T he dissolution of the Soviet Union",
        "Amongthe Central Asian",
        "with Westem partners",
        "the B. Obamaadministration.",
    ]:
        m = match(quote, NOISY)
        assert m is not None and m.kind == "exact", quote


def test_quote_glued_to_its_neighbour_at_an_edge() -> None:
    m = match("the B. Obama", NOISY)  # "administration" is a word of the source
    assert m is not None and m.kind == "fuzzy"
    assert match("he dissolution", "she dissolution of the state") is None  # "s" is no word


def test_cyrillic_homoglyph_is_fuzzy() -> None:
    m = match("And what next", "Аnd what next…?")
    assert m is not None and m.kind == "fuzzy"
    assert m.differences == ('OCR: "Аnd" for "And"',)


@pytest.mark.parametrize(
    "quote",
    [
        "the 22 century",  # a digit changed
        "the 1 century",  # a digit dropped
        "in 2013.",  # a year changed
        "as the 1ndian delegation noted in 2012 and in 2O12.",  # digits swapped with noise
        "Among the Central Asian states",  # a word swapped
        "Among the Central Asian republics, Uzbekistan has not played",  # a word added
        "Among the Central republics",  # a word dropped
        "with Westem partner and",  # a letter dropped
    ],
)
def test_meaning_changes_are_never_fuzzy(quote: str) -> None:
    assert match(quote, NOISY) is None


def test_o_zero_confusion_only_inside_words() -> None:
    assert match("noted in 2012 and", NOISY) is None  # "2O12": a number, not a word
    m = match("noted in 2O12 and", NOISY)
    assert m is not None and m.kind == "exact"


def test_space_inside_a_number_is_not_noise() -> None:
    assert match("reached 7 6 billion", "it reached 76 billion") is None
    assert match("reached 76 billion", "it reached 7 6 billion") is None


def test_fuzzy_with_an_elision() -> None:
    m = match("Among the Central Asian republics, ... Western partners", NOISY)
    assert m is not None and m.kind == "fuzzy"
    assert len(m.differences) == 2 and len(m.parts) == 2


def test_fuzzy_with_a_bracket() -> None:
    m = match("[T]he dissolution of the Soviet Union marked a turning point.", NOISY)
    assert m is not None and m.kind in ("exact", "fuzzy")
    m = match("[A]mong the Central Asian republics", NOISY)
    assert m is not None and m.kind == "fuzzy"


# ------------------------------------------------------------------ nothing to find


@pytest.mark.parametrize("quote", ["", "   ", "...", "[...]", "—"])
def test_quote_without_words_is_not_found(quote: str) -> None:
    assert match(quote) is None


def test_nearest_passage_marks_the_changed_words() -> None:
    quote = "Uzbekistan eventually suspended its CSTO membership in June 2013."
    assert match(quote) is None
    cand = nearest_passage(quote, SourceIndex(TEXT))
    assert cand is not None
    assert "suspend-" in TEXT[cand.start : cand.end]
    assert cand.marked == (
        "Uzbekistan eventually suspend-ed its CSTO membership in June [-2012.-]{+2013.+}"
    )
    assert cand.passage.startswith("Uzbekistan eventually") or "Uzbekistan" in cand.passage
    assert 0.8 < cand.similarity < 1


def test_nearest_passage_of_empty_source() -> None:
    assert nearest_passage("anything at all", SourceIndex("")) is None


# ------------------------------------------------------------------ corpus


def test_corpus_finds_a_quote_in_the_other_source() -> None:
    corpus = CorpusIndex({"weitz": TEXT, "noisy": NOISY, "empty": ""})
    assert corpus.get("missing") is None
    assert corpus.get("weitz") is corpus.get("weitz")
    found = corpus.find_elsewhere("Among the Central Asian republics, Uzbekistan", "weitz")
    assert [key for key, _ in found] == ["noisy"]
    assert found[0][1].kind == "fuzzy"
    assert corpus.find_elsewhere("Among the Central Asian republics", "noisy") == []


def test_corpus_nearest_candidate() -> None:
    corpus = CorpusIndex({"weitz": TEXT, "noisy": NOISY})
    best = corpus.nearest("Uzbekistan eventually suspended its CSTO membership in May 2012")
    assert best is not None and best[0] == "weitz"
    assert best[1].similarity > 0.8


@pytest.mark.parametrize(
    ("quote", "source"),
    [
        ("Donald said it.", "Ronald McDonald said it."),  # a name cut out of another
        ("Phone sold well.", "The iPhone sold well."),
        ("380 flew.", "Their A380 flew."),  # a cut number
        ("he said so", "Then she said so."),
    ],
)
def test_a_quote_never_starts_inside_a_word_it_changes(quote: str, source: str) -> None:
    assert match(quote, source) is None


def test_a_word_glued_to_a_number_may_start_a_quote() -> None:
    m = match("US strategy in Central Asia", "izimov1US strategy in Central Asia")
    assert m is not None and m.kind == "fuzzy"

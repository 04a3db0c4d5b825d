"""Normalisation of quotes and source texts (CONTRACT section 4), with the offset map."""

from __future__ import annotations

import pytest

from briefgen.quotes.normalise import normalise, normalise_quote


def original_chars(text: str) -> list[str | None]:
    norm = normalise(text)
    return [text[o] if o < len(text) else None for o in norm.offsets]


def test_nfkc_folds_compatibility_characters() -> None:
    assert normalise("ﬁnal\u00a0word").text == "final word"
    assert normalise("ＵＳＡ").text == "usa"


def test_soft_hyphen_and_zero_width_characters_are_dropped() -> None:
    assert normalise("Tash\u00adkent").text == "tashkent"
    assert normalise("Tash\u200bke\u200dnt\ufeff").text == "tashkent"


def test_soft_hyphen_at_a_line_break_joins_the_word() -> None:
    assert normalise("Tash\u00ad\nkent").text == "tashkent"


def test_typographic_quotes_dashes_and_ellipsis_fold_to_ascii() -> None:
    assert normalise("“Uzbek way” ‘on’ security").text == "\"uzbek way\" 'on' security"
    assert normalise("Russia — China – US").text == "russia - china - us"
    assert normalise("and what next…?").text == "and what next...?"


def test_white_space_runs_become_one_space() -> None:
    assert normalise("a  b\n\nc\t d\fe\r\nf").text == "a b c d e f"


def test_page_marker_lines_are_white_space() -> None:
    text = "end of one page\n<!-- page 148 -->\nstart of the next"
    norm = normalise(text)
    assert norm.text == "end of one page start of the next"
    assert text[norm.offsets[norm.text.index("start")] :].startswith("start")
    assert "page 2" in normalise("see <!-- page 2 --> here").text  # not a line of its own


def test_case_is_folded() -> None:
    assert normalise("CSTO Straße").text == "csto strasse"


@pytest.mark.parametrize(
    "text",
    ["suspend-\ned", "suspend-ed", "suspended", "suspend-  \n  ed", "suspend\u2010\ned"],
)
def test_hyphenated_word_reads_as_the_joined_word(text: str) -> None:
    assert normalise(text).text == "suspended"


def test_hyphen_between_digits_is_kept() -> None:
    assert normalise("2011-2012").text == "2011-2012"
    assert normalise("2011–\n2012").text == "2011-2012"
    assert normalise("1-2 percent").text != normalise("12 percent").text


def test_spaced_dash_is_kept() -> None:
    assert normalise("Uzbekistan - senator").text == "uzbekistan - senator"


def test_cyrillic_letters_are_not_folded_to_latin() -> None:
    # NFKC keeps Cyrillic "А" apart from Latin "A"; the matcher treats it as OCR noise.
    assert normalise("Аnd").text != normalise("And").text


def test_offsets_point_at_the_original_characters() -> None:
    text = "Uzbekistan  suspend-\ned its “CSTO”"
    norm = normalise(text)
    assert len(norm.offsets) == len(norm.text) + 1
    assert norm.offsets[-1] == len(text)
    chars = original_chars(text)
    for ch, orig in zip(norm.text, chars, strict=False):
        assert orig is not None
        if ch.isalnum():
            assert orig.lower() == ch
    i = norm.text.index("csto")
    assert text[norm.offsets[i] : norm.offsets[i + 4]] == "CSTO"


def test_offsets_of_expanded_and_dropped_characters() -> None:
    text = "ﬁx…\u200bend"
    norm = normalise(text)
    assert norm.text == "fix...end"
    assert list(norm.offsets) == [0, 0, 1, 2, 2, 2, 4, 5, 6, 7]


def test_offsets_are_monotonic_and_in_range() -> None:
    text = "  The  “ﬁrst”\u00a0—\ttest…\u00ad\nend é\u0301 İ"
    offsets = list(normalise(text).offsets)
    assert offsets == sorted(offsets)
    assert all(0 <= o <= len(text) for o in offsets)


def test_joints_record_removed_hyphens() -> None:
    norm = normalise("Moscow-backed suspend-\ned")
    assert norm.text == "moscowbacked suspended"
    assert norm.joints == {6, 20}


def test_normalise_quote_strips_the_ends() -> None:
    assert normalise_quote("  “Uzbekistan  eventually”\n") == '"uzbekistan eventually"'


def test_empty_text() -> None:
    norm = normalise("")
    assert norm.text == ""
    assert list(norm.offsets) == [0]

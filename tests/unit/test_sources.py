"""Pages of a source text (CONTRACT section 2) and page claims."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefgen.sources import build_page_map, decode_text, parse_page_claim


def test_form_feeds_start_pages_numbered_from_first_page():
    pages, problems = build_page_map("one\ftwo\fthree", "147", "s.txt")
    assert problems == []
    assert pages.labels == ("147", "148", "149")
    assert pages.page_at(0) == "147"
    assert pages.page_at(5) == "148"
    assert pages.pages_between(0, 7) == ("147", "148")
    assert pages.pages_between(4, 6) == ("148",)


def test_default_first_page_is_one():
    pages, _ = build_page_map("a\fb", None, "s.txt")
    assert pages.labels == ("1", "2")


def test_markers_name_pages_and_merge_with_form_feeds():
    text = "<!-- page 5 -->\na\n\f<!-- page 9 -->\nb\n<!-- page 12 -->\nc\fd"
    pages, problems = build_page_map(text, "1", "s.txt")
    assert problems == []
    assert pages.labels == ("5", "9", "12", "13")
    assert pages.page_at(text.index("b")) == "9"
    assert pages.page_at(text.index("c")) == "12"


def test_no_break_no_marker_means_no_pages():
    assert build_page_map("plain text\nmore", "3", "s.txt") == (None, [])


def test_bad_marker_is_reported_with_line():
    _, problems = build_page_map("a\n<!-- page twelve and more -->\n", None, "s.txt")
    assert [(p.code, p.span.line) for p in problems] == [("SRC005", 2)]


def test_decode_reports_line_and_column_of_bad_bytes():
    text, problems = decode_text(b"ok\nab\xffc\r\n", "s.txt")
    assert text == "ok\nab\ufffdc\n"
    assert [(p.code, p.span.line, p.span.column) for p in problems] == [("SRC002", 2, 3)]


def test_page_claims():
    assert parse_page_claim("147") == ("147",)
    assert parse_page_claim("147-149") == ("147", "148", "149")
    assert parse_page_claim("147–8") == ("147", "148")
    assert parse_page_claim("147, 150") == ("147", "150")
    assert parse_page_claim("xii") == ("xii",)
    assert parse_page_claim("p. 12") is None
    assert parse_page_claim("") is None


@given(st.lists(st.text(alphabet="ab \n", max_size=20), min_size=1, max_size=8),
       st.integers(1, 500))
def test_every_offset_has_a_page_in_order(chunks, first):
    text = "\f".join(chunks)
    pages, _ = build_page_map(text, str(first), "s.txt")
    if len(chunks) == 1:
        assert pages is None
        return
    labels = [pages.page_at(i) for i in range(len(text) + 1)]
    numbers = [int(x) for x in labels]
    assert numbers == sorted(numbers)
    assert numbers[0] == first and numbers[-1] == first + len(chunks) - 1


def test_roman_page_numbers_count_on():
    pages, _ = build_page_map("a\fb\fc", "xii", "s.txt")
    assert pages.labels == ("xii", "xiii", "xiv")
    pages, _ = build_page_map("a\fb", "IV", "s.txt")
    assert pages.labels == ("IV", "V")


def test_an_indented_marker_is_not_a_marker():
    pages, problems = build_page_map("a\n  <!-- page 11 -->\nb", "1", "s.txt")
    assert pages is None
    assert [(p.code, p.span.line) for p in problems] == [("SRC005", 2)]

"""Tests for the citation scanner: keys, places and parts of Pandoc citations."""

from __future__ import annotations

import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.citations import citation_keys_with_pandoc, extract_citations
from briefgen.model import Citation, Span

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "citations"

# The keys of each fixture document, in reading order, as Pandoc reads them
# (checked against Pandoc itself by test_fixture_matches_pandoc).
EXPECTED_KEYS = {
    "01-brackets.md": [
        "doe99",
        "doe99",
        "smith2000",
        "smith2004",
        "doe99",
        "smith04",
        "doe99",
        "doe99",
        "smith04",
    ],
    "02-in-text.md": ["smith04", "smith04", "doe99", "jones2010", "smith04", "doe99", "doe99"],
    "03-curly-keys.md": [
        "https://doi.org/10.1000/xyz",
        "Foo_bar.baz",
        "a{b}c",
        "doe:1999",
        "a.b.c",
        "x-y",
        "q#1",
        "k/v//w",
    ],
    "04-trailing-punctuation.md": [
        "smith2020",
        "doe99",
        "roe2021",
        "poe2022",
        "ends",
        "e/",
        "f",
        "g",
        "h",
        "i",
    ],
    "05-emails-urls.md": ["jane", "bob", "inlabel", "inemph", "z"],
    "06-code-spans.md": ["yes1", "yes2", "yes3"],
    "07-fenced-code.md": ["before", "after"],
    "08-indented-code-vs-list.md": ["lazy", "item1", "item2", "ord1", "nested"],
    "09-html.md": ["span", "indiv"],
    "10-raw-tex.md": ["yes"],
    "11-escapes.md": ["yes1", "yes2"],
    "12-headings-tables.md": ["head1", "head2", "tab1", "tab2", "cap"],
    "13-footnotes.md": ["note1", "note2", "note3", "note4"],
    "14-jinja.md": ["jinja", "real"],
    "15-front-matter.md": ["fm1", "fm2", "fm3", "body"],
    "16-quotes-lists.md": ["q1", "q2", "q3", "l1", "l2", "term", "def"],
    "17-example-lists.md": ["real"],
    "18-links.md": ["ref1", "ref2", "cite1"],
    "19-quarto.md": ["callout", "fig-plot", "sec-intro"],
    "20-tabs.md": ["tab1", "tab2"],
    "21-crlf.md": ["crlf1", "crlf2"],
}

# Where Pandoc's own order differs from reading order: metadata first (by field
# name), a note's citations where the note is referenced, a table caption first.
PANDOC_ORDER_DIFFERS = {"12-headings-tables.md", "13-footnotes.md", "15-front-matter.md"}


def read_fixture(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def keys(text: str) -> list[str]:
    return [c.key for c in extract_citations(text, "doc.md")]


def places(text: str) -> list[tuple[str, int | None, int | None]]:
    return [(c.key, c.span.line, c.span.column) for c in extract_citations(text, "doc.md")]


def md(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.md")) == sorted(EXPECTED_KEYS)


@pytest.mark.parametrize("name", sorted(EXPECTED_KEYS))
def test_fixture_keys(name: str) -> None:
    assert keys(read_fixture(name)) == EXPECTED_KEYS[name]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED_KEYS))
def test_fixture_matches_pandoc(name: str) -> None:
    text = read_fixture(name)
    expected = citation_keys_with_pandoc(text)
    found = keys(text)
    assert Counter(found) == Counter(expected)
    if name not in PANDOC_ORDER_DIFFERS:
        assert found == expected


# ---- places


def test_lines_and_columns_of_brackets() -> None:
    text = read_fixture("01-brackets.md")
    assert places(text)[:4] == [
        ("doe99", 3, 12),
        ("doe99", 3, 38),
        ("smith2000", 3, 46),
        ("smith2004", 3, 58),
    ]


def test_column_is_at_the_at_sign_for_suppress_author() -> None:
    assert places("Smith says [-@smith04].") == [("smith04", 1, 14)]
    assert places("then -@smith04 again") == [("smith04", 1, 7)]


def test_places_in_front_matter_and_notes() -> None:
    assert places(read_fixture("15-front-matter.md")) == [
        ("fm1", 2, 21),
        ("fm2", 4, 3),
        ("fm3", 4, 9),
        ("body", 9, 6),
    ]
    assert places(read_fixture("13-footnotes.md")) == [
        ("note1", 3, 10),
        ("note2", 3, 25),
        ("note3", 5, 26),
        ("note4", 7, 22),
    ]


def test_places_inside_containers() -> None:
    text = read_fixture("16-quotes-lists.md")
    assert places(text) == [
        ("q1", 1, 10),
        ("q2", 2, 19),
        ("q3", 4, 12),
        ("l1", 6, 5),
        ("l2", 8, 7),
        ("term", 10, 6),
        ("def", 11, 16),
    ]


def test_tabs_and_crlf_keep_original_columns() -> None:
    assert places(read_fixture("20-tabs.md")) == [("tab1", 1, 8), ("tab2", 3, 38)]
    assert places(read_fixture("21-crlf.md")) == [("crlf1", 1, 10), ("crlf2", 4, 1)]


def test_citation_fields() -> None:
    found = extract_citations("[see @a, p. 12; -@b] and @c [chap. 2]", "briefs/x.md")
    assert found == (
        Citation("a", Span("briefs/x.md", 1, 6), locator="p. 12", prefix="see", suffix=", p. 12"),
        Citation("b", Span("briefs/x.md", 1, 18), suppress_author=True),
        Citation(
            "c", Span("briefs/x.md", 1, 26), locator="chap. 2", suffix="chap. 2", in_text=True
        ),
    )


# ---- Pandoc's rules, each on a small case


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jane@example.com", []),
        ("a.@b and a-@c", ["c"]),
        ("x@y@z", ["z"]),
        ("*em*@a *em* @b", ["b"]),
        ("@smith2020. Then @doe:1999: and @k/v//w.", ["doe:1999", "k/v//w"]),
        ("As @smith2020. said", ["smith2020"]),
        ("@e// @f?.", ["e/", "f"]),
        ("@{a b} @{a{b}c} @{x}y", ["a{b}c", "x"]),
        ("`@a` ```@b `` @c``` @d", ["d"]),
        ("\\@a \\\\@b", ["b"]),
        ("$@a$ $ @b $ $5 @c", ["b", "c"]),
        ("https://x.org/@a <https://x.org/@b> <c@d.org>", ["a"]),
        ("[text @a](http://x.org/@b 'title @c')", ["a"]),
        ("<!-- @a --> <span data-x='@b'>@c</span>", ["c"]),
        ("\\textbf{@a} \\foo[@b]{@c} @d", ["d"]),
        ("nocite: '@*'", ["*"]),
    ],
)
def test_inline_rules(text: str, expected: list[str]) -> None:
    assert keys(text) == expected


def test_example_list_labels_are_not_citations() -> None:
    text = md(
        """
        (@good) An example.

        @good shows it, [@good] is a citation, @real too.
        """
    )
    assert keys(text) == ["good", "real"]


def test_code_blocks() -> None:
    text = md(
        """
        ```
        @a
        ```

        ~~~~ {.python}
        @b
        ~~~~

            @c

        - item

            @d, continuation of the item

        ```
        @e, a fence that never closes is no code block
        """
    )
    assert keys(text) == ["d", "e"]


def test_rmarkdown_chunks_are_read_as_pandoc_reads_them() -> None:
    # ```{r} is not a fenced code block for Pandoc: with no blank line in it,
    # the chunk is one long code span; a blank line breaks it into paragraphs.
    assert keys("```{r}\nx <- '@a'\n```\n") == []
    assert keys("```{r}\nx\n\n@a\n```\n") == ["a"]


def test_notes_count_once_per_reference() -> None:
    text = md(
        """
        One[^1] and two[^1].

        [^1]: See @a.

        [^2]: Never used @b.
        """
    )
    assert places(text) == [("a", 3, 11), ("a", 3, 11)]


def test_figure_caption_repeats_the_alt_text() -> None:
    assert keys("![Map from @atlas](map.png)\n") == ["atlas", "atlas"]
    assert keys("Inline ![Map from @atlas](map.png) image.\n") == ["atlas"]


def test_yaml_metadata() -> None:
    text = md(
        """
        ---
        title: "On @a"
        authors:
          - name: Jo
            note: "after @b"
        skip_: "@c"
        flag: true
        ---

        Text.

        ---
        title: "later @d wins"
        ...
        """
    )
    assert places(text) == [("b", 5, 18), ("d", 13, 15)]


def test_invalid_yaml_gives_no_citations_and_no_error() -> None:
    assert keys("---\ntitle: [@a\n---\n\n@b\n") == ["b"]


def test_title_block() -> None:
    assert places("% Title @t\n% Ann; @u\n\nBody\n") == [("t", 1, 9), ("u", 2, 8)]


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("@[]-;`$<>!*_\\{}():#|^~ \n\tab1.\"'=&/")), max_size=80)
)
def test_never_raises(text: str) -> None:
    for c in extract_citations(text, "doc.md"):
        assert c.span.line is not None and c.span.column is not None
        assert 1 <= c.span.line <= text.count("\n") + 1
        line = text.replace("\r\n", "\n").split("\n")[c.span.line - 1]
        assert line[c.span.column - 1] == "@"


def test_large_document() -> None:
    para = "See @smith2020 [p. 3] and `code @no` with a jane@example.com [-@doe99; @roe].\n\n"
    text = para * 3000
    found = extract_citations(text, "big.md")
    assert len(found) == 3 * 3000
    assert found[-1].span.line == 2 * 3000 - 1

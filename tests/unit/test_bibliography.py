"""Tests for the bibliography loader: BibTeX/BibLaTeX, CSL-JSON, file fields, bytes."""

from __future__ import annotations

import json
import logging
import os
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefgen.bibliography import (
    check_entry_fields,
    decode_bibliography,
    parse_bibliography,
    resolve_file_field,
    scan_keys,
)
from briefgen.model import Entry, Span

REPO = Path(__file__).resolve().parents[2]


def bib(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


def codes(diagnostics) -> list[tuple[str, int | None]]:
    return [(d.code, d.span.line if d.span else None) for d in diagnostics]


def pandoc_ids(text: str) -> list[str] | None:
    """The ids Pandoc reads from a BibLaTeX text, or None when Pandoc refuses it."""
    import pypandoc

    try:
        out = pypandoc.convert_text(text, "csljson", format="biblatex")
    except RuntimeError:
        return None
    return [item["id"] for item in json.loads(out)]


# ---------------------------------------------------------------------------
# Entries and field values
# ---------------------------------------------------------------------------


def test_fields_are_plain_strings_with_macros_expanded():
    text = bib(r"""
        % a comment line
        @String{jnl = "Journal of {Central} Asia"}
        @STRING{ed = {2nd}}

        @Article{Smith:2020,
          Author = {Smith, John and {World Bank}},
          title = "A {Nested} \"Title\"",
          journal = JNL,
          edition = ed # { edition},
          year = 2020,
          pages = {147--149},
          note = {50% off, \{escaped\} brace},
        }
        """)
    result = parse_bibliography(text, "bib/refs.bib")
    assert result.diagnostics == ()
    assert result.count == 1
    (entry,) = result.entries
    assert entry.key == "Smith:2020"
    assert entry.type == "article"
    assert entry.span == Span("bib/refs.bib", 5, 1)
    assert dict(entry.fields) == {
        "author": "Smith, John and {World Bank}",
        "title": 'A {Nested} \\"Title\\"',
        "journal": "Journal of {Central} Asia",
        "edition": "2nd edition",
        "year": "2020",
        "pages": "147--149",
        "note": r"50% off, \{escaped\} brace",
    }
    assert entry.first_page == "147"


def test_field_values_are_parsed_by_bibtexparser():
    text = bib("""
        @string{jnl = "Journal of {Central} Asia"}
        @article{a,
          Journal = jnl,
          title = {The {US} and "Russia"},
          note = "a {"} b",
          year = 2021,
        }
        """)
    (entry,) = parse_bibliography(text, "r.bib").entries
    # the @string macro expanded, outer braces/quotes removed, inner ones kept as written
    assert dict(entry.fields) == {
        "journal": "Journal of {Central} Asia",
        "title": 'The {US} and "Russia"',
        "note": 'a {"} b',
        "year": "2021",
    }


@pytest.fixture
def marked_bibtexparser(monkeypatch):
    """bibtexparser.parse_string, with each title it reads marked as its own."""
    import bibtexparser

    original = bibtexparser.parse_string

    def parse_string(*args, **kwargs):
        library = original(*args, **kwargs)
        for parsed in library.entries:
            if "title" in parsed.fields_dict:
                parsed.fields_dict["title"].value += " (bibtexparser)"
        return library

    monkeypatch.setattr(bibtexparser, "parse_string", parse_string)


def test_values_come_from_bibtexparser_where_it_reads_the_entry_as_pandoc(marked_bibtexparser):
    text = bib("""
        @string{ed = {2nd}}
        @string{jnl = {Journal}}
        @book{read, title = {Plain}, journal = jnl}
        @book{joined, title = {Joined}, edition = ed # { edition}}
        @book{comma,
          author = {Doe, John}
          title = {Merged}
        }
        @book{twice, title = {One}, title = {Two}}
        @book{early, title = {Early}, publisher = pub}
        @string{pub = {Press}}
        """)
    result = parse_bibliography(text, "r.bib")
    titles = {e.key: e.fields["title"] for e in result.entries}
    assert titles == {
        "read": "Plain (bibtexparser)",
        # bibtexparser leaves '#' unjoined, merges fields lacking a comma, fails a block
        # with a repeated field and expands macros defined later: the reader's values
        "joined": "Joined",
        "comma": "Merged",
        "twice": "Two",
        "early": "Early",
    }
    fields = {e.key: dict(e.fields) for e in result.entries}
    assert fields["read"]["journal"] == "Journal"
    assert fields["joined"]["edition"] == "2nd edition"
    assert fields["comma"]["author"] == "Doe, John"
    assert fields["early"]["publisher"] == "pub"
    assert codes(result.diagnostics) == [("BIB006", 6), ("BIB010", 9)]


def test_bibtexparser_failing_leaves_the_readers_values(monkeypatch):
    import bibtexparser

    def broken(*args, **kwargs):
        raise RuntimeError("bibtexparser bug")

    monkeypatch.setattr(bibtexparser, "parse_string", broken)
    result = parse_bibliography("@misc{a, title = {T}, year = 2020}\n", "r.bib")
    assert [dict(e.fields) for e in result.entries] == [{"title": "T", "year": "2020"}]
    assert result.diagnostics == ()


def test_bibtexparser_logs_nothing_on_broken_blocks(caplog):
    with caplog.at_level(logging.DEBUG):
        result = parse_bibliography("@misc{a, title = {open\n@misc{b, title = {T}}\n", "r.bib")
    assert codes(result.diagnostics) == [("BIB001", 1)]
    assert [r for r in caplog.records if r.name.startswith("bibtexparser")] == []


def test_example_corpus_bibliography_is_clean():
    text = (REPO / "bib" / "corpus.bib").read_text(encoding="utf-8")
    result = parse_bibliography(text, "bib/corpus.bib")
    assert result.diagnostics == ()
    assert result.count == 5
    assert [check_entry_fields(e) for e in result.entries] == [[]] * 5
    entries = {e.key: e for e in result.entries}
    assert entries["centralasia2021"].fields["title"] == (
        "{Central Asia} between the {US} and {Russia}"
    )
    assert entries["weitz2014"].first_page == "147"


def test_keys_with_punctuation_and_uppercase_types():
    text = bib("""
        @MISC{a:b, title={x}}
        @misc{a.b/c-d_e+f, title={x}}
        @Book{ spaced , title = {y} }
        @online{ключ, title={z}}
        """)
    result = parse_bibliography(text, "r.bib")
    assert [(e.key, e.type, e.span.line) for e in result.entries] == [
        ("a:b", "misc", 1),
        ("a.b/c-d_e+f", "misc", 2),
        ("spaced", "book", 3),
        ("ключ", "online", 4),
    ]
    assert result.diagnostics == ()


def test_count_skips_string_preamble_comment_and_keeps_duplicates():
    text = bib("""
        @string{a = {A}}
        @preamble{"\\newcommand{\\x}{y}"}
        @comment{@article{hidden, title={no}}}
        % @article{commented, title={no}}
        @article{one, title={1}}
        @article{one, title={again}}
        @commentary{two, title={Pandoc reads any other type as an entry}}
        """)
    result = parse_bibliography(text, "r.bib")
    assert result.count == 3
    assert [e.key for e in result.entries] == ["one", "two"]
    assert result.entries[0].fields["title"] == "1"
    assert codes(result.diagnostics) == [("BIB002", 6)]


def test_crossref_and_xdata_lend_fields_but_not_titles():
    text = bib("""
        @xdata{pub, publisher = {Example Press}, location = {Oxford}}
        @book{parent, editor = {Ed, Itor}, title = {The Book}, year = 2001, xdata = {pub}}
        @inbook{child, crossref = {parent}, title = {Chapter}, pages = {1--5}}
        @inbook{orphan, crossref = {parent}}
        """)
    result = parse_bibliography(text, "r.bib")
    assert result.count == 3  # Pandoc leaves @xdata entries out
    entries = {e.key: e for e in result.entries}
    assert set(entries) == {"parent", "child", "orphan"}
    child = entries["child"].fields
    assert (child["editor"], child["year"], child["publisher"], child["title"]) == (
        "Ed, Itor",
        "2001",
        "Example Press",
        "Chapter",
    )
    assert "title" not in entries["orphan"].fields
    assert [d.message for d in check_entry_fields(entries["orphan"])] == [
        "entry 'orphan' lacks title"
    ]


# ---------------------------------------------------------------------------
# The three ways a BibTeX file breaks silently elsewhere, and other broken blocks
# ---------------------------------------------------------------------------


def test_unbalanced_brace_is_bib001_at_the_block_line_and_the_next_entry_survives():
    text = bib("""
        @article{first, title = {Fine}, year = 2020}

        @book{broken,
          author = {Doe, John},
          title = {Alliances of {Convenience},
          year = {2019},
        }

        @misc{after, title = {Still read}}
        """)
    result = parse_bibliography(text, "bib/refs.bib")
    assert codes(result.diagnostics) == [("BIB001", 3)]
    d = result.diagnostics[0]
    assert d.severity == "error"
    assert d.key == "broken"
    assert "unbalanced braces" in d.message
    assert d.notes == (
        "Pandoc stops reading the file at line 9, column 1: expected ',' or '}' "
        "after the field 'title', found '@'",
    )
    assert [e.key for e in result.entries] == ["first", "after"]
    assert result.count == 3


def test_unclosed_brace_at_end_of_file():
    result = parse_bibliography("@misc{a, title={x}}\n@misc{b, title = {never closed\n", "r.bib")
    assert codes(result.diagnostics) == [("BIB001", 2)]
    assert "unbalanced braces" in result.diagnostics[0].message
    assert [e.key for e in result.entries] == ["a"]


def test_duplicate_key_points_at_second_occurrence_and_names_the_first():
    text = bib("""
        @article{dup, title = {First}}
        @article{other, title = {Other}}

        @book{dup, title = {Second}}
        """)
    result = parse_bibliography(text, "r.bib")
    assert codes(result.diagnostics) == [("BIB002", 4)]
    assert result.diagnostics[0].message == "duplicate cite key 'dup' (first defined on line 1)"
    assert result.diagnostics[0].key == "dup"
    assert [(e.key, e.fields["title"]) for e in result.entries] == [
        ("dup", "First"),
        ("other", "Other"),
    ]
    assert result.count == 3


def test_missing_comma_is_bib006_at_the_field_lacking_it_and_both_fields_are_kept():
    text = bib("""
        @book{doe2019,
          author = {Doe,
                    John}
          title = {Alliances of Convenience},
          year = {2019}
        }
        """)
    result = parse_bibliography(text, "bib/refs.bib")
    assert codes(result.diagnostics) == [("BIB006", 3)]
    d = result.diagnostics[0]
    assert d.span == Span("bib/refs.bib", 3, 18)  # right after the value, where ',' belongs
    assert "'author'" in d.message and "'title' on line 4" in d.message
    (entry,) = result.entries
    assert entry.fields["title"] == "Alliances of Convenience"
    assert entry.fields["year"] == "2019"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("@misc{a, title={x}}\n\n@article(paren, title = {P})\n", 3, "parentheses"),
        ("@misc{a, title={x}}\n@misc{k}\n", 2, "no comma after its cite key"),
        ("Contact me at someone@example.org\n@misc{a, title={x}}\n", 1, "'@' outside an entry"),
        ("@misc{a, title={x}}\n@misc{title={x}}\n", 2, "cannot be read"),
        ("@misc{a, title={x}}\n@misc{, title={x}}\n", 2, "has no cite key"),
        ("@misc{a, title={x}}\n@misc{two words, title={x}}\n", 2, "after the cite key 'two'"),
        ("@misc{a, title={x},,}\n", 1, "found ','"),
        ('@misc{a, title="open}\n', 1, "never closed"),
        ("@misc{a, title = x # }\n", 1, "expected a value after '#'"),
    ],
)
def test_blocks_pandoc_cannot_read_are_bib001(text, line, words):
    result = parse_bibliography(text, "r.bib")
    bib001 = [d for d in result.diagnostics if d.code == "BIB001"]
    assert [d.span.line for d in bib001] == [line]
    assert words in bib001[0].message + " ".join(bib001[0].notes)
    # the fast scanner reports the same problem at the same place
    _, diagnostics, count = scan_keys(text, "r.bib")
    assert codes(diagnostics) == codes(result.diagnostics)
    assert count == result.count


def test_recovered_blocks_keep_their_entries():
    text = "@article(paren, title = {P})\n@misc{k}\n"
    result = parse_bibliography(text, "r.bib")
    assert [(e.key, dict(e.fields)) for e in result.entries] == [
        ("paren", {"title": "P"}),
        ("k", {}),
    ]
    assert result.count == 2


def test_repeated_field_is_a_warning_and_the_last_value_wins():
    result = parse_bibliography("@misc{a,\n  title = {x},\n  title = {y}\n}\n", "r.bib")
    assert codes(result.diagnostics) == [("BIB010", 3)]
    assert result.diagnostics[0].severity == "warning"
    assert result.entries[0].fields["title"] == "y"


def test_string_defined_after_use_is_not_expanded():
    text = "@misc{a, journal = jnl}\n@string{jnl = {Journal}}\n@misc{b, journal = jnl}\n"
    result = parse_bibliography(text, "r.bib")
    assert [e.fields["journal"] for e in result.entries] == ["jnl", "Journal"]


def test_empty_and_junk_only_files():
    for text in ("", "just some notes\nwithout entries\n", "% only a comment"):
        result = parse_bibliography(text, "r.bib")
        assert (result.entries, result.diagnostics, result.count) == ((), (), 0)
        assert scan_keys(text, "r.bib") == ({}, [], 0)


# ---------------------------------------------------------------------------
# BIB003
# ---------------------------------------------------------------------------


def test_check_entry_fields():
    text = bib("""
        @report{org, institution = {World Bank}, title = {Report}, date = {2020-05}}
        @misc{bare, note = {nothing}}
        @book{blank, author = {{}}, title = {T}, year = {1999}}
        """)
    org, bare, blank = parse_bibliography(text, "r.bib").entries
    assert check_entry_fields(org) == []
    (d,) = check_entry_fields(bare)
    assert (d.code, d.severity, d.span, d.key) == ("BIB003", "warning", Span("r.bib", 2, 1), "bare")
    assert d.message == (
        "entry 'bare' lacks author (or editor, organization, institution), title, year (or date)"
    )
    assert [x.message for x in check_entry_fields(blank)] == [
        "entry 'blank' lacks author (or editor, organization, institution)"
    ]


@pytest.mark.parametrize("etype", ["online", "Misc", "WWW", "webpage", "electronic"])
def test_anonymous_web_content_with_title_and_date_needs_no_author(etype):
    text = f"@{etype}{{a, title = {{Page}}, date = {{2021-12}}}}\n@{etype}{{b, title = {{P}}}}\n"
    dated, undated = parse_bibliography(text, "r.bib").entries
    assert check_entry_fields(dated) == []
    assert [d.message for d in check_entry_fields(undated)] == [
        "entry 'b' lacks author (or editor, organization, institution), year (or date)"
    ]


@pytest.mark.parametrize("etype", ["article", "book", "report", "inproceedings"])
def test_other_types_still_need_an_author(etype):
    (entry,) = parse_bibliography(f"@{etype}{{a, title = {{T}}, year = 2020}}", "r.bib").entries
    assert [d.message for d in check_entry_fields(entry)] == [
        "entry 'a' lacks author (or editor, organization, institution)"
    ]


def test_anonymous_csl_webpage_needs_no_author():
    items = [
        {"id": "page", "type": "webpage", "title": "T", "issued": {"date-parts": [[2021]]}},
        {"id": "book", "type": "book", "title": "T", "issued": {"date-parts": [[2021]]}},
    ]
    page, book = parse_bibliography(json.dumps(items), "refs.json").entries
    assert check_entry_fields(page) == []
    assert [d.message for d in check_entry_fields(book)] == [
        "entry 'book' lacks author (or editor)"
    ]


def test_check_entry_fields_csl():
    text = json.dumps(
        [
            {
                "id": "ok",
                "type": "book",
                "title": "T",
                "author": [{"family": "A"}],
                "issued": {"date-parts": [[2001]]},
            },
            {"id": "no", "type": "book"},
        ]
    )
    ok, no = parse_bibliography(text, "refs.json").entries
    assert check_entry_fields(ok) == []
    assert [d.message for d in check_entry_fields(no)] == [
        "entry 'no' lacks author (or editor), title, issued (a date)"
    ]


# ---------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------

CSL = """[
  {
    "type": "article-journal",
    "id": "weitz2014",
    "title": "Uzbekistan and the CSTO",
    "author": [{"family": "Weitz", "given": "Richard"}],
    "issued": {"date-parts": [[2014, 3]]},
    "page": "147-149",
    "note": "n",
    "file": "sources/weitz.txt"
  },
  {"id": "raw", "issued": {"raw": "circa 1999"}, "title": "R"},
  {"id": "weitz2014", "title": "again"}
]
"""


def test_csl_json_entries():
    result = parse_bibliography(CSL, "bib/refs.json")
    assert result.count == 3
    assert codes(result.diagnostics) == [("BIB002", 13)]
    first, raw = result.entries
    assert (first.key, first.type, first.span) == (
        "weitz2014",
        "article-journal",
        Span("bib/refs.json", 4, 1),
    )
    assert dict(first.fields) == {
        "title": "Uzbekistan and the CSTO",
        "year": "2014",
        "pages": "147-149",
        "note": "n",
        "file": "sources/weitz.txt",
    }
    assert first.csl is not None and first.csl["author"][0]["family"] == "Weitz"
    assert (first.first_page, first.year, first.authors) == ("147", "2014", ("Weitz, Richard",))
    assert raw.fields["year"] == "1999"
    assert raw.span.line == 12
    assert scan_keys(CSL, "bib/refs.json") == (
        {"weitz2014": 4, "raw": 12},
        list(result.diagnostics),
        3,
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ('[\n  {"id": "a",}\n]', 2, 14, "invalid JSON"),
        ('{"id": "a"}', 1, 1, "must be a list"),
        ('[\n  {"id": "a"},\n  {"title": "no id"}\n]', 3, None, 'has no "id"'),
        ('[\n  "text"\n]', 2, None, "not an object"),
    ],
)
def test_invalid_csl_json_is_bib009(text, line, column, words):
    result = parse_bibliography(text, "refs.json")
    bib009 = [d for d in result.diagnostics if d.code == "BIB009"]
    assert len(bib009) == 1
    assert (bib009[0].span.line, bib009[0].span.column) == (line, column)
    assert words in bib009[0].message


# ---------------------------------------------------------------------------
# The file field
# ---------------------------------------------------------------------------


def entry_with_file(value: str) -> Entry:
    return Entry("k", "misc", {"file": value}, Span("bib/refs.bib", 7, 1))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "paper.pdf").write_bytes(b"%PDF")
    (root / "sources" / "paper.txt").write_text("text")
    (tmp_path / "secret.txt").write_text("outside")
    return root


def test_file_field_plain_path(project):
    path, diagnostic = resolve_file_field(entry_with_file("sources/paper.txt"), project)
    assert (path, diagnostic) == (project / "sources" / "paper.txt", None)
    path, _ = resolve_file_field(entry_with_file("sources/../sources/paper.txt"), project)
    assert path == project / "sources" / "paper.txt"


def test_file_field_better_bibtex_prefers_text(project):
    value = "Full Text:sources/paper.pdf:application/pdf;Text:sources/paper.txt:text/plain"
    assert resolve_file_field(entry_with_file(value), project) == (
        project / "sources" / "paper.txt",
        None,
    )
    value = "Full Text:sources/paper.pdf:application/pdf"
    assert resolve_file_field(entry_with_file(value), project) == (
        project / "sources" / "paper.pdf",
        None,
    )


def test_no_file_field(project):
    entry = Entry("k", "misc", {"title": "x"}, Span("r.bib", 1, 1))
    assert resolve_file_field(entry, project) == (None, None)


@pytest.mark.parametrize(
    "value",
    [
        "../secret.txt",
        "sources/../../secret.txt",
        "/etc/passwd",
        "C:\\Users\\x.txt",
        "Text:../secret.txt:text/plain",
    ],
)
def test_file_field_outside_project_is_bib004(project, value):
    path, diagnostic = resolve_file_field(entry_with_file(value), project)
    assert path is None
    assert diagnostic is not None
    assert (diagnostic.code, diagnostic.severity, diagnostic.span, diagnostic.key) == (
        "BIB004",
        "error",
        Span("bib/refs.bib", 7, 1),
        "k",
    )


def test_file_field_absolute_path_inside_project_is_still_bib004(project):
    value = str(project / "sources" / "paper.txt")
    _, diagnostic = resolve_file_field(entry_with_file(value), project)
    assert diagnostic is not None and diagnostic.code == "BIB004"


def test_file_field_symlink_escaping_is_bib004(project):
    os.symlink(project.parent / "secret.txt", project / "sources" / "link.txt")
    os.symlink(project.parent, project / "up")
    for value in ("sources/link.txt", "up/secret.txt"):
        path, diagnostic = resolve_file_field(entry_with_file(value), project)
        assert path is None
        assert diagnostic is not None and diagnostic.code == "BIB004"
        assert "symbolic link" in diagnostic.message


def test_file_field_symlink_inside_project_is_fine(project):
    os.symlink(project / "sources" / "paper.txt", project / "alias.txt")
    assert resolve_file_field(entry_with_file("alias.txt"), project) == (
        project / "alias.txt",
        None,
    )


def test_file_field_missing_is_bib005(project):
    path, diagnostic = resolve_file_field(entry_with_file("sources/none.txt"), project)
    assert path is None
    assert diagnostic is not None
    assert (diagnostic.code, diagnostic.span.line) == ("BIB005", 7)
    assert "sources/none.txt" in diagnostic.message


def test_file_field_from_bibtex(project):
    text = "@misc{k,\n  title = {T},\n  file = {Paper:sources/paper.txt:text/plain}\n}\n"
    (entry,) = parse_bibliography(text, "bib/refs.bib").entries
    assert resolve_file_field(entry, project) == (project / "sources" / "paper.txt", None)


# ---------------------------------------------------------------------------
# Bytes
# ---------------------------------------------------------------------------


def test_decode_bibliography_reports_each_bad_line():
    data = b"@misc{a,\n  title = {Caf\xe9 and na\xefve},\n  note = {ok \xc3\xa9}\n}\n\xff"
    text, diagnostics = decode_bibliography(data, "bib/refs.bib")
    assert text == "@misc{a,\n  title = {Caf\ufffd and na\ufffdve},\n  note = {ok é}\n}\n\ufffd"
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [
        ("BIB007", 2, 15),
        ("BIB007", 5, 1),
    ]
    assert "\\xe9" in diagnostics[0].message
    # the text still parses
    assert [e.key for e in parse_bibliography(text, "bib/refs.bib").entries] == ["a"]


def test_decode_bibliography_strips_bom_and_caps_diagnostics():
    assert decode_bibliography("\ufeff@misc{a,}".encode(), "r.bib") == ("@misc{a,}", [])
    data = b"".join(b"line \xe9\n" for _ in range(30))
    _, diagnostics = decode_bibliography(data, "r.bib")
    assert len(diagnostics) == 21
    assert diagnostics[-1].message == "10 more lines have bytes that are not UTF-8"


# ---------------------------------------------------------------------------
# The fast scanner agrees with the full reader and with Pandoc
# ---------------------------------------------------------------------------


def test_scan_keys_on_a_large_bibliography():
    text = "".join(
        f"@article{{key{i}:x,\n  author = {{A and {{B}}}},\n  title = {{T {i}}},\n"
        f"  year = {2000 + i % 20},\n}}\n"
        for i in range(10_000)
    )
    keys, diagnostics, count = scan_keys(text, "r.bib")
    assert (len(keys), diagnostics, count) == (10_000, [], 10_000)
    assert keys["key9999:x"] == 49_996


def test_scan_keys_handles_nesting_deeper_than_its_fast_pattern():
    deep = "{" * 12 + "x" + "}" * 12
    text = f'@comment{{{deep}}}\n@misc{{a, title = {deep}}}\n@misc{{b, title = "{deep}"}}\n'
    assert scan_keys(text, "r.bib") == ({"a": 2, "b": 3}, [], 2)


TRICKY = [
    # @string, @comment, @preamble in every case, comments outside and inside entries
    bib("""
        @STRING{jnl = "J"}
        @String(ignored = "x")
        """),
    bib("""
        @string{jnl = "J"}
        @Comment{anything @article{x, title={y}} here}
        @PREAMBLE{"\\newcommand{\\noop}[1]{}"}
        % @article{commented, title = {no}}
        junk text between entries
        @Article{A1, title = jnl # { and } # "more", % trailing comment
          year = 2020}
        @BOOK{b-2, title = {x}}
        """),
    # parentheses-delimited entries
    "@article(p1, title = {P})\n@misc{ok, title={x}}\n",
    # keys with colons, dots, slashes and other key characters
    bib("""
        @misc{smith:2020, title={x}}
        @misc{a.b/c, title={x}}
        @misc{f(x)=y&[z]!?, title={x}}
        @misc{a@b, title={x}}
        @misc{ spaced , title={x}}
        """),
    # nested braces, escaped braces, quotes containing braces
    bib(r"""
        @misc{n1, title = {a {b {c {d}}} e}, note = "x {y "} z"}
        @misc{n2, title = {\} and \{ escaped}}
        @misc{n3, title = {50% off}}
        """),
    # duplicates, empty fields, trailing commas, no fields
    bib("""
        @misc{d, title = {1}}
        @misc{d, title = , year = 2000,}
        @misc{e,}
        @misc{f,
        }
        """),
    # xdata and set
    "@xdata{x1, publisher={P}}\n@set{s1, entryset={a,b}}\n@misc{a, xdata={x1}}\n",
    "@xdata{k, publisher={P}}\n@article{k, title={T}}\n",
    # @commentary and @stringent are entries
    "@commentary{c1, title={x}}\n@stringent{c2, title={x}}\n@string{c3, title={x}}\n",
    # broken: missing comma, unbalanced brace, email, no key, space after @
    "@misc{a,\n  author = {X}\n  title = {Y}\n}\n",
    "@misc{a, title = {x}\n@misc{b, title={y}}\n",
    "mail me@example.org\n@misc{a, title={x}}\n",
    "@misc{title = {x}}\n",
    "@ misc{a, title={x}}\n",
    "@comment no braces\n@misc{a, title={x}}\n",
    "@misc{a, title={x}}\n% trailing comment without newline",
    "@misc\t{a,\ttitle\t=\t{x}\t}\r\n@misc\xa0{b, title={x}}\r\n",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", TRICKY)
def test_scan_keys_agrees_with_pandoc(text):
    assert_agrees_with_pandoc(text)


def assert_agrees_with_pandoc(text: str) -> None:
    ids = pandoc_ids(text)
    keys, diagnostics, count = scan_keys(text, "r.bib")
    full = parse_bibliography(text, "r.bib")
    errors = [d for d in diagnostics if d.code != "BIB002"]
    if ids is None:
        assert errors, "Pandoc refuses this text: the scanner must say why"
        assert any(d.code in ("BIB001", "BIB006") for d in full.diagnostics)
    else:
        assert errors == []
        assert list(keys) == list(dict.fromkeys(ids))
        assert count == len(ids)
        assert [e.key for e in full.entries] == list(keys)
        assert full.count == count
        assert [d for d in full.diagnostics if d.code not in ("BIB002", "BIB010")] == []
    assert codes(d for d in full.diagnostics if d.code != "BIB010") == codes(diagnostics)


# Pieces of bibliographies, valid and not, for hypothesis to put together.
_key_chars = st.sampled_from(list("abcXYZ019.:;?!`'()$/*@_+=-[]&é"))
_keys = st.text(_key_chars, min_size=1, max_size=6)
_names = st.sampled_from(["title", "Author", "year", "note", "x-y", "a:b", "f+g", "n_1"])
_texts = st.text(st.sampled_from(list('ab {}\\"%#,=@\n')), max_size=10)


def _braced(depth: int = 0) -> st.SearchStrategy[str]:
    inner = st.text(st.sampled_from(list('ab ,=#%@"\n')), max_size=6)
    if depth < 3:
        inner = st.one_of(
            inner,
            st.builds(lambda a, b, c: a + b + c, inner, _braced(depth + 1), inner),
            st.just("\\}"),
            st.just("\\{"),
        )
    return st.builds(lambda s: "{" + s + "}", inner)


_values = st.one_of(
    _braced(),
    st.builds(
        lambda s: '"' + s + '"',
        st.text(st.sampled_from(list("ab {}\\")), max_size=5).filter(
            lambda s: s.count("{") == s.count("}") and "\\" not in s and "}" not in s.split("{")[0]
        ),
    ),
    st.sampled_from(["2020", "jnl", "Jan", "", "{x} # jnl", 'a # {b} # "c"']),
)
_spaces = st.sampled_from(["", " ", "\n  ", "\t", " % comment\n "])


@st.composite
def _fields(draw) -> str:
    out = []
    for _ in range(draw(st.integers(0, 3))):
        out.append(f"{draw(_names)}{draw(_spaces)}={draw(_spaces)}{draw(_values)}")
    sep = draw(st.sampled_from([",", ",\n  ", " ,", ",,", "\n  "]))
    trailing = draw(st.sampled_from(["", ",", " "]))
    return sep.join(out) + trailing


@st.composite
def _blocks(draw) -> str:
    kind = draw(
        st.sampled_from(
            ["entry"] * 6 + ["string", "comment", "preamble", "junk", "percent", "broken"]
        )
    )
    if kind == "entry":
        etype = draw(st.sampled_from(["article", "Book", "MISC", "online", "xdata", "set"]))
        open_, close = draw(st.sampled_from([("{", "}")] * 8 + [("(", ")")]))
        return (
            f"@{etype}{draw(_spaces)}{open_}{draw(_spaces)}{draw(_keys)}{draw(_spaces)},"
            f"{draw(_spaces)}{draw(_fields())}{draw(_spaces)}{close}"
        )
    if kind == "string":
        return f"@{draw(st.sampled_from(['string', 'STRING']))}{{jnl = {draw(_values)}}}"
    if kind == "comment":
        return f"@{draw(st.sampled_from(['comment', 'Comment']))}{draw(_braced())}"
    if kind == "preamble":
        return f"@preamble{draw(_braced())}"
    if kind == "junk":
        return draw(st.text(st.sampled_from(list("ab {}\n")), max_size=12))
    if kind == "percent":
        return "% " + draw(_texts).replace("\n", " ") + "\n"
    return draw(_texts)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_blocks(), min_size=1, max_size=6), st.sampled_from(["\n", "\n\n", " ", ""]))
def test_scan_keys_agrees_with_pandoc_on_generated_bibliographies(blocks, joiner):
    assert_agrees_with_pandoc(joiner.join(blocks) + "\n")


def test_csl_yaml_list_and_references_mapping() -> None:
    from briefgen.bibliography import parse_bibliography, scan_keys

    listed = "- id: y1\n  type: book\n  title: A book\n  issued: {date-parts: [[2020]]}\n"
    result = parse_bibliography(listed, "refs.yaml")
    assert [(e.key, e.span.line, e.title, e.year) for e in result.entries] == [
        ("y1", 1, "A book", "2020")]
    assert result.diagnostics == () and result.count == 1
    wrapped = "references:\n- type: book\n  id: y2\n- id: y2\n"
    keys, problems, count = scan_keys(wrapped, "refs.yml")
    assert keys == {"y2": 3} and count == 2
    assert [(p.code, p.span.line) for p in problems] == [("BIB002", 4)]


def test_unreadable_bibliography_format_is_reported() -> None:
    from briefgen.bibliography import parse_bibliography

    result = parse_bibliography("TY  - BOOK\n", "refs.ris")
    assert result.entries == () and result.count == 0
    assert [d.code for d in result.diagnostics] == ["BIB011"]

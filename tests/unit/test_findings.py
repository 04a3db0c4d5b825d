"""Findings files: shapes, types and the line of every problem."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from briefgen.findings import parse_findings

PATH = "findings/x.yaml"


def parse(text: str):
    return parse_findings(textwrap.dedent(text), PATH)


def codes(problems):
    return [(p.code, p.span.line) for p in problems]


def test_flat_finding_keeps_lines_of_fields():
    findings, problems = parse("""\
        # comment
        - id: csto-2012
          claim: Uzbekistan left the CSTO.
          source: weitz2014
          quote: "suspended its CSTO membership"
          page: 147
          tags: [csto, russia]
          date: 2012-06
        """)
    assert problems == []
    (f,) = findings
    assert f.id == "csto-2012"
    assert f.span.line == 2
    assert f.field_spans["claim"].line == 3
    assert f.evidence[0].page == "147"
    assert f.evidence[0].span.line == 5
    assert f.evidence[0].page_span.line == 6
    assert f.tags == ("csto", "russia")
    assert f.date == "2012-06"


def test_yaml_date_scalar_becomes_iso_text():
    findings, problems = parse("""\
        - id: a
          claim: c
          source: k
          quote: q
          date: 2012-06-01
        """)
    assert problems == [] and findings[0].date == "2012-06-01"


def test_evidence_list():
    findings, problems = parse("""\
        - id: two
          claim: c
          evidence:
            - source: a
              quote: first
              page: "1-2"
            - source: b
              quote: second
        """)
    assert problems == []
    ev = findings[0].evidence
    assert [e.source for e in ev] == ["a", "b"]
    assert ev[0].page == "1-2" and ev[1].page is None
    assert ev[1].span.line == 8


def test_syntax_error_has_line():
    _, problems = parse("""\
        - id: a
          claim: "unterminated
          source: k
        """)
    assert problems[0].code == "FND001"
    assert problems[0].span.line is not None


def test_tab_indentation_is_reported():
    _, problems = parse_findings("- id: a\n\tclaim: c\n", PATH)
    assert codes(problems) == [("FND001", 2)]


def test_missing_and_wrong_fields():
    _, problems = parse("""\
        - id: Bad Id
          claim: [not, text]
          source: k
        - id: ok
          claim: fine
          source: k
          quote: q
          page: p. twelve
          tags: [Good Tag]
          date: June 2012
        - just a string
        """)
    got = codes(problems)
    assert ("FND009", 1) in got
    assert ("FND002", 2) in got  # claim must be text
    assert ("FND002", 1) in got  # no quote: reported at the finding
    assert ("FND012", 8) in got
    assert ("FND011", 9) in got
    assert ("FND013", 10) in got
    assert ("FND002", 11) in got


def test_not_a_list():
    _, problems = parse("id: a\nclaim: b\n")
    assert codes(problems) == [("FND002", 1)]


def test_empty_file_is_fine():
    assert parse_findings("", PATH) == ([], [])
    assert parse_findings("# only a comment\n", PATH) == ([], [])


def test_typo_in_field_name_is_a_warning():
    findings, problems = parse("""\
        - id: a
          claim: c
          source: k
          quote: q
          tgas: [x]
        """)
    assert [(p.code, p.severity, p.span.line) for p in problems] == [("FND014", "warning", 5)]
    assert findings[0].extra == {"tgas": ["x"]}


def test_alias_bomb_is_bounded():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join(['*' + prev] * 10)}]\n"
        prev = chr(97 + i)
    text = f"- id: bomb\n  claim: c\n  source: k\n  quote: q\n  extra:\n    {prev}: *{prev}\n"
    # Define the anchors inside the finding so they are in scope.
    text = "- id: bomb\n  claim: c\n  source: k\n  quote: q\n  payload:\n" + "".join(
        "    " + line + "\n" for line in bomb.splitlines())
    findings, problems = parse_findings(text, PATH)
    assert findings == []
    assert [p.code for p in problems] == ["FND002"]
    assert "too large" in problems[0].message


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_diagnostics_not_exceptions(text):
    findings, problems = parse_findings(text, PATH)
    for p in problems:
        assert p.span is not None and p.span.path == PATH
    assert parse_findings(text, PATH) == (findings, problems)

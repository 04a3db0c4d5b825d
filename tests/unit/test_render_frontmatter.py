"""Front matter of briefs (briefgen.render.frontmatter)."""

from __future__ import annotations

from briefgen.render.frontmatter import parse_front_matter

BRIEF = """---
title: Balancing Act
authors:
  - A. Analyst
  - name: B. Writer
date: 2024-11-01
csl: chicago-notes-bibliography
formats: [pdf, html]
key_judgments: One judgment.
---
Body line 11.
"""


def test_fields_are_read_and_body_keeps_line_numbers() -> None:
    meta, diagnostics = parse_front_matter(BRIEF, "briefs/a.md")
    assert diagnostics == []
    assert meta.title == "Balancing Act"
    assert meta.authors == ("A. Analyst", "B. Writer")
    assert meta.values["date"] == "2024-11-01"
    assert meta.csl == "chicago-notes-bibliography"
    assert meta.formats == ("pdf", "html")
    assert meta.values["key_judgments"] == ["One judgment."]
    assert meta.body_line == 11
    assert meta.body.splitlines()[10] == "Body line 11."
    assert meta.body.splitlines()[:10] == [""] * 10


def test_no_front_matter() -> None:
    meta, diagnostics = parse_front_matter("# Just Markdown\n", "briefs/b.md")
    assert diagnostics == []
    assert meta.values == {}
    assert meta.body == "# Just Markdown\n"


def test_yaml_error_has_line() -> None:
    text = "---\ntitle: ok\nauthors: [a, b\n---\nbody\n"
    _, diagnostics = parse_front_matter(text, "briefs/c.md")
    assert [d.code for d in diagnostics] == ["BRF001"]
    assert diagnostics[0].span is not None
    assert diagnostics[0].span.path == "briefs/c.md"
    assert diagnostics[0].span.line in (3, 4, 5)


def test_unclosed_front_matter() -> None:
    _, diagnostics = parse_front_matter("---\ntitle: x\n", "briefs/d.md")
    assert [d.code for d in diagnostics] == ["BRF001"]


def test_wrong_types_are_reported_with_their_line() -> None:
    text = "---\ntitle: [not, text]\nformats: [pdf, epub]\nrecommendations: {a: 1}\n---\n"
    meta, diagnostics = parse_front_matter(text, "briefs/e.md")
    found = {(d.code, d.span.line if d.span else None) for d in diagnostics}
    assert found == {("BRF002", 2), ("BRF002", 3), ("BRF002", 4)}
    assert meta.formats == ("pdf",)
    assert "title" not in meta.values

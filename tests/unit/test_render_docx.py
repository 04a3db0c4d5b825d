"""DOCX post-processing and briefgen's reference document (briefgen.render.docx)."""

from __future__ import annotations

import io
import re
import zipfile

import docx

from briefgen.render.docx import ensure_bibliography_indent
from briefgen.render.jinja import default_templates_dir
from briefgen.render.pandoc import run_pandoc


def _styles_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/styles.xml").decode("utf-8")


def _bibliography_style(xml: str) -> str:
    match = re.search(r'<w:style [^>]*w:styleId="Bibliography".*?</w:style>', xml, re.S)
    assert match is not None
    return match.group(0)


def test_pandoc_default_docx_gets_a_hanging_indent() -> None:
    plain = run_pandoc("Text.\n", "docx").output
    assert "w:hanging" not in _bibliography_style(_styles_xml(plain))
    fixed = ensure_bibliography_indent(plain)
    style = _bibliography_style(_styles_xml(fixed))
    assert '<w:ind w:left="720" w:hanging="720"/>' in style
    document = docx.Document(io.BytesIO(fixed))
    fmt = document.styles["Bibliography"].paragraph_format
    assert fmt.first_line_indent is not None and fmt.first_line_indent < 0
    assert [p.text for p in document.paragraphs] == ["Text."]
    assert ensure_bibliography_indent(fixed) == fixed


def test_reference_document_styles() -> None:
    reference = docx.Document(str(default_templates_dir() / "reference.docx"))
    names = {s.name for s in reference.styles}
    assert {
        "Title",
        "Heading 1",
        "Block Text",
        "Bibliography",
        "Summary Box",
        "Footnote Text",
    } <= names
    fmt = reference.styles["Bibliography"].paragraph_format
    assert fmt.first_line_indent is not None and fmt.first_line_indent < 0
    footer = reference.sections[0].footer._element.xml
    assert 'w:instr="PAGE"' in footer

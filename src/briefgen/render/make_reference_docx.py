"""Regenerate briefgen's DOCX reference document (run by hand, output committed).

Starts from Pandoc's own ``reference.docx`` and restyles it as a policy brief:
title, headings, block quotes, captions, tables, footnotes, the "Summary Box"
paragraph style used by the summary, the "Bibliography" style with a hanging
indent (Pandoc's DOCX writer drops CSL's hanging indent), A4 margins and a
page-number footer. Needs python-docx, which briefgen itself does not::

    python -m briefgen.render.make_reference_docx [OUTPUT]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

NAVY = "16325C"
GOLD = "C2922F"
INK = "1D232B"
MUTED = "5D6773"
HAIRLINE = "C9D1DB"
TINT = "E9EEF5"
SANS = "Arial"
SERIF = "Georgia"

DEFAULT_OUTPUT = Path(__file__).resolve().parents[1] / "data" / "templates" / "reference.docx"


def _pandoc_reference(path: Path) -> None:
    from briefgen.render.pandoc import pandoc_path

    subprocess.run(
        [
            pandoc_path(),
            "-o",
            str(path),
            "--print-default-data-file",
            "reference.docx",
        ],
        check=True,
    )


def _set_font(
    style: Any,
    name: str | None = None,
    size: float | None = None,
    bold: bool | None = None,
    italic: bool | None = None,
    color: str | None = None,
) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    font = style.font
    if name is not None:
        font.name = name
        rpr = style.element.get_or_add_rPr()
        rfonts = rpr.find(qn("w:rFonts"))
        if rfonts is None:
            rfonts = rpr.makeelement(qn("w:rFonts"), {})
            rpr.insert(0, rfonts)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            rfonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            rfonts.set(qn(attr), name)
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    if italic is not None:
        font.italic = italic
    if color is not None:
        font.color.theme_color = None
        font.color.rgb = RGBColor.from_string(color)


_BORDER_ORDER = ("top", "left", "bottom", "right", "between", "bar")


# The order of a paragraph's properties in WordprocessingML (ECMA-376, CT_PPr).
_PPR_ORDER = (
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _successors(tag: str) -> tuple[str, ...]:
    """The pPr children that must come after ``tag``."""
    return _PPR_ORDER[_PPR_ORDER.index(tag) + 1 :]


def _border(ppr: Any, side: str, color: str, size: int, space: int = 4) -> None:
    from docx.oxml.ns import qn

    borders = ppr.find(qn("w:pBdr"))
    if borders is None:
        borders = ppr.makeelement(qn("w:pBdr"), {})
        ppr.insert_element_before(borders, *_successors("w:pBdr"))
    edge = borders.makeelement(
        qn(f"w:{side}"),
        {
            qn("w:val"): "single",
            qn("w:sz"): str(size),
            qn("w:space"): str(space),
            qn("w:color"): color,
        },
    )
    later = [qn(f"w:{s}") for s in _BORDER_ORDER[_BORDER_ORDER.index(side) + 1 :]]
    for index, child in enumerate(borders):
        if child.tag in later:
            borders.insert(index, edge)
            break
    else:
        borders.append(edge)


def _shade(ppr: Any, fill: str) -> None:
    from docx.oxml.ns import qn

    shd = ppr.makeelement(
        qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill}
    )
    ppr.insert_element_before(shd, *_successors("w:shd"))


def _paragraph_style(doc: Any, name: str) -> Any:
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Body Text"]
        style.quick_style = True
        return style


def _style_table(doc: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls, qn

    try:
        style = doc.styles["Table"]
    except KeyError:
        return
    element = style.element
    for old in element.findall(qn("w:tblStylePr")) + element.findall(qn("w:tblPr")):
        element.remove(old)
    element.append(
        parse_xml(
            f"<w:tblPr {nsdecls('w')}>"
            '<w:tblInd w:w="0" w:type="dxa"/>'
            "<w:tblBorders>"
            f'<w:top w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
            f'<w:bottom w:val="single" w:sz="8" w:space="0" w:color="{NAVY}"/>'
            f'<w:insideH w:val="single" w:sz="4" w:space="0" w:color="{HAIRLINE}"/>'
            "</w:tblBorders>"
            '<w:tblCellMar><w:top w:w="60" w:type="dxa"/><w:left w:w="100" w:type="dxa"/>'
            '<w:bottom w:w="60" w:type="dxa"/><w:right w:w="100" w:type="dxa"/></w:tblCellMar>'
            "</w:tblPr>"
        )
    )
    element.append(
        parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow">'
            f'<w:rPr><w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}" w:cs="{SANS}"/><w:b/>'
            '<w:color w:val="FFFFFF"/><w:sz w:val="18"/></w:rPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr>'
            "</w:tblStylePr>"
        )
    )


def _footer_page_numbers(doc: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    section = doc.sections[0]
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    rpr = (
        f'<w:rPr><w:rFonts w:ascii="{SANS}" w:hAnsi="{SANS}"/><w:color w:val="{MUTED}"/>'
        '<w:sz w:val="16"/></w:rPr>'
    )
    w = nsdecls("w")
    for run_xml in (
        f'<w:r {w}>{rpr}<w:t xml:space="preserve">Page </w:t></w:r>',
        f'<w:fldSimple {w} w:instr="PAGE"><w:r>{rpr}<w:t>1</w:t></w:r></w:fldSimple>',
        f'<w:r {w}>{rpr}<w:t xml:space="preserve"> of </w:t></w:r>',
        f'<w:fldSimple {w} w:instr="NUMPAGES"><w:r>{rpr}<w:t>1</w:t></w:r></w:fldSimple>',
    ):
        paragraph._p.append(parse_xml(run_xml))


def restyle(doc: Any) -> None:
    """Apply briefgen's house styles to a python-docx ``Document``."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    styles = doc.styles
    _set_font(styles["Normal"], SERIF, 10.5, color=INK)
    for name in ("Body Text", "First Paragraph"):
        fmt = styles[name].paragraph_format
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(7)
        fmt.line_spacing = 1.12
    compact = styles["Compact"].paragraph_format
    compact.space_before = Pt(0)
    compact.space_after = Pt(3)

    title = styles["Title"]
    _set_font(title, SANS, 24, bold=True, color="FFFFFF")
    fmt = title.paragraph_format
    fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    ppr = title.element.get_or_add_pPr()
    _shade(ppr, NAVY)
    _border(ppr, "top", NAVY, 24, 12)
    _border(ppr, "left", NAVY, 24, 10)
    _border(ppr, "right", NAVY, 24, 10)
    _border(ppr, "bottom", NAVY, 24, 12)

    # Pandoc bases these on Title; on Normal they do not inherit the title band.
    for name in ("Subtitle", "Author", "Date"):
        styles[name].base_style = styles["Normal"]
    subtitle = styles["Subtitle"]
    _set_font(subtitle, SANS, 13, bold=False, italic=False, color=NAVY)
    subtitle.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    subtitle.paragraph_format.space_before = Pt(8)
    subtitle.paragraph_format.space_after = Pt(4)
    for name in ("Author", "Date"):
        _set_font(styles[name], SANS, 9.5, color=MUTED)
        styles[name].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        styles[name].paragraph_format.space_after = Pt(2)
    date_ppr = styles["Date"].element.get_or_add_pPr()
    _border(date_ppr, "bottom", GOLD, 18, 8)
    styles["Date"].paragraph_format.space_after = Pt(14)

    for level, size, color, italic in (
        (1, 14, NAVY, False),
        (2, 11.5, INK, False),
        (3, 10.5, INK, True),
    ):
        style = styles[f"Heading {level}"]
        _set_font(style, SANS, size, bold=True, italic=italic, color=color)
        style.paragraph_format.space_before = Pt(16 if level == 1 else 11)
        style.paragraph_format.space_after = Pt(5)
    _border(styles["Heading 1"].element.get_or_add_pPr(), "bottom", GOLD, 12, 2)

    block = styles["Block Text"]
    _set_font(block, SERIF, 9.5, color="2F3740")
    block.paragraph_format.left_indent = Cm(0.5)
    block.paragraph_format.right_indent = Cm(0.3)
    block.paragraph_format.space_before = Pt(4)
    block.paragraph_format.space_after = Pt(6)
    _border(block.element.get_or_add_pPr(), "left", GOLD, 12, 8)

    names = {style.name for style in styles}
    for name in ("Caption", "Table Caption", "Image Caption"):
        if name in names:
            _set_font(styles[name], SANS, 8.5, italic=False, color=MUTED)

    footnote = styles["Footnote Text"]
    _set_font(footnote, SERIF, 8.5)
    footnote.paragraph_format.space_after = Pt(2)

    bibliography = styles["Bibliography"]
    _set_font(bibliography, SERIF, 9.5)
    bibliography.paragraph_format.left_indent = Cm(1.27)
    bibliography.paragraph_format.first_line_indent = Cm(-1.27)
    bibliography.paragraph_format.space_after = Pt(5)

    summary = _paragraph_style(doc, "Summary Box")
    _set_font(summary, SERIF, 10, color=INK)
    summary.paragraph_format.left_indent = Cm(0.3)
    summary.paragraph_format.right_indent = Cm(0.3)
    summary.paragraph_format.space_after = Pt(0)
    summary.paragraph_format.space_before = Pt(0)
    summary_ppr = summary.element.get_or_add_pPr()
    _border(summary_ppr, "left", NAVY, 24, 8)
    _shade(summary_ppr, TINT)

    if "Hyperlink" in names:
        _set_font(styles["Hyperlink"], color=NAVY)

    _style_table(doc)

    section = doc.sections[0]
    section.page_width = Cm(21.0)
    section.page_height = Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = Cm(2.2)
    section.bottom_margin = Cm(2.2)
    _footer_page_numbers(doc)


def make_reference_docx(output: Path = DEFAULT_OUTPUT) -> Path:
    """Write the restyled reference document to ``output``."""
    import docx

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "reference.docx"
        _pandoc_reference(base)
        document = docx.Document(str(base))
        restyle(document)
        document.save(str(output))
    return output


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    print(make_reference_docx(target))

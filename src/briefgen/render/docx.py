"""Post-process DOCX bytes written by Pandoc.

Pandoc's DOCX writer puts bibliography entries in the "Bibliography" paragraph
style but drops the hanging indent CSL asks for. briefgen's reference document
defines that style with a hanging indent; when a project brings its own
reference document without one, :func:`ensure_bibliography_indent` adds it.
"""

from __future__ import annotations

import io
import re
import zipfile

__all__ = ["ensure_bibliography_indent"]

_STYLE_RE = re.compile(
    rb'(<w:style\b[^>]*w:styleId="Bibliography"[^>]*>)(.*?)(</w:style>)', re.DOTALL
)
_IND = b'<w:ind w:left="720" w:hanging="720"/>'


def _fix_style(match: re.Match[bytes]) -> bytes:
    head, body, tail = match.group(1), match.group(2), match.group(3)
    if b"w:hanging=" in body:
        return match.group(0)
    if re.search(rb"<w:ind\b", body):
        body = re.sub(rb"<w:ind\b[^>]*/>", _IND, body, count=1)
    elif re.search(rb"<w:pPr\s*/>", body):
        body = re.sub(rb"<w:pPr\s*/>", b"<w:pPr>" + _IND + b"</w:pPr>", body, count=1)
    elif b"<w:pPr>" in body or b"<w:pPr " in body:
        # w:ind comes after w:spacing and before w:jc and the rest.
        body = re.sub(
            rb"(<w:pPr\b[^>]*>)(.*?)(</w:pPr>)", _insert_ind, body, count=1, flags=re.DOTALL
        )
    else:
        insert_at = body.find(b"<w:rPr")
        piece = b"<w:pPr>" + _IND + b"</w:pPr>"
        body = body + piece if insert_at < 0 else body[:insert_at] + piece + body[insert_at:]
    return head + body + tail


_AFTER_IND = (
    b"<w:contextualSpacing",
    b"<w:mirrorIndents",
    b"<w:suppressOverlap",
    b"<w:jc",
    b"<w:textDirection",
    b"<w:textAlignment",
    b"<w:textboxTightWrap",
    b"<w:outlineLvl",
    b"<w:divId",
    b"<w:cnfStyle",
    b"<w:rPr",
    b"<w:sectPr",
    b"<w:pPrChange",
)


def _insert_ind(match: re.Match[bytes]) -> bytes:
    inner = match.group(2)
    positions = [inner.find(tag) for tag in _AFTER_IND if inner.find(tag) >= 0]
    cut = min(positions) if positions else len(inner)
    return match.group(1) + inner[:cut] + _IND + inner[cut:] + match.group(3)


def ensure_bibliography_indent(docx: bytes) -> bytes:
    """``docx`` with a hanging indent on its "Bibliography" style (unchanged if present)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    try:
        styles = source.read("word/styles.xml")
    except KeyError:
        return docx
    fixed = _STYLE_RE.sub(_fix_style, styles)
    if fixed == styles:
        return docx
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = fixed if item.filename == "word/styles.xml" else source.read(item.filename)
            target.writestr(item, data)
    return out.getvalue()

"""Turn a PDF, HTML page, DOCX or plain-text file into a project's source text.

:func:`ingest` writes ``sources/KEY.txt``, appends a provenance record to
``sources/PROVENANCE.md``, and, when the key is new, appends a ``@misc`` stub entry to the
project's first BibTeX file. Nothing is overwritten: an existing text is replaced only on
request (``force``), and the provenance file and the bibliography are only appended to.

How each kind is read:

- PDF: ``pypdf``, one page after another, a form feed (U+000C) between pages, as
  ``pdftotext`` writes them, so page claims can be checked. Where the PDF labels its pages
  otherwise than 1, 2, 3 (printed page numbers such as 147), each page starts with a
  ``<!-- page N -->`` marker giving its label.
- HTML: ``trafilatura``, the main text only (no navigation, banners or comments).
- DOCX: ``python-docx``, paragraphs and tables in document order; an explicit page break
  becomes a form feed.
- Anything else: read as UTF-8 text.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from briefgen.diagnostics import EXIT_ERRORS, BriefgenError
from briefgen.model import Project

__all__ = [
    "PROVENANCE_FILE",
    "Extracted",
    "IngestError",
    "IngestResult",
    "SourceKind",
    "bibtex_stub",
    "detect_kind",
    "extract_text",
    "ingest",
]

SourceKind = Literal["pdf", "html", "docx", "text"]

PROVENANCE_FILE = "PROVENANCE.md"
"""The provenance records, in the sources folder."""

MAX_INGEST_BYTES = 256 * 1024 * 1024

_KEY = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_:.+-]*[A-Za-z0-9_])?")


class IngestError(BriefgenError):
    """The file could not be turned into a source text; nothing was written."""

    exit_code = EXIT_ERRORS


@dataclass(frozen=True, slots=True)
class Extracted:
    """The text of a document and what its file says about it."""

    text: str
    kind: SourceKind
    method: str  # the library that read it, with its version
    pages: int | None = None  # pages of a PDF or DOCX (with page breaks)
    title: str | None = None
    author: str | None = None
    year: str | None = None
    file_sha256: str = ""  # of the file read
    file_bytes: int = 0


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What :func:`ingest` wrote, as project-relative POSIX paths."""

    key: str
    text_path: str
    provenance_path: str
    extracted: Extracted
    replaced: bool  # an existing text was replaced (force)
    bibliography_path: str | None = None  # where the stub entry was appended
    stub: str | None = None  # the stub entry, when one was needed
    stub_written: bool = False


# --- extraction ------------------------------------------------------------------


def detect_kind(path: Path, head: bytes) -> SourceKind:
    """The kind of a file, from its first bytes, else its suffix."""
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and suffix in (".docx", ".docm", ""):
        return "docx"
    if suffix in (".html", ".htm", ".xhtml"):
        return "html"
    sniff = head[:1024].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")):
        return "html"
    if suffix == ".pdf":
        return "pdf"
    if suffix == ".docx":
        return "docx"
    return "text"


def extract_text(path: Path, kind: SourceKind | None = None) -> Extracted:
    """Read ``path`` (a PDF, HTML, DOCX or text file) into plain text. Raises IngestError."""
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise IngestError(f"{path}: not a file")
        if size > MAX_INGEST_BYTES:
            raise IngestError(
                f"{path}: {size // (1024 * 1024)} MiB is over the "
                f"{MAX_INGEST_BYTES // (1024 * 1024)} MiB limit"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"cannot read {path}: {exc.strerror or exc}") from None
    kind = kind or detect_kind(path, data[:2048])
    readers = {"pdf": _read_pdf, "html": _read_html, "docx": _read_docx, "text": _read_text}
    extracted = readers[kind](data, path)
    text = _tidy(extracted.text)
    if not text.replace("\f", "").strip():
        hint = (
            "The PDF may be scanned images with no text layer: OCR it first (for "
            "example with ocrmypdf), then ingest the result."
            if kind == "pdf"
            else None
        )
        raise IngestError(f"{path}: no text found in this {kind.upper()} file", hint=hint)
    return replace(extracted, text=text, file_sha256=_sha256(data), file_bytes=len(data))


def _tidy(text: str) -> str:
    """Newlines as ``\\n``, no NUL or trailing spaces, one newline at the end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return text.rstrip() + "\n"


def _version(module: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{module} {version(module)}"
    except PackageNotFoundError:
        return module


def _read_pdf(data: bytes, path: Path) -> Extracted:
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(
                f"{path}: the PDF is encrypted", hint="Save an unencrypted copy, then ingest that."
            )
        texts = [(page.extract_text() or "").rstrip() for page in reader.pages]
        labels = list(reader.page_labels)
        meta = reader.metadata
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"{path}: not a readable PDF ({exc})") from None
    if (
        len(labels) == len(texts)
        and labels != [str(i) for i in range(1, len(texts) + 1)]
        and all(re.fullmatch(r"[0-9]+|[ivxlcdm]+|[A-Za-z]?[0-9]+", lab, re.I) for lab in labels)
    ):
        texts = [
            f"<!-- page {label} -->\n{text}" for label, text in zip(labels, texts, strict=True)
        ]
    # The PDF's creation date is when the file was made, not when the work appeared,
    # so the stub gets no year from it.
    title = _clean(meta.title) if meta is not None else None
    author = _clean(meta.author) if meta is not None else None
    return Extracted(
        text="\f".join(t + "\n" for t in texts),
        kind="pdf",
        method=_version("pypdf"),
        pages=len(texts),
        title=title,
        author=author,
    )


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None


def _read_html(data: bytes, path: Path) -> Extracted:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    text = trafilatura.extract(
        data, include_comments=False, include_tables=True, favor_recall=True, output_format="txt"
    )
    if text is None:
        raise IngestError(
            f"{path}: no main text found in this HTML page",
            hint="Save the page's article text as .txt and ingest that.",
        )
    title = author = year = None
    meta = trafilatura.extract_metadata(data)
    if meta is not None:
        title, author = _clean(meta.title), _clean(meta.author)
        year = meta.date[:4] if isinstance(meta.date, str) and meta.date[:4].isdigit() else None
    return Extracted(
        text=text,
        kind="html",
        method=_version("trafilatura"),
        title=title,
        author=author,
        year=year,
    )


def _read_docx(data: bytes, path: Path) -> Extracted:
    import io
    import zipfile

    import docx
    from docx.oxml.ns import qn

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"{path}: not a readable DOCX file ({exc})") from None
    paragraph, table, text_tag = qn("w:p"), qn("w:tbl"), qn("w:t")
    tab, br, kind_attr = qn("w:tab"), qn("w:br"), qn("w:type")

    def paragraph_text(element: object) -> str:
        out: list[str] = []
        for node in element.iter():  # type: ignore[attr-defined]
            if node.tag == text_tag:
                out.append(node.text or "")
            elif node.tag == tab:
                out.append("\t")
            elif node.tag == br:
                out.append("\f" if node.get(kind_attr) == "page" else "\n")
        return "".join(out)

    blocks: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == paragraph:
            blocks.append(paragraph_text(element))
        elif element.tag == table:
            for row in element.iter(qn("w:tr")):
                cells = [paragraph_text(c).strip() for c in row.iter(qn("w:tc"))]
                blocks.append("\t".join(cells))
    text = "\n".join(blocks)
    text = re.sub(r"\n*\f\n*", "\n\f", text)  # a page break starts the next line's page
    props = document.core_properties
    breaks = text.count("\f")
    return Extracted(
        text=text,
        kind="docx",
        method=_version("python-docx"),
        pages=breaks + 1 if breaks else None,
        title=_clean(props.title),
        author=_clean(props.author),
    )


def _read_text(data: bytes, path: Path) -> Extracted:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: byte {exc.start} is not UTF-8",
            hint="Convert the file to UTF-8 first, e.g. with iconv.",
        ) from None
    breaks = text.count("\f")
    return Extracted(text=text, kind="text", method="text", pages=breaks + 1 if breaks else None)


# --- writing ---------------------------------------------------------------------


def _bibtex_value(value: str) -> str:
    value = " ".join(value.replace("{", "").replace("}", "").replace("\\", "").split())
    return re.sub(r"([&%#_$])", r"\\\1", value)


def bibtex_stub(key: str, extracted: Extracted, fallback_title: str) -> str:
    """A ``@misc`` entry for ``key`` with what the file says, to be completed by hand."""
    fields = [("title", _bibtex_value(extracted.title or fallback_title))]
    if extracted.author:
        fields.append(("author", _bibtex_value(extracted.author)))
    if extracted.year:
        fields.append(("year", extracted.year))
    fields.append(("note", "Stub written by briefgen ingest; complete it"))
    width = max(len(name) for name, _ in fields)
    body = "".join(f"  {name.ljust(width)} = {{{value}}},\n" for name, value in fields)
    return f"@misc{{{key},\n{body}}}\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _append_text(path: Path, addition: str, header: str = "") -> None:
    """Append ``addition`` to a text file (made with ``header`` if missing), atomically."""
    from briefgen.write import write_bytes_atomic

    before = path.read_bytes() if path.exists() else header.encode("utf-8")
    if before and not before.endswith(b"\n"):
        before += b"\n"
    if before.strip():
        before += b"\n"
    write_bytes_atomic(path, before + addition.encode("utf-8"))


def _stub_file(project: Project) -> str | None:
    """The first BibTeX file of the project, or the path a new one would have."""
    for rel in project.bibliography_files:
        if rel.lower().endswith((".bib", ".bibtex")):
            return rel
    if project.bibliography_files:
        return None  # only CSL-JSON: briefgen does not rewrite JSON
    pattern = project.config.bibliography[0] if project.config.bibliography else "bib/*.bib"
    parts = pattern.replace("\\", "/").removeprefix("./").split("/")
    if not any(ch in pattern for ch in "*?["):
        return pattern if pattern.endswith(".bib") else None
    literal: list[str] = []
    for part in parts[:-1]:
        if any(ch in part for ch in "*?["):
            break
        literal.append(part)
    if not parts[-1].endswith(".bib"):
        return None
    return "/".join([*literal, "references.bib"])


def ingest(
    project: Project,
    file: Path | str,
    key: str,
    *,
    force: bool = False,
    kind: SourceKind | None = None,
    now: _dt.datetime | None = None,
) -> IngestResult:
    """Extract ``file`` into the project's ``sources/KEY.txt`` and record where it came from.

    Raises IngestError, writing nothing, for a bad key, a file that cannot be read, or an
    existing text without ``force``.
    """
    from briefgen import __version__
    from briefgen.write import write_text_atomic

    if not _KEY.fullmatch(key):
        raise IngestError(
            f"{key!r} is not a usable cite key",
            hint="Use letters, digits and _ : . + - inside, starting and "
            "ending with a letter, digit or _ (e.g. weitz2014).",
        )
    file = Path(file)
    folder = project.config.sources
    text_rel = f"{folder}/{key}.txt"
    text_path = project.root / text_rel
    replaced = text_path.exists()
    if replaced and not force:
        raise IngestError(
            f"{text_rel} exists already",
            hint="Give --force to replace it, or choose another --key.",
        )
    extracted = extract_text(file, kind)
    try:
        write_text_atomic(text_path, extracted.text)
    except OSError as exc:
        raise IngestError(f"cannot write {text_rel}: {exc.strerror or exc}") from None

    try:
        shown = file.resolve().relative_to(project.root.resolve()).as_posix()
    except ValueError:
        shown = file.name  # outside the project: its name only, not the user's folders
    when = (now or _dt.datetime.now(_dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    pages = f", {extracted.pages} pages" if extracted.pages else ""
    record = (
        f"## {key}\n\n"
        f"- text: `{text_rel}` ({len(extracted.text)} characters{pages}, SHA-256 "
        f"{_sha256(extracted.text.encode('utf-8'))})\n"
        f"- from: `{shown}` ({extracted.kind.upper()}, {extracted.file_bytes} bytes, SHA-256 "
        f"{extracted.file_sha256})\n"
        f"- extracted: {when} by briefgen {__version__} with {extracted.method}"
        + (" (replacing the previous text)" if replaced else "")
        + "\n"
    )
    provenance_rel = f"{folder}/{PROVENANCE_FILE}"
    header = (
        "# Provenance of the source texts\n\n"
        "Where each text of this folder came from, recorded by `briefgen ingest`. "
        "Add notes freely; records are only ever appended.\n"
    )
    try:
        _append_text(project.root / provenance_rel, record, header)
    except OSError as exc:
        raise IngestError(f"cannot write {provenance_rel}: {exc.strerror or exc}") from None

    result = IngestResult(
        key=key,
        text_path=text_rel,
        provenance_path=provenance_rel,
        extracted=extracted,
        replaced=replaced,
    )
    if key in project.entries:
        return result
    stub = bibtex_stub(key, extracted, fallback_title=file.stem.replace("_", " "))
    bib_rel = _stub_file(project)
    if bib_rel is None:
        return replace(result, stub=stub)
    try:
        _append_text(project.root / bib_rel, stub)
    except OSError as exc:
        raise IngestError(
            f"wrote {text_rel}, but cannot append its entry to {bib_rel}: {exc.strerror or exc}",
            hint=f"Add this entry by hand:\n{stub}",
        ) from None
    return replace(result, bibliography_path=bib_rel, stub=stub, stub_written=True)

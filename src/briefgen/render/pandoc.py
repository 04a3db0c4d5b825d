"""The only place briefgen runs Pandoc and Typst.

Pandoc runs as a subprocess (the binary shipped by pypandoc-binary) with
``--sandbox``: it may read the files named on its command line (bibliography,
CSL style, templates, filter, reference document) and nothing else, so a brief
cannot pull in files from anywhere. Typst compiles from a private temporary
folder that holds only the generated ``.typ`` file.
"""

from __future__ import annotations

import functools
import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "PandocError",
    "PandocResult",
    "TypstError",
    "compile_typst",
    "pandoc_path",
    "pandoc_version",
    "run_pandoc",
    "unresolved_citations",
]

PANDOC_TIMEOUT = 300

_WRITERS = {
    "html": "html5",
    "docx": "docx",
    "typst": "typst",
    "md": "markdown",
    "json": "json",
    "plain": "plain",
}


class PandocError(Exception):
    """Pandoc could not convert a document; ``message`` is its own error text."""


class TypstError(Exception):
    """Typst could not compile a document."""


@dataclass(frozen=True, slots=True)
class PandocResult:
    """Pandoc's output and the warnings it printed (``[WARNING] ...`` lines)."""

    output: bytes
    warnings: tuple[str, ...]


@functools.cache
def pandoc_path() -> str:
    """The Pandoc binary shipped with pypandoc-binary (or found on PATH)."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


@functools.cache
def pandoc_version() -> str:
    """Pandoc's version, e.g. ``3.9``."""
    import pypandoc

    return str(pypandoc.get_pandoc_version())


def run_pandoc(
    markdown: str,
    to: str,
    *,
    bibliography: Sequence[Path] = (),
    csl: Path | None = None,
    template: Path | None = None,
    reference_doc: Path | None = None,
    lua_filters: Sequence[Path] = (),
    include_in_header: Sequence[Path] = (),
    standalone: bool = True,
    extra_args: Sequence[str] = (),
    timeout: float = PANDOC_TIMEOUT,
) -> PandocResult:
    """Convert Pandoc ``markdown`` to ``to`` (html, docx, typst, ...) with citeproc.

    The filters run after ``--citeproc``, so they see the bibliography.
    Raises :class:`PandocError` when Pandoc fails.
    """
    writer = _WRITERS.get(to, to)
    args = [
        pandoc_path(),
        "--from",
        "markdown",
        "--to",
        writer,
        "--sandbox",
        "--output",
        "-",
        "--citeproc",
    ]
    if standalone:
        args.append("--standalone")
    for path in bibliography:
        args += ["--bibliography", str(path)]
    if csl is not None:
        args += ["--csl", str(csl)]
    if template is not None:
        args += ["--template", str(template)]
    if reference_doc is not None:
        args += ["--reference-doc", str(reference_doc)]
    for path in include_in_header:
        args += ["--include-in-header", str(path)]
    for path in lua_filters:
        args += ["--lua-filter", str(path)]
    args += list(extra_args)
    with tempfile.TemporaryDirectory(prefix="briefgen-pandoc-") as workdir:
        try:
            completed = subprocess.run(
                args,
                input=markdown.encode("utf-8"),
                capture_output=True,
                cwd=workdir,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PandocError(f"pandoc took longer than {timeout:.0f} s") from exc
        except OSError as exc:
            raise PandocError(f"cannot run pandoc: {exc}") from exc
    stderr = completed.stderr.decode("utf-8", "replace")
    if completed.returncode != 0:
        raise PandocError(stderr.strip() or f"pandoc exited with status {completed.returncode}")
    return PandocResult(completed.stdout, _warnings(stderr))


def _warnings(stderr: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("[WARNING]"):
            out.append(line[len("[WARNING]") :].strip())
        elif out and line.startswith((" ", "\t")):
            out[-1] += " " + line.strip()
    return tuple(out)


_NOT_FOUND = re.compile(r"Citeproc: citation (\S+) not found")


def unresolved_citations(warnings: Sequence[str]) -> list[str]:
    """Cite keys Pandoc's citeproc reported as not found, in order, once each."""
    keys: list[str] = []
    for warning in warnings:
        match = _NOT_FOUND.search(warning)
        if match and match.group(1) not in keys:
            keys.append(match.group(1))
    return keys


def compile_typst(
    source: str,
    *,
    format: str = "pdf",
    ppi: float | None = None,
) -> bytes | list[bytes]:
    """Compile Typst ``source`` to PDF bytes (or one PNG per page with ``format="png"``).

    Any ``format`` but ``"png"`` gives a PDF.

    The compiler's root is a fresh temporary folder holding only the source, so
    the document cannot read any other file.
    """
    import typst

    with tempfile.TemporaryDirectory(prefix="briefgen-typst-") as workdir:
        main = Path(workdir) / "brief.typ"
        main.write_text(source, encoding="utf-8")
        try:
            if format == "png":
                result = typst.compile(str(main), root=workdir, format="png", ppi=ppi or 144.0)
            else:
                result = typst.compile(str(main), root=workdir, format="pdf")
        except Exception as exc:  # typst.TypstError and friends
            raise TypstError(_typst_message(exc, source)) from exc
    if isinstance(result, list):
        return [bytes(page) for page in result]
    return bytes(result)


def _typst_message(exc: Exception, source: str) -> str:
    message = str(exc).strip()
    match = re.search(r"brief\.typ:(\d+):", message)
    if match:
        number = int(match.group(1))
        lines = source.splitlines()
        if 0 < number <= len(lines):
            message += f"\n  generated Typst line {number}: {lines[number - 1].strip()[:160]}"
    return message

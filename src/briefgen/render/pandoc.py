"""The only place briefgen runs Pandoc and Typst.

Pandoc runs as a subprocess (the binary shipped by pypandoc-binary) with
``--sandbox``: it may read the files named on its command line (bibliography,
CSL style, templates, filter, reference document) and nothing else, so a brief
cannot pull in files from anywhere.

Images are the one exception, and briefgen makes it, not Pandoc:
:func:`find_images` looks up the images a brief names (relative to the brief's
folder, then to the project root, as ``--resource-path`` would), keeps only
regular files whose real path lies inside the project, and a small Lua filter
hands exactly those files to Pandoc (its media bag) or, for Typst, points the
image at a copy. Typst compiles from a private temporary folder that holds only
the generated ``.typ`` file and those copies.
"""

from __future__ import annotations

import contextlib
import functools
import json
import mimetypes
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "IMAGE_SUFFIXES",
    "ImageFile",
    "PandocError",
    "PandocResult",
    "TypstError",
    "compile_typst",
    "find_images",
    "locate_image",
    "pandoc_path",
    "pandoc_version",
    "prepare_typst",
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


@dataclass(frozen=True, slots=True)
class ImageFile:
    """An image a brief names, found inside the project."""

    path: Path  # the real, absolute path of the file
    name: str  # its project-relative POSIX path, e.g. ``briefs/figs/chart.png``


IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
)
MAX_IMAGE_BYTES = 50 * 1024 * 1024

# Where a Markdown image (or a link reference it uses) names its file: the
# destination of ``](...)`` and of ``[ref]: ...``. Anything missed here is
# simply not embedded (Pandoc warns "Could not fetch resource").
_DESTINATIONS = (
    re.compile(r"\]\(\s*<([^<>\n]+)>"),
    re.compile(r"\]\(\s*([^\s()<>]+(?:\([^\s()<>]*\)[^\s()<>]*)*)"),
    re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*<?([^\s<>]+)>?", re.MULTILINE),
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def find_images(markdown: str, folders: Sequence[Path], root: Path) -> dict[str, ImageFile]:
    """The image files ``markdown`` names, keyed by the destination as written.

    Each destination is looked up by :func:`locate_image`; URLs and anything
    not found are left to Pandoc, which the sandbox stops.
    """
    from urllib.parse import quote, unquote

    found: dict[str, ImageFile] = {}
    if "](" not in markdown and "]:" not in markdown:
        return found
    for pattern in _DESTINATIONS:
        for match in pattern.finditer(markdown):
            written = match.group(1).strip()
            if not written or written in found:
                continue
            image = locate_image(written, folders, root)
            if image is None:
                continue
            target = unquote(written.replace("\\", ""))
            for key in (written, target, quote(target, safe="/:@!$&'()*+,;=-._~")):
                found.setdefault(key, image)
    return found


def locate_image(written: str, folders: Sequence[Path], root: Path) -> ImageFile | None:
    """The image file a brief names as ``written``, if it is one inside the project.

    ``written`` is looked up in ``folders`` in order (the brief's folder, then
    the project root, as ``--resource-path`` would). Only a regular file whose
    real path (links followed) lies inside ``root``, whose suffix is an
    image's and whose size is at most ``MAX_IMAGE_BYTES`` is kept.
    """
    from urllib.parse import unquote

    if _SCHEME.match(written):
        return None
    target = unquote(written.replace("\\", ""))
    if Path(target).suffix.lower() not in IMAGE_SUFFIXES:
        return None
    root_real = Path(os.path.realpath(root))
    candidates = [Path(target)] if os.path.isabs(target) else [Path(f) / target for f in folders]
    for candidate in candidates:
        real = Path(os.path.realpath(candidate))
        if not real.is_relative_to(root_real):
            continue
        try:
            if not real.is_file() or real.stat().st_size > MAX_IMAGE_BYTES:
                continue
        except OSError:
            continue
        return ImageFile(real, real.relative_to(root_real).as_posix())
    return None


# Hands the images briefgen found to Pandoc: into the media bag (HTML, DOCX), or,
# for Typst, pointed at the copy next to the generated file. Filters run outside
# Pandoc's sandbox; this one reads only the files listed in BRIEFGEN_IMAGES.
_IMAGES_LUA = """\
local images = pandoc.json.decode(os.getenv("BRIEFGEN_IMAGES") or "{}", false)
local link = os.getenv("BRIEFGEN_IMAGE_LINKS") == "1"
local done = {}
function Image(img)
  local item = images[img.src]
  if item == nil then return nil end
  if link then
    img.src = "/" .. item.name
    return img
  end
  if not done[img.src] then
    local handle = io.open(item.path, "rb")
    if handle == nil then return nil end
    local contents = handle:read("a")
    handle:close()
    pandoc.mediabag.insert(img.src, item.mime, contents)
    done[img.src] = true
  end
  return nil
end
"""


_PRIVATE_LUA = """\
function Meta(meta)
  meta.bibliography = nil
  meta.csl = nil
  return meta
end
"""


@functools.cache
def pandoc_path() -> str:
    """The Pandoc binary: ``$PYPANDOC_PANDOC`` if set, else the one pypandoc-binary ships.

    Without either, pypandoc's own search (PATH and the usual places) decides.
    The shipped binary is looked up without importing pypandoc, which would run
    every Pandoc it can find to compare their versions (about 0.1 s).
    """
    override = os.environ.get("PYPANDOC_PANDOC")
    if override:
        return os.path.expanduser(override)
    from importlib.util import find_spec

    spec = find_spec("pypandoc")
    name = "pandoc.exe" if os.name == "nt" else "pandoc"
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        bundled = os.path.join(folder, "files", name)
        if os.path.isfile(bundled) and os.access(bundled, os.X_OK):
            return bundled
    import pypandoc

    return str(pypandoc.get_pandoc_path())


@functools.cache
def pandoc_version() -> str:
    """The version of :func:`pandoc_path`'s Pandoc, e.g. ``3.9``."""
    try:
        completed = subprocess.run(
            [pandoc_path(), "--version"], capture_output=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    match = re.match(rb"\S+ (\d[\w.-]*)", completed.stdout)
    return match.group(1).decode("ascii") if match else "unknown"


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
    resource_path: Sequence[Path] = (),
    images: Mapping[str, ImageFile] | None = None,
    embed_resources: bool = False,
    extra_args: Sequence[str] = (),
    timeout: float = PANDOC_TIMEOUT,
) -> PandocResult:
    """Convert Pandoc ``markdown`` to ``to`` (html, docx, typst, ...) with citeproc.

    The filters run after ``--citeproc``, so they see the bibliography.
    ``images`` (from :func:`find_images`) are the only files a brief may add:
    embedded in HTML and DOCX; for Typst each image is pointed at
    ``/NAME``, where :func:`compile_typst` puts a copy (pass it the same
    images). ``embed_resources`` makes self-contained HTML.
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
    if embed_resources:
        args.append("--embed-resources")
    if resource_path:
        args.append("--resource-path=" + os.pathsep.join(str(p) for p in resource_path))
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
    env = None
    with tempfile.TemporaryDirectory(prefix="briefgen-pandoc-") as workdir:
        if images:
            images_lua = Path(workdir) / "briefgen-images.lua"
            images_lua.write_text(_IMAGES_LUA, encoding="utf-8")
            # First, so the brief's own filters see the images as found.
            args += ["--lua-filter", str(images_lua)]
            table = {
                src: {
                    "path": str(image.path),
                    "name": image.name,
                    "mime": mimetypes.guess_type(image.name)[0] or "application/octet-stream",
                }
                for src, image in images.items()
            }
            env = dict(os.environ)
            env["BRIEFGEN_IMAGES"] = json.dumps(table)
            env["BRIEFGEN_IMAGE_LINKS"] = "1" if writer == "typst" else "0"
        for path in lua_filters:
            args += ["--lua-filter", str(path)]
        if bibliography or csl is not None:
            # Last: the files' absolute paths, which citeproc no longer needs, would
            # otherwise go into the output (a DOCX's custom properties).
            private_lua = Path(workdir) / "briefgen-private.lua"
            private_lua.write_text(_PRIVATE_LUA, encoding="utf-8")
            args += ["--lua-filter", str(private_lua)]
        args += list(extra_args)
        output, errors, status = _run(args, markdown.encode("utf-8"), workdir, env, timeout)
    stderr = errors.decode("utf-8", "replace")
    if status != 0:
        raise PandocError(stderr.strip() or f"pandoc exited with status {status}")
    return PandocResult(output, _warnings(stderr))


def _run(
    args: list[str], data: bytes, cwd: str, env: dict[str, str] | None, timeout: float
) -> tuple[bytes, bytes, int]:
    """Run Pandoc on ``data``: its output, its messages and its exit status.

    The input is written whole while :data:`~briefgen.processes.SPAWN_LOCK` is held
    (Pandoc reads all of it before it writes anything), so no process forked by
    another thread meanwhile keeps Pandoc's input open.
    """
    from briefgen.processes import SPAWN_LOCK

    try:
        with SPAWN_LOCK:
            proc = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                cwd=cwd,
                env=env,
            )
            stdin, proc.stdin = proc.stdin, None  # written and closed here, not by communicate
            assert stdin is not None
            with contextlib.suppress(BrokenPipeError):  # Pandoc stopped: its messages say why
                try:
                    stdin.write(data)
                finally:
                    stdin.close()
    except OSError as exc:
        raise PandocError(f"cannot run pandoc: {exc}") from exc
    try:
        output, errors = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        proc.kill()
        proc.communicate()
        raise PandocError(f"pandoc took longer than {timeout:.0f} s") from exc
    return output, errors, proc.returncode


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
    images: Mapping[str, ImageFile] | None = None,
) -> bytes | list[bytes]:
    """Compile Typst ``source`` to PDF bytes (or one PNG per page with ``format="png"``).

    Any ``format`` but ``"png"`` gives a PDF.

    The compiler's root is a fresh temporary folder holding only the source and
    a copy of each of ``images`` at ``/NAME`` (see :func:`run_pandoc`), so the
    document cannot read any other file. Error messages name no temporary path.
    """
    compiler = _take_compiler()
    with tempfile.TemporaryDirectory(prefix="briefgen-typst-") as workdir:
        main = Path(workdir) / "brief.typ"
        main.write_text(source, encoding="utf-8")
        for image in {i.name: i for i in (images or {}).values()}.values():
            copy = Path(workdir, *image.name.split("/"))
            if not copy.resolve().is_relative_to(Path(workdir).resolve()):
                continue
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(image.path, copy)
        try:
            if format == "png":
                result = compiler.compile(
                    input=str(main), root=workdir, format="png", ppi=ppi or 144.0
                )
            else:
                result = compiler.compile(input=str(main), root=workdir, format="pdf")
        except Exception as exc:  # typst.TypstError and friends
            raise TypstError(_typst_message(exc, source, workdir)) from exc
        finally:
            _COMPILERS.append(compiler)
    if isinstance(result, list):
        return [bytes(page) for page in result]
    return bytes(result)


# Typst compilers with their fonts found (about 10 ms each), one per compilation at once.
_COMPILERS: list[Any] = []


def _take_compiler() -> Any:
    try:
        return _COMPILERS.pop()  # atomic: two threads never take the same one
    except IndexError:
        import typst

        return typst.Compiler()


def prepare_typst() -> None:
    """Find the fonts of one Typst compiler now (e.g. while Pandoc runs), for a later
    :func:`compile_typst`."""
    if not _COMPILERS:
        _COMPILERS.append(_take_compiler())


def _typst_message(exc: Exception, source: str, workdir: str = "") -> str:
    message = str(exc).strip()
    if workdir:
        # The compiler names files by their absolute path: show them from its root.
        for folder in {workdir, os.path.realpath(workdir)}:
            message = message.replace(folder + os.sep, "").replace(folder, ".")
    match = re.search(r"brief\.typ:(\d+):", message)
    if match:
        number = int(match.group(1))
        lines = source.splitlines()
        if 0 < number <= len(lines):
            message += f"\n  generated Typst line {number}: {lines[number - 1].strip()[:160]}"
    return message

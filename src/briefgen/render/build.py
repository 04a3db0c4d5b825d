"""Build briefs: Jinja -> Pandoc Markdown -> PDF (Typst), DOCX, HTML; cached, in parallel.

``build_briefs`` is what ``briefgen build`` calls. For each brief it reads the
front matter, renders the Jinja, refuses findings whose check is an error
(unless ``force``), hashes every input, skips formats whose inputs did not
change, and writes ``build/briefs/NAME.{pdf,docx,html,md}`` atomically.

Two keys per brief and format live in ``build/.briefgen-cache.json``:

- ``BRIEF:FMT``, the digest of what the output is made from: the rendered
  Markdown, the used findings and their check results, Pandoc, the style, the
  templates, the images;
- ``BRIEF:FMT@inputs``, a digest of every file the check and the rendering
  read: the brief, the templates, the bibliography, every finding and source
  text (a quote not in its source is looked for in all the others), the
  configuration, the images the brief used. When the check is passed as a
  function, briefs whose ``@inputs`` keys match are skipped before the
  project is checked, and a build whose briefs are all up to date never runs
  the check.

Both are recorded only after every format of a brief is written, and the cache
file is written last, so a killed build is never recorded as done.

When the check is passed as a function, the briefs to build are rendered before it
runs, each quote taken to have the status recorded at the brief's last build
(``BRIEF@statuses``), else ``verified``, and Pandoc and Typst start on them in
worker threads while the project is checked. Once the verdicts are known each brief
is rendered again; a brief whose Markdown is the same uses what the workers made,
any other is converted again. Nothing is written before the check has passed the
brief.
"""

from __future__ import annotations

import functools
import json
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args

from briefgen.model import (
    CheckReport,
    Diagnostic,
    Document,
    EvidenceStatus,
    Project,
    Severity,
    Span,
)
from briefgen.render import codes as _codes  # noqa: F401  (registers the BRF codes)
from briefgen.render.csl import resolve_csl
from briefgen.render.frontmatter import FORMATS, BriefMeta, parse_front_matter
from briefgen.render.jinja import RenderedBrief, default_templates_dir, render_brief

if TYPE_CHECKING:
    from briefgen.render.pandoc import ImageFile
from briefgen.write import (
    BuildCache,
    hash_parts,
    remove_stale_temp_files,
    write_bytes_atomic,
)

__all__ = [
    "CACHE_FILE",
    "FORMATS",
    "BriefBuild",
    "BuildResult",
    "build_briefs",
    "find_template",
    "select_briefs",
    "summary_lines",
]

CACHE_FILE = ".briefgen-cache.json"

BuildStatus = Literal["built", "skipped", "failed"]

# The files each output format depends on, looked up in templates/ then in the defaults.
_FORMAT_ASSETS = {
    "pdf": ("brief.typ", "brief.lua"),
    "docx": ("reference.docx", "brief.lua"),
    "html": ("brief.html", "brief.css", "brief.lua"),
    "md": (),
}
# Pandoc formats are produced in this order; the fastest first, so a citation
# problem is found before the slow PDF is made.
_PANDOC_ORDER = ("html", "docx", "pdf")
_STATUSES = frozenset(get_args(EvidenceStatus))


@dataclass(frozen=True, slots=True)
class BriefBuild:
    """What happened to one brief."""

    path: str  # project-relative path of the brief
    name: str  # output base name
    status: BuildStatus
    outputs: Mapping[str, Path] = field(default_factory=dict)  # format -> file
    built: tuple[str, ...] = ()  # formats written by this build
    skipped: tuple[str, ...] = ()  # formats already up to date
    diagnostics: tuple[Diagnostic, ...] = ()
    findings: tuple[str, ...] = ()  # ids of the findings the brief uses
    digests: Mapping[str, str] = field(default_factory=dict)
    # Further cache targets to set (a value) or forget (None) once the build ends.
    cache_updates: Mapping[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """The outcome of ``briefgen build``: one :class:`BriefBuild` per brief."""

    briefs: tuple[BriefBuild, ...]
    diagnostics: tuple[Diagnostic, ...] = ()  # problems not tied to one brief

    @property
    def built(self) -> tuple[BriefBuild, ...]:
        return tuple(b for b in self.briefs if b.status == "built")

    @property
    def skipped(self) -> tuple[BriefBuild, ...]:
        return tuple(b for b in self.briefs if b.status == "skipped")

    @property
    def failed(self) -> tuple[BriefBuild, ...]:
        return tuple(b for b in self.briefs if b.status == "failed")

    @property
    def all_diagnostics(self) -> tuple[Diagnostic, ...]:
        out = list(self.diagnostics)
        for brief in self.briefs:
            out.extend(brief.diagnostics)
        return tuple(out)

    @property
    def ok(self) -> bool:
        return not self.failed and not any(d.severity == "error" for d in self.diagnostics)


def summary_lines(result: BuildResult, root: Path | None = None) -> list[str]:
    """One line per brief: ``built NAME -> build/briefs/NAME.{pdf,docx}`` and the like."""
    lines = []
    for brief in result.briefs:
        if brief.status == "built":
            formats = ",".join(brief.built)
            first = next(iter(brief.outputs.values()), None)
            where = ""
            if first is not None:
                folder = first.parent
                if root is not None and folder.is_relative_to(root):
                    folder = folder.relative_to(root)
                where = f" -> {folder.as_posix()}/{brief.name}.{{{formats}}}"
            extra = f" ({','.join(brief.skipped)} up to date)" if brief.skipped else ""
            lines.append(f"built    {brief.path}{where}{extra}")
        elif brief.status == "skipped":
            lines.append(f"skipped  {brief.path} (up to date)")
        else:
            errors = sum(1 for d in brief.diagnostics if d.severity == "error")
            lines.append(f"failed   {brief.path} ({errors} error{'s' if errors != 1 else ''})")
    return lines


def find_template(project: Project, name: str) -> Path:
    """The project's ``templates/NAME`` if it exists, else briefgen's default."""
    own = project.root / project.config.templates / name
    if own.is_file():
        return own
    return default_templates_dir() / name


def select_briefs(
    project: Project, names: Sequence[str] | None
) -> tuple[list[Document], list[Diagnostic]]:
    """The documents named (by path, file name or stem; all when ``names`` is empty)."""
    documents = list(project.documents)
    if not names:
        return documents, []
    chosen: list[Document] = []
    diagnostics: list[Diagnostic] = []
    root = project.root.resolve()
    for name in names:
        wanted = name.replace("\\", "/")
        match = None
        for document in documents:
            doc_path = document.path
            candidates = {doc_path, Path(doc_path).name, Path(doc_path).stem}
            if wanted in candidates or wanted.removeprefix("./") in candidates:
                match = document
                break
            try:
                given = Path(name)
                absolute = given if given.is_absolute() else Path.cwd() / given
                if absolute.resolve() == (root / doc_path).resolve():
                    match = document
                    break
            except OSError:
                continue
        if match is None:
            known = ", ".join(Path(d.path).stem for d in documents) or "none"
            diagnostics.append(
                Diagnostic(
                    "BRF012",
                    "error",
                    f"no brief named '{name}'",
                    hint=f"briefs of this project: {known}",
                )
            )
        elif match not in chosen:
            chosen.append(match)
    return chosen, diagnostics


def build_briefs(
    project: Project,
    report: CheckReport | Callable[[], CheckReport] | None,
    briefs: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    force: bool = False,
    progress: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the briefs of ``project`` into ``OUTPUT/briefs/NAME.{pdf,docx,html,md}``.

    ``report`` is the project's check, or a function that makes it
    (``lambda: api.check_project(project)``): then it is called only when a
    selected brief is not up to date, so a build with nothing to do does not
    check the project.
    ``briefs`` names some briefs (path, file name or stem); all by default.
    ``formats`` defaults to each brief's front matter ``formats``, else all four.
    A brief using a finding whose check is an error fails unless ``force``.
    Unchanged briefs are skipped (``build/.briefgen-cache.json``).
    """
    diagnostics: list[Diagnostic] = []
    if formats is not None:
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            diagnostics.append(
                Diagnostic(
                    "BRF013",
                    "error",
                    f"unknown output format(s): {', '.join(unknown)}",
                    hint=f"choose from {', '.join(FORMATS)}",
                )
            )
            return BuildResult((), tuple(diagnostics))
    documents, problems = select_briefs(project, briefs)
    diagnostics.extend(problems)

    output_root = project.root / project.config.output
    # What a killed build left behind; never the files of a build running now.
    remove_stale_temp_files(output_root / "briefs")
    remove_stale_temp_files(output_root)
    cache = BuildCache.load(output_root / CACHE_FILE)
    wanted = tuple(dict.fromkeys(formats)) if formats is not None else None
    inputs = _ProjectInputs.create(project, force)

    # Conversions started before the check: as many at once as the build runs briefs.
    early = ThreadPoolExecutor(max(1, jobs or min(4, os.cpu_count() or 1)))
    try:
        return _build_pending(
            project, report, documents, diagnostics, cache, wanted, inputs, force,
            progress, jobs, early,
        )
    finally:
        # Conversions not started are dropped; running ones (a brief that failed or
        # came out different) are waited for, so that no Pandoc outlives the build.
        early.shutdown(wait=True, cancel_futures=True)


def _build_pending(
    project: Project,
    report: CheckReport | Callable[[], CheckReport] | None,
    documents: list[Document],
    diagnostics: list[Diagnostic],
    cache: BuildCache,
    wanted: tuple[str, ...] | None,
    inputs: _ProjectInputs,
    force: bool,
    progress: bool,
    jobs: int | None,
    early: ThreadPoolExecutor,
) -> BuildResult:
    """:func:`build_briefs` once the cache is read: skip, check, render, convert, record."""
    results: dict[str, BriefBuild] = {}
    pending = list(documents)
    checked = report if isinstance(report, CheckReport) or report is None else None
    speculations: dict[str, _Speculation] = {}
    if callable(report):
        pending = []
        for document in documents:
            fresh = _up_to_date(document, project, inputs, wanted, cache)
            if fresh is None:
                pending.append(document)
            else:
                results[document.path] = fresh
        if pending:
            # Pandoc and Typst start on the briefs as rendered before the check (every
            # quote taken as verified) while this process checks the project; a brief
            # whose Markdown comes out the same once the verdicts are known uses what
            # they made, any other is converted again.
            unchecked = _BuildContext.create(project, None, wanted, force, inputs)
            for document in pending:
                try:
                    speculation = _speculate(
                        document, unchecked, early, _last_statuses(cache, document)
                    )
                except Exception:  # a bug: the real build of this brief reports it
                    speculation = None
                if speculation is not None:
                    speculations[document.path] = speculation
            checked = report()
    context = _BuildContext.create(
        project, checked, wanted, force, inputs, record_inputs=callable(report)
    )

    workers = max(1, min(jobs or min(4, os.cpu_count() or 1), len(pending) or 1))
    with _progress(progress, len(pending)) as advance, ThreadPoolExecutor(workers) as pool:
        futures: dict[Future[BriefBuild], Document] = {
            pool.submit(
                _build_one, document, context, cache, speculations.get(document.path)
            ): document
            for document in pending
        }
        for future in as_completed(futures):
            document = futures[future]
            try:
                outcome = future.result()
            except Exception as exc:  # a bug must not take the other briefs down
                outcome = BriefBuild(
                    document.path,
                    Path(document.path).stem,
                    "failed",
                    diagnostics=(
                        Diagnostic(
                            "BRF099",
                            "error",
                            f"internal error while building: {exc!r}",
                            span=Span(document.path),
                        ),
                    ),
                )
            results[document.path] = outcome
            advance(outcome)
    if not pending:
        return BuildResult(tuple(results[d.path] for d in documents), tuple(diagnostics))
    for outcome in results.values():
        for fmt, digest in outcome.digests.items():
            cache.record(f"{outcome.path}:{fmt}", digest)
        for target, value in outcome.cache_updates.items():
            if value is None:
                cache.forget(target)
            else:
                cache.record(target, value)
    cache.save()
    ordered = tuple(results[d.path] for d in documents)
    return BuildResult(ordered, tuple(diagnostics))


# --------------------------------------------------------------------------- internals


@dataclass(frozen=True)
class _ProjectInputs:
    """What every brief of one build is made from, read once; the base of ``@inputs`` keys."""

    bibliography: tuple[Path, ...]
    bibliography_digest: str
    metadata_defaults: Mapping[str, Any]
    force: bool
    project: Project

    @classmethod
    def create(cls, project: Project, force: bool) -> _ProjectInputs:
        root = project.root
        bib_paths = tuple(root / p for p in project.bibliography_files if (root / p).is_file())
        parts = [(f"bib:{p.name}", p.read_bytes()) for p in bib_paths]
        defaults: dict[str, Any] = {}
        extra = project.config.extra
        for key in ("organisation", "organization", "series"):
            value = extra.get(key) if isinstance(extra, Mapping) else None
            if isinstance(value, str):
                defaults[key] = value
        return cls(bib_paths, hash_parts(parts), defaults, force, project)

    @functools.cached_property
    def digest(self) -> str:
        """Every input of the check's verdicts and of the rendering but the brief itself."""
        from briefgen import __version__

        project = self.project
        parts: list[tuple[str, bytes | str]] = [
            ("briefgen", __version__),
            ("force", str(self.force)),
            ("pandoc", _pandoc_identity()),
            ("typst", _typst_version()),
            ("bibliography", self.bibliography_digest),
            ("defaults", json.dumps(self.metadata_defaults, sort_keys=True)),
            ("config", repr(project.config)),
            ("findings", repr(project.findings)),
            ("missing", repr(sorted(project.missing_texts.items()))),
        ]
        for key in sorted(project.sources):
            source = project.sources[key]
            parts.append((f"source:{key}:{source.path}", source.text))
        folders = [default_templates_dir(), project.root / project.config.templates]
        for number, folder in enumerate(folders):
            if not folder.is_dir():
                continue
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                parts.append((f"template{number}:{path.relative_to(folder).as_posix()}",
                              path.read_bytes()))
        return hash_parts(parts)

    def brief_digest(self, document: Document, csl: Path, images: Mapping[str, str]) -> str:
        """The ``@inputs`` key of one brief: the project's inputs, its text, style and images."""
        from briefgen.render.pandoc import locate_image

        root = self.project.root
        folders = (root / Path(document.path).parent, root)
        parts: list[tuple[str, bytes | str]] = [
            ("project", self.digest),
            ("brief", f"{document.path}\n{document.text}"),
            ("csl", csl.read_bytes()),
        ]
        for written in sorted(images):
            image = locate_image(written, folders, root)
            data = image.path.read_bytes() if image is not None else b""
            parts.append((f"image:{written}:{image.name if image else ''}", data))
        return hash_parts(parts)


@functools.cache
def _pandoc_identity() -> str:
    """The Pandoc binary's path, size and time, cheaper than asking it its version."""
    from briefgen.render.pandoc import pandoc_path

    path = pandoc_path()
    try:
        info = os.stat(path)
    except OSError:
        return path
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


@functools.cache
def _typst_version() -> str:
    import typst

    version = getattr(typst, "__version__", None)
    if isinstance(version, str):
        return version
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("typst")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class _BuildContext:
    project: Project
    report: CheckReport | None
    formats: tuple[str, ...] | None
    force: bool
    out_dir: Path
    bibliography: tuple[Path, ...]
    bibliography_digest: str
    metadata_defaults: Mapping[str, Any]
    inputs: _ProjectInputs
    # Record ``@inputs`` keys: only when the report is this project's own check.
    record_inputs: bool = False

    @classmethod
    def create(
        cls,
        project: Project,
        report: CheckReport | None,
        formats: tuple[str, ...] | None,
        force: bool,
        inputs: _ProjectInputs,
        record_inputs: bool = False,
    ) -> _BuildContext:
        return cls(
            project=project,
            report=report,
            formats=formats,
            force=force,
            out_dir=project.root / project.config.output / "briefs",
            bibliography=inputs.bibliography,
            bibliography_digest=inputs.bibliography_digest,
            metadata_defaults=inputs.metadata_defaults,
            inputs=inputs,
            record_inputs=record_inputs,
        )


def _csl_span(document: Document, meta: BriefMeta, project: Project) -> Span:
    csl_line = meta.extra.get("key_lines", {}).get("csl") if meta.csl else None
    if csl_line:
        return Span(document.path, csl_line, 1)
    return Span(project.config.config_file or "briefgen.toml")


def _up_to_date(
    document: Document,
    project: Project,
    inputs: _ProjectInputs,
    formats: tuple[str, ...] | None,
    cache: BuildCache,
) -> BriefBuild | None:
    """The brief as skipped if its ``@inputs`` keys say so, without checking or rendering."""
    uses_raw = cache.entries.get(f"{document.path}@uses")
    if uses_raw is None:
        return None
    try:
        uses = json.loads(uses_raw)
        used_ids = tuple(str(i) for i in uses["findings"])
        images = {str(k): str(v) for k, v in uses["images"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    meta, problems = parse_front_matter(document.text, document.path)
    if problems:
        return None
    csl_path, problems = resolve_csl(
        meta.csl or project.config.csl, project.root, span=_csl_span(document, meta, project)
    )
    if problems or csl_path is None:
        return None
    chosen = formats or meta.formats or FORMATS
    name = Path(document.path).stem
    out_dir = project.root / project.config.output / "briefs"
    outputs = {fmt: out_dir / f"{name}.{fmt}" for fmt in chosen}
    if not all(f"{document.path}:{fmt}@inputs" in cache.entries for fmt in chosen):
        return None
    key = inputs.brief_digest(document, csl_path, images)
    if not all(
        cache.is_fresh(f"{document.path}:{fmt}@inputs", key, [outputs[fmt]]) for fmt in chosen
    ):
        return None
    return BriefBuild(
        document.path, name, "skipped", outputs=outputs, skipped=tuple(chosen), findings=used_ids
    )


@dataclass(frozen=True, slots=True)
class _Speculation:
    """Conversions started from a brief rendered before the project was checked."""

    markdown: str
    conversions: Mapping[str, Future[tuple[bytes, tuple[str, ...]]]]
    # Format -> digest of the files it was converted with (see _conversion_inputs).
    made_from: Mapping[str, str]

    def cancel(self) -> None:
        """Drop the conversions not started yet (running ones finish unheard)."""
        for future in self.conversions.values():
            future.cancel()


def _last_statuses(cache: BuildCache, document: Document) -> dict[str, list[str]]:
    """The check statuses of the findings ``document`` used when it was last built."""
    raw = cache.entries.get(f"{document.path}@statuses")
    if raw is None:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {
        str(fid): [str(s) for s in statuses if s in _STATUSES]
        for fid, statuses in value.items()
        if isinstance(statuses, list)
    }


def _statuses_json(rendered: RenderedBrief, report: CheckReport) -> str:
    results = {r.finding.id: r for r in report.findings}
    statuses = {
        used.id: [e.status for e in results[used.id].evidence]
        for used in rendered.used
        if used.id in results
    }
    return json.dumps(statuses, sort_keys=True)


def _speculate(
    document: Document,
    context: _BuildContext,
    pool: ThreadPoolExecutor,
    last_statuses: Mapping[str, Sequence[str]],
) -> _Speculation | None:
    """Render ``document`` before the check and start converting it in ``pool``.

    Each quote is taken to have the status it had when the brief was last built
    (``last_statuses``), else to be verified, as it is in a brief that builds
    without ``--force`` unless some quote is only a fuzzy match. None when the
    brief cannot be rendered that way (its errors are reported by the real build).
    """
    project = context.project
    meta, problems = parse_front_matter(document.text, document.path)
    if _has_errors(problems):
        return None
    csl_path, problems = resolve_csl(
        meta.csl or project.config.csl, project.root, span=_csl_span(document, meta, project)
    )
    if csl_path is None or _has_errors(problems):
        return None
    rendered = _render(
        document, meta, context, assumed="verified", assumed_statuses=last_statuses
    )
    if _has_errors(rendered.diagnostics):
        return None
    images = _brief_images(project, document, rendered.markdown)
    formats = context.formats or meta.formats or FORMATS
    chosen = [fmt for fmt in _PANDOC_ORDER if fmt in formats]
    # Read before converting: a file changed meanwhile makes the build convert again.
    made_from = {
        fmt: hash_parts(_conversion_inputs(fmt, context, csl_path, images)) for fmt in chosen
    }
    if "pdf" in chosen:
        import typst  # noqa: F401  (imported here, not in a worker thread while the check forks)
    conversions = {
        fmt: pool.submit(_convert, fmt, rendered.markdown, csl_path, context, project, images)
        for fmt in chosen
    }
    if "pdf" in conversions:
        from briefgen.render.pandoc import prepare_typst

        pool.submit(prepare_typst)  # while Pandoc runs
    return _Speculation(rendered.markdown, conversions, made_from)


def _render(
    document: Document,
    meta: BriefMeta,
    context: _BuildContext,
    assumed: str = "unchecked",
    assumed_statuses: Mapping[str, Sequence[str]] | None = None,
) -> RenderedBrief:
    """The brief's Jinja rendered with the context's report (see :func:`render_brief`)."""
    project = context.project
    templates_dir = project.root / project.config.templates
    return render_brief(
        document,
        meta,
        project,
        context.report,
        templates_dir if templates_dir.is_dir() else None,
        metadata_defaults=context.metadata_defaults,
        assumed=assumed,
        assumed_statuses=assumed_statuses,
    )


def _brief_images(project: Project, document: Document, markdown: str) -> dict[str, ImageFile]:
    """The images the rendered brief names, looked up beside it, then in the project."""
    from briefgen.render.pandoc import find_images

    root = project.root
    return find_images(markdown, (root / Path(document.path).parent, root), root)


def _conversion_inputs(
    fmt: str,
    context: _BuildContext,
    csl_path: Path,
    images: Mapping[str, ImageFile],
) -> list[tuple[str, bytes | str]]:
    """What a Pandoc format is made from besides the Markdown: Pandoc, the
    bibliography, the style, the format's templates, the images (and Typst)."""
    from briefgen.render.pandoc import pandoc_version

    parts: list[tuple[str, bytes | str]] = [
        ("pandoc", pandoc_version()),
        ("bibliography", context.bibliography_digest),
        ("csl", csl_path.read_bytes()),
    ]
    if fmt == "pdf":
        parts.append(("typst", _typst_version()))
    for asset in _FORMAT_ASSETS[fmt]:
        parts.append((f"asset:{asset}", find_template(context.project, asset).read_bytes()))
    for written in sorted(images):
        image = images[written]
        parts.append((f"image:{written}:{image.name}", image.path.read_bytes()))
    return parts


def _build_one(
    document: Document,
    context: _BuildContext,
    cache: BuildCache,
    speculation: _Speculation | None = None,
) -> BriefBuild:
    try:
        return _build_brief(document, context, cache, speculation)
    finally:
        if speculation is not None:
            speculation.cancel()  # what this brief did not use


def _build_brief(
    document: Document,
    context: _BuildContext,
    cache: BuildCache,
    speculation: _Speculation | None,
) -> BriefBuild:
    from briefgen import __version__

    project = context.project
    name = Path(document.path).stem
    diagnostics: list[Diagnostic] = []
    # Until this brief is done, no earlier ``@inputs`` key of it may stand.
    forget: dict[str, str | None] = {f"{document.path}:{f}@inputs": None for f in FORMATS}

    def failed(used: Sequence[str] = ()) -> BriefBuild:
        return BriefBuild(
            document.path,
            name,
            "failed",
            diagnostics=tuple(diagnostics),
            findings=tuple(used),
            cache_updates=forget,
        )

    meta, problems = parse_front_matter(document.text, document.path)
    diagnostics.extend(problems)
    if _has_errors(diagnostics):
        return failed()

    csl_path, problems = resolve_csl(
        meta.csl or project.config.csl, project.root, span=_csl_span(document, meta, project)
    )
    diagnostics.extend(problems)

    rendered = _render(document, meta, context)
    diagnostics.extend(rendered.diagnostics)
    used_ids = [u.id for u in rendered.used]
    diagnostics.extend(_check_used_findings(rendered, context.force))
    if _has_errors(diagnostics):
        return failed(used_ids)
    assert csl_path is not None

    formats = context.formats or meta.formats or FORMATS
    outputs = {fmt: context.out_dir / f"{name}.{fmt}" for fmt in formats}
    findings_json = _findings_fingerprint(rendered, project, context.report)
    images = _brief_images(project, document, rendered.markdown)
    common: list[tuple[str, bytes | str]] = [
        ("briefgen", __version__),
        ("markdown", rendered.markdown),
        ("findings", findings_json),
    ]
    digests: dict[str, str] = {}
    converted_from: dict[str, str] = {}  # format -> digest of what converts it
    for fmt in formats:
        parts = list(common)
        if fmt != "md":
            conversion = _conversion_inputs(fmt, context, csl_path, images)
            converted_from[fmt] = hash_parts(conversion)
            parts += conversion
        digests[fmt] = hash_parts(parts)

    def done(status: BuildStatus, written: Sequence[str] = ()) -> BriefBuild:
        updates = dict(forget)
        if context.report is not None:
            # What the next build assumes when it starts converting before its check.
            updates[f"{document.path}@statuses"] = _statuses_json(rendered, context.report)
        if context.record_inputs and not diagnostics:
            # Nothing to report again: later builds may skip it before checking.
            key = context.inputs.brief_digest(
                document, csl_path, {w: i.name for w, i in images.items()}
            )
            for target in forget:  # other formats made from these same inputs stay
                if cache.entries.get(target) == key:
                    del updates[target]
            updates.update({f"{document.path}:{f}@inputs": key for f in formats})
            updates[f"{document.path}@uses"] = json.dumps(
                {"findings": used_ids, "images": {w: i.name for w, i in images.items()}},
                sort_keys=True,
            )
        return BriefBuild(
            document.path,
            name,
            status,
            outputs=outputs,
            built=tuple(f for f in formats if f in written),
            skipped=tuple(f for f in formats if f not in written),
            diagnostics=tuple(diagnostics),
            findings=tuple(used_ids),
            digests={f: digests[f] for f in written},
            cache_updates=updates,
        )

    stale = [
        f for f in formats if not cache.is_fresh(f"{document.path}:{f}", digests[f], [outputs[f]])
    ]
    if not stale:
        return done("skipped")

    from briefgen.render.pandoc import unresolved_citations

    produced: dict[str, bytes] = {}
    warnings_by_format: dict[str, Sequence[str]] = {}
    unresolved_checked = False
    ready: dict[str, Future[tuple[bytes, tuple[str, ...]]]] = {}
    if speculation is not None and speculation.markdown == rendered.markdown:
        ready = {
            fmt: future for fmt, future in speculation.conversions.items()
            if speculation.made_from.get(fmt) == converted_from.get(fmt)
        }
    for fmt in (f for f in _PANDOC_ORDER if f in stale):
        try:
            if fmt in ready:
                data, warnings = ready[fmt].result()
            else:
                data, warnings = _convert(
                    fmt, rendered.markdown, csl_path, context, project, images
                )
        except _ConversionError as exc:
            diagnostics.append(
                Diagnostic(exc.code, "error", exc.message, span=Span(document.path), hint=exc.hint)
            )
            continue
        warnings_by_format[fmt] = warnings
        if not unresolved_checked:
            # Every format resolves the same citations: the first one tells.
            unresolved_checked = True
            diagnostics.extend(_citation_diagnostics(
                unresolved_citations(warnings), document, rendered, context))
            if _has_errors(diagnostics):
                diagnostics.extend(_warning_diagnostics(warnings_by_format, document))
                return failed(used_ids)
        produced[fmt] = data
    diagnostics.extend(_warning_diagnostics(warnings_by_format, document))
    if not unresolved_checked and "md" in stale:
        # Markdown alone runs no Pandoc: resolve its citations here, the same way.
        keys = _unresolved_in_markdown(rendered.markdown, document, context)
        diagnostics.extend(_citation_diagnostics(keys, document, rendered, context))
    if "md" in stale:
        produced["md"] = _standalone_markdown(rendered.markdown, context, csl_path, meta).encode(
            "utf-8"
        )
    if _has_errors(diagnostics):
        return failed(used_ids)

    for fmt, data in produced.items():
        write_bytes_atomic(outputs[fmt], data)
    return done("built", tuple(produced))


class _ConversionError(Exception):
    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


def _convert(
    fmt: str,
    markdown: str,
    csl: Path,
    context: _BuildContext,
    project: Project,
    images: Mapping[str, ImageFile],
) -> tuple[bytes, tuple[str, ...]]:
    import tempfile

    from briefgen.render.docx import ensure_bibliography_indent
    from briefgen.render.pandoc import (
        PandocError,
        TypstError,
        compile_typst,
        run_pandoc,
        unresolved_citations,
    )

    lua = find_template(project, "brief.lua")
    try:
        if fmt == "html":
            css = find_template(project, "brief.css").read_text(encoding="utf-8")
            with tempfile.TemporaryDirectory(prefix="briefgen-html-") as tmp:
                header = Path(tmp) / "style.html"
                header.write_text(f"<style>\n{css}\n</style>\n", encoding="utf-8")
                result = run_pandoc(
                    markdown,
                    "html",
                    bibliography=context.bibliography,
                    csl=csl,
                    template=find_template(project, "brief.html"),
                    lua_filters=[lua],
                    include_in_header=[header],
                    images=images,
                    embed_resources=True,
                )
            return result.output, result.warnings
        if fmt == "docx":
            result = run_pandoc(
                markdown,
                "docx",
                bibliography=context.bibliography,
                csl=csl,
                reference_doc=find_template(project, "reference.docx"),
                lua_filters=[lua],
                images=images,
            )
            return ensure_bibliography_indent(result.output), result.warnings
        result = run_pandoc(
            markdown,
            "typst",
            bibliography=context.bibliography,
            csl=csl,
            template=find_template(project, "brief.typ"),
            lua_filters=[lua],
            images=images,
        )
        source = result.output.decode("utf-8")
        for key in unresolved_citations(result.warnings):
            # Only reached with --force: a link to a missing label would stop Typst.
            source = source.replace(f"#link(<ref-{key}>)[", "#[")
        pdf = compile_typst(source, images=images)
        assert isinstance(pdf, bytes)
        return pdf, result.warnings
    except PandocError as exc:
        raise _ConversionError("BRF010", f"pandoc failed making {fmt}: {exc}") from exc
    except TypstError as exc:
        raise _ConversionError(
            "BRF011",
            f"typst failed making the PDF: {exc}",
            hint="check raw Typst in the brief or templates/brief.typ, and that each image "
            "is a file inside the project",
        ) from exc


def _has_errors(diagnostics: Sequence[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


def _check_used_findings(rendered: RenderedBrief, force: bool) -> list[Diagnostic]:
    out = []
    for used in rendered.used:
        if used.ok:
            continue
        out.append(
            Diagnostic(
                "BRF006",
                "warning" if force else "error",
                f"brief uses finding '{used.id}', whose check failed ({used.status})",
                span=used.span,
                finding=used.id,
                hint="fix the finding (see `briefgen check`), stop using it, or build with --force",
            )
        )
    return out


def _findings_fingerprint(
    rendered: RenderedBrief, project: Project, report: CheckReport | None
) -> str:
    """A stable text of every used finding and its check results."""
    by_id = {f.id: f for f in project.findings}
    results = {r.finding.id: r for r in report.findings} if report is not None else {}
    payload = []
    for used in rendered.used:
        finding = by_id.get(used.id)
        if finding is None:
            continue
        result = results.get(used.id)
        payload.append(
            {
                "id": finding.id,
                "claim": finding.claim,
                "tags": list(finding.tags),
                "date": finding.date,
                "evidence": [[e.source, e.quote, e.page] for e in finding.evidence],
                "status": [e.status for e in result.evidence] if result is not None else None,
            }
        )
    return json.dumps(payload, sort_keys=True, ensure_ascii=False)


_CITE_RE_TEMPLATE = r"@\{?{key}\b"


def _unresolved_in_markdown(markdown: str, document: Document, context: _BuildContext) -> list[str]:
    """Cite keys of the rendered Markdown missing from the bibliography (no Pandoc run)."""
    from briefgen.citations import extract_citations

    keys: list[str] = []
    for citation in extract_citations(markdown, document.path):
        key = citation.key
        if key != "*" and key not in context.project.entries and key not in keys:
            keys.append(key)
    return keys


def _citation_diagnostics(
    keys: Sequence[str], document: Document, rendered: RenderedBrief, context: _BuildContext
) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    severity: Severity = "warning" if context.force else "error"
    by_id = {f.id: f for f in context.project.findings}
    for key in keys:
        span = _citation_span(key, document, rendered, by_id)
        out.append(
            Diagnostic(
                "CIT001",
                severity,
                f"citation '{key}' not found in the bibliography",
                span=span,
                key=key,
                hint="add the entry to the bibliography or correct the cite key",
            )
        )
    return out


def _warning_diagnostics(
    warnings_by_format: Mapping[str, Sequence[str]], document: Document
) -> list[Diagnostic]:
    """One BRF014 per distinct Pandoc warning of any format, naming the formats it came from."""
    formats_of: dict[str, list[str]] = {}
    for fmt, warnings in warnings_by_format.items():
        for warning in warnings:
            if "Citeproc: citation" in warning and "not found" in warning:
                continue  # CIT001
            formats_of.setdefault(warning, [])
            if fmt not in formats_of[warning]:
                formats_of[warning].append(fmt)
    return [
        Diagnostic(
            "BRF014", "warning", f"pandoc ({', '.join(fmts)}): {warning}", span=Span(document.path)
        )
        for warning, fmts in formats_of.items()
    ]


def _citation_span(
    key: str, document: Document, rendered: RenderedBrief, by_id: Mapping[str, Any]
) -> Span:
    for citation in document.citations:
        if citation.key == key:
            return citation.span
    pattern = re.compile(r"@\{?" + re.escape(key) + r"(?![\w:.#$%&+?<>~/-]*\w)")
    for number, line in enumerate(document.text.splitlines(), start=1):
        if pattern.search(line):
            return Span(document.path, number, pattern.search(line).start() + 1)  # type: ignore[union-attr]
    for used in rendered.used:
        finding = by_id.get(used.id)
        if finding is not None and any(e.source == key for e in finding.evidence):
            return used.span
    return Span(document.path)


def _standalone_markdown(markdown: str, context: _BuildContext, csl: Path, meta: BriefMeta) -> str:
    """The rendered brief with ``bibliography`` and ``csl`` in its metadata for Pandoc."""
    import yaml

    if not markdown.startswith("---\n"):
        return markdown
    root = context.project.root
    extra: dict[str, Any] = {}
    if context.bibliography:
        extra["bibliography"] = [
            p.relative_to(root).as_posix() if p.is_relative_to(root) else str(p)
            for p in context.bibliography
        ]
    extra["csl"] = meta.csl or context.project.config.csl
    lines = str(yaml.safe_dump(extra, allow_unicode=True, sort_keys=False, width=1000))
    return "---\n" + lines + markdown[4:]


class _NoProgress:
    def __enter__(self) -> Callable[[BriefBuild], None]:
        return lambda outcome: None

    def __exit__(self, *exc: object) -> None:
        return None


class _RichProgress:
    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self.progress = Progress(
            TextColumn("[bold]building briefs"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=True,
        )
        self.task = self.progress.add_task("", total=total)

    def __enter__(self) -> Callable[[BriefBuild], None]:
        self.progress.__enter__()

        def advance(outcome: BriefBuild) -> None:
            self.progress.update(
                self.task, advance=1, description=f"{outcome.name}: {outcome.status}"
            )

        return advance

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)


def _progress(enabled: bool, total: int) -> Any:
    if enabled and total > 0 and sys.stderr.isatty():
        return _RichProgress(total)
    return _NoProgress()

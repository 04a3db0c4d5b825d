"""The public API: load a project, check it, build its briefs and its site."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen import diagnostics as diag
from briefgen.model import CheckReport, Config, Diagnostic, Entry, Project, Span
from briefgen.project import load_project as _load_project

if TYPE_CHECKING:
    from briefgen.render.build import BuildResult

__all__ = [
    "apply_severity",
    "build",
    "build_site",
    "check",
    "check_documents",
    "check_project",
    "load_project",
]


def load_project(root: Path | str = ".") -> Project:
    """Load the project at ``root`` (raises ConfigError on a bad configuration)."""
    return _load_project(root)


def apply_severity(diagnostics: Iterable[Diagnostic], config: Config) -> list[Diagnostic]:
    """Apply the project's severity policy: per code, then per file glob; drop "off"."""
    out: list[Diagnostic] = []
    for d in diagnostics:
        level = config.severity.get(d.code)
        if d.span is not None:
            for pattern, table in config.per_file_severity:
                if fnmatch.fnmatch(d.span.path, pattern) and d.code in table:
                    level = table[d.code]
        if level == "off":
            continue
        if level == "error" and d.severity != "error":
            d = replace(d, severity="error")
        elif level == "warning" and d.severity != "warning":
            d = replace(d, severity="warning")
        out.append(d)
    return out


def check_project(
    project: Project, progress: Callable[[int], None] | None = None
) -> CheckReport:
    """Check keys, sources and quotes of a loaded project."""
    from briefgen.checks.keys import check_citations, check_entries
    from briefgen.checks.quotes import check_quotes

    problems: list[Diagnostic] = list(project.diagnostics)
    problems.extend(check_entries(project))
    citations, cit_problems = check_citations(project)
    problems.extend(cit_problems)
    findings, quote_problems = check_quotes(project, progress)
    problems.extend(quote_problems)
    problems = apply_severity(problems, project.config)
    problems.sort(key=diag.sort_key)
    return CheckReport(
        diagnostics=tuple(problems),
        findings=tuple(findings),
        citations=tuple(citations),
        entries=project.entry_count,
        sources=len(project.sources),
    )


def check(root: Path | str = ".") -> CheckReport:
    """Load and check the project at ``root``."""
    return check_project(load_project(root))


def check_documents(
    bibliographies: Sequence[str], documents: Sequence[str], cwd: Path | str = "."
) -> CheckReport:
    """Check the citations of any Markdown documents against any bibliographies.

    No project is needed: paths are taken as given (relative to ``cwd``).
    """
    from briefgen.bibliography import scan_keys
    from briefgen.checks.keys import check_citations
    from briefgen.project import load_documents, read_bibliography_text

    root = Path(cwd)
    problems: list[Diagnostic] = []
    entries: dict[str, Entry] = {}
    count = 0
    for bib in bibliographies:
        text, _, read_problems = read_bibliography_text(root, bib)
        problems.extend(read_problems)
        if text is None:
            continue
        keys, scan_problems, n = scan_keys(text, bib)
        problems.extend(scan_problems)
        count += n
        for key, line in keys.items():
            if key in entries:
                problems.append(diag.make(
                    "BIB002", f"duplicate cite key {key!r} (first defined at "
                    f"{entries[key].span})", Span(bib, line, 1), key=key))
                continue
            entries[key] = Entry(key=key, type="", fields={}, span=Span(bib, line, 1))
    docs, doc_problems = load_documents(root, documents)
    problems.extend(doc_problems)
    project = Project(
        root=root.resolve(), config=Config(root=root.resolve()), entries=entries, sources={},
        findings=(), documents=tuple(docs), entry_count=count,
    )
    citations, cit_problems = check_citations(project)
    problems.extend(cit_problems)
    problems.sort(key=diag.sort_key)
    return CheckReport(
        diagnostics=tuple(problems), findings=(), citations=tuple(citations),
        entries=count, sources=0,
    )


def build(
    root: Path | str = ".",
    briefs: Sequence[str] | None = None,
    formats: Sequence[str] | None = None,
    *,
    force: bool = False,
    jobs: int | None = None,
) -> BuildResult:
    """Build the briefs of the project at ``root`` (all of them, or ``briefs``).

    The project is checked only when a brief needs building; see
    :func:`briefgen.render.build.build_briefs`.
    """
    from briefgen.render.build import build_briefs

    project = load_project(root)
    return build_briefs(project, lambda: check_project(project), briefs, formats,
                        force=force, jobs=jobs)


def build_site(root: Path | str = ".", *, strict: bool = False,
               site_dir: Path | str | None = None) -> Path:
    """Build the literature-review site of the project at ``root``; the site folder."""
    from briefgen.site.build import build_site as _build_site

    return _build_site(root, strict=strict, site_dir=site_dir)

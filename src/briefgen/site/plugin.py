"""The MkDocs plugin ``briefgen``: the literature-review pages, generated at build time.

A thin adapter over :func:`briefgen.site.pages.build_pages`. ``on_config`` loads and
checks the project (the folder of ``mkdocs.yml`` unless ``project_dir`` says
otherwise) and adds the site's stylesheet and script; ``on_files`` hands over the
generated pages as virtual files; ``on_serve`` watches the project's inputs so that
``mkdocs serve`` rebuilds when a finding, a source or a brief changes.

    plugins:
      - search
      - briefgen              # or: - briefgen: {project_dir: .., overview: corpus/index.md}
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from briefgen.model import CheckReport, Diagnostic, Project
from briefgen.site.pages import SCRIPT, STYLESHEET, SiteOptions, build_pages

__all__ = ["BriefgenPlugin", "BriefgenPluginConfig", "load_and_check"]

log = logging.getLogger("mkdocs.plugins.briefgen")


class BriefgenPluginConfig(Config):  # type: ignore[no-untyped-call]
    """Options of the ``briefgen`` plugin in ``mkdocs.yml``."""

    # The briefgen project; default: the folder that holds mkdocs.yml.
    project_dir = c.Optional(c.Type(str))
    # Where the overview goes; default: corpus/index.md, or index.md when the
    # docs folder has no home page of its own.
    overview = c.Optional(c.Type(str))
    # How many dated findings the overview lists as the latest.
    latest = c.Type(int, default=10)


def load_and_check(root: Path) -> tuple[Project, CheckReport]:
    """Load and check the project at ``root``; a failure becomes a PluginError."""
    from briefgen import api

    try:
        project = api.load_project(root)
        report = api.check_project(project)
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        hint = getattr(exc, "hint", None)
        known = type(exc).__module__.startswith("briefgen")
        prefix = "briefgen could not load the project" if known else (
            "briefgen failed with an internal error (please report it) while loading"
        )
        text = f"{prefix} at {root}: {message}"
        if hint:
            text += f" (hint: {hint})"
        raise PluginError(text) from exc
    return project, report


def _describe(d: Diagnostic) -> str:
    where = f"{d.span}: " if d.span is not None else ""
    text = f"{where}{d.code} {d.message}"
    return text + (f" (hint: {d.hint})" if d.hint else "")


class BriefgenPlugin(BasePlugin[BriefgenPluginConfig]):  # type: ignore[no-untyped-call]
    """Generate the literature-review pages of a briefgen project at build time."""

    supports_multiple_instances = False

    def __init__(self) -> None:
        self.root: Path | None = None
        self.project: Project | None = None
        self.report: CheckReport | None = None

    def project_root(self, config: MkDocsConfig) -> Path:
        base = Path(config.config_file_path or ".").resolve().parent
        if self.config.project_dir:
            return (base / self.config.project_dir).resolve()
        return base

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = self.project_root(config)
        if not self.root.is_dir():
            raise PluginError(f"briefgen: project_dir {self.root} is not a folder")
        self.project, self.report = load_and_check(self.root)
        if STYLESHEET not in [str(x) for x in config.extra_css]:
            config.extra_css.append(STYLESHEET)
        if SCRIPT not in [str(x) for x in config.extra_javascript]:
            config.extra_javascript.append(SCRIPT)
        report = self.report
        log.info(
            "briefgen: %d findings over %d sources (%d errors, %d warnings: run "
            "`briefgen check` for details)",
            len(self.project.findings), len(self.project.entries), report.errors,
            report.warnings,
        )
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if self.project is None:  # on_config always runs first
            raise PluginError("briefgen: the project was not loaded")
        overview = self.config.overview
        if not overview:
            overview = "corpus/index.md" if files.get_file_from_path("index.md") else "index.md"
        options = SiteOptions(
            directory_urls=config.use_directory_urls,
            overview=overview,
            latest=self.config.latest,
        )
        pages = build_pages(self.project, self.report, options)
        for problem in pages.diagnostics:
            log.warning("briefgen: %s", _describe(problem))
        for page in pages:
            if files.get_file_from_path(page.path) is not None:
                log.info("briefgen: docs/%s replaces the generated page", page.path)
                continue
            files.append(File.generated(config, page.path, content=page.content))
        return files

    def on_serve(self, server: Any, /, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.root is None or self.project is None:
            return server
        settings = self.project.config
        watched = [
            self.root / "briefgen.toml",
            self.root / settings.sources,
            self.root / settings.templates,
            self.root / settings.output / "briefs",
        ]
        for pattern in (*settings.bibliography, *settings.findings, *settings.briefs):
            top = pattern.split("/", 1)[0]
            if "*" not in top:
                watched.append(self.root / top)
        for path in dict.fromkeys(watched):
            if path.exists():
                server.watch(str(path))
        return server

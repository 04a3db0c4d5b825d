"""``briefgen site``: build the site as ``mkdocs build`` would, or write its pages only."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from briefgen.diagnostics import EXIT_ERRORS, BriefgenError
from briefgen.model import Diagnostic

__all__ = ["SiteError", "build_site", "default_mkdocs_config", "write_site_pages"]

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")


class SiteError(BriefgenError):
    """The site could not be built (MkDocs stopped, or strict mode found warnings)."""

    exit_code = EXIT_ERRORS


def default_mkdocs_config(root: Path, docs_dir: Path) -> str:
    """The ``mkdocs.yml`` used for a project that has none."""
    import json

    name = json.dumps(f"{root.resolve().name} literature review")
    return "\n".join([
        f"site_name: {name}",
        f"docs_dir: {json.dumps(str(docs_dir))}",
        f"site_dir: {json.dumps(str(root.resolve() / 'site'))}",
        "theme:",
        "  name: material",
        "  font: false",
        "  features: [navigation.sections, navigation.indexes, search.highlight]",
        "  palette:",
        "    - scheme: default",
        "      toggle: {icon: material/brightness-7, name: Switch to dark mode}",
        "    - scheme: slate",
        "      toggle: {icon: material/brightness-4, name: Switch to light mode}",
        "plugins:",
        "  - search",
        "  - briefgen:",
        f"      project_dir: {json.dumps(str(root.resolve()))}",
        "",
    ])  # fmt: skip


def build_site(
    root: Path | str = ".", *, strict: bool = False, site_dir: Path | str | None = None
) -> Path:
    """Build the site of the project at ``root`` into ``site/`` (or ``site_dir``).

    Uses the project's ``mkdocs.yml`` when there is one, else a default
    configuration (Material theme, search, briefgen). Returns the site folder.
    """
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError, PluginError

    project = Path(root)
    config_file = next((project / n for n in CONFIG_NAMES if (project / n).is_file()), None)
    logger = logging.getLogger("mkdocs")
    handler = None
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.setLevel(logging.WARNING)
        logger.addHandler(handler)
    try:
        with tempfile.TemporaryDirectory(prefix="briefgen-site-") as tmp:
            overrides: dict[str, Any] = {"strict": strict}
            if site_dir is not None:
                overrides["site_dir"] = str(Path(site_dir).resolve())
            if config_file is not None:
                if not _docs_dir_exists(config_file):
                    # A site of generated pages only: MkDocs still wants a docs folder.
                    empty = Path(tmp) / "docs"
                    empty.mkdir()
                    overrides["docs_dir"] = str(empty)
                config = load_config(str(config_file), **overrides)
            else:
                docs = Path(tmp) / "docs"
                docs.mkdir()
                generated = Path(tmp) / "mkdocs.yml"
                generated.write_text(default_mkdocs_config(project, docs), encoding="utf-8")
                config = load_config(str(generated), **overrides)
            build(config)
            return Path(config.site_dir)
    except (Abort, ConfigurationError, PluginError) as exc:
        raise SiteError(f"the site was not built: {exc}") from exc
    finally:
        if handler is not None:
            logger.removeHandler(handler)


def _docs_dir_exists(config_file: Path) -> bool:
    """Whether the docs folder that ``mkdocs.yml`` names (default ``docs``) exists."""
    try:
        from mkdocs.utils.yaml import yaml_load

        with config_file.open("rb") as stream:
            values = yaml_load(stream) or {}
        docs = values.get("docs_dir", "docs") if isinstance(values, dict) else "docs"
        return (config_file.parent / str(docs)).is_dir()
    except Exception:  # let MkDocs report whatever is wrong with the file
        return True


def write_site_pages(root: Path | str, folder: Path | str) -> tuple[list[Path], list[Diagnostic]]:
    """Write the site's Markdown pages under ``folder`` for any other site generator."""
    from briefgen import api
    from briefgen.site.pages import build_pages, write_pages

    project = api.load_project(root)
    report = api.check_project(project)
    pages = build_pages(project, report)
    return write_pages(pages, folder), list(pages.diagnostics)

"""Scaffold a new project: settings, a source, a finding, a brief and a site that pass ``check``.

:func:`init_project` writes only files that are missing and never touches one that
exists; it refuses a folder that already holds a ``briefgen.toml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefgen.diagnostics import EXIT_ERRORS, BriefgenError
from briefgen.project import CONFIG_FILE

__all__ = ["PROJECT_FILES", "InitError", "InitResult", "init_project"]


class InitError(BriefgenError):
    """The folder cannot be made into a new project."""

    exit_code = EXIT_ERRORS


@dataclass(frozen=True, slots=True)
class InitResult:
    """What :func:`init_project` did, as project-relative POSIX paths."""

    root: Path
    created: tuple[str, ...]
    kept: tuple[str, ...]  # files that existed already and were left as they were


_CONFIG = """\
# briefgen settings. Every key is optional: the values below are the defaults,
# written out so that this file documents them.
bibliography = ["bib/*.bib"]       # BibTeX / BibLaTeX files, or CSL-JSON *.json
sources = "sources"                # the text of entry KEY is sources/KEY.txt (or .md)
findings = ["findings/**/*.yaml"]  # findings: claim, quote, page, source, tags
briefs = ["briefs/*.md"]           # briefs: Markdown with Pandoc citations and Jinja
templates = "templates"            # your own layout, Typst template, DOCX reference
output = "build"                   # built briefs go to build/briefs/NAME.{pdf,docx,html,md}

# Per-code severity: "error", "warning" or "off" (see the diagnostics page).
# [severity]
# BIB008 = "off"
"""

_BIBLIOGRAPHY = """\
% One entry per source. The text of the entry with key KEY is sources/KEY.txt.
@misc{washington1796,
  author = {Washington, George},
  title  = {Farewell Address},
  year   = {1796},
  date   = {1796-09-19},
  note   = {Excerpt. The page break of sources/washington1796.txt is that of this
            two-page excerpt, not of a printed edition},
}
"""

_SOURCE = """\
Excerpt from George Washington's Farewell Address, published 19 September 1796.

Observe good faith and justice towards all nations; cultivate peace and harmony with
all. Religion and morality enjoin this conduct; and can it be, that good policy does
not equally enjoin it?

The great rule of conduct for us in regard to foreign nations is in extending our
commercial relations, to have with them as little political connection as possible.
So far as we have already formed engagements, let them be fulfilled with perfect good
faith. Here let us stop.
\f
Europe has a set of primary interests which to us have none; or a very remote
relation. Hence she must be engaged in frequent controversies, the causes of which are
essentially foreign to our concerns.

It is our true policy to steer clear of permanent alliances with any portion of the
foreign world; so far, I mean, as we are now at liberty to do it.

Taking care always to keep ourselves by suitable establishments on a respectable
defensive posture, we may safely trust to temporary alliances for extraordinary
emergencies.
"""

_FINDINGS = """\
# Findings from washington1796. Each finding is a claim in your own words, backed by a
# verbatim quote of sources/washington1796.txt; `briefgen check` verifies that the
# quote is in the source, on the page claimed. The form feed in the source text starts
# page 2. Add findings with `briefgen add finding`, or by hand.

- id: washington-trade-not-politics
  claim: >-
    Washington wanted wide trade with foreign nations but as few political ties with
    them as possible.
  source: washington1796
  quote: >-
    The great rule of conduct for us in regard to foreign nations is in extending our
    commercial relations, to have with them as little political connection as possible.
  page: 1
  tags: [trade, alliances]
  date: "1796-09-19"

- id: washington-no-permanent-alliances
  claim: >-
    He advised against permanent alliances, while allowing temporary ones for
    emergencies.
  source: washington1796
  quote: >-
    It is our true policy to steer clear of permanent alliances with any portion of the
    foreign world
  page: 2
  tags: [alliances]
  date: "1796-09-19"
"""

_BRIEF = """\
---
title: Trade without entanglement
subtitle: An example brief
authors: [Your name]
---

Washington's farewell advice separated commerce from politics:
{{ claim("washington-trade-not-politics") }}

{{ claim("washington-no-permanent-alliances") }} Temporary alliances remained
acceptable "for extraordinary emergencies" [@washington1796, p. 2].
"""

_MKDOCS = """\
site_name: My briefgen project
docs_dir: docs
site_dir: site

theme:
  name: material
  # No web font: the site loads nothing from outside itself.
  font: false

plugins:
  - search
  # A page per source, theme, finding and brief, built from this project.
  - briefgen
"""

_HOME = """\
# My briefgen project

A literature review built by briefgen from the findings of this project: see the
sources, themes, findings and briefs in the navigation.

- `briefgen check` verifies every quote of every finding against its source.
- `briefgen build` builds the briefs into `build/briefs/`.
- `mkdocs serve` (or `briefgen site`) builds this site.
"""

_GITIGNORE = """\
/build/
/site/
.briefgen-cache/
"""

PROJECT_FILES: dict[str, str] = {
    CONFIG_FILE: _CONFIG,
    "bib/references.bib": _BIBLIOGRAPHY,
    "sources/washington1796.txt": _SOURCE,
    "findings/washington1796.yaml": _FINDINGS,
    "briefs/example-brief.md": _BRIEF,
    "mkdocs.yml": _MKDOCS,
    "docs/index.md": _HOME,
    ".gitignore": _GITIGNORE,
}
"""Every file a new project gets, by project-relative path."""


def init_project(root: Path | str) -> InitResult:
    """Create a project in ``root`` (made if missing), writing only files that are missing.

    Raises InitError when ``root`` already has a ``briefgen.toml`` or is not a folder.
    """
    from briefgen.write import write_text_atomic

    root = Path(root)
    if root.exists() and not root.is_dir():
        raise InitError(
            f"{root}: exists and is not a folder",
            hint="Give a new or existing folder for the project.",
        )
    if (root / CONFIG_FILE).exists():
        raise InitError(
            f"{root / CONFIG_FILE} exists: {root} is already a briefgen project",
            hint="Run `briefgen check` there, or give another folder.",
        )
    created: list[str] = []
    kept: list[str] = []
    for rel, text in PROJECT_FILES.items():
        path = root / rel
        if path.exists() or path.is_symlink():
            kept.append(rel)
            continue
        try:
            write_text_atomic(path, text)
        except OSError as exc:
            raise InitError(f"cannot write {path}: {exc.strerror or exc}") from None
        created.append(rel)
    return InitResult(root=root, created=tuple(created), kept=tuple(kept))

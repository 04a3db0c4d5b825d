"""The diagnostic codes of the render stage (BRF0xx), added to briefgen's catalogue."""

from __future__ import annotations

from briefgen.diagnostics import CodeInfo, register_code

BRIEF_CODES = (
    CodeInfo(
        "BRF001",
        "error",
        "brief front matter is not valid YAML",
        "Fix the YAML between the two '---' lines at the top of the brief.",
    ),
    CodeInfo(
        "BRF002",
        "error",
        "brief front matter field has the wrong type",
        "title, subtitle, date, summary, csl and template are text; authors, "
        "key_judgments, recommendations and formats are lists.",
    ),
    CodeInfo(
        "BRF003",
        "error",
        "template syntax error",
        "Jinja tags are {% ... %} and {{ ... }}; comments are {## ... ##}.",
    ),
    CodeInfo(
        "BRF004",
        "error",
        "template error while rendering",
        "Front matter fields are meta.NAME; helpers are finding(), findings(), claim(), "
        "quote() and cite().",
    ),
    CodeInfo(
        "BRF005",
        "error",
        "brief names an unknown finding or cite key",
        "Check the id against findings/ (briefgen check lists them).",
    ),
    CodeInfo(
        "BRF006",
        "error",
        "brief uses a finding whose check failed",
        "Fix the finding, stop using it, or build with --force.",
    ),
    CodeInfo(
        "BRF007",
        "error",
        "unknown CSL style",
        "Name a style of the CSL repository (chicago-author-date, "
        "chicago-notes-bibliography, apa ...) or give a .csl path.",
    ),
    CodeInfo(
        "BRF008",
        "error",
        "CSL style file missing or outside the project",
        "Give a path relative to the project root, inside the project.",
    ),
    CodeInfo(
        "BRF009",
        "error",
        "layout template not found",
        "Put the template in templates/, or leave 'template' out of the front matter.",
    ),
    CodeInfo("BRF010", "error", "pandoc failed", "Read pandoc's message; check raw blocks."),
    CodeInfo(
        "BRF011",
        "error",
        "typst failed making the PDF",
        "Check raw Typst in the brief or templates/brief.typ.",
    ),
    CodeInfo("BRF012", "error", "no such brief", "Name a brief by file name or path."),
    CodeInfo("BRF013", "error", "unknown output format", "Use pdf, docx, html or md."),
    CodeInfo("BRF014", "warning", "pandoc warning", "Read pandoc's message."),
    CodeInfo(
        "BRF015",
        "warning",
        "text outside blocks is ignored",
        "When a brief fills {% block %}s, put all its text inside them.",
    ),
    CodeInfo(
        "BRF099",
        "error",
        "internal error while building a brief",
        "Please report it, with the brief.",
    ),
)

for _info in BRIEF_CODES:
    register_code(_info)

"""Split a brief into its YAML front matter and its body, keeping line numbers."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from briefgen.model import Diagnostic, Span

__all__ = ["FORMATS", "BriefMeta", "parse_front_matter"]

FORMATS = ("pdf", "docx", "html", "md")

_OPEN_RE = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n")
_CLOSE_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)

# Keys briefgen itself reads; everything else is passed to Pandoc as metadata.
_STRING_KEYS = (
    "title",
    "subtitle",
    "date",
    "summary",
    "csl",
    "template",
    "lang",
    "series",
    "organisation",
    "organization",
)
_LIST_KEYS = ("key_judgments", "recommendations")


@dataclass(frozen=True, slots=True)
class BriefMeta:
    """A brief's front matter, checked.

    ``body`` is the text after the front matter, preceded by as many blank
    lines as the front matter took, so that line N of ``body`` is line N of
    the file.
    """

    values: Mapping[str, Any]
    body: str
    body_line: int  # 1-based line where the body starts
    title: str | None = None
    authors: tuple[str, ...] = ()
    csl: str | None = None
    template: str | None = None
    formats: tuple[str, ...] | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _author_names(raw: Any) -> tuple[str, ...] | None:
    if raw is None:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, Mapping) and isinstance(item.get("name"), str):
            out.append(item["name"])
        else:
            return None
    return tuple(out)


def parse_front_matter(text: str, path: str) -> tuple[BriefMeta, list[Diagnostic]]:
    """Read the YAML front matter of a brief at ``path`` (project-relative).

    Problems become BRF001 (YAML syntax) and BRF002 (a field of the wrong type)
    diagnostics; the brief is still returned with what could be read.
    """
    import yaml

    diagnostics: list[Diagnostic] = []
    text = text.replace("\r\n", "\n")
    opening = _OPEN_RE.match(text)
    if not opening:
        return BriefMeta(values={}, body=text, body_line=1), diagnostics
    closing = _CLOSE_RE.search(text, opening.end())
    if not closing:
        diagnostics.append(
            Diagnostic(
                "BRF001",
                "error",
                "front matter is not closed",
                span=Span(path, 1, 1),
                hint="end the YAML front matter with a line '---'",
            )
        )
        return BriefMeta(values={}, body=text, body_line=1), diagnostics
    yaml_text = text[opening.end() : closing.start()]
    end = closing.end()
    if end < len(text) and text[end] == "\n":
        end += 1
    consumed_lines = text.count("\n", 0, end)
    body = "\n" * consumed_lines + text[end:]
    body_line = consumed_lines + 1

    try:
        loaded = yaml.safe_load(yaml_text) if yaml_text.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        column = mark.column + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        diagnostics.append(
            Diagnostic(
                "BRF001",
                "error",
                f"front matter is not valid YAML: {problem}",
                span=Span(path, line, column),
            )
        )
        return BriefMeta(values={}, body=body, body_line=body_line), diagnostics
    if not isinstance(loaded, dict):
        diagnostics.append(
            Diagnostic(
                "BRF002", "error", "front matter must be a mapping of fields", span=Span(path, 2, 1)
            )
        )
        return BriefMeta(values={}, body=body, body_line=body_line), diagnostics

    values: dict[str, Any] = {str(k): v for k, v in loaded.items()}
    key_lines = _key_lines(yaml_text)

    def bad(key: str, message: str) -> None:
        diagnostics.append(
            Diagnostic("BRF002", "error", message, span=Span(path, key_lines.get(key, 2), 1))
        )

    for key in _STRING_KEYS:
        value = values.get(key)
        if isinstance(value, datetime.date):
            values[key] = value.isoformat()
        elif value is not None and not isinstance(value, str | int | float):
            bad(key, f"front matter field '{key}' must be text")
            values.pop(key)
        elif value is not None and not isinstance(value, str):
            values[key] = str(value)
    for key in _LIST_KEYS:
        value = values.get(key)
        if value is None:
            continue
        if isinstance(value, str):
            values[key] = [value]
        elif not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            bad(key, f"front matter field '{key}' must be a list of text items")
            values.pop(key)

    authors_raw = values.get("authors", values.get("author"))
    authors = _author_names(authors_raw)
    if authors is None:
        bad(
            "authors" if "authors" in values else "author",
            "front matter field 'authors' must be a list of names",
        )
        authors = ()

    formats: tuple[str, ...] | None = None
    if "formats" in values:
        raw_formats = values["formats"]
        if isinstance(raw_formats, str):
            raw_formats = [f.strip() for f in raw_formats.split(",") if f.strip()]
        if isinstance(raw_formats, list) and all(isinstance(f, str) for f in raw_formats):
            unknown = [f for f in raw_formats if f not in FORMATS]
            if unknown:
                bad(
                    "formats",
                    f"unknown output format(s) {', '.join(unknown)}; "
                    f"choose from {', '.join(FORMATS)}",
                )
            formats = tuple(f for f in raw_formats if f in FORMATS)
        else:
            bad("formats", "front matter field 'formats' must be a list such as [pdf, docx]")

    meta = BriefMeta(
        values=values,
        body=body,
        body_line=body_line,
        title=values.get("title"),
        authors=authors,
        csl=values.get("csl"),
        template=values.get("template"),
        formats=formats,
        extra={"key_lines": key_lines},
    )
    return meta, diagnostics


def _key_lines(yaml_text: str) -> dict[str, int]:
    """File line of each top-level key (the front matter starts on line 2)."""
    out: dict[str, int] = {}
    for number, line in enumerate(yaml_text.splitlines(), start=2):
        match = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if match and match.group(1) not in out:
            out[match.group(1)] = number
    return out

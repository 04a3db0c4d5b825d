"""CSL style lookup (briefgen.render.csl)."""

from __future__ import annotations

from pathlib import Path

from briefgen.render.csl import is_note_style, resolve_csl


def test_default_style_is_chicago_author_date(tmp_path: Path) -> None:
    path, diagnostics = resolve_csl(None, tmp_path)
    assert diagnostics == []
    assert path is not None and path.name == "chicago-author-date.csl"
    assert not is_note_style(path)


def test_chicago_note_bibliography_alias_is_a_note_style(tmp_path: Path) -> None:
    path, diagnostics = resolve_csl("chicago-note-bibliography", tmp_path)
    assert diagnostics == []
    assert path is not None and is_note_style(path)


def test_style_by_path_inside_project(tmp_path: Path) -> None:
    style = tmp_path / "styles" / "mine.csl"
    style.parent.mkdir()
    style.write_text('<style><info><category citation-format="note"/></info></style>')
    path, diagnostics = resolve_csl("styles/mine.csl", tmp_path)
    assert diagnostics == [] and path == style.resolve()
    assert is_note_style(style)


def test_style_outside_project_or_missing_or_unknown(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "evil.csl").write_text("<style/>")
    _, outside = resolve_csl("../evil.csl", project)
    _, missing = resolve_csl("styles/none.csl", project)
    _, unknown = resolve_csl("no-such-style-anywhere", project)
    assert [d.code for d in outside] == ["BRF008"]
    assert "outside" in outside[0].message
    assert [d.code for d in missing] == ["BRF008"]
    assert [d.code for d in unknown] == ["BRF007"]

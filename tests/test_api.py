"""The public API works end to end on a new project."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from briefgen import api
from briefgen.cli import cli


def test_check_build_and_site_through_the_api(tmp_path: Path) -> None:
    project = tmp_path / "review"
    assert CliRunner().invoke(cli, ["init", str(project)]).exit_code == 0
    report = api.check(project)
    assert report.errors == 0 and report.findings
    result = api.build(project, formats=["html", "md"])
    assert [b.status for b in result.briefs] == ["built"]
    assert (project / "build/briefs/example-brief.html").is_file()
    again = api.build(project, formats=["html", "md"])
    assert [b.status for b in again.briefs] == ["skipped"]
    site = api.build_site(project)
    assert (site / "index.html").is_file()
    assert any((site / "sources").iterdir())

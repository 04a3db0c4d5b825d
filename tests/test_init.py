"""`briefgen init`: a new project that passes check, builds, and makes a site."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli
from briefgen.init import PROJECT_FILES


def _run(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run briefgen in ``cwd`` as a user would from a shell."""
    old = Path.cwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(cli, args, prog_name="briefgen")
    finally:
        os.chdir(old)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_init_creates_every_file_and_reports_them(tmp_path: Path) -> None:
    code, out, _ = _run(["init", "review"], tmp_path)
    assert code == 0
    project = tmp_path / "review"
    for rel in PROJECT_FILES:
        assert (project / rel).is_file(), rel
        assert f"created review/{rel}" in out
    assert "next: cd review && briefgen check" in out
    mkdocs = (project / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- briefgen" in mkdocs and "- search" in mkdocs and "name: material" in mkdocs


def test_new_project_passes_check_with_every_quote_verified(tmp_path: Path) -> None:
    assert _run(["init", "."], tmp_path)[0] == 0
    code, out, _ = _run(["check", "--format", "json"], tmp_path)
    assert code == 0
    report = json.loads(out)
    assert report["diagnostics"] == []
    assert report["summary"]["entries"] == 1
    assert report["summary"]["sources"] == 1
    statuses = [e["status"] for f in report["findings"] for e in f["evidence"]]
    assert statuses == ["verified", "verified"]
    # The page claims are really checked: the source has a page break.
    pages = [e["pages_found"] for f in report["findings"] for e in f["evidence"]]
    assert pages == [["1"], ["2"]]
    assert [c["resolved"] for c in report["citations"]] == [True]


@pytest.mark.slow
def test_new_project_builds_html_md_and_pdf(tmp_path: Path) -> None:
    assert _run(["init"], tmp_path)[0] == 0
    code, out, err = _run(["build", "--to", "html,md"], tmp_path)
    assert code == 0, out + err
    built = tmp_path / "build" / "briefs"
    markdown = (built / "example-brief.md").read_text(encoding="utf-8")
    assert "[@washington1796, p. 1]" in markdown
    html = (built / "example-brief.html").read_text(encoding="utf-8")
    assert "Washington" in html and "1796" in html
    code, out, err = _run(["build", "--to", "pdf"], tmp_path)
    assert code == 0, out + err
    assert (built / "example-brief.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_new_project_builds_its_site_with_mkdocs(tmp_path: Path) -> None:
    assert _run(["init", "site-project"], tmp_path)[0] == 0
    project = tmp_path / "site-project"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    site = project / "site"
    assert (site / "index.html").is_file()
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    assert any("washington1796" in p for p in pages), pages  # the source's page
    assert any("alliances" in p for p in pages), pages  # a tag's page


def test_init_refuses_an_existing_project_and_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text('sources = "texts"\n', encoding="utf-8")
    code, out, err = _run(["init", "."], tmp_path)
    assert code == 1
    assert "is already a briefgen project" in err
    assert out == ""
    assert [p.name for p in tmp_path.iterdir()] == ["briefgen.toml"]
    assert (tmp_path / "briefgen.toml").read_text(encoding="utf-8") == 'sources = "texts"\n'


def test_init_keeps_files_that_exist(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# My own home page\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: Mine\nplugins: [briefgen]\n", encoding="utf-8")
    code, out, _ = _run(["init"], tmp_path)
    assert code == 0
    assert "kept    docs/index.md (it exists)" in out
    assert "kept    mkdocs.yml (it exists)" in out
    assert "created briefgen.toml" in out
    assert (tmp_path / "docs" / "index.md").read_text(encoding="utf-8") == "# My own home page\n"
    assert (tmp_path / "mkdocs.yml").read_text(encoding="utf-8").startswith("site_name: Mine")


def test_init_on_a_file_is_an_error_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    code, _, err = _run(["init", "notes.txt"], tmp_path)
    assert code in (1, 2)
    assert "notes.txt" in err


def test_init_quiet_prints_nothing(tmp_path: Path) -> None:
    code, out, err = _run(["--quiet", "init", "q"], tmp_path)
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "q" / "briefgen.toml").is_file()

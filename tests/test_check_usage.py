"""`check` that cannot run: exit 2, and machine formats still print their report."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from briefgen.cli import cli


def test_missing_bibliography_file_is_a_usage_error(tmp_path: Path) -> None:
    doc = tmp_path / "paper.md"
    doc.write_text("As shown [@a].\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--bib", str(tmp_path / "nope.bib"), str(doc)])
    assert result.exit_code == 2
    assert "nope.bib: no such file" in result.output
    assert "Traceback" not in result.output


def test_json_report_on_invalid_config(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text("sources = 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(tmp_path)])
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    (d,) = report["diagnostics"]
    assert (d["code"], d["file"], d["line"], d["severity"]) == (
        "CFG001", "briefgen.toml", 1, "error")
    assert report["summary"]["errors"] == 1


def test_github_annotation_on_invalid_config(tmp_path: Path) -> None:
    (tmp_path / "briefgen.toml").write_text("findings = [\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "github", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stdout.startswith("::error file=briefgen.toml,line=")


def test_references_in_front_matter_resolve(tmp_path: Path) -> None:
    doc = tmp_path / "paper.md"
    doc.write_text("---\ntitle: x\nreferences:\n- id: inyaml\n  type: book\n  title: T\n---\n\n"
                   "See @inyaml and @other.\n", encoding="utf-8")
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{a, author={A}, title={T}, year={2000}}\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "json", "--bib", str(bib), str(doc)])
    report = json.loads(result.stdout)
    assert {c["key"]: c["resolved"] for c in report["citations"]} == {
        "inyaml": True, "other": False}
    assert result.exit_code == 1

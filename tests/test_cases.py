"""Golden cases: a small project per diagnostic, its expected report and exit status.

Each folder of tests/cases/ is a project. ``expected.json`` holds the exit status of
``briefgen check --format json``, every diagnostic as [severity, code, file, line] and
every finding's evidence statuses; ``expected.txt`` the exact text output.
Regenerate on purpose with ``BRIEFGEN_REGEN=1 python -m pytest tests/test_cases.py``
and read the diff before committing it.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

CASES = Path(__file__).parent / "cases"
REGEN = os.environ.get("BRIEFGEN_REGEN") == "1"
EXPECTED = {"expected.json", "expected.txt"}


def _copy(case: Path, tmp_path: Path) -> Path:
    project = tmp_path / case.name
    shutil.copytree(case, project, ignore=shutil.ignore_patterns(*EXPECTED))
    return project


def _summarise(result_json: dict, exit_code: int) -> dict:
    return {
        "exit": exit_code,
        "diagnostics": [[d["severity"], d["code"], d["file"], d["line"]]
                        for d in result_json["diagnostics"]],
        "statuses": {f["id"]: [e["status"] for e in f["evidence"]]
                     for f in result_json["findings"]},
    }


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_case(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = CASES / case
    project = _copy(src, tmp_path)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    runner = CliRunner()
    monkeypatch.chdir(project)
    res_json = runner.invoke(cli, ["check", "--format", "json", "."])
    res_text = runner.invoke(cli, ["check", "."])
    assert res_json.exception is None or isinstance(res_json.exception, SystemExit)
    assert "Traceback" not in res_json.output + res_text.output
    assert res_json.exit_code == res_text.exit_code
    # Even when check cannot run (exit 2), --format json prints one report.
    summary = _summarise(json.loads(res_json.stdout), res_json.exit_code)
    text = res_text.output
    # check never writes
    after = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert after == before
    if REGEN:
        (src / "expected.json").write_text(json.dumps(summary, indent=1) + "\n")
        (src / "expected.txt").write_text(text)
    expected = json.loads((src / "expected.json").read_text())
    assert summary == expected
    assert text == (src / "expected.txt").read_text()

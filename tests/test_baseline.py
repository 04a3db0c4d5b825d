"""Adopting briefgen on a project with problems: baselines and the severity policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.init import init_project

BRIEF = "briefs/example-brief.md"


def _check(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["check", str(root), *args], prog_name="briefgen")
    assert "Traceback" not in result.output
    return result


def _codes(result: Result) -> list[tuple[str, str]]:
    return [(d["code"], d["severity"]) for d in json.loads(result.stdout)["diagnostics"]]


@pytest.fixture
def troubled(tmp_path: Path) -> Path:
    """A project with today's problems: a changed quote, unknown citations, an unused entry."""
    root = tmp_path / "troubled"
    init_project(root)
    with (root / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@book{unused2001, author = {Roe, Ann}, title = {Unused}, "
            "publisher = {P}, year = {2001}}\n"
        )
    with (root / "findings" / "washington1796.yaml").open("a", encoding="utf-8") as f:
        f.write(
            "\n- id: changed-word\n  claim: c\n  source: washington1796\n"
            "  quote: Here let us go on.\n"
        )
    with (root / BRIEF).open("a", encoding="utf-8") as brief:
        brief.write("\nSee also [@nosuch1999] and again @nosuch1999.\n")
    return root


def test_baseline_adoption_then_only_new_problems_fail(troubled: Path) -> None:
    baseline = troubled / ".briefgen-baseline.json"
    first = _check(troubled, "--write-baseline", str(baseline), "--format", "json")
    assert first.exit_code == 1  # today's problems are still reported when writing
    today = _codes(first)
    assert ("FND003", "error") in today and ("CIT001", "error") in today
    assert ("BIB008", "warning") in today
    recorded = json.loads(baseline.read_text(encoding="utf-8"))
    assert len(recorded["diagnostics"]) == len(today)

    clean = _check(troubled, "--baseline", str(baseline))
    assert clean.exit_code == 0, clean.output
    assert clean.stdout.endswith(": 0 errors, 0 warnings\n")

    # Lines move (a paragraph added at the top of the brief), and one new broken
    # citation appears: only that one is reported.
    text = (troubled / BRIEF).read_text(encoding="utf-8")
    head, body = text.split("---\n", 2)[1:]
    (troubled / BRIEF).write_text(
        f"---\n{head}---\nA new opening paragraph.\n\nAnd a second one.\n{body}"
        "\nA new claim [@missing2020].\n",
        encoding="utf-8",
    )
    new = _check(troubled, "--baseline", str(baseline))
    assert new.exit_code == 1
    problems = [line for line in new.stdout.splitlines() if " error " in line]
    assert len(problems) == 1
    assert "CIT001" in problems[0] and "missing2020" in problems[0]
    assert "nosuch1999" not in new.stdout
    assert new.stdout.endswith(": 1 error, 0 warnings\n")
    as_json = _check(troubled, "--baseline", str(baseline), "--format", "json")
    assert [(d["code"], d["key"]) for d in json.loads(as_json.stdout)["diagnostics"]] == [
        ("CIT001", "missing2020")
    ]


def test_a_baseline_counts_occurrences(troubled: Path) -> None:
    baseline = troubled / "baseline.json"
    _check(troubled, "--write-baseline", str(baseline))
    with (troubled / BRIEF).open("a", encoding="utf-8") as brief:
        brief.write("\nA third citation of [@nosuch1999].\n")
    result = _check(troubled, "--baseline", str(baseline), "--format", "json")
    assert result.exit_code == 1
    assert [(d["code"], d["key"]) for d in json.loads(result.stdout)["diagnostics"]] == [
        ("CIT001", "nosuch1999")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read the baseline"),
        ("not json", "not a briefgen baseline file"),
        ('{"version": 1}', "not a briefgen baseline file"),
    ],
)
def test_a_bad_baseline_is_a_usage_error(troubled: Path, content: str | None, message: str) -> None:
    path = troubled / "baseline.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = _check(troubled, "--baseline", str(path))
    assert result.exit_code == 2
    assert message in result.stderr


# --- severity policy ------------------------------------------------------------------


def _configure(root: Path, toml: str) -> None:
    (root / "briefgen.toml").write_text(toml, encoding="utf-8")


def test_severity_per_code_turns_checks_off_up_and_down(troubled: Path) -> None:
    _configure(troubled, '[severity]\nBIB008 = "off"\nCIT001 = "warning"\nFND003 = "warning"\n')
    result = _check(troubled, "--format", "json")
    assert result.exit_code == 0
    codes = _codes(result)
    assert ("BIB008", "warning") not in codes
    assert ("CIT001", "warning") in codes and ("FND003", "warning") in codes
    assert all(severity == "warning" for _, severity in codes)
    assert _check(troubled, "--strict").exit_code == 1


def test_severity_can_make_a_warning_an_error(tmp_path: Path) -> None:
    init_project(tmp_path)
    with (tmp_path / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@book{unused2001, author = {Roe, Ann}, title = {U}, publisher = {P}, "
            "year = {2001}}\n"
        )
    assert _check(tmp_path).exit_code == 0
    _configure(tmp_path, '[severity]\nbib008 = "error"\nSRC001 = "off"\n')
    result = _check(tmp_path, "--format", "json")
    assert result.exit_code == 1
    assert _codes(result) == [("BIB008", "error")]


def test_per_file_severity_for_a_shared_bibliography(tmp_path: Path) -> None:
    init_project(tmp_path)
    (tmp_path / "bib" / "shared.bib").write_text(
        "@book{shared2001, author = {Roe, Ann}, title = {Shared}, publisher = {P}, "
        "year = {2001}}\n",
        encoding="utf-8",
    )
    with (tmp_path / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write(
            "\n@book{own2001, author = {Roe, Ann}, title = {Own}, publisher = {P}, year = {2001}}\n"
        )
    # A shared bibliography has many entries this project neither cites nor has texts for.
    _configure(
        tmp_path, '[per-file-severity]\n"bib/shared*.bib" = { BIB008 = "off", SRC001 = "off" }\n'
    )
    result = _check(tmp_path, "--format", "json")
    assert result.exit_code == 0
    found = [(d["code"], d["file"], d["key"]) for d in json.loads(result.stdout)["diagnostics"]]
    assert found == [
        ("BIB008", "bib/references.bib", "own2001"),
        ("SRC001", "bib/references.bib", "own2001"),
    ]


@pytest.mark.parametrize(
    "toml",
    [
        '[severity]\nBIB008 = "silent"\n',
        '[per-file-severity]\n"bib/*.bib" = "off"\n',
    ],
)
def test_an_invalid_severity_is_a_configuration_error(tmp_path: Path, toml: str) -> None:
    init_project(tmp_path)
    _configure(tmp_path, toml)
    result = _check(tmp_path)
    assert result.exit_code == 2
    assert "CFG001" in result.stderr

"""CI output of `briefgen check`: JUnit and SARIF valid against their schemas, GitHub
annotations, and the pre-commit hooks and the workflow of this repository."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from lxml import etree

from briefgen.cli import cli
from briefgen.diagnostics import render_junit, render_sarif
from briefgen.model import CheckReport, Diagnostic, Span

REPO = Path(__file__).resolve().parents[1]
SCHEMAS = Path(__file__).parent / "data" / "schemas"
CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def junit_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "junit.xsd")))


def _check(project: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", str(project), *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout


def _json_report(project: Path) -> dict:
    return json.loads(_check(project, "--format", "json")[1])


def _assert_sarif(text: str, validator: jsonschema.Draft4Validator, report: dict) -> None:
    log = json.loads(text)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    run = log["runs"][0]
    results = run["results"]
    assert len(results) == len(report["diagnostics"])
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result, diagnostic in zip(results, report["diagnostics"], strict=True):
        assert result["ruleId"] == diagnostic["code"]
        assert rules[result["ruleIndex"]] == diagnostic["code"]
        assert result["level"] == diagnostic["severity"]
        if diagnostic["file"]:
            location = result["locations"][0]["physicalLocation"]
            uri = location["artifactLocation"]["uri"]
            assert unquote(uri) == diagnostic["file"]
            assert re.fullmatch(r"[A-Za-z0-9/._~%-]+", uri), uri  # a relative URI reference
            if diagnostic["line"]:
                assert location["region"]["startLine"] == diagnostic["line"]


def _assert_junit(text: str, schema: etree.XMLSchema, report: dict) -> None:
    document = etree.fromstring(text.encode("utf-8"))
    assert schema.validate(document), schema.error_log
    failures = document.findall(".//failure")
    assert len(failures) == report["summary"]["errors"]
    assert int(document.get("failures")) == report["summary"]["errors"]
    assert int(document.get("tests")) == len(document.findall(".//testcase"))
    for suite in document.findall("testsuite"):
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))


@pytest.mark.parametrize("case", [c.name for c in CASES])
def test_every_golden_case_gives_valid_sarif_and_junit(
    case: str, sarif_validator: jsonschema.Draft4Validator, junit_schema: etree.XMLSchema
) -> None:
    project = Path(__file__).parent / "cases" / case
    code, _ = _check(project, "--format", "json")
    if code == 2:  # an invalid briefgen.toml: no report, in any format
        assert _check(project, "--format", "sarif")[0] == 2
        return
    report = _json_report(project)
    sarif_code, sarif = _check(project, "--format", "sarif")
    junit_code, junit = _check(project, "--format", "junit")
    assert sarif_code == junit_code == code
    _assert_sarif(sarif, sarif_validator, report)
    _assert_junit(junit, junit_schema, report)


def test_the_example_corpus_gives_valid_reports(
    sarif_validator: jsonschema.Draft4Validator, junit_schema: etree.XMLSchema
) -> None:
    report = _json_report(REPO)
    _assert_sarif(_check(REPO, "--format", "sarif")[1], sarif_validator, report)
    junit = _check(REPO, "--format", "junit")[1]
    _assert_junit(junit, junit_schema, report)
    document = etree.fromstring(junit.encode("utf-8"))
    verified = document.find("testsuite[@name='verified quotes']")
    assert verified is not None and int(verified.get("tests")) > 50


def test_awkward_text_stays_valid(
    sarif_validator: jsonschema.Draft4Validator, junit_schema: etree.XMLSchema
) -> None:
    """Control characters, markup and non-BMP text in messages and paths."""
    diagnostics = (
        Diagnostic(
            "FND003",
            "error",
            'quote \x01 not <found> & "x"\x0c \ufffe \U0001f600',
            Span("findings/a b&c.yaml", 3, 2),
            notes=("n\x0bote ]]> <!--",),
        ),
        Diagnostic("BIB008", "warning", "unused\x02 entry", Span("bib/ü.bib", 1)),
        Diagnostic("CFG003", "warning", "no bibliography", None),
        Diagnostic("XYZ999", "error", "a code from elsewhere", Span("x.md")),
    )
    report = CheckReport(diagnostics, (), (), 1, 1)
    as_dict = {
        "diagnostics": [
            {
                "code": d.code,
                "severity": d.severity,
                "file": d.span.path if d.span else None,
                "line": d.span.line if d.span else None,
            }
            for d in diagnostics
        ],
        "summary": {"errors": 2},
    }
    _assert_sarif(render_sarif(report), sarif_validator, as_dict)
    _assert_junit(render_junit(report), junit_schema, as_dict)


def test_output_file_and_github_annotations(tmp_path: Path) -> None:
    project = Path(__file__).parent / "cases" / "fnd004-wrong-page"
    out = tmp_path / "reports" / "check.sarif"
    code, stdout = _check(project, "--format", "sarif", "-o", str(out))
    assert code == 1 and stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["version"] == "2.1.0"
    code, stdout = _check(project, "--format", "github")
    report = _json_report(project)
    lines = stdout.splitlines()
    assert len(lines) == len(report["diagnostics"])
    first = report["diagnostics"][0]
    assert lines[0].startswith(f"::error file={first['file']},line={first['line']},")
    assert "title=FND004::" in lines[0]


# --- the pre-commit hooks and the workflow --------------------------------------------


def _briefgen() -> list[str]:
    found = shutil.which("briefgen", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "briefgen"]


def _hooks() -> dict[str, dict]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


def test_pre_commit_hooks_are_well_formed() -> None:
    hooks = _hooks()
    assert set(hooks) == {"briefgen-check", "briefgen-check-documents"}
    for hook in hooks.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"
        assert hook["entry"].startswith("briefgen check")
        re.compile(hook["files"])
    project_hook = hooks["briefgen-check"]
    assert project_hook["pass_filenames"] is False
    for path in [
        "findings/russia.yaml",
        "bib/corpus.bib",
        "briefs/a.md",
        "sources/k.txt",
        "briefgen.toml",
        "refs.json",
        "paper.qmd",
        "paper.Rmd",
    ]:
        assert re.search(project_hook["files"], path), path
    assert not re.search(project_hook["files"], "src/briefgen/cli.py")
    documents_hook = hooks["briefgen-check-documents"]
    assert documents_hook["pass_filenames"] is True
    for path in ["paper.md", "chapter.qmd", "analysis.Rmd", "notes.rmd"]:
        assert re.search(documents_hook["files"], path), path
    assert not re.search(documents_hook["files"], "refs.bib")


def _run_hook(
    hook: dict, cwd: Path, args: list[str], files: list[str]
) -> subprocess.CompletedProcess[str]:
    """Run a hook as pre-commit does: entry, then args, then the file names."""
    command = _briefgen() + shlex.split(hook["entry"])[1:] + args
    if hook.get("pass_filenames", True):
        command += files
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR",)}
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_the_project_hook_runs_check(tmp_path: Path) -> None:
    project = tmp_path / "case"
    shutil.copytree(Path(__file__).parent / "cases" / "clean", project)
    hook = _hooks()["briefgen-check"]
    done = _run_hook(hook, project, [], ["findings/example.yaml"])
    assert done.returncode == 0, done.stdout + done.stderr
    (project / "findings" / "example.yaml").write_text(
        (project / "findings" / "example.yaml")
        .read_text()
        .replace("12 agreements", "13 agreements")
    )
    done = _run_hook(hook, project, [], ["findings/example.yaml"])
    assert done.returncode == 1
    assert "FND003" in done.stdout


def test_the_documents_hook_checks_manuscripts(tmp_path: Path) -> None:
    (tmp_path / "references.bib").write_text(
        "@book{doe2019, author = {Doe, John}, title = {T}, publisher = {P}, year = {2019}}\n"
    )
    (tmp_path / "paper.qmd").write_text("---\ntitle: x\n---\nAs @doe2019 says.\n")
    (tmp_path / "analysis.Rmd").write_text(
        "Text [@doe2019, p. 3].\n\n```{r}\nmail <- 'a@example.org'\n```\n"
    )
    hook = _hooks()["briefgen-check-documents"]
    done = _run_hook(hook, tmp_path, ["--bib", "references.bib"], ["paper.qmd", "analysis.Rmd"])
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "paper.qmd").write_text("As @doe2019 and @roe2020 say.\n")
    done = _run_hook(hook, tmp_path, ["--bib", "references.bib"], ["paper.qmd", "analysis.Rmd"])
    assert done.returncode == 1
    assert "paper.qmd:1:" in done.stdout and "CIT001" in done.stdout
    assert "roe2020" in done.stdout


def test_the_workflow_checks_builds_and_uploads() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "briefgen.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers and "push" in triggers
    steps = [step for job in workflow["jobs"].values() for step in job["steps"]]
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "briefgen check --format github" in runs
    assert "--format junit" in runs and "--format sarif" in runs
    assert "briefgen build" in runs and "briefgen site" in runs
    uploads = [
        step["with"]["path"]
        for step in steps
        if step.get("uses", "").startswith("actions/upload-artifact")
    ]
    assert "build/briefs/" in uploads and "site/" in uploads
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps
    )

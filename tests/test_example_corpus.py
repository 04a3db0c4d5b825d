"""The example corpus checks clean, and each kind of breakage is caught where it is."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefgen.cli import cli

REPO = Path(__file__).resolve().parents[1]
FINDING = "weitz-csto-suspension-2012"


def run_check(project: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(project)])
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="module")
def report() -> dict:
    code, data = run_check(REPO)
    assert code == 0, [d for d in data["diagnostics"] if d["severity"] == "error"]
    return data


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the example project's inputs, to break."""
    for name in ("briefgen.toml", "bib", "sources", "findings", "briefs"):
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name)
        elif src.is_file():
            shutil.copy(src, tmp_path / name)
    return tmp_path


def test_every_finding_verifies(report: dict) -> None:
    statuses = Counter(e["status"] for f in report["findings"] for e in f["evidence"])
    assert set(statuses) <= {"verified", "fuzzy"}
    assert statuses["fuzzy"] <= 4
    assert report["summary"]["errors"] == 0
    assert report["summary"]["entries"] == 5 and report["summary"]["sources"] == 5


def test_corpus_size_and_coverage(report: dict) -> None:
    findings = report["findings"]
    assert len(findings) >= 40
    per_source = Counter(e["source"] for f in findings for e in f["evidence"])
    assert len(per_source) == 5 and min(per_source.values()) >= 5
    tags = Counter(t for f in findings for t in f["tags"])
    assert len(tags) >= 6
    assert sum(1 for f in findings if f["date"]) >= 20


def test_page_claims_are_checked_on_the_paged_source(report: dict) -> None:
    weitz = [e for f in report["findings"] for e in f["evidence"] if e["source"] == "weitz2014"]
    assert weitz and all(e["pages_found"] for e in weitz)
    assert any(len(e["pages_found"]) == 2 for e in weitz), "a quote spanning 147-148"


def _line_of(path: Path, needle: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines[after:], after + 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def _finding(data: dict, fid: str) -> dict:
    return next(f for f in data["findings"] if f["id"] == fid)


def _errors(data: dict) -> list[tuple[str, str, int]]:
    return [(d["code"], d["file"], d["line"]) for d in data["diagnostics"]
            if d["severity"] == "error"]


def test_changed_number_is_not_found(corpus: Path) -> None:
    path = corpus / "findings/weitz2014.yaml"
    start = _line_of(path, f"id: {FINDING}")
    quote_line = _line_of(path, "quote:", start)
    page_line = _line_of(path, "page:", start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    quote = "".join(lines[quote_line - 1 : page_line - 1])
    assert quote.count("2012") == 1
    lines[quote_line - 1 : page_line - 1] = [quote.replace("2012", "2013")]
    path.write_text("".join(lines), encoding="utf-8")
    code, data = run_check(corpus)
    assert code == 1
    assert _finding(data, FINDING)["evidence"][0]["status"] == "not-found"
    assert _errors(data) == [("FND003", "findings/weitz2014.yaml", quote_line)]


def test_wrong_page(corpus: Path) -> None:
    path = corpus / "findings/weitz2014.yaml"
    start = _line_of(path, f"id: {FINDING}")
    page_line = _line_of(path, "page:", start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[page_line - 1] = '  page: "149"\n'
    path.write_text("".join(lines), encoding="utf-8")
    code, data = run_check(corpus)
    assert code == 1
    ev = _finding(data, FINDING)["evidence"][0]
    assert (ev["status"], ev["page_claimed"], ev["pages_found"]) == ("wrong-page", "149", ["147"])
    assert _errors(data) == [("FND004", "findings/weitz2014.yaml", page_line)]


def test_missing_key(corpus: Path) -> None:
    path = corpus / "findings/weitz2014.yaml"
    start = _line_of(path, f"id: {FINDING}")
    source_line = _line_of(path, "source: weitz2014", start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[source_line - 1] = "  source: weitz2015\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, data = run_check(corpus)
    assert code == 1
    assert _finding(data, FINDING)["evidence"][0]["status"] == "unknown-source"
    assert _errors(data) == [("FND006", "findings/weitz2014.yaml", source_line)]


def test_bad_yaml_line(corpus: Path) -> None:
    path = corpus / "findings/weitz2014.yaml"
    start = _line_of(path, f"id: {FINDING}")
    tags_line = _line_of(path, "tags:", start)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[tags_line - 1] = "  tags: [csto, russia\n"
    path.write_text("".join(lines), encoding="utf-8")
    code, data = run_check(corpus)
    assert code == 1
    (err,) = _errors(data)
    assert err[:2] == ("FND001", "findings/weitz2014.yaml")
    assert tags_line <= err[2] <= tags_line + 2


def test_duplicate_bib_key(corpus: Path) -> None:
    path = corpus / "bib/corpus.bib"
    text = path.read_text(encoding="utf-8")
    n_lines = text.count("\n")
    path.write_text(text + "\n@misc{weitz2014,\n  author = {Someone},\n  title = {Copy},\n"
                    "  year = {2014},\n}\n", encoding="utf-8")
    code, data = run_check(corpus)
    assert code == 1
    assert _errors(data) == [("BIB002", "bib/corpus.bib", n_lines + 2)]

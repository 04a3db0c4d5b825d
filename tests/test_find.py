"""`briefgen find PHRASE`: every source searched with the quote matcher, best first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen import api
from briefgen.cli import cli
from briefgen.find import find_passages

BIB = """\
@article{smith2020,
  author = {Smith, Jane}, title = {Border Security}, journal = {J}, year = {2020},
  pages = {10--12},
}
@book{doe2019, author = {Doe, John}, title = {Alliances}, publisher = {P}, year = {2019}}
@misc{ocr2021, author = {Roe, Ann}, title = {Scanned}, year = {2021}}
"""

SMITH = (
    "Border security became the first concern of the new states after 1991.\n"
    "The government in Tashkent signed 12 agreements with its neigh-\n"
    "bours between 1996 and 2001, most of them on water and borders.\n"
    "\f"
    "On the second page, the author turns to Russia. Moscow kept a\n"
    "military base in the region and trained officers from three states.\n"
    "\f"
    "The third page closes with China. Border security became a shared concern.\n"
)
DOE = "Alliances of convenience rarely outlast the threat that made them.\n"
OCR = "Uzbekistan sought Westem partners amongthe great powers of the day.\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "briefgen.toml").write_text("", encoding="utf-8")
    for rel, text in {
        "bib/refs.bib": BIB,
        "sources/smith2020.txt": SMITH,
        "sources/doe2019.txt": DOE,
        "sources/ocr2021.txt": OCR,
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _find(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["find", *args], prog_name="briefgen")
    assert "Traceback" not in result.output
    return result


def test_exact_matches_give_key_page_line_and_context(project: Path) -> None:
    result = _find("Border", "security", "became")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "smith2020, p. 10 (sources/smith2020.txt:1): exact"
    assert lines[1] == (
        "    **Border security became** the first concern of the new states "
        "after 1991. The government in Tashkent ..."
    )
    # The second occurrence, on the third page, is found too.
    assert lines[2] == "smith2020, p. 12 (sources/smith2020.txt:6): exact"
    assert "with China. **Border security became** a shared concern." in lines[3]
    assert result.stderr.startswith("2 matches")


def test_a_quote_across_a_line_break_hyphen_and_pages(project: Path) -> None:
    result = _find("--format", "json", "signed 12 agreements with its neighbours")
    data = json.loads(result.stdout)
    first = data["results"][0]
    assert first["key"] == "smith2020" and first["kind"] == "exact"
    assert first["pages"] == ["10"]
    assert first["line"] == 2
    assert first["passage"] == "signed 12 agreements with its neigh-bours"
    result = _find("--format", "json", "trained officers ... turns to Russia")
    assert json.loads(result.stdout)["results"][0]["kind"] == "near"  # elision keeps order


def test_ocr_noise_is_a_fuzzy_match_after_the_exact_ones(project: Path) -> None:
    result = _find("--format", "json", "Western partners among the great powers")
    assert result.exit_code == 0
    first = json.loads(result.stdout)["results"][0]
    assert first["key"] == "ocr2021"
    assert first["kind"] == "fuzzy"
    assert 0.8 < first["similarity"] < 1.0
    assert first["differences"]


def test_near_passages_only_exit_1_and_show_similarity(project: Path) -> None:
    result = _find("Moscow kept a naval base in the region")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith("smith2020, p. 11 (sources/smith2020.txt:4): near, ")
    assert first.endswith("% similar")
    assert "**" in result.stdout.splitlines()[1]
    assert result.stderr.startswith("0 matches")


def test_best_first_ordering_and_limit(project: Path) -> None:
    project_ = api.load_project(project)
    passages = find_passages(project_, "border security", limit=10)
    kinds = [p.kind for p in passages]
    assert kinds == sorted(kinds, key=["exact", "fuzzy", "near"].index)
    assert [p.kind for p in passages[:2]] == ["exact", "exact"]
    near = [p.similarity for p in passages if p.kind == "near"]
    assert near == sorted(near, reverse=True)
    result = _find("--limit", "1", "--format", "json", "border", "security")
    assert len(json.loads(result.stdout)["results"]) == 1


def test_source_filter_and_unknown_source(project: Path) -> None:
    result = _find("--source", "doe2019", "--format", "json", "border security")
    assert {r["key"] for r in json.loads(result.stdout)["results"]} <= {"doe2019"}
    result = _find("--source", "nosuch", "border")
    assert result.exit_code == 2
    assert "no source text with key 'nosuch'" in result.stderr


@pytest.mark.parametrize("phrase", ["...", "  "])
def test_a_phrase_without_words_is_a_usage_error(project: Path, phrase: str) -> None:
    result = _find(phrase)
    assert result.exit_code == 2
    assert "has no words" in result.stderr


def test_find_outside_a_project_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _find("anything")
    assert result.exit_code == 2
    assert "no briefgen.toml here or above" in result.stderr


def test_project_option_and_quiet(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    result = CliRunner().invoke(cli, ["-q", "find", "-C", str(project), "convenience"])
    assert result.exit_code == 0
    assert result.stdout.startswith("doe2019 (sources/doe2019.txt:1): exact")
    assert result.stderr == ""


def test_example_corpus_search() -> None:
    root = Path(__file__).resolve().parents[1]
    passages = find_passages(api.load_project(root), "suspended its CSTO membership", limit=3)
    assert passages[0].key == "weitz2014"
    assert passages[0].kind == "exact"
    assert passages[0].pages == ("147",)

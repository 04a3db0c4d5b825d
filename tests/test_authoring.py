"""`briefgen add finding`: checked before it is written, appended without losing a byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen import api
from briefgen.authoring import finding_to_yaml, make_finding_id
from briefgen.cli import cli
from briefgen.findings import parse_findings
from briefgen.init import init_project

FINDINGS = "findings/washington1796.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    init_project(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _add(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(cli, ["add", "finding", *args], input=stdin, prog_name="briefgen")
    assert "Traceback" not in result.output
    return result


def _check(root: Path) -> dict:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(root)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


EUROPE = "Europe has a set of primary interests which to us have none; or a very remote relation."


def test_appends_a_verified_finding_with_its_page_keeping_the_file(project: Path) -> None:
    before = (project / FINDINGS).read_bytes()
    result = _add(
        "--source",
        "washington1796",
        "--claim",
        "Europe's quarrels were not ours.",
        "--quote",
        EUROPE,
        "--tag",
        "europe",
        "--tag",
        "alliances",
        "--date",
        "1796",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "added washington-europes-quarrels-not-ours to "
        f"{FINDINGS} (washington1796, p. 2, verified)\n"
    )
    after = (project / FINDINGS).read_bytes()
    assert after.startswith(before)  # comments and all, byte for byte
    assert after[len(before) :].decode() == (
        "\n"
        "- id: washington-europes-quarrels-not-ours\n"
        '  claim: "Europe\'s quarrels were not ours."\n'
        "  source: washington1796\n"
        "  quote: >-\n"
        "    Europe has a set of primary interests which to us have none; or a very remote\n"
        "    relation.\n"
        '  page: "2"\n'
        "  tags: [europe, alliances]\n"
        '  date: "1796"\n'
    )
    report = _check(project)
    added = [f for f in report["findings"] if f["id"] == "washington-europes-quarrels-not-ours"]
    assert added[0]["evidence"][0]["status"] == "verified"
    assert added[0]["evidence"][0]["pages_found"] == ["2"]


def test_refuses_a_quote_that_does_not_verify_and_writes_nothing(project: Path) -> None:
    before = (project / FINDINGS).read_bytes()
    result = _add(
        "--source",
        "washington1796",
        "--claim",
        "Changed.",
        "--quote",
        "Europe has a set of secondary interests which to us have none",
    )
    assert result.exit_code == 1
    assert "Error: the quote is not in washington1796" in result.stderr
    assert "[-primary-]{+secondary+}" in result.stderr  # the nearest passage
    assert "hint: Copy the quote verbatim" in result.stderr
    assert (project / FINDINGS).read_bytes() == before


def test_refuses_a_wrong_page_and_names_the_right_one(project: Path) -> None:
    before = (project / FINDINGS).read_bytes()
    result = _add("--source", "washington1796", "--claim", "c", "--quote", EUROPE, "--page", "1")
    assert result.exit_code == 1
    assert "the quote is on p. 2 of washington1796, not p. 1" in result.stderr
    assert "--page 2" in result.stderr
    assert (project / FINDINGS).read_bytes() == before


def test_refuses_a_quote_from_another_source(project: Path) -> None:
    (project / "bib" / "references.bib").open("a").write(
        "@misc{other2020, author = {A, B}, title = {Other}, year = {2020}}\n"
    )
    (project / "sources" / "other2020.txt").write_text("A different text altogether.\n")
    result = _add("--source", "other2020", "--claim", "c", "--quote", EUROPE)
    assert result.exit_code == 1
    assert "the quote is not in other2020 but is in washington1796" in result.stderr
    assert "--source washington1796" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--source", "nosuch"], "cite key 'nosuch' is not in the bibliography"),
        (["--source", "washington1796", "--tag", "Bad Tag"], "invalid tag 'Bad Tag'"),
        (["--source", "washington1796", "--date", "June 1796"], "invalid date 'June 1796'"),
        (["--source", "washington1796", "--id", "Bad id"], "invalid finding id 'Bad id'"),
        (
            ["--source", "washington1796", "--id", "washington-trade-not-politics"],
            "a finding with id 'washington-trade-not-politics' exists already",
        ),
        (["--source", "washington1796", "--page", "two"], "invalid page 'two'"),
        (
            ["--source", "washington1796", "--file", "notes/x.yaml"],
            "notes/x.yaml is not among the findings files",
        ),
    ],
)
def test_invalid_input_is_refused(project: Path, args: list[str], message: str) -> None:
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = _add("--claim", "c", "--quote", EUROPE, *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_a_missing_source_text_cannot_be_verified(project: Path) -> None:
    (project / "bib" / "references.bib").open("a").write(
        "@misc{notext2020, author = {A, B}, title = {T}, year = {2020}}\n"
    )
    result = _add("--source", "notext2020", "--claim", "c", "--quote", "anything at all")
    assert result.exit_code == 1
    assert "'notext2020' has no source text" in result.stderr
    assert "briefgen ingest FILE --key notext2020" in result.stderr


def test_creates_a_new_file_and_makes_unique_ids(project: Path) -> None:
    for _ in range(2):
        result = _add(
            "--source",
            "washington1796",
            "--claim",
            "Trade, not politics.",
            "--quote",
            "as little political connection as possible",
            "--file",
            "findings/more/trade.yaml",
        )
        assert result.exit_code == 0, result.output
    findings, problems = parse_findings(
        (project / "findings/more/trade.yaml").read_text(encoding="utf-8"), "x"
    )
    assert problems == []
    assert [f.id for f in findings] == [
        "washington-trade-not-politics-2",
        "washington-trade-not-politics-3",
    ]
    assert all(f.evidence[0].page == "1" for f in findings)
    _check(project)


def test_quote_from_standard_input_with_yaml_special_characters(project: Path) -> None:
    (project / "bib" / "references.bib").open("a").write(
        "@misc{odd2020, author = {A, B}, title = {T}, year = {2020}}\n"
    )
    text = 'He said: "# not a comment" - [really] {yes} & 100% \\ done.\n'
    (project / "sources" / "odd2020.txt").write_text(text, encoding="utf-8")
    quote = 'He said: "# not a comment" - [really] {yes} & 100% \\ done.'
    result = _add(
        "--source",
        "odd2020",
        "--claim",
        "Odd: characters # survive.",
        "--quote",
        "-",
        "--id",
        "odd",
        stdin=quote + "\n",
    )
    assert result.exit_code == 0, result.output
    findings, _ = parse_findings((project / "findings/odd2020.yaml").read_text(), "x")
    assert findings[0].evidence[0].quote == quote
    assert findings[0].claim == "Odd: characters # survive."


def test_windows_line_endings_and_a_missing_final_newline_are_kept(project: Path) -> None:
    path = project / "findings" / "crlf.yaml"
    original = (
        b"# notes\r\n- id: first\r\n  claim: c\r\n  source: washington1796\r\n"
        b"  quote: Here let us stop."
    )
    path.write_bytes(original)
    result = _add(
        "--source",
        "washington1796",
        "--claim",
        "Stop here.",
        "--quote",
        "Here let us stop.",
        "--file",
        "findings/crlf.yaml",
        "--id",
        "second",
    )
    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(original)
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"- id: second\r\n" in data


def test_an_indented_list_gets_an_item_at_its_indentation(project: Path) -> None:
    path = project / "findings" / "indented.yaml"
    path.write_text(
        "  - id: first\n    claim: c\n    source: washington1796\n    quote: Here let us stop.\n",
        encoding="utf-8",
    )
    result = _add(
        "--source",
        "washington1796",
        "--claim",
        "Stop.",
        "--quote",
        "Here let us stop.",
        "--file",
        "findings/indented.yaml",
        "--id",
        "second",
    )
    assert result.exit_code == 0, result.output
    assert "\n  - id: second\n    claim: Stop.\n" in path.read_text(
        encoding="utf-8"
    ) or '\n  - id: second\n    claim: "Stop."\n' in path.read_text(encoding="utf-8")
    findings, problems = parse_findings(path.read_text(encoding="utf-8"), "x")
    assert [f.id for f in findings] == ["first", "second"] and problems == []


@pytest.mark.parametrize(
    "content",
    [
        "[]\n",
        "key: value\n",
        "- id: a\n  claim: c\n  source: washington1796\n  quote: Here let us stop.\n...\n",
    ],
)
def test_a_file_that_cannot_be_appended_to_is_left_alone(project: Path, content: str) -> None:
    path = project / "findings" / "odd.yaml"
    path.write_text(content, encoding="utf-8")
    result = _add(
        "--source",
        "washington1796",
        "--claim",
        "c",
        "--quote",
        "Here let us stop.",
        "--file",
        "findings/odd.yaml",
    )
    assert result.exit_code == 1
    assert "findings/odd.yaml" in result.stderr
    assert path.read_text(encoding="utf-8") == content


def test_fuzzy_quote_is_added_with_a_warning(project: Path) -> None:
    (project / "bib" / "references.bib").open("a").write(
        "@misc{ocr2020, author = {A, B}, title = {T}, year = {2020}}\n"
    )
    (project / "sources" / "ocr2020.txt").write_text(
        "Uzbekistan sought Westem partners amongthe great powers.\n", encoding="utf-8"
    )
    result = _add(
        "--source",
        "ocr2020",
        "--claim",
        "Western partners were sought.",
        "--quote",
        "Uzbekistan sought Western partners among the great powers.",
    )
    assert result.exit_code == 0, result.output
    assert "(ocr2020, fuzzy)" in result.stdout
    assert result.stderr.startswith("warning: the quote matches only with text-extraction")


def test_project_option_from_another_folder(
    project: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path_factory.mktemp("away"))
    result = _add(
        "-C",
        str(project),
        "--source",
        "washington1796",
        "--claim",
        "Stop.",
        "--quote",
        "Here let us stop.",
        "--id",
        "stop",
    )
    assert result.exit_code == 0, result.output
    assert any(f.id == "stop" for f in api.load_project(project).findings)


def test_ids_and_yaml_round_trip() -> None:
    assert (
        make_finding_id("The CSTO's 2012 suspension", "weitz2014") == "weitz-cstos-2012-suspension"
    )
    assert make_finding_id("Дата", "2019x") == "finding"
    assert make_finding_id("Same claim", "k", {"k-same-claim"}) == "k-same-claim-2"
    tricky = [
        "yes",
        "null",
        "147",
        "- dash",
        "tab\there",
        "line\nbreak",
        "\u2028sep",
        "x" * 200,
        "ünïcödé ‘quotes’ — dash",
        "  padded  ",
    ]
    for value in tricky:
        text = finding_to_yaml("an-id", value, "key", value, "1", ("a-tag",), "2001")
        findings, problems = parse_findings(text, "t.yaml")
        assert problems == [], (value, problems)
        assert findings[0].claim == value.strip()  # the findings reader strips claims
        assert findings[0].evidence[0].quote == value


def test_help_ends_with_an_example() -> None:
    result = CliRunner().invoke(cli, ["add", "finding", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "briefgen add finding --source" in result.output

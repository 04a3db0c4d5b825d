"""`briefgen ingest FILE --key KEY`: PDF, HTML, DOCX and text to sources/KEY.txt."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.init import init_project

TYPST = """\
#set document(title: "Water and Borders in Central Asia", author: "Jane Smith")
#set text(hyphenate: false)
#set par(justify: false)
= Water and borders

Border security became the first concern of the new states after 1991.

#pagebreak()
The government in Tashkent signed twelve agreements with its neighbours between 1996
and 2001.

#pagebreak()
Moscow kept a military base in the region and trained officers from three states.
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    init_project(root)
    monkeypatch.chdir(root)
    return root


def _ingest(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["ingest", *args], prog_name="briefgen")
    assert "Traceback" not in result.output
    return result


def _typst_pdf(folder: Path, source: str, name: str = "doc") -> Path:
    import typst

    typ = folder / f"{name}.typ"
    typ.write_text(source, encoding="utf-8")
    pdf = folder / f"{name}.pdf"
    typst.compile(str(typ), output=str(pdf))
    return pdf


def _check_json(root: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(root)])
    return result.exit_code, json.loads(result.stdout)


def _statuses(report: dict) -> dict[str, tuple[str, list[str]]]:
    return {
        f["id"]: (f["evidence"][0]["status"], f["evidence"][0]["pages_found"])
        for f in report["findings"]
    }


@pytest.mark.slow
def test_a_typst_pdf_keeps_its_pages_and_check_uses_them(project: Path, tmp_path: Path) -> None:
    pdf = _typst_pdf(tmp_path, TYPST)
    bib_before = (project / "bib" / "references.bib").read_bytes()
    result = _ingest(str(pdf), "--key", "smith2020")
    assert result.exit_code == 0, result.output
    text = (project / "sources" / "smith2020.txt").read_text(encoding="utf-8")
    assert result.stdout.splitlines() == [
        f"wrote sources/smith2020.txt (3 pages, {len(text)} characters) from doc.pdf with "
        f"pypdf {version('pypdf')}",
        "recorded where it came from in sources/PROVENANCE.md",
        "added a stub entry smith2020 to bib/references.bib: complete it",
    ]
    assert text.count("\f") == 2  # three pages
    page2 = text.split("\f")[1]
    assert page2.startswith("The government in Tashkent signed twelve agreements")

    # The stub entry was appended; the bibliography's text before it is unchanged.
    bib = (project / "bib" / "references.bib").read_bytes()
    assert bib.startswith(bib_before)
    assert bib[len(bib_before) :].decode() == (
        "\n@misc{smith2020,\n"
        "  title  = {Water and Borders in Central Asia},\n"
        "  author = {Jane Smith},\n"
        "  note   = {Stub written by briefgen ingest; complete it},\n"
        "}\n"
    )

    (project / "findings" / "smith2020.yaml").write_text(
        "- id: agreements\n"
        "  claim: Tashkent signed a dozen agreements.\n"
        "  source: smith2020\n"
        "  quote: signed twelve agreements with its neighbours between 1996 and 2001\n"
        "  page: 2\n"
        "- id: base-wrong-page\n"
        "  claim: Moscow kept a base.\n"
        "  source: smith2020\n"
        "  quote: Moscow kept a military base in the region\n"
        "  page: 1\n",
        encoding="utf-8",
    )
    code, report = _check_json(project)
    assert code == 1
    assert _statuses(report)["agreements"] == ("verified", ["2"])
    assert _statuses(report)["base-wrong-page"] == ("wrong-page", ["3"])
    errors = [(d["code"], d["finding"]) for d in report["diagnostics"] if d["severity"] == "error"]
    assert errors == [("FND004", "base-wrong-page")]


@pytest.mark.slow
def test_pdf_page_labels_become_page_markers(project: Path, tmp_path: Path) -> None:
    pdf = _typst_pdf(
        tmp_path,
        '#set page(numbering: "1")\n#counter(page).update(147)\n'
        "Uzbekistan suspended its membership in June 2012.\n#pagebreak()\n"
        "Tashkent hosts the regional anti-terror structure.\n",
        "labelled",
    )
    (project / "bib" / "references.bib").open("a").write(
        "\n@article{weitz2014, author = {Weitz, Richard}, title = {Strategy}, "
        "journal = {J}, year = {2014}}\n"
    )
    assert _ingest(str(pdf), "--key", "weitz2014").exit_code == 0
    text = (project / "sources" / "weitz2014.txt").read_text(encoding="utf-8")
    assert text.startswith("<!-- page 147 -->\n")
    assert "\f<!-- page 148 -->\n" in text
    # The entry existed: no stub.
    assert (project / "bib" / "references.bib").read_text().count("weitz2014") == 1
    (project / "findings" / "weitz.yaml").write_text(
        "- id: rats\n  claim: c\n  source: weitz2014\n"
        "  quote: Tashkent hosts the regional anti-terror structure.\n  page: 148\n"
    )
    code, report = _check_json(project)
    assert code == 0, report["diagnostics"]
    assert _statuses(report)["rats"] == ("verified", ["148"])


def test_html_gives_the_main_text_only(project: Path, tmp_path: Path) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the analysis of the Strategic Partnership Dialogue between "
        f"the United States and Uzbekistan, which met in Tashkent in December 2021.</p>"
        for i in range(1, 6)
    )
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Central Asia between the US and Russia</title>"
        "<meta name='author' content='Ann Roe'></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/news'>News</a> | Follow us on LinkedIn!</nav>"
        f"<article><h1>Central Asia between the US and Russia</h1>{paragraphs}</article>"
        "<footer><div class='cookie'>This site uses cookies. Accept all cookies</div>"
        "</footer></body></html>",
        encoding="utf-8",
    )
    result = _ingest(str(page), "--key", "roe2021")
    assert result.exit_code == 0, result.output
    assert "with trafilatura" in result.stdout
    text = (project / "sources" / "roe2021.txt").read_text(encoding="utf-8")
    assert "Paragraph 1 of the analysis" in text and "Paragraph 5 of the analysis" in text
    assert "LinkedIn" not in text and "cookies" not in text
    bib = (project / "bib" / "references.bib").read_text(encoding="utf-8")
    assert "@misc{roe2021,\n  title  = {Central Asia between the US and Russia}," in bib


def test_docx_keeps_paragraphs_tables_and_page_breaks(project: Path, tmp_path: Path) -> None:
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    document.core_properties.title = "Notes on Termez"
    document.core_properties.author = "Ann Roe"
    document.add_paragraph("The bridge at Termez carried supplies to Afghanistan.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Year"
    table.rows[0].cells[1].text = "2009"
    document.add_paragraph("End of page one.").add_run().add_break(WD_BREAK.PAGE)
    document.add_paragraph("Page two starts here.")
    path = tmp_path / "notes.docx"
    document.save(str(path))
    result = _ingest(str(path), "--key", "notes2009")
    assert result.exit_code == 0, result.output
    text = (project / "sources" / "notes2009.txt").read_text(encoding="utf-8")
    assert text == (
        "The bridge at Termez carried supplies to Afghanistan.\n"
        "Year\t2009\n"
        "End of page one.\n"
        "\fPage two starts here.\n"
    )
    assert (
        "@misc{notes2009,\n  title  = {Notes on Termez},\n  author = {Ann Roe},"
        in (project / "bib" / "references.bib").read_text()
    )


def test_text_file_and_provenance_record(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "statement.txt"
    path.write_bytes(b"\xef\xbb\xbfA statement.\r\nSecond line.   \r\n")
    assert _ingest(str(path), "--key", "statement2020").exit_code == 0
    assert (
        project / "sources" / "statement2020.txt"
    ).read_bytes() == b"A statement.\nSecond line.\n"
    record = (project / "sources" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert record.startswith("# Provenance of the source texts\n")
    assert "## statement2020\n" in record
    assert "- from: `statement.txt` (TEXT, " in record  # the name only, not the user's folders
    assert str(tmp_path) not in record
    # A project with a PROVENANCE.md still checks clean (it is not an orphan source).
    code, report = _check_json(project)
    assert code == 0
    assert [d["code"] for d in report["diagnostics"] if d["code"].startswith("SRC")] == []


def test_existing_text_needs_force_and_provenance_is_appended(
    project: Path, tmp_path: Path
) -> None:
    path = tmp_path / "v1.txt"
    path.write_text("Version one.\n", encoding="utf-8")
    before = (project / "sources" / "washington1796.txt").read_bytes()
    result = _ingest(str(path), "--key", "washington1796")
    assert result.exit_code == 1
    assert "sources/washington1796.txt exists already" in result.stderr
    assert "--force" in result.stderr
    assert (project / "sources" / "washington1796.txt").read_bytes() == before
    assert not (project / "sources" / "PROVENANCE.md").exists()
    result = _ingest(str(path), "--key", "washington1796", "--force")
    assert result.exit_code == 0
    assert result.stdout.startswith("replaced sources/washington1796.txt")
    assert (project / "sources" / "washington1796.txt").read_text() == "Version one.\n"
    path.write_text("Version two.\n", encoding="utf-8")
    assert _ingest(str(path), "--key", "washington1796", "--force").exit_code == 0
    record = (project / "sources" / "PROVENANCE.md").read_text(encoding="utf-8")
    assert record.count("## washington1796\n") == 2
    assert record.count("(replacing the previous text)") == 2


def test_csl_json_only_project_gets_the_stub_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "briefgen.toml").write_text('bibliography = ["refs.json"]\n')
    (tmp_path / "refs.json").write_text('[{"id": "a", "type": "book", "title": "A"}]\n')
    text = tmp_path / "in.txt"
    text.write_text("Some words.\n")
    monkeypatch.chdir(tmp_path)
    result = _ingest(str(text), "--key", "new2024")
    assert result.exit_code == 0
    assert "warning: no BibTeX file to add new2024 to" in result.stderr
    assert "@misc{new2024," in result.stderr
    assert (tmp_path / "refs.json").read_text() == '[{"id": "a", "type": "book", "title": "A"}]\n'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.pdf", b"%PDF-1.7\nnot really a pdf", "broken.pdf: not a readable PDF"),
        ("empty.txt", b"   \n", "no text found"),
        ("latin1.txt", "caf\u00e9".encode("latin-1"), "is not UTF-8"),
        ("fake.docx", b"PK\x03\x04 not a zip", "not a readable DOCX"),
    ],
)
def test_unreadable_input_is_an_error_and_writes_nothing(
    project: Path, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = _ingest(str(path), "--key", "bad2020")
    assert result.exit_code == 1
    assert message in result.stderr
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before


@pytest.mark.parametrize("key", ["with space", "a/b", "trailing:", "{brace}", ""])
def test_bad_keys_are_refused(project: Path, tmp_path: Path, key: str) -> None:
    path = tmp_path / "in.txt"
    path.write_text("Words.\n")
    result = _ingest(str(path), "--key", key)
    assert result.exit_code == 1
    assert "is not a usable cite key" in result.stderr


def test_better_bibtex_style_key_with_colons(project: Path, tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("Alliances of convenience rarely outlast the threat.\n")
    assert _ingest(str(path), "--key", "doe:2019:alliances").exit_code == 0
    assert (project / "sources" / "doe:2019:alliances.txt").is_file()
    code, report = _check_json(project)
    assert code == 0
    assert report["summary"]["sources"] == 2


def test_missing_file_is_a_usage_error(project: Path) -> None:
    result = _ingest("nowhere.pdf", "--key", "x2020")
    assert result.exit_code == 2
    assert "nowhere.pdf" in result.stderr

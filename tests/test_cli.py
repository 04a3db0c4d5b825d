"""The command line's manners (version, help, completion, colour, quiet and verbose, bad
input) and `briefgen check` on bibliographies from other tools: Zotero Better BibTeX,
CSL-JSON, several files at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from briefgen import __version__
from briefgen.cli import _use_color, cli
from briefgen.init import init_project


def _invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, args, prog_name="briefgen", env=env)
    assert "Traceback" not in result.output
    return result


def _commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out.extend(_commands(command, (*prefix, name)))
    return out


# --- manners ------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    result = _invoke([flag])
    assert result.exit_code == 0
    assert result.stdout == f"briefgen, version {__version__}\n"


def test_version_starts_without_heavy_imports() -> None:
    code = (
        "import sys; from briefgen.cli import main; sys.argv = ['briefgen', '--version'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('pypandoc', 'typst', 'mkdocs', 'rapidfuzz', 'bibtexparser',\n"
        "         'pypdf', 'trafilatura', 'docx', 'yaml') if m in sys.modules]\n"
        "print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr


def test_main_help_lists_every_command_with_examples() -> None:
    result = _invoke(["--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: briefgen [OPTIONS] COMMAND [ARGS]...")
    for name in ("check", "build", "init", "find", "add", "ingest", "schema"):
        assert f"  {name} " in result.stdout, name
    assert "Examples:" in result.stdout
    assert "_BRIEFGEN_COMPLETE=bash_source briefgen" in result.stdout
    assert _invoke(["-h"]).stdout == result.stdout


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_command_help_ends_with_an_example(command: tuple[str, ...]) -> None:
    result = _invoke([*command, "--help"])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: briefgen {' '.join(command)} ")
    body = result.stdout.split("Options:")[0]
    assert "Example" in body, command
    assert "briefgen " in body.split("Example")[-1], command


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_completion_scripts(shell: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefgen"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "_BRIEFGEN_COMPLETE": f"{shell}_source"},
    )
    assert done.returncode == 0
    assert "_BRIEFGEN_COMPLETE" in done.stdout
    assert "briefgen" in done.stdout


def test_completion_of_command_names_and_options() -> None:
    env = {
        **os.environ,
        "_BRIEFGEN_COMPLETE": "bash_complete",
        "COMP_WORDS": "briefgen in",
        "COMP_CWORD": "1",
    }
    done = subprocess.run(
        [sys.executable, "-m", "briefgen"], capture_output=True, text=True, timeout=60, env=env
    )
    assert {"plain,init", "plain,ingest"} <= set(done.stdout.split())
    env.update(COMP_WORDS="briefgen check --for", COMP_CWORD="2")
    done = subprocess.run(
        [sys.executable, "-m", "briefgen"], capture_output=True, text=True, timeout=60, env=env
    )
    assert "plain,--format" in done.stdout.split()


class _Terminal:
    def isatty(self) -> bool:
        return True


class _Pipe:
    def isatty(self) -> bool:
        return False


def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    assert _use_color(_Terminal()) is True
    assert _use_color(_Pipe()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert _use_color(_Terminal()) is False
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert _use_color(_Terminal()) is False  # NO_COLOR wins
    monkeypatch.delenv("NO_COLOR")
    assert _use_color(_Pipe()) is True


@pytest.fixture
def broken(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A new project with one quote that is not in its source."""
    init_project(tmp_path)
    findings = tmp_path / "findings" / "washington1796.yaml"
    findings.write_text(findings.read_text().replace("little political", "much political"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_check_output_is_plain_in_a_pipe_and_coloured_when_forced(broken: Path) -> None:
    plain = _invoke(["check"], env={"NO_COLOR": "", "FORCE_COLOR": ""})
    assert plain.exit_code == 1
    assert "\x1b[" not in plain.output
    assert "error FND003 quote not found in washington1796 (p. 1)" in plain.stdout
    forced = _invoke(["check"], env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert "\x1b[" in forced.stdout
    no_color = _invoke(["check"], env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in no_color.output
    assert no_color.stdout == plain.stdout
    found = _invoke(
        ["find", "little political connection"], env={"FORCE_COLOR": "1", "NO_COLOR": ""}
    )
    assert "\x1b[" in found.stdout and "**" not in found.stdout


def test_quiet_and_verbose(broken: Path) -> None:
    with (broken / "bib" / "references.bib").open("a", encoding="utf-8") as bib:
        bib.write("@misc{unused2001, author = {Roe, Ann}, title = {U}, year = {2001}}\n")
    normal = _invoke(["check"])
    assert ": warning BIB008" in normal.stdout and ": error FND003" in normal.stdout
    quiet = _invoke(["--quiet", "check"])
    assert ": warning " not in quiet.stdout and ": error FND003" in quiet.stdout
    assert quiet.exit_code == normal.exit_code == 1
    verbose = _invoke(["--verbose", "check"])
    assert "washington-no-permanent-alliances washington1796 verified p.2" in verbose.stdout
    assert "washington-no-permanent-alliances" not in normal.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuchcommand"], "No such command 'nosuchcommand'"),
        (["check", "--format", "xml"], "Invalid value for '--format'"),
        (["check", "a", "b"], "give one PROJECT_DIR"),
        (["check", "missing-folder"], "missing-folder: not a folder"),
        (["build", "--to", "odt"], "unknown format 'odt'"),
        (["add", "finding", "--claim", "c"], "Missing option '--source'"),
        (["find"], "Missing argument 'PHRASE...'"),
        (["ingest", "x.pdf"], "x.pdf"),
    ],
)
def test_bad_usage_exits_2_with_a_message(broken: Path, args: list[str], message: str) -> None:
    result = _invoke(args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_unreadable_configuration_exits_2(broken: Path) -> None:
    (broken / "briefgen.toml").write_text("bibliography = [\n")
    result = _invoke(["check"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: briefgen.toml:")
    assert "CFG001" in result.stderr


def test_schema_command_prints_the_findings_schema() -> None:
    result = _invoke(["schema", "findings"])
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "array"


def test_check_through_the_installed_script(broken: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "briefgen", "check", "--format", "json"],
        cwd=broken,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "FORCE_COLOR"},
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["summary"]["errors"] == 1
    assert done.stderr == ""


# --- bibliographies from other tools ---------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _check_json(root: Path, *args: str) -> tuple[int, dict]:
    result = _invoke(["check", "--format", "json", *args, str(root)])
    return result.exit_code, json.loads(result.stdout)


SMITH_TEXT = (
    "Border security became the first concern of the new states after 1991.\n"
    "\fMoscow kept a military base in the region.\n"
)
DOE_TEXT = "Alliances of convenience rarely outlast the threat that made them.\n"
INTEROP_FINDINGS = """\
- id: base
  claim: Russia kept a base.
  source: smith:2020:border
  quote: Moscow kept a military base in the region
  page: 11
- id: alliances
  claim: Alliances fade.
  source: doe:2019:alliances
  quote: Alliances of convenience rarely outlast the threat
"""
INTEROP_BRIEF = (
    "---\ntitle: Interop\n---\n"
    "As @smith:2020:border shows [p. 11; see also @doe:2019:alliances, 3].\n"
)


def _better_bibtex(file_smith: str, file_doe: str) -> str:
    """An export of Zotero's Better BibTeX (BibLaTeX), as it writes it."""
    return f"""
@article{{smith:2020:border,
  title = {{Border {{{{Security}}}} in {{{{Central Asia}}}}}},
  author = {{Smith, Jane}},
  date = {{2020}},
  journaltitle = {{Journal of Regional Studies}},
  volume = {{12}},
  pages = {{10--12}},
  doi = {{10.1234/jrs.2020.12}},
  file = {{{file_smith}}},
  keywords = {{borders,security}},
  langid = {{english}}
}}

@book{{doe:2019:alliances,
  title = {{Alliances of {{{{Convenience}}}}}},
  author = {{Doe, John}},
  date = {{2019}},
  publisher = {{{{Example Press}}}},
  location = {{London}},
  file = {{{file_doe}}}
}}
"""


def _interop_project(root: Path, bib: dict[str, str], toml: str = "") -> None:
    _write(
        root,
        {
            "briefgen.toml": toml,
            **bib,
            "sources/smith:2020:border.txt": SMITH_TEXT,
            "sources/doe:2019:alliances.txt": DOE_TEXT,
            "findings/interop.yaml": INTEROP_FINDINGS,
            "briefs/interop.md": INTEROP_BRIEF,
        },
    )


def _assert_interop_clean(root: Path) -> dict:
    code, report = _check_json(root)
    assert report["diagnostics"] == [], report["diagnostics"]
    assert code == 0
    statuses = {
        f["id"]: [(e["status"], e["pages_found"]) for e in f["evidence"]]
        for f in report["findings"]
    }
    assert statuses == {"base": [("verified", ["11"])], "alliances": [("verified", [])]}
    assert [(c["key"], c["resolved"]) for c in report["citations"]] == [
        ("smith:2020:border", True),
        ("doe:2019:alliances", True),
    ]
    return report


def test_zotero_better_bibtex_export_with_attachments_in_the_project(tmp_path: Path) -> None:
    _interop_project(
        tmp_path,
        {
            "bib/zotero.bib": _better_bibtex(
                "attachments/ABCD1234/Smith - 2020 - Border Security in Central Asia.pdf",
                "Full Text:attachments/EFGH5678/Doe - 2019 - Alliances.pdf:application/pdf;"
                "Snapshot:attachments/EFGH5678/doe.html:text/html",
            )
        },
    )
    for rel in (
        "attachments/ABCD1234/Smith - 2020 - Border Security in Central Asia.pdf",
        "attachments/EFGH5678/Doe - 2019 - Alliances.pdf",
        "attachments/EFGH5678/doe.html",
    ):
        _write(tmp_path, {rel: "%PDF-1.7\n"})
    report = _assert_interop_clean(tmp_path)
    assert report["summary"]["entries"] == 2 and report["summary"]["sources"] == 2


def test_zotero_better_bibtex_export_with_absolute_pdf_paths(tmp_path: Path) -> None:
    """Better BibTeX's default export names PDFs in Zotero's storage by absolute path.

    briefgen reads no PDF, so a PDF attachment outside the project is no problem: the text
    of the entry is sources/KEY.txt as usual.
    """
    _interop_project(
        tmp_path,
        {
            "bib/zotero.bib": _better_bibtex(
                "/home/jane/Zotero/storage/ABCD1234/"
                "Smith - 2020 - Border Security in Central Asia.pdf",
                "Full Text:/home/jane/Zotero/storage/EFGH5678/Doe - 2019 - Alliances.pdf:"
                "application/pdf",
            )
        },
    )
    _assert_interop_clean(tmp_path)


def test_a_text_file_named_by_the_file_field_is_the_source(tmp_path: Path) -> None:
    _interop_project(
        tmp_path,
        {
            "bib/zotero.bib": _better_bibtex(
                "Text:texts/smith.txt:text/plain", "Full Text:texts/doe.md:text/markdown"
            )
        },
    )
    (tmp_path / "sources" / "smith:2020:border.txt").rename(tmp_path / "texts-smith.txt")
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts-smith.txt").rename(tmp_path / "texts" / "smith.txt")
    (tmp_path / "sources" / "doe:2019:alliances.txt").rename(tmp_path / "texts" / "doe.md")
    _assert_interop_clean(tmp_path)


CSL_JSON = [
    {
        "id": "smith:2020:border",
        "type": "article-journal",
        "title": "Border Security in Central Asia",
        "author": [{"family": "Smith", "given": "Jane"}],
        "issued": {"date-parts": [[2020]]},
        "container-title": "Journal of Regional Studies",
        "page": "10-12",
    },
    {
        "id": "doe:2019:alliances",
        "type": "book",
        "title": "Alliances of Convenience",
        "author": [{"family": "Doe", "given": "John"}],
        "issued": {"date-parts": [[2019]]},
        "publisher": "Example Press",
    },
]


def test_csl_json_bibliography(tmp_path: Path) -> None:
    _interop_project(
        tmp_path,
        {"references.json": json.dumps(CSL_JSON, indent=2)},
        toml='bibliography = ["references.json"]\n',
    )
    report = _assert_interop_clean(tmp_path)
    assert report["summary"]["entries"] == 2


def test_invalid_csl_json_is_bib009(tmp_path: Path) -> None:
    _interop_project(
        tmp_path,
        {"references.json": '{"id": "not a list"}'},
        toml='bibliography = ["references.json"]\n',
    )
    code, report = _check_json(tmp_path)
    assert code == 1
    assert "BIB009" in [d["code"] for d in report["diagnostics"]]


def test_several_bibliography_files_at_once(tmp_path: Path) -> None:
    smith, doe = CSL_JSON
    _interop_project(
        tmp_path,
        {
            "bib/articles.bib": "@article{smith:2020:border, author = {Smith, Jane}, "
            "title = {Border Security}, journal = {J}, year = {2020}, "
            "pages = {10--12}}\n",
            "bib/books.json": json.dumps([doe]),
        },
        toml='bibliography = ["bib/*.bib", "bib/*.json"]\n',
    )
    report = _assert_interop_clean(tmp_path)
    assert report["summary"]["entries"] == 2
    # The same key in two files is a duplicate, reported where the second one is.
    _write(
        tmp_path,
        {
            "bib/more.bib": "@book{doe:2019:alliances, author = {Doe, John}, "
            "title = {A}, publisher = {P}, year = {2019}}\n"
        },
    )
    code, report = _check_json(tmp_path)
    assert code == 1
    assert [(d["code"], d["file"]) for d in report["diagnostics"]] == [("BIB002", "bib/more.bib")]
    assert smith["id"] == "smith:2020:border"


def test_ad_hoc_bib_form_for_pandoc_quarto_and_r_markdown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _write(
        tmp_path,
        {
            "refs.bib": "@book{doe2019, author = {Doe, John}, title = {T}, publisher = {P}, "
            "year = {2019}}\n",
            "more.json": json.dumps(
                [
                    {
                        "id": "roe2020",
                        "type": "book",
                        "title": "R",
                        "issued": {"date-parts": [[2020]]},
                    }
                ]
            ),
            "paper.md": "As @doe2019 argues [see also @roe2020, p. 4].\n",
            "chapter.qmd": "---\ntitle: Q\n---\n\nQuarto cites [@doe2019].\n\n"
            "```{python}\nprint('@notacitation')\n```\n",
            "analysis.Rmd": "R Markdown cites @roe2020; write to a@example.org.\n\n"
            "```{r}\nx <- '@nope'\n```\n",
        },
    )
    code, report = _check_json(
        Path("analysis.Rmd"), "--bib", "refs.bib", "--bib", "more.json", "paper.md", "chapter.qmd"
    )
    assert code == 0, report["diagnostics"]
    assert sorted((c["file"], c["key"]) for c in report["citations"]) == [
        ("analysis.Rmd", "roe2020"),
        ("chapter.qmd", "doe2019"),
        ("paper.md", "doe2019"),
        ("paper.md", "roe2020"),
    ]
    assert report["summary"]["entries"] == 2
    code, report = _check_json(Path("paper.md"), "--bib", "refs.bib")
    assert code == 1
    assert [(d["code"], d["file"], d["line"], d["key"]) for d in report["diagnostics"]] == [
        ("CIT001", "paper.md", 1, "roe2020")
    ]

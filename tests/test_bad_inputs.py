"""The bad-input corpus: no input, however broken, gives a traceback.

Each folder of ``tests/bad_inputs/`` (but ``_base``) is one known bad input. The
project a case runs on is ``_base/`` with the case's files laid over it; its
``case.toml`` says:

- ``item``: what is bad;
- ``command``: the briefgen arguments (default ``check --format json .``;
  ``["site"]`` builds the site);
- ``setup``: a function below that makes what git cannot hold (links, huge files);
- ``remove``: files of ``_base`` the case does without;
- ``exit``: the exit status;
- ``expect``: ``[code, file, line]`` diagnostics that must be reported (``"none"``
  for no line);
- ``summary`` / ``statuses``: parts of the JSON report of ``check``, showing that
  the check went on with the rest of the project;
- ``outputs`` / ``no_outputs``: files the command must / must not produce;
- ``absent``: text no output may contain (files from outside, unescaped markup).

Every case also asserts that no traceback escaped and that the inputs are
unchanged (``check`` writes nothing at all).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from briefgen.cli import cli
from briefgen.project import MAX_SOURCE_BYTES

CORPUS = Path(__file__).parent / "bad_inputs"
BASE = CORPUS / "_base"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir() and not p.name.startswith("_"))
OUTPUT_DIRS = ("build", "site")
SECRET = "SECRET-7f3a9c"

# `path:line:col: severity CODE message`, as check, build and config errors print them.
DIAGNOSTIC_LINE = re.compile(
    r"^(?:Error: )?(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::\d+)?: "
    r"(?:error|warning) (?P<code>[A-Z]+\d{3}) ",
    re.MULTILINE,
)


# --------------------------------------------------------------------------- setups


def _huge_source(project: Path, tmp_path: Path) -> None:
    """A sparse file one byte over the limit: no disk used, no byte read."""
    path = project / "sources" / "doe2019.txt"
    with path.open("r+b") as handle:
        handle.truncate(MAX_SOURCE_BYTES + 1)


def _symlink_loops(project: Path, tmp_path: Path) -> None:
    findings = project / "findings"
    (findings / "self").symlink_to(".")
    (findings / "up").symlink_to("..")
    (findings / "a.yaml").symlink_to("b.yaml")
    (findings / "b.yaml").symlink_to("a.yaml")
    source = project / "sources" / "doe2019.txt"
    source.unlink()
    source.symlink_to("doe2019.txt")


def _outside_secret(project: Path, tmp_path: Path) -> None:
    """A file next to the project (``../secret.txt``) that no output may contain."""
    (tmp_path / "secret.txt").write_text(f"{SECRET}\n", encoding="utf-8")
    for brief in (project / "briefs").glob("*.md"):
        text = brief.read_text(encoding="utf-8")
        brief.write_text(text.replace("@OUTSIDE@", str(tmp_path)), encoding="utf-8")


SETUPS: dict[str, Callable[[Path, Path], None]] = {
    "huge_source": _huge_source,
    "symlink_loops": _symlink_loops,
    "outside_secret": _outside_secret,
}


# --------------------------------------------------------------------------- helpers


def make_project(case: str, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    spec = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
    project = tmp_path / "project"
    shutil.copytree(BASE, project)
    shutil.copytree(CORPUS / case, project, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("case.toml"))
    for rel in spec.get("remove", []):
        (project / rel).unlink()
    if "setup" in spec:
        SETUPS[spec["setup"]](project, tmp_path)
    return project, spec


def snapshot(project: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file and link under ``project``: links by target, files by content hash."""
    state: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(project, followlinks=False):
        rel_dir = Path(dirpath).relative_to(project)
        if rel_dir == Path("."):
            dirnames[:] = [d for d in dirnames if d not in skip]
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            if path.is_symlink():
                state[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                        digest.update(chunk)
                state[rel] = digest.hexdigest()
    return state


def output_text(path: Path) -> str:
    """The text of an output file: DOCX parts unzipped, PDF text extracted."""
    data = path.read_bytes()
    parts = [data.decode("utf-8", "replace")]
    if path.suffix == ".docx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    elif path.suffix == ".pdf":
        from pypdf import PdfReader

        parts += [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
    return "\n".join(parts)


def reported(result: Result, as_json: bool) -> set[tuple[str, str | None, int | None]]:
    if as_json:
        report = json.loads(result.stdout)
        return {(d["code"], d["file"], d["line"]) for d in report["diagnostics"]}
    return {(m["code"], m["file"], int(m["line"]) if m["line"] else None)
            for m in DIAGNOSTIC_LINE.finditer(result.output)}


def assert_no_traceback(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"an exception escaped: {result.exception!r}") from result.exception
    assert "Traceback" not in result.output


def run(project: Path, command: list[str], monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(project)
    runner = CliRunner()
    if command == ["site"] and "site" not in cli.commands:
        # Until the command exists, call what it will call.
        return runner.invoke(_site_command, [])
    return runner.invoke(cli, command)


@click.command()
def _site_command() -> None:
    """A stand-in for `briefgen site`: build the site of the project here."""
    from briefgen.site.build import build_site

    build_site(Path.cwd())


# --------------------------------------------------------------------------- the cases


def test_corpus_has_every_item() -> None:
    """One case per item of the no-traceback list, the confinement list and more."""
    needed = {
        "bib-unbalanced-braces", "bib-missing-comma", "bib-duplicate-keys",
        "bib-undecodable-bytes", "yaml-syntax-error", "yaml-tabs", "yaml-wrong-shape",
        "yaml-wrong-types", "yaml-empty-files", "yaml-alias-bomb", "source-binary",
        "source-huge", "symlink-loops", "config-invalid-toml", "brief-jinja-syntax",
        "brief-jinja-undefined", "confine-bib-file-outside", "confine-config-dotdot",
        "confine-jinja-sandbox", "confine-pandoc-outside", "confine-typst-outside",
        "confine-site-escaping",
    }
    assert needed <= set(CASES)
    for case in CASES:
        spec = tomllib.loads((CORPUS / case / "case.toml").read_text(encoding="utf-8"))
        assert spec["item"] and "exit" in spec and "expect" in spec


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project, spec = make_project(case, tmp_path)
    command = spec.get("command", ["check", "--format", "json", "."])
    is_check = command[0] == "check"
    before = snapshot(project)

    result = run(project, command, monkeypatch)
    assert_no_traceback(result)
    assert result.exit_code == spec["exit"], result.output

    json_report = is_check and spec["exit"] != 2
    found = reported(result, as_json=json_report)
    for code, file, line in spec["expect"]:
        want = (code, file, None if line == "none" else line)
        assert want in found, f"{want} not in {sorted(found, key=str)}\n{result.output}"
    if json_report:
        report = json.loads(result.stdout)
        # Every problem names its file.
        assert all(d["file"] for d in report["diagnostics"]), report["diagnostics"]
        for key, value in spec.get("summary", {}).items():
            assert report["summary"][key] == value, (key, report["summary"])
        statuses = {f["id"]: f["evidence"][0]["status"] for f in report["findings"]}
        for fid, status in spec.get("statuses", {}).items():
            assert statuses.get(fid) == status, (fid, statuses)
        # The text report says the same and exits the same.
        text = run(project, ["check", "."], monkeypatch)
        assert_no_traceback(text)
        assert text.exit_code == result.exit_code
        assert reported(text, as_json=False) >= {
            (c, f, None if n == "none" else n) for c, f, n in spec["expect"]}

    # Inputs unchanged; check writes nothing at all.
    after = snapshot(project, skip=() if is_check else OUTPUT_DIRS)
    expected_before = before if is_check else {
        k: v for k, v in before.items() if k.split("/", 1)[0] not in OUTPUT_DIRS}
    assert after == expected_before

    for rel in spec.get("outputs", []):
        assert (project / rel).is_file(), rel
    for rel in spec.get("no_outputs", []):
        assert not (project / rel).exists(), rel
    if spec.get("absent"):
        outputs = [p for d in OUTPUT_DIRS for p in (project / d).rglob("*") if p.is_file()]
        if spec.get("outputs"):
            assert outputs
        for path in outputs:
            text = output_text(path)
            for needle in spec["absent"]:
                assert needle not in text, f"{needle!r} in {path.relative_to(project)}"


def test_alias_bomb_is_bounded_in_memory(tmp_path: Path) -> None:
    """The alias bomb is refused by a real process limited to 1.5 GiB of address space."""
    project, _ = make_project("yaml-alias-bomb", tmp_path)
    limit = 1536 * 1024 * 1024

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    completed = subprocess.run(
        [sys.executable, "-m", "briefgen", "check", "--format", "json", str(project)],
        capture_output=True, text=True, timeout=120, preexec_fn=limit_memory, check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert "Traceback" not in completed.stderr
    report = json.loads(completed.stdout)
    codes = {(d["code"], d["file"]) for d in report["diagnostics"]}
    assert ("FND002", "findings/bomb.yaml") in codes
    assert ("FND001", "findings/deep.yaml") in codes


def test_real_command_prints_no_traceback(tmp_path: Path) -> None:
    """Through the installed entry point too: broken config, broken YAML, broken BibTeX."""
    for case, status in (("config-invalid-toml", 2), ("yaml-syntax-error", 1),
                         ("bib-unbalanced-braces", 1)):
        project, _ = make_project(case, tmp_path / case)
        completed = subprocess.run(
            [sys.executable, "-m", "briefgen", "check", str(project)],
            capture_output=True, text=True, timeout=120, check=False,
        )
        assert completed.returncode == status, completed.stderr
        assert "Traceback" not in completed.stdout + completed.stderr
        assert "internal error" not in completed.stderr

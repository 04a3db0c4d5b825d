"""Source texts as users have them: empty, UTF-16, in another folder."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from briefgen.cli import cli


def _project(tmp_path: Path) -> Path:
    (tmp_path / "briefgen.toml").write_text('sources = "texts"\n', encoding="utf-8")
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib/r.bib").write_text(
        "@book{a, author={A}, title={T}, year={2000}}\n"
        "@book{b, author={B}, title={T}, year={2000}}\n", encoding="utf-8")
    (tmp_path / "texts").mkdir()
    (tmp_path / "findings").mkdir()
    (tmp_path / "findings/f.yaml").write_text(
        "- {id: fa, claim: c, source: a, quote: anything}\n"
        "- {id: fb, claim: c, source: b, quote: hello wörld}\n", encoding="utf-8")
    return tmp_path


def test_empty_text_is_no_text_and_utf16_is_read(tmp_path: Path) -> None:
    project = _project(tmp_path)
    (project / "texts/a.txt").write_bytes(b"")
    (project / "texts/b.txt").write_bytes("Hello wörld, again.\n".encode("utf-16"))
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(project)])
    report = json.loads(result.stdout)
    statuses = {f["id"]: f["evidence"][0]["status"] for f in report["findings"]}
    assert statuses == {"fa": "no-text", "fb": "verified"}
    src001 = [d for d in report["diagnostics"] if d["code"] == "SRC001"]
    assert [d["message"] for d in src001] == [
        "entry 'a' has no source text (texts/a.txt is empty)"]
    assert "Add texts/a.txt" in src001[0]["hint"]
    assert result.exit_code == 0

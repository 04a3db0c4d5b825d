"""The literature-review site: generated pages, escaping, links, and real MkDocs builds."""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from briefgen.model import (
    CheckReport,
    Citation,
    Config,
    Document,
    Entry,
    Evidence,
    EvidenceResult,
    Finding,
    FindingResult,
    PageMap,
    Project,
    Source,
    Span,
)
from briefgen.site import pages as site_pages
from briefgen.site.pages import SiteOptions, build_pages, md_escape, sanitize_html, write_pages
from briefgen.site.svg import CoverageCell, Label, TimelineMark, draw_coverage, draw_timeline

REPO = Path(__file__).resolve().parents[1]
XSS_CLAIM = "<script>alert(1)</script>"
XSS_TITLE = "Dictators <img src=x onerror=alert(2)> without <b>Borders</b>"

# ----------------------------------------------------------------- a project on disk

BIB = r"""
@book{weitz2014,
  author    = {Weitz, Richard},
  title     = {Global Security Watch: Central Asia},
  publisher = {Praeger},
  address   = {Santa Barbara},
  year      = {2014},
  pages     = {147--149},
}

@book{cooley2017,
  author    = {Cooley, Alexander and Heathershaw, John},
  title     = {Dictators <img src=x onerror=alert(2)> without <b>Borders</b>},
  publisher = {Yale University Press},
  year      = {2017},
}

@misc{doe:2020,
  author = {{Ministry of Defence}},
  title  = {White Paper},
  year   = {2020},
}

@article{kakenova2024,
  author  = {Kakenova, Aigerim and Smith, Jane and Doe, John},
  title   = {China's Security Footprint in Central Asia},
  journal = {Central Asian Survey},
  volume  = {43},
  number  = {2},
  year    = {2024},
}
"""

WEITZ = (
    "Uzbekistan rejoined the CSTO in 2006 after the Andijan events.\n"
    "Uzbekistan eventually suspended its CSTO membership in June 2012.\n"
    "\f"
    "The United States reopened the Northern Distribution Network through Uzbekistan.\n"
    "\f"
    "Termez remained a key logistics hub for the German air force.\n"
)

KAKENOVA = (
    "China's security cooperation with Uzbekistan expanded after 2016, including joint\n"
    "counter-terrorism exercises held in 2019 near Tashkent.\n"
)

FINDINGS = """
- id: csto-rejoin-2006
  claim: Uzbekistan rejoined the CSTO in 2006.
  source: weitz2014
  quote: "Uzbekistan rejoined the CSTO in 2006 after the Andijan events."
  page: "147"
  tags: [csto, russia]
  date: "2006"
- id: csto-suspension-2012
  claim: Uzbekistan suspended its CSTO membership in June 2012.
  source: weitz2014
  quote: "Uzbekistan eventually suspended its CSTO membership in June 2012."
  page: "147"
  tags: [csto, russia]
  date: "2012-06"
- id: ndn-2009
  claim: The Northern Distribution Network ran through Uzbekistan.
  source: weitz2014
  quote: "The United States reopened the Northern Distribution Network through Uzbekistan."
  page: "149"
  tags: [usa, logistics]
  date: "2009-02-15"
- id: xss-claim
  claim: "<script>alert(1)</script>"
  source: cooley2017
  quote: "Tashkent & [its] *partners*"
  tags: [usa]
  date: "2017"
- id: china-exercises-2019
  claim: China and Uzbekistan held joint counter-terrorism exercises in 2019.
  evidence:
    - source: kakenova2024
      quote: "joint counter-terrorism exercises held in 2019 near Tashkent"
    - source: weitz2014
      quote: "Termez remained a key logistics hub"
      page: "149"
  tags: [china]
  date: "2019-05"
- id: undated-note
  claim: Termez hosts a logistics hub.
  source: weitz2014
  quote: "Termez remained a key logistics hub for the German air force."
"""

BRIEF = """\
---
title: Uzbekistan between its partners
---

Tashkent left the CSTO in 2012 [@weitz2014, p. 147]. China's role grew [@kakenova2024].
"""

BRIEF_HTML = """<!DOCTYPE html>
<html><head><title>x</title><script>alert('head')</script></head>
<body>
<header id="title-block-header"><h1 class="title">Uzbekistan between its partners</h1></header>
<p>Tashkent left the CSTO in 2012 <span class="citation" data-cites="weitz2014">(<a
href="#ref-weitz2014" role="doc-biblioref">Weitz 2014, 147</a>)</span>.</p>
<p onclick="alert(3)">China's role grew.<script>alert(4)</script></p>

<p><a href="javascript:alert(5)">bad link</a></p>
<div id="refs" class="references csl-bib-body hanging-indent" role="list">
<div id="ref-weitz2014" class="csl-entry" role="listitem">Weitz, Richard. 2014.</div>
</div>
</body></html>
"""

MKDOCS_YML = """\
site_name: Test corpus
theme:
  name: material
  font: false
plugins:
  - search
  - briefgen
"""


def write_project(root: Path, *, with_outputs: bool = True) -> Path:
    """A small briefgen project with a site configuration, ready for `mkdocs build`."""
    (root / "bib").mkdir(parents=True)
    (root / "sources").mkdir()
    (root / "findings").mkdir()
    (root / "briefs").mkdir()
    (root / "docs").mkdir()
    (root / "briefgen.toml").write_text(
        'bibliography = ["bib/*.bib"]\nsources = "sources"\nfindings = ["findings/**/*.yaml"]\n'
        'briefs = ["briefs/*.md"]\ntemplates = "templates"\noutput = "build"\n'
        'csl = "chicago-author-date"\n',
        encoding="utf-8",
    )
    (root / "bib" / "corpus.bib").write_text(BIB, encoding="utf-8")
    (root / "sources" / "weitz2014.txt").write_text(WEITZ, encoding="utf-8")
    (root / "sources" / "kakenova2024.txt").write_text(KAKENOVA, encoding="utf-8")
    (root / "findings" / "corpus.yaml").write_text(FINDINGS, encoding="utf-8")
    (root / "briefs" / "outlook.md").write_text(BRIEF, encoding="utf-8")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    (root / "docs" / "index.md").write_text(
        "# Test corpus\n\nSee the [overview](corpus/index.md).\n", encoding="utf-8"
    )
    if with_outputs:
        out = root / "build" / "briefs"
        out.mkdir(parents=True)
        (out / "outlook.html").write_text(BRIEF_HTML, encoding="utf-8")
        (out / "outlook.pdf").write_bytes(b"%PDF-1.4 not really a pdf\n")
        (out / "outlook.docx").write_bytes(b"PK not really a docx")
    return root


def mkdocs_build(root: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", *extra],
        cwd=root, capture_output=True, text=True, timeout=300,
    )


# ---------------------------------------------------------------- a project in code


def code_project(root: Path) -> tuple[Project, CheckReport]:
    span = Span("findings/a.yaml", 1)

    def evidence(key: str, quote: str, page: str | None = None) -> Evidence:
        return Evidence(key, quote, page, span)

    entries = {
        "weitz2014": Entry("weitz2014", "book", {
            "author": "Weitz, Richard", "title": "Global Security Watch", "year": "2014",
            "publisher": "Praeger"}, Span("bib/corpus.bib", 1)),
        "cooley2017": Entry("cooley2017", "book", {
            "author": "Cooley, Alexander and Heathershaw, John", "title": XSS_TITLE,
            "year": "2017"}, Span("bib/corpus.bib", 9)),
        "index": Entry("index", "misc", {"title": "A key named index", "year": "2020"},
                       Span("bib/corpus.bib", 20)),
    }
    sources = {"weitz2014": Source("weitz2014", "sources/weitz2014.txt", "text",
                                   PageMap((0,), ("147",)))}
    findings = (
        Finding("csto-suspension-2012", "Uzbekistan suspended its CSTO membership.",
                (evidence("weitz2014", "suspended its CSTO membership", "147"),),
                Span("findings/a.yaml", 1), ("csto", "russia"), "2012-06"),
        Finding("xss", XSS_CLAIM + " *bold* [x](javascript:alert(1)) | pipe",
                (evidence("cooley2017", "<img src=x onerror=alert(1)>", "3"),),
                Span("findings/a.yaml", 10), ("csto",), "2017"),
        Finding("multi", "- looks like a list item",
                (evidence("weitz2014", "first"), evidence("nokey", "second")),
                Span("findings/a.yaml", 20), (), "2010-03-04"),
        Finding("multi", "A duplicate id.", (evidence("index", "third"),),
                Span("findings/a.yaml", 30), ("index",), None),
    )
    documents = (Document("briefs/outlook.md", "Text [@weitz2014].",
                          (Citation("weitz2014", Span("briefs/outlook.md", 1)),)),)
    project = Project(root=root, config=Config(root=root), entries=entries, sources=sources,
                      findings=findings, documents=documents,
                      bibliography_files=("bib/corpus.bib",), entry_count=3)
    statuses = iter(["verified", "not-found", "verified", "unknown-source", "no-text"])
    results = tuple(
        FindingResult(f, tuple(EvidenceResult(e, next(statuses)) for e in f.evidence))
        for f in findings
    )
    return project, CheckReport((), results, (), 3, 1)


REFERENCES = {
    "weitz2014": "Weitz, Richard. 2014. <em>Global Security Watch</em>. Praeger.",
    "cooley2017": "Cooley. 2017. <em>Dictators &lt;img src=x onerror=alert(2)&gt;</em>.",
    "index": "A key named index. 2020.",
}


@pytest.fixture
def generated(tmp_path: Path) -> site_pages.SitePages:
    project, report = code_project(tmp_path)
    return build_pages(project, report, SiteOptions(references=REFERENCES))


# ------------------------------------------------------------------------ unit tests


def test_every_source_and_theme_has_a_page_at_a_stable_path(generated):
    paths = {page.path for page in generated}
    for key in ("weitz2014", "cooley2017"):
        assert f"sources/{key}.md" in paths
    for tag in ("csto", "russia"):
        assert f"themes/{tag}.md" in paths
    # A cite key "index" does not take the place of the sources' index page.
    assert "sources/index.md" in paths and "sources/index-2.md" in paths
    assert "themes/index-2.md" in paths
    for path in ("corpus/index.md", "findings/index.md", "bibliography/index.md",
                 "briefs/index.md", "briefs/outlook.md", "assets/briefgen/briefgen.css",
                 "assets/briefgen/briefgen.js"):
        assert path in paths
    assert len(paths) == len(generated.pages)


def test_no_text_from_findings_or_bibliography_becomes_markup(generated):
    for page in generated:
        if not page.path.endswith(".md"):
            continue
        text = str(page.content)
        assert "<script" not in text, page.path
        assert "<img" not in text, page.path
        assert "onerror=" not in text, page.path
        assert "](javascript:" not in text, page.path
    theme = str(generated.get("themes/csto.md").content)  # type: ignore[union-attr]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in theme
    assert "&#42;bold&#42;" in theme and "&#124; pipe" in theme
    # A claim that starts like a list item stays a sentence.
    source = str(generated.get("sources/weitz2014.md").content)  # type: ignore[union-attr]
    assert "<strong>&#45; looks like a list item</strong>" in source


def test_markdown_links_between_generated_pages_resolve(generated):
    paths = {page.path for page in generated}
    anchors: dict[str, set[str]] = {
        page.path: set(re.findall(r'id="([^"]+)"', str(page.content))) for page in generated
    }
    checked = 0
    for page in generated:
        if not page.path.endswith(".md"):
            continue
        for target in re.findall(r"\]\(([^)\s]+)\)", str(page.content)):
            path, _, anchor = target.partition("#")
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page.path), path))
            assert resolved in paths, f"{page.path}: {target}"
            if anchor:
                assert anchor in anchors[resolved], f"{page.path}: {target}"
            checked += 1
    assert checked > 20


def test_findings_with_the_same_id_get_distinct_anchors(generated):
    weitz = str(generated.get("sources/weitz2014.md").content)  # type: ignore[union-attr]
    other = str(generated.get("sources/index-2.md").content)  # type: ignore[union-attr]
    assert 'id="multi"' in weitz and 'id="multi-2"' in other


def test_sources_link_back_to_themes_and_briefs(generated):
    weitz = str(generated.get("sources/weitz2014.md").content)  # type: ignore[union-attr]
    assert "](../themes/csto.md#csto-suspension-2012)" in weitz
    assert "](../briefs/outlook.md)" in weitz
    index = str(generated.get("findings/index.md").content)  # type: ignore[union-attr]
    assert "nokey <em>(unknown source)</em>" in index


def test_pictures_link_with_final_urls_for_both_url_styles(tmp_path):
    project, report = code_project(tmp_path)
    pretty = build_pages(project, report, SiteOptions(references=REFERENCES))
    plain = build_pages(project, report,
                        SiteOptions(references=REFERENCES, directory_urls=False))
    overview = str(pretty.get("corpus/index.md").content)  # type: ignore[union-attr]
    assert 'href="../themes/csto/#csto-suspension-2012"' in overview
    assert 'href="../sources/weitz2014/"' in overview
    overview = str(plain.get("corpus/index.md").content)  # type: ignore[union-attr]
    assert 'href="../themes/csto.html#csto-suspension-2012"' in overview


def test_md_escape_and_sanitize():
    assert md_escape("a  <b>\n*c*") == "a &lt;b&gt; &#42;c&#42;"
    assert md_escape("1. first") == "1&#46; first"
    assert md_escape("+ plus") == "&#43; plus"
    html = sanitize_html(
        '<em onclick="x()">t</em><script>alert(1)</script><a href="javascript:y()">l</a>'
        '<a href="https://example.org/">ok</a><iframe src="x"></iframe><b>[x](y)</b>'
    )
    assert html == (
        '<em>t</em><a>l</a><a href="https://example.org/">ok</a><b>&#91;x&#93;(y)</b>'
    )
    assert sanitize_html("<div><p>a</p></div>", inline=True) == "<span><span>a</span></span>"


def test_svg_escapes_labels_and_links():
    marks = [TimelineMark(2012.4, "csto", "../themes/csto/#a", XSS_CLAIM)]
    timeline = draw_timeline(marks, [Label("csto", "../themes/csto/")], {"csto": "#123456"})
    assert "<script" not in timeline and "&lt;script&gt;" in timeline
    assert '<a href="../themes/csto/#a">' in timeline and "\n\n" not in timeline
    coverage = draw_coverage([Label(XSS_TITLE, "s/")], [Label("csto", "t/")],
                             [CoverageCell(0, 0, 3, "t/#a")])
    assert "<img" not in coverage and '<a href="t/#a">' in coverage


@pytest.mark.slow
def test_references_come_from_one_pandoc_run(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", with_outputs=False)
    project, report = code_project(root)
    calls = []
    real = site_pages._run_pandoc

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(site_pages, "_run_pandoc", counting)
    pages = build_pages(project, report)
    assert len(calls) == 1
    bibliography = str(pages.get("bibliography/index.md").content)  # type: ignore[union-attr]
    assert "Weitz, Richard. 2014. <em>Global Security Watch: Central Asia</em>" in bibliography
    assert "<img" not in bibliography and "&lt;img" in bibliography.replace("&lt;Img", "&lt;img")
    # The entry "index" is in no bibliography file: a plain reference, and a warning.
    assert [(d.code, d.key) for d in pages.diagnostics] == [("SITE002", "index")]
    assert "<em>A key named index</em>." in bibliography


def test_write_pages(tmp_path, generated):
    written = write_pages(generated, tmp_path / "out")
    assert (tmp_path / "out" / "sources" / "weitz2014.md").is_file()
    assert len(written) == len(generated.pages)


def test_every_diagnostic_code_is_documented():
    from briefgen.diagnostics import CATALOGUE

    text = (REPO / "docs" / "diagnostics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\{#([a-z]+[0-9]+)\}", text))
    codes = {code.lower() for code in CATALOGUE} | {"site001", "site002"}
    assert codes - documented == set()


# ------------------------------------------------------------- built HTML, checked


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        for name in ("href", "src"):
            if values.get(name) and tag in ("a", "link", "script", "img"):
                self.links.append(values[name] or "")
        if tag == "script":
            self.scripts.append(values.get("src") or "")


def check_internal_links(site: Path) -> int:
    """Assert that every internal href and src of the built site resolves; count them."""
    parsed: dict[Path, _Links] = {}

    def parse(path: Path) -> _Links:
        if path not in parsed:
            parser = _Links()
            parser.feed(path.read_text(encoding="utf-8"))
            parsed[path] = parser
        return parsed[path]

    count = 0
    for page in sorted(site.rglob("*.html")):
        if page == site / "404.html":  # written with absolute URLs, for any depth
            continue
        for link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith("//"):
                continue
            if parts.path:
                target = (page.parent / unquote(parts.path)).resolve()
                if link.endswith("/") or target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            assert target.is_file(), f"{page.relative_to(site)}: broken link {link}"
            assert site.resolve() in target.parents or target == site.resolve()
            if parts.fragment and target.suffix == ".html":
                assert unquote(parts.fragment) in parse(target).ids, (
                    f"{page.relative_to(site)}: no anchor for {link}"
                )
            count += 1
    return count


@pytest.fixture(scope="module")
def built_project(tmp_path_factory) -> Path:
    root = write_project(tmp_path_factory.mktemp("site") / "project")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    return root


def test_mkdocs_build_strict_builds_every_page(built_project):
    site = built_project / "site"
    for key in ("weitz2014", "cooley2017", "kakenova2024", "doe:2020"):
        assert (site / "sources" / key / "index.html").is_file()
    for tag in ("csto", "russia", "usa", "logistics", "china"):
        assert (site / "themes" / tag / "index.html").is_file()
    for path in ("corpus", "findings", "briefs/outlook", "bibliography"):
        assert (site / path / "index.html").is_file()
    assert (site / "briefs" / "outlook.pdf").read_bytes().startswith(b"%PDF")
    assert (site / "briefs" / "outlook.docx").is_file()


def test_built_site_has_no_broken_internal_link(built_project):
    assert check_internal_links(built_project / "site") > 200


def test_built_site_has_no_injected_markup(built_project):
    site = built_project / "site"
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert" not in html, page
        assert "onerror=alert" not in html, page
        assert "javascript:alert" not in html, page
        assert 'onclick="alert' not in html, page
        for src in _scripts(html):
            assert not urlsplit(src).netloc, f"{page}: script from outside {src}"
    theme = (site / "themes" / "usa" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in theme


def _scripts(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return [s for s in parser.scripts if s]


def test_citations_link_to_sources_and_back(built_project):
    site = built_project / "site"
    theme = (site / "themes" / "csto" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../sources/weitz2014/#csto-suspension-2012"' in theme
    source = (site / "sources" / "weitz2014" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../themes/csto/#csto-rejoin-2006"' in source
    assert 'href="../../briefs/outlook/"' in source
    assert "verified" in source
    brief = (site / "briefs" / "outlook" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../sources/weitz2014/"' in brief  # the brief's citation, rewritten
    assert 'href="../outlook.pdf"' in brief
    assert "alert" not in brief.split('class="briefgen-brief"', 1)[1].split("</article>")[0]


def test_overview_draws_the_timeline_and_the_matrix(built_project):
    html = (built_project / "site" / "corpus" / "index.html").read_text(encoding="utf-8")
    assert html.count('<svg class="briefgen-timeline"') == 1
    assert html.count('<svg class="briefgen-coverage"') == 1
    assert 'href="../themes/csto/#csto-suspension-2012"' in html
    # Five dated findings: one dot per tag of each (2 + 2 + 2 + 1 + 1).
    assert len(re.findall(r"<circle ", html)) == 8


def test_site_without_directory_urls_has_no_broken_link(tmp_path):
    root = write_project(tmp_path / "project")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("use_directory_urls: false\n")
    result = mkdocs_build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert (site / "sources" / "weitz2014.html").is_file()
    assert (site / "themes" / "csto.html").is_file()
    overview = (site / "corpus" / "index.html").read_text(encoding="utf-8")
    assert 'href="../themes/csto.html#csto-suspension-2012"' in overview
    assert check_internal_links(site) > 200


def test_pages_only_writes_markdown(tmp_path):
    from briefgen.site.build import write_site_pages

    root = write_project(tmp_path / "project")
    written, problems = write_site_pages(root, tmp_path / "pages")
    assert (tmp_path / "pages" / "sources" / "weitz2014.md").is_file()
    assert (tmp_path / "pages" / "themes" / "csto.md").is_file()
    assert len(written) > 10 and not problems


def test_briefgen_site_without_mkdocs_yml(tmp_path):
    from briefgen.site.build import build_site

    root = write_project(tmp_path / "project")
    (root / "mkdocs.yml").unlink()
    site = build_site(root, strict=True)
    assert site == (root / "site").resolve()
    assert (site / "index.html").is_file()  # the overview is the home page
    assert (site / "sources" / "weitz2014" / "index.html").is_file()
    check_internal_links(site)


def test_briefgen_site_without_a_docs_folder(tmp_path):
    from briefgen.site.build import build_site

    root = write_project(tmp_path / "project")
    (root / "docs" / "index.md").unlink()
    (root / "docs").rmdir()
    site = build_site(root, strict=True)
    assert (site / "index.html").is_file() and (site / "corpus").exists() is False
    check_internal_links(site)


def test_plugin_turns_a_bad_configuration_into_a_clear_error(tmp_path):
    root = write_project(tmp_path / "project")
    (root / "briefgen.toml").write_text("findings = 3\n", encoding="utf-8")
    result = mkdocs_build(root)
    assert result.returncode != 0
    assert "briefgen could not load the project" in result.stderr
    assert "Traceback" not in result.stderr


def test_repository_site_builds_strict(tmp_path):
    """`mkdocs build --strict` at the repository root: the user guide and the corpus."""
    result = mkdocs_build(REPO, "--site-dir", str(tmp_path / "site"))
    assert result.returncode == 0, result.stderr
    site = tmp_path / "site"
    from briefgen import api

    project = api.load_project(REPO)
    for key in project.entries:
        assert (site / "sources" / key / "index.html").is_file(), key
    for tag in {t for f in project.findings for t in f.tags}:
        assert (site / "themes" / tag / "index.html").is_file(), tag
    check_internal_links(site)


def test_site_docs_page_list_is_in_nav():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in ("getting-started.md", "findings-format.md", "matching.md", "templates.md",
                 "ci.md", "diagnostics.md", "corpus/index.md"):
        assert page in config
    assert textwrap.dedent("font: false") in config

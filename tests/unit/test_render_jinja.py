"""Rendering briefs' Jinja to Pandoc Markdown (briefgen.render.jinja)."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.model import (
    CheckReport,
    Config,
    Document,
    Entry,
    Evidence,
    EvidenceResult,
    Finding,
    FindingResult,
    Project,
    Span,
)
from briefgen.render.frontmatter import parse_front_matter
from briefgen.render.jinja import RenderedBrief, citation_for, escape_markdown, render_brief


def _finding(
    fid: str,
    claim: str,
    source: str,
    quote: str,
    page: str | None,
    tags: tuple[str, ...] = (),
    date: str | None = None,
    line: int = 1,
) -> Finding:
    span = Span("findings/f.yaml", line, 3)
    return Finding(fid, claim, (Evidence(source, quote, page, span),), span, tags, date)


FINDINGS = (
    _finding(
        "csto-2012",
        "Uzbekistan suspended its CSTO membership in June 2012.",
        "weitz2014",
        "Uzbekistan eventually suspended its CSTO membership in June 2012.",
        "147",
        ("csto", "russia"),
        "2012-06",
        line=1,
    ),
    _finding(
        "plan-2018",
        "A five-year military cooperation plan with the US was signed.",
        "rt2018",
        "five-year plan of military cooperation",
        None,
        ("usa",),
        "2018-05",
        line=8,
    ),
    _finding(
        "phases",
        "Relations went through four phases.",
        "kakenova2024",
        "four phases @ *stars* [1]",
        "3",
        ("usa", "russia"),
        None,
        line=14,
    ),
    _finding(
        "k2-2001",
        "The US used the Karshi-Khanabad base from 2001.",
        "kakenova2024",
        "Karshi-Khanabad",
        "5",
        ("usa",),
        "2001-10",
        line=20,
    ),
)


def _project(root: Path, findings: tuple[Finding, ...] = FINDINGS) -> Project:
    entries = {
        "weitz2014": Entry(
            "weitz2014",
            "article",
            {"author": "Weitz, Richard", "year": "2014", "title": "Threat and Response"},
            Span("bib/r.bib", 1),
        ),
    }
    return Project(
        root=root,
        config=Config(root=root),
        entries=entries,
        sources={},
        findings=findings,
        documents=(),
        bibliography_files=(),
    )


def _report(statuses: dict[str, str]) -> CheckReport:
    results = tuple(
        FindingResult(
            f,
            tuple(
                EvidenceResult(e, statuses.get(f.id, "verified"))  # type: ignore[arg-type]
                for e in f.evidence
            ),
        )
        for f in FINDINGS
    )
    return CheckReport((), results, (), 4, 4)


def _render(
    tmp_path: Path, text: str, report: CheckReport | None = None, templates: Path | None = None
) -> RenderedBrief:
    document = Document("briefs/t.md", text, ())
    meta, problems = parse_front_matter(text, document.path)
    assert problems == []
    return render_brief(document, meta, _project(tmp_path), report, templates)


def test_claim_cite_and_quote_helpers(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\n---\n"
        "{{ claim('csto-2012') }}\n\n"
        "Cite: {{ cite('csto-2012') }}\n\n"
        "{{ quote('csto-2012') }}\n\n"
        "{{ quote(finding('csto-2012'), block=True) }}\n\n"
        "{{ finding('plan-2018') | claim }}\n"
    )
    rendered = _render(tmp_path, text)
    assert rendered.diagnostics == ()
    md = rendered.markdown
    assert "Uzbekistan suspended its CSTO membership in June 2012 [@weitz2014, p. 147]." in md
    assert "Cite: [@weitz2014, p. 147]" in md
    assert (
        "“Uzbekistan eventually suspended its CSTO membership in June 2012.” [@weitz2014, p. 147]"
    ) in md
    assert "> “Uzbekistan eventually" in md
    assert "A five-year military cooperation plan with the US was signed [@rt2018]." in md
    assert [u.id for u in rendered.used] == ["csto-2012", "plan-2018"]
    assert rendered.used[0].span == Span("briefs/t.md", 4, None)


def test_findings_filters_and_date_sort(tmp_path: Path) -> None:
    text = (
        "{% for f in findings(tag='usa', sort='date') %}{{ f.id }} {{ f.date_label }}|"
        "{% endfor %}\n"
        "{% for f in findings(source='kakenova2024') %}{{ f.id }},{% endfor %}\n"
        "{% for f in findings(ids=['phases', 'csto-2012'], sort='id') %}{{ f.id }};"
        "{% endfor %}\n"
        "{% for f in findings(dated=True, since='2005', sort='-date') %}{{ f.year }} "
        "{% endfor %}\n"
        "{% for f in findings(all_tags=['usa', 'russia']) %}{{ f.id }}{% endfor %}\n"
    )
    md = _render(tmp_path, text).markdown
    assert "k2-2001 October 2001|plan-2018 May 2018|phases |" in md
    assert "phases,k2-2001," in md
    assert "csto-2012;phases;" in md
    # trim_blocks: the newline after a block tag is dropped, so the lines join up.
    assert "2018 2012 phases" in md


def test_quotes_are_escaped_as_literal_markdown(tmp_path: Path) -> None:
    md = _render(tmp_path, "{{ quote('phases') }}").markdown
    assert r"“four phases \@ \*stars\* \[1\]” [@kakenova2024, p. 3]" in md
    assert escape_markdown("a\n  b_c") == r"a b\_c"


def test_citation_for_several_pieces_of_evidence() -> None:
    span = Span("f.yaml", 1)
    evidence = (
        Evidence("a", "q", "12-13", span),
        Evidence("b:x", "q", None, span),
        Evidence("weird key", "q", None, span),
    )
    assert citation_for(evidence) == "[@a, p. 12-13; @b:x; @{weird key}]"


def test_layout_blocks_summary_judgments_recommendations_appendix(tmp_path: Path) -> None:
    text = (
        "---\ntitle: T\nsummary: The gist.\nrecommendations: [Do this., Do that.]\n---\n"
        "{% block key_judgments %}\n- {{ claim('csto-2012') }}\n{% endblock %}\n"
        "{% block body %}\n# Evidence\n\n{{ claim('plan-2018') }}\n{% endblock %}\n"
    )
    rendered = _render(tmp_path, text, report=_report({"plan-2018": "fuzzy"}))
    assert rendered.diagnostics == ()
    md = rendered.markdown
    assert md.startswith("---\ntitle: T\n")
    assert "link-citations: true" in md
    order = [
        md.index(s)
        for s in (
            "::: {.summary}",
            "The gist.",
            "## Key judgments",
            "# Evidence",
            "# Recommendations",
            "1. Do this.",
            "# Evidence appendix",
            "# References",
            "::: {#refs}",
        )
    ]
    assert order == sorted(order)
    appendix = md[md.index("# Evidence appendix") :]
    assert "**E1** [csto-2012]{.finding-id}" in appendix
    assert "**E2** [plan-2018]{.finding-id}" in appendix
    assert "Weitz 2014, p. 147" in appendix
    assert "{.status .status-verified}" in appendix
    assert "{.status .status-fuzzy}" in appendix


def test_text_outside_blocks_is_warned_about(tmp_path: Path) -> None:
    rendered = _render(tmp_path, "stray text\n{% block body %}ok{% endblock %}\n")
    assert [d.code for d in rendered.diagnostics] == ["BRF015"]
    assert rendered.diagnostics[0].severity == "warning"


def test_plain_markdown_with_pandoc_attributes_passes_through(tmp_path: Path) -> None:
    text = "# Intro {#sec-intro .unnumbered}\n\nAs @weitz2014 argues [see @rt2018, p. 2].\n"
    rendered = _render(tmp_path, text)
    assert rendered.diagnostics == ()
    assert "# Intro {#sec-intro .unnumbered}" in rendered.markdown
    assert "As @weitz2014 argues [see @rt2018, p. 2]." in rendered.markdown
    assert "Evidence appendix" not in rendered.markdown


@pytest.mark.parametrize(
    ("body", "code", "line", "needle"),
    [
        ("ok\n\n{{ meta.nosuch }}\n", "BRF004", 7, "nosuch"),
        ("ok\n{% for x in %}\n", "BRF003", 6, "syntax"),
        ("ok\n\n\n{{ claim('csto-2013') }}\n", "BRF005", 8, "csto-2013"),
        ("{{ ''.__class__.__mro__ }}\n", "BRF004", 5, "not allowed"),
        ("{{ findings(sort='random') }}\n", "BRF004", 5, "sort"),
    ],
)
def test_template_errors_are_diagnostics_with_file_and_line(
    tmp_path: Path, body: str, code: str, line: int, needle: str
) -> None:
    text = "---\ntitle: T\ndate: x\n---\n" + body
    rendered = _render(tmp_path, text)
    assert [d.code for d in rendered.diagnostics] == [code]
    diagnostic = rendered.diagnostics[0]
    assert diagnostic.span == Span("briefs/t.md", line, None)
    assert needle in diagnostic.message
    if code == "BRF005":
        assert diagnostic.hint == "did you mean 'csto-2012'?"


def test_project_layout_overrides_a_block_of_the_default(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text(
        '{% extends "briefgen/brief.md.j2" %}\n'
        "{% block colophon %}\nPrepared by the unit.\n{% endblock %}\n"
    )
    (templates / "other.md.j2").write_text(
        "{{ front_matter }}\nOTHER {% block body %}{% endblock %}\n"
    )
    rendered = _render(tmp_path, "Body text.\n", templates=templates)
    assert rendered.markdown.rstrip().endswith("Prepared by the unit.")
    other = _render(tmp_path, "---\ntemplate: other.md.j2\n---\nBody.\n", templates=templates)
    assert "OTHER \n\nBody." in other.markdown or "OTHER Body." in other.markdown.replace("\n", " ")
    missing = _render(tmp_path, "---\ntemplate: nope.md.j2\n---\nBody.\n", templates=templates)
    assert [d.code for d in missing.diagnostics] == ["BRF009"]
    assert missing.diagnostics[0].span == Span("briefs/t.md", 2, 1)


def test_error_in_project_layout_points_at_the_layout(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "brief.md.j2").write_text(
        '{% extends "briefgen/brief.md.j2" %}\n{% block colophon %}\n{{ meta.nope }}\n'
        "{% endblock %}\n"
    )
    rendered = _render(tmp_path, "Body.\n", templates=templates)
    assert [d.code for d in rendered.diagnostics] == ["BRF004"]
    assert rendered.diagnostics[0].span == Span("templates/brief.md.j2", 3, None)


def test_used_finding_statuses_come_from_the_report(tmp_path: Path) -> None:
    rendered = _render(
        tmp_path,
        "{{ claim('csto-2012') }} {{ claim('phases') }}",
        report=_report({"phases": "not-found"}),
    )
    assert [(u.id, u.ok, u.status) for u in rendered.used] == [
        ("csto-2012", True, "verified"),
        ("phases", False, "not-found"),
    ]

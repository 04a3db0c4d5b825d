"""The built site in a real browser: headless Chromium driven by Playwright.

Builds the repository's own site (the user guide and the example corpus), serves it
from a local HTTP server, and walks it as a reader would: theme page, citation, source
page, search, findings table. Screenshots go to tests/artifacts/.
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "tests" / "artifacts"
CHROMIUM = os.environ.get("BRIEFGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(folder)],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser test needs Debian's chromium "
            "(apt-get install -y chromium), or BRIEFGEN_CHROMIUM set to a Chromium binary."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def page(browser, base_url):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda request: outside.append(request.url)
           if not request.url.startswith(base_url) and not request.url.startswith("data:")
           else None)
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert outside == [], f"the site loaded something from outside itself: {outside}"
    assert errors == [], f"script errors: {errors}"


def _corpus_example() -> tuple[str, str, str, str]:
    """A tag, a finding with that tag, its source's key, and a stretch of its quote."""
    from briefgen import api

    project = api.load_project(REPO)
    for finding in project.findings:
        evidence = finding.evidence[0] if finding.evidence else None
        if finding.tags and evidence is not None and evidence.source in project.entries:
            # What a reader would type: the quote's first few words that carry meaning.
            words = [w.strip(".,;:!?\"'()[]“”‘’") for w in evidence.quote.split()]
            words = [w for w in words if len(w) > 3 and w.isalpha()]
            if len(words) >= 5:
                return finding.tags[0], finding.id, evidence.source, " ".join(words[:5])
    raise AssertionError("the example corpus has no tagged finding to walk through")


def test_reader_walks_from_theme_through_citation_to_source_and_searches(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    tag, finding_id, key, quote = _corpus_example()

    page.goto(base_url + "corpus/")
    assert page.title().startswith("Corpus overview")
    assert page.locator("svg.briefgen-timeline circle").count() > 0
    assert page.locator("svg.briefgen-coverage rect").count() > 0
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    page.locator("svg.briefgen-timeline").screenshot(path=str(ARTIFACTS / "timeline.png"))
    page.locator("svg.briefgen-coverage").screenshot(path=str(ARTIFACTS / "coverage.png"))

    # From the overview to a theme page, then through a citation to its source.
    page.locator(f'article a[href="../themes/{tag}/"]').first.click()
    page.wait_for_url(f"**/themes/{tag}/")
    assert page.locator(f"#{finding_id}").count() == 1
    page.screenshot(path=str(ARTIFACTS / "theme.png"), full_page=True)
    citation = page.locator(f'article a[href="../../sources/{key}/#{finding_id}"]').first
    citation.click()
    page.wait_for_url(f"**/sources/{key}/#{finding_id}")
    assert page.locator("h1").first.inner_text()
    assert page.locator(f"#{finding_id}").is_visible() or page.locator(
        f"#{finding_id}").count() == 1
    assert page.locator(".briefgen-reference").count() == 1
    # The source page links back to the theme.
    assert page.locator(f'article a[href^="../../themes/{tag}/"]').count() >= 1
    page.screenshot(path=str(ARTIFACTS / "source-finding.png"))  # the cited finding, marked
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "source.png"), full_page=True)

    # Material's search box finds the quote.
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(quote, delay=15)  # typed, key by key, as a reader would
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=20_000)
    hrefs = [results.nth(i).get_attribute("href") or "" for i in range(results.count())]
    assert any(f"sources/{key}/" in href for href in hrefs), hrefs
    page.screenshot(path=str(ARTIFACTS / "search.png"))


def test_findings_table_sorts_and_filters(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url + "findings/")
    rows = page.locator("article table tbody tr")
    total = rows.count()
    assert total > 5
    box = page.locator(".briefgen-filter input")
    box.fill("csto")
    visible = page.locator("article table tbody tr:not([hidden])").count()
    assert 0 < visible < total
    assert page.locator(".briefgen-filter-count").inner_text() == f"{visible} of {total} shown"
    box.fill("")
    heading = page.locator("article table thead th").nth(3)  # Date
    heading.click()
    assert heading.get_attribute("aria-sort") == "ascending"
    heading.click()
    assert heading.get_attribute("aria-sort") == "descending"
    dates = [d for d in page.locator("article table tbody tr td:nth-child(4)").all_inner_texts()
             if d]
    assert dates == sorted(dates, reverse=True)
    page.screenshot(path=str(ARTIFACTS / "findings.png"))


def test_dark_scheme_reads(page, base_url):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(base_url + "corpus/")
    toggle = page.locator("form[data-md-component='palette'] label:visible").first
    toggle.click()
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    page.screenshot(path=str(ARTIFACTS / "overview-dark.png"), full_page=True)

"""Every diagnostic code is documented: a section with an example and the fix.

Like Ruff's rule pages: ``### CODE: title {#code}`` in a page of ``docs/``, then a
code block showing it and a ``**Fix:**`` paragraph. Every code that briefgen's
sources emit must also be in the catalogue, so that SARIF rules, hints and these
docs all know it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import briefgen.fmt
import briefgen.render.codes
import briefgen.site.pages  # noqa: F401  (these register their codes)
from briefgen.diagnostics import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SOURCES = ROOT / "src" / "briefgen"
CODE = re.compile(r"[\"']((?:CFG|BIB|SRC|FND|CIT|BRF|SITE|FMT)\d{3})[\"']")


def sections() -> dict[str, str]:
    """Each documented code and the text of its section."""
    found: dict[str, str] = {}
    for page in sorted(DOCS.glob("*.md")):
        text = page.read_text(encoding="utf-8")
        heads = list(re.finditer(r"(?m)^#{2,4} ([A-Z]{3,4}\d{3}):.*$", text))
        for n, head in enumerate(heads):
            end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
            body = text[head.end():end]
            nxt = re.search(r"(?m)^#{1,3} ", body)
            found.setdefault(head.group(1), body[: nxt.start()] if nxt else body)
    return found


def emitted_codes() -> set[str]:
    return {m.group(1) for path in SOURCES.rglob("*.py")
            for m in CODE.finditer(path.read_text(encoding="utf-8"))}


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_code_is_documented_with_example_and_fix(code: str) -> None:
    documented = sections()
    assert code in documented, f"{code} has no section '### {code}: ...' in docs/"
    body = documented[code]
    assert "```" in body, f"{code}: no example"
    assert "**Fix:**" in body, f"{code}: no '**Fix:**'"


def test_every_emitted_code_is_in_the_catalogue() -> None:
    assert sorted(emitted_codes() - set(CATALOGUE)) == []

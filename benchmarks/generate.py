"""Generate synthetic briefgen projects of a chosen size, for the benchmarks.

A project has:

- ``sources/KEY.txt``: about 40 KB each of line-wrapped prose as ``pdftotext``
  writes it: lines of at most 72 characters, long words hyphenated across line
  breaks, a running head and a page number on every page, a form feed between
  pages, typographic quotes and dashes here and there;
- ``bib/refs.bib``: one entry per source (with a ``pages`` field, so page numbers
  start where the article does) plus filler entries up to ``--entries``;
- ``findings/NNN.yaml``: findings of 100 each, quoting the sources; one in ten is
  altered: a word changed (not found), the wrong source cited, or the wrong page;
  one in twenty of the rest uses an elision (``...``);
- ``briefs/brief.md``: a short brief citing a few findings and entries.

Everything is drawn from a seeded random generator, so a size and a seed always give
the same bytes. Usage::

    python benchmarks/generate.py project OUT --sources 1000 --findings 10000
    python benchmarks/generate.py bib OUT.bib --entries 10000 --doc OUT.md
"""

from __future__ import annotations

import argparse
import random
import shutil
import textwrap
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

SOURCE_CHARS = 40_000
LINE_WIDTH = 72
PAGE_CHARS = 3_000

_FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "as",
    "with",
    "by",
    "was",
    "it",
    "at",
    "from",
    "be",
    "this",
    "which",
    "or",
    "are",
    "an",
    "not",
    "but",
    "its",
    "were",
    "has",
    "have",
    "had",
    "their",
    "his",
    "been",
    "also",
    "more",
    "than",
    "between",
    "after",
    "into",
    "over",
    "under",
    "while",
    "during",
    "against",
    "among",
    "its",
    "both",
    "such",
    "these",
    "those",
    "other",
    "would",
    "could",
]
_CONTENT_WORDS = [
    "security",
    "cooperation",
    "government",
    "military",
    "policy",
    "region",
    "ministry",
    "defence",
    "foreign",
    "relations",
    "agreement",
    "treaty",
    "partnership",
    "border",
    "trade",
    "economic",
    "strategic",
    "president",
    "minister",
    "parliament",
    "alliance",
    "withdrawal",
    "exercises",
    "training",
    "equipment",
    "assistance",
    "investment",
    "pipeline",
    "transit",
    "corridor",
    "sanctions",
    "diplomacy",
    "summit",
    "declaration",
    "membership",
    "organisation",
    "negotiations",
    "independence",
    "sovereignty",
    "neutrality",
    "stability",
    "terrorism",
    "extremism",
    "narcotics",
    "migration",
    "remittances",
    "infrastructure",
    "railway",
    "energy",
    "reform",
    "elections",
    "opposition",
    "constitution",
    "succession",
    "legitimacy",
    "regime",
    "protest",
    "crackdown",
    "airbase",
    "logistics",
    "contingent",
    "deployment",
    "withdrawal",
    "modernisation",
    "procurement",
    "interoperability",
    "multilateral",
    "bilateral",
    "regional",
    "international",
]
_NAMES = [
    "Uzbekistan",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Turkmenistan",
    "Afghanistan",
    "Russia",
    "China",
    "Washington",
    "Moscow",
    "Beijing",
    "Tashkent",
    "Astana",
    "Bishkek",
    "Dushanbe",
    "Karimov",
    "Mirziyoyev",
    "Nazarbayev",
    "Putin",
    "NATO",
    "CSTO",
    "SCO",
    "EAEU",
    "Andijan",
    "Khanabad",
    "Termez",
    "Karshi",
    "Manas",
]
_SYLLABLES = [
    "ka",
    "ri",
    "mo",
    "tan",
    "ser",
    "vel",
    "lin",
    "dor",
    "pa",
    "ve",
    "sta",
    "tor",
    "men",
    "gra",
    "pol",
    "ni",
    "ex",
    "con",
    "tra",
    "de",
    "ment",
    "tion",
    "al",
    "ic",
    "ous",
    "ive",
    "ar",
    "en",
    "im",
    "pro",
    "ad",
    "re",
    "un",
    "in",
    "ter",
    "ble",
    "ly",
    "ism",
    "ist",
    "ure",
    "age",
    "ence",
]


def _vocabulary(rng: random.Random, size: int = 40_000) -> list[str]:
    """Made-up words, as many as a thousand real articles use (Heaps' law: ~40-80k)."""
    words = list(dict.fromkeys(_CONTENT_WORDS))
    seen = set(words) | set(_FUNCTION_WORDS)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 6)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class _Sentence:
    words: list[str]
    pages: list[int]  # the page of each word (-1: split across a page break)


class _Writer:
    """Lays words out in wrapped lines and pages, remembering each word's page."""

    def __init__(self, rng: random.Random, first_page: int, head: str) -> None:
        self.rng = rng
        self.page = first_page
        self.head = head
        self.lines: list[str] = [head, ""]
        self.line = ""
        self.page_chars = 0
        self.out: list[str] = []

    def _end_line(self) -> None:
        self.lines.append(self.line)
        self.page_chars += len(self.line) + 1
        self.line = ""
        if self.page_chars >= PAGE_CHARS:
            self.lines.append("")
            self.lines.append(f"{self.page:>36}")
            self.out.append("\n".join(self.lines) + "\n")
            self.page += 1
            self.lines = [self.head, ""]
            self.page_chars = 0

    def word(self, word: str) -> int:
        """Add a word; returns the page it starts on."""
        room = LINE_WIDTH - len(self.line) - (1 if self.line else 0)
        if len(word) <= room:
            self.line = f"{self.line} {word}" if self.line else word
            return self.page
        if len(word) >= 8 and word.isalpha() and room >= 4 and self.rng.random() < 0.6:
            cut = self.rng.randint(3, min(room - 1, len(word) - 3))
            self.line = f"{self.line} {word[:cut]}-" if self.line else f"{word[:cut]}-"
            page = self.page
            self._end_line()
            self.line = word[cut:]
            return page
        self._end_line()
        self.line = word
        return self.page

    def paragraph_break(self) -> None:
        if self.line:
            self._end_line()
        self.lines.append("")

    def text(self) -> str:
        if self.line:
            self._end_line()
        self.out.append("\n".join(self.lines) + "\n")
        return "\f".join(self.out)


def _sentence(rng: random.Random, vocab: list[str], weights: list[float]) -> list[str]:
    """One sentence; ``weights`` are cumulative weights of ``vocab``."""
    n = rng.randint(10, 32)
    words: list[str] = []
    for i in range(n):
        r = rng.random()
        if r < 0.42:
            w = rng.choice(_FUNCTION_WORDS)
        elif r < 0.47:
            w = rng.choice(_NAMES)
        elif r < 0.49:
            w = str(rng.randint(1991, 2024))
        else:
            w = rng.choices(vocab, cum_weights=weights)[0]
        if i == 0:
            w = w[:1].upper() + w[1:]
        words.append(w)
    if rng.random() < 0.15:
        i = rng.randrange(1, n - 1)
        words[i] = f"\u201c{words[i]}"
        words[i + 1] = f"{words[i + 1]}\u201d"
    if rng.random() < 0.2:
        words.insert(rng.randrange(2, n - 2), "\u2014")
    words[-1] += "."
    return words


def make_source(
    rng: random.Random, vocab: list[str], weights: list[float], first_page: int, head: str
) -> tuple[str, list[_Sentence]]:
    """About SOURCE_CHARS of wrapped, hyphenated, paginated text and its sentences."""
    writer = _Writer(rng, first_page, head)
    sentences: list[_Sentence] = []
    size = 0
    while size < SOURCE_CHARS:
        for _ in range(rng.randint(3, 8)):
            words = _sentence(rng, vocab, weights)
            pages = []
            for w in words:
                pages.append(writer.word(w))
                if writer.page != pages[-1]:  # hyphenated across a page break
                    pages[-1] = -1
            sentences.append(_Sentence(words, pages))
            size += sum(len(w) + 1 for w in words)
        writer.paragraph_break()
    return writer.text(), sentences


def _pick_quote(rng: random.Random, sentences: list[_Sentence]) -> tuple[list[str], list[int]]:
    """8 to 20 words of one sentence, all on one page (furniture interrupts a page break)."""
    while True:
        sentence = rng.choice(sentences)
        n = len(sentence.words)
        a = rng.randrange(0, max(1, n - 8))
        b = min(n, a + rng.randint(8, 20))
        pages = sentence.pages[a:b]
        if pages[0] >= 0 and all(p == pages[0] for p in pages):
            return sentence.words[a:b], pages


def _page_claim(pages: list[int]) -> str:
    lo, hi = min(pages), max(pages)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def _yaml_str(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _bib_entry(rng: random.Random, key: str, vocab: list[str], pages: str | None) -> str:
    kind = rng.choice(("article", "article", "book", "incollection", "report"))
    title = " ".join(rng.choice(vocab) for _ in range(rng.randint(4, 10))).capitalize()
    author = " and ".join(
        f"{rng.choice(vocab).capitalize()}, {rng.choice(_SYLLABLES).upper()}."
        for _ in range(rng.randint(1, 3))
    )
    lines = [
        f"@{kind}{{{key},",
        f"  author = {{{author}}},",
        f"  title = {{{{NATO}} and {title}}},",
        f"  year = {{{rng.randint(1995, 2024)}}},",
    ]
    if kind == "article":
        lines.append(f"  journal = {{Journal of {rng.choice(vocab).capitalize()} Studies}},")
        lines.append(f"  volume = {rng.randint(1, 60)},")
    elif kind == "book":
        lines.append(f"  publisher = {{{rng.choice(vocab).capitalize()} Press}},")
    elif kind == "incollection":
        lines.append(f"  booktitle = {{{title[:30]}}},")
        lines.append(f"  publisher = {{{rng.choice(vocab).capitalize()} Press}},")
    else:
        lines.append(f"  institution = {{{rng.choice(_NAMES)} Institute}},")
    if pages:
        lines.append(f"  pages = {{{pages}}},")
    lines.append(f"  doi = {{10.{rng.randint(1000, 9999)}/{key}}},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def generate_project(
    out: Path, n_sources: int, n_findings: int, n_entries: int = 0, seed: int = 1
) -> None:
    """Write a project with ``n_sources`` sources and ``n_findings`` findings at ``out``."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    weights = list(accumulate(1.0 / (i + 10) for i in range(len(vocab))))  # Zipf-like
    if out.exists():
        shutil.rmtree(out)
    for sub in ("bib", "sources", "findings", "briefs"):
        (out / sub).mkdir(parents=True)
    (out / "briefgen.toml").write_text("")
    keys = [f"src{i:05d}" for i in range(n_sources)]
    corpus: dict[str, list[_Sentence]] = {}
    bib: list[str] = []
    for key in keys:
        first = rng.randint(1, 300)
        text, sentences = make_source(rng, vocab, weights, first, f"JOURNAL OF STUDIES  {key}")
        (out / "sources" / f"{key}.txt").write_text(text, encoding="utf-8")
        corpus[key] = sentences
        last = sentences[-1].pages[-1]
        bib.append(_bib_entry(rng, key, vocab, f"{first}--{last}"))
    for i in range(max(0, n_entries - n_sources)):
        bib.append(_bib_entry(rng, f"extra{i:05d}", vocab, None))
    (out / "bib" / "refs.bib").write_text("\n".join(bib), encoding="utf-8")

    findings: list[str] = []
    for i in range(n_findings):
        key = keys[i % n_sources] if i < n_sources else rng.choice(keys)
        words, pages = _pick_quote(rng, corpus[key])
        quote = " ".join(words)
        page = _page_claim(pages)
        cited = key
        roll = rng.random()
        if roll < 0.04:  # a word changed: not found anywhere
            j = rng.randrange(len(words))
            words = [*words[:j], rng.choice(vocab) + "x", *words[j + 1 :]]
            quote = " ".join(words)
        elif roll < 0.07 and n_sources > 1:  # the wrong source cited
            cited = rng.choice(
                [k for k in (rng.choice(keys), rng.choice(keys)) if k != key]
                or [keys[(keys.index(key) + 1) % n_sources]]
            )
            page = None
        elif roll < 0.10:  # the wrong page
            page = str(max(pages) + 2)
        elif roll < 0.15 and len(words) >= 12:  # an elision
            quote = " ".join(words[:4]) + " ... " + " ".join(words[-4:])
        entry = [
            f"- id: f{i:06d}",
            f"  claim: Claim number {i} about {key}.",
            f"  source: {cited}",
            f"  quote: {_yaml_str(quote)}",
        ]
        if page:
            entry.append(f'  page: "{page}"')
        entry.append(f"  tags: [{rng.choice(_CONTENT_WORDS)}]")
        findings.append("\n".join(entry) + "\n")
    for start in range(0, len(findings), 100):
        path = out / "findings" / f"{start // 100:04d}.yaml"
        path.write_text("\n".join(findings[start : start + 100]), encoding="utf-8")
    write_brief(out / "briefs" / "brief.md", keys[:4])


def write_brief(path: Path, keys: list[str]) -> None:
    """A brief of a few paragraphs that cites entries."""
    body = textwrap.dedent("""\
        ---
        title: A synthetic brief
        authors: [Benchmarks]
        date: January 2026
        ---
        # Summary

        Cooperation in the region has grown since independence [@{k0}; @{k1}], though
        never evenly [see @{k2}, p. 4]. @{k3} argues that the pattern is stable.

        # Findings

        """).format(**{f"k{i}": k for i, k in enumerate((keys * 4)[:4])})
    for _ in range(8):
        body += (
            "Paragraph text that stands for the analyst's own argument, long enough "
            "to fill a few lines of the page and so make the typesetting do real "
            f"work [@{keys[0]}].\n\n"
        )
    path.write_text(body, encoding="utf-8")


def generate_bib(
    out: Path, n_entries: int, doc: Path | None = None, n_cites: int = 200, seed: int = 1
) -> None:
    """A bibliography of ``n_entries`` entries and a document citing some of them."""
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    keys = [f"ref{i:06d}" for i in range(n_entries)]
    parts = [
        "@string{jcs = {Journal of Central Asian Studies}}\n",
        "@comment{generated for the briefgen benchmarks}\n",
    ]
    parts.extend(_bib_entry(rng, key, vocab, None) for key in keys)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(parts), encoding="utf-8")
    if doc is None:
        return
    lines = ["---", "title: A paper", "---", ""]
    for i in range(n_cites):
        a, b = rng.choice(keys), rng.choice(keys)
        form = i % 4
        if form == 0:
            lines.append(f"Sentence {i} makes a point [@{a}, p. {rng.randint(1, 99)}].")
        elif form == 1:
            lines.append(f"As @{a} shows, and others agree [see @{b}; @missing{i}].")
        elif form == 2:
            lines.append(f"A claim [-@{a}] and an address user{i}@example.org.")
        else:
            lines.append(f"`@notacitation{i}` in code, then [@{a}].")
        lines.append("")
    doc.write_text("\n".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    p = sub.add_parser("project", help="a project with sources, findings and a brief")
    p.add_argument("out", type=Path)
    p.add_argument("--sources", type=int, default=100)
    p.add_argument("--findings", type=int, default=1000)
    p.add_argument(
        "--entries", type=int, default=0, help="bibliography entries (at least one per source)"
    )
    p.add_argument("--seed", type=int, default=1)
    b = sub.add_parser("bib", help="a bibliography and a document citing it")
    b.add_argument("out", type=Path)
    b.add_argument("--entries", type=int, default=10_000)
    b.add_argument("--doc", type=Path)
    b.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.what == "project":
        generate_project(args.out, args.sources, args.findings, args.entries, args.seed)
    else:
        generate_bib(args.out, args.entries, args.doc, seed=args.seed)


if __name__ == "__main__":
    main()

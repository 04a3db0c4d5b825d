"""The literature-review site as plain Markdown pages, built from a project and its check.

:func:`build_pages` turns a :class:`~briefgen.model.Project` and its
:class:`~briefgen.model.CheckReport` into :class:`SitePage` objects: Markdown text
(plus a stylesheet, a script and the briefs' PDF and DOCX files) at paths relative
to a docs folder. Any Python-Markdown site generator can render them; the MkDocs
plugin in :mod:`briefgen.site.plugin` only hands them over.

Every text that comes from a finding or a bibliography goes through
:func:`md_escape` (Markdown text) or :func:`sanitize_html` (HTML made by Pandoc),
so none of it can open a tag, a link or a script in a page.

Layout (stable URLs: a source's path holds its cite key, a theme's its tag)::

    corpus/index.md            overview: figures, timeline, coverage, themes, latest
    sources/index.md           every source
    sources/KEY.md             one source: reference, findings, themes, briefs
    themes/index.md            every theme
    themes/TAG.md              one theme: its findings by year, in date order
    findings/index.md          every finding, as a sortable and filterable table
    briefs/index.md            every brief
    briefs/NAME.md             one brief: its HTML; NAME.pdf and NAME.docx beside it
    bibliography/index.md      the formatted bibliography
    assets/briefgen/*          briefgen.css, briefgen.js
"""

from __future__ import annotations

import json
import posixpath
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from briefgen.model import (
    CheckReport,
    Diagnostic,
    Document,
    Entry,
    EvidenceResult,
    Finding,
    Project,
)
from briefgen.site import assets, svg

__all__ = [
    "ASSETS",
    "SiteOptions",
    "SitePage",
    "SitePages",
    "build_pages",
    "format_references",
    "iter_pages",
    "md_escape",
    "sanitize_html",
    "short_cite",
    "write_pages",
]

def _register_codes() -> None:
    from briefgen.diagnostics import CodeInfo, register_code

    register_code(CodeInfo(
        "SITE001", "warning", "CSL style not found for the site",
        "Set csl in briefgen.toml to a style name such as 'apa' or to a .csl file in the project.",
    ))  # fmt: skip
    register_code(CodeInfo(
        "SITE002", "warning", "references could not be formatted",
        "Run `briefgen check` and fix the bibliography diagnostics it reports.",
    ))  # fmt: skip


_register_codes()

ASSETS = "assets/briefgen"
STYLESHEET = f"{ASSETS}/briefgen.css"
SCRIPT = f"{ASSETS}/briefgen.js"

SOURCES = "sources"
THEMES = "themes"
FINDINGS = "findings"
BRIEFS = "briefs"
BIBLIOGRAPHY = "bibliography"


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, slots=True)
class SitePage:
    """One file of the site: a path relative to the docs folder and its content."""

    path: str  # POSIX, e.g. "sources/weitz2014/index.md"
    content: str | bytes
    title: str | None = None


@dataclass(frozen=True, slots=True)
class SiteOptions:
    """How pages are laid out and linked.

    ``directory_urls`` must match the site generator's setting (MkDocs'
    ``use_directory_urls``): links inside raw HTML (the pictures, the briefs)
    are written as final URLs. ``references`` gives the formatted reference of
    each cite key as HTML; when None, Pandoc formats them (:func:`format_references`).
    """

    directory_urls: bool = True
    overview: str = "corpus/index.md"
    latest: int = 10
    references: Mapping[str, str] | None = None


@dataclass(frozen=True, slots=True)
class SitePages:
    """The pages of a site and the problems met while making them (SITE0xx)."""

    pages: tuple[SitePage, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def __iter__(self) -> Iterator[SitePage]:
        return iter(self.pages)

    def __len__(self) -> int:
        return len(self.pages)

    def get(self, path: str) -> SitePage | None:
        return next((p for p in self.pages if p.path == path), None)


# ------------------------------------------------------------------------ escaping

# Characters that can open Markdown or HTML syntax in running text. They become
# character references, which every Markdown dialect passes through untouched
# and every browser shows as the character itself.
_MD_SPECIAL = {c: f"&#{ord(c)};" for c in "\\`*_{}[]#!|~^=$"}
_MD_SPECIAL.update({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_MD_TABLE = str.maketrans(_MD_SPECIAL)
_LEADING_LIST = re.compile(r"^(\d+)([.)])")


def md_escape(text: object) -> str:
    """Make ``text`` literal in Markdown (and in HTML): one line, no markup, no tag.

    White space runs become one space; ``<``, ``&``, ``*``, ``[``, ``|``, backticks
    and the like become character references, and so does a leading ``-``, ``+``
    or ``1.`` that would start a list.
    """
    value = " ".join(str(text).split())
    value = value.translate(_MD_TABLE)
    if value[:1] in ("-", "+"):
        value = f"&#{ord(value[0])};" + value[1:]
    value = _LEADING_LIST.sub(lambda m: m.group(1) + f"&#{ord(m.group(2))};", value)
    return value


def _attr(value: str) -> str:
    return escape(value, quote=True)


_VOID = {"br", "hr", "img", "col", "wbr"}
_DROP = {
    "script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math",
    "textarea", "select", "button", "form", "head", "title", "frame", "frameset", "applet",
    "link", "meta", "base", "input", "audio", "video", "canvas",
}  # fmt: skip
_INLINE = {
    "a", "abbr", "b", "br", "cite", "code", "del", "em", "i", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
}  # fmt: skip
_BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col", "hr",
    "figure", "figcaption", "section", "header", "footer", "dl", "dt", "dd", "img", "nav",
    "aside", "article", "main", "details", "summary",
}  # fmt: skip
_ATTRS = {"id", "class", "title", "lang", "dir", "colspan", "rowspan", "start", "alt", "role"}
_SAFE_SCHEMES = {"http", "https", "mailto"}
_ID_RE = re.compile(r"[A-Za-z0-9_:.\-]+")


def _safe_href(href: str) -> str | None:
    href = href.strip()
    if href.startswith("#"):
        return href
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in _SAFE_SCHEMES else None


class _Sanitizer(HTMLParser):
    """Re-emit HTML keeping only harmless tags and attributes; text is re-escaped."""

    def __init__(self, inline: bool, link: Callable[[str], str | None] | None) -> None:
        super().__init__(convert_charrefs=True)
        self.inline = inline
        self.link = link
        self.out: list[str] = []
        self.stack: list[str] = []
        self.dropping = 0

    def _target(self, tag: str) -> str | None:
        if tag in _INLINE:
            return tag
        if tag in _BLOCK:
            if self.inline:
                return None if tag in ("img", "hr", "col") else "span"
            return tag
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            if tag not in _VOID and tag not in ("link", "meta", "base", "input"):
                self.dropping += 1
            return
        if self.dropping:
            return
        name = self._target(tag)
        if name is None:
            return
        kept: list[str] = []
        for key, value in attrs:
            key = key.lower()
            value = value or ""
            if key in _ATTRS:
                if key == "id" and not _ID_RE.fullmatch(value):
                    continue
                kept.append(f' {key}="{_attr(value)}"')
            elif key == "href" and tag == "a":
                href = _safe_href(value)
                if href is not None and self.link is not None:
                    href = self.link(href)
                if href is not None:
                    kept.append(f' href="{_attr(href)}"')
            elif key == "src" and tag == "img" and value.startswith("data:image/"):
                kept.append(f' src="{_attr(value)}"')
        if tag == "img" and not any(k.startswith(" src=") for k in kept):
            return
        self.out.append(f"<{name}{''.join(kept)}>")
        if tag not in _VOID:
            self.stack.append(name)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID and not self.dropping and self._target(tag) and self.stack:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            if tag not in _VOID and self.dropping:
                self.dropping -= 1
            return
        if self.dropping:
            return
        name = self._target(tag)
        if name is None or name not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            self.out.append(f"</{top}>")
            if top == name:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(data.translate(_MD_TABLE))

    def close(self) -> None:
        super().close()
        while self.stack:
            self.out.append(f"</{self.stack.pop()}>")


def sanitize_html(
    html: str, *, inline: bool = False, link: Callable[[str], str | None] | None = None
) -> str:
    """Keep only harmless markup of ``html``: no script, style, event handler or odd URL.

    Text is re-escaped so that no Markdown reader sees syntax in it either.
    ``inline`` turns block elements into spans (for HTML placed inside a line);
    ``link`` may rewrite (or, returning None, drop) every kept ``href``.
    """
    parser = _Sanitizer(inline, link)
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


# ------------------------------------------------------------- names and labels

_LATEX_ACCENTS = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328",
}  # fmt: skip
_LATEX_ACCENT_RE = re.compile(r"\\([\"'`^~=.]|[uvHck](?![A-Za-z]))\s*\{?\\?([A-Za-z])\}?")
_LATEX_SYMBOLS = {
    r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_", "---": "—", "--": "–",
    r"\ss": "ß", r"\o": "ø", r"\O": "Ø", r"\ae": "æ", r"\aa": "å", r"\l": "ł", r"\i": "ı",
}  # fmt: skip


def plain_text(value: str) -> str:
    """A BibTeX field as plain text: accents resolved, braces and commands dropped."""
    text = _LATEX_ACCENT_RE.sub(lambda m: m.group(2) + _LATEX_ACCENTS[m.group(1)], value)
    for latex, char in _LATEX_SYMBOLS.items():
        text = text.replace(latex + "{}", char).replace(latex, char)
    text = re.sub(r"\\(?:emph|textit|textbf|textsc|mkbibquote|enquote)\s*", "", text)
    text = re.sub(r"\\[A-Za-z]+\s*", "", text)
    text = text.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _family(name: str, raw: str | None = None) -> str:
    if raw is not None and raw.startswith("{") and raw.endswith("}"):
        return plain_text(raw)  # a corporate author, kept whole
    name = plain_text(name)
    if "," in name:
        return name.split(",", 1)[0].strip()
    words = name.split()
    return words[-1] if words else name


def short_cite(entry: Entry | None, key: str) -> str:
    """An author-year label for links: "Weitz 2014", "Cooley and Heathershaw 2017"."""
    if entry is None:
        return key
    raw_names: list[str | None]
    if entry.csl is None:
        field_value = entry.fields.get("author") or entry.fields.get("editor") or ""
        raw_names = [n.strip() for n in re.split(r"\s+and\s+", field_value) if n.strip()]
    else:
        raw_names = []
    names = list(entry.authors)
    if len(raw_names) != len(names):
        raw_names = [None] * len(names)
    families = [_family(n, r) for n, r in zip(names, raw_names, strict=True)]
    families = [f for f in families if f]
    year = plain_text(entry.year) or "n.d."
    if not families:
        title = plain_text(entry.title) or key
        lead = title if len(title) <= 40 else title[:39].rstrip() + "…"
    elif len(families) == 1:
        lead = families[0]
    elif len(families) == 2:
        lead = f"{families[0]} and {families[1]}"
    else:
        lead = f"{families[0]} et al."
    return f"{lead} {year}"


def _slug(text: str) -> str:
    """A file and URL name for ``text``: cite keys keep their letters (any script),
    digits and ``._:+~-``; what a path or URL cannot hold (``/ ? # %`` ...) becomes ``-``."""
    value = re.sub(r"[^\w.:+~-]+", "-", text).strip(".-:")
    return value or "x"


def _relative(link: str) -> str:
    # "doe:2014/" would read as a URL with the scheme "doe"; "./doe:2014/" does not.
    first = link.split("/", 1)[0]
    return "./" + link if ":" in first.split("#", 1)[0] else link


def _unique_slugs(names: Sequence[str], lower: bool = False) -> dict[str, str]:
    return _dedupe({name: _slug(name.lower() if lower else name) for name in names})


_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


def _parse_date(value: object) -> tuple[int, int, int] | None:
    if value is None:
        return None
    m = _DATE_RE.match(str(value))
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return year, month, day


# ---------------------------------------------------------------- the corpus


_ERROR_STATUSES = {"wrong-page", "wrong-source", "not-found", "unknown-source"}
_WARNING_STATUSES = {"fuzzy", "no-text"}
_STATUS_SIGN = {
    "verified": "✓", "fuzzy": "≈", "no-text": "○", "wrong-page": "✗", "wrong-source": "✗",
    "not-found": "✗", "unknown-source": "✗", "unchecked": "·",
}  # fmt: skip


def _level(status: str | None) -> str:
    if status is None:
        return "unchecked"
    if status in _ERROR_STATUSES:
        return "error"
    if status in _WARNING_STATUSES:
        return "warning"
    return "ok"


def _badge(status: str | None) -> str:
    name = status or "unchecked"
    sign = _STATUS_SIGN.get(name, "·")
    return (
        f'<span class="briefgen-status briefgen-status-{_level(status)}">'
        f"{sign} {escape(name)}</span>"
    )


@dataclass(slots=True)
class _Item:
    finding: Finding
    results: tuple[EvidenceResult | None, ...]
    anchor: str
    date: tuple[int, int, int] | None

    @property
    def order(self) -> tuple[int, tuple[int, int, int], str]:
        return (0 if self.date else 1, self.date or (0, 0, 0), self.finding.id)

    @property
    def status(self) -> str | None:
        statuses = [r.status for r in self.results if r is not None]
        if not statuses:
            return None
        for group in (_ERROR_STATUSES, {"fuzzy"}, {"no-text"}):
            hit = next((s for s in statuses if s in group), None)
            if hit:
                return hit
        return statuses[0]

    @property
    def date_label(self) -> str:
        return str(self.finding.date) if self.finding.date is not None else ""

    @property
    def when(self) -> float | None:
        if self.date is None:
            return None
        year, month, day = self.date
        has_month = bool(re.match(r"^\s*\d{4}-\d", str(self.finding.date)))
        if not has_month:
            return year + 0.5
        return year + (month - 1) / 12 + (day - 1) / 366

    @property
    def keys(self) -> list[str]:
        return list(dict.fromkeys(e.source for e in self.finding.evidence))


@dataclass(slots=True)
class _Corpus:
    project: Project
    report: CheckReport | None
    options: SiteOptions
    references: Mapping[str, str]
    items: list[_Item] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    key_slug: dict[str, str] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    tag_slug: dict[str, str] = field(default_factory=dict)
    by_key: dict[str, list[_Item]] = field(default_factory=dict)
    by_tag: dict[str, list[_Item]] = field(default_factory=dict)
    briefs: list[Document] = field(default_factory=list)
    brief_slug: dict[str, str] = field(default_factory=dict)
    brief_keys: dict[str, Counter[str]] = field(default_factory=dict)
    brief_html: dict[str, str | None] = field(default_factory=dict)
    cited_by_briefs: dict[str, list[Document]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)

    # ---- paths and links

    def source_page(self, key: str) -> str:
        return f"{SOURCES}/{self.key_slug[key]}.md"

    def theme_page(self, tag: str) -> str:
        return f"{THEMES}/{self.tag_slug[tag]}.md"

    def brief_page(self, doc: Document) -> str:
        return f"{BRIEFS}/{self.brief_slug[doc.path]}.md"

    def md_link(self, src: str, dst: str, anchor: str | None = None) -> str:
        rel = posixpath.relpath(dst, posixpath.dirname(src) or ".")
        return _relative(rel + (f"#{anchor}" if anchor else ""))

    def _final_url(self, path: str) -> str:
        if not path.endswith(".md"):
            return path
        if path == "index.md" or path.endswith("/index.md"):
            directory = path[: -len("index.md")]
            return directory if self.options.directory_urls else directory + "index.html"
        stem = path[: -len(".md")]
        return stem + "/" if self.options.directory_urls else stem + ".html"

    def url(self, src: str, dst: str, anchor: str | None = None) -> str:
        """The link from page ``src`` to page ``dst`` as the built site has it."""
        target = self._final_url(dst)
        base = self._final_url(src)
        base_dir = base if base.endswith("/") or base == "" else posixpath.dirname(base) + "/"
        rel = posixpath.relpath(target or ".", base_dir.rstrip("/") or ".")
        if (target == "" or target.endswith("/")) and not rel.endswith("/"):
            rel += "/"
        return _relative(rel + (f"#{anchor}" if anchor else ""))

    def cite(self, src: str, key: str, anchor: str | None = None, text: str | None = None) -> str:
        """A Markdown link to a source (plain text when the key is unknown)."""
        label = md_escape(text or self.labels.get(key, key))
        if key not in self.key_slug:
            return f"{label} <em>(unknown source)</em>"
        return f"[{label}]({self.md_link(src, self.source_page(key), anchor)})"

    def tag_links(self, src: str, tags: Sequence[str]) -> str:
        return ", ".join(
            f"[{md_escape(t)}]({self.md_link(src, self.theme_page(t))})"
            for t in tags
            if t in self.tag_slug
        )

    def home_of(self, item: _Item) -> tuple[str, str]:
        """The page (and anchor) where a finding is best read: its first source."""
        for key in item.keys:
            if key in self.key_slug:
                return self.source_page(key), item.anchor
        if item.finding.tags and item.finding.tags[0] in self.tag_slug:
            return self.theme_page(item.finding.tags[0]), item.anchor
        return f"{FINDINGS}/index.md", item.anchor


def _index(project: Project, report: CheckReport | None, options: SiteOptions,
           references: Mapping[str, str]) -> _Corpus:
    corpus = _Corpus(project, report, options, references)
    results: dict[tuple[str, str, int | None], tuple[EvidenceResult | None, ...]] = {}
    if report is not None:
        for fr in report.findings:
            span = fr.finding.span
            results[(fr.finding.id, span.path, span.line)] = tuple(fr.evidence)
    taken: set[str] = set()
    for finding in project.findings:
        span = finding.span
        found = results.get((finding.id, span.path, span.line))
        aligned: list[EvidenceResult | None] = [None] * len(finding.evidence)
        if found is not None:
            for j, evidence in enumerate(finding.evidence):
                same = next((r for r in found if r is not None and r.evidence is evidence), None)
                aligned[j] = same or (found[j] if j < len(found) else None)
        # Anchors are the finding ids, made unique in file order when ids repeat.
        base = _slug(finding.id.lower())
        anchor, n = base, 2
        while anchor in taken:
            anchor, n = f"{base}-{n}", n + 1
        taken.add(anchor)
        corpus.items.append(_Item(finding, tuple(aligned), anchor, _parse_date(finding.date)))
    corpus.items.sort(key=lambda it: it.order)

    keys = set(project.entries) | set(project.sources)
    corpus.keys = sorted(keys, key=lambda k: (k.lower(), k))
    corpus.key_slug = _unique_slugs(corpus.keys)
    corpus.labels = {k: short_cite(project.entries.get(k), k) for k in corpus.keys}
    tags: set[str] = set()
    for item in corpus.items:
        for key in item.keys:
            corpus.by_key.setdefault(key, []).append(item)
        for tag in dict.fromkeys(item.finding.tags):
            tags.add(tag)
            corpus.by_tag.setdefault(tag, []).append(item)
    corpus.tags = sorted(tags, key=lambda t: (t.lower(), t))
    corpus.tag_slug = _unique_slugs(corpus.tags, lower=True)

    corpus.briefs = sorted(project.documents, key=lambda d: d.path)
    corpus.brief_slug = _dedupe({d.path: _slug(Path(d.path).stem) for d in corpus.briefs})
    for doc in corpus.briefs:
        counts: Counter[str] = Counter(c.key for c in doc.citations)
        html = _brief_html(project, doc)
        corpus.brief_html[doc.path] = html
        if html is not None:
            # What the built brief cites, its Jinja helpers' citations included.
            for keys in re.findall(r'data-cites="([^"]*)"', html):
                for key in unescape(keys).split():
                    if key in corpus.key_slug and key not in counts:
                        counts[key] = 1
        corpus.brief_keys[doc.path] = counts
        for key in counts:
            corpus.cited_by_briefs.setdefault(key, []).append(doc)
    return corpus


def _dedupe(slugs: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = {"index"}  # the folder's own index page
    for name, base in slugs.items():
        candidate, n = base, 2
        while candidate.lower() in taken:
            candidate, n = f"{base}-{n}", n + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


# -------------------------------------------------------------- formatting refs


def _bibtex_value(value: str) -> str:
    return "{" + value + "}"


def _regenerated_bibliography(project: Project, folder: Path) -> list[Path]:
    """The loaded entries written out again (for bibliographies Pandoc cannot read)."""
    bib_lines: list[str] = []
    csl_items: list[dict[str, object]] = []
    for key, entry in project.entries.items():
        if entry.csl is not None:
            item = dict(entry.csl)
            item["id"] = key
            csl_items.append(item)
            continue
        body = ",\n".join(
            f"  {name} = {_bibtex_value(value)}"
            for name, value in entry.fields.items()
            if name not in ("file",)
        )
        bib_lines.append(f"@{entry.type or 'misc'}{{{key},\n{body}\n}}\n")
    paths: list[Path] = []
    if bib_lines:
        path = folder / "entries.bib"
        path.write_text("\n".join(bib_lines), encoding="utf-8")
        paths.append(path)
    if csl_items:
        path = folder / "entries.json"
        path.write_text(json.dumps(csl_items, ensure_ascii=False), encoding="utf-8")
        paths.append(path)
    return paths


class _EntrySplitter(HTMLParser):
    """Cut Pandoc's ``<div id="ref-KEY" class="csl-entry">`` blocks out of its HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.entries: dict[str, list[str]] = {}
        self.current: str | None = None
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.current is not None:
            if tag == "div":
                self.depth += 1
            self.entries[self.current].append(self.get_starttag_text() or "")
            return
        values = dict(attrs)
        ident = values.get("id") or ""
        if tag == "div" and ident.startswith("ref-") and "csl-entry" in (values.get("class") or ""):
            self.current = ident[4:]
            self.entries[self.current] = []
            self.depth = 0

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if tag == "div":
            if self.depth == 0:
                self.current = None
                return
            self.depth -= 1
        self.entries[self.current].append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.entries[self.current].append(data)

    def handle_entityref(self, name: str) -> None:
        self.handle_data(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.handle_data(f"&#{name};")


def _split_references(html: str) -> dict[str, str]:
    splitter = _EntrySplitter()
    splitter.feed(html)
    splitter.close()
    return {key: "".join(parts).strip() for key, parts in splitter.entries.items()}


def _plain_reference(entry: Entry) -> str:
    authors = "; ".join(plain_text(a) for a in entry.authors)
    title = plain_text(entry.title)
    container = ""
    for name in ("journal", "journaltitle", "booktitle", "publisher", "institution"):
        if entry.fields.get(name):
            container = plain_text(entry.fields[name])
            break
    if entry.csl is not None:
        container = str(entry.csl.get("container-title") or entry.csl.get("publisher") or "")
    parts = [p for p in (authors, plain_text(entry.year) or "n.d.") if p]
    text = md_escape(". ".join(parts) + ".")
    if title:
        text += f" <em>{md_escape(title)}</em>."
    if container:
        text += " " + md_escape(container) + "."
    return text


def _run_pandoc(bibliographies: Sequence[Path], csl: Path | None) -> str:
    """Pandoc's HTML bibliography of every entry (through briefgen's one Pandoc runner)."""
    from briefgen.render.pandoc import run_pandoc

    document = "---\nnocite: '@*'\n---\n"
    result = run_pandoc(
        document, "html", bibliography=bibliographies, csl=csl, standalone=False,
        extra_args=["--wrap=none"],
    )
    return result.output.decode("utf-8", errors="replace")


def format_references(project: Project) -> tuple[dict[str, str], list[Diagnostic]]:
    """Every entry's reference in the project's CSL style, as safe inline HTML.

    One Pandoc run (``--citeproc`` on a document whose metadata says
    ``nocite: '@*'``) formats all entries at once. If Pandoc cannot read the
    bibliography files, the loaded entries are written out again and tried once
    more; entries still missing get a plain author-year-title line (SITE002).
    """
    if not project.entries:
        return {}, []
    problems: list[Diagnostic] = []
    csl: Path | None = None
    style = project.config.csl
    try:
        from briefgen.render.csl import resolve_csl

        csl, style_problems = resolve_csl(style, project.root)
        if style_problems:
            problems.append(Diagnostic(
                "SITE001", "warning",
                f"CSL style {style!r} not found: the site's references use Pandoc's default "
                "(chicago-author-date)",
                span=style_problems[0].span,
                hint="set csl in briefgen.toml to a style name such as 'apa' or to a .csl file "
                "inside the project",
            ))  # fmt: skip
            csl = None
    except ImportError:  # pragma: no cover - render is part of briefgen
        csl = None

    formatted: dict[str, str] = {}
    failure = ""
    files = [project.root / p for p in project.bibliography_files]
    attempts: list[Callable[[Path], list[Path]]] = []
    if files and all(f.is_file() for f in files):
        attempts.append(lambda _folder: files)
    attempts.append(lambda folder: _regenerated_bibliography(project, folder))
    for attempt in attempts:
        try:
            with tempfile.TemporaryDirectory(prefix="briefgen-site-") as tmp:
                bibliographies = attempt(Path(tmp))
                if not bibliographies:
                    break
                html = _run_pandoc(bibliographies, csl)
            formatted = _split_references(html)
            if formatted:
                break
        except Exception as exc:  # Pandoc's own errors, unreadable files
            failure = " ".join(str(exc).split())[:300]
    missing = [k for k in project.entries if k not in formatted]
    if missing:
        problems.append(Diagnostic(
            "SITE002", "warning",
            f"Pandoc could not format {len(missing)} of {len(project.entries)} references; "
            "the site shows them as plain author-year-title lines"
            + (f" ({failure})" if failure else ""),
            key=missing[0],
            hint="run `briefgen check` and fix the bibliography diagnostics it reports",
        ))  # fmt: skip
    out = {key: sanitize_html(html, inline=True) for key, html in formatted.items()}
    for key in missing:
        out[key] = _plain_reference(project.entries[key])
    return out, problems


# ------------------------------------------------------------------ the pages


def _cite_html(corpus: _Corpus, src: str, key: str, anchor: str | None = None) -> str:
    """An HTML link to a source's page (plain text when the key is unknown)."""
    label = md_escape(corpus.labels.get(key, key))
    if key not in corpus.key_slug:
        return f"{label} <em>(unknown source)</em>"
    return f'<a href="{_attr(corpus.url(src, corpus.source_page(key), anchor))}">{label}</a>'


def _tags_html(corpus: _Corpus, src: str, tags: Sequence[str]) -> str:
    return ", ".join(
        f'<a href="{_attr(corpus.url(src, corpus.theme_page(t)))}">{md_escape(t)}</a>'
        for t in dict.fromkeys(tags)
        if t in corpus.tag_slug
    )


def _finding_block(corpus: _Corpus, src: str, item: _Item, here: str | None = None) -> list[str]:
    """One finding as one raw HTML block: claim, status, date, themes, quotes, citations.

    HTML rather than Markdown: a corpus has thousands of these, and a Markdown reader
    passes an HTML block through at a fraction of the cost of parsing it. Every text
    is escaped; the block has no blank line, so every Markdown reader keeps it whole.
    """
    finding = item.finding
    meta: list[str] = []
    if finding.date is not None:
        meta.append(md_escape(item.date_label))
    if finding.tags:
        meta.append(_tags_html(corpus, src, finding.tags))
    meta.append(f"<code>{md_escape(finding.id)}</code>")
    out = [
        f'<div class="briefgen-finding" id="{item.anchor}">',
        f'<p class="briefgen-claim"><strong>{md_escape(finding.claim)}</strong> '
        f"{_badge(item.status)}</p>",
        f'<p class="briefgen-meta">{" · ".join(m for m in meta if m)}</p>',
    ]
    for evidence, result in zip(finding.evidence, item.results, strict=True):
        anchor = item.anchor if evidence.source != here else None
        cite = _cite_html(corpus, src, evidence.source, anchor)
        page = f", p. {md_escape(evidence.page)}" if evidence.page else ""
        note = ""
        if result is not None and result.status == "wrong-page" and result.pages_found:
            note = f" (found on p. {md_escape(', '.join(result.pages_found))})"
        elif result is not None and result.status == "wrong-source" and result.found_in:
            places = [_cite_html(corpus, src, key) for key, _pages in result.found_in]
            note = " (found in " + ", ".join(places) + ")"
        status = result.status if result is not None else None
        out.append(
            f'<blockquote class="briefgen-quote"><p>“{md_escape(evidence.quote)}”</p>'
            f'<p class="briefgen-cite">— {cite}{page} · {_badge(status)}{note}</p></blockquote>'
        )
    out += ["</div>", ""]
    return out


def _page(path: str, title: str, lines: Sequence[str]) -> SitePage:
    text = "\n".join(lines).rstrip() + "\n"
    text = re.sub(r"\n{3,}", "\n\n", text)
    return SitePage(path, text, title)


def _figures(corpus: _Corpus) -> list[str]:
    statuses = Counter(_level(it.status) for it in corpus.items)
    with_text = sum(1 for k in corpus.keys if k in corpus.project.sources)
    rows = [
        ("Sources", f"{len(corpus.keys)} ({with_text} with text)"),
        ("Findings", str(len(corpus.items))),
        ("Verified", str(statuses.get("ok", 0))),
        ("Warnings", str(statuses.get("warning", 0))),
        ("Errors", str(statuses.get("error", 0))),
        ("Themes", str(len(corpus.tags))),
        ("Briefs", str(len(corpus.briefs))),
    ]
    dated = [it for it in corpus.items if it.date]
    if dated:
        rows.append(("Dates", f"{dated[0].date_label} to {dated[-1].date_label}"))
    header = "| " + " | ".join(name for name, _ in rows) + " |"
    rule = "|" + "|".join(":-:" for _ in rows) + "|"
    values = "| " + " | ".join(md_escape(v) for _, v in rows) + " |"
    return [header, rule, values, ""]


def _overview(corpus: _Corpus) -> SitePage:
    src = corpus.options.overview
    lines = ["# Corpus overview", ""]
    lines += [
        f"What the corpus says, source by source and theme by theme. Every finding is a "
        f"claim backed by verbatim quotes, checked against the source texts. "
        f"See [all findings]({corpus.md_link(src, f'{FINDINGS}/index.md')}), "
        f"[the sources]({corpus.md_link(src, f'{SOURCES}/index.md')}) and "
        f"[the bibliography]({corpus.md_link(src, f'{BIBLIOGRAPHY}/index.md')}).",
        "",
    ]
    lines += _figures(corpus)

    colours = svg.theme_colours(corpus.tags)
    marks: list[svg.TimelineMark] = []
    lanes = [svg.Label(t, corpus.url(src, corpus.theme_page(t))) for t in corpus.tags]
    untagged = False
    for item in corpus.items:
        when = item.when
        if when is None:
            continue
        tip = f"{item.date_label}: {' '.join(item.finding.claim.split())}"
        if len(tip) > 120:
            tip = tip[:119] + "…"
        if not item.finding.tags:
            untagged = True
            page, anchor = corpus.home_of(item)
            marks.append(svg.TimelineMark(when, "(untagged)", corpus.url(src, page, anchor), tip))
        for tag in dict.fromkeys(item.finding.tags):
            marks.append(svg.TimelineMark(
                when, tag, corpus.url(src, corpus.theme_page(tag), item.anchor), tip))
    if untagged:
        lanes.append(svg.Label("(untagged)", corpus.url(src, f"{FINDINGS}/index.md")))
    lines += ["## Timeline", ""]
    lines.append(
        "Dated findings, one row per theme. Each dot links to the finding on its theme page."
    )
    lines += ["", '<div class="briefgen-figure">' + svg.draw_timeline(marks, lanes, colours)
              + "</div>", ""]

    rows = [svg.Label(corpus.labels[k], corpus.url(src, corpus.source_page(k)))
            for k in corpus.keys if k in corpus.by_key]
    row_keys = [k for k in corpus.keys if k in corpus.by_key]
    columns = [svg.Label(t, corpus.url(src, corpus.theme_page(t))) for t in corpus.tags]
    cells: list[svg.CoverageCell] = []
    for i, key in enumerate(row_keys):
        for j, tag in enumerate(corpus.tags):
            hits = [it for it in corpus.by_tag[tag] if key in it.keys]
            if hits:
                cells.append(svg.CoverageCell(
                    i, j, len(hits), corpus.url(src, corpus.theme_page(tag), hits[0].anchor)))
    lines += ["## Coverage", ""]
    lines.append(
        "How many findings each source gives each theme. A square links to the first of "
        "those findings on the theme page."
    )
    lines += ["", '<div class="briefgen-figure">' + svg.draw_coverage(rows, columns, cells)
              + "</div>", ""]

    lines += ["## Themes", ""]
    if corpus.tags:
        for tag in corpus.tags:
            items = corpus.by_tag[tag]
            n_sources = len({k for it in items for k in it.keys})
            lines.append(
                f"- [{md_escape(tag)}]({corpus.md_link(src, corpus.theme_page(tag))}): "
                f"{_count(len(items), 'finding')} from {_count(n_sources, 'source')}"
            )
    else:
        lines.append("No finding has a tag yet.")
    lines.append("")

    latest = sorted((it for it in corpus.items if it.date), key=lambda it: it.order,
                    reverse=True)[: corpus.options.latest]
    lines += ["## Latest findings", ""]
    if not latest:
        lines.append("No dated finding yet.")
    for item in latest:
        page, anchor = corpus.home_of(item)
        lines.append(
            f"- **{md_escape(item.date_label)}**: [{md_escape(item.finding.claim)}]"
            f"({corpus.md_link(src, page, anchor)}) {_badge(item.status)}"
        )
    lines.append("")

    problems = [it for it in corpus.items if _level(it.status) == "error"]
    if problems:
        lines += ["## Needs attention", ""]
        lines.append("These findings have a quote that the check could not confirm.")
        lines.append("")
        for item in problems:
            page, anchor = corpus.home_of(item)
            lines.append(
                f"- [{md_escape(item.finding.id)}]({corpus.md_link(src, page, anchor)}): "
                f"{md_escape(item.finding.claim)} {_badge(item.status)}"
            )
        lines.append("")
    return _page(src, "Corpus overview", lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _sources_index(corpus: _Corpus) -> SitePage:
    src = f"{SOURCES}/index.md"
    lines = ["# Sources", "", f"{_count(len(corpus.keys), 'source')} in the bibliography.", ""]
    lines += ["| Source | Title | Findings | Themes | Text |", "|---|---|--:|---|---|"]
    for key in corpus.keys:
        entry = corpus.project.entries.get(key)
        items = corpus.by_key.get(key, [])
        tags = sorted({t for it in items for t in it.finding.tags}, key=str.lower)
        text = "yes" if key in corpus.project.sources else "no"
        title = plain_text(entry.title) if entry else ""
        lines.append(
            f"| {corpus.cite(src, key)} | {md_escape(title)} | {len(items)} | "
            f"{corpus.tag_links(src, tags)} | {text} |"
        )
    return _page(src, "Sources", lines)


def _source(corpus: _Corpus, key: str) -> SitePage:
    src = corpus.source_page(key)
    entry = corpus.project.entries.get(key)
    label = corpus.labels[key]
    title = plain_text(entry.title) if entry else ""
    lines = [f"# {md_escape(label)}", ""]
    reference = corpus.references.get(key)
    if reference:
        lines += [f'<div class="briefgen-reference">{reference}</div>', ""]
    elif title:
        lines += [f"*{md_escape(title)}*", ""]
    items = corpus.by_key.get(key, [])
    source = corpus.project.sources.get(key)
    facts = [f"- **Cite key:** <code>{md_escape(key)}</code>"]
    if source is not None:
        pages = f", {_count(len(source.pages.labels), 'page')}" if source.pages else ""
        facts.append(f"- **Source text:** <code>{md_escape(source.path)}</code>{pages}")
    else:
        missing = corpus.project.missing_texts.get(key)
        where = f" (looked for <code>{md_escape(missing)}</code>)" if missing else ""
        facts.append(f"- **Source text:** none, so its quotes cannot be checked{where}")
    levels = Counter(_level(it.status) for it in items)
    summary = ", ".join(
        f"{levels[name]} {word}" for name, word in
        (("ok", "verified"), ("warning", "with warnings"), ("error", "with errors"))
        if levels.get(name)
    )
    facts.append(f"- **Findings:** {len(items)}" + (f" ({summary})" if summary else ""))
    tag_counts: Counter[str] = Counter(t for it in items for t in dict.fromkeys(it.finding.tags))
    if tag_counts:
        theme_links = []
        for tag in sorted(tag_counts, key=str.lower):
            first = next(it for it in corpus.by_tag[tag] if key in it.keys)
            link = corpus.md_link(src, corpus.theme_page(tag), first.anchor)
            theme_links.append(f"[{md_escape(tag)}]({link}) ({tag_counts[tag]})")
        facts.append("- **Themes:** " + ", ".join(theme_links))
    briefs = corpus.cited_by_briefs.get(key, [])
    if briefs:
        facts.append("- **Cited in briefs:** " + ", ".join(
            f"[{md_escape(_brief_title(d, corpus.brief_html.get(d.path)))}]"
            f"({corpus.md_link(src, corpus.brief_page(d))})"
            for d in briefs))
    lines += [*facts, ""]
    lines += ["## Findings", ""]
    if not items:
        lines += ["No finding cites this source yet.", ""]
    for item in items:
        lines += _finding_block(corpus, src, item, here=key)
    return _page(src, label, lines)


def _themes_index(corpus: _Corpus) -> SitePage:
    src = f"{THEMES}/index.md"
    lines = ["# Themes", "", "Every tag given to a finding is a theme.", ""]
    if not corpus.tags:
        lines.append("No finding has a tag yet.")
        return _page(src, "Themes", lines)
    lines += ["| Theme | Findings | Sources | Dates |", "|---|--:|--:|---|"]
    for tag in corpus.tags:
        items = corpus.by_tag[tag]
        dated = [it for it in items if it.date]
        span = f"{dated[0].date_label} to {dated[-1].date_label}" if dated else ""
        n_sources = len({k for it in items for k in it.keys})
        lines.append(
            f"| [{md_escape(tag)}]({corpus.md_link(src, corpus.theme_page(tag))}) | "
            f"{len(items)} | {n_sources} | {md_escape(span)} |"
        )
    return _page(src, "Themes", lines)


def _theme(corpus: _Corpus, tag: str) -> SitePage:
    src = corpus.theme_page(tag)
    items = corpus.by_tag[tag]
    keys = list(dict.fromkeys(k for it in items for k in it.keys))
    lines = [f"# Theme: {md_escape(tag)}", ""]
    lines.append(
        f"{_count(len(items), 'finding')} tagged {md_escape(tag)}, from "
        + ", ".join(corpus.cite(src, k) for k in keys)
        + ". Oldest first."
    )
    lines.append("")
    year: str | None = None
    for item in items:
        group = str(item.date[0]) if item.date else "Undated"
        if group != year:
            year = group
            lines += [f"## {group}", ""]
        lines += _finding_block(corpus, src, item)
    return _page(src, f"Theme: {tag}", lines)


def _findings_index(corpus: _Corpus) -> SitePage:
    src = f"{FINDINGS}/index.md"
    # The table needs the width; the page has no headings for a table of contents.
    lines = ["---", "hide:", "  - toc", "---", "", "# Findings", ""]
    lines.append(
        f"{_count(len(corpus.items), 'finding')}. Select a column heading to sort; "
        "type in the box to filter."
    )
    lines += ["", '<div class="briefgen-filter" data-briefgen-table="findings"></div>', ""]
    if not corpus.items:
        lines.append("No finding yet.")
        return _page(src, "Findings", lines)
    # One HTML table: a thousand rows of Markdown table cost seconds to parse.
    rows = [
        "<table>",  # no class: the theme styles plain tables
        "<thead><tr><th>Finding</th><th>Claim</th><th>Evidence</th><th>Date</th>"
        "<th>Themes</th><th>Status</th></tr></thead>",
        "<tbody>",
    ]
    for item in corpus.items:
        page, anchor = corpus.home_of(item)
        evidence = "; ".join(
            _cite_html(corpus, src, e.source, item.anchor)
            + (f", p. {md_escape(e.page)}" if e.page else "")
            for e in item.finding.evidence
        )
        link = _attr(corpus.url(src, page, anchor))
        # A finding with no source page and no theme is read here: the row is its anchor.
        row_id = f' id="{item.anchor}"' if page == f"{FINDINGS}/index.md" else ""
        rows.append(
            f'<tr{row_id}><td><a href="{link}">{md_escape(item.finding.id)}</a></td>'
            f"<td>{md_escape(item.finding.claim)}</td><td>{evidence}</td>"
            f"<td>{md_escape(item.date_label)}</td>"
            f"<td>{_tags_html(corpus, src, item.finding.tags)}</td>"
            f"<td>{_badge(item.status)}</td></tr>"
        )
    rows += ["</tbody>", "</table>"]
    lines += ["\n".join(rows), ""]
    return _page(src, "Findings", lines)


def _bibliography(corpus: _Corpus) -> SitePage:
    src = f"{BIBLIOGRAPHY}/index.md"
    lines = ["# Bibliography", ""]
    keys = [k for k in corpus.keys if k in corpus.references]
    style = corpus.project.config.csl
    lines += [f"{_count(len(keys), 'entry')} in the {md_escape(style)} style."
              .replace("entrys", "entries"), ""]
    for key in sorted(keys, key=lambda k: _sort_text(corpus.references[k])):
        link = corpus.md_link(src, corpus.source_page(key))
        lines.append(
            f'- <span class="briefgen-anchor" id="ref-{_attr(corpus.key_slug[key])}"></span>'
            f'<span class="briefgen-reference">{corpus.references[key]}</span> '
            f"[{md_escape(corpus.labels[key])} ↗]({link})"
        )
    return _page(src, "Bibliography", lines)


def _sort_text(html: str) -> str:
    text = re.sub(r"<[^>]*>", "", html)
    text = re.sub(r"&#?\w+;", "", text)
    return unicodedata.normalize("NFKD", text).casefold()


def _brief_html(project: Project, doc: Document) -> str | None:
    path = project.root / project.config.output / "briefs" / f"{Path(doc.path).stem}.html"
    try:
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    except OSError:
        return None


def _brief_outputs(corpus: _Corpus, doc: Document) -> dict[str, Path]:
    folder = corpus.project.root / corpus.project.config.output / "briefs"
    stem = Path(doc.path).stem
    return {ext: folder / f"{stem}.{ext}" for ext in ("html", "pdf", "docx")
            if (folder / f"{stem}.{ext}").is_file()}


_BODY_RE = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.DOTALL | re.IGNORECASE)
_H1_TITLE_RE = re.compile(r"<h1[^>]*class=\"title\"[^>]*>.*?</h1>", re.DOTALL | re.IGNORECASE)


def _brief_title(doc: Document, html: str | None = None) -> str:
    """The brief's title as its HTML shows it, else from its front matter, else its name."""
    if html is not None:
        m = _TITLE_RE.search(html)
        if m:
            title = unescape(re.sub(r"<[^>]*>", "", m.group(1)))
            if title.strip():
                return " ".join(title.split())
    try:
        from briefgen.render.frontmatter import parse_front_matter

        meta, _problems = parse_front_matter(doc.text, doc.path)
        if meta.title:
            return str(meta.title).replace("---", "—").replace("--", "–")
    except Exception:  # a brief whose front matter is broken still gets its page
        pass
    return Path(doc.path).stem


def _briefs(corpus: _Corpus) -> Iterator[SitePage]:
    src_index = f"{BRIEFS}/index.md"
    lines = ["# Briefs", ""]
    if not corpus.briefs:
        lines.append("No brief yet. Briefs are Markdown files under <code>briefs/</code>.")
    htmls = corpus.brief_html
    for doc in corpus.briefs:
        title = _brief_title(doc, htmls[doc.path])
        lines.append(f"- [{md_escape(title)}]({corpus.md_link(src_index, corpus.brief_page(doc))})"
                     f" (<code>{md_escape(doc.path)}</code>)")
    yield _page(src_index, "Briefs", lines)

    for doc in corpus.briefs:
        src = corpus.brief_page(doc)
        folder = posixpath.dirname(src)
        stem = posixpath.basename(src)[: -len(".md")]
        raw = htmls[doc.path]
        title = _brief_title(doc, raw)
        outputs = _brief_outputs(corpus, doc)
        lines = [f"# {md_escape(title)}", ""]
        downloads = []
        for ext in ("pdf", "docx"):
            if ext in outputs:
                name = f"{stem}.{ext}"
                yield SitePage(f"{folder}/{name}", outputs[ext].read_bytes())
                downloads.append(f"[{ext.upper()}]({name})")
        facts = [f"- **Source:** <code>{md_escape(doc.path)}</code>"]
        if downloads:
            facts.append("- **Download:** " + " · ".join(downloads))
        counts = corpus.brief_keys[doc.path]
        if counts:
            facts.append("- **Cites:** " + ", ".join(
                corpus.cite(src, key) + (f" ({n}×)" if n > 1 else "")
                for key, n in sorted(counts.items(), key=lambda kv: kv[0].lower())))
        lines += [*facts, ""]
        html = None
        if raw is not None:
            m = _BODY_RE.search(raw)
            html = m.group(1) if m else raw
            html = _H1_TITLE_RE.sub("", html, count=1)  # the page's own heading says it

        def link(href: str, src: str = src) -> str | None:
            if href.startswith("#ref-"):
                key = href[len("#ref-"):]
                if key in corpus.key_slug:
                    return corpus.url(src, corpus.source_page(key))
            return href

        if html is not None:
            body = sanitize_html(html, link=link)
            # A blank line would end the raw HTML block in some Markdown readers.
            body = re.sub(r"\n\s*\n", "\n", body).strip()
            lines += [f'<div class="briefgen-brief">\n{body}\n</div>', ""]
        else:
            lines += [
                f"This brief has not been built yet: run <code>briefgen build "
                f"{md_escape(Path(doc.path).stem)} --to html,pdf,docx</code> and rebuild the "
                "site to read it here.",
                "",
            ]
        yield _page(src, title, lines)


# ------------------------------------------------------------------ entry points


def build_pages(
    project: Project, report: CheckReport | None = None, options: SiteOptions | None = None
) -> SitePages:
    """All pages of the literature-review site for ``project`` and its check ``report``.

    Deterministic: the same project gives the same pages in the same order.
    """
    options = options or SiteOptions()
    problems: list[Diagnostic] = []
    if options.references is None:
        references, problems = format_references(project)
    else:
        references = {k: sanitize_html(v, inline=True) for k, v in options.references.items()}
    corpus = _index(project, report, options, references)
    pages: list[SitePage] = [_overview(corpus), _sources_index(corpus)]
    pages += [_source(corpus, key) for key in corpus.keys]
    pages.append(_themes_index(corpus))
    pages += [_theme(corpus, tag) for tag in corpus.tags]
    pages.append(_findings_index(corpus))
    pages += list(_briefs(corpus))
    pages.append(_bibliography(corpus))
    pages.append(SitePage(STYLESHEET, assets.STYLESHEET))
    pages.append(SitePage(SCRIPT, assets.SCRIPT))
    return SitePages(tuple(pages), tuple(problems))


def iter_pages(
    project: Project, report: CheckReport | None = None, options: SiteOptions | None = None
) -> Iterator[SitePage]:
    """Yield the site's pages one by one (see :func:`build_pages`)."""
    yield from build_pages(project, report, options)


def write_pages(pages: SitePages | Sequence[SitePage], folder: Path | str) -> list[Path]:
    """Write ``pages`` under ``folder`` (each through a temporary file, then renamed)."""
    root = Path(folder)
    written: list[Path] = []
    for page in pages:
        target = root / page.path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = page.content.encode("utf-8") if isinstance(page.content, str) else page.content
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
        written.append(target)
    return written

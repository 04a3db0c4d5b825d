"""Render a brief's Jinja into Pandoc Markdown, in a sandbox, with finding helpers.

A brief is Markdown with YAML front matter; its body may use Jinja2 (sandboxed,
``StrictUndefined``) to pull findings::

    {{ claim("csto-suspension-2012") }}          claim + citation with page
    {{ quote(finding("csto-suspension-2012")) }}  the verbatim quote + citation
    {% for f in findings(tag="csto", sort="date") %}- {{ claim(f) }}
    {% endfor %}

The body is laid out by a layout template (``brief.md.j2`` by default: front
matter, summary and key judgments, body, recommendations, evidence appendix,
references). A brief that defines ``{% block name %}`` blocks fills those
blocks of the layout; a brief without blocks is the ``body`` block. Jinja
comments are written ``{## ... ##}`` so that Pandoc attributes such as
``{#sec-intro}`` stay plain Markdown.
"""

from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.model import (
    CheckReport,
    Diagnostic,
    Document,
    Entry,
    Evidence,
    EvidenceResult,
    Finding,
    FindingResult,
    Project,
    Span,
)
from briefgen.render.frontmatter import BriefMeta

__all__ = [
    "DEFAULT_LAYOUT",
    "EvidenceView",
    "FindingView",
    "RenderedBrief",
    "UsedFinding",
    "citation_for",
    "default_templates_dir",
    "escape_markdown",
    "make_environment",
    "pandoc_metadata",
    "render_brief",
]

DEFAULT_LAYOUT = "brief.md.j2"

ERROR_STATUSES = frozenset({"wrong-page", "wrong-source", "not-found", "unknown-source"})

STATUS_LABELS = {
    "verified": "verified",
    "fuzzy": "near match (text extraction noise)",
    "no-text": "not checked: no source text",
    "wrong-page": "ERROR: wrong page",
    "wrong-source": "ERROR: quote is in another source",
    "not-found": "ERROR: quote not found",
    "unknown-source": "ERROR: unknown source",
    "unchecked": "not checked",
}

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def default_templates_dir() -> Path:
    """The folder of templates shipped with briefgen, used when a project has none."""
    from importlib.resources import files

    return Path(str(files("briefgen") / "data" / "templates"))


# --------------------------------------------------------------------------- text helpers

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#@$|~^])")
_CITE_KEY_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*")


def escape_markdown(text: str) -> str:
    """``text`` as literal Markdown: special characters escaped, white space one space."""
    text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\1", text)


def _cite_key(key: str) -> str:
    simple = _CITE_KEY_PLAIN.fullmatch(key) and key[-1].isalnum()
    return f"@{key}" if simple else "@{" + key + "}"


def _locator(page: str | None) -> str:
    if not page:
        return ""
    page = str(page).strip()
    return f", p. {page}"


def citation_for(evidence: Sequence[Evidence]) -> str:
    """The Pandoc citation of some evidence, its page as locator: ``[@weitz2014, p. 147]``."""
    parts = [f"{_cite_key(e.source)}{_locator(e.page)}" for e in evidence]
    return "[" + "; ".join(dict.fromkeys(parts)) + "]" if parts else ""


def _claim_markdown(claim: str) -> str:
    # The claim is the analyst's own Markdown; only '@' would turn into a citation.
    text = " ".join(claim.split())
    return re.sub(r"(?<!\\)@", r"\\@", text)


_TRAILING_PUNCT = re.compile(r"([.!?]['\"’”)]*)$")


def _with_citation(text: str, citation: str) -> str:
    """Put ``citation`` before the closing punctuation of ``text``."""
    if not citation:
        return text
    match = _TRAILING_PUNCT.search(text)
    if match:
        return f"{text[: match.start()]} {citation}{match.group(1)}"
    return f"{text} {citation}"


def _date_label(date: str | None) -> str:
    if not date:
        return ""
    parts = str(date).split("-")
    try:
        year = parts[0]
        if len(parts) >= 2:
            month = _MONTHS[int(parts[1]) - 1]
            if len(parts) >= 3:
                return f"{int(parts[2])} {month} {year}"
            return f"{month} {year}"
        return year
    except (ValueError, IndexError):
        return str(date)


def _source_label(entry: Entry | None, key: str) -> str:
    if entry is None:
        return key
    names = entry.authors
    family = names[0].split(",")[0].strip() if names else ""
    if len(names) == 2:
        family += " and " + names[1].split(",")[0].strip()
    elif len(names) > 2:
        family += " et al."
    if not family:
        family = entry.title or key
    year = entry.year
    return f"{family} {year}".strip()


# --------------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One piece of a finding's evidence, as templates see it."""

    source: str
    quote: str
    page: str | None
    status: str
    source_label: str
    source_title: str

    @property
    def cite(self) -> str:
        return f"[{_cite_key(self.source)}{_locator(self.page)}]"

    @property
    def quote_md(self) -> str:
        return escape_markdown(self.quote)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ok(self) -> bool:
        return self.status not in ERROR_STATUSES

    def __str__(self) -> str:
        return f"“{self.quote_md}” {self.cite}"


@dataclass(frozen=True, slots=True)
class FindingView:
    """A finding as templates see it: raw fields plus ready-made Markdown."""

    id: str
    claim: str
    tags: tuple[str, ...]
    date: str | None
    evidence: tuple[EvidenceView, ...]
    file: str
    line: int | None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def quote(self) -> str:
        return self.evidence[0].quote if self.evidence else ""

    @property
    def page(self) -> str | None:
        return self.evidence[0].page if self.evidence else None

    @property
    def source(self) -> str:
        return self.evidence[0].source if self.evidence else ""

    @property
    def sources(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.source for e in self.evidence))

    @property
    def year(self) -> str:
        return (self.date or "")[:4]

    @property
    def date_label(self) -> str:
        return _date_label(self.date)

    @property
    def status(self) -> str:
        """The worst evidence status: an error, else a warning, else ``verified``."""
        statuses = [e.status for e in self.evidence]
        for status in (
            "unknown-source",
            "not-found",
            "wrong-source",
            "wrong-page",
            "fuzzy",
            "no-text",
            "unchecked",
        ):
            if status in statuses:
                return status
        return "verified" if statuses else "unchecked"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def ok(self) -> bool:
        return all(e.ok for e in self.evidence)

    @property
    def cite(self) -> str:
        parts = [f"{_cite_key(e.source)}{_locator(e.page)}" for e in self.evidence]
        return "[" + "; ".join(dict.fromkeys(parts)) + "]" if parts else ""

    @property
    def claim_md(self) -> str:
        return _claim_markdown(self.claim)

    def __str__(self) -> str:
        return _with_citation(self.claim_md, self.cite)


@dataclass(frozen=True, slots=True)
class UsedFinding:
    """A finding a brief pulled, with where it was first pulled."""

    id: str
    span: Span
    ok: bool
    status: str


@dataclass(frozen=True, slots=True)
class RenderedBrief:
    """A brief rendered to Pandoc Markdown (metadata block included)."""

    markdown: str
    used: tuple[UsedFinding, ...]
    diagnostics: tuple[Diagnostic, ...]
    metadata: Mapping[str, Any]

    @property
    def ok(self) -> bool:
        return not any(d.severity == "error" for d in self.diagnostics)


class BriefTemplateError(Exception):
    """A helper was misused in a brief (unknown finding, bad argument)."""

    def __init__(
        self, code: str, message: str, hint: str | None = None, finding: str | None = None
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.finding = finding


# --------------------------------------------------------------------------- environment


def make_environment(templates_dir: Path | None, brief_sources: Mapping[str, str]) -> Any:
    """A sandboxed, strict Jinja environment loading briefs and layout templates.

    Layouts are looked up in the project's ``templates_dir`` first, then in the
    defaults shipped with briefgen; ``briefgen/NAME`` always names a default, so a
    project layout can ``{% extends "briefgen/brief.md.j2" %}`` and override blocks.
    """
    from jinja2 import (
        ChoiceLoader,
        FileSystemLoader,
        FunctionLoader,
        PrefixLoader,
        StrictUndefined,
    )
    from jinja2.sandbox import SandboxedEnvironment

    sources = dict(brief_sources)

    def load_brief(name: str) -> tuple[str, str, Callable[[], bool]] | None:
        if name not in sources:
            return None
        # The file name given here is the one tracebacks (and so diagnostics) show.
        return sources[name], name, lambda: True

    defaults = FileSystemLoader(str(default_templates_dir()))
    loaders: list[Any] = [FunctionLoader(load_brief)]
    if templates_dir is not None and templates_dir.is_dir():
        loaders.append(FileSystemLoader(str(templates_dir)))
    loaders.append(defaults)
    loaders.append(PrefixLoader({"briefgen": defaults}))
    env = SandboxedEnvironment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        comment_start_string="{##",
        comment_end_string="##}",
        extensions=[],
    )
    return env


class _Helpers:
    """The functions a brief calls; records which findings it uses and where."""

    def __init__(
        self,
        project: Project,
        report: CheckReport | None,
        brief_path: str,
        display: Callable[[str | None], str],
        assumed: str = "unchecked",
        assumed_statuses: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.project = project
        self.assumed = assumed
        self.assumed_statuses = assumed_statuses or {}
        self.brief_path = brief_path
        self.display = display
        self.by_id: dict[str, Finding] = {}
        for finding in project.findings:
            self.by_id.setdefault(finding.id, finding)
        self.results: dict[str, FindingResult] = {}
        if report is not None:
            for result in report.findings:
                self.results.setdefault(result.finding.id, result)
        self.views: dict[str, FindingView] = {}
        self.used: dict[str, UsedFinding] = {}

    # -- bookkeeping

    def _caller_span(self) -> Span:
        frame = sys._getframe(1)
        while frame is not None:
            template = frame.f_globals.get("__jinja_template__")
            if template is not None:
                try:
                    line = template.get_corresponding_lineno(frame.f_lineno)
                except Exception:
                    line = None
                return Span(self.display(template.filename), line, None)
            frame = frame.f_back  # type: ignore[assignment]
        return Span(self.brief_path, None, None)

    def view(self, finding: Finding) -> FindingView:
        cached = self.views.get(finding.id)
        if cached is not None:
            return cached
        result = self.results.get(finding.id)
        statuses: list[EvidenceResult | None] = (
            list(result.evidence) if result is not None else [None] * len(finding.evidence)
        )
        evidence = []
        guesses = self.assumed_statuses.get(finding.id, ())
        for index, item in enumerate(finding.evidence):
            verdict = statuses[index] if index < len(statuses) else None
            guess = guesses[index] if index < len(guesses) else self.assumed
            entry = self.project.entries.get(item.source)
            evidence.append(
                EvidenceView(
                    source=item.source,
                    quote=item.quote,
                    page=item.page,
                    status=verdict.status if verdict is not None else guess,
                    source_label=_source_label(entry, item.source),
                    source_title=entry.title if entry is not None else "",
                )
            )
        view = FindingView(
            id=finding.id,
            claim=finding.claim,
            tags=finding.tags,
            date=finding.date,
            evidence=tuple(evidence),
            file=finding.span.path,
            line=finding.span.line,
            extra=dict(finding.extra),
        )
        self.views[finding.id] = view
        return view

    def _use(self, finding: Finding, span: Span) -> FindingView:
        view = self.view(finding)
        if finding.id not in self.used:
            self.used[finding.id] = UsedFinding(finding.id, span, view.ok, view.status)
        return view

    def _resolve(self, ref: Any, span: Span) -> FindingView:
        if isinstance(ref, FindingView):
            return ref
        if not isinstance(ref, str):
            raise BriefTemplateError(
                "BRF005", f"expected a finding or a finding id, got {type(ref).__name__}"
            )
        finding = self.by_id.get(ref)
        if finding is None:
            close = _closest(ref, self.by_id)
            raise BriefTemplateError(
                "BRF005",
                f"unknown finding '{ref}'",
                hint=f"did you mean '{close}'?" if close else "check the id in findings/",
                finding=ref,
            )
        return self._use(finding, span)

    # -- the functions templates call

    def finding(self, ref: Any) -> FindingView:
        """The finding with this id."""
        return self._resolve(ref, self._caller_span())

    def findings(
        self,
        tag: str | Sequence[str] | None = None,
        source: str | None = None,
        ids: Sequence[str] | None = None,
        sort: str | None = None,
        since: str | None = None,
        until: str | None = None,
        dated: bool | None = None,
        all_tags: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
    ) -> list[FindingView]:
        """Findings filtered by tag(s) (any of), all_tags, exclude_tags, source, ids, dates.

        ``since``/``until`` compare ISO dates by prefix (``until="2005"`` keeps all of
        2005); ``sort`` is ``"date"``, ``"-date"``, ``"id"`` or ``"file"`` (the default).
        """
        span = self._caller_span()
        if ids is not None:
            chosen = [self._resolve(i, span) for i in ids]
            selected_findings = [self.by_id[v.id] for v in chosen]
        else:
            selected_findings = list(self.by_id.values())
        tags = [tag] if isinstance(tag, str) else list(tag or [])
        out: list[Finding] = []
        for f in selected_findings:
            if tags and not any(t in f.tags for t in tags):
                continue
            if all_tags and not all(t in f.tags for t in all_tags):
                continue
            if exclude_tags and any(t in f.tags for t in exclude_tags):
                continue
            if source is not None and not any(e.source == source for e in f.evidence):
                continue
            if dated is True and not f.date:
                continue
            if dated is False and f.date:
                continue
            if since is not None and (not f.date or str(f.date) < str(since)):
                continue
            if until is not None and (not f.date or str(f.date)[: len(str(until))] > str(until)):
                continue
            out.append(f)
        if sort in ("date", "-date"):
            out.sort(
                key=lambda f: (f.date is None, str(f.date or ""), f.id), reverse=sort == "-date"
            )
        elif sort == "id":
            out.sort(key=lambda f: f.id)
        elif sort not in (None, "file"):
            raise BriefTemplateError(
                "BRF004",
                f"unknown sort order {sort!r}",
                hint="use sort='date', '-date', 'id' or 'file'",
            )
        return [self._use(f, span) for f in out]

    def cite(self, *refs: Any) -> str:
        """The citation of one or more findings, pages as locators: ``[@weitz2014, p. 147]``."""
        span = self._caller_span()
        if not refs:
            raise BriefTemplateError("BRF004", "cite() needs at least one finding")
        parts: list[str] = []
        for ref in refs:
            view = self._resolve(ref, span)
            parts.extend(f"{_cite_key(e.source)}{_locator(e.page)}" for e in view.evidence)
        return "[" + "; ".join(dict.fromkeys(parts)) + "]" if parts else ""

    def claim(self, ref: Any, cite: bool = True) -> str:
        """The finding's claim, with its citation before the closing full stop."""
        view = self._resolve(ref, self._caller_span())
        return str(view) if cite else view.claim_md

    def quote(self, ref: Any, block: bool = False, cite: bool = True) -> str:
        """The finding's verbatim quote(s) with citation; ``block=True`` gives a block quote."""
        view = self._resolve(ref, self._caller_span())
        pieces = []
        for e in view.evidence:
            text = f"“{e.quote_md}”"
            if cite:
                text += f" {e.cite}"
            pieces.append(text)
        if block:
            return "\n>\n".join(f"> {p}" for p in pieces)
        return "; ".join(pieces)

    def used_findings(self) -> list[FindingView]:
        """Every finding the brief has used so far, in order of first use."""
        return [self.views[i] for i in self.used]

    def entry(self, key: str) -> dict[str, Any]:
        """A bibliography entry's title, authors and year."""
        found = self.project.entries.get(key)
        if found is None:
            raise BriefTemplateError("BRF005", f"unknown cite key '{key}'", hint="check bib/")
        return {
            "key": key,
            "title": found.title,
            "authors": list(found.authors),
            "year": found.year,
            "type": found.type,
        }

    def globals(self) -> dict[str, Callable[..., Any]]:
        return {
            "finding": self.finding,
            "findings": self.findings,
            "cite": self.cite,
            "claim": self.claim,
            "quote": self.quote,
            "used_findings": self.used_findings,
            "entry": self.entry,
        }


def _closest(name: str, choices: Iterable[str]) -> str | None:
    import difflib

    matches = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


# --------------------------------------------------------------------------- rendering

# Keys that briefgen consumes; they are not passed on to Pandoc as metadata.
_PRIVATE_KEYS = {
    "csl",
    "template",
    "formats",
    "key_judgments",
    "recommendations",
    "summary",
    "bibliography",
    "authors",
    "references",
    "nocite-all",
}


def pandoc_metadata(meta: BriefMeta, defaults: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The metadata block handed to Pandoc: ``defaults``, then the brief's own fields."""
    out: dict[str, Any] = dict(defaults or {})
    for key, value in meta.values.items():
        if key in _PRIVATE_KEYS:
            continue
        out[key] = value
    if meta.authors:
        out["author"] = list(meta.authors)
    out.setdefault("lang", "en-US")
    out["link-citations"] = True
    out.setdefault("series", "Policy Brief")
    return out


def _yaml_block(metadata: Mapping[str, Any]) -> str:
    import yaml

    dumped = yaml.safe_dump(dict(metadata), allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n"


def render_brief(
    document: Document,
    meta: BriefMeta,
    project: Project,
    report: CheckReport | None,
    templates_dir: Path | None = None,
    metadata_defaults: Mapping[str, Any] | None = None,
    assumed: str = "unchecked",
    assumed_statuses: Mapping[str, Sequence[str]] | None = None,
) -> RenderedBrief:
    """Render ``document`` (already split by :func:`parse_front_matter`) to Pandoc Markdown.

    Evidence the ``report`` does not cover shows the status ``assumed_statuses``
    gives it (finding id -> one status per piece of evidence), else ``assumed``.

    Jinja errors become BRF003 (syntax) and BRF004/BRF005 (while rendering)
    diagnostics pointing at the brief's file and line.
    """
    from jinja2 import TemplateNotFound, TemplateSyntaxError, nodes

    path = document.path
    layout = meta.template or DEFAULT_LAYOUT
    diagnostics: list[Diagnostic] = []

    body = meta.body
    display = _display_paths(path, project.root, templates_dir)
    env = make_environment(templates_dir, {})
    try:
        tree = env.parse(body, name=path, filename=path)
    except TemplateSyntaxError as exc:
        diagnostics.append(_syntax_diagnostic(exc, display))
        return RenderedBrief("", (), tuple(diagnostics), {})

    has_extends = any(isinstance(n, nodes.Extends) for n in tree.body)
    has_blocks = any(isinstance(n, nodes.Block) for n in tree.body)
    if has_extends:
        source = body
    elif has_blocks:
        source = "{% extends " + _jinja_string(layout) + " %}" + body
        for node in tree.body:
            if isinstance(node, nodes.Output) and any(
                isinstance(child, nodes.TemplateData) and child.data.strip() for child in node.nodes
            ):
                diagnostics.append(
                    Diagnostic(
                        "BRF015",
                        "warning",
                        "text outside {% block %} is not shown when a brief fills "
                        "the layout's blocks",
                        span=Span(path, node.lineno, 1),
                        hint="move it into {% block body %} ... {% endblock %}",
                    )
                )
                break
    else:
        source = (
            "{% extends " + _jinja_string(layout) + " %}{% block body %}" + body + "{% endblock %}"
        )

    try:
        env.get_template(layout)
    except TemplateNotFound:
        span = Span(path, meta.extra.get("key_lines", {}).get("template", 1), 1)
        diagnostics.append(
            Diagnostic(
                "BRF009",
                "error",
                f"layout template '{layout}' not found",
                span=span,
                hint="put it in the project's templates/ folder, or leave 'template' "
                "out to use the default layout",
            )
        )
        return RenderedBrief("", (), tuple(diagnostics), {})

    env = make_environment(templates_dir, {path: source})
    helpers = _Helpers(project, report, path, display, assumed, assumed_statuses)
    env.globals.update(helpers.globals())
    env.filters.update(
        {
            "claim": helpers.claim,
            "cite": helpers.cite,
            "quote": helpers.quote,
            "md_escape": escape_markdown,
            "date_label": _date_label,
        }
    )
    metadata = pandoc_metadata(meta, metadata_defaults)

    try:
        template = env.get_template(path)
        markdown = template.render(
            meta=dict(meta.values),
            front_matter=_yaml_block(metadata),
            brief={"path": path, "name": Path(path).stem},
        )
    except TemplateSyntaxError as exc:
        diagnostics.append(_syntax_diagnostic(exc, display))
        return RenderedBrief("", (), tuple(diagnostics), metadata)
    except Exception as exc:
        diagnostics.append(_runtime_diagnostic(exc, path, display))
        return RenderedBrief("", tuple(helpers.used.values()), tuple(diagnostics), metadata)

    markdown = re.sub(r"\n{3,}", "\n\n", markdown).strip() + "\n"
    return RenderedBrief(markdown, tuple(helpers.used.values()), tuple(diagnostics), metadata)


def _jinja_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _display_paths(
    path: str, root: Path, templates_dir: Path | None
) -> Callable[[str | None], str]:
    """A function turning a template's file name into the path diagnostics show."""
    defaults = default_templates_dir().resolve()
    templates = templates_dir.resolve() if templates_dir is not None else None
    project_root = root.resolve()

    def display(filename: str | None) -> str:
        if not filename or filename == path:
            return path
        target = Path(filename)
        if not target.is_absolute():
            return filename
        target = target.resolve()
        if templates is not None and target.is_relative_to(templates):
            base = project_root if templates.is_relative_to(project_root) else templates.parent
            return target.relative_to(base).as_posix()
        if target.is_relative_to(defaults):
            return "briefgen/" + target.relative_to(defaults).as_posix()
        return filename

    return display


def _syntax_diagnostic(exc: Any, display: Callable[[str | None], str]) -> Diagnostic:
    return Diagnostic(
        "BRF003",
        "error",
        f"template syntax error: {exc.message}",
        span=Span(display(exc.filename or exc.name), exc.lineno, None),
        hint="Jinja tags are {% ... %} and {{ ... }}; comments are {## ... ##}",
    )


def _runtime_diagnostic(
    exc: BaseException, path: str, display: Callable[[str | None], str]
) -> Diagnostic:
    line: int | None = None
    where: str | None = None
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        shown = display(frame.filename)
        if frame.filename == path or shown != frame.filename:
            line, where = frame.lineno, shown
            break
    span = Span(where or display(None), line, None)
    if isinstance(exc, BriefTemplateError):
        return Diagnostic(
            exc.code, "error", exc.message, span=span, hint=exc.hint, finding=exc.finding
        )
    from jinja2.exceptions import SecurityError, UndefinedError

    if isinstance(exc, UndefinedError):
        return Diagnostic(
            "BRF004",
            "error",
            f"undefined in template: {exc.message}",
            span=span,
            hint="front matter fields are meta.NAME; helpers are finding(), "
            "findings(), claim(), quote(), cite()",
        )
    if isinstance(exc, SecurityError):
        return Diagnostic("BRF004", "error", f"not allowed in a brief: {exc}", span=span)
    return Diagnostic("BRF004", "error", f"template error: {type(exc).__name__}: {exc}", span=span)

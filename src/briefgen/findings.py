"""Findings files: YAML lists of findings, parsed with the line of every field."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
import threading
from collections.abc import Mapping
from typing import Any

from briefgen import diagnostics as diag
from briefgen.model import Diagnostic, Evidence, Finding, Span
from briefgen.sources import parse_page_claim

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DATE_RE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")

KNOWN_FIELDS = ("id", "claim", "source", "quote", "page", "tags", "date", "evidence")
# Fields briefgen does not use but that analysts commonly keep; no warning for them.
FREE_FIELDS = ("note", "notes", "comment", "confidence", "url", "author", "status", "context")

# Bounds that keep hostile YAML (alias bombs, deep nesting) cheap.
MAX_NODES = 200_000
MAX_DEPTH = 64


class _TooBig(Exception):
    pass


def _span(path: str, node: Any) -> Span:
    mark = node.start_mark
    return Span(path, mark.line + 1, mark.column + 1)


_LOCAL = threading.local()  # one PyYAML constructor per thread, reused for every scalar


def _scalar_value(node: Any) -> Any:
    import yaml

    constructor = getattr(_LOCAL, "constructor", None)
    if constructor is None:
        constructor = _LOCAL.constructor = yaml.constructor.SafeConstructor()
    try:
        return constructor.construct_object(node, deep=True)
    except Exception:  # an odd scalar (bad timestamp, ...): keep its text
        return node.value
    finally:
        # Nothing is kept from one scalar to the next.
        constructor.constructed_objects.clear()
        constructor.recursive_objects.clear()
        constructor.state_generators.clear()


_STR_TAG = "tag:yaml.org,2002:str"


def _to_python(node: Any, budget: list[int], depth: int = 0) -> Any:
    """Convert a composed node to plain values, bounded in size and depth."""
    import yaml

    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise _TooBig
    if node.tag == _STR_TAG and isinstance(node, yaml.ScalarNode):
        return node.value  # what SafeConstructor makes of it, without its machinery
    if isinstance(node, yaml.ScalarNode):
        return _scalar_value(node)
    if isinstance(node, yaml.SequenceNode):
        return [_to_python(n, budget, depth + 1) for n in node.value]
    if isinstance(node, yaml.MappingNode):
        return {
            str(_to_python(k, budget, depth + 1)): _to_python(v, budget, depth + 1)
            for k, v in node.value
        }
    return None


def to_plain(node: Any, budget: list[int]) -> Any:
    """A composed YAML node as plain Python values (``budget[0]`` nodes at most).

    Mapping keys become text. Raises an exception when the node is larger than
    the budget or nested deeper than :data:`MAX_DEPTH`, so alias bombs stay cheap.
    """
    return _to_python(node, budget)


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, _dt.date):
        return value.isoformat()
    return None


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    return {"list": "a list", "dict": "a mapping", "bool": "true/false", "str": "text",
            "int": "a number", "float": "a number"}.get(type(value).__name__,
                                                        type(value).__name__)


def _compose(text: str) -> Any:
    """Compose YAML nodes with libyaml when present; PyYAML's messages on errors.

    The C loader is about four times faster; when it finds an error, the pure
    Python loader composes again so the message and position are the usual ones.
    """
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def parse_findings(text: str, path: str) -> tuple[list[Finding], list[Diagnostic]]:
    """Parse one findings file. Every problem is a diagnostic with its line."""
    import yaml

    problems: list[Diagnostic] = []
    if "\t" in text:
        for n, line in enumerate(text.splitlines(), 1):
            lead = line[: len(line) - len(line.lstrip())]
            if "\t" in lead:
                problems.append(diag.make(
                    "FND001", "a tab indents this line; YAML allows only spaces",
                    Span(path, n, lead.index("\t") + 1),
                    hint="Indent with spaces."))
                return [], problems
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        span = Span(path, mark.line + 1, mark.column + 1) if mark else Span(path)
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}: {what}" if exc.problem else exc.context
        problems.append(diag.make("FND001", f"YAML syntax error: {what}", span))
        return [], problems
    except yaml.YAMLError as exc:
        problems.append(diag.make("FND001", f"YAML error: {exc}", Span(path, 1, 1)))
        return [], problems
    except RecursionError:
        problems.append(diag.make("FND001", "YAML nested too deeply", Span(path, 1, 1)))
        return [], problems
    if root is None or (isinstance(root, yaml.ScalarNode)
                        and root.tag == "tag:yaml.org,2002:null"):
        return [], problems  # an empty file (or an empty document, "---") holds no findings
    if not isinstance(root, yaml.SequenceNode):
        problems.append(diag.make(
            "FND002", f"a findings file is a YAML list of findings, not {root.tag.split(':')[-1]}",
            _span(path, root), hint="Start each finding with '- id: ...'."))
        return [], problems
    budget = [MAX_NODES]
    findings: list[Finding] = []
    for item in root.value:
        try:
            finding, item_problems = _parse_finding(item, path, budget)
        except _TooBig:
            problems.append(diag.make(
                "FND002", "finding too large or too deeply nested (alias expansion?)",
                _span(path, item)))
            break
        problems.extend(item_problems)
        if finding is not None:
            findings.append(finding)
    return findings, problems


def _parse_finding(
    node: Any, path: str, budget: list[int]
) -> tuple[Finding | None, list[Diagnostic]]:
    import yaml

    problems: list[Diagnostic] = []
    span = _span(path, node)
    if not isinstance(node, yaml.MappingNode):
        value = _to_python(node, budget)
        problems.append(diag.make(
            "FND002", f"a finding is a mapping of fields, not {_type_name(value)}", span))
        return None, problems
    fields: dict[str, Any] = {}
    spans: dict[str, Span] = {}
    nodes: dict[str, Any] = {}
    for knode, vnode in node.value:
        key = str(_to_python(knode, budget))
        if key in fields:
            problems.append(diag.make(
                "FND002", f"field {key!r} appears twice in this finding",
                _span(path, knode)))
        fields[key] = _to_python(vnode, budget)
        spans[key] = _span(path, vnode)
        nodes[key] = vnode
    fid_raw = fields.get("id")
    fid = _as_text(fid_raw)
    label = f"finding {fid!r}" if fid else "finding"
    if fid is None:
        problems.append(diag.make(
            "FND002", "finding has no id" if "id" not in fields
            else f"id must be text, not {_type_name(fid_raw)}",
            spans.get("id", span)))
    elif not ID_RE.match(fid):
        problems.append(diag.make(
            "FND009", f"invalid id {fid!r}: use lower-case letters, digits, '.', '_' and '-'",
            spans["id"], finding=fid))
    claim = fields.get("claim")
    if not isinstance(claim, str) or not claim.strip():
        problems.append(diag.make(
            "FND002", f"{label} has no claim" if claim is None
            else f"{label}: the claim is empty" if isinstance(claim, str)
            else f"{label}: claim must be non-empty text, not {_type_name(claim)}",
            spans.get("claim", span), finding=fid))
        claim = _as_text(claim) or ""

    for key in fields:
        if key in KNOWN_FIELDS or key in FREE_FIELDS:
            continue
        close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1, cutoff=0.75)
        if close:
            problems.append(diag.make(
                "FND014", f"unknown field {key!r} in {label}: did you mean {close[0]!r}?",
                spans[key], finding=fid))

    evidence: list[Evidence] = []
    has_flat = any(k in fields for k in ("source", "quote", "page"))
    if "evidence" in fields:
        if has_flat:
            problems.append(diag.make(
                "FND002", f"{label} has both 'evidence' and source/quote/page: use one",
                spans["evidence"], finding=fid))
        ev_node = nodes["evidence"]
        if not isinstance(ev_node, yaml.SequenceNode) or not ev_node.value:
            problems.append(diag.make(
                "FND002", f"{label}: evidence must be a non-empty list of "
                "{source, quote, page}", spans["evidence"], finding=fid))
        else:
            for ev in ev_node.value:
                if not isinstance(ev, yaml.MappingNode):
                    problems.append(diag.make(
                        "FND002", f"{label}: each evidence item is a mapping with "
                        "source, quote and page", _span(path, ev), finding=fid))
                    continue
                ev_fields = {str(_to_python(k, budget)): (_to_python(v, budget), _span(path, v))
                             for k, v in ev.value}
                item = _parse_evidence(ev_fields, _span(path, ev), path, fid, label, problems)
                if item is not None:
                    evidence.append(item)
    else:
        flat: dict[str, tuple[Any, Span]] = {
            k: (fields[k], spans[k]) for k in ("source", "quote", "page") if k in fields}
        item = _parse_evidence(flat, span, path, fid, label, problems)
        if item is not None:
            evidence.append(item)

    tags: list[str] = []
    raw_tags = fields.get("tags")
    if raw_tags is not None:
        if isinstance(raw_tags, str):
            raw_tags = [t.strip() for t in raw_tags.split(",") if t.strip()]
        if not isinstance(raw_tags, list):
            problems.append(diag.make(
                "FND002", f"{label}: tags must be a list, not {_type_name(raw_tags)}",
                spans["tags"], finding=fid))
        else:
            for tag in raw_tags:
                t = _as_text(tag)
                if t is None or not TAG_RE.match(t):
                    problems.append(diag.make(
                        "FND011", f"{label}: invalid tag {tag!r}: use lower-case words "
                        "joined by hyphens, e.g. us-military-cooperation",
                        spans["tags"], finding=fid))
                elif t not in tags:
                    tags.append(t)

    date = None
    if "date" in fields and fields["date"] is not None:
        raw_date = fields["date"]
        date = _as_text(raw_date)
        if isinstance(raw_date, _dt.datetime):
            date = raw_date.date().isoformat()
        if date is None or not DATE_RE.match(date):
            problems.append(diag.make(
                "FND013", f"{label}: invalid date {raw_date!r}", spans["date"], finding=fid))
            date = None

    extra = {k: v for k, v in fields.items() if k not in KNOWN_FIELDS}
    if fid is None or not evidence:
        # Reported above; a finding without id or evidence cannot be checked.
        return None, problems
    return Finding(
        id=fid,
        claim=str(claim).strip(),
        evidence=tuple(evidence),
        span=span,
        tags=tuple(tags),
        date=date,
        field_spans=spans,
        extra=extra,
    ), problems


def _parse_evidence(
    fields: Mapping[str, tuple[Any, Span]],
    span: Span,
    path: str,
    fid: str | None,
    label: str,
    problems: list[Diagnostic],
) -> Evidence | None:
    ok = True
    source_v, source_span = fields.get("source", (None, span))
    source = _as_text(source_v)
    if source is None or not source.strip():
        problems.append(diag.make(
            "FND002", f"{label} has no source (the cite key of the quoted work)"
            if "source" not in fields else f"{label}: source must be a cite key",
            source_span, finding=fid))
        ok = False
    quote_v, quote_span = fields.get("quote", (None, span))
    if not isinstance(quote_v, str) or not quote_v.strip():
        problems.append(diag.make(
            "FND002", f"{label} has no quote" if "quote" not in fields
            else f"{label}: the quote is empty" if isinstance(quote_v, str)
            else f"{label}: quote must be non-empty text, not {_type_name(quote_v)}",
            quote_span, finding=fid))
        ok = False
    page: str | None = None
    page_span: Span | None = None
    if "page" in fields and fields["page"][0] is not None:
        page_v, page_span = fields["page"]
        page = _as_text(page_v)
        if page is None or parse_page_claim(page) is None:
            problems.append(diag.make(
                "FND012", f"{label}: invalid page {page_v!r}", page_span, finding=fid))
            page = None  # reported; the quote itself is still checked
    if not ok:
        return None
    assert source is not None and isinstance(quote_v, str)
    return Evidence(
        source=source.strip(),
        quote=quote_v,
        page=page,
        span=quote_span if "quote" in fields else span,
        quote_span=quote_span,
        page_span=page_span,
        source_span=source_span,
    )

"""Diagnostic codes, exit codes, errors, and the text / JSON / GitHub renderers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from briefgen.model import CheckReport, Diagnostic, Severity, Span

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class BriefgenError(Exception):
    """A failure that stops briefgen, carrying its exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(BriefgenError):
    """An unreadable or invalid ``briefgen.toml`` (or ``[tool.briefgen]``)."""

    exit_code = EXIT_USAGE


class UsageError(BriefgenError):
    exit_code = EXIT_USAGE


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """A diagnostic code of the catalogue: its default severity, title and hint."""

    code: str
    severity: Severity
    title: str
    hint: str


_CATALOGUE: tuple[CodeInfo, ...] = (
    CodeInfo("CFG001", "error", "invalid configuration",
             "Fix the TOML syntax or the value named; see docs/getting-started.md."),
    CodeInfo("CFG002", "warning", "unknown configuration key",
             "Remove the key or correct its spelling."),
    CodeInfo("CFG003", "warning", "a configured glob matches no file",
             "Check the glob in briefgen.toml, or add the files it should match."),
    CodeInfo("BIB001", "error", "bibliography block failed to parse",
             "Balance the braces of the entry and give it a key: @type{key, field = {...}}."),
    CodeInfo("BIB002", "error", "duplicate cite key",
             "Give each entry its own key, or delete the duplicate."),
    CodeInfo("BIB003", "error", "entry lacks a required field",
             "Add author (or editor, organization), title and year (or date)."),
    CodeInfo("BIB004", "error", "file field points outside the project",
             "Keep source files inside the project and give a relative path."),
    CodeInfo("BIB005", "error", "file field names a file that does not exist",
             "Correct the path or add the file."),
    CodeInfo("BIB006", "error", "fields merged by a missing comma",
             "Add the comma at the end of the field's value."),
    CodeInfo("BIB007", "error", "bibliography file unreadable or not UTF-8",
             "Save the file as UTF-8."),
    CodeInfo("BIB008", "warning", "bibliography entry is never cited",
             "Cite it from a finding or a brief, or remove it."),
    CodeInfo("BIB009", "error", "invalid CSL-JSON",
             "A CSL-JSON bibliography is a JSON list of items, each with an \"id\"."),
    CodeInfo("BIB010", "warning", "field given twice in one entry",
             "Keep one of the values; the last one is used."),
    CodeInfo("BIB011", "error", "bibliography format briefgen cannot read",
             "Use BibTeX (.bib), CSL-JSON (.json) or CSL-YAML (.yaml); convert others "
             "with pandoc."),
    CodeInfo("SRC001", "warning", "entry has no source text",
             "Add sources/KEY.txt (or .md), or name the text in the entry's file field."),
    CodeInfo("SRC002", "error", "source text has bytes that are not UTF-8",
             "Re-extract or re-save the text as UTF-8."),
    CodeInfo("SRC003", "error", "source text cannot be read",
             "Replace the file by its plain-text extraction."),
    CodeInfo("SRC004", "warning", "source text has no bibliography entry",
             "Add an entry whose key is the file's name, or remove the file."),
    CodeInfo("SRC005", "error", "invalid page marker",
             "Write page markers exactly as <!-- page N -->."),
    CodeInfo("FND001", "error", "findings file is not valid YAML",
             "Fix the YAML syntax at the line shown."),
    CodeInfo("FND002", "error", "finding has a wrong shape, type or missing field",
             "Each finding needs id, claim, and source and quote (or evidence); "
             "see docs/findings-format.md."),
    CodeInfo("FND003", "error", "quote not found in its source",
             "Copy the quote verbatim from the source; the nearest passage is shown."),
    CodeInfo("FND004", "error", "quote found on another page",
             "Correct the page to the one shown."),
    CodeInfo("FND005", "error", "quote found in another source",
             "Cite the source where the quote is, shown in the message."),
    CodeInfo("FND006", "error", "cite key not in the bibliography",
             "Add the entry to bib/, or correct the key."),
    CodeInfo("FND007", "warning", "quote matches only with text-extraction noise",
             "Fine for OCR-noisy sources; to silence, copy the source's spelling."),
    CodeInfo("FND008", "error", "duplicate finding id",
             "Give each finding its own id."),
    CodeInfo("FND009", "error", "invalid finding id",
             "Ids are lower-case: [a-z0-9][a-z0-9._-]*."),
    CodeInfo("FND010", "warning", "quote cannot be checked: the source has no text",
             "Add the source text so the quote can be verified."),
    CodeInfo("FND011", "error", "invalid tag",
             "Tags are lower-case words joined by hyphens: [a-z0-9][a-z0-9-]*."),
    CodeInfo("FND012", "error", "invalid page",
             "Write a page as 147, \"147\", or a range \"147-148\"."),
    CodeInfo("FND013", "error", "invalid date",
             "Write a date as YYYY, YYYY-MM or YYYY-MM-DD."),
    CodeInfo("FND014", "warning", "unknown finding field",
             "Check the spelling; unknown fields are kept but not used."),
    CodeInfo("CIT001", "error", "citation key not in the bibliography",
             "Add the entry to the bibliography, or correct the key."),
    CodeInfo("CIT002", "error", "document cannot be read",
             "Save the document as UTF-8 text."),
)

CATALOGUE: dict[str, CodeInfo] = {c.code: c for c in _CATALOGUE}


def register_code(info: CodeInfo) -> None:
    """Add a code to the catalogue (used by the render and site stages)."""
    CATALOGUE.setdefault(info.code, info)


def make(
    code: str,
    message: str,
    span: Span | None = None,
    *,
    hint: str | None = None,
    finding: str | None = None,
    key: str | None = None,
    notes: Iterable[str] = (),
    severity: Severity | None = None,
) -> Diagnostic:
    """Build a diagnostic with the catalogue's default severity and hint."""
    info = CATALOGUE.get(code)
    sev: Severity = severity or (info.severity if info else "error")
    return Diagnostic(
        code=code,
        severity=sev,
        message=message,
        span=span,
        hint=hint if hint is not None else (info.hint if info else None),
        finding=finding,
        key=key,
        notes=tuple(notes),
    )


def sort_key(d: Diagnostic) -> tuple[str, int, int, str, str]:
    s = d.span
    return (
        s.path if s else "",
        (s.line or 0) if s else 0,
        (s.column or 0) if s else 0,
        d.code,
        d.message,
    )


def exit_code(report: CheckReport, strict: bool = False) -> int:
    if report.errors or (strict and report.warnings):
        return EXIT_ERRORS
    return EXIT_OK


# --- renderers ------------------------------------------------------------


def render_text(report: CheckReport, *, color: bool = False, verbose: bool = False) -> str:
    """Compiler-style lines: ``path:line:col: error CODE message`` plus hint and notes."""
    lines: list[str] = []
    for d in report.diagnostics:
        where = str(d.span) if d.span else "<project>"
        sev = d.severity
        if color:
            c = "red" if sev == "error" else "yellow"
            lines.append(f"[bold]{_esc(where)}:[/bold] [{c}]{sev}[/{c}] "
                         f"[bold]{d.code}[/bold] {_esc(d.message)}")
        else:
            lines.append(f"{where}: {sev} {d.code} {d.message}")
        for note in d.notes:
            lines.append(f"    {_esc(note) if color else note}")
        if d.hint:
            lines.append(f"  hint: {_esc(d.hint) if color else d.hint}")
    n_find = len(report.findings)
    verified = sum(1 for f in report.findings for e in f.evidence if e.status == "verified")
    n_ev = sum(len(f.evidence) for f in report.findings)
    summary = (
        f"{report.entries} entries, {report.sources} sources, {n_find} findings "
        f"({verified}/{n_ev} quotes verified), {len(report.citations)} citations: "
        f"{report.errors} error{'s' if report.errors != 1 else ''}, "
        f"{report.warnings} warning{'s' if report.warnings != 1 else ''}"
    )
    if verbose:
        for fr in report.findings:
            for er in fr.evidence:
                pages = ",".join(er.pages_found) or "-"
                lines.append(f"{fr.finding.span}: {fr.finding.id} {er.evidence.source} "
                             f"{er.status} p.{pages}")
    lines.append(summary)
    return "\n".join(lines) + "\n"


def _esc(text: str) -> str:
    return text.replace("[", r"\[")


def report_to_dict(report: CheckReport) -> dict[str, object]:
    """The JSON report of CONTRACT section 6."""
    diagnostics = [
        {
            "severity": d.severity,
            "code": d.code,
            "message": d.message,
            "file": d.span.path if d.span else None,
            "line": d.span.line if d.span else None,
            "column": d.span.column if d.span else None,
            "finding": d.finding,
            "key": d.key,
            "hint": d.hint,
            "notes": list(d.notes),
        }
        for d in report.diagnostics
    ]
    findings = []
    for fr in report.findings:
        evidence = []
        for er in fr.evidence:
            ev = er.evidence
            item: dict[str, object] = {
                "source": ev.source,
                "status": er.status,
                "page_claimed": ev.page,
                "pages_found": list(er.pages_found),
                "similarity": round(er.similarity, 4),
                "found_in": [{"source": k, "pages": list(p)} for k, p in er.found_in],
                "line": ev.span.line,
            }
            if er.passage is not None:
                item["passage"] = er.passage
                item["passage_source"] = er.passage_source
            if er.differences:
                item["differences"] = list(er.differences)
            evidence.append(item)
        findings.append({
            "id": fr.finding.id,
            "file": fr.finding.span.path,
            "line": fr.finding.span.line,
            "tags": list(fr.finding.tags),
            "date": fr.finding.date,
            "evidence": evidence,
        })
    citations = [
        {
            "file": c.citation.span.path,
            "line": c.citation.span.line,
            "column": c.citation.span.column,
            "key": c.citation.key,
            "resolved": c.resolved,
        }
        for c in report.citations
    ]
    return {
        "diagnostics": diagnostics,
        "findings": findings,
        "citations": citations,
        "summary": {
            "errors": report.errors,
            "warnings": report.warnings,
            "entries": report.entries,
            "sources": report.sources,
            "findings": len(report.findings),
            "citations": len(report.citations),
        },
    }


def render_json(report: CheckReport) -> str:
    from briefgen.jsontext import dumps_indented  # json.dumps(indent=2), faster

    return dumps_indented(report_to_dict(report)) + "\n"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(report: CheckReport) -> str:
    """One GitHub Actions workflow command per diagnostic."""
    out: list[str] = []
    for d in report.diagnostics:
        props = []
        if d.span:
            props.append(f"file={_gh_escape_prop(d.span.path)}")
            if d.span.line is not None:
                props.append(f"line={d.span.line}")
            if d.span.column is not None:
                props.append(f"col={d.span.column}")
        props.append(f"title={_gh_escape_prop(d.code)}")
        body = d.message
        if d.notes:
            body += "\n" + "\n".join(d.notes)
        if d.hint:
            body += f"\nhint: {d.hint}"
        cmd = "error" if d.severity == "error" else "warning"
        out.append(f"::{cmd} {','.join(props)}::{_gh_escape_data(body)}")
    return "\n".join(out) + ("\n" if out else "")


# --- JUnit and SARIF -------------------------------------------------------


def render_junit(report: CheckReport) -> str:
    """A JUnit XML report: one test case per finding and per document, failures for errors."""
    by_file: dict[str, list[Diagnostic]] = {}
    for d in report.diagnostics:
        by_file.setdefault(d.span.path if d.span else "<project>", []).append(d)
    suites: list[str] = []
    for path in sorted(by_file):
        cases = []
        for d in by_file[path]:
            name = f"{d.code} {d.span}" if d.span else d.code
            body = d.message + "".join(f"\n{n}" for n in d.notes)
            tag = "failure" if d.severity == "error" else "skipped"
            if tag == "failure":
                inner = (f"<failure type={_xml_attr(d.code)} message={_xml_attr(d.message)}>"
                         f"{_xml_text(body)}</failure>")
            else:
                inner = f"<system-out>{_xml_text('warning: ' + body)}</system-out>"
            cases.append(f'    <testcase classname={_xml_attr(path)} name={_xml_attr(name)}>'
                         f"{inner}</testcase>")
        failures = sum(1 for d in by_file[path] if d.severity == "error")
        suites.append(f"  <testsuite name={_xml_attr(path)} tests=\"{len(cases)}\" "
                      f"failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
                      + "\n".join(cases) + "\n  </testsuite>")
    verified = [(fr.finding, er) for fr in report.findings for er in fr.evidence
                if er.status == "verified"]
    if verified:
        cases = [f"    <testcase classname={_xml_attr(f.span.path)} "
                 f"name={_xml_attr(f'{f.id} {er.evidence.source}')}/>" for f, er in verified]
        suites.append(f"  <testsuite name=\"verified quotes\" tests=\"{len(cases)}\" "
                      f"failures=\"0\" errors=\"0\" skipped=\"0\">\n" + "\n".join(cases)
                      + "\n  </testsuite>")
    tests = sum(s.count("<testcase") for s in suites)
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<testsuites name=\"briefgen check\" tests=\"{tests}\" "
            f"failures=\"{report.errors}\" errors=\"0\">\n"
            + "\n".join(suites) + ("\n" if suites else "") + "</testsuites>\n")


def _xml_attr(s: str) -> str:
    """``s`` as a quoted XML attribute value, without the control characters XML forbids."""
    from xml.sax.saxutils import quoteattr

    return quoteattr(_xml_chars(s))


def _xml_chars(s: str) -> str:
    """``s`` less the characters XML 1.0 forbids even when escaped."""
    return "".join(ch for ch in s if ch in "\t\n\r" or (
        0x20 <= ord(ch) <= 0xFFFD and not 0xD800 <= ord(ch) <= 0xDFFF) or ord(ch) > 0xFFFF)


def _xml_text(s: str) -> str:
    from xml.sax.saxutils import escape

    return escape(_xml_chars(s))


def render_sarif(report: CheckReport) -> str:
    """A SARIF 2.1.0 log for code-scanning tools."""
    from urllib.parse import quote

    from briefgen import __version__
    from briefgen.jsontext import dumps_indented

    codes = sorted({d.code for d in report.diagnostics})
    rules = []
    for code in codes:
        info = CATALOGUE.get(code)
        rules.append({
            "id": code,
            "name": code,
            "shortDescription": {"text": info.title if info else code},
            "help": {"text": info.hint if info else code},
            "defaultConfiguration": {"level": info.severity if info else "error"},
        })
    results = []
    for d in report.diagnostics:
        result: dict[str, object] = {
            "ruleId": d.code,
            "ruleIndex": codes.index(d.code),
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": d.message + "".join(f"\n{n}" for n in d.notes)},
        }
        if d.span is not None:
            region: dict[str, int] = {}
            if d.span.line:
                region["startLine"] = d.span.line
                if d.span.column:
                    region["startColumn"] = d.span.column
            # A relative URI reference: spaces, colons (a "doe:2019.txt" would read as a
            # scheme) and non-ASCII characters percent-encoded.
            uri = quote(d.span.path, safe="/-._~")
            location: dict[str, object] = {"artifactLocation": {"uri": uri}}
            if region:
                location["region"] = region
            result["locations"] = [{"physicalLocation": location}]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "briefgen", "version": __version__,
                                "informationUri": "https://pypi.org/project/briefgen/",
                                "rules": rules}},
            "results": results,
        }],
    }
    return dumps_indented(log) + "\n"


# --- baselines -------------------------------------------------------------


def fingerprint(d: Diagnostic) -> str:
    """What identifies a problem across edits: no line numbers, which move."""
    import re

    message = re.sub(r":\d+(:\d+)?", "", d.message)
    return "|".join((d.code, d.span.path if d.span else "", d.finding or "", d.key or "",
                     message))


def baseline_dump(report: CheckReport) -> str:
    import json

    prints = sorted(fingerprint(d) for d in report.diagnostics)
    return json.dumps({"version": 1, "diagnostics": prints}, indent=1) + "\n"


def baseline_filter(report: CheckReport, baseline_text: str) -> CheckReport:
    """Drop every diagnostic the baseline already records (as many times as recorded)."""
    import json
    from collections import Counter
    from dataclasses import replace

    try:
        data = json.loads(baseline_text)
        known = Counter(str(x) for x in data["diagnostics"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"the baseline is not a briefgen baseline file ({exc})",
                         hint="Write one with briefgen check --write-baseline FILE.") from None
    kept = []
    for d in report.diagnostics:
        fp = fingerprint(d)
        if known[fp] > 0:
            known[fp] -= 1
            continue
        kept.append(d)
    return replace(report, diagnostics=tuple(kept))

"""Cite keys: unknown, unused, and entries or documents that do not resolve."""

from __future__ import annotations

from briefgen import diagnostics as diag
from briefgen.model import CitationResult, Diagnostic, Project


def check_citations(project: Project) -> tuple[list[CitationResult], list[Diagnostic]]:
    """Resolve every citation of every document against the bibliography."""
    results: list[CitationResult] = []
    problems: list[Diagnostic] = []
    for doc in project.documents:
        for cit in doc.citations:
            # `nocite: '@*'` asks for every entry: it names no key to resolve.
            ok = cit.key == "*" or cit.key in project.entries
            results.append(CitationResult(cit, ok))
            if not ok:
                problems.append(diag.make(
                    "CIT001", f"citation @{cit.key} not found in the bibliography",
                    cit.span, key=cit.key))
    return results, problems


def check_entries(project: Project, *, unused: bool = True) -> list[Diagnostic]:
    """Entries without a source text, and (optionally) entries nothing cites."""
    problems: list[Diagnostic] = []
    for key, where in project.missing_texts.items():
        entry = project.entries[key]
        problems.append(diag.make(
            "SRC001", f"entry {key!r} has no source text ({where})",
            entry.span, key=key,
            hint=f"Add {project.config.sources}/{key}.txt (or .md), or name the text in "
            "the entry's file field."))
    if unused:
        used = {ev.source for f in project.findings for ev in f.evidence}
        used.update(c.key for d in project.documents for c in d.citations)
        for key, entry in project.entries.items():
            if key not in used:
                problems.append(diag.make(
                    "BIB008", f"entry {key!r} is not cited by any finding or brief",
                    entry.span, key=key))
    return problems


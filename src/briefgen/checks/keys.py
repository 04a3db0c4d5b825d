"""Cite keys: unknown, unused, and entries or documents that do not resolve."""

from __future__ import annotations

from briefgen import diagnostics as diag
from briefgen.model import CitationResult, Diagnostic, Project


def check_citations(project: Project) -> tuple[list[CitationResult], list[Diagnostic]]:
    """Resolve every citation of every document against the bibliography."""
    results: list[CitationResult] = []
    problems: list[Diagnostic] = []
    for doc in project.documents:
        inline = _inline_reference_ids(doc.text) if doc.citations else set()
        for cit in doc.citations:
            # `nocite: '@*'` asks for every entry: it names no key to resolve.
            ok = cit.key == "*" or cit.key in project.entries or cit.key in inline
            results.append(CitationResult(cit, ok))
            if not ok:
                problems.append(diag.make(
                    "CIT001", f"citation @{cit.key} not found in the bibliography",
                    cit.span, key=cit.key))
    return results, problems


def _inline_reference_ids(text: str) -> set[str]:
    """Ids of the ``references`` a document's YAML front matter defines, as Pandoc reads them."""
    import re

    if not text.startswith("---"):
        return set()
    block = re.match(r"---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|$)", text, re.DOTALL)
    if block is None or "references" not in block.group(1):
        return set()
    import yaml

    try:
        root = yaml.compose(block.group(1), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return set()
    ids: set[str] = set()
    if not isinstance(root, yaml.MappingNode):
        return ids
    for name, value in root.value:
        if getattr(name, "value", None) != "references" or not isinstance(
            value, yaml.SequenceNode
        ):
            continue
        for item in value.value:
            if isinstance(item, yaml.MappingNode):
                ids.update(str(v.value) for k, v in item.value
                           if getattr(k, "value", None) == "id" and isinstance(v, yaml.ScalarNode))
    return ids


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


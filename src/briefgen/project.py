"""Load a project: its configuration, and every input file it names.

This module is the only reader of the user's input files.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen import diagnostics as diag
from briefgen.diagnostics import ConfigError
from briefgen.model import Config, Diagnostic, Document, Entry, Finding, Project, Source, Span

if TYPE_CHECKING:
    from briefgen.bibliography import BibliographyResult

CONFIG_FILE = "briefgen.toml"
MAX_SOURCE_BYTES = 64 * 1024 * 1024
MAX_INPUT_BYTES = 16 * 1024 * 1024
SKIP_DIRS = {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__",
             ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}

_LIST_KEYS = ("bibliography", "findings", "briefs")
_STR_KEYS = ("sources", "templates", "output", "csl")
_TABLE_KEYS = ("severity", "per-file-severity", "site", "build")
_LEVELS = ("error", "warning", "off")


# --- configuration -----------------------------------------------------------


def find_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding a project configuration."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or _pyproject_has_table(folder / "pyproject.toml"):
            return folder
    return start


def _pyproject_has_table(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        return "[tool.briefgen" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def load_config(root: Path) -> tuple[Config, list[Diagnostic]]:
    """Read ``briefgen.toml`` (else ``[tool.briefgen]`` of ``pyproject.toml``).

    Raises ConfigError (exit 2) listing every problem when the file is unreadable
    or a value has the wrong type; unknown keys are warnings.
    """
    root = root.resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: not a folder", hint="Give the project folder.")
    path = root / CONFIG_FILE
    table: Mapping[str, Any] = {}
    config_file: str | None = None
    if path.exists():
        config_file = CONFIG_FILE
        table = _read_toml(path, CONFIG_FILE)
    elif (root / "pyproject.toml").is_file():
        data = _read_toml(root / "pyproject.toml", "pyproject.toml")
        tool = data.get("tool", {})
        if isinstance(tool, Mapping) and "briefgen" in tool:
            config_file = "pyproject.toml"
            table = tool["briefgen"]
            if not isinstance(table, Mapping):
                raise ConfigError("pyproject.toml: [tool.briefgen] must be a table")
    return config_from_table(root, table, config_file or CONFIG_FILE, config_file)


def _read_toml(path: Path, rel: str) -> Mapping[str, Any]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{rel}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{rel}:{line}: error CFG001 not valid UTF-8",
                          hint="Save the file as UTF-8.") from None
    import tomllib  # only a project's configuration needs it, not `check --bib`

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        where = f"{rel}:{m.group(1)}:{m.group(2)}" if m else rel
        if m is None and "(at end of document)" in msg:
            where = f"{rel}:{text.count(chr(10)) + (0 if text.endswith(chr(10)) else 1)}"
            msg = msg.replace(" (at end of document)", " at the end of the file")
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", msg)
        raise ConfigError(f"{where}: error CFG001 invalid TOML: {msg}",
                          hint="Fix the TOML syntax at the place shown.") from None


def _key_line(root: Path, rel: str | None, key: str) -> int | None:
    if rel is None:
        return None
    try:
        text = (root / rel).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    name = rf"[\"']?{re.escape(key)}[\"']?"
    # `key = ...`, or the header of a table: `[key]`, `[tool.briefgen.key]`.
    m = re.search(rf"(?m)^[ \t]*{name}[ \t]*=", text) or re.search(
        rf"(?m)^[ \t]*\[[ \t]*(?:tool\.briefgen\.)?{name}[ \t]*\]", text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def config_from_table(
    root: Path, table: Mapping[str, Any], label: str, config_file: str | None
) -> tuple[Config, list[Diagnostic]]:
    """Validate a configuration table; collect all errors before raising."""
    errors: list[str] = []
    warnings: list[Diagnostic] = []
    values: dict[str, Any] = {}

    def where(key: str) -> str:
        line = _key_line(root, config_file, key)
        return f"{label}:{line}" if line else label

    for key, value in table.items():
        norm = key.replace("_", "-")
        if norm in _LIST_KEYS:
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                errors.append(f"{where(key)}: error CFG001 {key!r} must be a glob or a "
                              f"list of globs")
                continue
            bad = [v for v in value if _escapes(v)]
            if bad:
                errors.append(f"{where(key)}: error CFG001 {key!r}: {bad[0]!r} points "
                              "outside the project")
                continue
            values[norm] = tuple(value)
        elif norm in _STR_KEYS:
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{where(key)}: error CFG001 {key!r} must be text")
                continue
            if norm != "csl" and _escapes(value):
                errors.append(f"{where(key)}: error CFG001 {key!r}: {value!r} points "
                              "outside the project")
                continue
            values[norm] = value
        elif norm == "severity":
            if not isinstance(value, Mapping) or not all(
                isinstance(v, str) and v in _LEVELS for v in value.values()
            ):
                bad = [c for c, v in value.items() if not (isinstance(v, str) and v in _LEVELS)
                       ] if isinstance(value, Mapping) else []
                place = where(str(bad[0])) if bad and _key_line(
                    root, config_file, str(bad[0])) else where(key)
                errors.append(f"{place}: error CFG001 [severity] maps codes to "
                              "\"error\", \"warning\" or \"off\"")
                continue
            values["severity"] = {str(k).upper(): str(v) for k, v in value.items()}
        elif norm == "per-file-severity":
            ok = isinstance(value, Mapping) and all(
                isinstance(v, Mapping) and all(isinstance(x, str) and x in _LEVELS
                                               for x in v.values())
                for v in value.values())
            if not ok:
                errors.append(f"{where(key)}: error CFG001 [per-file-severity] maps globs "
                              "to tables of code = \"error\" | \"warning\" | \"off\"")
                continue
            values["per_file"] = tuple(
                (str(g), {str(c).upper(): str(level) for c, level in t.items()})
                for g, t in value.items())
        elif norm in _TABLE_KEYS:
            values.setdefault("extra", {})[norm] = value
        else:
            warnings.append(diag.make(
                "CFG002", f"unknown configuration key {key!r}",
                Span(label, _key_line(root, config_file, key), None)))
    if errors:
        raise ConfigError("\n".join(errors), hint="See docs/getting-started.md for the keys.")
    default = Config(root=root)
    config = Config(
        root=root,
        bibliography=values.get("bibliography", default.bibliography),
        sources=values.get("sources", default.sources).rstrip("/"),
        findings=values.get("findings", default.findings),
        briefs=values.get("briefs", default.briefs),
        templates=values.get("templates", default.templates),
        output=values.get("output", default.output),
        csl=values.get("csl", default.csl),
        severity=values.get("severity", {}),
        per_file_severity=values.get("per_file", ()),
        config_file=config_file,
        extra=values.get("extra", {}),
    )
    return config, warnings


def _escapes(pattern: str) -> bool:
    p = pattern.replace("\\", "/")
    return p.startswith("/") or bool(re.match(r"^[A-Za-z]:", p)) or ".." in p.split("/")


# --- file discovery ----------------------------------------------------------


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """Translate a glob with ``**`` into a regex over POSIX relative paths."""
    out = []
    i = 0
    p = pattern.replace("\\", "/").lstrip("./") if pattern.startswith("./") else pattern
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:[^/]+/)*")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = p.find("]", i + 1)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = p[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def glob_files(root: Path, patterns: Iterable[str]) -> list[str]:
    """Project-relative POSIX paths of regular files matching any pattern.

    Walks without following directory links, so link loops cannot hang it;
    files reached through a link that leads outside the project are left out.
    """
    found: dict[str, None] = {}
    root_real = root.resolve()
    for pattern in patterns:
        pat = pattern.replace("\\", "/")
        if pat.startswith("./"):
            pat = pat[2:]
        regex = _glob_regex(pat)
        literal = []
        for part in pat.split("/")[:-1]:
            if any(ch in part for ch in "*?["):
                break
            literal.append(part)
        base = root.joinpath(*literal) if literal else root
        if not any(ch in pat for ch in "*?["):
            candidate = root / pat
            if _wanted(candidate, root_real):
                found[pat] = None
            continue
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel_dir = Path(dirpath).relative_to(root).as_posix()
            for name in sorted(filenames):
                rel = name if rel_dir == "." else f"{rel_dir}/{name}"
                if regex.match(rel) and _wanted(Path(dirpath) / name, root_real):
                    found[rel] = None
    return sorted(found)


def _wanted(path: Path, root_real: Path) -> bool:
    """A regular file inside the project, or a link that leads nowhere.

    A broken link or a link loop is kept so that reading it reports the problem
    (with the file's name) instead of the file silently going missing.
    """
    if path.is_file():
        return _inside(path, root_real)
    return _dead_link(path)


def _dead_link(path: Path) -> bool:
    """True for a symbolic link whose target does not exist or loops."""
    try:
        return path.is_symlink() and not path.exists()
    except OSError:
        return False


def _inside(path: Path, root_real: Path) -> bool:
    try:
        path.resolve().relative_to(root_real)
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def read_input(
    root: Path, rel: str, limit: int, code: str
) -> tuple[bytes | None, list[Diagnostic]]:
    """Read a user's file as bytes, refusing what is not a plain, sane file."""
    path = root / rel
    unreadable = ("Make it a readable regular file (not a folder, a broken link or a "
                  "link loop), or remove it.")
    try:
        st = path.stat()
    except (OSError, RuntimeError) as exc:
        msg = getattr(exc, "strerror", None) or str(exc)
        return None, [diag.make(code, f"cannot read {rel}: {msg}", Span(rel), hint=unreadable)]
    if not stat.S_ISREG(st.st_mode):
        return None, [diag.make(code, f"{rel} is not a regular file", Span(rel),
                                hint=unreadable)]
    if st.st_size > limit:
        return None, [diag.make(
            code, f"{rel} is {st.st_size // (1024 * 1024)} MiB, over the "
            f"{limit // (1024 * 1024)} MiB limit", Span(rel),
            hint=f"Split the file, or cut it down to at most {limit // (1024 * 1024)} MiB.")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [diag.make(code, f"cannot read {rel}: {exc.strerror}", Span(rel),
                                hint=unreadable)]
    return data, []


# --- loading ---------------------------------------------------------------


def read_bibliography_text(
    root: Path, rel: str
) -> tuple[str | None, bytes, list[Diagnostic]]:
    """A bibliography file's text (None if unreadable), its bytes, and its problems."""
    from briefgen.bibliography import decode_bibliography

    data, problems = read_input(root, rel, MAX_INPUT_BYTES, "BIB007")
    if data is None:
        return None, b"", problems
    text, decode_problems = decode_bibliography(data, rel)
    return text, data, problems + decode_problems


def load_bibliographies(
    root: Path, files: Iterable[str], cache_dir: Path | None = None
) -> tuple[dict[str, Entry], list[Diagnostic], int]:
    """Parse every bibliography file; the first entry of a key wins across files.

    With ``cache_dir``, the parsed form of a large file is kept there, keyed by a hash
    of its content and briefgen's version, and read back instead of parsing it again.
    """
    from briefgen.bibliography import check_entry_fields

    entries: dict[str, Entry] = {}
    problems: list[Diagnostic] = []
    count = 0
    for rel in files:
        text, data, read_problems = read_bibliography_text(root, rel)
        problems.extend(read_problems)
        if text is None:
            continue
        result = _parse_bibliography_cached(text, rel, data, cache_dir)
        problems.extend(result.diagnostics)
        count += result.count
        for entry in result.entries:
            problems.extend(check_entry_fields(entry))
            if entry.key in entries:
                first = entries[entry.key].span
                problems.append(diag.make(
                    "BIB002", f"duplicate cite key {entry.key!r} (first defined at {first})",
                    entry.span, key=entry.key))
                continue
            entries[entry.key] = entry
    return entries, problems, count


def user_cache_dir() -> Path | None:
    """Where parsed bibliographies are cached: never inside the project.

    ``BRIEFGEN_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/briefgen`` or
    ``~/.cache/briefgen``; ``BRIEFGEN_NO_CACHE=1`` turns the cache off.
    """
    if os.environ.get("BRIEFGEN_NO_CACHE"):
        return None
    explicit = os.environ.get("BRIEFGEN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME")
    try:
        return (Path(base) if base else Path.home() / ".cache") / "briefgen"
    except RuntimeError:  # no home directory
        return None


# Smaller bibliographies parse faster than their cache file would be read.
BIB_CACHE_MIN_BYTES = 256 * 1024


def _parse_bibliography_cached(
    text: str, rel: str, data: bytes, cache_dir: Path | None
) -> BibliographyResult:
    """``parse_bibliography(text, rel)``, through a cache of its result (JSON) if given.

    A missing, unreadable or foreign cache file only means parsing again.
    """
    import contextlib
    import json

    from briefgen import __version__
    from briefgen.bibliography import parse_bibliography

    if cache_dir is None or len(data) < BIB_CACHE_MIN_BYTES:
        return parse_bibliography(text, rel)
    from briefgen.write import hash_parts, write_text_atomic

    digest = hash_parts([("version", __version__), ("path", rel), ("data", data)])
    path = cache_dir / f"bib-{digest}.json"
    try:
        return _bibliography_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError):
        pass
    result = parse_bibliography(text, rel)
    with contextlib.suppress(OSError):  # a read-only project: no cache
        write_text_atomic(path, json.dumps(_bibliography_to_json(result)))
    return result


def _span_json(span: Span | None) -> list[Any] | None:
    return None if span is None else [span.path, span.line, span.column]


def _span_from(raw: list[Any] | None) -> Span | None:
    return None if raw is None else Span(str(raw[0]), raw[1], raw[2])


def _bibliography_to_json(result: BibliographyResult) -> dict[str, Any]:
    return {
        "count": result.count,
        "entries": [[e.key, e.type, dict(e.fields), _span_json(e.span),
                     None if e.csl is None else dict(e.csl), dict(e.field_lines)]
                    for e in result.entries],
        "diagnostics": [[d.code, d.severity, d.message, _span_json(d.span), d.hint,
                         d.finding, d.key, list(d.notes)] for d in result.diagnostics],
    }


def _bibliography_from_json(raw: dict[str, Any]) -> BibliographyResult:
    from briefgen.bibliography import BibliographyResult

    entries = []
    # An entry of an older cache file (no field lines) fails to unpack: parsed again.
    for key, kind, fields, span, csl, field_lines in raw["entries"]:
        where = _span_from(span)
        assert where is not None
        entries.append(Entry(key=key, type=kind, fields=fields, span=where, csl=csl,
                             field_lines=field_lines))
    diagnostics = tuple(
        Diagnostic(code=code, severity=sev, message=msg, span=_span_from(span), hint=hint,
                   finding=finding, key=key, notes=tuple(notes))
        for code, sev, msg, span, hint, finding, key, notes in raw["diagnostics"])
    return BibliographyResult(tuple(entries), diagnostics, int(raw["count"]))


def load_sources(
    root: Path, config: Config, entries: Mapping[str, Entry]
) -> tuple[dict[str, Source], dict[str, str], list[Diagnostic]]:
    """Read the text of every entry; report unreadable texts and orphan files."""
    from briefgen.bibliography import resolve_file_field
    from briefgen.sources import build_page_map, decode_text

    sources: dict[str, Source] = {}
    missing: dict[str, str] = {}
    problems: list[Diagnostic] = []
    folder = config.sources
    used_files: set[str] = set()
    root_real = root.resolve()
    folders_inside: dict[str, bool] = {}

    def plain_file_inside(rel: str) -> bool | None:
        """True for a regular file (not a link) in a folder inside the project, False
        for one elsewhere, None for anything else (a link, nothing), looked at closer."""
        full = os.path.join(root, rel)
        try:
            mode = os.lstat(full).st_mode
        except (OSError, ValueError):
            return None
        if not stat.S_ISREG(mode):
            return None
        parent = os.path.dirname(full)
        inside = folders_inside.get(parent)
        if inside is None:
            inside = folders_inside[parent] = _inside(Path(parent), root_real)
        return inside

    for key, entry in entries.items():
        rel: str | None = None
        if entry.fields.get("file") and _names_text(entry.fields["file"]):
            path, problem = resolve_file_field(entry, root)
            if problem is not None:
                problems.append(problem)
                continue
            if path is not None:
                rel = path.resolve().relative_to(root_real).as_posix()
                if path.suffix.lower() not in (".txt", ".md", ".markdown", ".text"):
                    # A PDF or other binary named by Zotero: look for its text instead.
                    rel = None
        if rel is None:
            for ext in (".txt", ".md"):
                cand = f"{folder}/{key}{ext}"
                plain = plain_file_inside(cand)
                if plain is not None:
                    if plain:
                        rel = cand
                        break
                    continue
                if (root / cand).is_file() and _inside(root / cand, root_real):
                    rel = cand
                    break
                if (root / cand).is_symlink():
                    if not _dead_link(root / cand):
                        problems.append(diag.make(
                            "SRC003", f"{cand} is a symbolic link leading outside the "
                            "project", Span(cand), key=key,
                            hint="Copy the text into the project instead of linking to it."))
                        rel = ""
                    else:
                        rel = cand  # a broken link or a loop: reading it says which
                    break
        if rel == "":
            continue
        if rel is None:
            missing[key] = f"looked for {folder}/{key}.txt"
            continue
        used_files.add(rel)
        data, read_problems = read_input(root, rel, MAX_SOURCE_BYTES, "SRC003")
        problems.extend(read_problems)
        if data is None:
            continue
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            # UTF-16 with a byte-order mark, as some Windows tools save text.
            with contextlib.suppress(UnicodeDecodeError):
                data = data.decode("utf-16").encode("utf-8")
        if not data.strip():
            missing[key] = f"{rel} is empty"
            continue
        if b"\x00" in data[:8192]:
            problems.append(diag.make(
                "SRC003", f"{rel} looks binary (it has NUL bytes); briefgen needs its "
                "plain text", Span(rel), key=key))
            continue
        text, decode_problems = decode_text(data, rel)
        problems.extend(decode_problems)
        pages, page_problems = build_page_map(text, entry.first_page, rel)
        problems.extend(page_problems)
        sources[key] = Source(key=key, path=rel, text=text, pages=pages)
    # Text files that no entry claims.
    if (root / folder).is_dir():
        for rel in glob_files(root, [f"{folder}/*.txt", f"{folder}/*.md"]):
            stem = rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]
            if rel not in used_files and stem not in entries and stem.lower() not in (
                "readme", "index", "provenance"
            ):
                problems.append(diag.make(
                    "SRC004", f"{rel} has no bibliography entry with key {stem!r}",
                    Span(rel)))
    return sources, missing, problems


def _names_text(file_field: str) -> bool:
    """Whether a file field may name a text briefgen reads.

    Zotero attachments (PDF, EPUB, Word, HTML snapshots, images), often absolute
    paths into Zotero's storage, are not source texts: briefgen ignores them and
    looks for ``sources/KEY.txt`` instead.
    """
    from briefgen.bibliography import file_candidates

    binary = (".pdf", ".epub", ".djvu", ".doc", ".docx", ".odt", ".rtf", ".html", ".htm",
              ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".ps")
    candidates = file_candidates(file_field) or [file_field]
    return not all(c.strip().lower().endswith(binary) for c in candidates)


def load_findings(root: Path, files: Iterable[str]) -> tuple[list[Finding], list[Diagnostic]]:
    from briefgen.findings import parse_findings
    from briefgen.sources import decode_text

    findings: list[Finding] = []
    problems: list[Diagnostic] = []
    seen: dict[str, Span] = {}
    for rel in files:
        data, read_problems = read_input(root, rel, MAX_INPUT_BYTES, "FND001")
        problems.extend(read_problems)
        if data is None:
            continue
        text, decode_problems = decode_text(data, rel, code="FND001")
        problems.extend(decode_problems)
        file_findings, file_problems = parse_findings(text, rel)
        problems.extend(file_problems)
        for f in file_findings:
            if f.id in seen:
                problems.append(diag.make(
                    "FND008", f"duplicate finding id {f.id!r} (first at {seen[f.id]})",
                    f.field_spans.get("id", f.span), finding=f.id))
                continue
            seen[f.id] = f.field_spans.get("id", f.span)
            findings.append(f)
    return findings, problems


def load_documents(root: Path, files: Iterable[str], code: str = "CIT002",
                   absolute: bool = False) -> tuple[list[Document], list[Diagnostic]]:
    from briefgen.citations import extract_citations
    from briefgen.sources import decode_text

    docs: list[Document] = []
    problems: list[Diagnostic] = []
    for rel in files:
        data, read_problems = read_input(root, rel, MAX_INPUT_BYTES, code)
        problems.extend(read_problems)
        if data is None:
            continue
        text, decode_problems = decode_text(data, rel, code=code)
        problems.extend(decode_problems)
        docs.append(Document(path=rel, text=text, citations=extract_citations(text, rel)))
    return docs, problems


def load_project(root: Path | str) -> Project:
    """Load a project folder. Raises ConfigError for an invalid configuration."""
    import gc

    # Loading makes many objects and little cyclic garbage: collecting while it runs
    # would walk every object loaded so far, again and again (0.2 s of 0.8 s on a
    # project of 10,000 findings).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_project(Path(root).resolve())
    finally:
        if collecting:
            gc.enable()


def _load_project(root: Path) -> Project:
    config, problems = load_config(root)
    bib_files = glob_files(root, config.bibliography)
    if not bib_files:
        problems.append(diag.make(
            "CFG003", f"no bibliography file matches {', '.join(config.bibliography)}",
            Span(config.config_file or CONFIG_FILE), severity="warning"))
    entries, bib_problems, count = load_bibliographies(root, bib_files, user_cache_dir())
    problems.extend(bib_problems)
    sources, missing, src_problems = load_sources(root, config, entries)
    problems.extend(src_problems)
    findings, fnd_problems = load_findings(root, glob_files(root, config.findings))
    problems.extend(fnd_problems)
    documents, doc_problems = load_documents(root, glob_files(root, config.briefs))
    problems.extend(doc_problems)
    return Project(
        root=root,
        config=config,
        entries=entries,
        sources=sources,
        findings=tuple(findings),
        documents=tuple(documents),
        diagnostics=tuple(problems),
        bibliography_files=tuple(bib_files),
        missing_texts=missing,
        entry_count=count,
    )

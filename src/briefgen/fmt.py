"""``briefgen fmt``: normalise the layout of findings and bibliography files, losslessly.

Findings files (YAML) are read and written with ruamel.yaml's round-trip mode,
which keeps comments (PyYAML drops them). The layout becomes:

- two spaces per level of indentation, lists of evidence under their key;
- the keys of a finding in the order id, claim, source, quote, page, evidence,
  tags, date, then any other key in the order written; an evidence item's keys
  in the order source, quote, page, then the rest;
- a one-line claim, quote, note or context too long for its line folded as a
  ``>-`` block at word boundaries to at most :data:`WIDTH` columns, and a folded
  one that fits on its line written on it.

Bibliography files (BibTeX) keep every value as written, every comment,
``@string``, ``@preamble`` and ``@comment`` block; each entry gets one field a
line, two spaces of indentation, its ``=`` signs aligned and a comma after its
last field.

Nothing is written that would change what briefgen reads: each formatted text is
parsed again and compared with the original (the same findings, the same
entries and fields, every comment line kept). A file that does not parse
cleanly, or whose formatting would not pass that comparison, is left untouched
and reported. Formatting is idempotent: formatting a formatted file changes
nothing.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen import diagnostics as diag
from briefgen.diagnostics import CodeInfo, UsageError, register_code
from briefgen.model import Diagnostic, Span

__all__ = [
    "FINDING_KEY_ORDER",
    "WIDTH",
    "FormatReport",
    "FormattedFile",
    "format_bibliography_text",
    "format_findings_text",
    "format_project",
]

WIDTH = 88
"""Columns a folded string may fill."""

FINDING_KEY_ORDER = ("id", "claim", "source", "quote", "page", "evidence", "tags", "date")
EVIDENCE_KEY_ORDER = ("source", "quote", "page")
# Keys whose text is prose: folded when long.
PROSE_KEYS = frozenset({"claim", "quote", "note", "notes", "comment", "context"})

register_code(CodeInfo(
    "FMT001", "error", "file left unformatted: formatting would change what it says",
    "Please report it with the file; format the file by hand meanwhile."))

_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class FormattedFile:
    """What ``fmt`` did (or, with ``check``, would do) to one file."""

    path: str  # project-relative POSIX path
    changed: bool  # the formatted text differs from the file
    written: bool  # the file was rewritten
    diagnostics: tuple[Diagnostic, ...] = ()


@dataclass(frozen=True, slots=True)
class FormatReport:
    """The outcome of ``briefgen fmt``: one :class:`FormattedFile` per file looked at."""

    files: tuple[FormattedFile, ...]
    check: bool

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(d for f in self.files for d in f.diagnostics)

    @property
    def changed(self) -> tuple[str, ...]:
        """Files reformatted (or, with ``check``, that would be)."""
        return tuple(f.path for f in self.files if f.changed)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    def exit_code(self) -> int:
        """0 when clean; 1 when a file could not be formatted, or with ``check`` would change."""
        if self.errors or (self.check and self.changed):
            return diag.EXIT_ERRORS
        return diag.EXIT_OK


# --------------------------------------------------------------------------- project


def format_project(
    root: Path | str = ".", paths: Sequence[str] = (), *, check: bool = False
) -> FormatReport:
    """Format the findings and BibTeX files of the project at ``root``.

    ``paths`` limits the work to some files (relative to ``root``, or absolute
    inside it); by default every file the configuration's ``findings`` and
    ``bibliography`` globs match. With ``check`` nothing is written. Raises
    ConfigError for an invalid configuration, UsageError for a path that is
    neither a findings file nor a ``.bib`` file inside the project.
    """
    from briefgen.project import glob_files, load_config

    root = Path(root).resolve()
    config, _ = load_config(root)
    findings = glob_files(root, config.findings)
    bibs = [p for p in glob_files(root, config.bibliography) if p.lower().endswith(".bib")]
    if paths:
        wanted = [_project_path(root, p) for p in paths]
        kinds = {p: "findings" for p in findings} | {p: "bib" for p in bibs}
        for p in wanted:
            if p not in kinds and not p.lower().endswith((*_YAML_SUFFIXES, ".bib")):
                raise UsageError(f"{p}: not a findings (.yaml) or BibTeX (.bib) file")
        selected = [(p, kinds.get(p) or ("bib" if p.lower().endswith(".bib") else "findings"))
                    for p in dict.fromkeys(wanted)]
    else:
        selected = [(p, "findings") for p in findings] + [(p, "bib") for p in bibs]
    files = [_format_file(root, rel, kind, check) for rel, kind in selected]
    return FormatReport(tuple(files), check)


def _project_path(root: Path, given: str) -> str:
    path = Path(given)
    absolute = path if path.is_absolute() else Path.cwd() / path
    try:
        return absolute.resolve().relative_to(root).as_posix()
    except (ValueError, OSError, RuntimeError):
        pass
    candidate = (root / given).resolve()
    try:
        return candidate.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{given}: outside the project") from None


def _format_file(root: Path, rel: str, kind: str, check: bool) -> FormattedFile:
    from briefgen.bibliography import decode_bibliography
    from briefgen.project import MAX_INPUT_BYTES, read_input
    from briefgen.sources import decode_text
    from briefgen.write import write_text_atomic

    code = "BIB007" if kind == "bib" else "FND001"
    data, problems = read_input(root, rel, MAX_INPUT_BYTES, code)
    if data is None:
        return FormattedFile(rel, False, False, tuple(problems))
    if kind == "bib":
        text, problems = decode_bibliography(data, rel)
    else:
        text, problems = decode_text(data, rel, code="FND001")
    if problems:  # undecodable bytes: writing would replace them
        return FormattedFile(rel, False, False, tuple(problems))
    if kind == "bib":
        formatted, problems = format_bibliography_text(text, rel)
    else:
        formatted, problems = format_findings_text(text, rel)
    changed = formatted.encode("utf-8") != data
    if problems or not changed or check:
        return FormattedFile(rel, changed and not problems, False, tuple(problems))
    # Write through a link to its target, so the link stays a link.
    write_text_atomic((root / rel).resolve(), formatted)
    return FormattedFile(rel, True, True, ())


# --------------------------------------------------------------------------- findings


def _ruamel() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.width = WIDTH
    return yaml


def format_findings_text(text: str, path: str = "findings.yaml") -> tuple[str, list[Diagnostic]]:
    """The normalised text of a findings file, or ``text`` itself and why not."""
    from briefgen.findings import parse_findings

    _, problems = parse_findings(text, path)
    blocking = [d for d in problems if d.code == "FND001" or "too large" in d.message
                or "appears twice" in d.message]
    if blocking:
        return text, blocking
    original = _yaml_data(text)
    if original is None:
        return text, [_untouchable(path, "it cannot be read back")]
    if original == "null":  # empty, or only comments: nothing to lay out
        return text, []
    yaml = _ruamel()
    try:
        document = yaml.load(text)
    except Exception:  # a construct ruamel refuses: leave the file alone
        return text, [_untouchable(path, "ruamel.yaml cannot read it")]
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if not isinstance(document, CommentedSeq):
        return text, [d for d in problems if d.code == "FND002"][:1] or [
            _untouchable(path, "it is not a list of findings")]
    for item in document:
        if isinstance(item, CommentedMap):
            _restyle(item, 2)
            evidence = item.get("evidence")
            if isinstance(evidence, list):
                for ev in evidence:
                    if isinstance(ev, CommentedMap):
                        _restyle(ev, 4)
    try:
        out = io.StringIO()
        yaml.dump(document, out)
        formatted = out.getvalue()
    except Exception:
        return text, [_untouchable(path, "ruamel.yaml cannot write it")]
    lines = _reorder_items(formatted.split("\n"), 0, FINDING_KEY_ORDER, nested="evidence")
    formatted = _strip_trailing_spaces("\n".join(lines), original)
    if _yaml_data(formatted) != original:
        return text, [_untouchable(path, "the formatted text would not read the same")]
    if _yaml_comments(text) - _yaml_comments(formatted):
        return text, [_untouchable(
            path, "a comment would be lost",
            hint="Move comments that follow '>-' or '|' to a line of their own.")]
    return formatted, []


_KEY_LINE = re.compile(r"^(?:- | {2})([A-Za-z_][A-Za-z0-9_.-]*):(?:[ \t]|$)")


def _reorder_items(
    lines: list[str], indent: int, order: Sequence[str], nested: str | None = None
) -> list[str]:
    """Put the keys of each block mapping of a sequence at ``indent`` in ``order``.

    Works on the text ruamel.yaml wrote (items ``- key:`` at column ``indent``, keys
    at ``indent + 2``). A key's chunk is its line and every line after it up to the
    next key: its value, and the comments and blank lines that follow it, so a
    comment stays after the key it follows. Blank lines and comments at the end
    of an item stay at its end. Items that are not block mappings are left alone.
    """
    pad = " " * indent
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith(pad + "- "):
            out.append(line)
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].startswith(pad + "- ") and (
                not lines[j].strip() or lines[j].startswith(pad + " ")
                or lines[j].lstrip().startswith("#")):
            j += 1
        out.extend(_reorder_item(lines[i:j], indent, order, nested))
        i = j
    return out


def _reorder_item(
    item: list[str], indent: int, order: Sequence[str], nested: str | None
) -> list[str]:
    pad = " " * indent
    body = [line[indent:] if line.startswith(pad) else line for line in item]
    if not _KEY_LINE.match(body[0]):
        return item
    end = len(body)
    # Blank lines and comments at key level end the item (deeper ones may be text of a
    # block scalar, or belong to the last value: they move with the last key).
    while end > 1 and (not body[end - 1].strip() or (
            body[end - 1].lstrip().startswith("#")
            and len(body[end - 1]) - len(body[end - 1].lstrip()) <= 2)):
        end -= 1
    chunks: list[tuple[str, list[str]]] = []
    for n, line in enumerate(body[:end]):
        m = _KEY_LINE.match(line) if n == 0 or line.startswith("  ") else None
        if m and (n == 0 or not line.startswith("- ")):
            chunks.append((m.group(1), ["  " + line[2:]]))
        elif chunks:
            chunks[-1][1].append(line)
    keys = [k for k, _ in chunks]
    if len(set(keys)) != len(keys):
        return item
    rank = {k: n for n, k in enumerate(order)}
    chunks.sort(key=lambda c: (rank.get(c[0], len(order)), keys.index(c[0])))
    lines: list[str] = []
    for key, chunk in chunks:
        if nested is not None and key == nested:
            chunk = chunk[:1] + _reorder_items(chunk[1:], 2, EVIDENCE_KEY_ORDER)
        lines.extend(chunk)
    lines[0] = "- " + lines[0][2:]
    lines.extend(body[end:])
    return [pad + line if line else line for line in lines]


def _restyle(mapping: Any, indent: int) -> None:
    """Fold long one-line prose values; unfold folded ones that fit on their line."""
    from ruamel.yaml.compat import ordereddict
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    for key in list(mapping):
        value = mapping[key]
        if not isinstance(key, str) or key not in PROSE_KEYS or not isinstance(value, str):
            continue
        if "\n" in value or not value:
            continue  # multi-line text keeps its layout
        inline = indent + len(key) + 2 + len(value) + 2
        token = _comment_token(mapping, key)
        if inline <= WIDTH:
            if isinstance(value, FoldedScalarString | LiteralScalarString):
                # A plain str, the emitter choosing its style; CommentedMap's own
                # __setitem__ would keep the block style of the value it replaces.
                ordereddict.__setitem__(mapping, key, str(value))
                if token is not None:  # a block scalar's comment starts on the next line
                    column = getattr(token, "column", 0) or 0
                    lead = "" if token.value.startswith((" ", "\n")) else " " * column
                    token.value = "\n" + lead + token.value
            continue
        block = isinstance(value, FoldedScalarString | LiteralScalarString)
        if token is not None and not block and not token.value.startswith("\n"):
            continue  # a comment on the line of the value: folding would lose it
        if _foldable(value):
            folded = FoldedScalarString(str(value))
            folded.fold_pos = _fold_positions(value, WIDTH - indent - 2)
            ordereddict.__setitem__(mapping, key, folded)
            if token is not None and not block:  # a block scalar's comment: no end of line
                token.value = token.value[1:].lstrip(" ")


def _comment_token(mapping: Any, key: Any) -> Any:
    entry = mapping.ca.items.get(key)
    return entry[2] if entry and len(entry) > 2 else None


def _foldable(text: str) -> bool:
    """Whether a ``>-`` block can hold ``text`` exactly once folded at single spaces."""
    return (
        text == text.strip()
        and "  " not in text
        and text.isprintable()
        and not text.startswith(("#", "-"))  # harmless, but keeps first lines unsurprising
    )


def _fold_positions(text: str, width: int) -> list[int]:
    """Offsets of the spaces at which to break ``text`` into lines of at most ``width``."""
    positions: list[int] = []
    line_start = 0
    last_space = -1
    i = text.find(" ")
    while i != -1:
        if i - line_start > width and last_space > line_start:
            positions.append(last_space)
            line_start = last_space + 1
        last_space = i
        i = text.find(" ", i + 1)
    if len(text) - line_start > width and last_space > line_start:
        positions.append(last_space)
    return positions


def _strip_trailing_spaces(formatted: str, original: str) -> str:
    """Drop the spaces ruamel leaves at the end of wrapped lines, when that changes nothing."""
    stripped = "\n".join(line.rstrip(" ") for line in formatted.split("\n"))
    if stripped != formatted and _yaml_data(stripped) == original:
        return stripped
    return formatted


def _yaml_data(text: str) -> str | None:
    """A canonical JSON text of what PyYAML reads in ``text`` (None if it cannot)."""
    import yaml

    from briefgen.findings import MAX_NODES, to_plain

    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None
    if node is None:
        return "null"
    try:
        data = to_plain(node, [MAX_NODES])
    except Exception:  # too big or too deep
        return None
    return json.dumps(data, sort_keys=True, default=repr, ensure_ascii=False)


def _yaml_comments(text: str) -> Counter[str]:
    """The comments of a YAML text: every ``#`` that starts one, outside scalars."""
    import yaml

    spans: list[tuple[int, int]] = []
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.ScalarToken):
                start = token.start_mark.index
                if token.style in ("|", ">"):  # the header line may hold a comment
                    start = text.find("\n", start) + 1 or token.end_mark.index
                spans.append((start, token.end_mark.index))
    except yaml.YAMLError:
        return Counter()
    found: Counter[str] = Counter()
    for m in re.finditer(r"(?:^|(?<=[ \t]))#[^\n]*", text, re.MULTILINE):
        if not any(a <= m.start() < b for a, b in spans):
            found[m.group().rstrip()] += 1
    return found


def _comments_kept(before: str, after: str, marker: str) -> bool:
    """Every whole-line comment of ``before`` is still on a line of ``after``."""
    kept = [line.strip() for line in after.splitlines()]
    for line in before.splitlines():
        comment = line.strip()
        if comment.startswith(marker) and not any(comment in k for k in kept):
            return False
    return True


def _untouchable(path: str, why: str, hint: str | None = None) -> Diagnostic:
    return diag.make("FMT001", f"left unformatted: {why}", Span(path), hint=hint)


# --------------------------------------------------------------------------- BibTeX


class _LexError(Exception):
    pass


class _Verbatim(str):
    """A block written exactly as read: @string, @preamble, @comment."""

    __slots__ = ()


_AT_RE = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\r\n]*([{(])")
_NAME_RE = re.compile(r"[^\s=,{}()\"#%@]+")
_KEY_RE = re.compile(r"[^\s,{}\"#%=]+")
_BARE_RE = re.compile(r"[^\s,{}()\"#%=]+")


@dataclass(slots=True)
class _BibField:
    name: str
    value: str  # raw text of the value, as written
    comment: str = ""  # a %-comment on the same line


@dataclass(slots=True)
class _BibEntry:
    at: str  # "@type{" as it will be written
    key: str
    close: str
    items: list[_BibField | str]  # fields, and whole-line %-comments between them


def format_bibliography_text(text: str, path: str = "refs.bib") -> tuple[str, list[Diagnostic]]:
    """The normalised text of a BibTeX file, or ``text`` itself and why not."""
    from briefgen.bibliography import parse_bibliography

    before = parse_bibliography(text, path)
    blocking = [d for d in before.diagnostics if d.code in ("BIB001", "BIB006", "BIB007")]
    if blocking:
        return text, blocking
    try:
        pieces = _lex_bibtex(text)
    except _LexError as exc:
        return text, [_untouchable(path, str(exc))]
    formatted = _render_bibtex(pieces)
    after = parse_bibliography(formatted, path)
    same = (
        _entries_of(before) == _entries_of(after)
        and before.count == after.count
        and sorted(d.code for d in before.diagnostics) == sorted(d.code for d in after.diagnostics)
        and _comments_kept(_bib_comments(pieces), formatted, "%")
    )
    if not same:
        return text, [_untouchable(path, "the formatted text would not read the same")]
    return formatted, []


def _bib_comments(pieces: list[str | _BibEntry]) -> str:
    """The text outside entries and values: where the comments of a BibTeX file are."""
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, _BibEntry):
            out += [i if isinstance(i, str) else i.comment for i in piece.items]
        elif not isinstance(piece, _Verbatim):
            out.append(piece)
    return "\n".join(out)


def _entries_of(result: Any) -> list[tuple[str, str, dict[str, str]]]:
    return [(e.key, e.type, dict(e.fields)) for e in result.entries]


def _lex_bibtex(text: str) -> list[str | _BibEntry]:  # _Verbatim is a str
    """Split a BibTeX text into verbatim stretches and entries."""
    pieces: list[str | _BibEntry] = []
    pos = 0
    while True:
        at = text.find("@", pos)
        if at == -1:
            pieces.append(text[pos:])
            return pieces
        m = _AT_RE.match(text, at)
        if m is None:
            pieces.append(text[pos : at + 1])
            pos = at + 1
            continue
        kind = m.group(1).lower()
        close = "}" if m.group(2) == "{" else ")"
        if kind in ("comment", "preamble", "string"):
            end = _block_end(text, m.end(), close)
            pieces.append(text[pos:at])
            pieces.append(_Verbatim(text[at:end]))
            pos = end
            continue
        pieces.append(text[pos:at])
        entry, pos = _lex_entry(text, m, close)
        pieces.append(entry)


def _block_end(text: str, pos: int, close: str) -> int:
    """The offset after the delimiter closing a block whose body starts at ``pos``."""
    depth = 0
    i = pos
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                if close == "}":
                    return i + 1
                raise _LexError(f"unbalanced '}}' on line {text.count(chr(10), 0, i) + 1}")
            depth -= 1
        elif c == ")" and close == ")" and depth == 0:
            return i + 1
        i += 1
    raise _LexError("a block is never closed")


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _lex_entry(text: str, m: re.Match[str], close: str) -> tuple[_BibEntry, int]:
    line = text.count("\n", 0, m.start()) + 1
    where = f"the entry on line {line}"
    pos = _skip_space(text, m.end())
    km = _KEY_RE.match(text, pos)
    key = km.group() if km else ""
    pos = _skip_space(text, km.end() if km else pos)
    entry = _BibEntry(f"@{m.group(1)}{m.group(2)}", key, close, [])
    if text.startswith(close, pos):
        return entry, pos + 1
    if not text.startswith(",", pos):
        raise _LexError(f"{where}: no ',' after its key")
    pos += 1
    while True:
        # Space, then a comment on the line of the previous field, or whole-line comments.
        start = pos
        pos = _skip_space(text, pos)
        if pos >= len(text):
            raise _LexError(f"{where} is never closed")
        if text[pos] == "%":
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            comment = text[pos:end].rstrip()
            same_line = "\n" not in text[start:pos]
            if same_line and entry.items and isinstance(entry.items[-1], _BibField) \
                    and not entry.items[-1].comment:
                entry.items[-1].comment = comment
            else:
                entry.items.append(comment)
            pos = end
            continue
        if text.startswith(close, pos):
            return entry, pos + 1
        nm = _NAME_RE.match(text, pos)
        if nm is None:
            raise _LexError(f"{where}: unexpected {text[pos]!r}")
        pos = _skip_space(text, nm.end())
        if not text.startswith("=", pos):
            raise _LexError(f"{where}: no '=' after {nm.group()!r}")
        pos = _skip_space(text, pos + 1)
        value_start = pos
        while True:
            pos = _value_piece_end(text, pos, where)
            value_end = pos
            pos = _skip_space(text, pos)
            if text.startswith("#", pos):
                pos = _skip_space(text, pos + 1)
                continue
            break
        field = _BibField(nm.group(), text[value_start:value_end])
        entry.items.append(field)
        while text.startswith("%", pos):  # a comment between the value and its comma
            end = text.find("\n", pos)
            end = len(text) if end == -1 else end
            if field.comment or "\n" in text[value_end:pos]:
                entry.items.append(text[pos:end].rstrip())
            else:
                field.comment = text[pos:end].rstrip()
            pos = _skip_space(text, end)
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith(close, pos):
            raise _LexError(f"{where}: no ',' after the field {nm.group()!r}")


def _value_piece_end(text: str, pos: int, where: str) -> int:
    if text.startswith("{", pos):
        return _block_end(text, pos + 1, "}")
    if text.startswith('"', pos):
        depth = 0
        i = pos + 1
        while i < len(text):
            c = text[i]
            if c == "\\":
                i += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            elif c == '"' and depth == 0:
                return i + 1
            i += 1
        raise _LexError(f"{where}: a quoted value is never closed")
    bm = _BARE_RE.match(text, pos)
    if bm is None:
        raise _LexError(f"{where}: a field has no value")
    return bm.end()


def _render_bibtex(pieces: list[str | _BibEntry]) -> str:
    out: list[str] = []
    for i, piece in enumerate(pieces):
        if isinstance(piece, _BibEntry):
            out.append(_render_entry(piece))
            continue
        if isinstance(piece, _Verbatim):
            out.append(str(piece))
            continue
        between = i > 0 and i + 1 < len(pieces)
        out.append(_render_between(piece, first=i == 0, last=i + 1 == len(pieces),
                                   between=between))
    text = "".join(out)
    text = text.rstrip() + "\n" if text.strip() else ""
    return text


def _render_between(text: str, *, first: bool, last: bool, between: bool) -> str:
    """Text outside entries: trailing spaces dropped, runs of blank lines made one."""
    if between and not text.strip():
        return "\n\n"
    lines = text.split("\n")
    kept: list[str] = []
    blank = 0
    for n, line in enumerate(lines):
        if n < len(lines) - 1:
            line = line.rstrip()
        if not line.strip() and 0 < n < len(lines) - 1:
            blank += 1
            if blank > 1:
                continue
            line = ""
        else:
            blank = 0
        kept.append(line)
    result = "\n".join(kept)
    if first:
        result = result.lstrip("\n")
    return result


def _render_entry(entry: _BibEntry) -> str:
    fields = [f for f in entry.items if isinstance(f, _BibField)]
    width = max((len(f.name) for f in fields), default=0)
    lines = [f"{entry.at}{entry.key},"]
    for item in entry.items:
        if isinstance(item, str):
            lines.append(f"  {item}")
            continue
        line = f"  {item.name.ljust(width)} = {item.value},"
        if item.comment:
            line += f" {item.comment}"
        lines.append(line)
    lines.append(entry.close)
    return "\n".join(lines)

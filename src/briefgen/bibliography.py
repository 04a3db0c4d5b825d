"""Bibliography loading: BibTeX/BibLaTeX and CSL-JSON text into entries and diagnostics.

Two parsers share the work on BibTeX. bibtexparser parses the field values of
every entry (lower-cased names, outer braces or quotes removed, @string macros
expanded). The reader in this module follows Pandoc's grammar to decide what
Pandoc will see (which entries exist, and how many), where each block is, and
what is wrong with it; where bibtexparser cannot read an entry, or reads it
differently from Pandoc (a missing comma, a ``#`` concatenation, a macro used
before it is defined), the reader's own values for that entry are used.

The reader follows the grammar of Pandoc's own BibTeX reader
(``Text.Pandoc.Citeproc.BibTeX``) so that the entries briefgen sees are exactly
the entries Pandoc will see when it builds a brief: ``%`` starts a comment
anywhere outside a braced value, ``@comment{...}``, ``@preamble{...}`` and
``@string{...}`` are not entries, every other ``@`` between entries must start
an entry, a ``@type{key, field = value, ...}`` entry must be delimited by braces,
and ``@xdata`` entries only lend fields to others.

Where Pandoc would refuse the whole file, briefgen reports each broken block as a
diagnostic with its line, recovers what it safely can (an entry with a missing
comma between two fields, a parenthesis-delimited entry) and goes on with the
next block: nothing is silently dropped.

``scan_keys`` is the fast path for ``briefgen check --bib``: whole entries are
matched by one regular expression and only the cite keys are kept.
"""

from __future__ import annotations

import bisect
import codecs
import contextvars
import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from briefgen.model import Diagnostic, Entry, Span

__all__ = [
    "BibliographyResult",
    "check_entry_fields",
    "decode_bibliography",
    "parse_bibliography",
    "resolve_file_field",
    "scan_keys",
]


@dataclass(frozen=True, slots=True)
class BibliographyResult:
    """The entries of one bibliography file, the problems found in it, and its entry count."""

    entries: tuple[Entry, ...]  # in file order, the first of duplicate keys kept
    diagnostics: tuple[Diagnostic, ...]
    count: int  # entries as Pandoc counts them (duplicates included)


# ---------------------------------------------------------------------------
# The grammar, as regular expressions (Pandoc's BibTeX reader, Citeproc/BibTeX.hs)
# ---------------------------------------------------------------------------

# Haskell's isSpace: ASCII white space, NBSP and the Unicode space separators (Zs).
_WS_LATIN1 = "\t\n\x0b\x0c\r \xa0"
_WS = _WS_LATIN1 + "\u1680\u2000-\u200a\u202f\u205f\u3000"
# The white space of _WS beyond Latin-1, one character each.
_WIDE_SPACES = "\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
# spaces': white space and %-comments running to the end of the line.
_SP = "[" + _WS + "]*+(?:%[^\n]*+(?:\n|\\Z)[" + _WS + "]*+)*+"
# fieldName (also a macro name): alphanumerics and - _ : +
_NAME = r"[a-zA-Z0-9_\-:+\w]++"  # ASCII first: the same set, matched faster
# isBibtexKeyChar: alphanumerics and .:;?!`'()$/*@_+=-[]&
_KEY = r"[a-zA-Z0-9_\w.:;?!`'()$/*@+=\-\[\]&]++"
# isLetter (the entry type)
_LETTERS = r"[^\W\d_]++"
# A braced value: a backslash escapes any character; nested braces to a fixed depth
# (deeper nesting falls back to the exact character scanner below).
_BRACE_DEPTH = 6


def _braces_pattern(depth: int) -> str:
    inner = r"[^{}\\]++|\\[\s\S]"
    pattern = r"\{(?:" + inner + r")*+\}"
    for _ in range(depth - 1):
        pattern = r"\{(?:" + inner + "|" + pattern + r")*+\}"
    return pattern


_BR = _braces_pattern(_BRACE_DEPTH)
# Braces inside a quoted value rarely nest: a shallow pattern keeps compiling fast.
_QUOTED = r'"(?:[^{"\\]++|\\[\s\S]|' + _braces_pattern(2) + ')*+"'
_VALUE = "(?:" + _BR + "|" + _QUOTED + "|" + _NAME + ")"  # they start differently
# entField: name = value # value ... ; Parsec's sepBy allows no value at all.
_FIELD = (
    _NAME + _SP + "=" + _SP + "(?:" + _VALUE + "(?:" + _SP + "#" + _SP + _VALUE + ")*+)?+" + _SP
)


def _ci(word: str) -> str:
    """Pandoc's cistring: each ASCII letter in either case, and nothing else."""
    return "".join(f"[{c.lower()}{c.upper()}]" for c in word)


# Fields separated by commas, a trailing comma allowed (Parsec's sepEndBy): each
# field is followed by a comma or by the closing brace.
_ENTRY = (
    "@("
    + _LETTERS
    + ")"
    + _SP
    + r"\{"
    + _SP
    + "("
    + _KEY
    + ")"
    + _SP
    + ","
    + _SP
    + "(?:"
    + _FIELD
    + "(?:,"
    + _SP
    + r"|(?=\}))"
    + ")*+"
    + r"\}"
)
# @comment{...} and @preamble{...} blocks, after their '@'.
_COMMENT_OR_PREAMBLE = _ci("comment") + _SP + _BR + "|" + _ci("preamble") + _SP + _BR
_SPECIAL = (
    "@(?:"
    + _COMMENT_OR_PREAMBLE
    + "|"
    + _ci("string")
    + _SP
    + r"\{"
    + _SP
    + _FIELD
    + r"\})"
)
# skipMany nonEntry: text without '@', %-comments, @comment/@preamble/@string blocks.
_SKIP = "(?:[^@%]++|%[^\n]*+(?:\n|\\Z)|" + _SPECIAL + ")*+"


def _compile(pattern: str, wide_spaces: bool) -> re.Pattern[str]:
    """``pattern`` compiled; without ``wide_spaces``, for a text that has none of them.

    On such a text, white space classes of Latin-1 only match exactly what _WS matches,
    and compile in a fraction of the time (a class beyond Latin-1 costs a 64K-entry map).
    """
    return re.compile(pattern if wide_spaces else pattern.replace(_WS, _WS_LATIN1))


def _has_wide_spaces(text: str) -> bool:
    """Whether ``text`` may hold white space beyond Latin-1 (see _compile)."""
    if text.isascii():
        return False
    # Each `in` is a fast scan (none at all in a Latin-1 text); a long text is assumed
    # to have some, where scanning would cost more than the narrower pattern saves.
    return len(text) > 1 << 20 or any(c in text for c in _WIDE_SPACES)


@functools.cache
def _skip_entry_pattern(wide_spaces: bool = True) -> re.Pattern[str]:
    """Skip what lies between entries, then match one whole, well-formed entry if one
    follows (groups 1 and 2, its type and key; None when none follows).

    The skipping part is possessive, so the match ends where the skipping ends when no
    entry follows. Compiled on first use, so that importing briefgen stays fast.
    """
    return _compile(_SKIP + "(?:" + _ENTRY + ")?+", wide_spaces)


@functools.cache
def _skip_no_string_pattern(wide_spaces: bool = True) -> re.Pattern[str]:
    """Skip what lies between entries but stop at @string, which the full reader reads."""
    return _compile(
        "(?:[^@%]++|%[^\n]*+(?:\n|\\Z)|@(?:" + _COMMENT_OR_PREAMBLE + "))*+", wide_spaces
    )


# The exact scanner's patterns, compiled by _compile_scanner() when a text first needs
# them: `check --bib` reads a well-formed file with _skip_entry_pattern() alone.
_SPECIAL_HEAD_RE: re.Pattern[str]
_SP_RE: re.Pattern[str]
_NAME_RE: re.Pattern[str]
_NAME_EQ_RE: re.Pattern[str]
_KEY_RE: re.Pattern[str]
_LETTERS_RE: re.Pattern[str]
_BR_RE: re.Pattern[str]
_BRACE_TOKEN_RE: re.Pattern[str]
_QUOTE_TOKEN_RE: re.Pattern[str]
_HEADER_RE: re.Pattern[str]
_AT_LINE_RE: re.Pattern[str]
_scanner_compiled = False


def _compile_scanner() -> None:
    """Compile the exact scanner's patterns, once."""
    global _SPECIAL_HEAD_RE, _SP_RE, _NAME_RE, _NAME_EQ_RE, _KEY_RE, _LETTERS_RE, _BR_RE
    global _BRACE_TOKEN_RE, _QUOTE_TOKEN_RE, _HEADER_RE, _AT_LINE_RE, _scanner_compiled
    if _scanner_compiled:
        return
    _SPECIAL_HEAD_RE = re.compile(
        "@(" + _ci("comment") + "|" + _ci("preamble") + "|" + _ci("string") + ")"
    )
    _SP_RE = re.compile(_SP)
    _NAME_RE = re.compile(_NAME)
    _NAME_EQ_RE = re.compile(_NAME + _SP + "=")
    _KEY_RE = re.compile(_KEY)
    _LETTERS_RE = re.compile(_LETTERS)
    _BR_RE = re.compile(_BR)
    _BRACE_TOKEN_RE = re.compile(r"[{}\\]")
    _QUOTE_TOKEN_RE = re.compile(r'[{"\\]')
    _HEADER_RE = re.compile("@(" + _LETTERS + ")" + _SP + r"([{(])" + _SP + "(" + _KEY + ")?")
    _AT_LINE_RE = re.compile(r"\n[ \t]*@")
    _scanner_compiled = True


_NOT_ENTRIES = frozenset({"comment", "preamble", "string"})
# Entry types of web content, which may be anonymous (BIB003).
_ANONYMOUS_TYPES = frozenset({"online", "misc", "www", "webpage", "electronic"})
# Fields a child entry does not take over from its crossref/xdata parent (Pandoc maps
# the parent's titles to booktitle/maintitle instead).
_NOT_INHERITED = frozenset(
    {
        "ids",
        "crossref",
        "xdata",
        "entryset",
        "title",
        "subtitle",
        "titleaddon",
        "shorttitle",
        "sorttitle",
        "indextitle",
        "label",
        "shorthand",
    }
)


class _SyntaxError(Exception):
    """Where and why Pandoc's reader would stop."""

    def __init__(self, offset: int, message: str) -> None:
        super().__init__(message)
        self.offset = offset
        self.message = message


# The reader's records below are never compared or printed: generating __eq__ and
# __repr__ for them would only add to the import time.
@dataclass(slots=True, repr=False, eq=False)
class _Field:
    """One ``name = value # value`` field of a block, as read."""

    name: str
    parts: list[tuple[str, str]]  # ("text", inner text) or ("macro", name)
    line: int
    value_end: int  # offset just after the last value


@dataclass(slots=True, repr=False, eq=False)
class _Block:
    """One entry, or one stretch Pandoc cannot read, where it is and what it holds."""

    kind: str  # "entry" or "error" ("string" blocks are read but not kept)
    start: int
    line: int
    type: str = ""
    key: str | None = None
    fields: list[_Field] = field(default_factory=list)
    # Problems that make Pandoc refuse the file but that briefgen recovered from:
    # (code, offset, message, hint).
    problems: list[tuple[str, int, str, str | None]] = field(default_factory=list)
    error: _SyntaxError | None = None
    end: int = 0
    values: list[str] = field(default_factory=list)  # fields' values, macros expanded


class _Reader:
    """Pandoc's BibTeX grammar over one text: the exact scanner plus the fast path."""

    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self._newlines: list[int] | None = None

    # -- positions ----------------------------------------------------------
    def line_of(self, offset: int) -> int:
        if self._newlines is None:
            self._newlines = [m.start() for m in re.finditer("\n", self.text)]
        return bisect.bisect_left(self._newlines, offset) + 1

    def column_of(self, offset: int) -> int:
        return offset - self.text.rfind("\n", 0, offset)

    def describe(self, offset: int) -> str:
        if offset >= len(self.text):
            return "the end of the file"
        return repr(self.text[offset])

    # -- tokens ---------------------------------------------------------------
    def sp(self, pos: int) -> int:
        m = _SP_RE.match(self.text, pos)
        return m.end() if m else pos

    def braces_end(self, pos: int) -> int:
        """The offset after the '}' matching the '{' at pos (backslash escapes one char)."""
        m = _BR_RE.match(self.text, pos)
        if m:
            return m.end()
        depth = 0
        i = pos
        while True:
            t = _BRACE_TOKEN_RE.search(self.text, i)
            if t is None:
                raise _SyntaxError(
                    len(self.text),
                    f"unbalanced braces: the '{{' on line {self.line_of(pos)} is never closed",
                )
            j = t.start()
            c = t.group()
            if c == "\\":
                if j + 1 >= len(self.text):
                    raise _SyntaxError(j + 1, "the file ends after a backslash")
                i = j + 2
                continue
            if c == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return j + 1
            i = j + 1

    def quoted_end(self, pos: int) -> int:
        """The offset after the '"' closing the quoted value at pos."""
        i = pos + 1
        while True:
            t = _QUOTE_TOKEN_RE.search(self.text, i)
            if t is None:
                raise _SyntaxError(
                    len(self.text),
                    f"unterminated quoted value: the '\"' on line {self.line_of(pos)} "
                    "is never closed",
                )
            j = t.start()
            c = t.group()
            if c == "\\":
                if j + 1 >= len(self.text):
                    raise _SyntaxError(j + 1, "the file ends after a backslash")
                i = j + 2
            elif c == "{":
                i = self.braces_end(j)
            else:
                return j + 1

    def parse_field(self, pos: int, line: int) -> tuple[_Field, int]:
        """entField at pos (a name character is there); returns the field and the end."""
        text = self.text
        m = _NAME_RE.match(text, pos)
        assert m is not None
        name = m.group().lower()
        p = self.sp(m.end())
        if text[p : p + 1] != "=":
            raise _SyntaxError(
                p, f"expected '=' after the field name '{name}', found {self.describe(p)}"
            )
        p = self.sp(p + 1)
        parts: list[tuple[str, str]] = []
        value_end = p
        while True:
            c = text[p : p + 1]
            if c == "{":
                e = self.braces_end(p)
                parts.append(("text", text[p + 1 : e - 1]))
            elif c == '"':
                e = self.quoted_end(p)
                parts.append(("text", text[p + 1 : e - 1]))
            elif (w := _NAME_RE.match(text, p)) is not None:
                e = w.end()
                parts.append(("macro", w.group()))
            elif parts:  # after '#', a value is required
                raise _SyntaxError(
                    p, f"expected a value after '#' in the field '{name}', found {self.describe(p)}"
                )
            else:  # no value at all: Pandoc reads an empty field
                break
            value_end = e
            q = self.sp(e)
            if text[q : q + 1] == "#":
                p = self.sp(q + 1)
                continue
            p = q
            break
        return _Field(name, parts, line + text.count("\n", pos, m.start()), value_end), self.sp(p)

    # -- blocks -----------------------------------------------------------------
    def try_special(self, pos: int) -> tuple[str, int, _Field | None] | None:
        """@comment{...}, @preamble{...} or @string{name = value} at pos, else None."""
        head = _SPECIAL_HEAD_RE.match(self.text, pos)
        if head is None:
            return None
        word = head.group(1).lower()
        p = self.sp(head.end())
        try:
            if word in ("comment", "preamble"):
                if self.text[p : p + 1] != "{":
                    return None
                return word, self.braces_end(p), None
            if self.text[p : p + 1] != "{":
                return None
            p = self.sp(p + 1)
            if _NAME_RE.match(self.text, p) is None:
                return None
            string_field, p = self.parse_field(p, 0)  # its line is never shown
            if self.text[p : p + 1] != "}":
                return None
            return "string", p + 1, string_field
        except _SyntaxError:
            return None

    def parse_entry(self, pos: int, line: int) -> _Block:
        """bibItem at pos (an '@'); raises _SyntaxError where Pandoc would stop."""
        text = self.text
        block = _Block("entry", pos, line)
        m = _LETTERS_RE.match(text, pos + 1)
        if m is None:
            raise _SyntaxError(pos, "'@' outside an entry")
        block.type = m.group().lower()
        p = self.sp(m.end())
        opener = text[p : p + 1]
        closer = "}"
        if opener == "(":
            closer = ")"
            block.problems.append(
                (
                    "BIB001",
                    pos,
                    f"@{m.group()}(...) is delimited by parentheses, which Pandoc cannot read",
                    f"write @{m.group()}{{key, ...}} with braces",
                )
            )
        elif opener != "{":
            raise _SyntaxError(pos, "'@' outside an entry")
        p = self.sp(p + 1)
        k = _KEY_RE.match(text, p)
        if k is None:
            raise _SyntaxError(p, f"the entry has no cite key (found {self.describe(p)})")
        block.key = k.group()
        p = self.sp(k.end())
        c = text[p : p + 1]
        if c == closer:
            block.problems.append(
                (
                    "BIB001",
                    p,
                    f"entry '{block.key}' has no comma after its cite key, "
                    "which Pandoc cannot read",
                    f"write @{m.group()}{{{block.key},}}",
                )
            )
            block.end = p + 1
            return block
        if c != ",":
            raise _SyntaxError(
                p, f"expected ',' after the cite key '{block.key}', found {self.describe(p)}"
            )
        p = self.sp(p + 1)
        while _NAME_RE.match(text, p) is not None:
            f, p = self.parse_field(p, line + text.count("\n", pos, p))
            block.fields.append(f)
            c = text[p : p + 1]
            if c == ",":
                p = self.sp(p + 1)
                continue
            following = _NAME_EQ_RE.match(text, p)
            if following is not None:
                nxt = _NAME_RE.match(text, p)
                assert nxt is not None
                block.problems.append(
                    (
                        "BIB006",
                        f.value_end,
                        f"missing comma after the field '{f.name}' of entry '{block.key}': "
                        f"the field '{nxt.group().lower()}' on line {self.line_of(p)} runs into it",
                        f"add a ',' after the value of '{f.name}'",
                    )
                )
                continue
            break
        if text[p : p + 1] != closer:
            last = f"the field '{block.fields[-1].name}'" if block.fields else "the cite key"
            raise _SyntaxError(
                p, f"expected ',' or '{closer}' after {last}, found {self.describe(p)}"
            )
        block.end = p + 1
        return block

    # -- the whole file ----------------------------------------------------------
    def read(self, *, fields: bool) -> tuple[list[_Block], dict[str, str]]:
        """Every entry and broken block in order; with ``fields``, values and @string macros."""
        text = self.text
        n = len(text)
        blocks: list[_Block] = []
        strings: dict[str, str] = {}
        wide_spaces = _has_wide_spaces(text)
        skip_entry_re = None if fields else _skip_entry_pattern(wide_spaces)
        skip_re = _skip_no_string_pattern(wide_spaces) if fields else None
        pos = 0
        line = 1
        counted = 0  # offset up to which newlines are counted into `line`
        while True:
            if skip_entry_re is not None:
                # Well-formed entries, each after what lies before it; then the skipping
                # up to what is not one.
                while (e := skip_entry_re.match(text, pos)) is not None and e.start(1) >= 0:
                    start = e.start(1) - 1
                    line += text.count("\n", counted, start)
                    counted = start
                    blocks.append(
                        _Block("entry", start, line, e.group(1).lower(), e.group(2), end=e.end())
                    )
                    pos = e.end()
                pos = e.end() if e else pos
            else:
                assert skip_re is not None
                m = skip_re.match(text, pos)
                pos = m.end() if m else pos
            if pos >= n:
                break
            _compile_scanner()  # what follows is read by the exact scanner
            if _SPECIAL_HEAD_RE.match(text, pos) is not None:
                special = self.try_special(pos)
                if special is not None:
                    _kind, end, string_field = special
                    if string_field is not None:
                        strings[string_field.name] = _expand(string_field.parts, strings)
                    pos = end
                    continue
            line += text.count("\n", counted, pos)
            counted = pos
            try:
                block = self.parse_entry(pos, line)
            except _SyntaxError as err:
                nxt = _AT_LINE_RE.search(text, pos)
                end = n if nxt is None else nxt.end() - 1
                block = _Block("error", pos, line, error=err, end=end)
                header = _HEADER_RE.match(text, pos)
                if header is not None:
                    block.type = header.group(1).lower()
                    block.key = header.group(3)
            if fields:  # macros are expanded as they are defined so far, as Pandoc does
                block.values = [_expand(f.parts, strings) for f in block.fields]
            blocks.append(block)
            pos = block.end
        return blocks, strings


def _expand(parts: list[tuple[str, str]], strings: Mapping[str, str]) -> str:
    """A field value: outer braces/quotes removed, @string macros expanded, '#' joined."""
    out = []
    for kind, value in parts:
        if kind == "macro":
            out.append(strings.get(value.lower(), value))
        else:
            out.append(value)
    return "".join(out)


def _brace_balance(text: str) -> int:
    """'{' minus '}' in text, not counting backslash-escaped braces."""
    unescaped = re.sub(r"\\[\s\S]", "", text)
    return unescaped.count("{") - unescaped.count("}")


def _counts_as_entry(block: _Block) -> bool:
    """Whether Pandoc would count this block as an entry (if it could read it).

    A block read as an entry counts whatever its type (``@string{k, f = v}`` is an
    entry of type "string" to Pandoc), except ``@xdata``; a broken block counts
    when it starts like an entry.
    """
    if block.type == "xdata":
        return False
    if block.kind == "entry":
        return True
    return bool(block.type) and block.type not in _NOT_ENTRIES


def _block_diagnostics(reader: _Reader, block: _Block) -> list[Diagnostic]:
    """BIB001/BIB006 diagnostics for one block."""
    out = []
    path = reader.path
    for code, offset, message, hint in block.problems:
        if code == "BIB006":
            span = Span(path, reader.line_of(offset), reader.column_of(offset))
        else:
            span = Span(path, block.line, reader.column_of(block.start))
        out.append(Diagnostic(code, "error", message, span, hint=hint, key=block.key))
    err = block.error
    if err is None:
        return out
    where = (
        f"Pandoc stops reading the file at line {reader.line_of(err.offset)}, "
        f"column {reader.column_of(err.offset)}: {err.message}"
    )
    span = Span(path, block.line, reader.column_of(block.start))
    label = (
        f"entry '{block.key}'" if block.key else (f"@{block.type} block" if block.type else "block")
    )
    if not block.type or not _HEADER_RE.match(reader.text, block.start):
        snippet = reader.text[block.start : block.start + 30].split("\n")[0]
        message = (
            f"'@' outside an entry ({snippet!r}); "
            "Pandoc reads every '@' between entries as the start of an entry"
        )
        hint = "put free text in a % comment or an @comment{...} block"
    elif (balance := _brace_balance(reader.text[block.start : block.end])) != 0:
        more, fewer = ("{", "}") if balance > 0 else ("}", "{")
        message = f"unbalanced braces in {label}: {abs(balance)} more '{more}' than '{fewer}'"
        hint = "close every '{' of the entry with a '}'"
    elif err.message.startswith("the entry has no cite key"):
        message = f"@{block.type} block has no cite key"
        hint = f"write @{block.type}{{key, ...}}"
    else:
        message = f"{label} cannot be read: {err.message}"
        hint = None
    out.append(
        Diagnostic("BIB001", "error", message, span, hint=hint, key=block.key, notes=(where,))
    )
    return out


def _duplicate_diagnostic(
    path: str, key: str, line: int, column: int | None, first: int
) -> Diagnostic:
    return Diagnostic(
        "BIB002",
        "error",
        f"duplicate cite key '{key}' (first defined on line {first})",
        Span(path, line, column),
        hint="give each entry its own key, or delete the copy",
        key=key,
    )


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


BIBTEX_SUFFIXES = (".bib", ".bibtex", ".biblatex")
CSL_YAML_SUFFIXES = (".yaml", ".yml")


def _other_format(text: str, path: str) -> BibliographyResult | None:
    """CSL-JSON or CSL-YAML by suffix, a diagnostic for formats briefgen cannot read."""
    lower = path.lower()
    if lower.endswith(".json"):
        return _parse_csl_json(text, path)
    if lower.endswith(CSL_YAML_SUFFIXES):
        return _parse_csl_yaml(text, path)
    if not lower.endswith(BIBTEX_SUFFIXES):
        suffix = PurePosixPath(lower).suffix or "(none)"
        return BibliographyResult((), (Diagnostic(
            "BIB011", "error",
            f"cannot read a bibliography with the suffix {suffix}: briefgen reads BibTeX "
            "and BibLaTeX (.bib), CSL-JSON (.json) and CSL-YAML (.yaml)",
            Span(path, None, None),
            hint="Convert it, e.g. pandoc refs.ris -t csljson -o refs.json",
        ),), 0)
    return None


def parse_bibliography(text: str, path: str) -> BibliographyResult:
    """Read a BibTeX/BibLaTeX, CSL-JSON (``*.json``) or CSL-YAML (``*.yaml``) text."""
    other = _other_format(text, path)
    if other is not None:
        return other
    reader = _Reader(text, path)
    blocks, _ = reader.read(fields=True)
    parsed = _parse_values(text)
    diagnostics: list[Diagnostic] = []
    first_line: dict[str, int] = {}  # every entry's key, @xdata included
    parents: dict[str, dict[str, str]] = {}  # the fields crossref/xdata links can reach
    kept: dict[str, tuple[_Block, dict[str, str]]] = {}  # the first non-@xdata entry per key
    count = 0
    for block in blocks:
        diagnostics.extend(_block_diagnostics(reader, block))
        if _counts_as_entry(block):
            count += 1
        if block.kind != "entry" or block.key is None:
            continue
        recovered: dict[str, str] = {}
        for f, value in zip(block.fields, block.values, strict=True):
            if f.name in recovered:
                diagnostics.append(
                    Diagnostic(
                        "BIB010",
                        "warning",
                        f"field '{f.name}' appears more than once in entry '{block.key}'; "
                        "the last value is used",
                        Span(path, f.line, None),
                        key=block.key,
                    )
                )
            recovered[f.name] = value
        values = _agreed_values(reader, block, parsed) or recovered
        if block.key in first_line:
            diagnostics.append(
                _duplicate_diagnostic(
                    path,
                    block.key,
                    block.line,
                    reader.column_of(block.start),
                    first_line[block.key],
                )
            )
        else:
            first_line[block.key] = block.line
            parents[block.key] = values
        if block.type != "xdata" and block.key not in kept:
            kept[block.key] = (block, values)
    entries = [
        Entry(
            key,
            block.type,
            _inherit(values, parents),
            Span(path, block.line, reader.column_of(block.start)),
            field_lines={f.name: f.line for f in block.fields},
        )
        for key, (block, values) in kept.items()
    ]
    return BibliographyResult(tuple(entries), tuple(diagnostics), count)


@dataclass(frozen=True, slots=True, repr=False, eq=False)  # never compared or printed
class _ParsedEntry:
    """An entry as bibtexparser read it: its text, type and (name, value, enclosing) fields."""

    raw: str
    type: str
    fields: tuple[tuple[str, str, str | None], ...]


def _parse_values(text: str) -> dict[tuple[str, int], list[_ParsedEntry]]:
    """The entries bibtexparser reads from text, by (cite key, 1-based line of the '@').

    Field names are lower-cased, @string references resolved and the enclosing
    braces or quotes removed by bibtexparser's middlewares. Blocks it fails
    (a parse error, a field given twice, a repeated cite key) are left out, and
    so is everything when bibtexparser itself breaks: the reader's values stand in.
    """
    import logging

    import bibtexparser
    from bibtexparser.middlewares import (
        NormalizeFieldKeys,
        RemoveEnclosingMiddleware,
        ResolveStringReferencesMiddleware,
    )
    from bibtexparser.middlewares.enclosing import REMOVED_ENCLOSING_KEY

    # bibtexparser logs every block it cannot read; the reader diagnoses them instead.
    logger = logging.getLogger("bibtexparser")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        library = bibtexparser.parse_string(  # type: ignore[attr-defined]  # re-exported
            text,
            parse_stack=[
                NormalizeFieldKeys(),
                ResolveStringReferencesMiddleware(),  # before the enclosing is removed
                RemoveEnclosingMiddleware(),
            ],
        )
        out: dict[tuple[str, int], list[_ParsedEntry]] = {}
        for entry in library.entries:
            enclosing = entry.parser_metadata.get(REMOVED_ENCLOSING_KEY) or {}
            fields = tuple(
                (f.key, f.value, enclosing.get(f.key))
                for f in entry.fields
                if isinstance(f.value, str)
            )
            if len(fields) != len(entry.fields) or entry.start_line is None:
                continue
            parsed = _ParsedEntry(entry.raw or "", entry.entry_type.lower(), fields)
            out.setdefault((entry.key, entry.start_line + 1), []).append(parsed)
        return out
    except Exception:  # bibtexparser's own failure: the reader's values are used throughout
        return {}
    finally:
        logger.setLevel(level)


def _agreed_values(
    reader: _Reader, block: _Block, parsed: Mapping[tuple[str, int], list[_ParsedEntry]]
) -> dict[str, str] | None:
    """bibtexparser's values for a block the reader read as an entry, if it read it as Pandoc does.

    It must have read the same text (same start and end, same type) into the same fields in the
    same order: where a comma is missing it merges two fields into one, and a %-comment
    inside the entry becomes part of a field. A value written in braces or quotes must have
    been read as one; a value built from @string macros or '#' must come out as Pandoc
    expands it (macros defined before use; bibtexparser does not join '#' parts).
    Returns None where any of this fails.
    """
    assert block.key is not None
    raw = reader.text[block.start : block.end]
    candidates = parsed.get((block.key, block.line), [])
    entry = next((c for c in candidates if c.raw == raw and c.type == block.type), None)
    if entry is None or [n for n, _, _ in entry.fields] != [f.name for f in block.fields]:
        return None
    values: dict[str, str] = {}
    for (name, value, enclosing), f, recovered in zip(
        entry.fields, block.fields, block.values, strict=True
    ):
        if len(f.parts) == 1 and f.parts[0][0] == "text":
            agrees = enclosing in ("{", '"')  # read as one braced or quoted value
        else:
            agrees = value == recovered  # macros and '#', as Pandoc expands them
        if not agrees:
            return None
        values[name] = value
    return values


def _inherit(
    values: dict[str, str], parents: Mapping[str, dict[str, str]], depth: int = 0
) -> dict[str, str]:
    """Fill fields missing from an entry from its crossref/xdata parents, as Pandoc does."""
    out = dict(values)
    if depth > 8:
        return out
    for link in ("crossref", "xdata"):
        for parent_key in re.split(r"[ ,]+", values.get(link, "").strip()):
            parent = parents.get(parent_key)
            if not parent_key or parent is None:
                continue
            for name, value in _inherit(parent, parents, depth + 1).items():
                if name not in out and name not in _NOT_INHERITED:
                    out[name] = value
    return out


def scan_keys(text: str, path: str) -> tuple[dict[str, int], list[Diagnostic], int]:
    """The cite keys of a bibliography (key -> line), its problems and its entry count, fast.

    Agrees with Pandoc on which keys exist and on the count; duplicate keys and
    blocks Pandoc cannot read are diagnosed. ``*.json`` is read as CSL-JSON.
    """
    result = _other_format(text, path)
    if result is not None:
        csl_keys = {e.key: e.span.line or 1 for e in result.entries}
        return csl_keys, list(result.diagnostics), result.count
    reader = _Reader(text, path)
    blocks, _ = reader.read(fields=False)
    keys: dict[str, int] = {}
    first_line: dict[str, int] = {}  # every entry's key, @xdata included
    diagnostics: list[Diagnostic] = []
    count = 0
    for block in blocks:
        if block.kind == "error" or block.problems:
            diagnostics.extend(_block_diagnostics(reader, block))
        if _counts_as_entry(block):
            count += 1
        key = block.key
        if block.kind != "entry" or key is None:
            continue
        if key in first_line:
            column = reader.column_of(block.start)
            diagnostics.append(
                _duplicate_diagnostic(path, key, block.line, column, first_line[key])
            )
        else:
            first_line[key] = block.line
        if block.type != "xdata" and key not in keys:
            keys[key] = block.line
    return keys, diagnostics, count


def check_entry_fields(entry: Entry) -> list[Diagnostic]:
    """BIB003 when an entry lacks an author (or editor, organization), a title or a date.

    Web content (``@online``, ``@misc``, ``@www``, ``@webpage``, ``@electronic``; CSL
    ``webpage``) is often anonymous and cited by its title: with a title and a date it
    needs no author.
    """
    if entry.csl is not None:
        csl = entry.csl
        names = ("author (or editor)", "issued (a date)")
        has_author = bool(csl.get("author") or csl.get("editor"))
        has_title = bool(str(csl.get("title") or "").strip())
        has_date = bool(csl.get("issued"))
    else:
        fields = entry.fields

        def has(name: str) -> bool:
            return bool(fields.get(name, "").replace("{", "").replace("}", "").strip())

        names = ("author (or editor, organization, institution)", "year (or date)")
        has_author = any(has(n) for n in ("author", "editor", "organization", "institution"))
        has_title = has("title")
        has_date = has("year") or has("date")
    anonymous = entry.type.lower() in _ANONYMOUS_TYPES and has_title and has_date
    missing = []
    if not (has_author or anonymous):
        missing.append(names[0])
    if not has_title:
        missing.append("title")
    if not has_date:
        missing.append(names[1])
    if not missing:
        return []
    return [
        Diagnostic(
            "BIB003",
            "warning",
            f"entry '{entry.key}' lacks {', '.join(missing)}",
            entry.span,
            hint="add the missing field(s) so the entry can be cited in full",
            key=entry.key,
        )
    ]


def resolve_file_field(entry: Entry, root: Path) -> tuple[Path | None, Diagnostic | None]:
    """The file an entry's ``file`` field names, confined to the project root.

    Accepts a plain relative path and the JabRef/Zotero (Better BibTeX) form
    ``Title:path/to/file.pdf:application/pdf``, several separated by ``;``: the
    first ``.txt``/``.md`` file is chosen if there is one, else the first file.
    Returns (path, None), (None, BIB004/BIB005 diagnostic) or (None, None) when
    the entry has no ``file`` field.
    """
    raw = entry.fields.get("file", "")
    if not raw.strip():
        return None, None
    candidates = file_candidates(raw)
    if not candidates:
        return None, None
    chosen = next((c for c in candidates if c.lower().endswith((".txt", ".md"))), candidates[0])
    root = Path(root)
    if (
        PurePosixPath(chosen).is_absolute()
        or PureWindowsPath(chosen).is_absolute()
        or PureWindowsPath(chosen).drive
        or chosen.startswith("~")
    ):
        return None, _outside(entry, chosen, "is an absolute path")
    lexical = Path(os.path.normpath(root / chosen))
    try:
        real_root = root.resolve()
        real = lexical.resolve()
    except (OSError, RuntimeError):  # e.g. a symlink loop
        return None, _outside(entry, chosen, "cannot be resolved")
    if not lexical.is_relative_to(Path(os.path.normpath(root))):
        return None, _outside(entry, chosen, "leads outside the project")
    if not real.is_relative_to(real_root):
        return None, _outside(entry, chosen, "is a symbolic link leading outside the project")
    if not real.is_file():
        return None, Diagnostic(
            "BIB005",
            "error",
            f"the file field of entry '{entry.key}' names '{chosen}', which does not exist",
            entry.field_span("file"),
            hint="fix the path (relative to the project root) or add the file",
            key=entry.key,
        )
    return lexical, None


def _outside(entry: Entry, chosen: str, why: str) -> Diagnostic:
    return Diagnostic(
        "BIB004",
        "error",
        f"the file field of entry '{entry.key}' names '{chosen}', which {why}",
        entry.field_span("file"),
        hint="use a path relative to the project root, inside the project",
        key=entry.key,
    )


def file_candidates(raw: str) -> list[str]:
    """The paths in a ``file`` field: plain, or ``desc:path:type`` items split by ';'."""
    value = raw.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    out = []
    for item in re.split(r"(?<!\\);", value):
        item = item.strip()
        if not item:
            continue
        parts = re.split(r"(?<!\\):", item)
        # description:path:mimetype; a Windows drive adds a part ("d:C:\x.pdf:PDF")
        path = ":".join(parts[1:-1]) if len(parts) >= 3 else item
        path = path.replace("\\:", ":").replace("\\;", ";").strip()
        if path:
            out.append(path)
    return out


# ---------------------------------------------------------------------------
# CSL-JSON
# ---------------------------------------------------------------------------


def _parse_csl_json(text: str, path: str) -> BibliographyResult:
    def invalid(
        message: str, line: int | None, column: int | None = None, key: str | None = None
    ) -> Diagnostic:
        return Diagnostic(
            "BIB009",
            "error",
            message,
            Span(path, line, column),
            hint='a CSL-JSON bibliography is a list of items, each with an "id"',
            key=key,
        )

    import json

    try:
        items = json.loads(text)
    except json.JSONDecodeError as err:
        return BibliographyResult(
            (), (invalid(f"invalid JSON: {err.msg}", err.lineno, err.colno),), 0
        )
    if not isinstance(items, list):
        return BibliographyResult(
            (), (invalid("a CSL-JSON bibliography must be a list of items", 1, 1),), 0
        )
    starts = _item_offsets(text)
    diagnostics: list[Diagnostic] = []
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    count = 0
    for index, item in enumerate(items):
        start = starts[index] if index < len(starts) else 0
        item_line = text.count("\n", 0, start) + 1
        if not isinstance(item, dict):
            diagnostics.append(invalid(f"item {index + 1} is not an object", item_line))
            continue
        count += 1
        item_id = item.get("id")
        if item_id is None or (isinstance(item_id, str) and not item_id.strip()):
            diagnostics.append(invalid(f'item {index + 1} has no "id"', item_line))
            continue
        key = str(item_id)
        line = _id_line(text, start, item_id, item_line)
        if key in first_line:
            diagnostics.append(_duplicate_diagnostic(path, key, line, None, first_line[key]))
            continue
        first_line[key] = line
        entries.append(
            Entry(key, str(item.get("type", "")), _csl_fields(item), Span(path, line, 1), csl=item)
        )
    return BibliographyResult(tuple(entries), tuple(diagnostics), count)


def _parse_csl_yaml(text: str, path: str) -> BibliographyResult:
    """CSL-YAML: a list of CSL items, or a mapping whose ``references`` is one."""
    import json

    import yaml

    from briefgen.findings import to_plain

    def invalid(message: str, line: int | None, column: int | None = None) -> Diagnostic:
        return Diagnostic("BIB009", "error", message, Span(path, line, column),
                          hint="a CSL-YAML bibliography is a list of items (or "
                          "'references:' holding one), each with an id")

    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return BibliographyResult((), (invalid(
            f"invalid YAML: {getattr(err, 'problem', None) or err}",
            mark.line + 1 if mark else 1, mark.column + 1 if mark else 1),), 0)
    if isinstance(root, yaml.MappingNode):
        refs = [v for k, v in root.value if isinstance(k, yaml.ScalarNode)
                and k.value == "references"]
        root = refs[0] if refs else None
    if not isinstance(root, yaml.SequenceNode):
        return BibliographyResult((), (invalid(
            "a CSL-YAML bibliography must be a list of items", 1, 1),), 0)
    diagnostics: list[Diagnostic] = []
    entries: list[Entry] = []
    first_line: dict[str, int] = {}
    budget = [200_000]
    count = 0
    for number, node in enumerate(root.value, 1):
        line = node.start_mark.line + 1
        try:
            item = to_plain(node, budget)
        except Exception:
            diagnostics.append(invalid(f"item {number} is too large or nested too deeply", line))
            break
        if not isinstance(item, dict):
            diagnostics.append(invalid(f"item {number} is not a mapping", line))
            continue
        count += 1
        item_id = item.get("id")
        if item_id is None or not str(item_id).strip():
            diagnostics.append(invalid(f"item {number} has no id", line))
            continue
        key = str(item_id)
        id_nodes = [k for k, _ in node.value if getattr(k, "value", None) == "id"]
        if id_nodes:
            line = id_nodes[0].start_mark.line + 1
        if key in first_line:
            diagnostics.append(_duplicate_diagnostic(path, key, line, None, first_line[key]))
            continue
        first_line[key] = line
        item = json.loads(json.dumps(item, default=str))  # dates and the like as text
        entries.append(Entry(key, str(item.get("type", "")), _csl_fields(item),
                             Span(path, line, 1), csl=item))
    return BibliographyResult(tuple(entries), tuple(diagnostics), count)


def _item_offsets(text: str) -> list[int]:
    """Where each top-level item of a JSON array starts in the text."""
    import json

    decoder = json.JSONDecoder()
    offsets: list[int] = []
    i = text.find("[")
    if i < 0:
        return offsets
    i += 1
    while True:
        while i < len(text) and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= len(text) or text[i] == "]":
            return offsets
        offsets.append(i)
        try:
            _, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError:
            return offsets


def _id_line(text: str, start: int, item_id: Any, fallback: int) -> int:
    """The line of an item's ``"id"`` member, searching from the item's start."""
    import json

    literal = re.escape(json.dumps(item_id, ensure_ascii=False))
    for pattern in (r'"id"\s*:\s*' + literal, r'"id"\s*:'):
        m = re.compile(pattern).search(text, start)
        if m is not None:
            return text.count("\n", 0, m.start()) + 1
    return fallback


def _csl_fields(item: Mapping[str, Any]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for csl_name, name in (
        ("title", "title"),
        ("page", "pages"),
        ("file", "file"),
        ("note", "note"),
        ("DOI", "doi"),
        ("URL", "url"),
        ("container-title", "journal"),
        ("publisher", "publisher"),
    ):
        value = item.get(csl_name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[name] = str(value)
    issued = item.get("issued")
    if isinstance(issued, Mapping):
        parts = issued.get("date-parts")
        if (
            isinstance(parts, list)
            and parts
            and isinstance(parts[0], list)
            and parts[0]
            and parts[0][0] is not None
        ):
            fields["year"] = str(parts[0][0])
        elif isinstance(issued.get("raw"), str):
            m = re.search(r"\d{4}", issued["raw"])
            if m:
                fields["year"] = m.group()
        elif isinstance(issued.get("literal"), str):
            fields["year"] = issued["literal"]
    return fields


# ---------------------------------------------------------------------------
# Bytes
# ---------------------------------------------------------------------------

_BAD_BYTES: contextvars.ContextVar[list[tuple[int, int]]] = contextvars.ContextVar("_BAD_BYTES")
_MAX_BYTE_DIAGNOSTICS = 20


def _record_bad_bytes(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeDecodeError):
        raise err
    _BAD_BYTES.get().append((err.start, err.end))
    return "\ufffd", err.end


codecs.register_error("briefgen.bibliography.record", _record_bad_bytes)


def decode_bibliography(data: bytes, path: str) -> tuple[str, list[Diagnostic]]:
    """Decode a bibliography file as UTF-8; undecodable bytes become U+FFFD and BIB007s."""
    bad: list[tuple[int, int]] = []
    token = _BAD_BYTES.set(bad)
    try:
        text = data.decode("utf-8", errors="briefgen.bibliography.record")
    finally:
        _BAD_BYTES.reset(token)
    if text.startswith("\ufeff"):
        text = text[1:]
    diagnostics: list[Diagnostic] = []
    lines_seen: set[int] = set()
    for start, end in bad:
        line = data.count(b"\n", 0, start) + 1
        if line in lines_seen:
            continue
        lines_seen.add(line)
        if len(diagnostics) == _MAX_BYTE_DIAGNOSTICS:
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        column = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
        diagnostics.append(
            Diagnostic(
                "BIB007",
                "error",
                f"bytes that are not UTF-8 ({data[start:end]!r}); replaced by U+FFFD",
                Span(path, line, column),
                hint="save the bibliography as UTF-8",
            )
        )
    if len(lines_seen) > _MAX_BYTE_DIAGNOSTICS:
        diagnostics.append(
            Diagnostic(
                "BIB007",
                "error",
                f"{len(lines_seen) - _MAX_BYTE_DIAGNOSTICS} more lines have bytes "
                "that are not UTF-8",
                Span(path, None, None),
                hint="save the bibliography as UTF-8",
            )
        )
    return text, diagnostics

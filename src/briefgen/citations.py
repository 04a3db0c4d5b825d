"""Find the Pandoc citations in a Markdown / Quarto / R Markdown document.

``extract_citations`` returns the citations that Pandoc's own Markdown reader
(``pandoc -f markdown``) finds, with the 1-based line and column of each ``@``.
It does not run Pandoc: it is a pure-Python port of the parts of Pandoc's
Markdown reader (``Text.Pandoc.Readers.Markdown``) that decide where a
citation can be, fast enough for large documents and CI.

What it follows, as Pandoc does:

* the key grammar of ``citeKey``: a letter, digit, ``_`` (or ``*``, the
  ``nocite`` wildcard) then letters, digits, ``_`` and the internal
  punctuation ``:.#$%&-+?<>~/`` when a letter or digit follows (so
  ``@smith2020.`` is ``smith2020``), ``//`` runs, and ``@{any-non-space}``;
* ``@`` right after a word (``jane@example.com``, ``a.@b``, ``*em*@b``) is no
  citation: the position just after a word or closed emphasis is remembered,
  exactly as Pandoc's ``notAfterString`` does;
* bracketed citations ``[see @a, p. 3; -@b]`` with prefix, suffix and
  suppress-author, author-in-text ``@a`` and ``@a [p. 3]``;
* nothing inside code spans (any backtick run), fenced (with a closing fence)
  and indented code blocks, ``$math$`` / ``$$math$$``, raw HTML tags and
  comments, ``<pre>``/``<script>``/``<style>``/``<textarea>`` blocks, raw
  LaTeX commands and environments, autolinks ``<https://…>`` and
  ``<a@b.org>``, link destinations and titles, attributes ``{#id k=v}``,
  reference-link definitions, or after a backslash escape ``\\@``; a bare
  URL is plain text to Pandoc, so ``https://x.org/@user`` cites ``user``;
* Markdown block structure: list items and their continuation indent (an
  indented line inside a list item is not code), block quotes with lazy
  lines, fenced divs, headings, pipe tables, line blocks, definition lists,
  footnotes (a note's citations count once per reference to it, and not at
  all when it is never referenced), example lists (``(@ex)``, ``@ex.`` at the
  start of a block is a list marker, and ``@ex`` refers to it);
* metadata: YAML blocks (at the start or after a blank line) whose string
  values Pandoc parses as Markdown (fields ending in ``_`` are skipped, a
  later block wins for a repeated field), and the ``%`` title block.
  ``nocite: '@*'`` gives the key ``*``.

R Markdown / Quarto chunks written ```` ```{r} ```` are not code blocks to
Pandoc's Markdown reader (``{r}`` is not a valid attribute list), so their
text is read as Markdown, as Pandoc does.

Also as Pandoc does: an image alone in a paragraph is a figure whose caption
repeats the alt text (its citations count twice); a block-level HTML tag
(``<div>``, ``</p>``…) in the middle of a line ends the paragraph; a code span,
link target, raw HTML or math may carry a paragraph over a line that would
otherwise end it; a LaTeX environment whose body LaTeX cannot parse (an open
``$`` or brace, as with Jinja's ``{% … %}`` inside) is read as Markdown.

Known simplifications (rare corners not worth a full port):

* simple, multiline and grid tables are read as paragraphs (pipe tables are
  split into cells as Pandoc does);
* after a block-level HTML tag, what follows is read as ordinary blocks:
  Pandoc's HTML-block context (list items or paragraphs closed by a pending
  ``</div>``) and ``markdown="0"`` are not modelled;
* raw LaTeX: an unknown command takes every ``[…]`` and ``{…}`` group that
  follows it, a known one (``\\textbf``) may take fewer in Pandoc;
* a reference link whose second bracket holds citations (``[x][@a b]``) is
  approximated;
* invalid YAML makes Pandoc fail; here that block gives no citations;
* absurd nesting (over 60 levels) or bracket soup that would make Pandoc
  backtrack for long is read as plain text past that point.

Citations are returned in document order (by line and column).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefgen.model import Citation, Span

__all__ = ["citation_keys_with_pandoc", "extract_citations"]

_TAB_STOP = 4
_MAX_DEPTH = 60  # nested containers (block level) or inlines (per segment) followed


# --------------------------------------------------------------------------
# public API


def extract_citations(text: str, path: str) -> tuple[Citation, ...]:
    """Return the citations Pandoc's Markdown reader finds in ``text``, in document order.

    ``path`` goes into each citation's span as given. Lines and columns are
    1-based; the column is that of the ``@``. A footnote's citations appear
    once per reference to the note (at their place in the note), metadata
    citations where they stand in the YAML. Never raises on any input.
    """
    doc = _Document(text)
    found = doc.run()
    found.sort(key=lambda f: (f.line, f.column))
    return tuple(
        Citation(
            key=f.key,
            span=Span(path, f.line, f.column),
            locator=f.locator,
            prefix=f.prefix,
            suffix=f.suffix,
            suppress_author=f.suppress_author,
            in_text=f.in_text,
        )
        for f in found
    )


def citation_keys_with_pandoc(text: str) -> list[str]:
    """Run Pandoc itself and return the ``citationId`` of every ``Cite``.

    Metadata comes first (Pandoc orders its fields by name), then the body in
    reading order, with a footnote's citations at the place of its reference.
    This is the reference the scanner is tested against; it needs pypandoc.
    """
    import json

    import pypandoc

    ast = json.loads(pypandoc.convert_text(text, "json", format="markdown", extra_args=["--quiet"]))
    keys: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                for citation in node["c"][0]:
                    walk(citation["citationPrefix"])
                    keys.append(citation["citationId"])
                    walk(citation["citationSuffix"])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(ast.get("meta", {}))
    walk(ast.get("blocks", []))
    return keys


# --------------------------------------------------------------------------
# characters and small lexical helpers

_ALNUM_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No"})


def _alnum(c: str) -> bool:
    """Haskell's ``isAlphaNum``: a Unicode letter or number."""
    if c < "\x80":
        return c.isalnum()
    return unicodedata.category(c) in _ALNUM_CATEGORIES


def _blank(text: str) -> bool:
    return not text.strip(" \t")


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip(" "))


_KEY_PUNCT = frozenset(":.#$%&-+?<>~/")
_SPACE_CHARS = frozenset(" \t\n\r")
_BACKTICKS_RE = re.compile(r"`+")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled when first used.

    For the constructs a plain document lacks (raw HTML and LaTeX, entities, autolinks,
    pipe tables...): compiling all of them up front would slow every start.
    """
    return re.compile(pattern)


@functools.cache
def _entity_names() -> frozenset[str]:
    """The names of HTML5's character references (``amp;``), loaded when first needed."""
    import html.entities

    return frozenset(html.entities.html5)


_RAW_ATTRIBUTE = r"\{[ \t]*=[A-Za-z0-9_-]+[ \t]*\}"
_ENTITY = r"&([^ \t\n\r;]+;)"
_NUMERIC_ENTITY = r"#(?:[0-9]+|[xX][0-9a-fA-F]+);"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_URI_SCHEMES = _words(
    """aaa aaas about acap acct acr adiumxtra afp afs aim appdata apt attachment aw barion
    beshare bitcoin blob bolo browserext callto cap chrome chrome-extension cid coap coaps
    com-eventbrite-attendee content crid cvs data dav dict dis dlna-playcontainer
    dlna-playsingle dns dntp dtn dvb ed2k example facetime fax feed feedready file filesystem
    finger fish ftp geo gg git gizmoproject go gopher graph gtalk h323 ham hcp http https hxxp
    hxxps hydrazone iax icap icon im imap info iotdisco ipn ipp ipps irc irc6 ircs iris
    iris.beep iris.lwz iris.xpc iris.xpcs isostore itms jabber jar jms keyparc lastfm ldap
    ldaps lvlt magnet mailserver mailto maps market message mid mms modem mongodb moz
    ms-access ms-browser-extension ms-drive-to ms-enrollment ms-excel ms-gamebarservices
    ms-getoffice ms-help ms-infopath ms-media-stream-id ms-officeapp ms-project
    ms-powerpoint ms-publisher ms-search-repair ms-secondary-screen-controller
    ms-secondary-screen-setup ms-settings ms-settings-airplanemode ms-settings-bluetooth
    ms-settings-camera ms-settings-cellular ms-settings-cloudstorage
    ms-settings-connectabledevices ms-settings-displays-topology
    ms-settings-emailandaccounts ms-settings-language ms-settings-location ms-settings-lock
    ms-settings-nfctransactions ms-settings-notifications ms-settings-power
    ms-settings-privacy ms-settings-proximity ms-settings-screenrotation ms-settings-wifi
    ms-settings-workplace ms-spd ms-sttoverlay ms-transit-to ms-virtualtouchpad ms-visio
    ms-walk-to ms-whiteboard ms-whiteboard-cmd ms-word msnim msrp msrps mtqp mumble mupdate
    mvn news nfs ni nih nntp notes ocf oid onenote onenote-cmd opaquelocktoken pack palm
    paparazzi pkcs11 platform pop pres prospero proxy pwid psyc qb query redis rediss reload
    res resource rmi rsync rtmfp rtmp rtsp rtsps rtspu secondlife service session sftp sgn
    shttp sieve sip sips skype smb sms smtp snews snmp soap.beep soap.beeps soldat spotify
    ssh steam stun stuns submit svn tag teamspeak tel teliaeid telnet tftp things
    thismessage tip tn3270 tool turn turns tv udp unreal urn ut2004 v-event vemmi ventrilo
    videotex vnc view-source wais webcal wpid ws wss wtai wyciwyg xcon xcon-userid xfire
    xmlrpc.beep xmlrpc.beeps xmpp xri ymsgr z39.50 z39.50r z39.50s
    doi gemini isbn javascript pmid"""
)

# HTML tag categories (Text.Pandoc.Readers.HTML.TagCategories).
_BLOCK_TAGS = _words(
    """?xml !doctype address article aside blockquote body canvas caption center col
    colgroup dd details dir div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5
    h6 head header hgroup hr html isindex main menu meta noframes nav ol output p pre
    section summary table tbody textarea thead tfoot ul frameset li td th tr script style
    calloutlist bibliolist glosslist itemizedlist orderedlist segmentedlist simplelist
    variablelist caution important note tip warning literallayout programlisting
    programlistingco screen screenco screenshot synopsis example informalexample
    informalfigure informaltable para simpara formalpara equation informalequation
    mediaobject qandaset procedure task cmdsynopsis funcsynopsis classsynopsis epigraph
    msgset sidebar title case switch default"""
)
_EITHER_TAGS = _words(
    """audio applet button iframe embed del ins progress map area noscript script object
    svg video source track"""
)
_NOT_HERE = -2  # a construct finder's "certainly not one": stop looking further
_VERBATIM_TAGS = frozenset({"pre", "script", "style", "textarea"})

_ATTR_NAME = r"[A-Za-z_:][-A-Za-z0-9_:.]*"
_ATTR_VALUE = r"""(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_TAG = rf"<(/?)([A-Za-z][A-Za-z0-9:_-]*)((?:\s+{_ATTR_NAME}(?:\s*=\s*{_ATTR_VALUE})?)*)\s*/?>"
_DECL = r"(?s)<(?:\?[^>]*\?>|![A-Za-z][^>]*>|!\[CDATA\[.*?\]\]>)"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.-]*"
_EMAIL_AUTOLINK = (
    r"<[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?[^\s>]*>"
)

# LaTeX commands: \name or \name*, then optional/required argument groups.
_LATEX_NAME = r"\\([A-Za-z]+)\*?"
_LATEX_BEGIN_RE = re.compile(r"\\begin\{([^{}\s]+)\}")
# environments Pandoc's LaTeX reader reads inline (Text.Pandoc.Readers.LaTeX.Math)
_MATH_ENVIRONMENTS = frozenset(
    f"{name}{star}"
    for name in (
        "displaymath",
        "math",
        "equation",
        "gather",
        "multline",
        "eqnarray",
        "align",
        "alignat",
        "dmath",
        "dgroup",
        "darray",
        "subequations",
    )
    for star in ("", "*")
)


def _balanced(s: str, i: int, end: int, open_: str, close: str) -> int:
    """Index after the group opened by ``s[i] == open_``, or -1 (``\\`` escapes a char)."""
    depth = 0
    j = i
    while j < end:
        c = s[j]
        if c == "\\":
            j += 2
            continue
        if c == open_:
            depth += 1
        elif c == close:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


def _latex_env_end(s: str, i: int, end: int, name: str) -> int:
    """Index after the ``\\end{name}`` matching a ``\\begin{name}`` that ends at ``i``."""
    begin, finish = "\\begin{" + name + "}", "\\end{" + name + "}"
    depth = 1
    j = i
    while True:
        k = s.find(finish, j, end)
        if k < 0:
            return -1
        depth += s.count(begin, j, k)
        depth -= 1
        if depth == 0:
            body = re.sub(r"%[^\n]*", "", re.sub(r"\\.", "", s[i:k]))
            if body.count("$") % 2 or body.count("{") != body.count("}"):
                return -1  # Pandoc's LaTeX parser fails on it: no raw block
            return k + len(finish)
        j = k + len(finish)


def _raw_latex(s: str, i: int, end: int) -> int:
    """Index after a raw LaTeX command or environment at ``s[i] == '\\\\'``, or -1."""
    m = _LATEX_BEGIN_RE.match(s, i, end)
    if m:
        k = _latex_env_end(s, m.end(), end, m.group(1))
        if k >= 0:
            return k
    m = _compiled(_LATEX_NAME).match(s, i, end)
    if not m:
        return -1
    j = m.end()
    # spaces after a control word are skipped by TeX's tokenizer
    k = j
    while k < end and s[k] in " \t":
        k += 1
    if k < end and s[k] in "[{":
        j = k
    # options [..] may be surrounded by space (and one newline)
    while True:
        k = _skip_latex_sp(s, j, end)
        if k < end and s[k] == "[":
            close = _balanced(s, k, end, "[", "]")
            if close < 0:
                break
            j = _skip_latex_sp(s, close, end)
            continue
        break
    while j < end and s[j] == "{":
        close = _balanced(s, j, end, "{", "}")
        if close < 0:
            break
        j = close
    return j


def _skip_latex_sp(s: str, j: int, end: int) -> int:
    while j < end and s[j] in " \t":
        j += 1
    if j < end and s[j] == "\n":
        j += 1
        while j < end and s[j] in " \t":
            j += 1
    return j


def _parse_attributes(s: str, i: int, end: int) -> int:
    """Index after a Pandoc attribute block ``{#id .class key=val -}`` at ``s[i]``, or -1."""
    if i >= end or s[i] != "{":
        return -1
    j = _spnl(s, i + 1, end)
    while j < end and s[j] != "}":
        c = s[j]
        if c == "#":
            k = j + 1
            while k < end and (_alnum(s[k]) or s[k] in "-_:."):
                k += 1
            if k == j + 1:
                return -1
            j = k
        elif c == ".":
            k = _identifier(s, j + 1, end)
            if k < 0:
                return -1
            j = k
        elif c == "-":
            j += 1
        else:
            k = _identifier(s, j, end)
            if k < 0 or k >= end or s[k] != "=":
                return -1
            k += 1
            if k < end and s[k] in "\"'":
                q = s[k]
                k += 1
                while k < end and s[k] != q:
                    k += 2 if s[k] == "\\" else 1
                if k >= end:
                    return -1
                k += 1
            else:
                while k < end and s[k] not in " \t\n\r}":
                    k += 2 if s[k] == "\\" else 1
            j = k
        j = _spnl(s, j, end)
        if j < 0:
            return -1
    if j >= end:
        return -1
    return j + 1


def _identifier(s: str, i: int, end: int) -> int:
    if i >= end or not (s[i].isalpha()):
        return -1
    k = i + 1
    while k < end and (_alnum(s[k]) or s[k] in "-_:."):
        k += 1
    return k


def _spnl(s: str, i: int, end: int) -> int:
    """Pandoc's ``spnl``: spaces, at most one newline, spaces (never into a blank line)."""
    j = i
    while j < end and s[j] in " \t":
        j += 1
    if j < end and s[j] == "\n":
        k = j + 1
        while k < end and s[k] in " \t":
            k += 1
        if k < end and s[k] == "\n":
            return j
        return k
    return j


def _fenced_open(text: str) -> tuple[str, int] | None:
    """``(fence char, fence size)`` if ``text`` opens a fenced code block, else None."""
    n = _indent(text)
    if n > 3 or n >= len(text) or text[n] not in "`~":
        return None
    c = text[n]
    j = n
    while j < len(text) and text[j] == c:
        j += 1
    size = j - n
    if size < 3:
        return None
    while j < len(text) and text[j] in " \t":
        j += 1
    rest = text[j:]
    # raw attribute {=format}
    m = re.match(r"\{[ \t]*=[A-Za-z0-9_-]+[ \t]*\}", rest)
    if m:
        return (c, size) if _blank(rest[m.end() :]) else None
    k = 0
    while k < len(rest) and rest[k] not in "`{}" and not rest[k].isspace():
        k += 1
    while k < len(rest) and rest[k] in " \t":
        k += 1
    if k < len(rest) and rest[k] == "{":
        a = _parse_attributes(rest, k, len(rest))
        if a >= 0:
            k = a
    return (c, size) if _blank(rest[k:]) else None


def _fence_closes(text: str, c: str, size: int) -> bool:
    n = _indent(text)
    if n > 3:
        return False
    j = n
    while j < len(text) and text[j] == c:
        j += 1
    return j - n >= size and _blank(text[j:])


# --------------------------------------------------------------------------
# document model used while scanning


# One line of the simplest YAML front matter: ``title: A paper``. A block made only of
# such lines (and blank ones) is a mapping of plain strings, none with an "@".
_SIMPLE_YAML_LINE = re.compile(r"([A-Za-z][A-Za-z0-9_-]*):(?: +[A-Za-z0-9][A-Za-z0-9 .,;()'-]*)? *")


def _simple_yaml_keys(body: Sequence[_Line]) -> list[str] | None:
    """The keys of a YAML block of plain ``key: words`` lines only, else None."""
    keys: list[str] = []
    for line in body:
        m = _SIMPLE_YAML_LINE.fullmatch(line.text)
        if m is not None:
            keys.append(m.group(1))
        elif line.text.strip(" "):
            return None
    return keys if keys else None


# The scanner's records below are never compared or printed: generating __eq__ and
# __repr__ for them would only add to the import time.
@dataclass(slots=True, repr=False, eq=False)
class _Line:
    """One line of a block's text, and where it stands in the document."""

    text: str  # tabs expanded, container prefixes removed
    lineno: int  # 1-based line in the document
    col: int  # 0-based (tab-expanded) column of text[0]

    def cut(self, n: int) -> _Line:
        return _Line(self.text[n:], self.lineno, self.col + n)


@dataclass(slots=True, repr=False, eq=False)
class _Found:
    """A citation found, before it becomes a model Citation."""

    key: str
    line: int
    column: int
    prefix: str | None = None
    suffix: str | None = None
    locator: str | None = None
    suppress_author: bool = False
    in_text: bool = False


@dataclass(slots=True, repr=False, eq=False)
class _Segment:
    """Text handed to the inline parser, with where each of its lines came from."""

    text: str
    starts: list[int]
    lines: list[_Line]
    # offsets of the newlines where Pandoc's ``endline`` fails (a list item, a div
    # closer, a code fence follows); True where a code span cannot cross either
    soft: dict[int, bool] = field(default_factory=dict)
    # a paragraph: the blocks go on after a block-level HTML tag that ends it (in
    # other segments the rest is dropped), and an image alone in it is a figure
    para: bool = False

    @classmethod
    def of(cls, lines: Sequence[_Line]) -> _Segment:
        starts: list[int] = []
        parts: list[str] = []
        offset = 0
        for ln in lines:
            starts.append(offset)
            parts.append(ln.text)
            offset += len(ln.text) + 1
        return cls("\n".join(parts), starts, list(lines))

    def position(self, offset: int) -> tuple[int, int]:
        k = bisect.bisect_right(self.starts, offset) - 1
        ln = self.lines[k]
        return ln.lineno, ln.col + (offset - self.starts[k])


@dataclass(slots=True, repr=False, eq=False)
class _Ctx:
    """The containers around the block being parsed."""

    in_list: bool = False
    div_level: int = 0
    in_note: bool = False
    depth: int = 0  # nesting of containers, bounded to keep clear of Python's stack limit

    def inner(self, **changes: Any) -> _Ctx:
        return dataclasses.replace(self, depth=self.depth + 1, **changes)


def _note_paragraph(lines: list[_Line], j: int, ctx: _Ctx, content: list[_Line]) -> int:
    """Add to ``content`` the lines of a footnote's paragraph from line ``j`` (four
    spaces of indentation dropped) up to a blank line, a closing fence of an open
    div or another note; the index of the line where it stopped."""
    while j < len(lines):
        text = lines[j].text
        if _blank(text) or (ctx.div_level and _compiled(_DIV_CLOSE).match(text)):
            break
        if _compiled(_NOTE_MARK).match(text):
            break
        content.append(lines[j].cut(4) if text.startswith("    ") else lines[j])
        j += 1
    return j


@dataclass(slots=True, repr=False, eq=False)
class _Sink:
    """Where the block parser puts its output: inline segments, in order."""

    segments: list[_Segment] = field(default_factory=list)


_BULLET_HRULE = re.compile(r"[ \t]*([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_LINE_BLOCK_RE = re.compile(r"\|(?: |$)")
_NOTE_DEF_RE = re.compile(r" {0,3}\[\^([^\r\n\t ^\[\]]+)\]:")
_NOTE_MARK = r" {0,3}\[\^[^\r\n\t ^\[\]]+\]"
_DIV_OPEN_RE = re.compile(r":::+[ \t]*")
_DIV_CLOSE = r":::+[ \t]*$"
_SETEXT_RE = re.compile(r"[=-]+[ \t]*$")
_ATX_RE = re.compile(r"#+")
_DEFLIST_RE = re.compile(r" {0,3}[:~]")
_PAGE_RE = re.compile(r" {0,3}p\. [0-9]")
_QUOTE_RE = re.compile(r" {0,3}> ?")
_REF_DEF_RE = re.compile(r" {0,3}\[")
_TITLE_LINE = r"[ \t]*(?:\"|'|\()"
_DASHES_RE = re.compile(r" {0,3}-+(?: +-+)*[ \t]*$")
_PIPE_PLUS = r"-[ \t]*\+[ \t]*:?-"
_PIPE_SEP = r" {0,3}\|?(?:[ \t]*:?-+:?[ \t]*[|+])*[ \t]*:?-+:?[ \t]*\|?[ \t]*$"
_ORDERED_RE = re.compile(
    r"( {0,3})(?:"
    r"\((?P<p>[0-9]{1,9}|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+|@(?:[^\W_]|[_-](?=[^\W_]))*)\)"
    r"|(?P<n>[0-9]{1,9}|#|[a-zA-Z]|[ivxlcdmIVXLCDM]+|@(?:[^\W_]|[_-](?=[^\W_]))*)(?P<d>[.)])"
    r")"
)


def _bullet_start(text: str) -> tuple[int, int] | None:
    """(content offset, continuation indent) of a bullet list item, or None."""
    n = _indent(text)
    if n > 3 or n >= len(text) or text[n] not in "*+-":
        return None
    if _BULLET_HRULE.match(text):
        return None
    content = _after_marker(text, n + 1, need_two=False)
    return None if content is None else (content, content)


def _after_marker(text: str, j: int, need_two: bool) -> int | None:
    """Where an item's text starts after a list marker ending at ``j`` (or None)."""
    if j == len(text):
        return j
    if text[j] != " ":
        return None
    j += 1
    if need_two and j < len(text) and text[j] != " ":
        return None
    k = j
    while k < len(text) and k - j < 3 and text[k] == " ":
        k += 1
    if k >= len(text) or text[k] != " ":
        j = k
    return j


def _ordered_start(text: str) -> tuple[int, int, str | None] | None:
    """(content offset, continuation indent, example label) of an ordered item, or None."""
    if _PAGE_RE.match(text):
        return None
    m = _ORDERED_RE.match(text)
    if not m:
        return None
    num = m.group("p") if m.group("p") is not None else m.group("n")
    need_two = m.group("d") == "." and len(num) == 1 and num.isupper()
    content = _after_marker(text, m.end(), need_two)
    if content is None:
        return None
    if num.startswith("@"):
        return content, _TAB_STOP, num[1:]  # example lists use the four-space rule
    return content, content, None


def _deflist_start(text: str) -> tuple[int, int] | None:
    m = _DEFLIST_RE.match(text)
    if not m:
        return None
    content = _after_marker(text, m.end(), need_two=False)
    return None if content is None else (content, content)


def _list_start(text: str) -> bool:
    return (
        _bullet_start(text) is not None
        or _ordered_start(text) is not None
        or _deflist_start(text) is not None
    )


def _normal_key(label: str) -> str:
    return " ".join(label.split()).lower()


# --------------------------------------------------------------------------
# the document: block structure


class _Document:
    def __init__(self, text: str) -> None:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text.startswith("\ufeff"):
            text = text[1:]
        raw_lines = text.split("\n")
        self.tab_maps: dict[int, list[int]] = {}
        lines: list[_Line] = []
        for number, raw in enumerate(raw_lines, start=1):
            if "\t" in raw:
                expanded, back = _expand_tabs(raw)
                self.tab_maps[number] = back
                lines.append(_Line(expanded, number, 0))
            else:
                lines.append(_Line(raw, number, 0))
        self.lines = lines
        self.notes: dict[str, _Sink] = {}
        self.note_cache: dict[str, list[_Found]] = {}
        self.ref_keys: set[str] = set()
        self.header_keys: set[str] = set()
        # metadata strings by top-level field (a later YAML block wins), read after the body
        self.meta: dict[str, list[tuple[str, int, int, _Segment]]] = {}
        self.title_segments: list[_Segment] = []
        self.examples: dict[str, int] = {}

    # ---- driver

    def run(self) -> list[_Found]:
        body = _Sink()
        start = self._title_block(self.lines)
        self.parse_blocks(self.lines, start, _Ctx(), body)
        found: list[_Found] = []
        for seg in body.segments:
            found.extend(_Inline(self, seg).parse_all())
        for seg in self.title_segments:
            found.extend(_Inline(self, seg).parse_all())
        for strings in self.meta.values():
            for value, start, end, seg in strings:
                found.extend(self._yaml_string(value, start, end, seg))
        for f in found:
            back = self.tab_maps.get(f.line)
            if back is not None:
                f.column = back[min(f.column - 1, len(back) - 1)] + 1
        return found

    def note_citations(self, ref: str) -> list[_Found]:
        if ref not in self.notes:
            return []
        cached = self.note_cache.get(ref)
        if cached is None:
            cached = []
            self.note_cache[ref] = cached  # guards against a note citing itself
            for seg in self.notes[ref].segments:
                cached.extend(_Inline(self, seg, in_note=True).parse_all())
        return [
            _Found(
                f.key, f.line, f.column, f.prefix, f.suffix, f.locator, f.suppress_author, f.in_text
            )
            for f in cached
        ]

    def _title_block(self, lines: list[_Line]) -> int:
        """Pandoc's ``% title`` / ``% author`` / ``% date`` block at the very start."""
        i = 0
        sink = _Sink()
        for _ in range(3):
            if i >= len(lines) or not lines[i].text.startswith("%"):
                break
            ln = lines[i]
            k = 1
            while k < len(ln.text) and ln.text[k] in " \t":
                k += 1
            group = [ln.cut(k)]
            i += 1
            while i < len(lines) and lines[i].text[:1] in (" ", "\t") and not _blank(lines[i].text):
                group.append(lines[i])
                i += 1
            for g in group:
                sink.segments.append(_Segment.of([g]))
        if not sink.segments:
            return 0
        while i < len(lines) and _blank(lines[i].text):
            i += 1
        self.title_segments = sink.segments
        return i

    # ---- blocks

    def parse_blocks(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int:
        """Parse blocks from ``lines[i]``; stop at the end or at a fenced-div closer."""
        n = len(lines)
        if ctx.depth > _MAX_DEPTH:
            sink.segments.append(_Segment.of(lines[i:]))
            return n
        while i < n:
            text = lines[i].text
            if _blank(text):
                i += 1
                continue
            if ctx.div_level and _compiled(_DIV_CLOSE).match(text):
                return i
            for parser in self._block_parsers:
                r = parser(self, lines, i, ctx, sink)
                if r is not None:
                    i = r
                    break
        return i

    def _fenced_code(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        return _fenced_code_end(lines, i)

    def _yaml_block(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        if lines[i].text.rstrip(" \t") != "---":
            return None
        if i + 1 >= len(lines) or _blank(lines[i + 1].text):
            return None
        j = i + 1
        while j < len(lines) and lines[j].text.rstrip(" \t") not in ("---", "..."):
            j += 1
        if j >= len(lines):
            return None
        body = lines[i + 1 : j]
        ok = self._read_yaml(body)
        if ok is None:
            return None
        j += 1
        while j < len(lines) and _blank(lines[j].text):
            j += 1
        return j

    def _read_yaml(self, body: list[_Line]) -> bool | None:
        """Collect the citations of one YAML block; None when it is not a mapping."""
        simple = _simple_yaml_keys(body)
        if simple is not None:
            # Plain ``key: words`` lines only: a mapping of strings with no "@", the
            # same as PyYAML reads it, without importing PyYAML.
            for key in simple:
                if not key.endswith("_"):
                    self.meta[key] = []
            return True
        import yaml

        seg = _Segment.of(body)
        try:
            node = yaml.compose(seg.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return True  # Pandoc stops with an error; nothing to cite here
        except Exception:  # pragma: no cover - PyYAML internals on odd input
            return True
        if node is None:
            return True
        if not isinstance(node, yaml.MappingNode):
            return None
        for key_node, value_node in node.value:
            key = str(getattr(key_node, "value", ""))
            if key.endswith("_"):
                continue
            strings: list[tuple[str, int, int, _Segment]] = []
            self._yaml_value(value_node, seg, strings)
            self.meta[key] = strings
        return True

    def _yaml_value(
        self, node: Any, seg: _Segment, out: list[tuple[str, int, int, _Segment]]
    ) -> None:
        import yaml

        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if str(getattr(key_node, "value", "")).endswith("_"):
                    continue
                self._yaml_value(value_node, seg, out)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self._yaml_value(item, seg, out)
        elif isinstance(node, yaml.ScalarNode):
            value = node.value
            if "@" not in value or node.tag != "tag:yaml.org,2002:str":
                return
            out.append((value, node.start_mark.index, node.end_mark.index, seg))

    def _yaml_string(self, value: str, start: int, end: int, seg: _Segment) -> list[_Found]:
        """The citations of one metadata string, placed where they are in the YAML."""
        inline_value = not value.rstrip(" \t").endswith("\n")
        if inline_value:
            value = value.lstrip(" \t\r\n")
        sub = _Document(value)
        sub.notes = self.notes
        sub.ref_keys = self.ref_keys
        sub.header_keys = self.header_keys
        sub.examples = {label: 1 << 60 for label in self.examples}  # as if defined later
        sink = _Sink()
        if inline_value:
            # a one-line value has no newline at its end, where Pandoc's list items and
            # headings need one: it reads as a paragraph
            sink.segments.append(_Segment.of(sub.lines))
        else:
            sub.parse_blocks(sub.lines, 0, _Ctx(), sink)
        found: list[_Found] = []
        for s in sink.segments:
            found.extend(_Inline(sub, s).parse_all())
        raw = seg.text
        cursor = start
        for f in found:
            k = raw.find("@" + f.key, cursor, end)
            if k < 0:
                k = raw.find("@{" + f.key, cursor, end)
            if k < 0:
                k = start
            else:
                cursor = k + 1
            f.line, col = seg.position(k)
            f.column = col + 1
        return found

    def _bullet_list(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        if _bullet_start(lines[i].text) is None:
            return None
        return self._list(lines, i, ctx, sink, lambda line: _bullet_start(line.text))

    def _ordered_list(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        if _ordered_start(lines[i].text) is None:
            return None

        def start(line: _Line) -> tuple[int, int] | None:
            r = _ordered_start(line.text)
            if r is None:
                return None
            label = r[2]
            if label and label not in self.examples:
                self.examples[label] = line.lineno
            return r[0], r[1]

        return self._list(lines, i, ctx, sink, start)

    def _list(
        self,
        lines: list[_Line],
        i: int,
        ctx: _Ctx,
        sink: _Sink,
        start: Callable[[_Line], tuple[int, int] | None],
    ) -> int:
        inner = ctx.inner(in_list=True)
        while i < len(lines):
            got = start(lines[i])
            if got is None:
                break
            item, i = self._list_item(lines, i, got, ctx)
            self.parse_blocks(item, 0, inner, sink)
        return i

    def _list_item(
        self, lines: list[_Line], i: int, marker: tuple[int, int], ctx: _Ctx
    ) -> tuple[list[_Line], int]:
        """Pandoc's ``rawListItem`` + ``listContinuation``: the item's lines, unindented."""
        content, cont = marker
        n = len(lines)
        first = lines[i]
        item = [first.cut(min(content, len(first.text)))]
        k = i + 1
        while k < n:
            ln = lines[k]
            text = ln.text
            if _blank(text) or _list_start(text) or _fenced_code_end(lines, k) is not None:
                break
            if ctx.div_level and _compiled(_DIV_CLOSE).match(text):
                break
            ind = _indent(text)
            if ind >= cont and _list_start(text[ind:]):
                break
            item.append(ln.cut(cont) if ind >= cont else ln)
            k += 1
        while k < n and _blank(lines[k].text):
            item.append(lines[k])
            k += 1
        while k < n:
            text = lines[k].text
            if _blank(text) or _indent(text) < cont:
                break
            if ctx.div_level and _compiled(_DIV_CLOSE).match(text):
                break
            item.append(lines[k].cut(cont))
            k += 1
            while k < n:
                text = lines[k].text
                if _blank(text) or (ctx.div_level and _compiled(_DIV_CLOSE).match(text)):
                    break
                ind = _indent(text)
                if ind >= cont:
                    item.append(lines[k].cut(cont))
                elif not _list_start(text):
                    item.append(lines[k])
                else:
                    break
                k += 1
            while k < n and _blank(lines[k].text):
                item.append(lines[k])
                k += 1
        return item, k

    def _fenced_div(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        text = lines[i].text
        m = _DIV_OPEN_RE.match(text)
        if not m:
            return None
        rest = text[m.end() :]
        if not rest:
            return None
        k = _parse_attributes(rest, 0, len(rest))
        if k < 0:
            k = 0
            while k < len(rest) and not rest[k].isspace():
                k += 1
        tail = rest[k:].strip(" \t").strip(":")
        if tail.strip(" \t"):
            return None
        inner = ctx.inner(div_level=ctx.div_level + 1)
        j = self.parse_blocks(lines, i + 1, inner, sink)
        if j < len(lines):
            j += 1  # the closing fence
        return j

    def _header(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        ln = lines[i]
        text = ln.text
        if _block_tag_inside(text) or _comment_state(text, False):
            # the heading's inlines would stop at the tag, or run on in the comment
            return None
        if i + 1 < len(lines) and _SETEXT_RE.match(lines[i + 1].text):
            k = _indent(text)
            body = _strip_header_attributes(ln.cut(k))
            if any(c in body.text for c in "`<$\\"):
                # a heading's inlines must end with its line (a code span or a LaTeX
                # environment running on makes it something else: a simple table)
                h = i + 1
                while h < len(lines) and h < i + 64 and not _blank(lines[h].text):
                    h += 1
                probe_lines = [body, *lines[i + 1 : h]]
                _, reach = self._inline_extent(probe_lines, 0, h - i, list(range(1, h - i)), ctx)
                if reach > 1:
                    return None
            self.header_keys.add(_normal_key(body.text))
            sink.segments.append(_Segment.of([body]))
            j = i + 2
            while j < len(lines) and _blank(lines[j].text):
                j += 1
            return j
        m = _ATX_RE.match(text)
        if not m:
            return None
        j = m.end()
        if j < len(text) and (text[j] in ".)" or not text[j].isspace()):
            return None
        while j < len(text) and text[j] in " \t":
            j += 1
        body = _strip_atx_closing(ln.cut(j))
        self.header_keys.add(_normal_key(body.text))
        if any(c in body.text for c in "`<$[\\"):
            # a code span (or the like) may carry a heading over its line end
            h = i + 1
            while h < len(lines) and h < i + 64 and not _blank(lines[h].text):
                h += 1
            if h > i + 1:
                head = [body, *lines[i + 1 : h]]
                seg, k = self._inline_extent(head, 0, h - i, list(range(1, h - i)), ctx)
                if k > 1:
                    sink.segments.append(seg)
                    if head[k - 1] is not lines[i + k - 1] and k - 1 > 0:
                        lines[i + k - 1] = head[k - 1]
                    return i + k
        sink.segments.append(_Segment.of([body]))
        return i + 1

    def _html_block(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        text = lines[i].text
        start = _indent(text)
        if start > 3 or not text.startswith("<", start):
            return None
        return _skip_construct(lines, i, lambda s, final: _html_block_end(s, start, final))

    def _pipe_table(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        text = lines[i].text
        if "|" not in text or i + 1 >= len(lines) or _indent(text) > 3:
            return None
        h = i
        while h < len(lines) and not _blank(lines[h].text):
            h += 1
        seg = _Segment.of(lines[i:h])
        probe = _Inline(None, seg)
        end = len(seg.text)
        header = _pipe_row(probe, 0, end)
        if header is None:
            return None
        cells, p = header
        sep_index = bisect.bisect_right(seg.starts, p) - 1
        if p >= end or seg.starts[sep_index] != p:
            return None
        sep = seg.lines[sep_index].text
        if not _compiled(_PIPE_SEP).match(sep) or (
            "|" not in sep and not _compiled(_PIPE_PLUS).search(sep)
        ):
            return None
        columns = len(re.findall(r"-+", sep))
        rows = [cells]
        p = p + len(sep) + 1
        while p < end:
            row = _pipe_row(probe, p, end)
            if row is None:
                break
            rows.append(row[0])
            p = row[1]
        for row_cells in rows:
            for a, b in row_cells[:columns]:  # Pandoc drops cells beyond the columns
                if not _blank(seg.text[a:b].replace("\n", " ")):
                    sink.segments.append(_slice_segment(seg, a, b))
        k = i + (bisect.bisect_right(seg.starts, p - 1) if p <= end else len(seg.lines))
        k = max(k, i + sep_index + 1)
        while k < len(lines) and _blank(lines[k].text):
            k += 1
        if k < len(lines):
            cap = re.match(r" {0,3}(?::(?![!-/:-@\[-`{-~])|[Tt]able:)", lines[k].text)
            if cap:
                group = [lines[k].cut(cap.end())]
                k += 1
                while k < len(lines) and not _blank(lines[k].text):
                    group.append(lines[k])
                    k += 1
                sink.segments.append(_Segment.of(group))
                return k
        return k

    def _simple_table(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        """Pandoc's simple table: a header line (or none) over a line of dashes per column;
        each cell of each row is read on its own."""
        n = len(lines)
        headless = _DASHES_RE.match(lines[i].text) is not None
        dash_index = i if headless else i + 1
        if dash_index >= n:
            return None
        dashes = _DASHES_RE.match(lines[dash_index].text)
        if dashes is None:
            return None
        bounds = [m.start() for m in re.finditer(r"-+", lines[dash_index].text)][1:]
        rows = [] if headless else [lines[i]]
        j = dash_index + 1
        while j < n and not _blank(lines[j].text):
            if _DASHES_RE.match(lines[j].text) and (j + 1 >= n or _blank(lines[j + 1].text)):
                j += 1  # the closing line of dashes
                break
            rows.append(lines[j])
            j += 1
        else:
            if headless:
                return None  # a headless table needs its closing line of dashes
        if not rows:
            return None
        for row in rows:
            cuts = [0, *bounds, max(len(row.text), bounds[-1] if bounds else 0)]
            for a, b in itertools.pairwise(cuts):
                cell = _Line(row.text[a:b], row.lineno, row.col + a)
                k = len(cell.text) - len(cell.text.lstrip())
                if not _blank(cell.text):
                    sink.segments.append(_Segment.of([cell.cut(k)]))
        while j < n and _blank(lines[j].text):
            j += 1
        return j

    def _indented_code(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        if _indent(lines[i].text) < _TAB_STOP:
            return None
        j = i + 1
        while j < len(lines):
            if _indent(lines[j].text) >= _TAB_STOP and not _blank(lines[j].text):
                j += 1
                continue
            k = j
            while k < len(lines) and _blank(lines[k].text):
                k += 1
            if k > j and k < len(lines) and _indent(lines[k].text) >= _TAB_STOP:
                j = k + 1
                continue
            break
        return j

    def _raw_tex_block(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        m = _LATEX_BEGIN_RE.match(lines[i].text)
        if not m:
            return None
        name, after = m.group(1), m.end()
        j = _skip_construct(lines, i, lambda s, final: _latex_env_end(s, after, len(s), name))
        if j is not None and j < len(lines) and not _blank(lines[j].text):
            # Pandoc's ``spnl'`` after the block eats one newline and the spaces after it
            lines[j] = lines[j].cut(_indent(lines[j].text))
        return j

    def _line_block(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        if not _LINE_BLOCK_RE.match(lines[i].text):
            return None
        j = i
        while j < len(lines) and _LINE_BLOCK_RE.match(lines[j].text):
            text = lines[j].text
            group = [lines[j].cut(min(2, len(text)))]
            j += 1
            while j < len(lines) and lines[j].text.startswith(" ") and not _blank(lines[j].text):
                group.append(lines[j].cut(1))
                j += 1
            if len(text) > 1:
                sink.segments.append(_Segment.of(group))
        return j

    def _block_quote(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        m = _QUOTE_RE.match(lines[i].text)
        if not m:
            return None
        content = [lines[i].cut(m.end())]
        j = i + 1
        while j < len(lines):
            ln = lines[j]
            m = _QUOTE_RE.match(ln.text)
            if m:
                content.append(ln.cut(m.end()))
            elif _lazy_line(lines, j, ctx):
                content.append(ln)
            else:
                break
            j += 1
        self.parse_blocks(content, 0, ctx.inner(), sink)
        return j

    def _hrule(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        return i + 1 if _BULLET_HRULE.match(lines[i].text) else None

    def _definition_list(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        j = i + 1
        if j < len(lines) and _blank(lines[j].text):
            j += 1
        if j >= len(lines) or _deflist_start(lines[j].text) is None:
            return None
        inner = ctx.inner(in_list=True)
        while True:
            sink.segments.append(_Segment.of([lines[i]]))
            k = j
            while k < len(lines):
                marker = _deflist_start(lines[k].text)
                if marker is None:
                    break
                item, k = self._list_item(lines, k, marker, ctx)
                self.parse_blocks(item, 0, inner, sink)
            while k < len(lines) and _blank(lines[k].text):
                k += 1
            # another term?
            if k < len(lines) and not _blank(lines[k].text):
                j2 = k + 1
                if j2 < len(lines) and _blank(lines[j2].text):
                    j2 += 1
                if (
                    j2 < len(lines)
                    and _deflist_start(lines[j2].text) is not None
                    and _deflist_start(lines[k].text) is None
                ):
                    i, j = k, j2
                    continue
            return k

    def _note_block(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        m = _NOTE_DEF_RE.match(lines[i].text)
        if not m:
            return None
        ref = m.group(1)
        first = lines[i].cut(m.end())
        j = i + 1
        content: list[_Line] = []
        if _blank(first.text) and j < len(lines):
            first = lines[j]
            j += 1
        content.append(first.cut(4) if first.text.startswith("    ") else first)
        j = _note_paragraph(lines, j, ctx, content)
        while j < len(lines):
            k = j
            while k < len(lines) and _blank(lines[k].text):
                k += 1
            if k == j or k >= len(lines) or not lines[k].text.startswith("    "):
                break
            content.extend(lines[j:k])
            content.append(lines[k].cut(4))
            j = k + 1
            j = _note_paragraph(lines, j, ctx, content)
        note_sink = _Sink()
        self.parse_blocks(content, 0, ctx.inner(div_level=0, in_note=True), note_sink)
        self.notes[ref] = note_sink
        self.note_cache.pop(ref, None)
        while j < len(lines) and _blank(lines[j].text):
            j += 1
        return j

    def _reference_key(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        text = lines[i].text
        m = _REF_DEF_RE.match(text)
        if not m:
            return None
        start = m.end() - 1
        probe = _Inline(self, _Segment.of([lines[i]]))
        if probe.normal_cite(start, len(text)) >= 0:
            return None
        close = probe.match_bracket(start, len(text))
        if close < 0 or close >= len(text) or text[close] != ":":
            return None
        label = text[start + 1 : close - 1]
        rest = text[close + 1 :]
        j = i + 1
        if (
            _blank(rest)
            and j < len(lines)
            and not _blank(lines[j].text)
            and not lines[j].text.lstrip().startswith("[")
        ):
            j += 1
        if (
            j < len(lines)
            and _compiled(_TITLE_LINE).match(lines[j].text)
            and _indent(lines[j].text) > 0
        ):
            j += 1
        self.ref_keys.add(_normal_key(label))
        while j < len(lines) and _blank(lines[j].text):
            j += 1
        return j

    def _para(self, lines: list[_Line], i: int, ctx: _Ctx, sink: _Sink) -> int | None:
        # the paragraph runs to a blank line (past it only inside an HTML comment) ...
        h = i + 1
        soft: list[int] = []  # lines before which Pandoc's ``endline`` stops
        comment_open = _comment_state(lines[i].text, False)
        block_tag = _has_block_tag(lines[i].text)
        while h < len(lines):
            text = lines[h].text
            if comment_open:
                comment_open = _comment_state(text, True)
            elif _blank(text):
                break
            else:
                if not _lazy_line(lines, h, ctx):
                    soft.append(h)
                    if len(soft) == 1:
                        limit = h + 64  # how far an inline construct may carry on
                    if h >= limit:
                        break
                comment_open = _comment_state(text, False)
            block_tag = block_tag or _has_block_tag(text)
            h += 1
        if not soft and not block_tag:
            seg = _Segment.of(lines[i:h])
            seg.para = True
            sink.segments.append(seg)
            return h
        # ... unless a line would end it there and no code span, link target, raw HTML
        # or math carries the inlines over that line, or a block-level HTML tag ends it:
        # parse the inlines to see where they stop
        seg, j = self._inline_extent(lines, i, h, soft, ctx, para=True)
        sink.segments.append(seg)
        return j

    def _inline_extent(
        self, lines: list[_Line], i: int, h: int, soft: list[int], ctx: _Ctx, para: bool = False
    ) -> tuple[_Segment, int]:
        """The segment of ``lines[i:h]`` whose inlines stop at one of the ``soft`` lines
        (or, in a paragraph, at a block-level HTML tag); and the index of the next line.

        A paragraph that stops inside a line leaves the rest of that line to the blocks.
        """
        seg = _Segment.of(lines[i:h])
        seg.para = para
        seg.soft = {
            seg.starts[k - i] - 1: bool(ctx.in_list and _list_start(lines[k].text)) for k in soft
        }
        probe = _Inline(self, seg)
        probe.parse_all()
        stop = probe.stopped_at
        if stop < 0:
            return seg, h
        m = bisect.bisect_right(seg.starts, stop) - 1
        col = stop - seg.starts[m]
        if col >= len(lines[i + m].text):  # at a line end: the next line starts a block
            part = lines[i : i + m + 1]
            j = i + m + 1
        else:
            head = lines[i + m]
            part = [*lines[i : i + m], _Line(head.text[:col], head.lineno, head.col)]
            lines[i + m] = head.cut(col)
            j = i + m
        final = _Segment.of(part)
        final.para = para
        final.soft = {k: v for k, v in seg.soft.items() if k < len(final.text)}
        return final, j

    _block_parsers: tuple[Callable[..., int | None], ...] = ()


def _skip_construct(lines: list[_Line], i: int, find_end: Callable[[str, bool], int]) -> int | None:
    """Skip a raw construct starting at ``lines[i]`` whose end ``find_end`` locates.

    The rest of its last line, if any, is left to be parsed as blocks of its own.
    """
    width = 1
    while True:
        seg = _Segment.of(lines[i : i + width])
        final = i + width >= len(lines)
        end = find_end(seg.text, final)
        if end == _NOT_HERE:
            return None
        if end >= 0:
            break
        if final:
            return None
        width *= 4
    k = bisect.bisect_right(seg.starts, end) - 1
    rest = lines[i + k].cut(end - seg.starts[k])
    if _blank(rest.text):
        return i + k + 1
    lines[i + k] = rest
    return i + k


_BLOCK_TAG = r"</?([A-Za-z][A-Za-z0-9]*)"


def _has_block_tag(text: str) -> bool:
    """Whether ``text`` may hold an HTML tag (or LaTeX environment) that ends a paragraph."""
    if "\\begin{" in text:
        return True
    if "<" not in text:
        return False
    return any(_ends_paragraph(m.group(1).lower()) for m in _compiled(_BLOCK_TAG).finditer(text))


def _block_tag_inside(text: str) -> bool:
    """Whether a block-level HTML tag (or a LaTeX environment) stands in ``text``."""
    if not _has_block_tag(text):
        return False
    for m in _LATEX_BEGIN_RE.finditer(text):
        if m.group(1) not in _MATH_ENVIRONMENTS:
            return True
    for m in _compiled(_BLOCK_TAG).finditer(text):
        if _ends_paragraph(m.group(1).lower()):
            tag = _compiled(_TAG).match(text, m.start())
            if tag:
                return True
    return False


def _ends_paragraph(name: str) -> bool:
    return name in _BLOCK_TAGS and name != "style"


def _comment_state(text: str, open_: bool) -> bool:
    """Whether an HTML comment is still open at the end of ``text``."""
    pos = 0
    while True:
        if open_:
            k = text.find("-->", pos)
            if k < 0:
                return True
            open_ = False
            pos = k + 3
        else:
            k = text.find("<!--", pos)
            if k < 0:
                return False
            open_ = True
            pos = k + 4


def _lazy_line(lines: list[_Line], j: int, ctx: _Ctx) -> bool:
    """Whether ``lines[j]`` continues the paragraph above it (Pandoc's ``endline``)."""
    text = lines[j].text
    if _blank(text):
        return False
    if ctx.in_list and _list_start(text):
        return False
    if text.startswith("`") and _fenced_code_end(lines, j) is not None:
        return False
    return not (ctx.div_level and _compiled(_DIV_CLOSE).match(text))


def _fenced_code_end(lines: list[_Line], i: int) -> int | None:
    opened = _fenced_open(lines[i].text)
    if opened is None:
        return None
    c, size = opened
    for j in range(i + 1, len(lines)):
        if _fence_closes(lines[j].text, c, size):
            k = j + 1
            while k < len(lines) and _blank(lines[k].text):
                k += 1
            return k
    return None


def _expand_tabs(raw: str) -> tuple[str, list[int]]:
    """Expand tabs to stops of four; map each expanded column back to the original."""
    out: list[str] = []
    back: list[int] = []
    col = 0
    for index, c in enumerate(raw):
        if c == "\t":
            width = _TAB_STOP - col % _TAB_STOP
            out.append(" " * width)
            back.extend([index] * width)
            col += width
        else:
            out.append(c)
            back.append(index)
            col += 1
    back.append(len(raw))
    return "".join(out), back


def _strip_header_attributes(line: _Line) -> _Line:
    text = line.text.rstrip(" \t")
    if text.endswith("}"):
        k = text.rfind("{")
        while k >= 0:
            if _parse_attributes(text, k, len(text)) == len(text):
                return _Line(text[:k], line.lineno, line.col)
            k = text.rfind("{", 0, k)
    return _Line(text, line.lineno, line.col)


def _strip_atx_closing(line: _Line) -> _Line:
    stripped = _strip_header_attributes(line)
    text = stripped.text.rstrip(" \t").rstrip("#").rstrip(" \t")
    return _Line(text, line.lineno, line.col)


def _html_block_end(s: str, i: int, final: bool = True) -> int:
    """End of an HTML block construct at ``s[i] == '<'``: a comment, a verbatim element,
    or a block-level tag. -1 when there is none."""
    if s.startswith("<!--", i):
        k = s.find("-->", i + 4)
        return -1 if k < 0 else k + 3
    m = _compiled(_DECL).match(s, i)
    if m:
        return m.end()
    m = _compiled(_TAG).match(s, i)
    if not m:
        # a tag may spread its attributes over several lines: look further only then
        return -1 if not final and ">" not in s[i:] else _NOT_HERE
    name = m.group(2).lower()
    if name.endswith(":") or (name not in _BLOCK_TAGS and name not in _EITHER_TAGS):
        return _NOT_HERE
    if not m.group(1) and name in _VERBATIM_TAGS:
        close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE).search(s, m.end())
        if close:
            return close.end()
        if not final:
            return -1
    return m.end()


def _pipe_row(probe: _Inline, p: int, end: int) -> tuple[list[tuple[int, int]], int] | None:
    """Pandoc's ``pipeTableRow`` at offset ``p``: the cells' spans and where the next row starts.

    Code spans, math, escapes and raw HTML/LaTeX are kept whole, even across lines.
    """
    s = probe.s
    line_end = s.find("\n", p, end)
    if "|" not in s[p : end if line_end < 0 else line_end]:
        return None
    j = p
    while j < end and s[j] in " \t":
        j += 1
    if j < end and s[j] == "|":
        j += 1
    cells: list[tuple[int, int]] = []
    start = j
    while True:
        if j >= end or s[j] == "\n":
            cells.append((start, j))
            return cells, j + 1
        if s[j] == "|":
            cells.append((start, j))
            j += 1
            start = j
            continue
        k = probe.skip_verbatim(j, end)
        j = k if k > j else j + 1


def _slice_segment(seg: _Segment, a: int, b: int) -> _Segment:
    """The part ``[a, b)`` of a segment, as a segment of its own."""
    out: list[_Line] = []
    for k, ln in enumerate(seg.lines):
        ls = seg.starts[k]
        le = ls + len(ln.text)
        x, y = max(a, ls), min(b, le)
        if x > y or (x == y and out):
            continue
        out.append(_Line(ln.text[x - ls : y - ls], ln.lineno, ln.col + x - ls))
    return _Segment.of(out or [_Line("", seg.lines[0].lineno, seg.lines[0].col)])


_Document._block_parsers = (
    _Document._fenced_code,
    _Document._yaml_block,
    _Document._bullet_list,
    _Document._fenced_div,
    _Document._header,
    _Document._html_block,
    _Document._pipe_table,
    _Document._simple_table,
    _Document._indented_code,
    _Document._raw_tex_block,
    _Document._line_block,
    _Document._block_quote,
    _Document._hrule,
    _Document._ordered_list,
    _Document._definition_list,
    _Document._note_block,
    _Document._reference_key,
    _Document._para,
)


# --------------------------------------------------------------------------
# inlines

# A source position as Pandoc compares them for ``notAfterString``: the name of the
# parsing context and a place in it. ``parseFromString`` (link labels, spans, inline
# notes) names its context after its parent's plus "_chunk" and counts lines and
# columns from 1 again, so two labels of one paragraph share positions.
_Position = tuple[str, int, int]
_State = tuple[_Position | None, int, bool, str, int]


class _Inline:
    """A port of the inline parsers of Pandoc's Markdown reader, for citations only."""

    def __init__(self, doc: _Document | None, seg: _Segment, in_note: bool = False) -> None:
        self.doc = doc
        self.seg = seg
        self.s = seg.text
        self.ctx = "doc"
        self.base = -1  # where the current "_chunk" context starts (-1: none)
        self.last_str: _Position | None = None
        self._newlines = [k for k, c in enumerate(self.s) if c == "\n"]
        self.out: list[_Found] = []
        self.allow_links = True
        self.in_note = in_note
        self._runs: dict[int, list[int]] | None = None
        self._bracket_memo: dict[tuple[int, int], int] = {}
        self._cite_failures: set[tuple[int, int, bool]] = set()
        self.soft = seg.soft
        self._list_stops = sorted(k for k, v in seg.soft.items() if v)
        self.stopped_at = -1
        self.depth = 0
        self._label_found = 0
        # Pathological input (thousands of nested brackets) could take Pandoc's
        # backtracking far; past this many steps brackets are read as plain text.
        self.steps = 0
        self.budget = 40 * len(self.s) + 20_000
        self.degraded = False

    # ---- state

    def _save(self) -> _State:
        return self.last_str, len(self.out), self.allow_links, self.ctx, self.base

    def _restore(self, st: _State) -> None:
        self.last_str, n, self.allow_links, self.ctx, self.base = st
        del self.out[n:]

    def _position(self, i: int) -> _Position:
        if self.base < 0:
            return (self.ctx, 0, i)
        lo = bisect.bisect_left(self._newlines, self.base)
        hi = bisect.bisect_left(self._newlines, i)
        line_start = self._newlines[hi - 1] + 1 if hi > lo else self.base
        return (self.ctx, hi - lo + 1, i - line_start + 1)

    def _set_string_end(self, j: int) -> None:
        self.last_str = self._position(j)

    def _not_after_string(self, i: int) -> bool:
        return self.last_str is None or self.last_str != self._position(i)

    def _emit(self, key: str, at: int, **kw: Any) -> _Found:
        line, col = self.seg.position(at)
        f = _Found(key, line, col + 1, **kw)
        self.out.append(f)
        return f

    # ---- driver

    def parse_all(self) -> list[_Found]:
        i = 0
        n = len(self.s)
        pieces = 0  # inlines other than white space
        image: tuple[int, int] | None = None  # citations of a first inline image
        while i < n:
            before = len(self.out)
            j = self.inline(i, n)
            if j <= i:
                self.stopped_at = i  # the paragraph ends here
                break
            if not self.s[i:j].isspace():
                pieces += 1
                if pieces == 1 and self.s.startswith("![", i) and j > i + 1:
                    image = (before, len(self.out))
            i = j
        if self.seg.para and pieces == 1 and image is not None and image[1] > image[0]:
            # an image alone in a paragraph is a figure: its caption repeats the alt text
            self.out.extend(
                _Found(
                    f.key,
                    f.line,
                    f.column,
                    f.prefix,
                    f.suffix,
                    f.locator,
                    f.suppress_author,
                    f.in_text,
                )
                for f in self.out[image[0] : image[1]]
            )
        return self.out

    def inlines(self, i: int, end: int, stop: Callable[[int], bool] | None = None) -> int:
        while i < end:
            if stop is not None and stop(i):
                break
            j = self.inline(i, end)
            if j <= i:
                break
            i = j
        return i

    def sub_parse(self, i: int, end: int, fresh: bool = False) -> None:
        """Parse ``s[i:end]`` as Pandoc's ``parseFromString`` does: in a "_chunk" context.

        ``fresh`` is ``parseFromString'``: the string end is forgotten, then restored.
        """
        saved_ctx, saved_base, saved_last = self.ctx, self.base, self.last_str
        self.ctx, self.base = self.ctx + "_chunk", i
        if fresh:
            self.last_str = None
        self.inlines(i, end)
        self.ctx, self.base = saved_ctx, saved_base
        if fresh:
            self.last_str = saved_last

    def _spend(self, work: int) -> None:
        self.steps += work
        if self.steps > self.budget:
            self.degraded = True

    def inline(self, i: int, end: int) -> int:
        if self.depth > _MAX_DEPTH:
            return i + 1  # absurdly deep nesting: read the rest as plain characters
        self._spend(1)
        self.depth += 1
        try:
            return self._inline(i, end)
        finally:
            self.depth -= 1

    def _inline(self, i: int, end: int) -> int:
        s = self.s
        c = s[i]
        r = -1
        if c in " \t":
            j = i + 1
            while j < end and s[j] in " \t":
                j += 1
            return j
        if c == "\n":
            if i in self.soft:
                return i
            j = i + 1
            while j < end and s[j] in " \t":
                j += 1
            return j
        if c == "`":
            r = self.code(i, end)
        elif c in "*_":
            r = self.strong_or_emph(i, end)
        elif c == "^":
            r = self.inline_note(i, end)
        elif c == "[":
            r = self.bracket(i, end)
        elif c == "!":
            r = self.image(i, end)
        elif c == "$":
            r = self.math(i, end)
        elif c == "<":
            if i > 0 or not self.seg.para:
                m = _compiled(_TAG).match(s, i, end)
                if (
                    m
                    and _ends_paragraph(m.group(2).lower())
                    and not (m.group(2).lower() == "script" and "math/tex" in m.group(3))
                ):
                    return i  # Pandoc ends the paragraph before a block-level tag
            r = self.angle(i, end)
        elif c == "\\":
            r = self.backslash(i, end)
        elif c == "@":
            r = self.cite(i, end)
            if r < 0:
                return self.example_ref(i, end)
        elif c == "-":
            r = self.cite(i, end)
            if r < 0:
                j = i
                while j < end and j - i < 3 and s[j] == "-":
                    j += 1
                return j if j - i >= 2 else i + 1
        elif c == ".":
            if s.startswith("...", i):
                return i + 3
        elif c == "&":
            m = _compiled(_ENTITY).match(s, i, end)
            if m and (
                m.group(1) in _entity_names() or _compiled(_NUMERIC_ENTITY).fullmatch(m.group(1))
            ):
                return m.end()
        if r >= 0:
            return r
        # str: letters, digits and '.' not followed by '.'
        j = i
        while j < end:
            d = s[j]
            if _alnum(d) or (d == "." and not (j + 1 < end and s[j + 1] == ".")):
                j += 1
            else:
                break
        if j > i:
            self._set_string_end(j)
            return j
        return i + 1  # symbol

    # ---- verbatim things (no citations inside)

    def _backtick_runs(self) -> dict[int, list[int]]:
        if self._runs is None:
            runs: dict[int, list[int]] = {}
            for m in re.finditer(r"`+", self.s):
                runs.setdefault(m.end() - m.start(), []).append(m.start())
            self._runs = runs
        return self._runs

    def code(self, i: int, end: int) -> int:
        s = self.s
        run = _BACKTICKS_RE.match(s, i, end)
        j = run.end() if run else i + 1
        n = j - i
        starts = self._backtick_runs().get(n, [])
        k = bisect.bisect_left(starts, j)
        while k < len(starts) and starts[k] < end:
            close = starts[k]
            if self._list_stops:
                stop = bisect.bisect_left(self._list_stops, j)
                if stop < len(self._list_stops) and self._list_stops[stop] < close:
                    return -1
            if close + n <= end:
                after = close + n
                if after < end and s[after] == "{":
                    raw = _compiled(_RAW_ATTRIBUTE).match(s, after, end)
                    if raw:
                        return raw.end()
                    a = _parse_attributes(s, after, end)
                    if a >= 0:
                        return a
                return after
            k += 1
        return -1

    def math(self, i: int, end: int) -> int:
        s = self.s
        if s.startswith("$$", i):
            k = s.find("$$", i + 3, end)
            if k >= 0:
                return k + 2
        j = i + 1
        if j >= end or s[j] in _SPACE_CHARS:
            return -1
        first = True
        while True:
            if not first and j < end and s[j] == "$":
                j += 1
                if j < end and s[j].isdigit():
                    return -1
                return j
            first = False
            if j >= end:
                return -1
            c = s[j]
            if c == "\\":
                if j + 1 >= end:
                    return -1
                if s.startswith("text", j + 1) and j + 5 < end and s[j + 5] == "{":
                    close = _balanced(s, j + 5, end, "{", "}")
                    if close < 0:
                        return -1
                    j = close
                else:
                    j += 2
            elif c in " \t":
                k = j
                while k < end and s[k] in " \t":
                    k += 1
                if k < end and s[k] == "\n":
                    if k + 1 < end and s[k + 1] == "$":
                        return -1
                    j = k + 1
                elif k < end and s[k] == "$":
                    return -1
                else:
                    j = k
            elif c == "\n":
                if j + 1 < end and s[j + 1] == "$":
                    return -1
                j += 1
            else:
                j += 1

    def raw_html(self, i: int, end: int) -> int:
        s = self.s
        if s.startswith("<!--", i):
            k = s.find("-->", i + 4, end)
            return -1 if k < 0 else k + 3
        m = _compiled(_DECL).match(s, i, end)
        if m:
            return m.end()
        m = _compiled(_TAG).match(s, i, end)
        if not m or m.group(2).endswith(":"):
            return -1
        name = m.group(2).lower()
        if not m.group(1) and name in ("pre", "script", "textarea"):
            # a block-level verbatim element: Pandoc ends the paragraph and keeps it raw
            close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(s, m.end(), end)
            if close:
                return close.end()
        return m.end()

    def autolink(self, i: int, end: int) -> int:
        if not self.allow_links:
            return -1
        s = self.s
        m = _compiled(_SCHEME).match(s, i + 1, end)
        if m and m.end() < end and s[m.end()] == ":" and m.group().lower() in _URI_SCHEMES:
            j = m.end() + 1
            if j < end and s[j] not in "*_]" and not s[j].isspace():
                k = j
                while k < end and s[k] != ">" and not s[k].isspace():
                    k += 1
                if k < end and s[k] == ">" and k > j:
                    return k + 1
        m = _compiled(_EMAIL_AUTOLINK).match(s, i, end)
        if m:
            return m.end()
        return -1

    def angle(self, i: int, end: int) -> int:
        r = self.autolink(i, end)
        if r >= 0:
            return r
        return self.raw_html(i, end)

    def backslash(self, i: int, end: int) -> int:
        s = self.s
        if i + 1 >= end:
            return -1
        c = s[i + 1]
        if c == "\n":
            return i + 1
        if not _alnum(c) and c not in "\r\n":
            return i + 2  # escaped character (a Str, but not a "string end")
        if (i > 0 or not self.seg.para) and s.startswith("\\begin{", i):
            m = _LATEX_BEGIN_RE.match(s, i, end)
            if (
                m
                and m.group(1) not in _MATH_ENVIRONMENTS
                and _latex_env_end(s, m.end(), len(s), m.group(1)) >= 0
            ):
                return i  # a LaTeX environment is a raw block: Pandoc ends the paragraph
        if self.degraded:
            m = _compiled(_LATEX_NAME).match(s, i, end)
            return m.end() if m else -1
        r = _raw_latex(s, i, end)
        self._spend(r - i if r > i else end - i)
        return r

    def skip_verbatim(self, i: int, end: int) -> int:
        """End of a code span, math, raw HTML/LaTeX or escape at ``i`` (else ``i``)."""
        c = self.s[i]
        r = -1
        if c == "\\":
            r = self.backslash(i, end)
        elif c == "`":
            r = self.code(i, end)
        elif c == "$":
            r = self.math(i, end)
        elif c == "<":
            r = self.raw_html(i, end)
        return r if r > i else i

    # ---- emphasis (its closers count as "end of a string")

    def _ender(self, c: str, n: int, i: int, end: int) -> bool:
        s = self.s
        if i + n > end or s[i : i + n] != c * n:
            return False
        return c == "*" or not (i + n < end and _alnum(s[i + n]))

    def strong_or_emph(self, i: int, end: int) -> int:
        s = self.s
        c = s[i]
        if c == "_" and not self._not_after_string(i):
            return -1
        j = i
        while j < end and s[j] == c:
            j += 1
        run = j - i
        if j < end and s[j] in " \t":
            return j
        if run == 3:
            return self._three(c, j, end)
        if run == 2:
            return self._two(c, j, end)
        if run == 1:
            return self._one(c, j, end)
        return j

    def _mark_end(self, j: int) -> int:
        self._set_string_end(j)
        return j

    def _three(self, c: str, i: int, end: int) -> int:
        j = self.inlines(i, end, stop=lambda k: self._ender(c, 1, k, end))
        if self._ender(c, 3, j, end):
            return self._mark_end(j + 3)
        if self._ender(c, 2, j, end):
            self._mark_end(j + 2)
            return self._one(c, j + 2, end)
        if self._ender(c, 1, j, end):
            self._mark_end(j + 1)
            return self._two(c, j + 1, end)
        return j

    def _two(self, c: str, i: int, end: int) -> int:
        j = self.inlines(i, end, stop=lambda k: self._ender(c, 2, k, end))
        if self._ender(c, 2, j, end):
            return self._mark_end(j + 2)
        return j

    def _one(self, c: str, i: int, end: int) -> int:
        s = self.s
        j = i
        while j < end:
            if self._ender(c, 1, j, end):
                if s.startswith(c * 2, j) and not self._ender(c, 1, j + 2, end):
                    j = self._two(c, j + 2, end)
                    continue
                break
            k = self.inline(j, end)
            if k <= j:
                break
            j = k
        if self._ender(c, 1, j, end):
            return self._mark_end(j + 1)
        return j

    # ---- brackets: notes, citations, spans, links, images

    def match_bracket(self, i: int, end: int) -> int:
        """Pandoc's ``inBalancedBrackets``: index after the ``]`` closing ``s[i] == '['``."""
        memo_key = (i, end)
        if memo_key in self._bracket_memo:
            return self._bracket_memo[memo_key]
        s = self.s
        depth = 1
        j = i + 1
        result = -1
        while j < end:
            c = s[j]
            if c in "\\`$<":
                k = self.skip_verbatim(j, end)
                if k > j:
                    j = k
                    continue
            if c == "\n" and j in self.soft:
                break
            if c == "]":
                depth -= 1
                if depth == 0:
                    result = j + 1
                    break
            elif c == "[":
                depth += 1
            j += 1
        self._bracket_memo[memo_key] = result
        self._spend(j - i)
        return result

    def bracket(self, i: int, end: int) -> int:
        if self.degraded:
            return -1
        r = self.note_ref(i, end)
        if r >= 0:
            return r
        r = self.normal_cite(i, end)
        if r >= 0:
            return r
        close = self.match_bracket(i, end)
        if close < 0:
            return -1
        # bracketed span
        a = _parse_attributes(self.s, close, end)
        if a >= 0:
            self.sub_parse(i + 1, close - 1)
            return a
        if not self.allow_links:
            return -1
        return self.link_rest(i, close, end)

    def link_rest(self, i: int, close: int, end: int, image: bool = False) -> int:
        """A link or image whose label is ``s[i+1:close-1]``: parse the label, skip the target."""
        s = self.s
        src = self.link_source(close, end)
        if src >= 0:
            self._parse_label(i + 1, close - 1, allow_links=image and self.allow_links)
            a = _parse_attributes(s, src, end)
            return a if a >= 0 else src
        # a reference link: [label][ref], [label][] or [label]
        j = close
        second: tuple[int, int] | None = None
        if j < end and s[j] == "[" and not s.startswith("[^", j):
            st = self._save()
            cite_end = self.normal_cite(j, end)
            self._restore(st)
            if cite_end < 0:
                ref_close = self.match_bracket(j, end)
                if ref_close >= 0:
                    second = (j + 1, ref_close - 1)
                    j = ref_close
        label = s[i + 1 : close - 1]
        if second is not None and s[second[0] : second[1]].strip():
            label = s[second[0] : second[1]]
        key = _normal_key(label)
        doc = self.doc
        defined = doc is not None and (key in doc.ref_keys or key in doc.header_keys)
        self._parse_label(i + 1, close - 1, allow_links=image and self.allow_links)
        if not defined:
            # Pandoc reads the brackets again as plain inlines, links allowed, and
            # keeps only what that finds
            del self.out[len(self.out) - self._label_found :]
            self._parse_label(i + 1, close - 1, allow_links=True, fresh=True)
            if second is not None:
                self._parse_label(second[0], second[1], allow_links=True, fresh=True)
        a = _parse_attributes(s, j, end)
        return a if a >= 0 else j

    def _parse_label(self, i: int, end: int, allow_links: bool, fresh: bool = False) -> None:
        saved = self.allow_links
        before = len(self.out)
        self.allow_links = allow_links
        self.sub_parse(i, end, fresh=fresh)
        self.allow_links = saved
        self._label_found = len(self.out) - before

    def link_source(self, i: int, end: int) -> int:
        """Index after a link destination ``(url "title")`` at ``s[i]``, or -1."""
        s = self.s
        if i >= end or s[i] != "(":
            return -1
        j = i + 1
        while j < end and s[j] in " \t":
            j += 1
        if j < end and s[j] == "<":
            k = j + 1
            while k < end and s[k] not in ">\n":
                k += 2 if s[k] == "\\" else 1
            if k < end and s[k] == ">":
                j = k + 1
        depth = 0
        self._spend(1)
        while j < end:
            self.steps += 1
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return j + 1
                depth -= 1
            elif c in " \t\n":
                k = j
                while k < end and s[k] in " \t\n":
                    k += 1
                if k < end and s[k] in "\"'" and depth == 0:
                    q = s[k]
                    m = k + 1
                    while m < end:
                        if s[m] == "\\":
                            m += 2
                            continue
                        if s[m] == q and not (m + 1 < end and _alnum(s[m + 1])):
                            break
                        m += 1
                    if m >= end:
                        return -1
                    m += 1
                    while m < end and s[m] in " \t":
                        m += 1
                    return m + 1 if m < end and s[m] == ")" else -1
                if "\n\n" in s[j:k]:
                    return -1
                j = k
                continue
            j += 1
        return -1

    def note_ref(self, i: int, end: int) -> int:
        s = self.s
        if not s.startswith("[^", i):
            return -1
        j = i + 2
        while j < end and s[j] not in "\r\n\t ^[]":
            j += 1
        if j == i + 2 or j >= end or s[j] != "]":
            return -1
        ref = s[i + 2 : j]
        if not self.in_note and self.doc is not None:
            self.out.extend(self.doc.note_citations(ref))
        return j + 1

    def inline_note(self, i: int, end: int) -> int:
        s = self.s
        if self.degraded or i + 1 >= end or s[i + 1] != "[":
            return -1
        close = self.match_bracket(i + 1, end)
        if close < 0:
            return -1
        if close < end and (s[close] in "([" or _parse_attributes(s, close, end) >= 0):
            return -1
        self.sub_parse(i + 2, close - 1)
        return close

    def image(self, i: int, end: int) -> int:
        if self.degraded or i + 1 >= end or self.s[i + 1] != "[":
            return -1
        close = self.match_bracket(i + 1, end)
        if close < 0:
            return -1
        return self.link_rest(i + 1, close, end, image=True)

    # ---- citations

    def cite_key(self, i: int, end: int) -> tuple[int, bool, str] | None:
        """Pandoc's ``citeKey True``: (end, suppress author, key) at ``s[i]``."""
        s = self.s
        if not self._not_after_string(i):
            return None
        j = i
        suppress = False
        if j < end and s[j] == "-":
            suppress = True
            j += 1
        if j >= end or s[j] != "@":
            return None
        j += 1
        if j >= end:
            return None
        c = s[j]
        if _alnum(c) or c in "_*":
            k = j + 1
            while k < end:
                d = s[k]
                nxt = s[k + 1] if k + 1 < end else ""
                if (
                    _alnum(d)
                    or d == "_"
                    or (d in _KEY_PUNCT and nxt and (_alnum(nxt) or nxt == "_"))
                    or (d in ":/" and nxt == "/")
                ):
                    k += 1
                else:
                    break
            return k, suppress, s[j:k]
        if c == "{" and not self.degraded:
            depth = 0
            k = j
            while k < end:
                self.steps += 1
                d = s[k]
                if d.isspace():
                    return None
                if d == "{":
                    depth += 1
                elif d == "}":
                    depth -= 1
                    if depth == 0:
                        return k + 1, suppress, s[j + 1 : k]
                k += 1
        return None

    def cite(self, i: int, end: int) -> int:
        """Pandoc's ``textualCite`` (at ``@`` or ``-@``)."""
        got = self.cite_key(i, end)
        if got is None:
            return -1
        j, suppress, key = got
        at = i + 1 if suppress else i
        doc = self.doc
        example_line = doc.examples.get(key) if doc is not None else None
        if example_line is not None and example_line <= self.seg.position(i)[0]:
            # a reference to an earlier example-list item: Pandoc's exampleRef
            return self.example_ref(i + 1 if suppress else i, end)
        st = self._save()
        first = self._emit(key, at, suppress_author=suppress, in_text=not suppress)
        # bracketed material right after: @key [p. 3] or @key [p. 3; @other]
        k = _spnl(self.s, j, end)
        if k < end and self.s[k] == "[":
            r = self.normal_cite(k, end)
            if r >= 0:
                return r
            r = self.bareloc(first, j, end)
            if r >= 0:
                return r
        if example_line is not None:
            self._restore(st)  # Pandoc resolves it to the example's number
        return j

    def example_ref(self, i: int, end: int) -> int:
        """Pandoc's ``exampleRef``: ``@`` and a label, which does not end a string."""
        s = self.s
        k = i + 1
        while k < end:
            if _alnum(s[k]):
                k += 1
            elif s[k] in "_-" and k + 1 < end and _alnum(s[k + 1]):
                k += 2
            else:
                break
        return k

    def bareloc(self, first: _Found, i: int, end: int) -> int:
        s = self.s
        st = self._save()
        j = _spnl(s, i, end)
        if j >= end or s[j] != "[" or s.startswith("[^", j):
            return -1
        j, suffix = self._suffix(j + 1, end)
        if j < 0:
            self._restore(st)
            return -1
        if j < end and s[j] == ";":
            k = _spnl(s, j + 1, end)
            r = self._cite_list(k, end)
            if r >= 0:
                j = r
        j = _spnl(s, j, end)
        if j >= end or s[j] != "]" or (j + 1 < end and s[j + 1] in "[({"):
            self._restore(st)
            return -1
        first.suffix = suffix
        first.locator = _locator(suffix)
        return j + 1

    def normal_cite(self, i: int, end: int) -> int:
        """Pandoc's ``normalCite``: ``[prefix @key suffix; ...]`` at ``s[i]``."""
        s = self.s
        if self.degraded or i >= end or s[i] != "[":
            return -1
        memo_key = (i, end, self.allow_links)
        if memo_key in self._cite_failures:
            return -1
        r = self._normal_cite(i, end)
        if r < 0:
            self._cite_failures.add(memo_key)
        return r

    def _normal_cite(self, i: int, end: int) -> int:
        s = self.s
        st = self._save()
        j = _spnl(s, i + 1, end)
        j = self._cite_list(j, end)
        if j < 0:
            self._restore(st)
            return -1
        j = _spnl(s, j, end)
        if j >= end or s[j] != "]":
            self._restore(st)
            return -1
        j += 1
        if j < end:
            if s[j] == "(" and self.link_source(j, end) >= 0:
                self._restore(st)
                return -1
            if s[j] == "{" and _parse_attributes(s, j, end) >= 0:
                self._restore(st)
                return -1
            if s[j] == "[" and not s.startswith("[^", j) and self.match_bracket(j, end) >= 0:
                self._restore(st)
                return -1
        return j

    def _cite_list(self, j: int, end: int) -> int:
        s = self.s
        j = self._citation(j, end)
        while j >= 0 and j < end and s[j] == ";":
            k = _spnl(s, j + 1, end)
            j = self._citation(k, end)
        return j

    def _citation(self, i: int, end: int) -> int:
        s = self.s
        self._spend(8)
        st = self._save()
        j = i
        prefix_end = -1
        while True:
            if j >= end:
                self._restore(st)
                return -1
            if s[j] == "]":
                prefix_end = j
                j += 1
                break
            k = j
            if s[k] == ";":
                k = _spnl(s, k + 1, end)
            if self.cite_key(k, end) is not None:
                break
            if s[j] == ";":
                self._restore(st)
                return -1
            k = self.inline(j, end)
            if k <= j:
                self._restore(st)
                return -1
            j = k
        prefix = s[i : prefix_end if prefix_end >= 0 else j].strip() or None
        got = self.cite_key(j, end)
        if got is None:
            self._restore(st)
            return -1
        k, suppress, key = got
        found = self._emit(key, j + 1 if suppress else j, prefix=prefix, suppress_author=suppress)
        k, suffix = self._suffix(k, end)
        if k < 0:
            self._restore(st)
            return -1
        found.suffix = suffix
        found.locator = _locator(suffix)
        return k

    def _suffix(self, i: int, end: int) -> tuple[int, str | None]:
        s = self.s
        j = _spnl(s, i, end)
        j = self.inlines(j, end, stop=lambda k: s[k] in ";]")
        text = s[i:j].strip()
        return j, text or None


def _locator(suffix: str | None) -> str | None:
    if not suffix:
        return None
    text = suffix.lstrip(", \t\n").strip()
    return text or None

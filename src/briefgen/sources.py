"""Source texts: decoding and page maps (CONTRACT section 2)."""

from __future__ import annotations

import re

from briefgen import diagnostics as diag
from briefgen.model import Diagnostic, PageMap, Span

FORM_FEED = "\f"
_MARKER = re.compile(r"^<!-- page ([^ \t>]+) -->$", re.MULTILINE)
_MARKER_LOOSE = re.compile(
    r"(?:^|(?<=\f))[ \t]*<!--\s*page\b.*?-->[ \t]*$", re.MULTILINE | re.IGNORECASE
)
_LABEL = re.compile(r"^[0-9]+$|^[ivxlcdm]+$|^[A-Za-z]?[0-9]+$", re.IGNORECASE)


def decode_text(data: bytes, path: str, code: str = "SRC002") -> tuple[str, list[Diagnostic]]:
    """Decode UTF-8, reporting every undecodable byte run by line and column.

    A BOM is dropped and CRLF / CR line ends become LF, so offsets and lines
    agree with what an editor shows.
    """
    problems: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        line_no = 1
        for raw_line in data.split(b"\n"):
            try:
                raw_line.decode("utf-8")
            except UnicodeDecodeError as exc:
                col = len(raw_line[: exc.start].decode("utf-8", errors="replace")) + 1
                problems.append(diag.make(
                    code,
                    f"byte 0x{raw_line[exc.start]:02x} is not valid UTF-8 "
                    f"(replaced by U+FFFD)",
                    Span(path, line_no, col),
                ))
                if len(problems) >= 20:
                    break
            line_no += 1
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, problems


_ROMAN = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
          ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _roman_value(label: str) -> int | None:
    text, value = label.lower(), 0
    for numeral, amount in _ROMAN:
        while text.startswith(numeral):
            value += amount
            text = text[len(numeral):]
    return value if not text and value else None


def _roman(value: int, upper: bool) -> str:
    out = []
    for numeral, amount in _ROMAN:
        while value >= amount:
            out.append(numeral)
            value -= amount
    text = "".join(out)
    return text.upper() if upper else text


def _next_label(label: str) -> str:
    if label.isdigit():
        return str(int(label) + 1)
    roman = _roman_value(label)
    if roman is not None and (label.islower() or label.isupper()):
        return _roman(roman + 1, label.isupper())
    m = re.match(r"^(.*?)([0-9]+)$", label)
    if m:
        return f"{m.group(1)}{int(m.group(2)) + 1}"
    return label + "+"


def build_page_map(
    text: str, first_page: str | None, path: str
) -> tuple[PageMap | None, list[Diagnostic]]:
    """Find the pages of a source text.

    A form feed starts a new page; a line that is exactly ``<!-- page N -->``
    gives the page that follows the number N (a marker right after a form feed,
    or at the start of the text, names that page rather than starting another).
    With neither, the text has no page information and ``None`` is returned.
    """
    problems: list[Diagnostic] = []
    # (offset where a page starts, label or None, offset where the break begins)
    breaks: list[tuple[int, str | None, int]] = []
    i = text.find(FORM_FEED)
    while i != -1:
        breaks.append((i + 1, None, i + 1))
        i = text.find(FORM_FEED, i + 1)
    for m in _MARKER_LOOSE.finditer(text) if "<!--" in text else ():
        strict = _MARKER.match(m.group(0))
        if not strict or not _LABEL.match(strict.group(1)):
            line = text.count("\n", 0, m.start()) + 1
            problems.append(diag.make(
                "SRC005", f"{m.group(0)!r} is not a page marker: a marker is a line that is "
                "exactly <!-- page N -->",
                Span(path, line, 1)))
            continue
        end = m.end()
        if end < len(text) and text[end] == "\n":
            end += 1
        breaks.append((end, strict.group(1), m.start()))
    if not breaks:
        return None, problems
    breaks.sort(key=lambda b: b[0])
    starts: list[int] = [0]
    labels: list[str | None] = [None]
    for offset, label, begin in breaks:
        # A marker right after a page start (only white space between) names
        # that page instead of starting another.
        if label is not None and text[starts[-1] : begin].strip() == "":
            labels[-1] = label
            continue
        starts.append(offset)
        labels.append(label)
    first = first_page if first_page else "1"
    out: list[str] = []
    current: str | None = None
    for label in labels:
        if label is not None:
            current = label
        elif current is None:
            current = first
        else:
            current = _next_label(current)
        out.append(current)
    return PageMap(tuple(starts), tuple(out)), problems


def parse_page_claim(page: str) -> tuple[str, ...] | None:
    """The pages a claim names: ``147``, ``147-148``, ``147–149``, ``147, 149``.

    Returns ``None`` when the claim is not a page, a range or a list of them.
    """
    out: list[str] = []
    for part in re.split(r"\s*[,;]\s*", page.strip()):
        if not part:
            return None
        m = re.fullmatch(r"([A-Za-z]?[0-9]+|[ivxlcdmIVXLCDM]+)(?:\s*(?:-{1,3}|–|—)\s*"
                         r"([A-Za-z]?[0-9]+|[ivxlcdmIVXLCDM]+))?", part)
        if not m:
            return None
        a, b = m.group(1), m.group(2)
        if b and a.isdigit() and b.isdigit():
            lo, hi = int(a), int(b)
            if hi < lo:
                # 147-9 style abbreviation
                hi_s = a[: len(a) - len(b)] + b
                hi = int(hi_s)
            if hi < lo or hi - lo > 10000:
                return None
            out.extend(str(p) for p in range(lo, hi + 1))
        else:
            out.append(a)
            if b:
                out.append(b)
    return tuple(out)

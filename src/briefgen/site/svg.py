"""The overview's pictures, drawn as static SVG: a timeline and a coverage matrix.

Both functions take plain data with the link of every mark already worked out,
and return one ``<svg>`` element as a string with no blank line in it, so that
it can sit in a Markdown page as a raw HTML block. Every text is escaped; colours
are presentation attributes (no ``style`` attribute or element), text is drawn in
``currentColor`` so that it follows the page's light or dark scheme, and nothing
is loaded from anywhere.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "PALETTE",
    "CoverageCell",
    "Label",
    "TimelineMark",
    "draw_coverage",
    "draw_timeline",
    "theme_colours",
]

# Okabe-Ito and Tableau hues: distinguishable, legible on white and on slate.
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#ff9da7",
    "#9c755f",
    "#8c8c8c",
)

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"


@dataclass(frozen=True, slots=True)
class TimelineMark:
    """One dated finding on the timeline: its place, its lane and its link."""

    when: float  # fractional year, e.g. 2012.45
    lane: str
    href: str
    label: str  # shown as the mark's tooltip


@dataclass(frozen=True, slots=True)
class Label:
    """A row or column heading of the coverage matrix, with its link."""

    text: str
    href: str


@dataclass(frozen=True, slots=True)
class CoverageCell:
    """How many findings of source ``row`` carry theme ``column``."""

    row: int
    column: int
    count: int
    href: str


def theme_colours(themes: Sequence[str]) -> dict[str, str]:
    """Give each theme a colour of :data:`PALETTE`, in the order given."""
    return {theme: PALETTE[i % len(PALETTE)] for i, theme in enumerate(themes)}


# Every character that means something to HTML or to a Markdown reader becomes a
# character reference, so a picture is inert wherever its text ends up.
_ESCAPES = str.maketrans(
    {c: f"&#{ord(c)};" for c in "\\`*_{}[]#!|~^=$'"}
    | {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
)


def escape(value: str) -> str:
    return value.translate(_ESCAPES)


def _attr(value: str) -> str:
    return value.translate(_ESCAPES)


def _href(value: str) -> str:
    return html.escape(value, quote=True)


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _year_ticks(start: int, end: int) -> list[int]:
    span = max(end - start, 1)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 1000) if span / s <= 12)
    first = math.ceil(start / step) * step
    return list(range(first, end + 1, step))


def draw_timeline(
    marks: Sequence[TimelineMark],
    lanes: Sequence[Label],
    colours: Mapping[str, str],
    *,
    title: str = "Timeline of dated findings",
    width: int = 720,
) -> str:
    """Draw dated findings as dots, one lane per theme, each dot a link.

    ``lanes`` gives the lanes top to bottom (their ``text`` is the lane key used
    by the marks); a lane's label links to ``href``.
    """
    label_width = int(min(max((len(lane.text) for lane in lanes), default=8), 20) * 6.6) + 12
    lane_height = 26
    top = 12
    axis_height = 28
    plot_left = label_width + 10
    plot_right = width - 16
    height = top + lane_height * max(len(lanes), 1) + axis_height
    parts = [
        f'<svg class="briefgen-timeline" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{_attr(title)}" font-family="{_attr(FONT)}" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    if not marks:
        parts.append(
            f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle" '
            f'fill="currentColor">No dated findings yet.</text>'
        )
        parts.append("</svg>")
        return "".join(parts)

    first = min(m.when for m in marks)
    last = max(m.when for m in marks)
    start = math.floor(first)
    end = math.floor(last) + 1
    if end - start < 2:
        start -= 1
        end += 1

    def x_of(when: float) -> float:  # dots keep clear of both ends of the axis
        inner_left, inner_right = plot_left + 8, plot_right - 8
        return inner_left + (when - start) / (end - start) * (inner_right - inner_left)

    lane_index = {lane.text: i for i, lane in enumerate(lanes)}
    axis_y = top + lane_height * len(lanes)
    for year in _year_ticks(start, end):
        x = x_of(year)
        parts.append(
            f'<line x1="{_num(x)}" y1="{top}" x2="{_num(x)}" y2="{axis_y}" '
            f'stroke="currentColor" stroke-opacity="0.15"/>'
            f'<text x="{_num(x)}" y="{axis_y + 16}" text-anchor="middle" '
            f'fill="currentColor" fill-opacity="0.8">{year}</text>'
        )
    for i, lane in enumerate(lanes):
        y = top + lane_height * i + lane_height / 2
        colour = colours.get(lane.text, PALETTE[-1])
        parts.append(
            f'<line x1="{plot_left}" y1="{_num(y)}" x2="{plot_right}" y2="{_num(y)}" '
            f'stroke="{_attr(colour)}" stroke-opacity="0.35"/>'
            f'<a href="{_href(lane.href)}"><text x="{label_width}" y="{_num(y + 4)}" '
            f'text-anchor="end" fill="currentColor">{escape(_truncate(lane.text, 20))}'
            f"<title>{escape(lane.text)}</title></text></a>"
        )
    # Dots close to one another in the same lane are nudged up and down.
    # One group per lane carries the colour, so that each dot is just a link and a circle.
    by_lane: dict[int, list[TimelineMark]] = {}
    for mark in marks:
        if mark.lane in lane_index:
            by_lane.setdefault(lane_index[mark.lane], []).append(mark)
    for lane_no in sorted(by_lane):
        colour = colours.get(lanes[lane_no].text, PALETTE[-1])
        parts.append(
            f'<g class="briefgen-lane" fill="{_attr(colour)}" stroke="{_attr(colour)}" '
            f'fill-opacity="0.85">'
        )
        taken: list[float] = []
        for mark in sorted(by_lane[lane_no], key=lambda m: (m.when, m.href)):
            x = x_of(mark.when)
            crowd = sum(1 for other in taken[-12:] if abs(other - x) < 7)
            taken.append(x)
            offset = ((crowd + 1) // 2) * 4 * (1 if crowd % 2 else -1)
            offset = max(-9, min(9, offset))
            y = top + lane_height * lane_no + lane_height / 2 + offset
            parts.append(
                f'<a href="{_href(mark.href)}"><circle cx="{_num(x)}" cy="{_num(y)}" r="5">'
                f"<title>{escape(mark.label)}</title></circle></a>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def draw_coverage(
    rows: Sequence[Label],
    columns: Sequence[Label],
    cells: Sequence[CoverageCell],
    *,
    title: str = "Findings per source and theme",
    colour: str = "#4e79a7",
) -> str:
    """Draw a source x theme matrix: a shaded square per pair, labelled with its count."""
    label_chars = min(max((len(r.text) for r in rows), default=10), 32)
    label_width = int(label_chars * 6.6) + 16
    cell = 24
    header_chars = min(max((len(c.text) for c in columns), default=4), 18)
    header = int(header_chars * 6.6 * 0.77) + 24 if columns else 20
    grid_width = cell * max(len(columns), 1)
    view_width = label_width + grid_width + int(header_chars * 6.6 * 0.64) + 8
    height = header + cell * max(len(rows), 1) + 8
    parts = [
        f'<svg class="briefgen-coverage" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {view_width} {height}" width="{view_width}" height="{height}" '
        f'role="img" aria-label="{_attr(title)}" font-family="{_attr(FONT)}" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    if not rows or not columns:
        parts.append(
            f'<text x="{view_width / 2}" y="{height / 2 + 4}" text-anchor="middle" '
            f'fill="currentColor">No tagged findings yet.</text></svg>'
        )
        return "".join(parts)
    most = max((c.count for c in cells), default=1) or 1
    for j, column in enumerate(columns):
        x = label_width + cell * j + cell / 2
        parts.append(
            f'<a href="{_href(column.href)}"><text transform="translate({_num(x + 4)},'
            f'{header - 6}) rotate(-50)" fill="currentColor">'
            f"{escape(_truncate(column.text, 18))}<title>{escape(column.text)}</title>"
            f"</text></a>"
        )
    for i, row in enumerate(rows):
        y = header + cell * i
        parts.append(
            f'<line x1="{label_width}" y1="{y}" x2="{label_width + grid_width}" y2="{y}" '
            f'stroke="currentColor" stroke-opacity="0.1"/>'
            f'<a href="{_href(row.href)}"><text x="{label_width - 8}" y="{_num(y + cell / 2 + 4)}" '
            f'text-anchor="end" fill="currentColor">{escape(_truncate(row.text, 32))}'
            f"<title>{escape(row.text)}</title></text></a>"
        )
    # Shared attributes sit on one group; each cell is a link, a square and its count.
    parts.append(
        f'<g class="briefgen-cells" fill="{_attr(colour)}" font-size="11" '
        f'text-anchor="middle">'
    )
    for c in cells:
        if c.count <= 0:
            continue
        x = label_width + cell * c.column
        y = header + cell * c.row
        strength = 0.25 + 0.75 * (c.count / most)
        text_fill = "#fff" if strength > 0.55 else "currentColor"
        tip = f"{columns[c.column].text}: {c.count} finding" + ("" if c.count == 1 else "s")
        parts.append(
            f'<a href="{_href(c.href)}"><rect x="{x + 2}" y="{y + 2}" width="{cell - 4}" '
            f'height="{cell - 4}" rx="3" fill-opacity="{strength:.2f}">'
            f"<title>{escape(tip)}</title></rect>"
            f'<text x="{_num(x + cell / 2)}" y="{_num(y + cell / 2 + 4)}" '
            f'fill="{text_fill}" pointer-events="none">{c.count}</text></a>'
        )
    parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)

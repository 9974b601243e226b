"""Drawing primitives shared by the report charts: colours, series styles, text, markers, legends, links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape

from krachtvansamen.core import svg

FONT = "Liberation Sans, Arial, Helvetica, sans-serif"
# Charts are drawn 320 units wide: the content column of a 390-px phone is about 280 px, so a 14-unit label
# reads as 12–13 px there; on a desktop and on paper the charts are kept narrow (reports.css, print.css).
WIDTH = 320.0
INK, MUTED, GRID = "#1a1a1a", "#4d4d4d", "#c7ccd3"
BLUE, BLUE_SOFT, ORANGE, ORANGE_SOFT, GREEN = "#24578f", "#e5eef8", "#b34e12", "#fbe3d3", "#1e6b34"
# Series styles: colour, dash pattern, marker shape. The marker and the dash make a series recognisable
# without seeing colour.
SERIES_STYLES = (
    (BLUE, "", "circle"),
    (ORANGE, "8 5", "square"),
    (GREEN, "2 4", "triangle"),
    ("#6b3fa0", "12 4 2 4", "diamond"),
    (INK, "", "cross"),
)


def fmt(value: float | None) -> str:
    """A number as the active language writes it (Dutch: decimal comma), whole numbers without decimals."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, 1)
    return number_format(int(value), 0)


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{fmt(round(value))}%"


def wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters (a long word gets a line of its own)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def text(
    x: float,
    y: float,
    text: str,
    *,
    size: int = 15,
    anchor: str = "start",
    weight: int = 400,
    fill: str = INK,
    extra: str = "",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
        f'fill="{fill}"{extra}>{escape(text)}</text>'
    )


def text_lines(
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    size: int = 15,
    anchor: str = "start",
    weight: int = 400,
    fill: str = INK,
    spacing: float = 1.15,
) -> str:
    """Several lines of text, the first baseline at ``y``."""
    return "".join(text(x, y + i * size * spacing, line, size=size, anchor=anchor, weight=weight, fill=fill)
                   for i, line in enumerate(lines))  # fmt: skip


def svg_open(*, chart_id: str, width: float, height: float, title: str, description: str, css: str) -> str:
    return (
        f'<svg class="kvs-chart {css}" id="{chart_id}" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{FONT}" preserveAspectRatio="xMidYMin meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
    )


def link(href: str | None, inner: str, label: str = "") -> str:
    """A part of the chart (a bar, a cell, a point) with a tooltip; ``href`` is not drawn as a link.

    A chart is one image to assistive technology (``role="img"``): a link inside it would be hidden from
    screen readers and is reported by axe as nested-interactive. The table or list next to every chart
    carries the same numbers as links to their evidence, which every user reaches there.
    """
    del href  # kept in the signature: the callers pass the evidence link of every part
    if not label:
        return inner
    return f"<g><title>{escape(label)}</title>{inner}</g>"


# --- Room for labels -----------------------------------------------------------------------------------------

Box = svg.Box  # left, top, right, bottom


def text_width(text: str, size: float) -> float:
    """An estimate of a label's width: Liberation Sans (and Arial) digits are 0.556 em, bold letters a
    little wider on average; a generous estimate keeps labels apart in any of the fallback fonts."""
    return 0.6 * size * len(text)


def text_box(x: float, y: float, text: str, size: float, anchor: str = "start") -> Box:
    """The box a ``<text>`` at baseline ``y`` covers (cap height above, descenders below)."""
    width = text_width(text, size)
    left = x - width if anchor == "end" else (x - width / 2 if anchor == "middle" else x)
    return (left, y - 0.78 * size, left + width, y + 0.22 * size)


overlap = svg.boxes_overlap


def point_box(x: float, y: float, r: float) -> Box:
    return (x - r, y - r, x + r, y + r)


def place_text(
    candidates: Sequence[tuple[float, float, str]],
    label: str,
    *,
    size: float,
    taken: list[Box],
    bounds: Box,
) -> tuple[float, float, str]:
    """The first candidate position (x, baseline y, anchor) where the label overlaps nothing taken and stays
    inside ``bounds``; else the first candidate moved down, then up, step by step, until it is free. The
    chosen box is added to ``taken``."""

    def free(x: float, y: float, anchor: str) -> bool:
        box = text_box(x, y, label, size, anchor)
        inside = box[0] >= bounds[0] and box[2] <= bounds[2] and box[1] >= bounds[1] and box[3] <= bounds[3]
        return inside and not any(overlap(box, other, 1.0) for other in taken)

    chosen = next(((x, y, a) for x, y, a in candidates if free(x, y, a)), None)
    if chosen is None:
        for step in range(1, 40):
            moved = [(x, y + sign * step * size * 0.5, a) for x, y, a in candidates for sign in (1, -1)]
            chosen = next(((x, y, a) for x, y, a in moved if free(x, y, a)), None)
            if chosen:
                break
    x, y, anchor = chosen or candidates[0]
    taken.append(text_box(x, y, label, size, anchor))
    return x, y, anchor


def nice_ticks(top: float, most: int = 4) -> list[int]:
    """Whole-number gridline values from 0 up to at least ``top``, at most ``most`` steps of 1, 2 or 5 × 10ⁿ:
    each gridline is drawn at the value its label says."""
    top = max(top, 1)
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            steps = -(-top // step)  # ceiling
            if steps <= most:
                return [int(step * i) for i in range(int(steps) + 1)]
        magnitude *= 10


def marker(shape: str, x: float, y: float, r: float, colour: str, *, filled: bool = True) -> str:
    fill = colour if filled else "#fff"
    common = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {common}/>'
    if shape == "triangle":
        return (
            f'<polygon points="{x:.1f},{y - r * 1.2:.1f} {x + r * 1.1:.1f},{y + r * 0.8:.1f} '
            f'{x - r * 1.1:.1f},{y + r * 0.8:.1f}" {common}/>'
        )
    if shape == "diamond":
        return (
            f'<polygon points="{x:.1f},{y - r * 1.3:.1f} {x + r * 1.3:.1f},{y:.1f} {x:.1f},{y + r * 1.3:.1f} '
            f'{x - r * 1.3:.1f},{y:.1f}" {common}/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - r:.1f},{y - r:.1f} L{x + r:.1f},{y + r:.1f} M{x - r:.1f},{y + r:.1f} '
            f'L{x + r:.1f},{y - r:.1f}" stroke="{colour}" stroke-width="3"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {common}/>'


def hatch(pattern_id: str, colour: str, background: str) -> str:
    return (
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{background}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{colour}" stroke-width="4"/></pattern>'
    )


def legend(
    items: Sequence[tuple[str, str]], *, x: float, y: float, width: float, size: int = 14
) -> tuple[str, float]:
    """A legend of (symbol svg at 0,0, label) items, wrapped over lines; returns the svg and its height."""
    parts, cx, cy = [], x, y
    for symbol, label in items:
        item_width = 30 + 0.55 * size * len(label) + 14
        if cx > x and cx + item_width > x + width:
            cx, cy = x, cy + size * 1.7
        parts.append(f'<g transform="translate({cx:.1f},{cy:.1f})">{symbol}</g>')
        parts.append(text(cx + 30, cy + size * 0.35, label, size=size, fill=INK))
        cx += item_width
    return "".join(parts), cy - y + size * 1.7


def series_symbol(index: int) -> str:
    colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="0" y1="0" x2="24" y2="0" stroke="{colour}" stroke-width="3"{dash_attr}/>' + marker(
        shape, 12, 0, 4.5, colour
    )


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | int | None]
    hrefs: Sequence[str | None] = field(default_factory=tuple)

"""Drawing primitives shared by the report charts: colours, series styles, text, markers, legends, links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape

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
    """A link around part of the chart: a click on a bar or cell leads to its evidence (a PDF ignores it).

    Out of the tab order: the chart is one image to assistive technology, and the table or list next to
    every chart carries the same numbers as links, which keyboard and screen-reader users reach there.
    """
    if not href:
        return inner
    title = f"<title>{escape(label)}</title>" if label else ""
    return f'<a href="{escape(href)}" tabindex="-1">{title}{inner}</a>'


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

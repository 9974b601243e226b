"""The report charts as inline SVG, drawn on the server.

No JavaScript: the same SVG shows on the web page and in the PDF (WeasyPrint draws SVG itself). Every chart

- has a ``<title>`` and a ``<desc>`` (the report puts a table or a list with the same figures next to it);
- never carries meaning by colour alone: series differ by marker shape and line pattern, helping and
  hindering by side and by hatching, and every value is also printed as a number;
- scales to its container (``viewBox``, width 100%), with fonts large enough to read at 390 px wide.

The functions take plain values (labels, numbers, links), not analysis objects, so they are easy to test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

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


def _fmt(value: float | None) -> str:
    """A number as the active language writes it (Dutch: decimal comma), whole numbers without decimals."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return number_format(value, 1)
    return number_format(int(value), 0)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{_fmt(round(value))}%"


def _wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters (a long word gets a line of its own)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(
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


def _lines(
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
    return "".join(_text(x, y + i * size * spacing, line, size=size, anchor=anchor, weight=weight, fill=fill)
                   for i, line in enumerate(lines))  # fmt: skip


def _open(*, chart_id: str, width: float, height: float, title: str, description: str, css: str) -> str:
    return (
        f'<svg class="kvs-chart {css}" id="{chart_id}" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{FONT}" preserveAspectRatio="xMidYMin meet">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(description)}</desc>'
    )


def _link(href: str | None, inner: str, label: str = "") -> str:
    """A link around part of the chart: a click on a bar or cell leads to its evidence (a PDF ignores it).

    Out of the tab order: the chart is one image to assistive technology, and the table or list next to
    every chart carries the same numbers as links, which keyboard and screen-reader users reach there.
    """
    if not href:
        return inner
    title = f"<title>{escape(label)}</title>" if label else ""
    return f'<a href="{escape(href)}" tabindex="-1">{title}{inner}</a>'


def _marker(shape: str, x: float, y: float, r: float, colour: str, *, filled: bool = True) -> str:
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


def _hatch(pattern_id: str, colour: str, background: str) -> str:
    return (
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="8" height="8" fill="{background}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="{colour}" stroke-width="4"/></pattern>'
    )


def _legend(
    items: Sequence[tuple[str, str]], *, x: float, y: float, width: float, size: int = 14
) -> tuple[str, float]:
    """A legend of (symbol svg at 0,0, label) items, wrapped over lines; returns the svg and its height."""
    parts, cx, cy = [], x, y
    for symbol, label in items:
        item_width = 30 + 0.55 * size * len(label) + 14
        if cx > x and cx + item_width > x + width:
            cx, cy = x, cy + size * 1.7
        parts.append(f'<g transform="translate({cx:.1f},{cy:.1f})">{symbol}</g>')
        parts.append(_text(cx + 30, cy + size * 0.35, label, size=size, fill=INK))
        cx += item_width
    return "".join(parts), cy - y + size * 1.7


def _series_symbol(index: int) -> str:
    colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<line x1="0" y1="0" x2="24" y2="0" stroke="{colour}" stroke-width="3"{dash_attr}/>' + _marker(
        shape, 12, 0, 4.5, colour
    )


# --- Radar ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | int | None]
    hrefs: Sequence[str | None] = field(default_factory=tuple)


def radar_chart(
    *, chart_id: str, title: str, description: str, axes: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A spider chart of a few themes (at least three axes); each series a polygon with its own line and
    marker; the values of the first series are printed at its points."""
    width = WIDTH
    cx, cy, radius = width / 2, 150.0, 66.0
    count = max(len(axes), 3)
    top = max([v or 0 for s in series for v in s.values] + [1])
    legend, legend_height = _legend([(_series_symbol(i), s.label) for i, s in enumerate(series)], x=10, y=0,
                                    width=width - 20)  # fmt: skip
    height = 300 + legend_height
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--radar")]  # fmt: skip

    def point(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    parts.append(_text(cx + 6, cy - radius + 14, _fmt(top), size=12, fill=MUTED))
    for i, label in enumerate(axes):
        x, y = point(i, 1.0)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        lx, ly = point(i, 1.14)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        lines = _wrap(label, 10)
        if ly < cy - radius:  # above the chart: grow upwards
            ly -= (len(lines) - 1) * 15
        elif abs(ly - cy) < radius * 0.8:
            ly -= (len(lines) - 1) * 7
        else:
            ly += 10
        # A long word beside the chart would run off its edge: keep it inside, a little above its axis.
        room = 0.6 * 14 * max(len(line) for line in lines)
        if anchor == "end" and lx - room < 2:
            anchor, lx, ly = "start", 2.0, ly - 14
        elif anchor == "start" and lx + room > width - 2:
            anchor, lx, ly = "end", width - 2, ly - 14
        parts.append(_lines(lx, ly, lines, size=14, anchor=anchor, weight=600))
    for index, s in enumerate(series):
        colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
        points = [point(i, (v or 0) / top) for i, v in enumerate(s.values)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        fill = f'fill="{colour}" fill-opacity="0.12"' if index == 0 else 'fill="none"'
        parts.append(
            f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" {fill} '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        for i, (x, y) in enumerate(points):
            href = s.hrefs[i] if i < len(s.hrefs) else None
            mark = _marker(shape, x, y, 4.5, colour)
            if index == 0 and s.values[i]:
                mark += _text(x + 7, y - 6, _fmt(s.values[i]), size=15, weight=700)
            parts.append(_link(href, mark, f"{axes[i]}: {_fmt(s.values[i] or 0)}"))
    parts.append(f'<g transform="translate(0,{height - legend_height + 4:.1f})">{legend}</g>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text went through escape()


# --- Heat map ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatRow:
    label: str
    values: Sequence[int | None]
    hrefs: Sequence[str | None] = field(default_factory=tuple)
    emphasis: bool = False  # a level row: bold, with a line above it


def _heat_colour(value: int, top: int) -> tuple[str, str]:
    """Background and text colour: light to dark blue by count; the count itself is always printed."""
    if not value:
        return "#f5f6f7", MUTED
    share = value / top if top else 0
    light = 94 - 58 * share
    return f"hsl(212, 60%, {light:.0f}%)", ("#fff" if light < 60 else INK)


def heat_map(
    *,
    chart_id: str,
    title: str,
    description: str,
    columns: Sequence[str],
    rows: Sequence[HeatRow],
    show_change: bool = True,
) -> SafeString:
    """Rows × columns with the count in each cell (and the change from the column before)."""
    cell_width = min(60.0, 180.0 / max(len(columns), 1))
    label_width = WIDTH - cell_width * len(columns)
    row_height, top_pad = 50.0, 30.0
    width = WIDTH
    height = top_pad + row_height * len(rows) + 44
    top = max([v or 0 for r in rows for v in r.values] + [1])
    chars = int(label_width / 7.9)
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--heat")]  # fmt: skip
    for j, column in enumerate(columns):
        parts.append(
            _text(label_width + cell_width * (j + 0.5), 20, column, size=14, anchor="middle", weight=700)
        )
    y = top_pad
    for row in rows:
        if row.emphasis:
            parts.append(
                f'<line x1="0" y1="{y:.1f}" x2="{width:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="1.5"/>'
            )
        size = 15 if row.emphasis else 14
        lines = _wrap(row.label, chars)
        if len(lines) > 2:  # a long indicator name: three smaller lines rather than a cut-off one
            size = 12
            lines = _wrap(row.label, int(chars * 1.15))[:3]
        base = y + row_height / 2 + size * 0.35 - (len(lines) - 1) * size * 0.55
        parts.append(_lines(2, base, lines, size=size, weight=700 if row.emphasis else 400, spacing=1.1))
        previous: int | None = None
        for j, value in enumerate(row.values):
            background, ink = _heat_colour(value or 0, top)
            x = label_width + cell_width * j
            cell = (
                f'<rect x="{x + 2:.1f}" y="{y + 3:.1f}" width="{cell_width - 4:.1f}" height="{row_height - 6:.1f}" '
                f'rx="3" fill="{background}"/>'
            )
            text = _fmt(value)
            if show_change and previous is not None and value is not None and value != previous:
                text += f" ({'+' if value > previous else ''}{value - previous})"
            cell += _text(
                x + cell_width / 2,
                y + row_height / 2 + 5,
                text,
                size=15 if len(text) < 5 else 13,
                anchor="middle",
                weight=700 if row.emphasis else 400,
                fill=ink,
            )
            href = row.hrefs[j] if j < len(row.hrefs) else None
            parts.append(_link(href, cell, f"{row.label}, {columns[j]}: {_fmt(value)}"))
            previous = value
        y += row_height
    note = _wrap(_("Number = fragments; (+n) = change from the year before; darker = more."), 40)
    parts.append(_lines(2, height - 26, note, size=13, fill=MUTED))
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Palette of pairs (co-occurrence) ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    label_a: str
    label_b: str
    count: int
    href: str | None = None


def pair_palette(
    *, chart_id: str, title: str, description: str, pairs: Sequence[Pair], limit: int = 8
) -> SafeString:
    """The effects that occur together in the same stories: each pair two labels joined by a plus, and a
    bar with the number of stories in which both occur."""
    shown = list(pairs)[:limit]
    width = WIDTH
    laid_out = [(_wrap(p.label_a, 33), _wrap("+ " + p.label_b, 33)) for p in shown]
    heights = [(len(a) + len(b)) * 18 + 32 for a, b in laid_out]
    height = 8 + (sum(heights) if shown else 40)
    top = max([p.count for p in shown] + [1])
    parts = [
        _open(
            chart_id=chart_id,
            width=width,
            height=height,
            title=title,
            description=description,
            css="kvs-chart--palette",
        ),
        f"<defs>{_hatch(f'{chart_id}-h', ORANGE, ORANGE_SOFT)}</defs>",
    ]
    if not shown:
        parts.append(_text(4, 30, _("No story has two effects yet."), size=14, fill=MUTED))
    y = 6.0
    for pair, (lines_a, lines_b), row_height in zip(shown, laid_out, heights, strict=True):
        text_height = (len(lines_a) + len(lines_b)) * 18
        # Two swatches, solid and hatched: the two effects of the pair, told apart without colour.
        parts.append(f'<rect x="0" y="{y + 2:.1f}" width="9" height="{text_height:.1f}" fill="{BLUE}"/>')
        parts.append(
            f'<rect x="11" y="{y + 2:.1f}" width="9" height="{text_height:.1f}" fill="url(#{chart_id}-h)"/>'
        )
        parts.append(_lines(28, y + 15, lines_a, size=15, weight=600, spacing=18 / 15))
        parts.append(_lines(28, y + 15 + len(lines_a) * 18, lines_b, size=15, spacing=18 / 15))
        bar = (width - 64) * pair.count / top
        bar_y = y + text_height + 8
        cell = f'<rect x="28" y="{bar_y:.1f}" width="{max(bar, 2):.1f}" height="13" fill="{BLUE}" rx="2"/>'
        cell += _text(28 + max(bar, 2) + 6, bar_y + 12, _fmt(pair.count), size=15, weight=700)
        parts.append(_link(pair.href, cell, f"{pair.label_a} + {pair.label_b}: {pair.count}"))
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Factor balance (diverging bars) -------------------------------------------------------------------------


@dataclass(frozen=True)
class BalanceRow:
    label: str
    helps: int
    hinders: int
    flagged: bool = False  # this type hinders on balance
    helps_href: str | None = None
    hinders_href: str | None = None


def balance_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[BalanceRow],
    helps_label: str,
    hinders_label: str,
    note: str = "",
) -> SafeString:
    """Helping to the right (solid), hindering to the left (hatched), one row per type, numbers at the bars.
    A type that hinders on balance gets a '!' mark, so the stacking shows without colour."""
    width, row_height = WIDTH, 52.0
    centre = width / 2
    half = centre - 30
    top = max([max(r.helps, r.hinders) for r in rows] + [1])
    note_lines = _wrap(note, 38) if note else []
    height = 40 + row_height * len(rows) + 18 * len(note_lines) + 8
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--balance"),
             f"<defs>{_hatch(f'{chart_id}-h', ORANGE, ORANGE_SOFT)}</defs>"]  # fmt: skip
    parts.append(_text(centre - 6, 18, "◀ " + hinders_label, size=14, anchor="end", weight=700))
    parts.append(_text(centre + 6, 18, helps_label + " ▶", size=14, weight=700))
    y = 30.0
    for row in rows:
        mark = "! " if row.flagged else ""
        parts.append(_text(2, y + 15, mark + row.label, size=15, weight=700 if row.flagged else 500))
        bar_y = y + 22
        hinders = half * row.hinders / top
        helps = half * row.helps / top
        left = (
            f'<rect x="{centre - hinders:.1f}" y="{bar_y:.1f}" width="{hinders:.1f}" height="20" '
            f'fill="url(#{chart_id}-h)" stroke="{ORANGE}"/>'
            if row.hinders
            else ""
        )
        left += _text(centre - hinders - 5, bar_y + 15, _fmt(row.hinders), size=15, anchor="end", weight=700)
        right = (
            f'<rect x="{centre:.1f}" y="{bar_y:.1f}" width="{helps:.1f}" height="20" fill="{BLUE}"/>'
            if row.helps
            else ""
        )
        right += _text(centre + helps + 5, bar_y + 15, _fmt(row.helps), size=15, weight=700)
        parts.append(_link(row.hinders_href, left, f"{row.label}, {hinders_label}: {row.hinders}"))
        parts.append(_link(row.helps_href, right, f"{row.label}, {helps_label}: {row.helps}"))
        y += row_height
    parts.append(
        f'<line x1="{centre:.1f}" y1="26" x2="{centre:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="1.5"/>'
    )
    if note_lines:
        parts.append(_lines(2, y + 18, note_lines, size=14, weight=700))
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Trends --------------------------------------------------------------------------------------------------


def trend_chart(
    *, chart_id: str, title: str, description: str, columns: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A small line chart over the years: each series its own line pattern and marker, values at the points."""
    width, plot_height, left, right, top_pad = WIDTH, 200.0, 34.0, 30.0, 22.0
    legend, legend_height = _legend([(_series_symbol(i), s.label) for i, s in enumerate(series)], x=6, y=0,
                                    width=width - 12)  # fmt: skip
    plot_bottom = top_pad + plot_height
    height = plot_bottom + 34 + legend_height
    top = max([v or 0 for s in series for v in s.values] + [1])
    step = (width - left - right) / max(len(columns) - 1, 1)
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--trend")]  # fmt: skip

    def xy(j: int, value: float) -> tuple[float, float]:
        x = left + (step * j if len(columns) > 1 else (width - left - right) / 2)
        return x, plot_bottom - (plot_bottom - top_pad) * value / top

    for fraction in (0, 0.5, 1):
        _x, gy = xy(0, top * fraction)
        parts.append(
            f'<line x1="{left:.1f}" y1="{gy:.1f}" x2="{width - right:.1f}" y2="{gy:.1f}" stroke="{GRID}"/>'
        )
        parts.append(_text(left - 6, gy + 5, _fmt(round(top * fraction)), size=13, anchor="end", fill=MUTED))
    for j, column in enumerate(columns):
        x, _y = xy(j, 0)
        parts.append(_text(x, plot_bottom + 20, column, size=15, anchor="middle", weight=600))
    for index, s in enumerate(series):
        colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
        points = [(j, v) for j, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(j, v) for j, v in points))
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        for j, value in points:
            x, y = xy(j, value)
            href = s.hrefs[j] if j < len(s.hrefs) else None
            # Values beside the last point, above the others, so the lines' labels collide less.
            last = j == len(s.values) - 1
            label = (
                _text(x + 8, y + 5, _fmt(value), size=14, weight=700)
                if last
                else _text(x, y - 9, _fmt(value), size=14, anchor="middle", weight=700)
            )
            parts.append(
                _link(
                    href, _marker(shape, x, y, 5, colour) + label, f"{s.label}, {columns[j]}: {_fmt(value)}"
                )
            )
    parts.append(f'<g transform="translate(0,{plot_bottom + 44:.1f})">{legend}</g>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Inclusion gap (dot plot) --------------------------------------------------------------------------------


@dataclass(frozen=True)
class GapRow:
    label: str
    participant_share: float | None
    inhabitant_share: float | None
    under: bool = False
    over: bool = False
    href: str | None = None


def gap_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[GapRow],
    participants_label: str,
    inhabitants_label: str,
    values_format: str = "%(participants)s / %(inhabitants)s",
) -> SafeString:
    """Per group: the share among inhabitants (open circle) and among participants (filled diamond), with an
    arrow between them; groups that take part less than they live there are marked with words, not colour."""
    width, left, right = WIDTH, 6.0, 12.0
    legend_items = [
        (_marker("circle", 12, 0, 6, INK, filled=False), inhabitants_label),
        (_marker("diamond", 12, 0, 5.5, BLUE), participants_label),
    ]
    legend, legend_height = _legend(legend_items, x=4, y=0, width=width - 8)
    laid_out = []
    for row in rows:
        flag = _("takes part less") if row.under else (_("takes part more") if row.over else "")
        heading = (
            [f"{row.label} — {flag}"]
            if flag and len(row.label) + len(flag) <= 32
            else ([row.label, f"— {flag}"] if flag else [row.label])
        )
        laid_out.append((row, heading, 58.0 + 17 * len(heading)))
    height = 24 + sum(h for _r, _l, h in laid_out) + legend_height + 6
    scale_width = width - left - right
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--gap")]  # fmt: skip

    def x_of(share: float) -> float:
        return left + scale_width * min(max(share, 0), 100) / 100

    plot_bottom = 20 + sum(h for _r, _l, h in laid_out)
    for tick in (0, 25, 50, 75, 100):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{plot_bottom:.1f}" stroke="{GRID}"/>')
        anchor = "start" if tick == 0 else ("end" if tick == 100 else "middle")
        parts.append(_text(x, 14, f"{tick}%", size=13, anchor=anchor, fill=MUTED))
    y = 22.0
    for row, heading, row_height in laid_out:
        parts.append(
            _lines(left, y + 16, heading, size=15, weight=700 if row.under else 500, spacing=17 / 15)
        )
        line_y = y + 17 * len(heading) + 17
        p, i = row.participant_share, row.inhabitant_share
        values = values_format % {"participants": _percent(p), "inhabitants": _percent(i)}
        if p is not None and i is not None:
            x1, x2 = x_of(i), x_of(p)
            if abs(x2 - x1) > 12:
                direction = 1 if x2 > x1 else -1
                parts.append(
                    f'<line x1="{x1 + direction * 7:.1f}" y1="{line_y:.1f}" x2="{x2 - direction * 9:.1f}" '
                    f'y2="{line_y:.1f}" stroke="{INK}" stroke-width="2"/>'
                )
                parts.append(
                    f'<polygon points="{x2 - direction * 9:.1f},{line_y - 5:.1f} {x2 - direction * 2:.1f},'
                    f'{line_y:.1f} {x2 - direction * 9:.1f},{line_y + 5:.1f}" fill="{INK}"/>'
                )
            parts.append(_marker("circle", x1, line_y, 6.5, INK, filled=False))
            parts.append(_link(row.href, _marker("diamond", x2, line_y, 6, BLUE), f"{row.label}: {values}"))
        elif i is not None:
            parts.append(_marker("circle", x_of(i), line_y, 6.5, INK, filled=False))
        parts.append(_text(left, line_y + 27, values, size=14, fill=MUTED))
        y += row_height
    parts.append(f'<g transform="translate(0,{y + 10:.1f})">{legend}</g>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Horizontal bars -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # the printed value (default: the number)
    href: str | None = None
    emphasis: bool = False


def bar_chart(*, chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars with the label above each bar and the value printed at its end."""
    width, row_height = WIDTH, 42.0
    height = 6 + row_height * max(len(bars), 1)
    top = max([b.value for b in bars] + [1])
    usable = width - 50
    parts = [_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--bars")]  # fmt: skip
    y = 2.0
    for bar in bars:
        parts.append(_text(0, y + 15, bar.label, size=15, weight=700 if bar.emphasis else 500))
        length = usable * bar.value / top
        cell = f'<rect x="0" y="{y + 21:.1f}" width="{max(length, 2):.1f}" height="14" fill="{BLUE}" rx="2"/>'
        cell += _text(max(length, 2) + 6, y + 33, bar.text or _fmt(bar.value), size=15, weight=700)
        parts.append(_link(bar.href, cell, f"{bar.label}: {bar.text or _fmt(bar.value)}"))
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- The network picture in a PDF ----------------------------------------------------------------------------

# The network app styles its picture from network.css; WeasyPrint does not apply a page's stylesheet inside
# an inline SVG, only a <style> in the SVG itself. These are network.css's rules for the picture (without the
# phone rules, which do not apply to paper).
NETWORK_PRINT_CSS = (
    ".kvs-network__node circle{fill:#fff;stroke:#1a1a1a;stroke-width:2}"
    ".kvs-network__node--connector circle{fill:#1a1a1a}"
    ".kvs-network__node rect{fill:#e5eef8;stroke:#24578f;stroke-width:2.5}"
    # No white halo around the labels: WeasyPrint has no paint-order, the halo would cover the letters.
    ".kvs-network__labels text{font-size:14px;font-weight:700;fill:#1a1a1a}"
)


def with_print_style(svg: str, css: str = NETWORK_PRINT_CSS) -> SafeString:
    """The SVG with a <style> element right after its description."""
    head, found, tail = str(svg).partition("</desc>")
    if not found:
        return mark_safe(svg)
    return mark_safe(f"{head}</desc><style>{css}</style>{tail}")  # css is ours, svg was already safe


def network_legend(
    items: Sequence[tuple[str, str, str]],
    *,
    new_label: str,
    old_label: str,
    person_label: str,
    organisation_label: str,
) -> SafeString:
    """The network picture's legend as one small SVG list per item, styled by attributes (works in a PDF)."""
    parts = ['<ul class="kvs-rlegend">']

    def item(symbol: str, label: str) -> str:
        return (
            f'<li><svg viewBox="0 0 44 16" width="44" height="16" aria-hidden="true" focusable="false">{symbol}'
            f"</svg> {escape(label)}</li>"
        )

    for label, colour, dash in items:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            item(
                f'<line x1="3" y1="8" x2="41" y2="8" stroke="{colour}" stroke-width="3"{dash_attr} '
                f'stroke-linecap="round"/>',
                label,
            )
        )
    parts.append(item(f'<line x1="3" y1="8" x2="41" y2="8" stroke="{INK}" stroke-width="5"/>', new_label))
    parts.append(
        item(
            f'<line x1="3" y1="8" x2="41" y2="8" stroke="{INK}" stroke-opacity="0.45" stroke-width="2.5"/>',
            old_label,
        )
    )
    parts.append(
        item(
            f'<circle cx="10" cy="8" r="6" fill="#fff" stroke="{INK}" stroke-width="2"/>'
            f'<circle cx="30" cy="8" r="6" fill="{INK}"/>',
            person_label,
        )
    )
    parts.append(
        item(
            f'<rect x="14" y="2" width="12" height="12" rx="2" fill="{BLUE_SOFT}" stroke="{BLUE}" '
            f'stroke-width="2"/>',
            organisation_label,
        )
    )
    parts.append("</ul>")
    return mark_safe("".join(parts))

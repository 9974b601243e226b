"""Charts over categories: the radar (vitality themes), the heat map (effects per year) and the palette of
pairs (effects that occur together)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from krachtvansamen.reports.charts import draw
from krachtvansamen.reports.charts.draw import (
    BLUE,
    GRID,
    INK,
    MUTED,
    ORANGE,
    ORANGE_SOFT,
    SERIES_STYLES,
    WIDTH,
    Series,
)


def radar_chart(
    *, chart_id: str, title: str, description: str, axes: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A spider chart of a few themes (at least three axes); each series a polygon with its own line and
    marker; the values of the first series are printed at its points, each where it covers no theme name,
    no other value and no marker. What the outer ring stands for is said under the chart."""
    width = WIDTH
    cx, cy, radius = width / 2, 150.0, 66.0
    count = max(len(axes), 3)
    top = max([v or 0 for s in series for v in s.values] + [1])
    legend, legend_height = draw.legend([(draw.series_symbol(i), s.label) for i, s in enumerate(series)], x=10, y=0,
                                    width=width - 20)  # fmt: skip
    height = 300 + legend_height + 22
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--radar")]  # fmt: skip

    def point(i: int, fraction: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / count
        return cx + radius * fraction * math.cos(angle), cy + radius * fraction * math.sin(angle)

    taken: list[draw.Box] = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        ring_points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(count)))
        parts.append(f'<polygon points="{ring_points}" fill="none" stroke="{GRID}" stroke-width="1"/>')
    for i, label in enumerate(axes):
        x, y = point(i, 1.0)
        parts.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        lx, ly = point(i, 1.2)
        anchor = "middle" if abs(lx - cx) < 20 else ("start" if lx > cx else "end")
        lines = draw.wrap(label, 10)
        if ly < cy - radius:  # above the chart: grow upwards
            ly -= (len(lines) - 1) * 16
        elif abs(ly - cy) < radius * 0.8:
            ly -= (len(lines) - 1) * 8 - 5
        else:
            ly += 12
        # A long word beside the chart would run off its edge: keep it inside, a little above its axis.
        room = max(draw.text_width(line, 14) for line in lines)
        if anchor == "end" and lx - room < 2:
            anchor, lx, ly = "start", 2.0, ly - 14
        elif anchor == "start" and lx + room > width - 2:
            anchor, lx, ly = "end", width - 2, ly - 14
        parts.append(draw.text_lines(lx, ly, lines, size=14, anchor=anchor, weight=600))
        taken.extend(draw.text_box(lx, ly + n * 14 * 1.15, line, 14, anchor) for n, line in enumerate(lines))
    drawn = []
    for index, s in enumerate(series):
        colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
        points = [point(i, (v or 0) / top) for i, v in enumerate(s.values)]
        drawn.append(points)
        taken.extend(draw.point_box(x, y, 6) for x, y in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        fill = f'fill="{colour}" fill-opacity="0.12"' if index == 0 else 'fill="none"'
        parts.append(
            f'<polygon points="{" ".join(f"{x:.1f},{y:.1f}" for x, y in points)}" {fill} '
            f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
        )
        for i, (x, y) in enumerate(points):
            label = f"{s.label}, {axes[i]}: {draw.fmt(s.values[i] or 0)}"
            parts.append(draw.link(None, draw.marker(shape, x, y, 4.5, colour), label))
    if series:
        first = series[0]
        for i, (x, y) in enumerate(drawn[0]):
            if not first.values[i]:
                continue
            label = draw.fmt(first.values[i])
            # Towards the centre first (the theme's name is outside the ring), then beside the point.
            ix, iy = point(i, max((first.values[i] or 0) / top - 0.28, 0.05))
            candidates = [(ix, iy + 5, "middle"), (x + 8, y - 6, "start"), (x - 8, y - 6, "end"),
                          (x + 8, y + 16, "start"), (x - 8, y + 16, "end")]  # fmt: skip
            lx, ly, anchor = draw.place_text(
                candidates, label, size=15, taken=taken, bounds=(0, 0, width, 300)
            )
            parts.append(draw.text(lx, ly, label, size=15, anchor=anchor, weight=700))
    ring_note = _("outer ring: %(n)s") % {"n": draw.fmt(top)}
    parts.append(draw.text(10, 300 + 4, ring_note, size=13, fill=MUTED))
    parts.append(f'<g transform="translate(0,{300 + 22:.1f})">{legend}</g>')
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
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--heat")]  # fmt: skip
    for j, column in enumerate(columns):
        parts.append(
            draw.text(label_width + cell_width * (j + 0.5), 20, column, size=14, anchor="middle", weight=700)
        )
    y = top_pad
    for row in rows:
        if row.emphasis:
            parts.append(
                f'<line x1="0" y1="{y:.1f}" x2="{width:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="1.5"/>'
            )
        size = 15 if row.emphasis else 14
        lines = draw.wrap(row.label, chars)
        if len(lines) > 2:  # a long indicator name: three smaller lines rather than a cut-off one
            size = 12
            lines = draw.wrap(row.label, int(chars * 1.15))[:3]
        base = y + row_height / 2 + size * 0.35 - (len(lines) - 1) * size * 0.55
        parts.append(
            draw.text_lines(2, base, lines, size=size, weight=700 if row.emphasis else 400, spacing=1.1)
        )
        previous: int | None = None
        for j, value in enumerate(row.values):
            background, ink = _heat_colour(value or 0, top)
            x = label_width + cell_width * j
            cell = (
                f'<rect x="{x + 2:.1f}" y="{y + 3:.1f}" width="{cell_width - 4:.1f}" height="{row_height - 6:.1f}" '
                f'rx="3" fill="{background}"/>'
            )
            text = draw.fmt(value)
            if show_change and previous is not None and value is not None and value != previous:
                text += f" ({'+' if value > previous else ''}{value - previous})"
            cell += draw.text(
                x + cell_width / 2,
                y + row_height / 2 + 5,
                text,
                size=15 if len(text) < 5 else 13,
                anchor="middle",
                weight=700 if row.emphasis else 400,
                fill=ink,
            )
            href = row.hrefs[j] if j < len(row.hrefs) else None
            parts.append(draw.link(href, cell, f"{row.label}, {columns[j]}: {draw.fmt(value)}"))
            previous = value
        y += row_height
    note = draw.wrap(_("Number = fragments; (+n) = change from the year before; darker = more."), 40)
    parts.append(draw.text_lines(2, height - 26, note, size=13, fill=MUTED))
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
    laid_out = [(draw.wrap(p.label_a, 33), draw.wrap("+ " + p.label_b, 33)) for p in shown]
    heights = [(len(a) + len(b)) * 18 + 32 for a, b in laid_out]
    height = 8 + (sum(heights) if shown else 40)
    top = max([p.count for p in shown] + [1])
    parts = [
        draw.svg_open(
            chart_id=chart_id,
            width=width,
            height=height,
            title=title,
            description=description,
            css="kvs-chart--palette",
        ),
        f"<defs>{draw.hatch(f'{chart_id}-h', ORANGE, ORANGE_SOFT)}</defs>",
    ]
    if not shown:
        parts.append(draw.text(4, 30, _("No story has two effects yet."), size=14, fill=MUTED))
    y = 6.0
    for pair, (lines_a, lines_b), row_height in zip(shown, laid_out, heights, strict=True):
        text_height = (len(lines_a) + len(lines_b)) * 18
        # Two swatches, solid and hatched: the two effects of the pair, told apart without colour.
        parts.append(f'<rect x="0" y="{y + 2:.1f}" width="9" height="{text_height:.1f}" fill="{BLUE}"/>')
        parts.append(
            f'<rect x="11" y="{y + 2:.1f}" width="9" height="{text_height:.1f}" fill="url(#{chart_id}-h)"/>'
        )
        parts.append(draw.text_lines(28, y + 15, lines_a, size=15, weight=600, spacing=18 / 15))
        parts.append(draw.text_lines(28, y + 15 + len(lines_a) * 18, lines_b, size=15, spacing=18 / 15))
        bar = (width - 64) * pair.count / top
        bar_y = y + text_height + 8
        cell = f'<rect x="28" y="{bar_y:.1f}" width="{max(bar, 2):.1f}" height="13" fill="{BLUE}" rx="2"/>'
        cell += draw.text(28 + max(bar, 2) + 6, bar_y + 12, draw.fmt(pair.count), size=15, weight=700)
        parts.append(draw.link(pair.href, cell, f"{pair.label_a} + {pair.label_b}: {pair.count}"))
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))

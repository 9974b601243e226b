"""Charts of amounts: factor balance (diverging bars), trends over years, the inclusion gap (dot plot) and
horizontal bars."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
    note_lines = draw.wrap(note, 38) if note else []
    height = 40 + row_height * len(rows) + 18 * len(note_lines) + 8
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--balance"),
             f"<defs>{draw.hatch(f'{chart_id}-h', ORANGE, ORANGE_SOFT)}</defs>"]  # fmt: skip
    parts.append(draw.text(centre - 6, 18, "◀ " + hinders_label, size=14, anchor="end", weight=700))
    parts.append(draw.text(centre + 6, 18, helps_label + " ▶", size=14, weight=700))
    y = 30.0
    for row in rows:
        mark = "! " if row.flagged else ""
        parts.append(draw.text(2, y + 15, mark + row.label, size=15, weight=700 if row.flagged else 500))
        bar_y = y + 22
        hinders = half * row.hinders / top
        helps = half * row.helps / top
        left = (
            f'<rect x="{centre - hinders:.1f}" y="{bar_y:.1f}" width="{hinders:.1f}" height="20" '
            f'fill="url(#{chart_id}-h)" stroke="{ORANGE}"/>'
            if row.hinders
            else ""
        )
        left += draw.text(
            centre - hinders - 5, bar_y + 15, draw.fmt(row.hinders), size=15, anchor="end", weight=700
        )
        right = (
            f'<rect x="{centre:.1f}" y="{bar_y:.1f}" width="{helps:.1f}" height="20" fill="{BLUE}"/>'
            if row.helps
            else ""
        )
        right += draw.text(centre + helps + 5, bar_y + 15, draw.fmt(row.helps), size=15, weight=700)
        parts.append(draw.link(row.hinders_href, left, f"{row.label}, {hinders_label}: {row.hinders}"))
        parts.append(draw.link(row.helps_href, right, f"{row.label}, {helps_label}: {row.helps}"))
        y += row_height
    parts.append(
        f'<line x1="{centre:.1f}" y1="26" x2="{centre:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="1.5"/>'
    )
    if note_lines:
        parts.append(draw.text_lines(2, y + 18, note_lines, size=14, weight=700))
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --- Trends --------------------------------------------------------------------------------------------------


def trend_chart(
    *, chart_id: str, title: str, description: str, columns: Sequence[str], series: Sequence[Series]
) -> SafeString:
    """A small line chart over the years: each series its own line pattern and marker, values at the points.

    The gridlines sit at whole numbers (their labels say the value they are drawn at); each value is
    printed once per year, also where several series share it, at a place where it covers no other label
    and no marker; points of series that share a value sit a little apart, so every marker shows."""
    width, plot_height, top_pad, size = WIDTH, 200.0, 22.0, 14
    legend, legend_height = draw.legend([(draw.series_symbol(i), s.label) for i, s in enumerate(series)], x=6, y=0,
                                    width=width - 12)  # fmt: skip
    plot_bottom = top_pad + plot_height
    height = plot_bottom + 34 + legend_height
    ticks = draw.nice_ticks(max([v or 0 for s in series for v in s.values] + [1]))
    top = ticks[-1]
    left = 10 + max(draw.text_width(draw.fmt(t), 13) for t in ticks)
    last_values = [s.values[-1] for s in series if s.values and s.values[-1] is not None]
    right = 14 + max([draw.text_width(draw.fmt(v), size) for v in last_values] + [10])
    inset = 14.0  # the first year's markers and labels clear of the gridline labels
    step = (width - left - right - inset) / max(len(columns) - 1, 1)
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--trend")]  # fmt: skip

    def x_of(j: int) -> float:
        return left + inset + (step * j if len(columns) > 1 else (width - left - right - inset) / 2)

    def y_of(value: float) -> float:
        return plot_bottom - plot_height * value / top

    taken: list[draw.Box] = []
    for tick in ticks:
        gy = y_of(tick)
        parts.append(
            f'<line x1="{left:.1f}" y1="{gy:.1f}" x2="{width - right:.1f}" y2="{gy:.1f}" stroke="{GRID}"/>'
        )
        parts.append(draw.text(left - 6, gy + 5, draw.fmt(tick), size=13, anchor="end", fill=MUTED))
        taken.append(draw.text_box(left - 6, gy + 5, draw.fmt(tick), 13, "end"))
    for j, column in enumerate(columns):
        parts.append(draw.text(x_of(j), plot_bottom + 20, column, size=15, anchor="middle", weight=600))
        taken.append(draw.text_box(x_of(j), plot_bottom + 20, column, 15, "middle"))
    # Series that share a value in a year: their markers side by side around the year.
    sharing: dict[tuple[int, float], list[int]] = {}
    for index, s in enumerate(series):
        for j, value in enumerate(s.values):
            if value is not None:
                sharing.setdefault((j, value), []).append(index)

    def xy(index: int, j: int, value: float) -> tuple[float, float]:
        group = sharing[(j, value)]
        offset = (group.index(index) - (len(group) - 1) / 2) * 7
        return x_of(j) + offset, y_of(value)

    markers = [draw.point_box(*xy(i, j, value), 6) for (j, value), group in sharing.items() for i in group]
    taken.extend(markers)
    for index, s in enumerate(series):
        colour, dash, shape = SERIES_STYLES[index % len(SERIES_STYLES)]
        points = [(j, v) for j, v in enumerate(s.values) if v is not None]
        if len(points) > 1:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            line = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(index, j, v) for j, v in points))
            parts.append(
                f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        for j, value in points:
            x, y = xy(index, j, value)
            parts.append(
                draw.link(
                    s.hrefs[j] if j < len(s.hrefs) else None,
                    draw.marker(shape, x, y, 5, colour),
                    f"{s.label}, {columns[j]}: {draw.fmt(value)}",
                )
            )
    # The values, one label per year and value: beside the last point, above the others, else where it fits.
    bounds = (0.0, 0.0, width, plot_bottom + 4)
    for (j, value), group in sorted(sharing.items(), key=lambda item: -item[0][1]):
        label = draw.fmt(value)
        x, y = x_of(j), y_of(value)
        spread = (len(group) - 1) * 3.5
        above, below = (x, y - 12, "middle"), (x, y + 21, "middle")
        beside = (x + spread + 9, y + 5, "start")
        before = (x - spread - 9, y + 5, "end")
        last = j == len(columns) - 1
        candidates = [beside, above, below, before] if last else [above, below, beside, before]
        lx, ly, anchor = draw.place_text(candidates, label, size=size, taken=taken, bounds=bounds)
        parts.append(draw.text(lx, ly, label, size=size, anchor=anchor, weight=700))
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
        (draw.marker("circle", 12, 0, 6, INK, filled=False), inhabitants_label),
        (draw.marker("diamond", 12, 0, 5.5, BLUE), participants_label),
    ]
    legend, legend_height = draw.legend(legend_items, x=4, y=0, width=width - 8)
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
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--gap")]  # fmt: skip

    def x_of(share: float) -> float:
        return left + scale_width * min(max(share, 0), 100) / 100

    plot_bottom = 20 + sum(h for _r, _l, h in laid_out)
    for tick in (0, 25, 50, 75, 100):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="20" x2="{x:.1f}" y2="{plot_bottom:.1f}" stroke="{GRID}"/>')
        anchor = "start" if tick == 0 else ("end" if tick == 100 else "middle")
        parts.append(draw.text(x, 14, f"{tick}%", size=13, anchor=anchor, fill=MUTED))
    y = 22.0
    for row, heading, row_height in laid_out:
        parts.append(
            draw.text_lines(left, y + 16, heading, size=15, weight=700 if row.under else 500, spacing=17 / 15)
        )
        line_y = y + 17 * len(heading) + 17
        p, i = row.participant_share, row.inhabitant_share
        values = values_format % {"participants": draw.percent_text(p), "inhabitants": draw.percent_text(i)}
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
            parts.append(draw.marker("circle", x1, line_y, 6.5, INK, filled=False))
            parts.append(
                draw.link(row.href, draw.marker("diamond", x2, line_y, 6, BLUE), f"{row.label}: {values}")
            )
        elif i is not None:
            parts.append(draw.marker("circle", x_of(i), line_y, 6.5, INK, filled=False))
        parts.append(draw.text(left, line_y + 27, values, size=14, fill=MUTED))
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
    parts = [draw.svg_open(chart_id=chart_id, width=width, height=height, title=title, description=description,
                   css="kvs-chart--bars")]  # fmt: skip
    y = 2.0
    for bar in bars:
        parts.append(draw.text(0, y + 15, bar.label, size=15, weight=700 if bar.emphasis else 500))
        length = usable * bar.value / top
        cell = f'<rect x="0" y="{y + 21:.1f}" width="{max(length, 2):.1f}" height="14" fill="{BLUE}" rx="2"/>'
        cell += draw.text(max(length, 2) + 6, y + 33, bar.text or draw.fmt(bar.value), size=15, weight=700)
        parts.append(draw.link(bar.href, cell, f"{bar.label}: {bar.text or draw.fmt(bar.value)}"))
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))

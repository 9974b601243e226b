"""The report charts' layout: no links inside an image, gridlines at the values their labels say, and no label
drawn over another (their boxes apart)."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from krachtvansamen.reports import charts
from krachtvansamen.reports.charts import draw

SVG = "{http://www.w3.org/2000/svg}"


def text_boxes(svg: str) -> list[tuple[str, draw.Box]]:
    """Every <text> in the chart with the box it covers, with the translations of its groups applied."""
    found: list[tuple[str, draw.Box]] = []

    def walk(element: ET.Element, dx: float, dy: float) -> None:
        move = re.match(r"translate\(([-\d.]+),([-\d.]+)\)", element.get("transform", ""))
        if move:
            dx, dy = dx + float(move.group(1)), dy + float(move.group(2))
        if element.tag == f"{SVG}text":
            size = float(element.get("font-size", "15"))
            x, y = float(element.get("x", "0")) + dx, float(element.get("y", "0")) + dy
            content = element.text or ""
            found.append((content, draw.text_box(x, y, content, size, element.get("text-anchor", "start"))))
        for child in element:
            walk(child, dx, dy)

    walk(ET.fromstring(str(svg)), 0.0, 0.0)
    return found


def assert_labels_apart(svg: str) -> None:
    boxes = [(t, b) for t, b in text_boxes(svg) if t.strip()]
    for (text_a, a), (text_b, b) in itertools.combinations(boxes, 2):
        assert not draw.overlap(a, b), f"{text_a!r} {a} overlaps {text_b!r} {b}"
    view = [float(v) for v in ET.fromstring(str(svg)).get("viewBox", "").split()]
    for text, box in boxes:
        assert box[0] >= -0.5 and box[2] <= view[2] + 0.5, f"{text!r} {box} runs off the chart's sides"


def _all_charts() -> dict[str, str]:
    """One of each chart, with figures like the demo's (where the defects showed)."""
    return {
        "radar": charts.radar_chart(
            chart_id="r",
            title="Wat bewoners waarderen",
            description="…",
            axes=[
                "Sociaal contact",
                "Diversiteit en eigenheid",
                "Leefomgeving",
                "Sfeer en rust",
                "Wonen",
                "Voorzieningen",
                "Natuur en groen",
            ],  # fmt: skip
            series=[
                charts.Series("t/m 2025", [7, 3, 4, 6, 2, 5, 2], ["/a"] * 7),
                charts.Series("2025", [1, 1, 2, 1, 1, 2, 1]),
            ],
        ),
        "trend": charts.trend_chart(
            chart_id="t",
            title="Relaties",
            description="…",
            columns=["2023", "2024", "2025"],
            series=[
                charts.Series("relaties", [16, 30, 38], ["/r1", "/r2", "/r3"]),
                charts.Series("nieuwe banden", [12, 17, 26]),
            ],
        ),
        "trend-shared": charts.trend_chart(
            chart_id="v",
            title="Waarde",
            description="…",
            columns=["2023", "2024", "2025"],
            series=[
                charts.Series("Meer contact", [0, 1, 1]),
                charts.Series("Meer vertrouwen", [1, 1, 0]),
                charts.Series("Meer initiatief", [1, 0, 0]),
                charts.Series("Betere samenwerking", [0, 1, 3]),
                charts.Series("Eigenaarschap", [0, 2, 3]),
            ],
        ),
        "trend-large": charts.trend_chart(
            chart_id="p",
            title="Programma",
            description="…",
            columns=["2023", "2024", "2025"],
            series=[
                charts.Series("relaties", [231, 306, 394]),
                charts.Series("nieuwe banden", [162, 218, 282]),
                charts.Series("activiteiten", [86, 118, 149]),
            ],
        ),
        "heat": charts.heat_map(
            chart_id="h",
            title="Effecten",
            description="…",
            columns=["2023", "2024", "2025"],
            rows=[
                charts.HeatRow("Individuele effecten", [1, 5, 12], ["/e1", "/e2", "/e3"], emphasis=True),
                charts.HeatRow("Zelfvertrouwen, eigenwaarde en zingeving", [0, 3, 4]),
            ],
        ),
        "palette": charts.pair_palette(
            chart_id="pp",
            title="Palet",
            description="…",
            pairs=[charts.Pair("Contact tussen bewoners", "Sociale cohesie", 3, "/pair")],
        ),
        "balance": charts.balance_chart(
            chart_id="b",
            title="Factoren",
            description="…",
            helps_label="bevordert",
            hinders_label="belemmert",
            rows=[
                charts.BalanceRow("Bestuurlijk", helps=1, hinders=3, flagged=True, helps_href="/h"),
                charts.BalanceRow("Fysiek", helps=12, hinders=0, hinders_href="/x"),
            ],
        ),
        "gap": charts.gap_chart(
            chart_id="g",
            title="Wie doet mee",
            description="…",
            rows=[charts.GapRow("25 tot 45", 13.3, 38.3, under=True, href="/g")],
            participants_label="deelnemers",
            inhabitants_label="inwoners",
        ),
        "bars": charts.bar_chart(
            chart_id="x", title="Krachten", description="…", bars=[charts.Bar("talent", 4, href="/k")]
        ),
    }


@pytest.mark.parametrize("name", list(_all_charts()))
def test_no_link_inside_an_image(name):
    svg = str(_all_charts()[name])
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text  # its text alternative
    assert not list(root.iter(f"{SVG}a")) and "<a " not in svg and "href=" not in svg
    assert "tabindex" not in svg


@pytest.mark.parametrize("name", list(_all_charts()))
def test_labels_do_not_overlap(name):
    with translation.override("nl"):
        assert_labels_apart(_all_charts()[name])


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (1, [0, 1]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (38, [0, 10, 20, 30, 40]),
        (394, [0, 100, 200, 300, 400]),
        (0, [0, 1]),
    ],  # fmt: skip
)
def test_nice_ticks_are_whole_steps_up_to_the_top(top, ticks):
    assert draw.nice_ticks(top) == ticks


@pytest.mark.parametrize("values", [[0, 2, 3], [16, 30, 38], [231, 306, 394], [1, 1, 1], [0, 0, 0]])
def test_trend_gridlines_sit_at_the_value_their_label_says(values):
    svg = str(
        charts.trend_chart(
            chart_id="t",
            title="t",
            description="d",
            columns=["2023", "2024", "2025"],
            series=[charts.Series("a", values)],
        )  # fmt: skip
    )
    root = ET.fromstring(svg)
    grid = [float(line.get("y1")) for line in root.iter(f"{SVG}line") if line.get("stroke") == draw.GRID]
    labels = [
        (int(t.text), float(t.get("y"))) for t in root.iter(f"{SVG}text") if t.get("fill") == draw.MUTED
    ]
    assert len(grid) == len(labels) >= 2
    # The gridlines are equally spaced by value: y = bottom - scale * value, with one scale for all.
    (v0, y0), *rest = [(value, gy) for (value, _ly), gy in zip(labels, grid, strict=True)]
    assert v0 == 0
    scales = [(y0 - gy) / value for value, gy in rest]
    assert max(scales) - min(scales) < 0.1  # coordinates are written to 0.1
    # Each point sits at its value on the same scale, so a point on a gridline has that gridline's value.
    scale = (y0 - grid[-1]) / labels[-1][0]
    points = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")][: len(values)]  # then the legend's
    assert all(abs((y0 - cy) - scale * v) < 0.11 for cy, v in zip(points, values, strict=True))
    # Each label is next to its own gridline.
    for (_value, label_y), gy in zip(labels, grid, strict=True):
        assert abs(label_y - 5 - gy) < 0.01


def test_the_overlap_check_sees_labels_on_top_of_each_other():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 100">'
        '<text x="40" y="50" font-size="14">19</text><g transform="translate(0,4)">'
        '<text x="46" y="50" font-size="14">16</text></g></svg>'
    )
    with pytest.raises(AssertionError, match="overlaps"):
        assert_labels_apart(svg)


def test_label_spot_keeps_a_label_off_other_nodes_and_labels():
    from krachtvansamen.core.svg import boxes_overlap, label_spot

    bounds = (0.0, 0.0, 640.0, 560.0)
    node_right = (120.0, 95.0, 130.0, 105.0)  # a node just right of the point
    spot = label_spot(100, 100, gap=9, width=60, height=14, taken=[], obstacles=[node_right], bounds=bounds)
    assert spot is not None
    x, _y, anchor, box = spot
    assert anchor == "end" and x == 91 and not boxes_overlap(box, node_right)
    # Right and left taken by labels, so it goes above.
    taken = [(109.0, 93.0, 200.0, 110.0), (0.0, 93.0, 91.0, 110.0)]
    _x, _y, anchor, box = label_spot(
        100, 100, gap=9, width=60, height=14, taken=taken, obstacles=[], bounds=bounds
    )
    assert anchor == "middle" and box[3] <= 91
    # No room anywhere: no label (the node's tooltip still names it).
    assert (
        label_spot(5, 5, gap=9, width=600, height=14, taken=[], obstacles=[], bounds=(0, 0, 100, 100)) is None
    )

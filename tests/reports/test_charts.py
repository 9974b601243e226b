"""The report charts: inline SVG with a title, a description, the values as text, no colour-only meaning."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from django.utils import translation

from krachtvansamen.reports import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(str(svg))  # well-formed XML: WeasyPrint and browsers both read it
    assert root.get("viewBox", "").startswith("0 0 320 ") and root.get("width") == "100%"
    assert root.get("role") == "img"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_radar_names_every_theme_and_prints_the_values():
    svg = charts.radar_chart(
        chart_id="r",
        title="Wat bewoners waarderen",
        description="Sociaal contact: 7",
        axes=["Sociaal contact", "Wonen", "Natuur en groen"],
        series=[
            charts.Series("tot en met 2025", [7, 2, 0], ["/a", "/b", "/c"]),
            charts.Series("2025", [1, 1, 0]),
        ],
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "Wat bewoners waarderen"
    assert root.find(f"{SVG}desc").text == "Sociaal contact: 7"
    words = " ".join(texts(root))
    assert "Sociaal" in words and "Wonen" in words and "Natuur en" in words
    assert "7" in texts(root) and "2" in texts(root)
    assert "<a" not in svg  # no link inside an image: the table next to the chart carries the links
    assert any(t.endswith(" ring: 7") for t in texts(root))  # what the outer ring stands for, beside no value
    assert "tot en met 2025" in texts(root) and "2025" in texts(root)  # the legend names both series
    assert "stroke-dasharray" in svg  # the second series differs by line pattern, not only colour


def test_heat_map_prints_the_count_and_change_in_each_cell():
    svg = charts.heat_map(
        chart_id="h",
        title="Effecten",
        description="…",
        columns=["2024", "2025"],
        rows=[
            charts.HeatRow("Individuele effecten", [1, 5], ["/e1", "/e2"], emphasis=True),
            charts.HeatRow("Zelfvertrouwen, eigenwaarde en zingeving en nog veel meer woorden", [0, 0]),
        ],
    )
    found = texts(parse(svg))
    assert "1" in found and "5 (+4)" in found and found.count("0") == 2
    assert "Individuele effecten" in found
    assert "<a" not in svg


def test_pair_palette_shows_pairs_or_says_there_are_none():
    svg = charts.pair_palette(
        chart_id="p",
        title="Palet",
        description="…",
        pairs=[charts.Pair("Contact tussen bewoners", "Sociale cohesie", 3, "/pair")],
    )
    found = texts(parse(svg))
    assert "Contact tussen bewoners" in found and "+ Sociale cohesie" in found and "3" in found
    assert 'fill="url(#p-h)"' in svg  # the second effect is hatched, not just another colour
    with translation.override("nl"):
        empty = charts.pair_palette(chart_id="q", title="Palet", description="…", pairs=[])
    assert "Nog geen verhaal met twee effecten." in texts(parse(empty))


def test_balance_chart_marks_hindering_types_without_colour():
    svg = charts.balance_chart(
        chart_id="b",
        title="Factoren",
        description="…",
        helps_label="bevordert",
        hinders_label="belemmert",
        note="Stapeling: 3 van de 5 soorten belemmeren.",
        rows=[
            charts.BalanceRow("Bestuurlijk", helps=1, hinders=3, flagged=True),
            charts.BalanceRow("Fysiek", helps=2, hinders=0),
        ],
    )
    found = texts(parse(svg))
    assert "! Bestuurlijk" in found and "Fysiek" in found
    assert "3" in found and "2" in found
    assert any("Stapeling" in t for t in found)
    assert "url(#b-h)" in svg


def test_trend_chart_has_a_point_and_value_per_year():
    svg = charts.trend_chart(
        chart_id="t",
        title="Relaties",
        description="…",
        columns=["2023", "2024", "2025"],
        series=[charts.Series("relaties", [16, 30, 38]), charts.Series("nieuwe banden", [12, 17, 26])],
    )
    found = texts(parse(svg))
    for value in ("16", "30", "38", "12", "17", "26", "2023", "2025", "relaties", "nieuwe banden"):
        assert value in found
    assert len(re.findall(r"<polyline", str(svg))) == 2


def test_gap_chart_says_in_words_who_takes_part_less():
    with translation.override("nl"):
        svg = charts.gap_chart(
            chart_id="g",
            title="Wie doet mee",
            description="…",
            rows=[
                charts.GapRow("25 tot 45", participant_share=13.3, inhabitant_share=38.3, under=True),
                charts.GapRow("65 en ouder", participant_share=50.0, inhabitant_share=18.7, over=True),
            ],
            participants_label="aandeel onder deelnemers",
            inhabitants_label="aandeel onder inwoners",
            values_format="deelnemers %(participants)s · inwoners %(inhabitants)s",
        )
    found = texts(parse(svg))
    assert "25 tot 45 — doet minder mee" in found and "65 en ouder — doet meer mee" in found
    assert "deelnemers 13% · inwoners 38%" in found
    assert "aandeel onder inwoners" in found


def test_bar_chart_and_escaping():
    svg = charts.bar_chart(
        chart_id="x",
        title="<Krachten>",
        description="a & b",
        bars=[charts.Bar("talent <hoofd>", 4, href="/k?n=1&m=2")],
    )
    root = parse(svg)
    assert root.find(f"{SVG}title").text == "<Krachten>"
    assert "talent <hoofd>" in texts(root) and "4" in texts(root)
    assert "&lt;Krachten&gt;" in svg and "href" not in svg


def test_network_picture_gets_its_styles_inside_for_print():
    svg = '<svg><title id="a">t</title><desc id="b">d</desc><g class="kvs-network__nodes"></g></svg>'
    styled = charts.with_print_style(svg)
    assert styled.index("<style>") > styled.index("</desc>")
    assert ".kvs-network__node circle{fill:#fff" in styled
    assert charts.with_print_style("<svg></svg>") == "<svg></svg>"

"""The report charts as inline SVG, drawn on the server.

No JavaScript: the same SVG shows on the web page and in the PDF (WeasyPrint draws SVG itself). Every chart

- has a ``<title>`` and a ``<desc>`` (the report puts a table or a list with the same figures next to it);
- never carries meaning by colour alone: series differ by marker shape and line pattern, helping and
  hindering by side and by hatching, and every value is also printed as a number;
- scales to its container (``viewBox``, width 100%), with fonts large enough to read at 390 px wide.

The functions take plain values (labels, numbers, links), not analysis objects, so they are easy to test.
"""

from __future__ import annotations

from krachtvansamen.reports.charts.bars import (
    BalanceRow,
    Bar,
    GapRow,
    balance_chart,
    bar_chart,
    gap_chart,
    trend_chart,
)
from krachtvansamen.reports.charts.draw import Series
from krachtvansamen.reports.charts.grids import HeatRow, Pair, heat_map, pair_palette, radar_chart
from krachtvansamen.reports.charts.network import NETWORK_PRINT_CSS, network_legend, with_print_style

__all__ = [
    "NETWORK_PRINT_CSS",
    "BalanceRow",
    "Bar",
    "GapRow",
    "HeatRow",
    "Pair",
    "Series",
    "balance_chart",
    "bar_chart",
    "gap_chart",
    "heat_map",
    "network_legend",
    "pair_palette",
    "radar_chart",
    "trend_chart",
    "with_print_style",
]

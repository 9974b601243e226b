"""The report stylesheets: words wrap whole on a phone, wide tables scroll in their own box, charts shrink."""

from __future__ import annotations

from pathlib import Path

import krachtvansamen

STATIC = Path(krachtvansamen.__file__).parent / "reports/static/reports"


def test_words_are_never_broken_letter_by_letter():
    for name in ("reports.css", "print.css"):
        css = (STATIC / name).read_text(encoding="utf-8")
        assert "overflow-wrap: anywhere" not in css and "break-all" not in css, name


def test_wide_tables_scroll_in_their_own_box_and_charts_shrink():
    css = (STATIC / "reports.css").read_text(encoding="utf-8")
    assert ".kvs-table-wrap { max-inline-size: 100%; overflow-x: auto; }" in css
    assert (
        "> .kvs-rtable:not(.kvs-table--stack) { display: block; max-inline-size: 100%; overflow-x: auto; }"
        in css
    )
    assert ".kvs-rchart svg, .kvs-network-block svg { max-inline-size: 100%; block-size: auto; }" in css


def test_print_tables_wrap_their_headers_to_fit_the_page():
    css = (STATIC / "print.css").read_text(encoding="utf-8")
    assert ".kvs-rtable thead th, .kvs-rtable thead th.kvs-rtable__num { white-space: normal; }" in css

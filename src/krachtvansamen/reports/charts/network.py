"""The network picture in a report: its legend, and its style inside a PDF."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from krachtvansamen.reports.charts.draw import BLUE, BLUE_SOFT, INK

# --- The network picture in a PDF ----------------------------------------------------------------------------

# The network app styles its picture from network.css; WeasyPrint does not apply a page's stylesheet inside
# an inline SVG, only a <style> in the SVG itself. These are network.css's rules for the picture (without the
# phone rules, which do not apply to paper).
NETWORK_PRINT_CSS = (
    ".kvs-network__node circle{fill:#fff;stroke:#1a1a1a;stroke-width:2}"
    ".kvs-network__node--connector circle{fill:#1a1a1a}"
    ".kvs-network__node rect{fill:#e5eef8;stroke:#24578f;stroke-width:2.5}"
    # No white halo around the labels: WeasyPrint has no paint-order, the halo would cover the letters. The
    # font named, as on the web page: the label placement (network/svg.py) measures labels in Liberation Sans;
    # WeasyPrint's default font is wider, so its labels ran over the nodes next to them.
    ".kvs-network__labels text{font-family:'Liberation Sans',Arial,Helvetica,sans-serif;font-size:14px;"
    "font-weight:700;fill:#1a1a1a}"
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

"""The ABCD asset map as inline SVG: residents' gifts in the centre, the six other kinds of assets around them.

Drawn on the server, so it works without JavaScript and prints. It is a picture of counts; the list next to
it on the page carries the same information for screen readers (the SVG has a title and a description).
"""

from __future__ import annotations

import math

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from krachtvansamen.assets.selectors import AssetMap, CategoryGroup
from krachtvansamen.core.svg import svg_start

SIZE = 600
CENTRE = SIZE / 2
CENTRE_RADIUS = 100
RING_RADIUS = 88
RING_DISTANCE = 200


def _wrap(text: str, width: int = 13) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, text: str, *, size: int, weight: int = 400, cls: str = "") -> str:
    class_attr = f' class="{cls}"' if cls else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="middle"'
        f"{class_attr}>{escape(text)}</text>"
    )


def _ring_circle(group: CategoryGroup, x: float, y: float) -> list[str]:
    empty = group.count == 0
    places = group.meeting_place_count
    classes = ["kvs-map__circle"]
    if empty:
        classes.append("kvs-map__circle--empty")
    if places:
        classes.append("kvs-map__circle--places")
    parts = [
        (
            f'<g class="kvs-map__category" data-category="{group.key}" data-count="{group.count}"'
            f' data-meeting-places="{places}">'
        ),
        f'<circle class="{" ".join(classes)}" cx="{x:.1f}" cy="{y:.1f}" r="{RING_RADIUS}"/>',
    ]
    # Drawn at about half size on a phone: few words, large type. The count of meeting places is "⌂ 2";
    # the caption under the map says what ⌂ means.
    lines = _wrap(str(group.info.short))
    height = 22 * len(lines) + 36 + (26 if places else 0)
    top = y - height / 2 + 16
    for index, line in enumerate(lines):
        parts.append(_text(x, top + index * 22, line, size=20, weight=600))
    baseline = top + 22 * (len(lines) - 1) + 38
    parts.append(_text(x, baseline, str(group.count), size=34, weight=700, cls="kvs-map__count"))
    if places:
        parts.append(_text(x, baseline + 28, f"⌂ {places}", size=22, weight=700, cls="kvs-map__places"))
    parts.append("</g>")
    return parts


def asset_map_svg(asset_map: AssetMap, *, title_id: str, desc_id: str) -> SafeString:
    parts = [
        svg_start(
            css_class="kvs-map__svg",
            width=SIZE,
            height=SIZE,
            title=_("Asset map"),
            description=asset_map_description(asset_map),
            title_id=title_id,
            desc_id=desc_id,
        ),
        f'<circle class="kvs-map__neighbourhood" cx="{CENTRE}" cy="{CENTRE}" r="{CENTRE - 4}"/>',
    ]
    positions = []
    for index, _group in enumerate(asset_map.ring):
        angle = -math.pi / 2 + index * 2 * math.pi / len(asset_map.ring)
        positions.append((CENTRE + RING_DISTANCE * math.cos(angle), CENTRE + RING_DISTANCE * math.sin(angle)))
    # Spokes first, so the circles cover their ends: everything is connected to the residents.
    for x, y in positions:
        parts.append(f'<line class="kvs-map__spoke" x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}"/>')
    talents = asset_map.talents
    talent_places = sum(group.meeting_place_count for group in talents)
    parts.append(
        f'<g class="kvs-map__category kvs-map__category--gifts" data-category="talents" '
        f'data-count="{asset_map.talent_count}">'
    )
    parts.append(f'<circle class="kvs-map__centre" cx="{CENTRE}" cy="{CENTRE}" r="{CENTRE_RADIUS}"/>')
    for index, line in enumerate(_wrap(_("Residents' gifts"), width=12)):
        parts.append(_text(CENTRE, CENTRE - 50 + index * 24, line, size=21, weight=700))
    for index, group in enumerate(talents):
        parts.append(
            _text(CENTRE, CENTRE + 8 + index * 25, f"{group.info.short}: {group.count}", size=20, weight=600)
        )
    if talent_places:
        parts.append(
            _text(CENTRE, CENTRE + 84, f"⌂ {talent_places}", size=20, weight=700, cls="kvs-map__places")
        )
    parts.append("</g>")
    for group, (x, y) in zip(asset_map.ring, positions, strict=True):
        parts.extend(_ring_circle(group, x, y))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text in it went through escape()


def asset_map_description(asset_map: AssetMap) -> str:
    counts = ", ".join(f"{group.info.short}: {group.count}" for group in asset_map.groups)
    return _("%(total)s assets, %(places)s of them meeting places. %(counts)s.") % {
        "total": asset_map.total,
        "places": len(asset_map.meeting_places),
        "counts": counts,
    }

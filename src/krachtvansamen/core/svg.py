"""SVG primitives the pictures share (asset map, network picture, report charts)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape


def svg_start(
    *, css_class: str, width: int, height: int, title: str, description: str, title_id: str, desc_id: str
) -> str:
    """An accessible inline SVG's opening: an image named by its title and described by its description."""
    return (
        f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(title)}</title><desc id="{desc_id}">{escape(description)}</desc>'
    )


Box = tuple[float, float, float, float]  # left, top, right, bottom


def boxes_overlap(a: Box, b: Box, pad: float = 0.0) -> bool:
    """Whether two boxes overlap (or come closer than ``pad``)."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def label_spot(
    x: float,
    y: float,
    *,
    gap: float,
    width: float,
    height: float,
    taken: Sequence[Box],
    obstacles: Sequence[Box],
    bounds: Box,
) -> tuple[float, float, str, Box] | None:
    """Where a label ``width`` × ``height`` fits next to a point at (x, y), ``gap`` from its centre: right, left,
    above, below, then the four corners; a spot is free when the label stays inside ``bounds``, off every other
    label (``taken``) and off every mark (``obstacles``: other nodes, markers). Returns the text's x, baseline y
    and anchor, and the label's box; None when no spot is free (leave that label out, its tooltip names it)."""
    half = height / 2
    spots = (
        ("start", x + gap, y),
        ("end", x - gap, y),
        ("middle", x, y - gap - half),
        ("middle", x, y + gap + half),
        ("start", x + gap * 0.7, y - gap * 0.7 - half),
        ("end", x - gap * 0.7, y - gap * 0.7 - half),
        ("start", x + gap * 0.7, y + gap * 0.7 + half),
        ("end", x - gap * 0.7, y + gap * 0.7 + half),
    )
    for anchor, tx, centre in spots:
        left = tx if anchor == "start" else (tx - width if anchor == "end" else tx - width / 2)
        box = (left, centre - half, left + width, centre + half)
        inside = box[0] >= bounds[0] and box[1] >= bounds[1] and box[2] <= bounds[2] and box[3] <= bounds[3]
        if inside and not any(boxes_overlap(box, other, 1.0) for other in (*taken, *obstacles)):
            return tx, centre + height * 0.35, anchor, box
    return None

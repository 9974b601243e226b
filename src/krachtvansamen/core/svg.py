"""SVG primitives the pictures share (asset map, network picture, report charts)."""

from __future__ import annotations

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

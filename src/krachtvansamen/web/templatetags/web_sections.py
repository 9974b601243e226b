"""Display only: put one section of a composed page (read beforehand by ``web.neighbourhood``) into its
app's partial template. No queries and no permission checks here."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag(takes_context=True)
def section(context: template.Context, template_name: str, data: dict[str, Any], **extra: Any) -> SafeString:
    """{% section "assets/_neighbourhood_section.html" sections.assets year=overview.year %}"""
    partial = context.template.engine.get_template(template_name)  # type: ignore[union-attr]
    with context.push(**data, **extra):
        return partial.render(context)

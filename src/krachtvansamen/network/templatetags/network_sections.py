"""The network part of the neighbourhood page (rendered by neighbourhoods/detail.html): the network picture
with its legend and a text alternative."""

from __future__ import annotations

from django import template

from krachtvansamen.network.selectors import KIND_PLAIN, network_for_year
from krachtvansamen.network.svg import EDGE_STYLE, network_svg

register = template.Library()


@register.inclusion_tag("network/_neighbourhood_section.html", takes_context=True)
def network_section(context, neighbourhood, year):
    network = network_for_year(neighbourhood=neighbourhood, year=year)
    legend = [
        {"key": key, "label": KIND_PLAIN[key], "colour": colour, "dash": dash}
        for key, (colour, dash) in EDGE_STYLE.items()
    ]
    return {
        "n": neighbourhood,
        "year": year,
        "request": context.get("request"),
        "user": context.get("user"),
        "network": network,
        "legend": legend,
        "network_svg": network_svg(network, title_id="netwerk-titel", desc_id="netwerk-beschrijving"),
    }

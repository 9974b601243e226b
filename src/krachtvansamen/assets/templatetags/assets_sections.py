"""The assets part of the neighbourhood page (rendered by neighbourhoods/detail.html): the asset map and
the year's activities."""

from __future__ import annotations

from django import template

from krachtvansamen.assets.selectors import activities_for_year, asset_map
from krachtvansamen.assets.svg import asset_map_svg
from krachtvansamen.people.access import record_may_change

register = template.Library()


@register.inclusion_tag("assets/_neighbourhood_section.html", takes_context=True)
def assets_section(context, neighbourhood, year):
    user = context.get("user")
    the_map = asset_map(neighbourhood=neighbourhood, year=year)
    activities = activities_for_year(neighbourhood=neighbourhood, year=year)
    changeable = {
        (type(record).__name__, record.pk)
        for record in [*(a for g in the_map.groups for a in g.assets), *activities]
        if user is not None and record_may_change(user=user, record=record)
    }
    return {
        "n": neighbourhood,
        "year": year,
        "request": context.get("request"),
        "user": user,
        "map": the_map,
        "map_svg": asset_map_svg(
            the_map, title_id="krachtenkaart-titel", desc_id="krachtenkaart-beschrijving"
        ),
        "activities": activities,
        "changeable": changeable,
    }


@register.filter
def may_change(record, changeable) -> bool:
    """{% if asset|may_change:changeable %}: whether this user may edit or delete the record."""
    return (type(record).__name__, record.pk) in changeable

"""The effectenplein part of the neighbourhood page (rendered by neighbourhoods/detail.html)."""

from __future__ import annotations

from django import template

from krachtvansamen.effectenplein.selectors import (
    meeting_is_live,
    meeting_year_choices,
    meetings_for_neighbourhood,
)

register = template.Library()


@register.inclusion_tag("effectenplein/_neighbourhood_section.html", takes_context=True)
def effectenplein_section(context, neighbourhood, year):
    # The page already checked access to the neighbourhood: whoever sees it may open a meeting here.
    meetings = meetings_for_neighbourhood(neighbourhood=neighbourhood)
    years = meeting_year_choices()
    return {
        "n": neighbourhood, "year": year, "request": context.get("request"), "user": context.get("user"),
        "meetings": [(meeting, meeting_is_live(meeting=meeting)) for meeting in meetings],
        "years": years, "default_year": years[-1],
    }  # fmt: skip

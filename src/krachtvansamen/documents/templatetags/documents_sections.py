"""The documents part of the neighbourhood page (rendered by neighbourhoods/detail.html)."""

from __future__ import annotations

from django import template

from krachtvansamen.documents.selectors import documents_for_neighbourhood
from krachtvansamen.people.access import neighbourhoods_for_user

register = template.Library()

LATEST = 5


@register.inclusion_tag("documents/_neighbourhood_section.html", takes_context=True)
def documents_section(context, neighbourhood, year):
    user = context.get("user")
    # The page has checked access already; checked again so the section can never leak on another page.
    show = user is not None and neighbourhoods_for_user(user=user).filter(pk=neighbourhood.pk).exists()
    documents = documents_for_neighbourhood(neighbourhood=neighbourhood) if show else None
    return {
        "n": neighbourhood,
        "year": year,
        "request": context.get("request"),
        "user": user,
        "show": show,
        "documents": list(documents[:LATEST]) if show else [],
        "total": documents.count() if show else 0,
    }

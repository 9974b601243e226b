"""The instruments part of the neighbourhood page: what to collect, and the praatplaat in short."""

from __future__ import annotations

from django import template

from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import forms_current, praatplaat

register = template.Library()


@register.inclusion_tag("instruments/_neighbourhood_section.html", takes_context=True)
def instruments_section(context, neighbourhood, year):
    done = (
        set(
            Submission.objects.filter(
                neighbourhood=neighbourhood, year=year, status=Submission.Status.SUBMITTED
            ).values_list("form_version__form__key", flat=True)
        )
        if year
        else set()
    )
    return {
        "n": neighbourhood, "year": year, "forms": forms_current(), "done": done,
        "plate": praatplaat(neighbourhood=neighbourhood, year=None),
        "request": context.get("request"), "user": context.get("user"),
    }  # fmt: skip

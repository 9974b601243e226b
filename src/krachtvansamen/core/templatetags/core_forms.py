"""Small helpers so the form templates can print any field the same accessible way."""

from __future__ import annotations

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):  # a subclass of RadioSelect: ask first
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radio"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def explanation(field: BoundField, value: object) -> str:
    """The plain-language sentence under one choice of an ExplainedChoiceField."""
    return getattr(field.field, "explanations", {}).get(str(value), "")


@register.filter
def bound(form: forms.Form, name: str) -> BoundField:
    """form|bound:"source_new_pseudonym": a field whose name is put together in the template."""
    return form[name]


@register.filter
def described(field: BoundField) -> str:
    """The input, pointing (aria-describedby) at its help text and its error messages."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    ids.extend(f"{field.auto_id}_error{index}" for index in range(1, len(field.errors) + 1))
    attrs: dict[str, str | bool] = {"aria-describedby": " ".join(ids)} if ids else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)

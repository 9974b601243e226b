"""Form helpers every app's pages share: NL Design System (Utrecht) classes, a service's errors next to the
fields, radio buttons with an explanation under each choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# A field with this attribute set gets no "(optional)" after its label (templates/core/_field.html): the page
# says it another way, or the field is needed once a part of the form is used.
HIDE_OPTIONAL = "hide_optional"


def mark_optional_hidden(field: forms.Field) -> None:
    """Print no "(optional)" after the field's label, although it is not required."""
    setattr(field, HIDE_OPTIONAL, True)


def style_fields(form: forms.Form) -> None:
    """The NL Design System (Utrecht) classes on every input, so templates can just print the field."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.RadioSelect | forms.CheckboxInput):
            css = "kvs-f-tick"  # native radio buttons and checkboxes, made large enough to tap (assets.css)
        elif isinstance(widget, forms.Select):
            css = "utrecht-select utrecht-select--html-select"
        elif isinstance(widget, forms.Textarea):
            css = "utrecht-textarea utrecht-textarea--html-textarea"
        else:
            css = "utrecht-textbox utrecht-textbox--html-input"
        widget.attrs["class"] = css


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors next to the fields they are about; anything else on top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class ExplainedChoiceField(forms.ChoiceField):
    """Radio buttons with one plain-language sentence under each choice."""

    def __init__(self, *args: Any, explanations: dict[str, Any], **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(*args, **kwargs)
        self.explanations = explanations

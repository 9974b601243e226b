"""The agreement page's GET form: which fragments, which codes, which coders."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.agreement.selectors import AgreementFilters, CoderCount
from krachtvansamen.coding.models import Instrument, SpeakerRole
from krachtvansamen.core.forms import mark_optional_hidden, style_fields

ALL = [("", _("All"))]


def _choices(field: forms.Field, choices: list[Any]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class AgreementForm(forms.Form):
    programme = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    neighbourhood = forms.TypedChoiceField(
        label=_("Neighbourhood"), required=False, coerce=int, empty_value=None
    )
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    speaker_role = forms.ChoiceField(label=_("Speaker"), required=False)
    group = forms.ChoiceField(label=_("Codes"), required=False)
    coder = forms.TypedMultipleChoiceField(
        label=_("Coders to compare"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose two coders, or more. Without a choice: the two who coded the most of the same fragments."
        ),
    )
    all_coders = forms.BooleanField(label=_("Compare all coders"), required=False)

    def __init__(
        self,
        data: Any,
        *,
        programmes: list[tuple[int, str]],
        neighbourhoods: list[tuple[int, str]],
        years: list[int],
        groups: list[tuple[str, str]],
        coders: list[CoderCount],
    ) -> None:
        super().__init__(data)
        fields = self.fields
        _choices(fields["programme"], ALL + programmes)
        _choices(fields["neighbourhood"], ALL + neighbourhoods)
        _choices(fields["instrument"], ALL + list(Instrument.choices))
        _choices(fields["year"], ALL + [(y, str(y)) for y in years])
        _choices(fields["speaker_role"], ALL + list(SpeakerRole.choices))
        _choices(fields["group"], [("", _("All codes"))] + groups)
        _choices(
            fields["coder"],
            [(c.coder_id, _("%(name)s (%(n)s fragments)") % {"name": c.name, "n": c.passes}) for c in coders],
        )
        for field in fields.values():
            mark_optional_hidden(field)
        style_fields(self)

    def filters(self) -> AgreementFilters:
        """The fragments and codes chosen (call after ``is_valid``)."""
        data = self.cleaned_data
        return AgreementFilters(
            programme_id=data.get("programme"),
            neighbourhood_id=data.get("neighbourhood"),
            instrument=data.get("instrument") or "",
            year=data.get("year"),
            speaker_role=data.get("speaker_role") or "",
            group=data.get("group") or "",
        )


def filters_from(data: Any) -> AgreementFilters:
    """The filters in a GET query as they stand, before the choices (which depend on them) are known.
    Values that are not numbers are dropped; the form checks the rest against what the user may see."""

    def number(name: str) -> int | None:
        value = data.get(name, "")
        return int(value) if str(value).isdigit() else None

    return AgreementFilters(
        programme_id=number("programme"),
        neighbourhood_id=number("neighbourhood"),
        instrument=data.get("instrument", ""),
        year=number("year"),
        speaker_role=data.get("speaker_role", ""),
        group=data.get("group", ""),
    )

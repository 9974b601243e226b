"""Forms of the lists: the filters (like the workbench's queue) and a programme's own code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Fragment, Instrument, SpeakerRole
from krachtvansamen.coding.selectors import QueueFilters
from krachtvansamen.core.forms import style_fields
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.neighbourhoods.years import years_measured

# Query parameters of the filters, named as in the workbench's queue: what a link keeps when it changes page,
# code or view.
FILTER_FIELDS = ("programma", "buurt", "instrument", "jaar", "spreker")


@dataclass(frozen=True)
class FilterField:
    """One filter (a select) with its options: (value, label, chosen)."""

    name: str
    label: str
    options: list[tuple[str, str, bool]]


MAX_NEIGHBOURHOODS = 300


def filter_fields(data: Any, *, neighbourhoods: QuerySet[Neighbourhood]) -> list[FilterField]:
    """The filters of the lists, named and filled as the workbench's queue's: options only from what the
    user may see (the neighbourhoods with fragments, narrowed to the chosen programme, and their programmes).
    Two small queries."""
    rows = (
        neighbourhoods.filter(Exists(Fragment.objects.filter(neighbourhood_id=OuterRef("pk"))))
        .order_by("name")
        .values_list("pk", "name", "municipality_name", "programme_id", "programme__name")
    )
    chosen_programme = _number(data.get("programma"))
    programmes: dict[int, str] = {}
    buurten = []
    for pk, name, municipality, programme_id, programme in rows:
        if programme_id is not None:
            programmes[programme_id] = programme
        if not chosen_programme or programme_id == chosen_programme:
            buurten.append((pk, f"{name} ({municipality})" if municipality else name))
    capped = len(buurten) > MAX_NEIGHBOURHOODS  # a select of thousands helps nobody: choose a programme first
    if capped:
        chosen_buurt = _number(data.get("buurt"))
        buurten = [(pk, name) for pk, name in buurten if pk == chosen_buurt]
    years = [(year, str(year)) for year in reversed(years_measured())]
    fields: list[tuple[str, Any, list[tuple[Any, Any]]]] = [
        ("programma", _("Programme"), sorted(programmes.items(), key=lambda item: item[1])),
        ("buurt", _("Neighbourhood"), buurten),
        ("instrument", _("Instrument"), list(Instrument.choices)),
        ("jaar", _("Year"), years),
        ("spreker", _("Speaker"), list(SpeakerRole.choices)),
    ]
    everything = str(_("all"))
    out = []
    for name, label, choices in fields:
        value = str(data.get(name) or "")
        first = str(_("all (choose a programme first)")) if name == "buurt" and capped else everything
        options = [("", first, value == "")]
        options += [(str(key), str(text), str(key) == value) for key, text in choices]
        out.append(FilterField(name=name, label=str(label), options=options))
    return out


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def filters_from_query(data: Any) -> QueueFilters:
    """The filters in a query string, read without a query: the pages scope the data to the user's
    neighbourhoods anyway, so a value that is not one of the choices only narrows the list to nothing."""
    instrument = str(data.get("instrument") or "")
    role = str(data.get("spreker") or "")
    return QueueFilters(
        programme_id=_number(data.get("programma")),
        neighbourhood_id=_number(data.get("buurt")),
        instrument=instrument if instrument in Instrument.values else "",
        year=_number(data.get("jaar")),
        speaker_role=role if role in SpeakerRole.values else "",
    )


def key_suffix_from(name: str) -> str:
    """A short key part from a name: "Samen koken!" → "samen_koken"."""
    suffix = slugify(name).replace("-", "_")[:40].strip("_")
    if suffix and not suffix[0].isalpha():
        suffix = f"c_{suffix}"
    return suffix


class ParentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{'— ' * (obj.depth - 1)}{obj.label} ({obj.key})"


class OwnCodeForm(forms.Form):
    """A programme's own code under a code of the current codebook."""

    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=Programme.objects.none(), empty_label=None
    )
    parent = ParentChoiceField(
        label=_("Under which code"),
        queryset=Code.objects.none(),
        empty_label=_("Choose a code"),
        help_text=_("Your code counts for this code in analyses and the palet."),
        error_messages={"invalid_choice": _("Choose a code of the current codebook.")},
    )
    label_nl = forms.CharField(label=_("Name (Dutch)"), max_length=200)
    label_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    suffix = forms.CharField(
        label=_("Short key"),
        max_length=40,
        required=False,
        help_text=_("Lower-case letters, digits and _. Left empty, it is made from the name."),
    )
    definition_nl = forms.CharField(
        label=_("What the code means"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes.order_by("name")  # type: ignore[attr-defined]
        self.fields["parent"].queryset = (  # type: ignore[attr-defined]
            codes_current().filter(depth__gt=0, is_user_defined=False).order_by("position")
        )
        style_fields(self)

    def clean_suffix(self) -> str:
        suffix = self.cleaned_data.get("suffix", "").strip()
        if suffix and not re.fullmatch(r"[a-z][a-z0-9_]*", suffix):
            raise forms.ValidationError(_("Use lower-case letters, digits and _, starting with a letter."))
        return suffix

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("suffix") and data.get("label_nl"):
            data["suffix"] = key_suffix_from(data["label_nl"])
            if not data["suffix"]:
                self.add_error("suffix", _("Give a short key: the name has no letters to make one from."))
        return data

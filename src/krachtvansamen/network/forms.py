"""The relation form: who knows whom now, what kind of tie, and the haakje that brought them together."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from krachtvansamen.assets.forms import ActivityChoiceField, NeighbourhoodForm
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import (
    activities_for_neighbourhood,
    meeting_places_for_neighbourhood,
    organisations_for_neighbourhood,
    persons_for_neighbourhood,
)
from krachtvansamen.assets.services import NewOrganisation
from krachtvansamen.core.forms import ExplainedChoiceField, mark_optional_hidden, style_fields
from krachtvansamen.network.models import Relation
from krachtvansamen.network.selectors import KIND_EXPLANATION, KIND_PLAIN
from krachtvansamen.people.models import Organisation, Person

NOT_FROM_HERE = _("Choose a person or organisation from this neighbourhood.")


class PartyChoiceField(forms.ChoiceField):
    """One list with the neighbourhood's people and organisations; values "p:<id>" and "o:<id>"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {"invalid_choice": NOT_FROM_HERE})
        super().__init__(*args, **kwargs)
        self.hide_optional = True  # not optional: a new person or organisation may take its place
        self.parties: dict[str, Person | Organisation] = {}

    def set_parties(self, persons: list[Person], organisations: list[Organisation]) -> None:
        self.parties = {f"p:{p.pk}": p for p in persons} | {f"o:{o.pk}": o for o in organisations}
        self.choices = [
            ("", _("(choose)")),
            (_("People"), [(f"p:{p.pk}", p.pseudonym) for p in persons]),
            (_("Organisations"), [(f"o:{o.pk}", o.name) for o in organisations]),
        ]

    def clean(self, value: Any) -> Person | Organisation | None:
        value = super().clean(value)
        return self.parties.get(value) if value else None


def party_value(party: Person | Organisation | None) -> str:
    if party is None:
        return ""
    return f"{'p' if isinstance(party, Person) else 'o'}:{party.pk}"


ORGANISATION_KINDS = [(k, label) for k, label in Organisation.Kind.choices if k != Organisation.Kind.FUND]


class RelationForm(NeighbourhoodForm):
    new_person_for = ("source", "target")
    ends = ("source", "target")

    source = PartyChoiceField(
        label=_("Who?"),
        required=False,
        help_text=_("A person (by pseudonym) or an organisation from this neighbourhood."),
    )
    target = PartyChoiceField(label=_("Now knows whom?"), required=False)
    capital_type = ExplainedChoiceField(
        label=_("What kind of tie is it?"),
        choices=[(key, str(KIND_PLAIN[key]).capitalize()) for key in Relation.CapitalType.values],
        explanations=KIND_EXPLANATION,
        error_messages={"required": _("Choose what kind of tie it is.")},
    )
    is_new = forms.TypedChoiceField(
        label=_("Is the tie new?"),
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[
            ("yes", _("Yes, they got to know each other this year")),
            ("no", _("No, they knew each other already")),
        ],
        error_messages={"required": _("Choose whether the tie is new.")},
    )
    hook_activity = ActivityChoiceField(
        label=_("An activity"),
        required=False,
        queryset=None,
        empty_label=_("(no activity)"),
        error_messages={"invalid_choice": _("Choose an activity of this neighbourhood.")},
    )
    hook_place: forms.ModelChoiceField[Asset] = forms.ModelChoiceField(
        label=_("A meeting place"),
        required=False,
        queryset=None,
        empty_label=_("(no place)"),
        error_messages={"invalid_choice": _("Choose a meeting place of this neighbourhood.")},
    )
    hook_person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("A person who brought them together"),
        required=False,
        queryset=None,
        empty_label=_("(nobody)"),
        error_messages={"invalid_choice": _("Choose someone from this neighbourhood.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What happened? No names, use pseudonyms."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        n = self.neighbourhood
        persons = list(persons_for_neighbourhood(neighbourhood=n))
        organisations = list(organisations_for_neighbourhood(neighbourhood=n))
        for end in self.ends:
            cast(PartyChoiceField, self.fields[end]).set_parties(persons, organisations)
            self.fields[f"{end}_neworg_name"] = forms.CharField(
                label=_("Name of the new organisation"),
                required=False,
                max_length=200,
            )
            self.fields[f"{end}_neworg_kind"] = forms.ChoiceField(
                label=_("Kind of organisation"),
                required=False,
                choices=ORGANISATION_KINDS,
                initial=Organisation.Kind.OTHER,
            )
            mark_optional_hidden(self.fields[f"{end}_neworg_name"])
            mark_optional_hidden(self.fields[f"{end}_neworg_kind"])
        cast(
            "forms.ModelChoiceField[Activity]", self.fields["hook_activity"]
        ).queryset = activities_for_neighbourhood(neighbourhood=n)
        cast(
            "forms.ModelChoiceField[Asset]", self.fields["hook_place"]
        ).queryset = meeting_places_for_neighbourhood(neighbourhood=n)
        cast(
            "forms.ModelChoiceField[Person]", self.fields["hook_person"]
        ).queryset = persons_for_neighbourhood(neighbourhood=n)
        for name in ("hook_activity", "hook_place", "hook_person"):
            mark_optional_hidden(self.fields[name])  # the fieldset says it: any, all or none
        style_fields(self)

    def initial_from(self, instance: Relation) -> dict[str, Any]:
        return {
            "source": party_value(instance.source),
            "target": party_value(instance.target),
            "capital_type": instance.capital_type,
            "is_new": "yes" if instance.is_new else "no",
            "hook_activity": instance.hook_activity_id,
            "hook_place": instance.hook_place_id,
            "hook_person": instance.hook_person_id,
            "note": instance.note,
        }

    @property
    def new_person_open(self) -> dict[str, bool]:
        result = super().new_person_open
        for end in self.ends:
            typed = (
                (self.data.get(self.add_prefix(f"{end}_neworg_name")) or "").strip() if self.is_bound else ""
            )
            result[end] = result[end] or bool(typed) or f"{end}_neworg_name" in self.errors
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # the chosen person, or the new person typed in
        for end in self.ends:
            name = (data.get(f"{end}_neworg_name") or "").strip()
            if name:
                if data.get(end) is not None:
                    self.add_error(
                        f"{end}_neworg_name",
                        _("Choose from the list, add a new person or add a new organisation: only one."),
                    )
                else:
                    data[end] = NewOrganisation(
                        name=name, kind=data.get(f"{end}_neworg_kind") or Organisation.Kind.OTHER
                    )
            if (
                data.get(end) is None
                and end not in self.errors
                and not self.errors.get(f"{end}_new_pseudonym")
            ):
                self.add_error(end, _("Choose a person or organisation from the list, or add someone new."))
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = (
            "source",
            "target",
            "capital_type",
            "is_new",
            "hook_activity",
            "hook_place",
            "hook_person",
            "note",
            "year",
        )
        return {key: data[key] for key in keys}

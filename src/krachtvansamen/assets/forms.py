"""Forms for assets and activities, in plain language, for a phone.

The forms only offer what belongs to the neighbourhood (its persons, organisations, meeting places); a
tampered value is refused with a Dutch message. The services check the same again before writing.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from krachtvansamen.assets.categories import CATEGORIES
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import (
    default_entry_year,
    entry_years,
    meeting_places_for_neighbourhood,
    organisations_for_neighbourhood,
    persons_for_neighbourhood,
)
from krachtvansamen.assets.services import Errors, NewPerson, check_new_person
from krachtvansamen.core.forms import ExplainedChoiceField, mark_optional_hidden, style_fields
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import AgeBand, Organisation, Origin, Person

NOT_FROM_HERE_PERSON = _("Choose someone from this neighbourhood.")
NOT_FROM_HERE_ORGANISATION = _("Choose an organisation from this neighbourhood.")
CONSENT_METHODS = [("mondeling", _("asked in person")), ("schriftelijk", _("asked in writing"))]


def new_person_fields(prefix: str) -> dict[str, forms.Field]:
    """Fields to add someone who is not in the list yet: a pseudonym, optional demographics, consent."""
    fields = {
        f"{prefix}_pseudonym": forms.CharField(
            label=_("Pseudonym of the new person"),
            required=False,
            max_length=100,
            help_text=_(
                "Not a real full name. For example “Neighbour with the dog” or “Ans from number 12”."
            ),
        ),
        f"{prefix}_consent": forms.BooleanField(
            label=_("This person agreed to take part and to be recorded under this pseudonym"),
            required=False,
        ),
        f"{prefix}_consent_method": forms.ChoiceField(
            label=_("How did you ask?"),
            choices=CONSENT_METHODS,
            initial="mondeling",
            required=False,
        ),
        f"{prefix}_age_band": forms.ChoiceField(
            label=_("Age group"),
            required=False,
            choices=[("", _("(not recorded)")), *AgeBand.choices],
        ),
        f"{prefix}_origin": forms.ChoiceField(
            label=_("Origin"),
            required=False,
            choices=[("", _("(not recorded)")), *Origin.choices],
        ),
        f"{prefix}_demographics_consent": forms.BooleanField(
            label=_("This person agreed to record age group and origin"),
            required=False,
        ),
    }
    for name in (f"{prefix}_pseudonym", f"{prefix}_consent_method"):
        mark_optional_hidden(fields[name])  # needed once someone new is added, so not "optional"
    return fields


def new_person_from(form: NeighbourhoodForm, prefix: str, errors: Errors) -> NewPerson | None:
    """The new person the form describes (checked), or None if the pseudonym is empty."""
    data = form.cleaned_data
    if not (data.get(f"{prefix}_pseudonym") or "").strip():
        return None
    new = NewPerson(
        pseudonym=data[f"{prefix}_pseudonym"],
        age_band=data.get(f"{prefix}_age_band") or "",
        origin=data.get(f"{prefix}_origin") or "",
        participation_consent=bool(data.get(f"{prefix}_consent")),
        demographics_consent=bool(data.get(f"{prefix}_demographics_consent")),
        consent_method=data.get(f"{prefix}_consent_method") or "mondeling",
    )
    check_new_person(errors, neighbourhood=form.neighbourhood, new=new, field=f"{prefix}_pseudonym")
    return new


class NeighbourhoodForm(forms.Form):
    """A form about one neighbourhood, optionally editing one record of it."""

    # Which fields are a choice from the list that a new person (the prefix "<field>_new") may replace.
    new_person_for: tuple[str, ...] = ()

    def __init__(self, *args: Any, neighbourhood: Neighbourhood, instance: Any = None, **kwargs: Any) -> None:
        self.neighbourhood, self.instance = neighbourhood, instance
        if instance is not None:
            kwargs.setdefault("initial", self.initial_from(instance))
        super().__init__(*args, **kwargs)
        for field in self.new_person_for:
            self.fields.update(new_person_fields(f"{field}_new"))
        years = entry_years()
        if instance is not None and instance.year not in years:
            years = sorted({*years, instance.year}, reverse=True)
        self.fields["year"] = forms.TypedChoiceField(
            label=_("Year"),
            coerce=int,
            choices=[(year, str(year)) for year in years],
            initial=instance.year if instance is not None else default_entry_year(),
            error_messages={"invalid_choice": _("Choose a year from the list.")},
        )
        style_fields(self)

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return {}

    @property
    def new_person_open(self) -> dict[str, bool]:
        """Per field: should its "someone new" part show open (it was filled in, or has errors)?"""
        result = {}
        for field in self.new_person_for:
            prefix = f"{field}_new_"
            names = [name for name in self.fields if name.startswith(prefix)]
            result[field] = self.is_bound and (
                any(name in self.errors for name in names)
                or bool((self.data.get(self.add_prefix(f"{prefix}pseudonym")) or "").strip())
            )
        return result

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # Django keeps the cleaned data then
            data = self.cleaned_data
        errors = Errors()
        for field in self.new_person_for:
            new = new_person_from(self, f"{field}_new", errors)
            if new is not None:
                if data.get(field) is not None:
                    errors.add(field, _("Choose someone from the list or add someone new, not both."))
                data[field] = new
        for name, messages in errors.by_field.items():
            for message in messages:
                self.add_error(name, message)
        return data


class AssetForm(NeighbourhoodForm):
    new_person_for = ("person",)

    category = ExplainedChoiceField(
        label=_("What kind of asset is it?"),
        choices=Asset.Category.choices,
        explanations={key: info.explanation for key, info in CATEGORIES.items()},
        error_messages={"required": _("Choose what kind of asset it is.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=200,
        help_text=_("Short and recognisable, for example “Community centre De Linde” or “Can fix bikes”."),
        error_messages={"required": _("Fill in a name.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What makes it strong? Who benefits from it?"),
    )
    is_meeting_place = forms.BooleanField(
        label=_("This is a meeting place"),
        required=False,
        help_text=_("A place where neighbours run into each other or get together."),
    )
    person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("Person (pseudonym)"),
        required=False,
        queryset=None,
        empty_label=_("(nobody in particular)"),
        help_text=_("Mostly for talents: whose talent is it?"),
        error_messages={"invalid_choice": NOT_FROM_HERE_PERSON},
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Or an organisation"),
        required=False,
        queryset=None,
        empty_label=_("(none)"),
        help_text=_("For example for an institution or a shop."),
        error_messages={"invalid_choice": NOT_FROM_HERE_ORGANISATION},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Person]", self.fields["person"]).queryset = persons_for_neighbourhood(
            neighbourhood=self.neighbourhood
        )
        cast(
            "forms.ModelChoiceField[Organisation]", self.fields["organisation"]
        ).queryset = organisations_for_neighbourhood(neighbourhood=self.neighbourhood)
        for name in ("person", "organisation"):
            mark_optional_hidden(self.fields[name])  # the fieldset around them says "optional"

    def initial_from(self, instance: Asset) -> dict[str, Any]:
        return {
            "category": instance.category,
            "name": instance.name,
            "description": instance.description,
            "is_meeting_place": instance.is_meeting_place,
            "person": instance.person_id,
            "organisation": instance.organisation_id,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in (
                "category",
                "name",
                "description",
                "is_meeting_place",
                "person",
                "organisation",
                "year",
            )
        }


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.title} ({obj.year})"


class ActivityForm(NeighbourhoodForm):
    new_person_for = ("initiator_person",)

    title = forms.CharField(
        label=_("Name of the activity"),
        max_length=200,
        help_text=_("For example “Neighbourhood dinner” or “Clean-up day”."),
        error_messages={"required": _("Fill in a title.")},
    )
    description = forms.CharField(
        label=_("What happens there?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    initiated_by = ExplainedChoiceField(
        label=_("Who took the initiative?"),
        choices=Activity.InitiatedBy.choices,
        explanations={
            Activity.InitiatedBy.RESIDENTS: _("Residents came up with it and organise it."),
            Activity.InitiatedBy.PROFESSIONALS: _(
                "A professional (for example from welfare work or the municipality) started it."
            ),
            Activity.InitiatedBy.TOGETHER: _("Residents and professionals started it together."),
        },
        error_messages={"required": _("Choose who started the activity.")},
    )
    initiator_person: forms.ModelChoiceField[Person] = forms.ModelChoiceField(
        label=_("Person (pseudonym)"),
        required=False,
        queryset=None,
        empty_label=_("(not recorded)"),
        error_messages={"invalid_choice": NOT_FROM_HERE_PERSON},
    )
    initiator_organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=None,
        empty_label=_("(none)"),
        error_messages={"invalid_choice": NOT_FROM_HERE_ORGANISATION},
    )
    meeting_place: forms.ModelChoiceField[Asset] = forms.ModelChoiceField(
        label=_("Where does it take place?"),
        required=False,
        queryset=None,
        empty_label=_("(not recorded)"),
        help_text=_(
            "Only meeting places are in this list. Is the place missing? First add it as an asset and "
            "tick “This is a meeting place”."
        ),
        error_messages={"invalid_choice": _("Choose a meeting place of this neighbourhood.")},
    )
    started_on = forms.DateField(
        label=_("When did it start?"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Fill in a date, for example 14-3-2025.")},
    )
    participants: forms.ModelMultipleChoiceField[Person] = forms.ModelMultipleChoiceField(
        label=_("Who took part? (pseudonyms)"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick the people who are in the list. Others you count in the total below."),
        error_messages={
            "invalid_choice": _("Choose participants from this neighbourhood."),
            "invalid_pk_value": _("Choose participants from this neighbourhood."),
        },
    )
    participant_count = forms.IntegerField(
        label=_("How many people took part in total?"),
        required=False,
        min_value=0,
        help_text=_(
            "Count everyone, also people who are not in the list. Leave empty to use the number of "
            "people ticked."
        ),
        error_messages={"min_value": _("Fill in 0 or more."), "invalid": _("Fill in a whole number.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        persons = persons_for_neighbourhood(neighbourhood=self.neighbourhood)
        cast("forms.ModelChoiceField[Person]", self.fields["initiator_person"]).queryset = persons
        cast("forms.ModelMultipleChoiceField[Person]", self.fields["participants"]).queryset = persons
        cast(
            "forms.ModelChoiceField[Organisation]", self.fields["initiator_organisation"]
        ).queryset = organisations_for_neighbourhood(neighbourhood=self.neighbourhood)
        cast(
            "forms.ModelChoiceField[Asset]", self.fields["meeting_place"]
        ).queryset = meeting_places_for_neighbourhood(neighbourhood=self.neighbourhood)
        self.fields["participant_count"].widget.attrs["inputmode"] = "numeric"
        for name in ("initiator_person", "initiator_organisation"):
            mark_optional_hidden(self.fields[name])  # the fieldset around them says "optional"

    def initial_from(self, instance: Activity) -> dict[str, Any]:
        return {
            "title": instance.title,
            "description": instance.description,
            "initiated_by": instance.initiated_by,
            "initiator_person": instance.initiator_person_id,
            "initiator_organisation": instance.initiator_organisation_id,
            "meeting_place": instance.meeting_place_id,
            "started_on": instance.started_on,
            "participants": list(instance.participants.values_list("pk", flat=True)),
            "participant_count": instance.participant_count,
        }

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        keys = (
            "title",
            "description",
            "initiated_by",
            "initiator_person",
            "initiator_organisation",
            "meeting_place",
            "started_on",
            "participants",
            "participant_count",
            "year",
        )
        return {key: data[key] for key in keys}

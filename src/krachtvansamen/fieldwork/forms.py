"""The edit form of a plan: one small form per row (a formset), each row's rules asked of the service."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Instrument
from krachtvansamen.core.forms import add_errors, mark_optional_hidden, style_fields
from krachtvansamen.fieldwork.models import HolderRole, Plan, Scope
from krachtvansamen.fieldwork.services import ItemInput, plan_item_check


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def holder_choices(plan: Plan) -> Any:
    """People who can hold a row: members of the programme or of one of its neighbourhoods."""
    programme = plan.programme
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(memberships__programme=programme) | Q(memberships__neighbourhood__programme=programme))
        .distinct()
        .order_by("first_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.first_name or obj.username)


class PlanItemForm(forms.Form):
    item_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    instrument = forms.ChoiceField(
        label=_("Instrument"), choices=[("", _("Choose an instrument")), *Instrument.choices]
    )
    scope = forms.ChoiceField(label=_("Where"), choices=Scope.choices, initial=Scope.ALL)
    starts_on = forms.DateField(label=_("Start"), widget=DateInput())
    due_on = forms.DateField(label=_("Done by"), widget=DateInput())
    holder_role = forms.ChoiceField(
        label=_("Who holds it"), choices=HolderRole.choices, initial=HolderRole.COMMUNITY_BUILDER
    )
    holder_user = PersonChoiceField(
        label=_("Person (if one person holds it)"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("nobody chosen"),
    )
    delete = forms.BooleanField(label=_("Remove this row"), required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        holder_user = self.fields["holder_user"]
        assert isinstance(holder_user, forms.ModelChoiceField)
        holder_user.queryset = holder_choices(plan)
        mark_optional_hidden(holder_user)
        style_fields(self)

    @property
    def is_existing_row(self) -> bool:
        return bool(self["item_id"].value())

    @property
    def instrument_label(self) -> str:
        value = self["instrument"].value()
        return str(Instrument(value).label) if value in Instrument.values else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("delete"):
            return data
        holder = data.get("holder_user")
        try:
            plan_item_check(
                starts_on=data.get("starts_on"),
                due_on=data.get("due_on"),
                holder_role=data.get("holder_role", ""),
                holder_user_id=holder.pk if holder else None,
            )
        except ValidationError as error:
            add_errors(self, error)
        return data

    def as_input(self) -> ItemInput | None:
        data = self.cleaned_data
        if not data or (not data.get("item_id") and data.get("delete")):
            return None
        holder = data.get("holder_user")
        return ItemInput(
            pk=data.get("item_id"),
            instrument=data["instrument"] if not data.get("delete") else "",
            scope=data.get("scope", Scope.ALL),
            starts_on=data.get("starts_on"),  # type: ignore[arg-type]
            due_on=data.get("due_on"),  # type: ignore[arg-type]
            holder_role=data.get("holder_role", HolderRole.COMMUNITY_BUILDER),
            holder_user_id=holder.pk if holder else None,
            delete=bool(data.get("delete")),
        )


class BasePlanFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        self.plan = plan
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "plan": self.plan}

    @property
    def empty_form(self) -> forms.Form:
        return self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"), empty_permitted=True,
                         use_required_attribute=False, plan=self.plan)  # fmt: skip


PlanFormSet = cast(
    "type[BasePlanFormSet]", forms.formset_factory(PlanItemForm, formset=BasePlanFormSet, extra=1)
)


def plan_formset(plan: Plan, data: Any = None) -> BasePlanFormSet:
    initial = [
        {
            "item_id": item.pk,
            "instrument": item.instrument,
            "scope": item.scope,
            "starts_on": item.starts_on,
            "due_on": item.due_on,
            "holder_role": item.holder_role,
            "holder_user": item.holder_user_id,
        }
        for item in plan.items.all()
    ]
    if data is not None:
        return PlanFormSet(data, initial=initial, plan=plan, prefix="rij")
    return PlanFormSet(initial=initial, plan=plan, prefix="rij")

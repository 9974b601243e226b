"""Writes of the fieldwork plan: the default plan from the study's design, saving an edited plan (one
transaction), and recording a reminder that went out."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import User as Account
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.fieldwork.design import design_for_year
from krachtvansamen.fieldwork.models import HolderRole, Plan, PlanItem, Reminder
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.services import recorder


@dataclass
class ItemInput:
    """One row as the edit form sends it. ``pk`` None: a new row."""

    instrument: str
    scope: str
    starts_on: datetime.date
    due_on: datetime.date
    holder_role: str = HolderRole.COMMUNITY_BUILDER
    holder_user_id: int | None = None
    pk: int | None = None
    delete: bool = False


def plan_item_check(
    *,
    starts_on: datetime.date | None,
    due_on: datetime.date | None,
    holder_role: str,
    holder_user_id: int | None,
) -> None:
    """The rules of one row, in Dutch; the edit form and ``plan_items_save`` both ask this."""
    errors: dict[str, str] = {}
    if starts_on and due_on and due_on < starts_on:
        errors["due_on"] = _(
            "The end date is before the start date. Choose an end date on or after the start."
        )
    if holder_role == HolderRole.USER and not holder_user_id:
        errors["holder_user"] = _("Choose the person who holds this, or choose another kind of holder.")
    if errors:
        raise ValidationError(errors)


def plan_create_default(*, programme: Programme, year: int, user: User | None = None) -> Plan:
    """The plan of this programme and year as the study designed it (``fieldwork.design``), the whole year long,
    held by each neighbourhood's community builder. An existing plan is returned unchanged."""
    with transaction.atomic():
        plan, created = Plan.objects.get_or_create(
            programme=programme,
            year=year,
            defaults={"updated_by": recorder(user)},
        )
        if created:
            PlanItem.objects.bulk_create(
                PlanItem(
                    plan=plan,
                    instrument=row.instrument,
                    scope=row.scope,
                    starts_on=datetime.date(year, 1, 1),
                    due_on=datetime.date(year, 12, 31),
                    holder_role=HolderRole.COMMUNITY_BUILDER,
                    position=position,
                )
                for position, row in enumerate(design_for_year(year))
            )
    return plan


def plan_items_save(*, plan: Plan, rows: list[ItemInput], user: User) -> Plan:
    """Save every row of an edited plan, or none: a wrong row stops the whole save with a Dutch message."""
    kept = [row for row in rows if not row.delete]
    instruments = [row.instrument for row in kept]
    if len(instruments) != len(set(instruments)):
        raise ValidationError(_("Each instrument can be in the plan once. Remove the second row."))
    for row in kept:
        plan_item_check(
            starts_on=row.starts_on,
            due_on=row.due_on,
            holder_role=row.holder_role,
            holder_user_id=row.holder_user_id,
        )
    existing = {item.pk: item for item in plan.items.all()}
    unknown = [row.pk for row in rows if row.pk is not None and row.pk not in existing]
    if unknown:
        raise ValidationError(_("A row of this plan no longer exists. Reload the page and try again."))
    with transaction.atomic():
        PlanItem.objects.filter(plan=plan, pk__in=[row.pk for row in rows if row.delete and row.pk]).delete()
        # Two rows may swap instruments: free the unique (plan, instrument) pair first.
        changed = [row.pk for row in kept if row.pk is not None]
        for pk in changed:
            PlanItem.objects.filter(pk=pk).update(instrument=f"~{pk}")
        for position, row in enumerate(kept):
            item = existing[row.pk] if row.pk is not None else PlanItem(plan=plan)
            item.instrument = row.instrument
            item.scope = row.scope
            item.starts_on = row.starts_on
            item.due_on = row.due_on
            item.holder_role = row.holder_role
            item.holder_user_id = row.holder_user_id if row.holder_role == HolderRole.USER else None
            item.position = position
            item.save()
        plan.updated_by = recorder(user)
        plan.save(update_fields=["updated_by", "updated_at"])
    return plan


def reminder_record(
    *, item: PlanItem, neighbourhood: Neighbourhood, user: Account, kind: str, due_on: datetime.date
) -> Reminder:
    """Remember a reminder that was sent (only after the mail went out)."""
    reminder, _created = Reminder.objects.get_or_create(
        item=item, neighbourhood=neighbourhood, user=user, kind=kind, due_on=due_on
    )
    return reminder

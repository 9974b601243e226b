"""Reads of the fieldwork plan: who may see and edit it, and how far each row is.

"Done" has one definition, ``done_neighbourhood_ids``; the progress page, ``kvs remind`` and the tests all ask it.
A row is done in a neighbourhood when that neighbourhood has, for the plan's year, a record of the instrument
(``DONE_RULES`` says which, in words, for the page). A row is *overdue* in a neighbourhood when its due date has
passed (the due date itself still counts as on time) and it is not done there.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import User as Account
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.coding.models import Fragment, Instrument
from krachtvansamen.core.types import User
from krachtvansamen.documents.models import DOCUMENT_INSTRUMENTS, Document
from krachtvansamen.effectenplein.models import Meeting
from krachtvansamen.fieldwork.models import HolderRole, Plan, PlanItem, Reminder, Scope
from krachtvansamen.instruments.models import Submission
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open
from krachtvansamen.people.access import neighbourhoods_for_user, user_manages_programme
from krachtvansamen.people.models import Membership, Role

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORM_INSTRUMENTS = {
    Instrument.BUURTSCAN,
    Instrument.VRAGENLIJST,
    Instrument.WIJKWAARDENKAART,
    Instrument.PAS_OP_DE_PLAATS,
}
FRAGMENTS_TOO = gettext_lazy("or passages from it were recorded (for example from an import)")
DONE_RULES: dict[str, StrOrPromise] = {
    Instrument.BUURTSCAN: gettext_lazy("at least one Buurtscan form was sent in"),
    Instrument.VRAGENLIJST: gettext_lazy("at least one questionnaire was sent in"),
    Instrument.WIJKWAARDENKAART: gettext_lazy("at least one Wijkwaardenkaart conversation was sent in"),
    Instrument.PAS_OP_DE_PLAATS: gettext_lazy("at least one Pas-op-de-plaats conversation was sent in"),
    Instrument.EFFECTENPLEIN: gettext_lazy("an Effectenplein was held and closed"),
    Instrument.BUURTBEZOEK: gettext_lazy("notes of a neighbourhood visit were added"),
    Instrument.INTERVIEW: gettext_lazy("notes or a transcript of an in-depth interview were added"),
    Instrument.REFLECTIESESSIE: gettext_lazy("notes of a reflection session were added"),
}


def done_neighbourhood_ids(*, instrument: str, year: int, neighbourhood_ids: Iterable[int]) -> set[int]:
    """The neighbourhoods (of ``neighbourhood_ids``) where ``instrument`` is done for ``year``: a sent-in form
    of that instrument, a closed Effectenplein, a document of that kind — or any fragment recorded from that
    instrument in that neighbourhood and year."""
    ids = list(neighbourhood_ids)
    if not ids:
        return set()
    records: QuerySet
    if instrument in FORM_INSTRUMENTS:
        records = Submission.objects.filter(
            status=Submission.Status.SUBMITTED, form_version__form__instrument=instrument
        )
    elif instrument == Instrument.EFFECTENPLEIN:
        records = Meeting.objects.filter(status=Meeting.Status.CLOSED)
    elif instrument in DOCUMENT_INSTRUMENTS:
        records = Document.objects.filter(instrument=instrument)
    else:
        records = Fragment.objects.none()
    done = set(records.filter(year=year, neighbourhood_id__in=ids).values_list("neighbourhood_id", flat=True))
    rest = [pk for pk in ids if pk not in done]
    if rest:
        fragments = Fragment.objects.filter(instrument=instrument, year=year, neighbourhood_id__in=rest)
        done |= set(fragments.values_list("neighbourhood_id", flat=True).distinct())
    return done


def done_rule(instrument: str) -> str:
    return f"{DONE_RULES.get(instrument, '')}, {FRAGMENTS_TOO}."


# --- who may see and edit -------------------------------------------------------------------------------------


def fieldwork_neighbourhoods_for_user(*, user: User) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose fieldwork the user follows: those whose data they see (people.access). A funder
    sees none: the progress page is work planning, not a report."""
    return neighbourhoods_for_user(user=user).filter(programme__isnull=False)


def fieldwork_programmes_for_user(*, user: User) -> QuerySet[Programme]:
    visible = fieldwork_neighbourhoods_for_user(user=user)
    return Programme.objects.filter(pk__in=visible.values("programme_id")).order_by("name")


def plan_may_edit(*, user: User, programme: Programme) -> bool:
    """Administrators and the programme's own programme managers change its plan (the rule is people.access's)."""
    return user_manages_programme(user=user, programme_id=programme.pk)


def programme_get_for_user(*, user: User, slug: str) -> Programme:
    """The programme, if the user follows the fieldwork of one of its neighbourhoods (else 403; 404 if unknown)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404(_("This programme does not exist."))
    if not fieldwork_programmes_for_user(user=user).filter(pk=programme.pk).exists():
        raise PermissionDenied(_("You do not have access to the fieldwork of this programme."))
    return programme


def plan_for(*, programme: Programme, year: int) -> Plan | None:
    return Plan.objects.filter(programme=programme, year=year).first()


def plan_years(*, programme: Programme) -> list[int]:
    return list(Plan.objects.filter(programme=programme).order_by("year").values_list("year", flat=True))


# --- progress -------------------------------------------------------------------------------------------------


@dataclass
class OpenTask:
    item: PlanItem
    overdue: bool
    holders: list[str]


@dataclass
class RowProgress:
    item: PlanItem
    done_rule: str
    holder: str
    in_scope: int
    done: int
    overdue: int  # neighbourhoods in scope where it is late
    due_soon: bool

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.in_scope) if self.in_scope else 0

    @property
    def complete(self) -> bool:
        return self.in_scope > 0 and self.done == self.in_scope


@dataclass
class NeighbourhoodOpen:
    neighbourhood: Neighbourhood
    tasks: list[OpenTask] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(task.overdue for task in self.tasks)


@dataclass
class PlanProgress:
    plan: Plan
    today: datetime.date
    rows: list[RowProgress]
    neighbourhoods_open: list[NeighbourhoodOpen]
    neighbourhoods_done: list[Neighbourhood]
    neighbourhood_total: int

    @property
    def overdue_total(self) -> int:
        return sum(n.overdue for n in self.neighbourhoods_open)


def is_overdue(*, item: PlanItem, today: datetime.date) -> bool:
    """Late when the due date lies before today: on the due date itself it is still on time."""
    return item.due_on < today


def in_scope(item: PlanItem, neighbourhoods: Iterable[Neighbourhood]) -> list[Neighbourhood]:
    return [n for n in neighbourhoods if item.scope == Scope.ALL or n.is_focus]


def _person_name(user: object) -> str:
    full = getattr(user, "get_full_name", lambda: "")() or ""
    return full or getattr(user, "first_name", "") or str(getattr(user, "username", ""))


def holder_label(item: PlanItem) -> str:
    if item.holder_role == HolderRole.USER and item.holder_user is not None:
        return _person_name(item.holder_user)
    return str(HolderRole(item.holder_role).label)


def _community_builders(neighbourhood_ids: Iterable[int]) -> dict[int, list[Account]]:
    by_neighbourhood: dict[int, list[Account]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=Role.COMMUNITY_BUILDER, neighbourhood_id__in=list(neighbourhood_ids), user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("user__username"):
        if membership.neighbourhood_id is not None:
            by_neighbourhood[membership.neighbourhood_id].append(membership.user)
    return by_neighbourhood


def _programme_managers(programme_id: int) -> list[Account]:
    memberships = Membership.objects.filter(
        role=Role.PROGRAMME_MANAGER, programme_id=programme_id, user__is_active=True
    ).select_related("user")
    return [m.user for m in memberships.order_by("user__username")]


def holders_of(
    *,
    item: PlanItem,
    neighbourhood: Neighbourhood,
    builders: dict[int, list[Account]],
    managers: list[Account],
) -> list[Account]:
    """The users who hold this row in this neighbourhood."""
    if item.holder_role == HolderRole.USER:
        return [item.holder_user] if item.holder_user is not None and item.holder_user.is_active else []
    if item.holder_role == HolderRole.PROGRAMME_MANAGER:
        return managers
    return builders.get(neighbourhood.pk, [])


def plan_progress(
    *, plan: Plan, neighbourhoods: QuerySet[Neighbourhood], today: datetime.date, soon_days: int = 14
) -> PlanProgress:
    """How far each row of the plan is in ``neighbourhoods`` (the programme's, cut to what the user may see),
    and per neighbourhood what is still open."""
    visible = list(neighbourhoods.filter(programme=plan.programme).order_by("name"))
    items = list(plan.items.select_related("holder_user"))
    builders = _community_builders(n.pk for n in visible)
    managers = _programme_managers(plan.programme_id)
    open_by_neighbourhood: dict[int, NeighbourhoodOpen] = {}
    rows: list[RowProgress] = []
    for item in items:
        scoped = in_scope(item, visible)
        done = done_neighbourhood_ids(
            instrument=item.instrument, year=plan.year, neighbourhood_ids=[n.pk for n in scoped]
        )
        late = is_overdue(item=item, today=today)
        for neighbourhood in scoped:
            if neighbourhood.pk in done:
                continue
            holders = holders_of(item=item, neighbourhood=neighbourhood, builders=builders, managers=managers)
            entry = open_by_neighbourhood.setdefault(neighbourhood.pk, NeighbourhoodOpen(neighbourhood))
            entry.tasks.append(OpenTask(item=item, overdue=late, holders=[_person_name(u) for u in holders]))
        rows.append(
            RowProgress(
                item=item,
                done_rule=done_rule(item.instrument),
                holder=holder_label(item),
                in_scope=len(scoped),
                done=len(done),
                overdue=(len(scoped) - len(done)) if late else 0,
                due_soon=not late and item.due_on <= today + datetime.timedelta(days=soon_days),
            )
        )
    opened = [open_by_neighbourhood[n.pk] for n in visible if n.pk in open_by_neighbourhood]
    opened.sort(key=lambda entry: (-entry.overdue, entry.neighbourhood.name))
    return PlanProgress(
        plan=plan,
        today=today,
        rows=rows,
        neighbourhoods_open=opened,
        neighbourhoods_done=[n for n in visible if n.pk not in open_by_neighbourhood],
        neighbourhood_total=len(visible),
    )


@dataclass
class PlanSummary:
    programme: Programme
    year: int
    rows: list[RowProgress]
    overdue: int


def fieldwork_overview_for_user(*, user: User, today: datetime.date) -> list[PlanSummary]:
    """Every plan the user may follow, newest year first, with its rows' progress."""
    visible = fieldwork_neighbourhoods_for_user(user=user)
    plans = Plan.objects.filter(programme__in=fieldwork_programmes_for_user(user=user)).select_related(
        "programme"
    )
    summaries = []
    for plan in plans.order_by("programme__name", "-year"):
        progress = plan_progress(plan=plan, neighbourhoods=visible, today=today)
        summaries.append(
            PlanSummary(
                programme=plan.programme, year=plan.year, rows=progress.rows, overdue=progress.overdue_total
            )
        )
    return summaries


# --- reminders ------------------------------------------------------------------------------------------------


@dataclass
class ReminderDue:
    item: PlanItem
    neighbourhood: Neighbourhood
    user: Account
    kind: str


@dataclass
class ReminderProblem:
    item: PlanItem
    neighbourhood: Neighbourhood
    text: str


@dataclass
class RemindersToSend:
    due: list[ReminderDue]
    problems: list[ReminderProblem]


def _year_open(year: int) -> bool:
    try:
        year_check_open(year)
    except YearClosed:
        return False
    return True


def reminders_to_send(*, today: datetime.date, soon_days: int) -> RemindersToSend:
    """Per holder, the rows not done in a neighbourhood that are due within ``soon_days`` days or overdue, and
    not reminded of before (for that kind and due date); not for a measurement year closed for new data. A holder without an e-mail address, or a row without
    a holder, is a problem to report, not a mail."""
    horizon = today + datetime.timedelta(days=soon_days)
    items = (
        PlanItem.objects.filter(starts_on__lte=horizon, due_on__lte=horizon)
        .select_related("plan__programme", "holder_user")
        .order_by("due_on", "pk")
    )
    sent = set(
        Reminder.objects.filter(item__in=items).values_list(
            "item_id", "neighbourhood_id", "user_id", "kind", "due_on"
        )
    )
    result = RemindersToSend(due=[], problems=[])
    for item in items:
        if not _year_open(item.plan.year):
            continue  # nothing can be recorded for a closed year any more: a reminder would only nag
        kind = Reminder.Kind.OVERDUE if is_overdue(item=item, today=today) else Reminder.Kind.DUE_SOON
        programme_neighbourhoods = Neighbourhood.objects.filter(programme_id=item.plan.programme_id).order_by(
            "name"
        )
        scoped = in_scope(item, programme_neighbourhoods)
        done = done_neighbourhood_ids(
            instrument=item.instrument, year=item.plan.year, neighbourhood_ids=[n.pk for n in scoped]
        )
        waiting = [n for n in scoped if n.pk not in done]
        builders = _community_builders(n.pk for n in waiting)
        managers = _programme_managers(item.plan.programme_id)
        for neighbourhood in waiting:
            holders = holders_of(item=item, neighbourhood=neighbourhood, builders=builders, managers=managers)
            if not holders:
                result.problems.append(ReminderProblem(item, neighbourhood, _("nobody holds this")))
            for user in holders:
                if (item.pk, neighbourhood.pk, user.pk, kind, item.due_on) in sent:
                    continue
                if not user.email:
                    text = _("%(name)s has no e-mail address") % {"name": _person_name(user)}
                    result.problems.append(ReminderProblem(item, neighbourhood, text))
                    continue
                result.due.append(ReminderDue(item=item, neighbourhood=neighbourhood, user=user, kind=kind))
    return result

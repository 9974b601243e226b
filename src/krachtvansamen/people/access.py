"""Who may reach what: the one module that answers "may this user see / change this". Every
neighbourhood-scoped page, report, template and API asks these functions, and only these.

- admin: everything.
- researcher: the neighbourhoods of their programme(s); a researcher membership without a
  programme reaches all neighbourhoods.
- programme manager: all neighbourhoods of their programme(s).
- connector, community builder: their own neighbourhood(s).
- coding: researchers code the fragments of the neighbourhoods they see, community builders those of their
  own neighbourhood(s); programme managers and connectors read coding work but do not code; a programme's
  own codes are added by its researchers and programme managers.
- hand-recorded records (assets, activities, relations): whoever recorded them and administrators change and
  delete them; a community builder also corrects (changes, never deletes) any record of their own
  neighbourhood(s), whoever recorded it; every change is kept (``privacy.changes``).
- funder: no raw data at all; only the reports of neighbourhoods their organisation funds.
- policy officer of a municipality (gemeente): no raw data at all; only the Beleidssignalen of the municipality
  of their organisation (a municipality with its CBS code) and what its numbers rest on, as counts and quotes.
- resident: nothing (residents take part without an account).
"""

from __future__ import annotations

from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.models import Funding, Membership, Organisation, Role

# Roles that may see the raw, neighbourhood-level data (persons, fragments, relations).
DATA_ROLES = {Role.CONNECTOR, Role.COMMUNITY_BUILDER, Role.RESEARCHER, Role.PROGRAMME_MANAGER, Role.ADMIN}
# Roles that code fragments in the workbench (community builders only in their own neighbourhoods).
CODERS = {Role.COMMUNITY_BUILDER, Role.RESEARCHER, Role.ADMIN}
# Roles that may add, import and export the instruments' forms.
FORM_MANAGERS = {Role.RESEARCHER, Role.PROGRAMME_MANAGER, Role.ADMIN}
# Roles that read reports only, never raw data, and have no instruments in their menu.
REPORT_READERS = {Role.FUNDER, Role.MUNICIPALITY}


class Recorded(Protocol):
    """Anything a person recorded by hand in one neighbourhood: an asset, an activity, a relation."""

    recorded_by_id: Any
    neighbourhood_id: Any


def _memberships(user: Any) -> list[Membership]:
    # Cached on the user object: one query per request however many checks a page makes.
    cached = getattr(user, "_kvs_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user))
        user._kvs_memberships = cached
    return cached


def user_roles(*, user: User) -> set[str]:
    if not user.is_authenticated or not user.is_active:
        return set()
    roles = {m.role for m in _memberships(user)}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    return roles


def user_is_admin(*, user: User) -> bool:
    return Role.ADMIN in user_roles(user=user)


def neighbourhoods_for_user(*, user: User) -> QuerySet[Neighbourhood]:
    """Neighbourhoods whose raw data (persons, fragments, relations, assets) the user may see."""
    roles = user_roles(user=user)
    if not roles & DATA_ROLES:
        return Neighbourhood.objects.none()
    if Role.ADMIN in roles:
        return Neighbourhood.objects.all()
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        if membership.role in (Role.CONNECTOR, Role.COMMUNITY_BUILDER):
            condition |= Q(pk=membership.neighbourhood_id)
        elif membership.role == Role.PROGRAMME_MANAGER:
            condition |= Q(programme_id=membership.programme_id)
        elif membership.role == Role.RESEARCHER:
            if membership.programme_id is None:
                return Neighbourhood.objects.all()
            condition |= Q(programme_id=membership.programme_id)
    return Neighbourhood.objects.filter(condition)


def neighbourhoods_funded_by_user(*, user: User) -> QuerySet[Neighbourhood]:
    organisation_ids = [m.organisation_id for m in _memberships(user) if m.role == Role.FUNDER]
    if not organisation_ids or not user.is_active:
        return Neighbourhood.objects.none()
    funded = Funding.objects.filter(funder_id__in=organisation_ids).values("neighbourhood_id")
    return Neighbourhood.objects.filter(pk__in=funded)


def neighbourhoods_reportable_for_user(*, user: User) -> QuerySet[Neighbourhood]:
    """Neighbourhoods whose reports (aggregates, consented quotes) the user may read."""
    return (neighbourhoods_for_user(user=user) | neighbourhoods_funded_by_user(user=user)).distinct()


def neighbourhood_get_for_user(*, user: User, cbs_code: str) -> Neighbourhood:
    """The neighbourhood, if the user may see its data. 404 if it does not exist, 403 if not theirs."""
    try:
        neighbourhood = Neighbourhood.objects.select_related("programme").get(cbs_code=cbs_code)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("This neighbourhood does not exist.")) from None
    if not neighbourhoods_for_user(user=user).filter(pk=neighbourhood.pk).exists():
        raise PermissionDenied(_("You do not have access to this neighbourhood."))
    return neighbourhood


def programmes_for_user(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(
        pk__in=neighbourhoods_reportable_for_user(user=user).values("programme_id")
    ).order_by("name")


def user_sees_data(*, user: User, neighbourhood: Neighbourhood) -> bool:
    """Whether the user may see this neighbourhood's raw data (persons, fragments, relations, assets)."""
    return neighbourhoods_for_user(user=user).filter(pk=neighbourhood.pk).exists()


def user_funds(*, user: User, neighbourhood: Neighbourhood) -> bool:
    """Whether the user's organisation funds this neighbourhood (it may read its funder report)."""
    return neighbourhoods_funded_by_user(user=user).filter(pk=neighbourhood.pk).exists()


def user_is_funder(*, user: User) -> bool:
    return Role.FUNDER in user_roles(user=user)


def user_manages_forms(*, user: User) -> bool:
    """Whether the user may add, import and export forms (and import answers from KoboToolbox)."""
    return bool(user_roles(user=user) & FORM_MANAGERS)


def user_manages_programme(*, user: User, programme_id: int) -> bool:
    """Administrators and the programme's own programme managers: they change what belongs to the programme as
    a whole (its fieldwork plan)."""
    roles = user_roles(user=user)
    if Role.ADMIN in roles:
        return True
    return Role.PROGRAMME_MANAGER in roles and any(  # roles are empty for an inactive account
        m.role == Role.PROGRAMME_MANAGER and m.programme_id == programme_id for m in _memberships(user)
    )


# Who write down a story they heard in their own buurt ("Verhaal toevoegen"), besides administrators.
STORY_TELLERS = {Role.CONNECTOR, Role.COMMUNITY_BUILDER}


def user_adds_stories(*, user: User, neighbourhood_id: int) -> bool:
    """Whether the user may add a story to this buurt: a connector or community builder of it, or an admin."""
    roles = user_roles(user=user)  # empty for an inactive account
    if Role.ADMIN in roles:
        return True
    return bool(roles & STORY_TELLERS) and any(
        m.role in STORY_TELLERS and m.neighbourhood_id == neighbourhood_id for m in _memberships(user)
    )


def user_checks_buurtbeeld(*, user: User, neighbourhood_id: int) -> bool:
    """Whether the user goes over this buurt's Buurtbeeld with its residents (starts a version, writes down their
    comments, marks it checked): a community builder of the buurt, or an admin."""
    roles = user_roles(user=user)  # empty for an inactive account
    if Role.ADMIN in roles:
        return True
    return Role.COMMUNITY_BUILDER in roles and any(
        m.role == Role.COMMUNITY_BUILDER and m.neighbourhood_id == neighbourhood_id
        for m in _memberships(user)
    )


def user_uses_instruments(*, user: User) -> bool:
    """Whether the instruments belong in the user's menu: any role but a funder's or a policy officer's."""
    roles = user_roles(user=user)
    return bool(roles) and (not roles & REPORT_READERS or Role.ADMIN in roles)


def record_may_change(*, user: User, record: Recorded) -> bool:
    """Who may edit (correct) a hand-recorded record: whoever may delete it, and a community builder of the
    record's neighbourhood, whoever recorded it."""
    if record_may_delete(user=user, record=record):
        return True
    return Role.COMMUNITY_BUILDER in user_roles(user=user) and any(  # no roles for an inactive account
        m.role == Role.COMMUNITY_BUILDER and m.neighbourhood_id == record.neighbourhood_id
        for m in _memberships(user)
    )


def record_may_delete(*, user: User, record: Recorded) -> bool:
    """Who may delete a hand-recorded record: whoever recorded it, and administrators. A community builder
    corrects a colleague's record but does not delete it: a deleted record and its history are gone."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(record.recorded_by_id == user.pk) or user_is_admin(user=user)


def upload_may_delete(*, user: User, neighbourhood_id: int, uploaded_by_id: int | None) -> bool:
    """Who may delete an uploaded document: the uploader; or, among those who may see the neighbourhood,
    anyone but a connector (a connector may remove what they uploaded, not a researcher's coded interview)."""
    if not neighbourhoods_for_user(user=user).filter(pk=neighbourhood_id).exists():
        return False
    if uploaded_by_id is not None and uploaded_by_id == user.pk:
        return True
    if user_roles(user=user) & {Role.RESEARCHER, Role.PROGRAMME_MANAGER, Role.ADMIN}:
        return True
    return any(
        m.role == Role.COMMUNITY_BUILDER and m.neighbourhood_id == neighbourhood_id
        for m in _memberships(user)
    )


def neighbourhoods_codable_for_user(*, user: User) -> QuerySet[Neighbourhood]:
    """Neighbourhoods whose fragments the user may code (and settle): a researcher's or an admin's whole
    reach; a community builder's own neighbourhood(s)."""
    roles = user_roles(user=user)
    if not roles & CODERS:
        return Neighbourhood.objects.none()
    if Role.ADMIN in roles:
        return Neighbourhood.objects.all()
    condition = Q(pk__in=[])
    for membership in _memberships(user):
        if membership.role == Role.COMMUNITY_BUILDER:
            condition |= Q(pk=membership.neighbourhood_id)
        elif membership.role == Role.RESEARCHER:
            if membership.programme_id is None:
                return Neighbourhood.objects.all()
            condition |= Q(programme_id=membership.programme_id)
    return Neighbourhood.objects.filter(condition)


def user_codes(*, user: User) -> bool:
    """Whether the coding workbench belongs in the user's menu."""
    return bool(user_roles(user=user) & CODERS)


def programmes_for_own_codes(*, user: User) -> QuerySet[Programme]:
    """Programmes to which the user may add codes of their own: their researchers' and programme managers'."""
    roles = user_roles(user=user)
    if Role.ADMIN in roles:
        return Programme.objects.all()
    ids: set[int] = set()
    for membership in _memberships(user):
        if membership.role in (Role.RESEARCHER, Role.PROGRAMME_MANAGER):
            if membership.programme_id is None:
                return Programme.objects.all()
            ids.add(membership.programme_id)
    return Programme.objects.filter(pk__in=ids)


def user_reads_coding(*, user: User) -> bool:
    """Whether coding work (queue, agreement, lists, palet) belongs in the user's menu: coders and programme
    managers. What each page shows stays scoped by ``neighbourhoods_for_user``."""
    return bool(user_roles(user=user) & (CODERS | {Role.PROGRAMME_MANAGER}))


def municipalities_for_user(*, user: User) -> list[str]:
    """The CBS codes (GM0202 …) of the municipalities whose Beleidssignalen the user reads as a policy officer:
    those of the organisations of their gemeente memberships that are a municipality with a code. An inactive
    account: none."""
    if Role.MUNICIPALITY not in user_roles(user=user):
        return []
    ids = [m.organisation_id for m in _memberships(user) if m.role == Role.MUNICIPALITY and m.organisation_id]
    codes = Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.MUNICIPALITY).exclude(
        municipality_code=""
    )
    return sorted(set(codes.values_list("municipality_code", flat=True)))


def user_reads_policy_signals(*, user: User, municipality_code: str) -> bool:
    """Whether the user may read the Beleidssignalen of this municipality (and the counts and quotes behind its
    numbers): its own policy officers, and administrators."""
    if not municipality_code:
        return False
    if user_is_admin(user=user):
        return True
    return municipality_code in municipalities_for_user(user=user)

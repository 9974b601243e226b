"""Writes for relations ("who knows whom now") and their haakje (what brought the two together).

Both ends may be someone new, added by pseudonym in the same form: they are created in the same
transaction as the relation, so a relation that fails its checks leaves no orphaned person behind.

Who may change a relation is ``people.access.record_may_change`` (whoever recorded it, a community builder of
its neighbourhood, administrators), who may delete it ``record_may_delete``. Every change is kept, field by
field, in the same transaction (``privacy.changes``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.services import (
    Errors,
    NewOrganisation,
    NewPerson,
    check_organisation,
    check_person,
    check_year,
    resolve_organisation,
    resolve_person,
)
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.network.models import Relation
from krachtvansamen.people.access import record_may_change, record_may_delete
from krachtvansamen.people.models import Organisation, Person
from krachtvansamen.privacy.changes import change_snapshot, changes_record

Party = Person | Organisation | NewPerson | NewOrganisation

# The fields whose changes are kept (privacy.changes), with their label in the history. "source" and "target"
# are the person or the organisation at each end.
RELATION_FIELDS = {
    "source": gettext_lazy("Who?"),
    "target": gettext_lazy("Now knows whom?"),
    "capital_type": gettext_lazy("kind of tie"),
    "is_new": gettext_lazy("new tie"),
    "hook_activity": gettext_lazy("An activity"),
    "hook_place": gettext_lazy("A meeting place"),
    "hook_person": gettext_lazy("A person who brought them together"),
    "note": gettext_lazy("note"),
    "year": gettext_lazy("year"),
}


def _check_party(errors: Errors, *, neighbourhood: Neighbourhood, party: Party | None, field: str) -> None:
    if party is None:
        errors.add(field, _("Choose a person or an organisation."))
    elif isinstance(party, Person | NewPerson):
        check_person(errors, neighbourhood=neighbourhood, person=party, field=field)
    else:
        check_organisation(errors, neighbourhood=neighbourhood, organisation=party, field=field)


def _same(a: Party | None, b: Party | None) -> bool:
    if a is None or b is None:
        return False
    if isinstance(a, NewPerson) and isinstance(b, NewPerson):
        return a.pseudonym.strip().casefold() == b.pseudonym.strip().casefold()
    if isinstance(a, NewOrganisation) and isinstance(b, NewOrganisation):
        return a.name.strip().casefold() == b.name.strip().casefold()
    if isinstance(a, NewPerson | NewOrganisation) or isinstance(b, NewPerson | NewOrganisation):
        return False  # something new is never the same as something in the list (nor as another kind)
    return type(a) is type(b) and a.pk is not None and a.pk == b.pk


def _end_filter(prefix: str, party: Person | Organisation) -> Q:
    if isinstance(party, Person):
        return Q(**{f"{prefix}_person": party})
    return Q(**{f"{prefix}_organisation": party})


def _check(
    *,
    neighbourhood: Neighbourhood,
    year: int,
    current_year: int | None,
    source: Party | None,
    target: Party | None,
    capital_type: str,
    hook_activity: Activity | None,
    hook_place: Asset | None,
    hook_person: Person | None,
    relation_pk: int | None,
) -> None:
    errors = Errors()
    _check_party(errors, neighbourhood=neighbourhood, party=source, field="source")
    _check_party(errors, neighbourhood=neighbourhood, party=target, field="target")
    if _same(source, target):
        errors.add(
            "target",
            _("A relation is between two different people or organisations. Choose someone else here."),
        )
    if capital_type not in Relation.CapitalType.values:
        errors.add("capital_type", _("Choose what kind of tie it is."))
    if hook_activity is not None and hook_activity.neighbourhood_id != neighbourhood.pk:
        errors.add("hook_activity", _("Choose an activity of this neighbourhood."))
    if hook_place is not None and (
        hook_place.neighbourhood_id != neighbourhood.pk or not hook_place.is_meeting_place
    ):
        errors.add("hook_place", _("Choose a meeting place of this neighbourhood."))
    if hook_person is not None:
        if hook_person.neighbourhood_id != neighbourhood.pk:
            errors.add("hook_person", _("Choose someone from this neighbourhood."))
        elif _same(hook_person, source) or _same(hook_person, target):
            errors.add("hook_person", _("The person who brought them together cannot be one of the two."))
    check_year(errors, year=year, current=current_year)
    # The same tie twice in one year would count double in every figure.
    if (
        not errors.by_field
        and isinstance(source, Person | Organisation)
        and isinstance(target, Person | Organisation)
    ):
        pair = (_end_filter("source", source) & _end_filter("target", target)) | (
            _end_filter("source", target) & _end_filter("target", source)
        )
        duplicates = Relation.objects.filter(pair, neighbourhood=neighbourhood, year=year)
        if relation_pk is not None:
            duplicates = duplicates.exclude(pk=relation_pk)
        if duplicates.exists():
            errors.add("target", _("This relation is already recorded for %(year)s.") % {"year": year})
    errors.raise_if_any()


def _resolve(*, neighbourhood: Neighbourhood, user: Any, party: Party) -> Person | Organisation:
    if isinstance(party, Person | NewPerson):
        return resolve_person(neighbourhood=neighbourhood, user=user, person=party)  # type: ignore[return-value]
    return resolve_organisation(neighbourhood=neighbourhood, organisation=party)  # type: ignore[return-value]


def _write(
    relation: Relation,
    *,
    user: Any,
    source: Party,
    target: Party,
    year: int,
    capital_type: str,
    is_new: bool,
    hook_activity: Activity | None,
    hook_place: Asset | None,
    hook_person: Person | None,
    note: str,
) -> Relation:
    # A new relation has no history yet; a changed one keeps what changed.
    before = change_snapshot(relation, RELATION_FIELDS) if relation.pk else None
    with transaction.atomic():
        neighbourhood = relation.neighbourhood
        source_end = _resolve(neighbourhood=neighbourhood, user=user, party=source)
        target_end = _resolve(neighbourhood=neighbourhood, user=user, party=target)
        relation.source_person = source_end if isinstance(source_end, Person) else None
        relation.source_organisation = source_end if isinstance(source_end, Organisation) else None
        relation.target_person = target_end if isinstance(target_end, Person) else None
        relation.target_organisation = target_end if isinstance(target_end, Organisation) else None
        relation.year, relation.capital_type, relation.is_new = year, capital_type, is_new
        relation.hook_activity, relation.hook_place, relation.hook_person = (
            hook_activity,
            hook_place,
            hook_person,
        )
        relation.note = note.strip()
        relation.save()
        if before is not None:
            changes_record(relation, user=user, before=before, fields=RELATION_FIELDS)
    return relation


def relation_create(
    *,
    neighbourhood: Neighbourhood,
    user: Any,
    source: Party,
    target: Party,
    year: int,
    capital_type: str,
    is_new: bool = True,
    hook_activity: Activity | None = None,
    hook_place: Asset | None = None,
    hook_person: Person | None = None,
    note: str = "",
) -> Relation:
    _check(
        neighbourhood=neighbourhood,
        year=year,
        current_year=None,
        source=source,
        target=target,
        capital_type=capital_type,
        hook_activity=hook_activity,
        hook_place=hook_place,
        hook_person=hook_person,
        relation_pk=None,
    )
    relation = Relation(neighbourhood=neighbourhood, recorded_by=user)
    return _write(
        relation,
        user=user,
        source=source,
        target=target,
        year=year,
        capital_type=capital_type,
        is_new=is_new,
        hook_activity=hook_activity,
        hook_place=hook_place,
        hook_person=hook_person,
        note=note,
    )


def relation_update(
    *,
    relation: Relation,
    user: Any,
    source: Party,
    target: Party,
    year: int,
    capital_type: str,
    is_new: bool = True,
    hook_activity: Activity | None = None,
    hook_place: Asset | None = None,
    hook_person: Person | None = None,
    note: str = "",
) -> Relation:
    if not record_may_change(user=user, record=relation):
        raise PermissionDenied(_("You can only change what you recorded yourself."))
    _check(
        neighbourhood=relation.neighbourhood,
        year=year,
        current_year=relation.year,
        source=source,
        target=target,
        capital_type=capital_type,
        hook_activity=hook_activity,
        hook_place=hook_place,
        hook_person=hook_person,
        relation_pk=relation.pk,
    )
    return _write(
        relation,
        user=user,
        source=source,
        target=target,
        year=year,
        capital_type=capital_type,
        is_new=is_new,
        hook_activity=hook_activity,
        hook_place=hook_place,
        hook_person=hook_person,
        note=note,
    )


def relation_delete(*, relation: Relation, user: Any) -> None:
    # Its history goes with it.
    if not record_may_delete(user=user, record=relation):
        raise PermissionDenied(_("You can only delete what you recorded yourself."))
    relation.delete()

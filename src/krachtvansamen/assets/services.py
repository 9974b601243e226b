"""Writes for assets and activities, and for the pseudonymous persons and organisations added along the way.

Every write checks that whatever it links to belongs to the same neighbourhood (a tampered form must not
attach a person of another neighbourhood) and runs in one transaction: on any error nothing is saved.
Errors are Django ValidationErrors keyed by form field, so the forms show them next to the right input.

Who may change a record is ``people.access.record_may_change`` (whoever recorded it, a community builder of its
neighbourhood, administrators), who may delete it ``record_may_delete``. Every change is kept, field by field,
in the same transaction (``privacy.changes``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import entry_years, organisations_for_neighbourhood
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import record_may_change, record_may_delete
from krachtvansamen.people.models import AgeBand, Consent, Organisation, Origin, Person
from krachtvansamen.people.services import recorder
from krachtvansamen.privacy import services as privacy_services
from krachtvansamen.privacy.changes import change_snapshot, changes_record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class NewPerson:
    """Someone not in the list yet: known only by a pseudonym, added with their consent."""

    pseudonym: str
    age_band: str = ""
    origin: str = ""
    participation_consent: bool = False
    demographics_consent: bool = False
    consent_method: str = "mondeling"


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    kind: str = Organisation.Kind.OTHER


class Errors:
    """Collects field errors so one submit reports every problem at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[StrOrPromise]] = {}

    def add(self, field: str, message: StrOrPromise) -> None:
        self.by_field.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def check_year(errors: Errors, *, year: int, current: int | None = None, field: str = "year") -> None:
    # Editing a record of a closed year may keep its year; new data only goes into open years.
    if year != current and year not in entry_years():
        errors.add(field, _("The year %(year)s is not open for new data.") % {"year": year})


def check_person(
    errors: Errors, *, neighbourhood: Neighbourhood, person: Person | NewPerson | None, field: str
) -> None:
    if person is None:
        return
    if isinstance(person, NewPerson):
        check_new_person(errors, neighbourhood=neighbourhood, new=person, field=field)
    elif person.neighbourhood_id != neighbourhood.pk:
        errors.add(field, _("Choose someone from this neighbourhood."))


def _pseudonym_taken(pseudonym: str) -> str:
    return _(
        "The pseudonym “%(name)s” is already used in this neighbourhood. Choose that person from the "
        "list, or pick another pseudonym."
    ) % {"name": pseudonym}


def check_new_person(errors: Errors, *, neighbourhood: Neighbourhood, new: NewPerson, field: str) -> None:
    pseudonym = new.pseudonym.strip()
    if not pseudonym:
        errors.add(field, _("Fill in a pseudonym."))
    elif len(pseudonym) > cast(int, Person._meta.get_field("pseudonym").max_length):  # set in the model
        errors.add(field, _("The pseudonym is too long: use at most 100 characters."))
    elif Person.objects.filter(neighbourhood=neighbourhood, pseudonym__iexact=pseudonym).exists():
        errors.add(field, _pseudonym_taken(pseudonym))
    if not new.participation_consent:
        errors.add(field, _("Only add someone who agreed to take part. Ask first, then tick the box."))
    if (new.age_band or new.origin) and not new.demographics_consent:
        errors.add(
            field,
            _(
                "Only fill in age group or origin if the person agreed to that. Tick that box, "
                "or leave age group and origin empty."
            ),
        )
    if new.age_band and new.age_band not in AgeBand.values:
        errors.add(field, _("Choose an age group from the list."))
    if new.origin and new.origin not in Origin.values:
        errors.add(field, _("Choose an origin from the list."))


def check_organisation(
    errors: Errors,
    *,
    neighbourhood: Neighbourhood,
    organisation: Organisation | NewOrganisation | None,
    field: str,
) -> None:
    if organisation is None:
        return
    if isinstance(organisation, NewOrganisation):
        if not organisation.name.strip():
            errors.add(field, _("Fill in the name of the organisation."))
        if organisation.kind not in Organisation.Kind.values:
            errors.add(field, _("Choose what kind of organisation it is."))
    elif not organisations_for_neighbourhood(neighbourhood=neighbourhood).filter(pk=organisation.pk).exists():
        errors.add(field, _("Choose an organisation from this neighbourhood."))


def person_create_pseudonymous(*, neighbourhood: Neighbourhood, user: User, new: NewPerson) -> Person:
    """A new participant, with the consents that make recording them allowed."""
    errors = Errors()
    check_new_person(errors, neighbourhood=neighbourhood, new=new, field="pseudonym")
    errors.raise_if_any()
    try:
        with transaction.atomic():
            return privacy_services.person_create_pseudonymous(
                neighbourhood=neighbourhood,
                pseudonym=new.pseudonym.strip(),
                method=new.consent_method,
                recorded_by=user,
                level=Consent.Level.INTERNAL,
                demographics=True if new.age_band or new.origin else None,
                age_band=new.age_band,
                origin=new.origin,
            )
    except IntegrityError:
        # Someone else added the same pseudonym a moment ago.
        raise ValidationError({"pseudonym": _pseudonym_taken(new.pseudonym.strip())}) from None


def organisation_create_for_neighbourhood(
    *, neighbourhood: Neighbourhood, new: NewOrganisation
) -> Organisation:
    return Organisation.objects.create(
        name=new.name.strip(),
        kind=new.kind,
        neighbourhood=neighbourhood,
        municipality_code=neighbourhood.municipality_code,
    )


def resolve_person(
    *, neighbourhood: Neighbourhood, user: User, person: Person | NewPerson | None
) -> Person | None:
    if isinstance(person, NewPerson):
        return person_create_pseudonymous(neighbourhood=neighbourhood, user=user, new=person)
    return person


def resolve_organisation(
    *, neighbourhood: Neighbourhood, organisation: Organisation | NewOrganisation | None
) -> Organisation | None:
    if isinstance(organisation, NewOrganisation):
        return organisation_create_for_neighbourhood(neighbourhood=neighbourhood, new=organisation)
    return organisation


def _check_may_change(*, user: User, record: Any) -> None:
    if not record_may_change(user=user, record=record):
        raise PermissionDenied(_("You can only change what you recorded yourself."))


def _check_may_delete(*, user: User, record: Any) -> None:
    if not record_may_delete(user=user, record=record):
        raise PermissionDenied(_("You can only delete what you recorded yourself."))


# The fields whose changes are kept (privacy.changes), with their label in the history.
ASSET_FIELDS = {
    "category": gettext_lazy("kind of asset"),
    "name": gettext_lazy("name"),
    "description": gettext_lazy("description"),
    "is_meeting_place": gettext_lazy("meeting place"),
    "person": gettext_lazy("Person (pseudonym)"),
    "organisation": gettext_lazy("Organisation"),
    "year": gettext_lazy("Year"),
}
ACTIVITY_FIELDS = {
    "title": gettext_lazy("title"),
    "description": gettext_lazy("description"),
    "initiated_by": gettext_lazy("initiated by"),
    "initiator_person": gettext_lazy("Person (pseudonym)"),
    "initiator_organisation": gettext_lazy("Organisation"),
    "meeting_place": gettext_lazy("Where does it take place?"),
    "year": gettext_lazy("Year"),
    "started_on": gettext_lazy("started on"),
    "participants": gettext_lazy("Who took part? (pseudonyms)"),
    "participant_count": gettext_lazy("number of participants"),
}


# --- assets ---------------------------------------------------------------------------------------------


def _asset_check(
    *,
    neighbourhood: Neighbourhood,
    category: str,
    name: str,
    person: Person | NewPerson | None,
    organisation: Organisation | NewOrganisation | None,
    year: int,
    current_year: int | None,
) -> None:
    errors = Errors()
    if category not in Asset.Category.values:
        errors.add("category", _("Choose what kind of asset it is."))
    if not name.strip():
        errors.add("name", _("Fill in a name."))
    if person is not None and organisation is not None:
        errors.add("organisation", _("Choose a person or an organisation, not both."))
    check_person(errors, neighbourhood=neighbourhood, person=person, field="person")
    check_organisation(errors, neighbourhood=neighbourhood, organisation=organisation, field="organisation")
    check_year(errors, year=year, current=current_year)
    errors.raise_if_any()


def asset_create(
    *,
    neighbourhood: Neighbourhood,
    user: User,
    category: str,
    name: str,
    year: int,
    description: str = "",
    is_meeting_place: bool = False,
    person: Person | NewPerson | None = None,
    organisation: Organisation | None = None,
) -> Asset:
    _asset_check(
        neighbourhood=neighbourhood,
        category=category,
        name=name,
        person=person,
        organisation=organisation,
        year=year,
        current_year=None,
    )
    with transaction.atomic():
        return Asset.objects.create(
            neighbourhood=neighbourhood,
            category=category,
            name=name.strip(),
            description=description.strip(),
            is_meeting_place=is_meeting_place,
            year=year,
            recorded_by=recorder(user),
            person=resolve_person(neighbourhood=neighbourhood, user=user, person=person),
            organisation=organisation,
        )


def asset_update(
    *,
    asset: Asset,
    user: User,
    category: str,
    name: str,
    year: int,
    description: str = "",
    is_meeting_place: bool = False,
    person: Person | NewPerson | None = None,
    organisation: Organisation | None = None,
) -> Asset:
    _check_may_change(user=user, record=asset)
    neighbourhood = asset.neighbourhood
    _asset_check(
        neighbourhood=neighbourhood,
        category=category,
        name=name,
        person=person,
        organisation=organisation,
        year=year,
        current_year=asset.year,
    )
    before = change_snapshot(asset, ASSET_FIELDS)
    with transaction.atomic():
        asset.category, asset.name, asset.description = category, name.strip(), description.strip()
        asset.is_meeting_place, asset.year, asset.organisation = is_meeting_place, year, organisation
        asset.person = resolve_person(neighbourhood=neighbourhood, user=user, person=person)
        asset.save()
        changes_record(asset, user=user, before=before, fields=ASSET_FIELDS)
    return asset


def asset_delete(*, asset: Asset, user: User) -> None:
    # Activities held there and relations it led to stay; their link to this place becomes empty. Its history
    # goes with it.
    _check_may_delete(user=user, record=asset)
    asset.delete()


# --- activities -----------------------------------------------------------------------------------------


def _activity_check(
    *,
    neighbourhood: Neighbourhood,
    title: str,
    initiated_by: str,
    initiator_person: Person | NewPerson | None,
    initiator_organisation: Organisation | None,
    meeting_place: Asset | None,
    year: int,
    current_year: int | None,
    participants: list[Person],
    participant_count: int | None,
) -> None:
    errors = Errors()
    if not title.strip():
        errors.add("title", _("Fill in a title."))
    if initiated_by not in Activity.InitiatedBy.values:
        errors.add("initiated_by", _("Choose who started the activity."))
    check_person(errors, neighbourhood=neighbourhood, person=initiator_person, field="initiator_person")
    check_organisation(
        errors,
        neighbourhood=neighbourhood,
        organisation=initiator_organisation,
        field="initiator_organisation",
    )
    if meeting_place is not None and (
        meeting_place.neighbourhood_id != neighbourhood.pk or not meeting_place.is_meeting_place
    ):
        errors.add("meeting_place", _("Choose a meeting place of this neighbourhood."))
    if any(person.neighbourhood_id != neighbourhood.pk for person in participants):
        errors.add("participants", _("Choose participants from this neighbourhood."))
    if participant_count is not None and participant_count < len(participants):
        errors.add(
            "participant_count",
            _(
                "The total number of participants (%(total)s) is smaller than the number of people ticked "
                "(%(registered)s). Count everyone who took part."
            )
            % {"total": participant_count, "registered": len(participants)},
        )
    check_year(errors, year=year, current=current_year)
    errors.raise_if_any()


def _activity_write(
    activity: Activity,
    *,
    user: User,
    title: str,
    description: str,
    initiated_by: str,
    initiator_person: Person | NewPerson | None,
    initiator_organisation: Organisation | None,
    meeting_place: Asset | None,
    year: int,
    started_on: datetime.date | None,
    participants: list[Person],
    participant_count: int | None,
) -> Activity:
    # A new activity has no history yet; a changed one keeps what changed.
    before = change_snapshot(activity, ACTIVITY_FIELDS) if activity.pk else None
    with transaction.atomic():
        activity.title, activity.description = title.strip(), description.strip()
        activity.initiated_by, activity.initiator_organisation = initiated_by, initiator_organisation
        activity.initiator_person = resolve_person(
            neighbourhood=activity.neighbourhood, user=user, person=initiator_person
        )
        activity.meeting_place, activity.year, activity.started_on = meeting_place, year, started_on
        # Left empty, the count is the people ticked: never fewer than those.
        activity.participant_count = len(participants) if participant_count is None else participant_count
        activity.save()
        activity.participants.set(participants)
        if before is not None:
            changes_record(activity, user=user, before=before, fields=ACTIVITY_FIELDS)
    return activity


def activity_create(
    *,
    neighbourhood: Neighbourhood,
    user: User,
    title: str,
    initiated_by: str,
    year: int,
    description: str = "",
    initiator_person: Person | NewPerson | None = None,
    initiator_organisation: Organisation | None = None,
    meeting_place: Asset | None = None,
    started_on: datetime.date | None = None,
    participants: Iterable[Person] = (),
    participant_count: int | None = None,
) -> Activity:
    participants = list(participants)
    _activity_check(
        neighbourhood=neighbourhood,
        title=title,
        initiated_by=initiated_by,
        initiator_person=initiator_person,
        initiator_organisation=initiator_organisation,
        meeting_place=meeting_place,
        year=year,
        current_year=None,
        participants=participants,
        participant_count=participant_count,
    )
    activity = Activity(neighbourhood=neighbourhood, recorded_by=recorder(user))
    return _activity_write(
        activity,
        user=user,
        title=title,
        description=description,
        initiated_by=initiated_by,
        initiator_person=initiator_person,
        initiator_organisation=initiator_organisation,
        meeting_place=meeting_place,
        year=year,
        started_on=started_on,
        participants=participants,
        participant_count=participant_count,
    )


def activity_update(
    *,
    activity: Activity,
    user: User,
    title: str,
    initiated_by: str,
    year: int,
    description: str = "",
    initiator_person: Person | NewPerson | None = None,
    initiator_organisation: Organisation | None = None,
    meeting_place: Asset | None = None,
    started_on: datetime.date | None = None,
    participants: Iterable[Person] = (),
    participant_count: int | None = None,
) -> Activity:
    _check_may_change(user=user, record=activity)
    participants = list(participants)
    _activity_check(
        neighbourhood=activity.neighbourhood,
        title=title,
        initiated_by=initiated_by,
        initiator_person=initiator_person,
        initiator_organisation=initiator_organisation,
        meeting_place=meeting_place,
        year=year,
        current_year=activity.year,
        participants=participants,
        participant_count=participant_count,
    )
    return _activity_write(
        activity,
        user=user,
        title=title,
        description=description,
        initiated_by=initiated_by,
        initiator_person=initiator_person,
        initiator_organisation=initiator_organisation,
        meeting_place=meeting_place,
        year=year,
        started_on=started_on,
        participants=participants,
        participant_count=participant_count,
    )


def activity_delete(*, activity: Activity, user: User) -> None:
    # Relations this activity led to stay; their haakje becomes empty. Its history goes with it.
    _check_may_delete(user=user, record=activity)
    activity.delete()


# --- assets found by an instrument ----------------------------------------------------------------------


@dataclass(frozen=True)
class FoundAsset:
    """An asset an instrument (the Buurtscan) found: as asked in the form, not checked like the asset form."""

    category: str
    name: str
    description: str = ""
    is_meeting_place: bool = False


def assets_record_found(
    *, neighbourhood_id: int, year: int, user: User | None, found: Iterable[FoundAsset]
) -> list[Asset]:
    """Record the assets in one go. One of an unknown category or without a name is no asset: left out."""
    rows = [
        Asset(
            neighbourhood_id=neighbourhood_id,
            year=year,
            category=asset.category,
            name=asset.name,
            description=asset.description,
            is_meeting_place=asset.is_meeting_place,
            recorded_by=recorder(user),
        )
        for asset in found
        if asset.category in Asset.Category.values and asset.name
    ]
    with transaction.atomic():
        data_versions_bump(
            neighbourhood_ids={row.neighbourhood_id for row in rows}
        )  # bulk_create sends no signal
        return Asset.objects.bulk_create(rows)

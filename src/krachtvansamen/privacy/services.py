"""Writes for consent: a pseudonymous participant is recorded together with the consents that allow it.

Every place that adds a participant (an asset's or activity's new person, a Wijkwaardenkaart conversation)
calls ``person_create_pseudonymous``, so the rule "no person without a participation consent, no age group
or origin without a demographics consent" lives here once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.people.services import person_create, recorder
from krachtvansamen.privacy.models import AccessLogEntry


def person_create_pseudonymous(
    *,
    neighbourhood: Neighbourhood,
    pseudonym: str,
    method: str,
    recorded_by: User | None,
    level: str = Consent.Level.INTERNAL,
    quotes: bool | None = None,
    demographics: bool | None = None,
    age_band: str = "",
    origin: str = "",
) -> Person:
    """A resident known only by ``pseudonym``, with their consents, in one transaction.

    Always records the consent to take part (given, at ``level``, asked as ``method``). ``quotes`` and
    ``demographics`` say whether the person agreed to being quoted (recorded at ``level`` too) and to keeping
    age group and origin; ``None`` means it was not asked, and then no record is written for it.
    Age group and origin are only kept with a demographics consent (ValueError otherwise).
    Raises IntegrityError when the pseudonym is already taken in the neighbourhood.
    """
    if (age_band or origin) and not demographics:
        raise ValueError("Age group and origin need a demographics consent.")
    who = recorder(recorded_by)
    with transaction.atomic():
        person = person_create(
            neighbourhood=neighbourhood,
            pseudonym=pseudonym,
            role=Person.PersonRole.RESIDENT,
            age_band=age_band,
            origin=origin,
        )
        consents = [
            Consent(
                person=person,
                scope=Consent.Scope.PARTICIPATION,
                given=True,
                level=level,
                method=method,
                recorded_by=who,
            )
        ]
        if quotes is not None:
            consents.append(
                Consent(
                    person=person,
                    scope=Consent.Scope.QUOTES,
                    given=quotes,
                    level=level,
                    method=method,
                    recorded_by=who,
                )
            )
        if demographics is not None:
            consents.append(
                Consent(
                    person=person,
                    scope=Consent.Scope.DEMOGRAPHICS,
                    given=demographics,
                    method=method,
                    recorded_by=who,
                )
            )
        Consent.objects.bulk_create(consents)
        data_versions_bump_everything()  # bulk_create sends no signal; consent counts in every report
    return person


def access_log_prune(*, now: datetime | None = None, days: int | None = None) -> int:
    """Remove access log entries older than ``days`` (``ACCESS_LOG_RETENTION_DAYS``); 0 keeps them all."""
    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    return AccessLogEntry.objects.filter(at__lt=cutoff).delete()[0]

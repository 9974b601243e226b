"""What a resident may do with their personal code (AVG art. 15-17, 7(3)): see what was recorded about them,
correct their own words, narrow or withdraw their consent, and erase everything. Each change takes effect at
once on every page, report and export, because those all read the same rows (``privacy.selectors.quotable``
reads the newest consent; erasure removes the rows).

Two kinds of resident hold a code: a ``Person`` (after a conversation: the code is on a card) and an
Effectenplein ``Participant`` (asked for on the phone). The code is found by its hash only.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import quote_review_reset
from krachtvansamen.effectenplein.models import STORY_MAX_LENGTH as STORY_MAX_LENGTH_PLEIN
from krachtvansamen.effectenplein.models import Participant, Story
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump, data_versions_bump_everything
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.privacy.erasure import deleted_counts, person_erase
from krachtvansamen.privacy.models import ErasureRecord, PersonalCode
from krachtvansamen.privacy.personal_codes import code_digest

# How a change the resident made is recorded on the consent (the method field).
BY_THE_RESIDENT = "door de bewoner zelf, met de persoonlijke code"
STORY_MAX_LENGTH = 2000


class ResidentError(ValueError):
    """A change a resident asked for that cannot be made; the message says why, in their language."""


@dataclass(frozen=True)
class Resident:
    """Who opened the page: ``kind`` is "person" or "participant"; ``pk`` their row."""

    kind: str
    pk: int

    @property
    def session_value(self) -> str:
        return f"{self.kind}:{self.pk}"

    @classmethod
    def from_session(cls, value: object) -> Resident | None:
        if not isinstance(value, str) or ":" not in value:
            return None
        kind, _sep, pk = value.partition(":")
        return cls(kind, int(pk)) if kind in ("person", "participant") and pk.isdigit() else None


def resident_for_code(typed: str) -> Resident | None:
    """The resident whose personal code this is, or None. Marks the code as used."""
    digest = code_digest(typed)
    if digest is None:
        return None
    code = PersonalCode.objects.filter(digest=digest).first()
    if code is not None:
        PersonalCode.objects.filter(pk=code.pk).update(last_used_at=timezone.now())
        return Resident("person", code.person_id)
    participant = Participant.objects.filter(code_digest=digest).values_list("pk", flat=True).first()
    return Resident("participant", participant) if participant is not None else None


def resident_exists(resident: Resident) -> bool:
    model = Person if resident.kind == "person" else Participant
    return model.objects.filter(pk=resident.pk).exists()


# --- what is recorded ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """One thing the resident said, as recorded."""

    key: str  # "fragment:12" or "story:40": what a correction names
    text: str
    year: int
    where: str  # the instrument or meeting
    quoted_as: str  # the approved quote, if any ("" if not quoted)


@dataclass(frozen=True)
class Recorded:
    kind: str
    pseudonym: str
    neighbourhood: str
    details: list[tuple[str, str]]  # (label, value) of what else is kept about them
    words: list[Words]
    consents: list[Consent]
    quoting_allowed: bool


def recorded_about(resident: Resident) -> Recorded:
    if resident.kind == "person":
        return _person_recorded(Person.objects.select_related("neighbourhood").get(pk=resident.pk))
    return _participant_recorded(
        Participant.objects.select_related("meeting__neighbourhood").get(pk=resident.pk)
    )


def _person_recorded(person: Person) -> Recorded:
    details = [(str(_("Role")), person.get_role_display())]
    for label, value in (
        (_("Age group"), person.get_age_band_display()),
        (_("Origin"), person.get_origin_display()),
        (_("Gender"), person.get_gender_display()),
    ):
        if value:
            details.append((str(label), str(value)))
    words = [
        Words(f"fragment:{f.pk}", f.text, f.year, f.get_instrument_display(),
              f.quote_text if f.quote_review == "approved" else "")
        for f in Fragment.objects.filter(speaker=person).order_by("-year", "pk")
    ]  # fmt: skip
    consents = list(Consent.objects.filter(person=person).order_by("-recorded_at", "-pk"))
    newest_quotes = next((c for c in consents if c.scope == Consent.Scope.QUOTES), None)
    quoting = (
        newest_quotes is not None and newest_quotes.given and newest_quotes.level != Consent.Level.INTERNAL
    )
    return Recorded("person", person.pseudonym, person.neighbourhood.name, details, words, consents, quoting)


def _participant_recorded(participant: Participant) -> Recorded:
    meeting = participant.meeting
    where = _("Effectenplein “%(title)s”") % {"title": meeting.title}
    words = [
        Words(f"story:{s.pk}", s.text, meeting.year, where,
              s.fragment.quote_text if s.fragment and s.fragment.quote_review == "approved" else "")
        for s in Story.objects.filter(participant=participant).select_related("fragment").order_by("pk")
    ]  # fmt: skip
    details = [(str(_("Nickname")), participant.nickname)] if participant.nickname else []
    quoting = Story.objects.filter(participant=participant, consent_to_quote=True).exists()
    return Recorded(
        "participant", participant.nickname, meeting.neighbourhood.name, details, words, [], quoting
    )


# --- changes -------------------------------------------------------------------------------------------------


def _owned_words(resident: Resident, key: str) -> Fragment | Story:
    kind, _sep, pk = key.partition(":")
    if not pk.isdigit():
        raise ResidentError(_("These words were not found."))
    found: Fragment | Story | None
    if resident.kind == "person" and kind == "fragment":
        found = Fragment.objects.filter(pk=int(pk), speaker_id=resident.pk).first()
    elif resident.kind == "participant" and kind == "story":
        found = (
            Story.objects.filter(pk=int(pk), participant_id=resident.pk).select_related("fragment").first()
        )
    else:
        found = None
    if found is None:  # someone else's words, or gone: the same answer, so nothing is revealed
        raise ResidentError(_("These words were not found."))
    return found


def resident_words_correct(resident: Resident, *, key: str, text: str) -> None:
    """Replace the resident's own words (AVG art. 16). An approved quote of them is withdrawn: the new words
    are reviewed before anyone quotes them. Codings stay (they were given to what was meant)."""
    text = text.strip()
    if not text:
        raise ResidentError(_("Write your words, or ask us to remove everything."))
    if len(text) > STORY_MAX_LENGTH:
        raise ResidentError(_("Please keep it shorter than %(max)s characters.") % {"max": STORY_MAX_LENGTH})
    with transaction.atomic():
        words = _owned_words(resident, key)
        fragment = words if isinstance(words, Fragment) else words.fragment
        if isinstance(words, Story):
            if len(text) > STORY_MAX_LENGTH_PLEIN:
                raise ResidentError(
                    _("Please keep it shorter than %(max)s characters.") % {"max": STORY_MAX_LENGTH_PLEIN}
                )
            Story.objects.filter(pk=words.pk).update(text=text)
        if fragment is not None:
            Fragment.objects.filter(pk=fragment.pk).update(text=text)
            data_versions_bump(neighbourhood_ids=[fragment.neighbourhood_id])  # update() sends no signal
            quote_review_reset([fragment.pk])


def resident_quoting_stop(resident: Resident) -> None:
    """The resident no longer wants to be quoted (AVG art. 7(3)): from now on, nothing they said is quoted."""
    with transaction.atomic():
        if resident.kind == "person":
            person = Person.objects.select_for_update().get(pk=resident.pk)
            Consent.objects.create(person=person, scope=Consent.Scope.QUOTES, given=False,
                                   level=Consent.Level.INTERNAL, method=BY_THE_RESIDENT)  # fmt: skip
            return
        stories = Story.objects.filter(participant_id=resident.pk)
        data_versions_bump(neighbourhood_ids=stories.values_list("meeting__neighbourhood_id", flat=True))
        stories.update(consent_to_quote=False)
        Fragment.objects.filter(pk__in=stories.exclude(fragment=None).values("fragment_id")).update(
            consent_level=Consent.Level.INTERNAL
        )


def resident_demographics_withdraw(resident: Resident) -> None:
    """Age group, origin and gender no longer counted, and no longer kept."""
    if resident.kind != "person":
        return
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=resident.pk)
        Consent.objects.create(
            person=person, scope=Consent.Scope.DEMOGRAPHICS, given=False, method=BY_THE_RESIDENT
        )
        Person.objects.filter(pk=person.pk).update(age_band="", origin="", gender="")
        data_versions_bump_everything()  # update() sends no signal; a person counts wherever they took part


def resident_erase(resident: Resident) -> ErasureRecord:
    """Everything about the resident removed, everywhere, with a record that it happened (never who)."""
    reason = _("At the resident's own request, with their personal code")
    if resident.kind == "person":
        return person_erase(Person.objects.get(pk=resident.pk), None, reason=reason)
    with transaction.atomic():
        participant = Participant.objects.select_for_update().select_related("meeting").get(pk=resident.pk)
        counts: dict[str, int] = {}
        fragments = Fragment.objects.filter(
            pk__in=Story.objects.filter(participant=participant).exclude(fragment=None).values("fragment_id")
        )
        for more in (deleted_counts(fragments.delete()),
                     deleted_counts(Participant.objects.filter(pk=participant.pk).delete())):  # fmt: skip
            for label, number in more.items():
                counts[label] = counts.get(label, 0) + number
        return ErasureRecord.objects.create(
            neighbourhood_id=participant.meeting.neighbourhood_id, reason=reason, counts=counts
        )

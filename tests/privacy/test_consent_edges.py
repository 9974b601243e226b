"""The edges of "may these words be quoted" (``privacy.selectors.quote_consented`` / ``quotable``, and the report
quotes built on them): the speaker's newest quoting consent counts, and it can only narrow what the fragment
itself allows, never widen it.

The rule as the code and its docstrings state it: a fragment is quotable when its own ``consent_level`` is
pseudonymised or named, AND the speaker's newest ``quotes`` consent (newest ``recorded_at``, then highest id),
if there is any, is given and pseudonymised or named. A speaker without any quoting consent record is judged by
the fragment alone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from krachtvansamen.coding.models import Fragment
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.privacy.selectors import demographics_consented, quotable, quote_consented
from krachtvansamen.reports.quotes import quotes_for
from tests.factories import NeighbourhoodFactory, PersonFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db

WORDS = "Sinds het buurtfeest groet iedereen elkaar op straat."
OTHER_WORDS = "De moestuin brengt oud en jong samen."
MOMENT = timezone.make_aware(dt.datetime(2025, 3, 1, 12, 0))


@pytest.fixture
def buurt():
    return NeighbourhoodFactory(name="Kronenburg")


@pytest.fixture
def speaker(buurt) -> Person:
    return PersonFactory(neighbourhood=buurt, pseudonym="Tuinvrouw")


@pytest.fixture
def bystander(buurt) -> Fragment:
    """Another resident's quotable words: the report still quotes them, so an empty result never passes."""
    other = PersonFactory(neighbourhood=buurt, pseudonym="Buurman")
    Consent.objects.create(person=other, scope=Consent.Scope.QUOTES, given=True, level="pseudonymised")
    return FragmentFactory(
        neighbourhood=buurt, speaker=other, text=OTHER_WORDS, consent_level="pseudonymised", year=2025
    )


def consent(person: Person, level: str, *, at: dt.datetime | None = None, given: bool = True, scope="quotes"):
    """A consent record; ``at`` sets when it was recorded (a paper form typed in later, two records in one
    second). ``recorded_at`` is set automatically on creation, so it is moved with a queryset update."""
    record = Consent.objects.create(person=person, scope=scope, given=given, level=level)
    if at is not None:
        Consent.objects.filter(pk=record.pk).update(recorded_at=at)
    return record


def words_of(speaker: Person, level: str = "pseudonymised") -> Fragment:
    return FragmentFactory(
        neighbourhood=speaker.neighbourhood, speaker=speaker, text=WORDS, consent_level=level, year=2025
    )


def is_quotable(fragment: Fragment) -> bool:
    return quotable(Fragment.objects.all()).filter(pk=fragment.pk).exists()


def report_quotes(buurt) -> list[str]:
    """The texts a funder's report may quote for this buurt in 2025."""
    return [q.text for q in quotes_for(neighbourhood_ids=[buurt.pk], years=[2025], show_speaker=False)]


# --- narrowing ------------------------------------------------------------------------------------------------


def test_a_later_internal_only_consent_stops_the_quote_although_the_fragment_still_says_pseudonymised(
    speaker, buurt, bystander
):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "pseudonymised", at=MOMENT)
    assert sorted(report_quotes(buurt)) == sorted([WORDS, OTHER_WORDS])

    consent(speaker, "internal", at=MOMENT + dt.timedelta(days=30))

    assert Fragment.objects.get(pk=fragment.pk).consent_level == "pseudonymised"  # the fragment is unchanged
    assert not is_quotable(fragment)
    assert report_quotes(buurt) == [OTHER_WORDS]


def test_a_later_withdrawal_stops_the_quote_even_when_it_names_a_quotable_level(speaker, buurt, bystander):
    fragment = words_of(speaker, "named")
    consent(speaker, "named", at=MOMENT)
    consent(speaker, "named", at=MOMENT + dt.timedelta(hours=1), given=False)
    assert not is_quotable(fragment)
    assert report_quotes(buurt) == [OTHER_WORDS]


# --- widening ---------------------------------------------------------------------------------------------


def test_a_later_wider_consent_never_widens_an_internal_fragment(speaker, buurt, bystander):
    fragment = words_of(speaker, "internal")
    # Even if someone approved its words as a quote, the fragment's own level forbids quoting it.
    Fragment.objects.filter(pk=fragment.pk).update(quote_review="approved", quote_text=WORDS)
    consent(speaker, "internal", at=MOMENT)
    consent(speaker, "named", at=MOMENT + dt.timedelta(days=1))
    assert not quote_consented(Fragment.objects.filter(pk=fragment.pk)).exists()
    assert not is_quotable(fragment)
    assert report_quotes(buurt) == [OTHER_WORDS]


def test_a_later_wider_consent_lets_a_pseudonymised_fragment_be_quoted_again(speaker, buurt, bystander):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "internal", at=MOMENT)
    assert not is_quotable(fragment)
    consent(speaker, "pseudonymised", at=MOMENT + dt.timedelta(days=1))
    assert is_quotable(fragment)
    assert sorted(report_quotes(buurt)) == sorted([WORDS, OTHER_WORDS])


# --- which record is the newest ----------------------------------------------------------------------------


def test_of_two_records_in_the_same_instant_the_one_recorded_last_counts(speaker, buurt):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "pseudonymised", at=MOMENT)
    consent(speaker, "internal", at=MOMENT)  # same timestamp, entered second
    assert not is_quotable(fragment)


def test_of_two_records_in_the_same_instant_a_wider_one_entered_second_counts(speaker, buurt):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "internal", at=MOMENT)
    consent(speaker, "pseudonymised", at=MOMENT)  # same timestamp, entered second
    assert is_quotable(fragment)


def test_the_record_with_the_later_date_counts_even_when_it_was_typed_in_first(speaker, buurt):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "internal", at=MOMENT + dt.timedelta(days=10))  # the resident narrowed on 11 March
    consent(speaker, "pseudonymised", at=MOMENT)  # the paper form of 1 March, typed in afterwards
    assert not is_quotable(fragment)


def test_one_second_later_is_enough_to_be_the_newest(speaker, buurt):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "internal", at=MOMENT + dt.timedelta(seconds=1))
    consent(speaker, "pseudonymised", at=MOMENT)
    assert not is_quotable(fragment)


# --- what does not count --------------------------------------------------------------------------------------


def test_a_newer_consent_for_another_purpose_does_not_change_quoting(speaker, buurt):
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "pseudonymised", at=MOMENT)
    consent(speaker, "", at=MOMENT + dt.timedelta(days=1), given=False, scope="demographics")
    assert is_quotable(fragment)


def test_without_any_quoting_record_the_fragments_own_level_decides(speaker, buurt):
    quotable_words = words_of(speaker, "pseudonymised")
    internal_words = FragmentFactory(
        neighbourhood=buurt, speaker=speaker, text="Alleen voor het team.", consent_level="internal"
    )
    assert not speaker.consents.exists()
    assert is_quotable(quotable_words)
    assert not is_quotable(internal_words)


# --- counting demographics: the same rule of the newest record, with a withdrawal winning a tie ----------------


def counted(person: Person) -> bool:
    return Person.objects.filter(demographics_consented(), pk=person.pk).exists()


def test_demographics_are_counted_until_a_later_withdrawal(speaker):
    consent(speaker, "", at=MOMENT, scope="demographics")
    assert counted(speaker)
    consent(speaker, "", at=MOMENT + dt.timedelta(days=1), given=False, scope="demographics")
    assert not counted(speaker)


def test_demographics_given_again_after_a_withdrawal_are_counted_again(speaker):
    consent(speaker, "", at=MOMENT, given=False, scope="demographics")
    assert not counted(speaker)
    consent(speaker, "", at=MOMENT + dt.timedelta(seconds=1), scope="demographics")
    assert counted(speaker)


def test_a_withdrawal_recorded_in_the_same_instant_as_the_consent_wins(speaker):
    """The docstring's rule: counted when no withdrawal was recorded "at the same moment or later"."""
    consent(speaker, "", at=MOMENT, scope="demographics")
    consent(speaker, "", at=MOMENT, given=False, scope="demographics")
    assert not counted(speaker)


def test_a_withdrawal_of_quoting_does_not_stop_counting_demographics(speaker):
    consent(speaker, "", at=MOMENT, scope="demographics")
    consent(speaker, "pseudonymised", at=MOMENT + dt.timedelta(days=1), given=False)
    assert counted(speaker)


def test_a_consent_to_count_demographics_alone_leaves_the_quote_to_the_fragments_own_level(speaker, buurt):
    """Only a *quoting* record can narrow a quote: a resident who agreed to have their age group counted, and
    never said anything about quotes, is quoted as their fragment allows."""
    fragment = words_of(speaker, "pseudonymised")
    consent(speaker, "", at=MOMENT, scope="demographics")
    assert is_quotable(fragment)


def test_a_consent_to_quote_is_not_a_consent_to_count_demographics(speaker):
    consent(speaker, "pseudonymised", at=MOMENT)
    assert not counted(speaker)


def test_a_speaker_without_any_quoting_record_is_judged_by_the_fragment_while_others_have_records(
    speaker, bystander
):
    """Another resident's consent records say nothing about this speaker: their pseudonymised words are quotable."""
    fragment = words_of(speaker)
    assert not Consent.objects.filter(person=speaker).exists()
    assert Consent.objects.filter(scope=Consent.Scope.QUOTES).exclude(person=speaker).exists()
    assert is_quotable(fragment)


def test_words_revealing_a_special_category_are_never_quoted_whatever_the_consent(speaker, bystander):
    fragment = words_of(speaker, "named")
    consent(speaker, "named")
    Fragment.objects.filter(pk=fragment.pk).update(special_category=True)
    assert not is_quotable(fragment)
    assert is_quotable(bystander)  # the rule removes this fragment, not every quote


def test_demographics_count_only_with_the_persons_own_consent_and_withdrawal(speaker, buurt):
    """Another resident's demographics consent does not count for this speaker, and another resident's later
    withdrawal does not cancel this speaker's consent."""
    other = PersonFactory(neighbourhood=buurt, pseudonym="Buurvrouw")
    consent(other, "", scope="demographics", at=MOMENT)
    assert not counted(speaker) and counted(other)
    consent(speaker, "", scope="demographics", at=MOMENT)
    consent(other, "", scope="demographics", given=False, at=MOMENT + dt.timedelta(days=1))
    assert counted(speaker) and not counted(other)

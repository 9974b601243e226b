"""One service records a pseudonymous person with their consents; each caller says what was asked."""

from __future__ import annotations

import pytest

from krachtvansamen.people.models import Consent, Person
from krachtvansamen.people.services import pseudonym_free
from krachtvansamen.privacy.services import person_create_pseudonymous
from tests.factories import NeighbourhoodFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def _consents(person: Person) -> set[tuple[str, bool, str, str]]:
    return set(Consent.objects.filter(person=person).values_list("scope", "given", "level", "method"))


def test_a_conversation_records_taking_part_quoting_and_demographics():
    """What the Wijkwaardenkaart asks: all three consents, each at the level the resident chose."""
    neighbourhood, user = NeighbourhoodFactory(), UserFactory()
    person = person_create_pseudonymous(
        neighbourhood=neighbourhood,
        pseudonym="Tuinvrouw",
        method="Wijkwaardenkaart-gesprek",
        recorded_by=user,
        level="internal",
        quotes=False,
        demographics=True,
        age_band="65+",
        origin="europe",
    )
    assert (person.pseudonym, person.role, person.age_band, person.origin) == (
        "Tuinvrouw",
        "resident",
        "65+",
        "europe",
    )
    assert _consents(person) == {
        ("participation", True, "internal", "Wijkwaardenkaart-gesprek"),
        ("quotes", False, "internal", "Wijkwaardenkaart-gesprek"),
        ("demographics", True, "", "Wijkwaardenkaart-gesprek"),
    }
    assert set(Consent.objects.values_list("recorded_by", flat=True)) == {user.pk}


def test_what_was_not_asked_gets_no_record():
    """What an asset's new person records: taking part, and demographics only when they were filled in."""
    neighbourhood, user = NeighbourhoodFactory(), UserFactory()
    person = person_create_pseudonymous(
        neighbourhood=neighbourhood, pseudonym="Buurman", method="mondeling", recorded_by=user
    )
    assert _consents(person) == {("participation", True, "internal", "mondeling")}
    assert (person.age_band, person.origin) == ("", "")


def test_no_age_group_or_origin_without_a_demographics_consent():
    neighbourhood = NeighbourhoodFactory()
    for demographics in (None, False):
        with pytest.raises(ValueError):
            person_create_pseudonymous(
                neighbourhood=neighbourhood,
                pseudonym="Buurman",
                method="mondeling",
                recorded_by=None,
                demographics=demographics,
                age_band="65+",
            )
    assert Person.objects.count() == 0 and Consent.objects.count() == 0


def test_a_free_pseudonym_is_the_wish_or_the_next_free_number():
    neighbourhood = NeighbourhoodFactory()
    assert (
        pseudonym_free(neighbourhood=neighbourhood, wanted=" Tuinvrouw ", fallback="Bewoner") == "Tuinvrouw"
    )
    PersonFactory(neighbourhood=neighbourhood, pseudonym="Tuinvrouw")
    assert (
        pseudonym_free(neighbourhood=neighbourhood, wanted="Tuinvrouw", fallback="Bewoner") == "Tuinvrouw 2"
    )
    PersonFactory(neighbourhood=neighbourhood, pseudonym="Bewoner 3")
    assert pseudonym_free(neighbourhood=neighbourhood, wanted="", fallback="Bewoner") == "Bewoner 4"

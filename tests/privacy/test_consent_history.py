"""Consent is a history (AVG art. 7(1): the controller must be able to show the consent): records are added,
never changed or removed one by one; the newest counts. Only erasure of the whole person removes them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Fragment
from krachtvansamen.people.models import Consent, ConsentHistoryError, Person
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.privacy.selectors import quotable
from tests.factories import NeighbourhoodFactory, UserFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    person = Person.objects.create(neighbourhood=NeighbourhoodFactory(), pseudonym="Merel-1")
    Consent.objects.create(person=person, scope=Consent.Scope.QUOTES, given=True, level="pseudonymised")
    return person


def test_a_recorded_consent_cannot_be_changed_or_deleted(person):
    consent = person.consents.get()
    consent.level = Consent.Level.NAMED
    with pytest.raises(ConsentHistoryError):
        consent.save()
    with pytest.raises(ConsentHistoryError):
        consent.delete()
    assert person.consents.get().level == "pseudonymised"


def test_narrowing_is_a_new_record_and_the_newest_counts(person):
    fragment = FragmentFactory(
        neighbourhood=person.neighbourhood, speaker=person, consent_level="pseudonymised"
    )
    assert quotable(Fragment.objects.all()).filter(pk=fragment.pk).exists()
    Consent.objects.create(person=person, scope=Consent.Scope.QUOTES, given=True, level="internal")
    assert person.consents.count() == 2
    assert not quotable(Fragment.objects.all()).filter(pk=fragment.pk).exists()


def test_erasure_still_removes_every_consent_of_the_person(person):
    person_erase(person, None, "verzoek")
    assert not Consent.objects.exists()


def test_the_admin_adds_a_consent_but_cannot_change_or_remove_one(person, client):
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(admin)
    url = reverse("admin:people_person_change", args=[person.pk])
    page = client.get(url).content.decode()
    existing = person.consents.get()
    assert 'name="consents-0-level"' not in page  # shown, not editable
    assert 'name="consents-0-DELETE"' not in page
    # The history's columns speak Dutch, like the rest of the admin.
    assert "Vastgelegd op" in page and "Vastgelegd door" in page
    assert "Recorded at" not in page and "Recorded by" not in page
    data = {
        "pseudonym": person.pseudonym, "neighbourhood": person.neighbourhood_id, "role": person.role,
        "consents-TOTAL_FORMS": "2", "consents-INITIAL_FORMS": "1", "consents-MIN_NUM_FORMS": "0",
        "consents-MAX_NUM_FORMS": "1000", "consents-0-id": existing.pk, "consents-0-person": person.pk,
        "consents-1-person": person.pk, "consents-1-scope": "quotes", "consents-1-given": "on",
        "consents-1-level": "internal", "consents-1-method": "telefonisch",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    newest = person.consents.order_by("-recorded_at", "-pk").first()
    assert (newest.level, newest.recorded_by) == ("internal", admin)
    assert person.consents.count() == 2 and Consent.objects.get(pk=existing.pk).level == "pseudonymised"

"""Erasure (issue 13 row 7): a person removed everywhere in one transaction, recorded without their words,
and afterwards no table in the database holds their pseudonym or their words."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment, Memo
from krachtvansamen.coding.services import memo_save
from krachtvansamen.documents.models import Document, DocumentFragment
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.services import submission_submit
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.privacy import erasure
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.privacy.models import ErasureRecord
from tests.factories import UserFactory
from tests.factories.assets import ActivityFactory, AssetFactory
from tests.factories.coding import CodingFactory, FragmentFactory
from tests.factories.network import RelationFactory
from tests.instruments.conftest import builder, forms, load_default_forms  # noqa: F401 (shared fixtures)

pytestmark = pytest.mark.django_db

PSEUDONYM = "Zwanenbloem-7731"
WORDS = "Kwartelkoning-4417"
OTHER = "Reigersbek-5521"


def conversation(forms, user, neighbourhood, pseudonym: str, words: str) -> Person:  # noqa: F811
    raw = {
        "values": f"{words}: de moestuin achter de flat.",
        "hinders": f"{words} zegt: troep bij de containers.",
        "themes": ["vitality.nature"],
        "consent": "pseudonymised",
        "pseudonym": pseudonym,
        "demographics": "yes",
        "age_band": "65+",
        "origin": "europe",
    }
    submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    return Person.objects.get(pseudonym=pseudonym)


def everything_of(person: Person, user, words: str, code) -> None:
    """A fragment with a coding and a memo, a relation, an asset, an activity, a document fragment."""
    neighbourhood = person.neighbourhood
    fragment = FragmentFactory(
        neighbourhood=neighbourhood, speaker=person, text=f"{words} vertelt over de buurt."
    )
    CodingFactory(fragment=fragment, code=code, coder=user)
    memo_save(user=user, text=f"Memo: {words} klinkt boos.", fragment=fragment)
    other = Person.objects.create(neighbourhood=neighbourhood, pseudonym=f"Buur {person.pk}")
    RelationFactory(
        neighbourhood=neighbourhood, source_person=person, target_person=other, note=f"{words} kent"
    )
    AssetFactory(neighbourhood=neighbourhood, person=person, name=f"Talent van {words}")
    activity = ActivityFactory(neighbourhood=neighbourhood, initiator_person=person)
    activity.participants.add(person)
    document = Document.objects.create(
        neighbourhood=neighbourhood, year=2025, instrument="interview", title="Interview",
        kind=Document.Kind.PASTED, sha256=f"{person.pk:064d}", size=10,
    )  # fmt: skip
    spoken = FragmentFactory(neighbourhood=neighbourhood, speaker=person, text=f"{words} in het interview.")
    DocumentFragment.objects.create(document=document, fragment=spoken, position=1, speaker_label="R")


def database_rows_containing(*needles: str) -> list[tuple[str, str]]:
    """Every row of every table (models, m2m tables and Django's own) whose text holds one of ``needles``."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 (table names)
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row if value is not None).casefold()
                found += [(table, needle) for needle in needles if needle.casefold() in text]
    return found


@pytest.fixture
def two_people(forms, builder, codebook):  # noqa: F811 (fixtures)
    user, neighbourhood = builder
    code = codebook.codes.get(key="vitality.nature")
    person = conversation(forms, user, neighbourhood, PSEUDONYM, WORDS)
    everything_of(person, user, WORDS, code)
    other = conversation(forms, user, neighbourhood, "Ander-1234", OTHER)
    everything_of(other, user, OTHER, code)
    return user, person, other


def test_the_needles_are_everywhere_before(two_people):
    tables = {table for table, needle in database_rows_containing(PSEUDONYM, WORDS) if needle == WORDS}
    assert {"instruments_submission", "coding_fragment", "coding_memo", "assets_asset"} <= tables


def test_erasure_leaves_no_trace_in_any_table_and_records_counts(two_people):
    user, person, other = two_people
    other_before = database_rows_containing(OTHER)
    record = person_erase(person, user, "Verzoek van de bewoner")
    assert database_rows_containing(PSEUDONYM, WORDS) == []
    assert record.erased_by == user and record.neighbourhood_id == person.neighbourhood_id
    assert record.counts["people.Person"] == 1 and record.counts["instruments.Submission"] == 1
    assert record.counts["coding.Fragment"] == 4 and record.counts["coding.Memo"] == 1
    assert record.counts["network.Relation"] == 1 and record.counts["assets.Asset"] == 1
    assert record.counts["people.Consent"] == 3 and record.counts["documents.DocumentFragment"] == 1
    assert record.counts["assets.Activity (initiator unlinked)"] == 1
    assert record.counts["assets.Activity (participation removed)"] == 1
    assert PSEUDONYM not in str(ErasureRecord.objects.values().get())
    # The other resident keeps everything.
    assert database_rows_containing(OTHER) == other_before
    assert Fragment.objects.filter(speaker=other).count() == 4
    assert Submission.objects.filter(person=other).count() == 1
    assert Consent.objects.filter(person=other).count() == 3
    assert Activity.objects.filter(participants=other).count() == 1
    assert Asset.objects.filter(person=other).count() == 1


def counts_now() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Person, Consent, Submission, Fragment, Coding, Memo, Relation, Asset, DocumentFragment)
    } | {"participations": Activity.participants.through.objects.count()}


def test_a_failure_halfway_leaves_everything_as_it_was(two_people, monkeypatch):
    user, person, _other = two_people
    before = counts_now()

    def broken(_person: Person) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_erasers", [*erasure._erasers, (150, broken)])
    with pytest.raises(RuntimeError):
        person_erase(person, user, "Verzoek")
    assert counts_now() == before and ErasureRecord.objects.count() == 0
    assert {table for table, _needle in database_rows_containing(WORDS)} >= {"instruments_submission"}


@pytest.mark.parametrize("order", [7, 50])
def test_a_failure_between_two_erasers_leaves_everything_as_it_was(two_people, monkeypatch, order):
    """7: after the documents' eraser (5), before the submissions' (10); 50: after both, before the others (100)."""
    user, person, _other = two_people
    before = counts_now()

    def broken(_person: Person) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_erasers", [*erasure._erasers, (order, broken)])
    with pytest.raises(RuntimeError):
        person_erase(person, user, "Verzoek")
    assert counts_now() == before and ErasureRecord.objects.count() == 0
    assert DocumentFragment.objects.filter(fragment__speaker=person).count() == 1


def test_a_failure_when_recording_the_erasure_leaves_the_person_in_place(two_people, monkeypatch):
    """The last step: everything of the person is gone, the record of the erasure fails. No erasure without its
    record (AVG art. 5(2): the controller must be able to show it), so everything comes back."""
    user, person, _other = two_people
    before = counts_now()

    def create(**kwargs):
        assert not Person.objects.filter(pk=person.pk).exists()  # the erasure itself went through
        raise RuntimeError("disk full")

    monkeypatch.setattr(ErasureRecord.objects, "create", create)
    with pytest.raises(RuntimeError):
        person_erase(person, user, "Verzoek")
    assert counts_now() == before
    assert Person.objects.filter(pk=person.pk, pseudonym=PSEUDONYM).exists()


def test_the_reason_may_not_hold_the_name(two_people):
    user, person, _other = two_people
    with pytest.raises(ValidationError):
        person_erase(person, user, f"Verzoek van {PSEUDONYM}")
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_command_erases_and_prints_the_counts(two_people):
    _user, person, _other = two_people
    out = StringIO()
    call_command("erase_person", "--id", str(person.pk), "--reason", "Verzoek per brief", stdout=out)
    assert "people.Person: 1" in out.getvalue() and "coding.Fragment: 4" in out.getvalue()
    assert database_rows_containing(PSEUDONYM, WORDS) == []
    assert ErasureRecord.objects.get().erased_by is None


def test_the_admin_action_asks_first_and_is_for_administrators_only(two_people, client):
    _user, person, _other = two_people
    url = reverse("admin:people_person_changelist")
    staff = UserFactory(username="staff", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_person", "delete_person", "change_person"])
    )
    data = {"action": "erase_everywhere", "_selected_action": [person.pk]}
    client.force_login(staff)
    client.post(url, {**data, "confirm": "yes", "reason": "Verzoek"})
    assert Person.objects.filter(pk=person.pk).exists()
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.post(url, data)
    assert page.status_code == 200 and b'name="confirm"' in page.content
    assert Person.objects.filter(pk=person.pk).exists()
    client.post(url, {**data, "confirm": "yes", "reason": "Verzoek per e-mail"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert database_rows_containing(PSEUDONYM, WORDS) == []


def test_a_plain_delete_in_the_admin_erases_everywhere_too(two_people, client):
    _user, person, _other = two_people
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    client.post(reverse("admin:people_person_delete", args=[person.pk]), {"post": "yes"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert database_rows_containing(PSEUDONYM, WORDS) == []
    assert ErasureRecord.objects.get().counts["instruments.Submission"] == 1

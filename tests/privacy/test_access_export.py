"""Right of access (AVG art. 15): one person's data, everywhere it is recorded, as one file — and nobody else's."""

from __future__ import annotations

import json
import stat

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.privacy.access_export import person_data
from tests.factories import UserFactory
from tests.instruments.conftest import builder, forms, load_default_forms  # noqa: F401 (shared fixtures)
from tests.privacy.test_erasure import OTHER, PSEUDONYM, WORDS, conversation, everything_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_people(forms, builder, codebook):  # noqa: F811
    user, neighbourhood = builder
    code = codes_current_by_key()["effect.social.contact"]
    person = conversation(forms, user, neighbourhood, PSEUDONYM, WORDS)
    everything_of(person, user, WORDS, code)
    other = conversation(forms, user, neighbourhood, "Andere-0001", OTHER)
    everything_of(other, user, OTHER, code)
    return person, other


def test_everything_recorded_about_the_person_is_in_the_file(two_people):
    person, _other = two_people
    data = person_data(person)
    assert data["person"]["pseudonym"] == PSEUDONYM
    assert data["person"]["age_group"] == "65+"
    assert [c["for"] for c in data["consents"]]  # the consents given in the conversation
    assert any(WORDS in json.dumps(a["answers"], ensure_ascii=False) for a in data["answers"])
    texts = [f["text"] for f in data["fragments"]]
    assert f"{WORDS} vertelt over de buurt." in texts and f"{WORDS} in het interview." in texts
    told = next(f for f in data["fragments"] if f["text"] == f"{WORDS} vertelt over de buurt.")
    assert told["codes"] == ["effect.social.contact"]
    assert [a["name"] for a in data["assets"]] == [f"Talent van {WORDS}"]
    assert sorted(a["part"] for a in data["activities"]) == ["started", "took part"]
    (relation,) = data["relations"]
    assert relation["part"] == "from" and relation["note"] == f"{WORDS} kent"


def test_nobody_elses_data_and_no_other_pseudonym_is_in_the_file(two_people):
    person, other = two_people
    dumped = json.dumps(person_data(person), ensure_ascii=False)
    assert OTHER not in dumped and other.pseudonym not in dumped
    assert f"Buur {person.pk}" not in dumped  # the other side of the tie, by role only
    assert "person (resident)" in dumped


def test_the_command_writes_the_file_for_the_person_only(two_people, tmp_path):
    person, _other = two_people
    out = tmp_path / "inzage.json"
    call_command("export_person", id=person.pk, out=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["person"]["pseudonym"] == PSEUDONYM
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with pytest.raises(CommandError, match="Geen persoon met nummer 999999"):
        call_command("export_person", id=999999, out=str(tmp_path / "niets.json"))
    assert not (tmp_path / "niets.json").exists()


def test_the_admin_downloads_one_persons_file_never_several(two_people, client):
    person, other = two_people
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:people_person_changelist")
    one = client.post(url, {"action": "download_data", "_selected_action": [person.pk]})
    assert one["Content-Disposition"] == f'attachment; filename="persoon-{person.pk}.json"'
    assert json.loads(one.content)["person"]["pseudonym"] == PSEUDONYM
    both = client.post(
        url, {"action": "download_data", "_selected_action": [person.pk, other.pk]}, follow=True
    )
    assert "Kies precies één persoon." in both.content.decode()

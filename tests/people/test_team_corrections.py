"""A community builder corrects any record of their own buurt's team, and who changed what and when is kept.

Issue 12 item 5. The rules (people.access.record_may_change / record_may_delete):
- whoever recorded a record, and administrators, change and delete it;
- a community builder of the record's buurt corrects it (not deletes it), whoever recorded it;
- a connector changes only their own; a community builder of another buurt nothing; an inactive account nothing.
Every change is kept field by field (privacy.changes) in the same transaction, and erasing a resident removes the
history lines that name them.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from krachtvansamen.assets import services as asset_services
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.network import services as network_services
from krachtvansamen.network.models import Relation
from krachtvansamen.people.access import record_may_change, record_may_delete
from krachtvansamen.people.models import Role
from krachtvansamen.privacy.access_export import person_data
from krachtvansamen.privacy.changes import changes_for
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.privacy.models import ChangeRecord
from tests.assets.world import make_world
from tests.factories import MembershipFactory, RelationFactory, UserFactory


@pytest.fixture
def world(db):
    w = make_world()

    def member(username: str, *memberships: dict, **user: object) -> object:
        account = UserFactory(username=username, **user)
        for kwargs in memberships:
            MembershipFactory(user=account, **kwargs)
        return account

    w.builder.first_name, w.builder.last_name = "Carla", "Opbouw"
    w.builder.save()
    w.other_builder = member("bouwer-elders", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": w.other})
    w.inactive_builder = member(
        "bouwer-weg", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": w.own}, is_active=False
    )
    # Community builder elsewhere, connector here: a connector here.
    w.both = member(
        "beide",
        {"role": Role.COMMUNITY_BUILDER, "neighbourhood": w.other},
        {"role": Role.CONNECTOR, "neighbourhood": w.own},
    )
    # Both roles in this buurt: the community builder's rights count.
    w.builder_and_connector = member(
        "beide-hier",
        {"role": Role.CONNECTOR, "neighbourhood": w.own},
        {"role": Role.COMMUNITY_BUILDER, "neighbourhood": w.own},
    )
    # The connector's own records, as the pages make them.
    w.asset = asset_services.asset_create(
        neighbourhood=w.own, user=w.connector, category="place", name="Bankje", year=2025
    )
    w.activity = asset_services.activity_create(
        neighbourhood=w.own, user=w.connector, title="Koffieochtend", initiated_by="residents", year=2025,
        participants=[w.ans], participant_count=5,
    )  # fmt: skip
    w.relation = network_services.relation_create(
        neighbourhood=w.own, user=w.connector, source=w.ans, target=w.bram, year=2025, capital_type="bonding"
    )
    return w


def _asset_update(w, user, **changes):
    fields = {"category": "place", "name": "Bankje", "year": 2025, **changes}
    return asset_services.asset_update(asset=Asset.objects.get(pk=w.asset.pk), user=user, **fields)


def _lines(record):
    return list(
        ChangeRecord.objects.filter(object_id=record.pk, field__in=_FIELDS[type(record)])
        .order_by("field")
        .values_list("field", "old", "new", "changed_by__username", "is_correction")
    )


_FIELDS = {
    Asset: list(asset_services.ASSET_FIELDS),
    Activity: list(asset_services.ACTIVITY_FIELDS),
    Relation: list(network_services.RELATION_FIELDS),
}


# --- who may ---------------------------------------------------------------------------------------------------


def test_who_may_change_and_who_may_delete_a_connectors_record(world):
    w = world
    record = w.asset  # recorded by w.connector in w.own
    may = {user.username: record_may_change(user=user, record=record) for user in _everyone(w)}
    assert may == {
        "verbinder": True,  # the recorder
        "beheerder": True,  # an administrator
        "bouwer": True,  # the community builder of this buurt: corrects the team's records
        "beide-hier": True,  # connector and community builder here
        "verbinder2": False,  # a colleague connector: only their own
        "bouwer-elders": False,  # the community builder of another buurt
        "beide": False,  # community builder elsewhere, connector here
        "bouwer-weg": False,  # an inactive community builder of this buurt
        "onderzoeker": False,
        "manager": False,
        "financier": False,
    }
    deletes = {user.username: record_may_delete(user=user, record=record) for user in _everyone(w)}
    # Deleting stays with the recorder and the administrators: the community builder corrects, not deletes.
    assert {name for name, yes in deletes.items() if yes} == {"verbinder", "beheerder"}


def _everyone(w):
    return [
        w.connector, w.admin, w.builder, w.builder_and_connector, w.connector2, w.other_builder, w.both,
        w.inactive_builder, w.researcher, w.manager, w.funder,
    ]  # fmt: skip


def test_the_community_builder_may_correct_a_record_nobody_recorded_but_only_in_their_own_buurt(world):
    w = world
    imported = SimpleNamespace(recorded_by_id=None, neighbourhood_id=w.own.pk)
    assert record_may_change(user=w.builder, record=imported) is True
    assert record_may_delete(user=w.builder, record=imported) is False
    elsewhere = SimpleNamespace(recorded_by_id=None, neighbourhood_id=w.other.pk)
    assert record_may_change(user=w.builder, record=elsewhere) is False
    assert record_may_change(user=w.other_builder, record=elsewhere) is True
    # Their own record in the other buurt is still the recorder's to change.
    theirs_elsewhere = SimpleNamespace(recorded_by_id=w.builder.pk, neighbourhood_id=w.other.pk)
    assert record_may_change(user=w.builder, record=theirs_elsewhere) is True
    assert record_may_change(user=AnonymousUser(), record=imported) is False


def test_an_account_switched_off_changes_nothing_not_even_what_it_recorded(world):
    w = world
    w.connector.is_active = False
    w.connector.save()
    assert record_may_change(user=w.connector, record=w.asset) is False
    assert record_may_delete(user=w.connector, record=w.asset) is False
    with pytest.raises(PermissionDenied):
        _asset_update(w, w.inactive_builder, name="Bank")
    assert Asset.objects.get(pk=w.asset.pk).name == "Bankje"


# --- the corrections, kept ---------------------------------------------------------------------------------------


def test_the_community_builder_corrects_a_connectors_asset_and_the_change_is_kept(world):
    w = world
    before = timezone.now()
    _asset_update(w, w.builder, name="Bankje bij de speeltuin", person=w.ans, is_meeting_place=True)
    asset = Asset.objects.get(pk=w.asset.pk)
    assert (asset.name, asset.person, asset.is_meeting_place) == ("Bankje bij de speeltuin", w.ans, True)
    assert asset.recorded_by == w.connector  # a correction does not take the record over
    assert _lines(asset) == [
        ("is_meeting_place", "nee", "ja", "bouwer", True),
        ("name", "Bankje", "Bankje bij de speeltuin", "bouwer", True),
        ("person", "", "Ans", "bouwer", True),
    ]
    line = ChangeRecord.objects.get(object_id=asset.pk, field="name")
    assert before <= line.changed_at <= timezone.now()
    assert line.neighbourhood == w.own and line.label == "naam"
    [save] = changes_for(asset)
    assert (save.by, save.is_correction) == ("Carla Opbouw", True)
    assert save.items == [
        ("naam", "Bankje", "Bankje bij de speeltuin"),
        ("ontmoetingsplek", "nee", "ja"),
        ("Persoon (schuilnaam)", "", "Ans"),
    ]


def test_the_recorder_still_changes_their_own_record_and_it_is_not_marked_a_correction(world):
    w = world
    _asset_update(w, w.connector, name="Bank")
    assert Asset.objects.get(pk=w.asset.pk).name == "Bank"
    assert _lines(w.asset) == [("name", "Bankje", "Bank", "verbinder", False)]


def test_saving_without_changing_anything_keeps_no_line(world):
    _asset_update(world, world.builder)
    assert not ChangeRecord.objects.exists()


def test_the_community_builder_corrects_a_connectors_activity_participants_and_all(world):
    w = world
    asset_services.activity_update(
        activity=Activity.objects.get(pk=w.activity.pk), user=w.builder, title="Koffieochtend",
        initiated_by="together", year=2025, participants=[w.ans, w.bram], participant_count=5,
        started_on=datetime.date(2025, 3, 1),
    )  # fmt: skip
    activity = Activity.objects.get(pk=w.activity.pk)
    assert set(activity.participants.all()) == {w.ans, w.bram}
    assert _lines(activity) == [
        ("initiated_by", "bewoners", "bewoners en professionals samen", "bouwer", True),
        ("participants", "Ans", "Ans, Bram", "bouwer", True),
        ("started_on", "", "2025-03-01", "bouwer", True),
    ]


def test_the_community_builder_corrects_a_connectors_relation(world):
    w = world
    network_services.relation_update(
        relation=Relation.objects.get(pk=w.relation.pk), user=w.builder, source=w.ans, target=w.cor,
        year=2025, capital_type="bridging", hook_person=w.bram,
    )  # fmt: skip
    relation = Relation.objects.get(pk=w.relation.pk)
    assert (relation.target_person, relation.capital_type) == (w.cor, "bridging")
    assert _lines(relation) == [
        ("capital_type", "binnen de eigen groep (bonding)", "tussen groepen (bridging)", "bouwer", True),
        ("hook_person", "", "Bram", "bouwer", True),
        ("target", "Bram", "Cor", "bouwer", True),
    ]


def test_the_community_builder_may_not_delete_a_connectors_record(world):
    w = world
    with pytest.raises(PermissionDenied, match="Je kunt alleen verwijderen wat je zelf hebt vastgelegd."):
        asset_services.asset_delete(asset=w.asset, user=w.builder)
    with pytest.raises(PermissionDenied):
        asset_services.activity_delete(activity=w.activity, user=w.builder)
    with pytest.raises(PermissionDenied):
        network_services.relation_delete(relation=w.relation, user=w.builder)
    assert Asset.objects.filter(pk=w.asset.pk).exists() and Relation.objects.filter(pk=w.relation.pk).exists()


@pytest.mark.parametrize("who", ["connector2", "other_builder", "both", "researcher"])
def test_others_may_not_correct_a_connectors_records(world, who):
    w = world
    user = getattr(w, who)
    with pytest.raises(PermissionDenied, match="Je kunt alleen wijzigen wat je zelf hebt vastgelegd."):
        _asset_update(w, user, name="Anders")
    with pytest.raises(PermissionDenied):
        network_services.relation_update(
            relation=w.relation, user=user, source=w.ans, target=w.cor, year=2025, capital_type="bonding"
        )
    assert Asset.objects.get(pk=w.asset.pk).name == "Bankje" and not ChangeRecord.objects.exists()


def test_a_failure_while_keeping_the_change_leaves_neither_change_nor_line(world, monkeypatch):
    w = world

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(ChangeRecord.persons.through.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        _asset_update(w, w.builder, name="Bankje bij de speeltuin", person=w.ans)
    assert Asset.objects.get(pk=w.asset.pk).name == "Bankje"
    assert not ChangeRecord.objects.exists()


def test_a_deleted_record_takes_its_history_along(world):
    w = world
    _asset_update(w, w.builder, name="Bank")
    assert ChangeRecord.objects.filter(object_id=w.asset.pk).exists()
    asset_services.asset_delete(asset=w.asset, user=w.connector)
    assert not ChangeRecord.objects.exists()


# --- erasure -----------------------------------------------------------------------------------------------------


def test_erasing_a_resident_erases_the_history_lines_that_name_them(world):
    w = world
    # A line that names Ans on a record that stays (the asset now belongs to Bram), ...
    _asset_update(w, w.builder, person=w.ans)
    _asset_update(w, w.builder, person=w.bram, name="Bank")
    # ... a participants line naming Ans on an activity that stays, and a relation that goes with Ans.
    asset_services.activity_update(
        activity=Activity.objects.get(pk=w.activity.pk), user=w.builder, title="Koffie", initiated_by="residents",
        year=2025, participants=[w.bram], participant_count=5,
    )  # fmt: skip
    network_services.relation_update(
        relation=w.relation, user=w.builder, source=w.ans, target=w.bram, year=2025, capital_type="linking"
    )
    unrelated = RelationFactory(neighbourhood=w.own, source_person=w.bram, target_person=w.cor, year=2025)
    network_services.relation_update(
        relation=unrelated, user=w.admin, source=w.bram, target=w.cor, year=2025, capital_type="linking"
    )
    assert ChangeRecord.objects.filter(new__contains="Ans").exists()
    assert ChangeRecord.objects.filter(old__contains="Ans").exists()

    record = person_erase(w.ans, w.admin, "Verzoek van de bewoner")

    left = list(ChangeRecord.objects.order_by("object_id", "field").values_list("field", "old", "new"))
    assert not [line for line in left if "Ans" in line[1] or "Ans" in line[2]], left
    # What did not name Ans is kept: the asset's new name, the activity's title, the other relation's change.
    assert ("name", "Bankje", "Bank") in left
    assert ("title", "Koffieochtend", "Koffie") in left
    assert ChangeRecord.objects.filter(object_id=unrelated.pk, field="capital_type").exists()
    # The relation with Ans is gone, and its history with it.
    assert not ChangeRecord.objects.filter(object_id=w.relation.pk, content_type__model="relation").exists()
    assert record.counts.get("privacy.ChangeRecord", 0) >= 3


def test_erasing_someone_else_leaves_the_history_alone(world):
    w = world
    _asset_update(w, w.builder, person=w.ans)
    person_erase(w.cor, w.admin, "Verzoek")
    assert _lines(w.asset) == [("person", "", "Ans", "bouwer", True)]


def test_the_residents_own_data_show_the_lines_that_name_them_and_no_one_else(world):
    w = world
    _asset_update(w, w.builder, person=w.ans)
    asset_services.activity_update(
        activity=Activity.objects.get(pk=w.activity.pk), user=w.builder, title="Koffieochtend",
        initiated_by="residents", year=2025, participants=[w.ans, w.bram], participant_count=5,
    )  # fmt: skip
    changes = person_data(w.ans)["changes"]
    assert [(c["what"], c["was"], c["became"]) for c in changes] == [
        ("Persoon (schuilnaam)", "", "Ans"),
        ("Wie deden mee? (schuilnamen)", *["(noemt ook andere mensen: weggelaten)"] * 2),
    ]
    assert "bouwer" not in str(changes) and "Bram" not in str(changes)
    assert person_data(w.cor)["changes"] == []


# --- the pages ---------------------------------------------------------------------------------------------------


def test_the_community_builder_corrects_on_the_page_and_sees_the_history(client, world):
    w = world
    client.force_login(w.builder)
    url = f"/buurten/{w.own.cbs_code}/krachten/{w.asset.pk}/"
    page = client.get(url + "wijzigen/").content.decode()
    assert "Vastgelegd door verbinder. Je past iets aan dat iemand anders vastlegde" in page
    assert "Wijzigingen" not in page  # nothing changed yet
    response = client.post(
        url + "wijzigen/", {"category": "place", "name": "Bankje bij de speeltuin", "year": "2025"}
    )
    assert response.status_code == 302
    page = client.get(url + "wijzigen/").content.decode()
    assert "Wijzigingen" in page and "Carla Opbouw" in page
    assert "aangepast door iemand anders dan wie het vastlegde" in page
    assert '<span class="kvs-changes__old">Bankje</span>' in page
    assert '<span class="kvs-changes__new">Bankje bij de speeltuin</span>' in page
    # Deleting it is not theirs: not even the question is asked.
    assert client.get(url + "verwijderen/").status_code == 403
    response = client.post(url + "verwijderen/")
    assert response.status_code == 403
    assert "Je kunt alleen verwijderen wat je zelf hebt vastgelegd." in response.content.decode()
    assert Asset.objects.filter(pk=w.asset.pk).exists()


def test_the_buurt_page_offers_correct_not_delete_and_shows_the_history_to_the_team(client, world):
    w = world
    _asset_update(w, w.builder, name="Bank")
    own = f"/buurten/{w.own.cbs_code}"
    client.force_login(w.builder)
    page = client.get(f"{own}/?jaar=2025").content.decode()
    assert f"/krachten/{w.asset.pk}/wijzigen/" in page and f"/krachten/{w.asset.pk}/verwijderen/" not in page
    assert f"/activiteiten/{w.activity.pk}/wijzigen/" in page
    assert f"/activiteiten/{w.activity.pk}/verwijderen/" not in page
    # The recorder sees both, and the history of the correction made to their record.
    client.force_login(w.connector)
    page = client.get(f"{own}/?jaar=2025").content.decode()
    assert f"/krachten/{w.asset.pk}/verwijderen/" in page
    assert "aangepast door iemand anders dan wie het vastlegde" in page and "Carla Opbouw" in page
    # A researcher sees the buurt's data: the history too, but no links to change it.
    client.force_login(w.researcher)
    page = client.get(f"{own}/?jaar=2025").content.decode()
    assert "Carla Opbouw" in page and f"/krachten/{w.asset.pk}/wijzigen/" not in page


def test_the_relations_page_offers_the_community_builder_a_correction_with_its_history(client, world):
    w = world
    network_services.relation_update(
        relation=w.relation, user=w.builder, source=w.ans, target=w.cor, year=2025, capital_type="bonding"
    )
    client.force_login(w.builder)
    base = f"/buurten/{w.own.cbs_code}/relaties/"
    page = client.get(base + "?jaar=2025").content.decode()
    assert (
        f"/relaties/{w.relation.pk}/wijzigen/" in page
        and f"/relaties/{w.relation.pk}/verwijderen/" not in page
    )
    assert '<span class="kvs-changes__old">Bram</span>' in page and "Carla Opbouw" in page
    assert client.post(f"{base}{w.relation.pk}/verwijderen/").status_code == 403


@pytest.mark.parametrize("who", ["other_builder", "connector2"])
def test_others_get_a_403_on_the_change_page(client, world, who):
    w = world
    client.force_login(getattr(w, who))
    url = f"/buurten/{w.own.cbs_code}/krachten/{w.asset.pk}/wijzigen/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"category": "place", "name": "Anders", "year": "2025"}).status_code == 403
    assert Asset.objects.get(pk=w.asset.pk).name == "Bankje"

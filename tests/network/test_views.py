"""The relation pages: add, tampered POSTs, new people inline, list, change and delete."""

from __future__ import annotations

import pytest

from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Consent, Organisation, Person
from tests.factories import RelationFactory


def relation_post(world, **extra):
    data = {
        "source": f"p:{world.ans.pk}",
        "target": f"p:{world.bram.pk}",
        "capital_type": "bridging",
        "is_new": "yes",
        "hook_activity": world.dinner.pk,
        "hook_place": "",
        "hook_person": "",
        "note": "",
        "year": "2025",
        "source_neworg_kind": "other",
        "target_neworg_kind": "other",
    }
    data.update(extra)
    return data


def test_connector_adds_a_relation_with_an_activity_as_haakje(client, world):
    client.force_login(world.connector)
    url = f"/buurten/{world.own.cbs_code}/relaties/nieuw/"
    page = client.get(url).content.decode()
    for text in (
        "Binnen de eigen groep",
        "Tussen verschillende groepen",
        "Met instanties",
        "Wat bracht hen samen? (in het onderzoek: het haakje)",
        "Buurtmaaltijd (2025)",
        "Bewonersgroep Eigen Buurt",
    ):
        assert text in page, text
    assert "Dirk" not in page and "Elders koken" not in page and "Bewonersgroep Andere Buurt" not in page
    response = client.post(url, relation_post(world))
    assert response.status_code == 302
    assert response["Location"] == f"/buurten/{world.own.cbs_code}/?jaar=2025#netwerk"
    relation = Relation.objects.get()
    assert (relation.source, relation.target, relation.hook_activity, relation.is_new) == (
        world.ans,
        world.bram,
        world.dinner,
        True,
    )
    page = client.get(response["Location"]).content.decode()
    assert "Opgeslagen: Ans en Bram." in page
    assert f'data-ends="p{world.ans.pk} p{world.bram.pk}"' in page and 'data-kind="bridging"' in page
    assert "Buurtmaaltijd" in page and "Wat bracht mensen samen in 2025" in page


@pytest.mark.parametrize(
    ("extra", "field_message"),
    [
        ({"source": "p:{dirk}"}, "Kies een persoon of organisatie uit deze buurt."),
        ({"target": "o:{other_group}"}, "Kies een persoon of organisatie uit deze buurt."),
        ({"hook_activity": "{other_activity}"}, "Kies een activiteit uit deze buurt."),
        ({"hook_place": "{other_place}"}, "Kies een ontmoetingsplek uit deze buurt."),
        ({"hook_person": "{dirk}"}, "Kies iemand uit deze buurt."),
        ({"target": "p:{ans}"}, "Een relatie is tussen twee verschillende mensen of organisaties."),
        ({"hook_person": "{ans}"}, "De persoon die hen samenbracht kan niet een van de twee zelf zijn."),
        (
            {"source": "", "target": ""},
            "Kies een persoon of organisatie uit de lijst, of voeg iemand nieuw toe.",
        ),
        ({"capital_type": ""}, "Kies wat voor band het is."),
        ({"is_new": ""}, "Kies of de band nieuw is."),
        ({"year": "2024"}, "Kies een jaar uit de lijst."),
    ],
)
def test_bad_or_tampered_relation_is_refused_in_dutch_and_nothing_saved(client, world, extra, field_message):
    client.force_login(world.connector)
    ids = {
        name: getattr(world, name).pk
        for name in ("dirk", "other_group", "other_activity", "other_place", "ans")
    }
    data = relation_post(world, **{key: value.format(**ids) for key, value in extra.items()})
    response = client.post(f"/buurten/{world.own.cbs_code}/relaties/nieuw/", data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not Relation.objects.exists()


def test_new_person_and_new_organisation_inline(client, world):
    client.force_login(world.connector)
    data = relation_post(
        world,
        source="",
        source_new_pseudonym="Buurvrouw Ans van 12",
        source_new_consent="on",
        source_new_consent_method="mondeling",
        source_new_age_band="65+",
        source_new_demographics_consent="on",
        target="",
        target_neworg_name="Huisartsenpraktijk",
        target_neworg_kind="zorg",
        capital_type="linking",
        hook_activity="",
        hook_person=world.cor.pk,
    )
    response = client.post(f"/buurten/{world.own.cbs_code}/relaties/nieuw/", data)
    assert response.status_code == 302
    relation = Relation.objects.get()
    person = Person.objects.get(pseudonym="Buurvrouw Ans van 12")
    assert relation.source_person == person and person.age_band == "65+" and person.neighbourhood == world.own
    assert set(Consent.objects.filter(person=person).values_list("scope", flat=True)) == {
        "participation",
        "demographics",
    }
    assert relation.target_organisation == Organisation.objects.get(name="Huisartsenpraktijk", kind="zorg")
    assert relation.hook_person == world.cor


def test_new_person_with_a_taken_pseudonym_or_both_choices_is_refused(client, world):
    client.force_login(world.connector)
    url = f"/buurten/{world.own.cbs_code}/relaties/nieuw/"
    response = client.post(
        url, relation_post(world, source="", source_new_pseudonym="bram", source_new_consent="on")
    )
    assert "De schuilnaam ‘bram’ bestaat al in deze buurt." in response.content.decode()
    response = client.post(url, relation_post(world, target_new_pseudonym="Henk", target_new_consent="on"))
    assert "Kies iemand uit de lijst óf voeg iemand nieuw toe, niet allebei." in response.content.decode()
    response = client.post(
        url,
        relation_post(
            world,
            target="",
            target_new_pseudonym="Henk",
            target_new_consent="on",
            target_neworg_name="Bibliotheek",
        ),
    )
    assert "maar één daarvan" in response.content.decode()
    assert not Relation.objects.exists() and not Person.objects.filter(pseudonym="Henk").exists()


def test_list_edit_and_delete(client, world):
    theirs = RelationFactory(
        neighbourhood=world.own,
        year=2025,
        source_person=world.cor,
        target_person=world.bram,
        recorded_by=world.connector2,
    )
    client.force_login(world.connector)
    client.post(f"/buurten/{world.own.cbs_code}/relaties/nieuw/", relation_post(world))
    mine = Relation.objects.get(recorded_by=world.connector)
    page = client.get(f"/buurten/{world.own.cbs_code}/relaties/?jaar=2025").content.decode()
    assert "Relaties in 2025" in page and "Ans — Bram" in page and "Cor — Bram" in page
    assert "Tussen verschillende groepen" in page and "Buurtmaaltijd" in page
    assert f"/relaties/{mine.pk}/wijzigen/" in page and f"/relaties/{theirs.pk}/wijzigen/" not in page

    base = f"/buurten/{world.own.cbs_code}/relaties/{mine.pk}/"
    page = client.get(base + "wijzigen/").content.decode()
    assert f'<option value="p:{world.ans.pk}" selected>' in page
    response = client.post(
        base + "wijzigen/",
        relation_post(world, target=f"o:{world.group.pk}", capital_type="linking", is_new="no"),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.target_organisation, mine.capital_type, mine.is_new) == (world.group, "linking", False)
    assert "Deze relatie verwijderen?" in client.get(base + "verwijderen/").content.decode()
    assert client.post(base + "verwijderen/").status_code == 302
    assert not Relation.objects.filter(pk=mine.pk).exists()
    assert client.post(f"/buurten/{world.own.cbs_code}/relaties/{theirs.pk}/verwijderen/").status_code == 403
    assert client.get(f"/buurten/{world.other.cbs_code}/relaties/{theirs.pk}/wijzigen/").status_code == 403

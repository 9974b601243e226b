"""The asset and activity pages: who may reach them, what a POST saves, and tampered POSTs refused in Dutch."""

from __future__ import annotations

import pytest

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.people.models import Consent, Person

# Expected status per role for the "add" pages of the own and the other neighbourhood.
ADD_PAGE = {
    None: (302, 302),
    "connector": (200, 403),
    "builder": (200, 403),
    "other_connector": (403, 200),
    "researcher": (200, 200),
    "manager": (200, 403),
    "funder": (403, 403),
    "admin": (200, 200),
}


@pytest.mark.parametrize("path", ["krachten/nieuw/", "activiteiten/nieuw/", "relaties/nieuw/", "relaties/"])
@pytest.mark.parametrize("role", list(ADD_PAGE))
def test_add_pages_per_role(client, world, role, path):
    if role is not None:
        client.force_login(getattr(world, role))
    for neighbourhood, expected in zip((world.own, world.other), ADD_PAGE[role], strict=True):
        response = client.get(f"/buurten/{neighbourhood.cbs_code}/{path}")
        assert response.status_code == expected, (role, neighbourhood.name)
        if expected == 403:
            assert "Je hebt geen toegang tot deze buurt" in response.content.decode()


def test_unknown_neighbourhood_is_404(client, world):
    client.force_login(world.admin)
    assert client.get("/buurten/BU99999999/krachten/nieuw/").status_code == 404


def asset_post(**extra):
    data = {"category": "place", "name": "Speeltuin Het Klimrek", "description": "", "year": "2025"}
    data.update(extra)
    return data


def test_connector_adds_a_meeting_place_and_sees_it_on_the_asset_map(client, world):
    client.force_login(world.connector)
    page = client.get(f"/buurten/{world.own.cbs_code}/krachten/nieuw/").content.decode()
    assert "Wat voor kracht is het?" in page and "Gaven" not in page
    assert (
        "Een buurthuis, plein, speeltuin of bankje waar mensen elkaar zien." in page
    )  # explained in plain words
    response = client.post(
        f"/buurten/{world.own.cbs_code}/krachten/nieuw/", asset_post(is_meeting_place="on")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/buurten/{world.own.cbs_code}/?jaar=2025#krachten"
    asset = Asset.objects.get(name="Speeltuin Het Klimrek")
    assert (
        asset.is_meeting_place and asset.recorded_by == world.connector and asset.neighbourhood == world.own
    )
    page = client.get(response["Location"]).content.decode()
    assert "Opgeslagen: Speeltuin Het Klimrek." in page
    assert 'data-category="place" data-count="2" data-meeting-places="2"' in page
    assert f"/krachten/{asset.pk}/wijzigen/" in page  # the connector may change what they recorded
    assert f"/krachten/{world.bakery.pk}/wijzigen/" not in page  # but not what others recorded


def test_tampered_person_of_another_neighbourhood_is_refused(client, world):
    client.force_login(world.connector)
    response = client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", asset_post(person=world.dirk.pk))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nog niet opgeslagen" in page and "Kies iemand uit deze buurt." in page
    assert not Asset.objects.filter(name="Speeltuin Het Klimrek").exists()


def test_missing_fields_get_dutch_messages(client, world):
    client.force_login(world.connector)
    response = client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", {"year": "2023"})
    page = response.content.decode()
    assert response.status_code == 400
    for message in ("Kies wat voor kracht het is.", "Vul een naam in.", "Kies een jaar uit de lijst."):
        assert message in page


def test_asset_with_a_new_person_inline(client, world):
    client.force_login(world.connector)
    data = asset_post(
        category="talent_hands",
        name="Kan fietsen maken",
        person_new_pseudonym="Buurman Piet",
        person_new_consent_method="mondeling",
    )
    response = client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", data)
    assert (
        response.status_code == 400
        and "Vraag het eerst en vink dan het vakje aan." in response.content.decode()
    )
    assert 'class="kvs-f-new" open' in response.content.decode()  # the part with the error stays open
    assert not Person.objects.filter(pseudonym="Buurman Piet").exists()
    data["person_new_consent"] = "on"
    response = client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", data)
    assert response.status_code == 302
    piet = Person.objects.get(pseudonym="Buurman Piet", neighbourhood=world.own)
    assert Asset.objects.get(name="Kan fietsen maken").person == piet
    assert Consent.objects.filter(person=piet, scope="participation", given=True, method="mondeling").exists()
    # Choosing from the list and adding someone new at once is refused.
    data.update(person=world.ans.pk, person_new_pseudonym="Nog iemand")
    response = client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", data)
    assert "Kies iemand uit de lijst óf voeg iemand nieuw toe, niet allebei." in response.content.decode()


def test_edit_and_delete_own_asset_with_confirmation(client, world):
    client.force_login(world.connector)
    client.post(f"/buurten/{world.own.cbs_code}/krachten/nieuw/", asset_post())
    asset = Asset.objects.get(name="Speeltuin Het Klimrek")
    url = f"/buurten/{world.own.cbs_code}/krachten/{asset.pk}/"
    assert 'value="Speeltuin Het Klimrek"' in client.get(url + "wijzigen/").content.decode()
    response = client.post(url + "wijzigen/", asset_post(name="Speeltuin De Klimrek", category="nature"))
    assert response.status_code == 302
    asset.refresh_from_db()
    assert (asset.name, asset.category) == ("Speeltuin De Klimrek", "nature")
    page = client.get(url + "verwijderen/").content.decode()
    assert "Deze kracht verwijderen?" in page and "Ja, verwijderen" in page
    assert Asset.objects.filter(pk=asset.pk).exists()  # looking at the question deletes nothing
    response = client.post(url + "verwijderen/")
    assert response.status_code == 302 and not Asset.objects.filter(pk=asset.pk).exists()


def test_others_records_cannot_be_changed_and_other_neighbourhoods_records_are_not_found(client, world):
    client.force_login(world.connector)
    own = f"/buurten/{world.own.cbs_code}"
    response = client.get(f"{own}/krachten/{world.bakery.pk}/wijzigen/")
    assert response.status_code == 403
    assert "Je kunt alleen wijzigen wat je zelf hebt vastgelegd." in response.content.decode()
    assert client.post(f"{own}/krachten/{world.bakery.pk}/verwijderen/").status_code == 403
    assert Asset.objects.filter(pk=world.bakery.pk).exists()
    # An asset of another neighbourhood, reached through the own neighbourhood's address: not found.
    world.other_place.recorded_by = world.connector
    world.other_place.save()
    assert client.get(f"{own}/krachten/{world.other_place.pk}/wijzigen/").status_code == 404
    assert client.post(f"{own}/activiteiten/{world.other_activity.pk}/verwijderen/").status_code == 404


def activity_post(world, **extra):
    data = {
        "title": "Opschoondag",
        "description": "",
        "initiated_by": "residents",
        "year": "2025",
        "initiator_person": world.cor.pk,
        "meeting_place": world.community_centre.pk,
        "participants": [world.ans.pk, world.bram.pk],
        "participant_count": "12",
    }
    data.update(extra)
    return data


def test_connector_adds_an_activity_at_a_meeting_place(client, world):
    client.force_login(world.connector)
    page = client.get(f"/buurten/{world.own.cbs_code}/activiteiten/nieuw/").content.decode()
    assert "Buurthuis De Linde" in page and "Bakker op de hoek" not in page  # only meeting places to choose
    assert "Plein elders" not in page and "Dirk" not in page  # nothing of the other neighbourhood
    response = client.post(f"/buurten/{world.own.cbs_code}/activiteiten/nieuw/", activity_post(world))
    assert response.status_code == 302 and response["Location"].endswith("?jaar=2025#activiteiten")
    activity = Activity.objects.get(title="Opschoondag")
    assert set(activity.participants.all()) == {world.ans, world.bram} and activity.participant_count == 12
    page = client.get(response["Location"]).content.decode()
    assert "Opschoondag" in page and "2 met schuilnaam" in page and "⌂ Buurthuis De Linde" in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"participant_count": "1"},
            "Het totaal aantal deelnemers (1) is kleiner dan het aantal aangevinkte mensen (2).",
        ),
        ({"participants": ["dirk"]}, "Kies deelnemers uit deze buurt."),
        ({"meeting_place": "other_place"}, "Kies een ontmoetingsplek uit deze buurt."),
        ({"meeting_place": "bakery"}, "Kies een ontmoetingsplek uit deze buurt."),
        ({"initiator_person": "dirk"}, "Kies iemand uit deze buurt."),
        ({"participant_count": "-3"}, "Vul 0 of meer in."),
        ({"started_on": "gisteren"}, "Vul een datum in, bijvoorbeeld 14-3-2025."),
    ],
)
def test_bad_or_tampered_activity_is_refused_and_nothing_saved(client, world, extra, message):
    client.force_login(world.connector)
    resolved = {}
    for key, value in extra.items():
        if isinstance(value, list):
            resolved[key] = [getattr(world, v).pk for v in value]
        else:
            resolved[key] = getattr(world, value).pk if hasattr(world, value) else value
    before = Activity.objects.count()
    response = client.post(
        f"/buurten/{world.own.cbs_code}/activiteiten/nieuw/", activity_post(world, **resolved)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Activity.objects.count() == before


def test_neighbourhood_page_has_the_sections_with_their_anchors(client, world):
    client.force_login(world.builder)
    page = client.get(f"/buurten/{world.own.cbs_code}/?jaar=2025").content.decode()
    for text in (
        'id="krachten"',
        "Wat hier sterk is: krachten",
        'id="activiteiten"',
        'id="netwerk"',
        "Krachtenkaart",
        "Gaven van bewoners",
        "Kracht toevoegen",
        "Activiteit toevoegen",
        "Relatie toevoegen",
    ):
        assert text in page, text
    assert page.count('id="krachten"') == 1 and page.count('id="activiteiten"') == 1

"""The codebook page with the programmes' own codes, and the form to add one."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.lists.forms import key_suffix_from
from krachtvansamen.coding.models import ProgrammeCode
from krachtvansamen.framework.models import Code, Codebook
from krachtvansamen.framework.selectors import code_get_current

pytestmark = pytest.mark.django_db


def post(client, **fields):
    return client.post("/codeboek/", fields)


def test_a_researcher_adds_an_own_code_and_the_codebook_shows_it(world, as_user):
    client = as_user(world.researcher)
    page = client.get("/codeboek/").content.decode()
    assert "Eigen code toevoegen" in page
    assert 'href="/coderen/codes/vitality.nature/"' in page  # every code links to its fragments

    nature = code_get_current(key="vitality.nature")
    response = post(client, programme=world.programme.pk, parent=nature.pk, label_nl="Samen tuinieren!",
                    label_en="", suffix="", definition_nl="Bewoners werken samen in de moestuin.")  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/codeboek/#vitality.nature.samen_tuinieren"
    code = Code.objects.get(key="vitality.nature.samen_tuinieren")
    assert (code.parent, code.is_user_defined, code.created_by) == (nature, True, world.researcher)
    assert ProgrammeCode.objects.get(key=code.key).programme == world.programme

    page = client.get("/codeboek/").content.decode()
    assert "Samen tuinieren!" in page
    assert "eigen code van Sterke buurten" in page
    assert "Toegevoegd door Researcher." in page


def test_a_taken_key_gets_a_dutch_message_and_nothing_is_saved(world, as_user):
    client = as_user(world.researcher)
    nature = code_get_current(key="vitality.nature")
    fields = {
        "programme": world.programme.pk,
        "parent": nature.pk,
        "label_nl": "Moestuin",
        "suffix": "moestuin",
    }
    assert post(client, **fields).status_code == 302
    before = (Code.objects.count(), ProgrammeCode.objects.count())
    response = post(client, **{**fields, "label_nl": "Nog een moestuin"})
    assert response.status_code == 400
    assert "Code vitality.nature.moestuin bestaat al" in response.content.decode()
    assert (Code.objects.count(), ProgrammeCode.objects.count()) == before


def test_a_parent_from_an_old_codebook_is_refused(world, as_user):
    old = Codebook.objects.create(version="0", title_nl="Oud", title_en="Old", content_hash="x")
    old_code = Code.objects.create(codebook=old, key="vitality.nature", group="vitality", depth=1,
                                   label_nl="Natuur (oud)", label_en="Nature (old)")  # fmt: skip
    response = post(
        as_user(world.researcher), programme=world.programme.pk, parent=old_code.pk, label_nl="Oud"
    )
    assert response.status_code == 400
    assert "Kies een code uit het huidige codeboek." in response.content.decode()
    assert not Code.objects.filter(label_nl="Oud").exists()


def test_a_bad_key_and_a_missing_name_are_explained(world, as_user):
    nature = code_get_current(key="vitality.nature")
    response = post(as_user(world.researcher), programme=world.programme.pk, parent=nature.pk, label_nl="",
                    suffix="Met Spatie")  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    assert "Gebruik kleine letters" in html and "Dit veld is verplicht." in html


def test_only_the_own_programme_may_be_chosen(world, as_user):
    nature = code_get_current(key="vitality.nature")
    response = post(as_user(world.researcher), programme=world.other_programme.pk, parent=nature.pk,
                    label_nl="Niet van ons")  # fmt: skip
    assert response.status_code == 400
    assert not ProgrammeCode.objects.exists()


@pytest.mark.parametrize("user", ["connector", "builder", "funder"])
def test_users_without_the_right_get_no_form_and_a_403_on_post(world, as_user, user):
    client = as_user(getattr(world, user))
    page = client.get("/codeboek/").content.decode()
    assert "Eigen code toevoegen" not in page
    nature = code_get_current(key="vitality.nature")
    response = post(client, programme=world.programme.pk, parent=nature.pk, label_nl="Stiekem")
    assert response.status_code == 403
    assert not Code.objects.filter(label_nl="Stiekem").exists()


def test_funders_and_connectors_see_the_codebook_without_links_to_fragments(world, as_user):
    for user in (world.funder, world.connector):
        page = as_user(user).get("/codeboek/").content.decode()
        assert "Zelfvertrouwen" in page and "/coderen/codes/" not in page


def test_an_old_version_of_the_codebook_has_no_form(world, as_user):
    Codebook.objects.create(version="0", title_nl="Oud", title_en="Old", content_hash="x")
    page = as_user(world.researcher).get("/codeboek/?versie=0").content.decode()
    assert "Eigen code toevoegen" not in page


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("Samen koken!", "samen_koken"), ("Één buurt", "een_buurt"), ("100 jaar", "c_100_jaar"), ("!!!", "")],
)
def test_key_suffix_from_a_name(name, suffix):
    assert key_suffix_from(name) == suffix

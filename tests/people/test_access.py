"""Every role × every neighbourhood-scoped page: who may see what."""

from __future__ import annotations

import pytest

from krachtvansamen.people.access import (
    neighbourhoods_for_user,
    neighbourhoods_reportable_for_user,
)
from krachtvansamen.people.models import Role
from tests.factories import (
    FragmentFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)


@pytest.fixture
def world(db):
    programme_a, programme_b = ProgrammeFactory(name="Programma A"), ProgrammeFactory(name="Programma B")
    own = NeighbourhoodFactory(name="Eigen Buurt", programme=programme_a)
    same_programme = NeighbourhoodFactory(name="Buurt Zelfde Programma", programme=programme_a)
    other_programme = NeighbourhoodFactory(name="Buurt Ander Programma", programme=programme_b)
    for n in (own, same_programme, other_programme):
        FragmentFactory(neighbourhood=n, text=f"Geheim verhaal uit {n.name}")
    funding = FundingFactory(neighbourhood=own)

    users = {"anonymous": None, "no_role": UserFactory(username="zonderrol")}

    def member(name, **kwargs):
        user = UserFactory(username=name)
        MembershipFactory(user=user, **kwargs)
        users[name] = user

    member("connector", role=Role.CONNECTOR, neighbourhood=own)
    member("community_builder", role=Role.COMMUNITY_BUILDER, neighbourhood=own)
    member("researcher", role=Role.RESEARCHER)
    member("researcher_a", role=Role.RESEARCHER, programme=programme_a)
    member("programme_manager", role=Role.PROGRAMME_MANAGER, programme=programme_a)
    member("funder", role=Role.FUNDER, organisation=funding.funder)
    member("gemeente", role=Role.MUNICIPALITY, organisation=OrganisationFactory(
        kind="gemeente", municipality_code=own.municipality_code))  # fmt: skip
    member("admin", role=Role.ADMIN)
    users["admin"].is_staff = users["admin"].is_superuser = (
        True  # as `kvs demo` and createsuperuser make them
    )
    users["admin"].save()
    return {"users": users, "own": own, "same_programme": same_programme, "other_programme": other_programme}


# Expected HTTP status for the neighbourhood page: (own, same programme, other programme).
NEIGHBOURHOOD_PAGE = {
    "anonymous": (302, 302, 302),
    "no_role": (403, 403, 403),
    "connector": (200, 403, 403),
    "community_builder": (200, 403, 403),
    "researcher": (200, 200, 200),
    "researcher_a": (200, 200, 403),
    "programme_manager": (200, 200, 403),
    "funder": (403, 403, 403),
    "gemeente": (403, 403, 403),
    "admin": (200, 200, 200),
}


@pytest.mark.parametrize("role", list(NEIGHBOURHOOD_PAGE))
def test_neighbourhood_page_per_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    for key, expected in zip(
        ("own", "same_programme", "other_programme"), NEIGHBOURHOOD_PAGE[role], strict=True
    ):
        neighbourhood = world[key]
        response = client.get(f"/buurten/{neighbourhood.cbs_code}/")
        assert response.status_code == expected, (role, key)
        secret = f"Geheim verhaal uit {neighbourhood.name}"
        assert (secret in response.content.decode()) == (expected == 200), (role, key)
        if expected == 403:
            assert "Je hebt geen toegang tot deze buurt" in response.content.decode()


@pytest.mark.parametrize("role", list(NEIGHBOURHOOD_PAGE))
def test_start_page_lists_only_reachable_neighbourhoods(client, world, role):
    user = world["users"][role]
    if user is None:
        assert client.get("/").status_code == 302
        return
    client.force_login(user)
    html = client.get("/").content.decode()
    for key, expected in zip(
        ("own", "same_programme", "other_programme"), NEIGHBOURHOOD_PAGE[role], strict=True
    ):
        link = f"/buurten/{world[key].cbs_code}/"
        assert (link in html) == (expected == 200), (role, key)
    if role == "funder":
        assert world["own"].name in html  # the funded neighbourhood, without a link to its raw data


@pytest.mark.parametrize("role", list(NEIGHBOURHOOD_PAGE))
def test_codebook_and_admin_pages_per_role(client, world, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    assert client.get("/codeboek/").status_code == (302 if user is None else 404)  # no codebook loaded here
    admin_status = client.get("/beheer/").status_code
    assert admin_status == (200 if role == "admin" else 302)


def test_unknown_neighbourhood_is_404_not_403(client, world):
    client.force_login(world["users"]["admin"])
    assert client.get("/buurten/BU99999999/").status_code == 404


def test_funder_reaches_reports_of_funded_neighbourhoods_but_no_raw_data(world):
    funder = world["users"]["funder"]
    assert list(neighbourhoods_for_user(user=funder)) == []
    assert list(neighbourhoods_reportable_for_user(user=funder)) == [world["own"]]


def test_inactive_user_reaches_nothing(world):
    user = world["users"]["admin"]
    user.is_active = False
    user.save()
    user = type(user).objects.get(pk=user.pk)
    assert not neighbourhoods_for_user(user=user).exists()


@pytest.mark.parametrize(
    "path",
    [
        "framework/codebook/",
        "framework/code/",
        "neighbourhoods/neighbourhood/",
        "neighbourhoods/cbsrecord/",
        "people/person/",
        "people/membership/",
        "assets/asset/",
        "assets/activity/",
        "network/relation/",
        "coding/fragment/",
        "assessments/factorobservation/",
        "assessments/sustainabilityassessment/",
    ],
)
def test_admin_lists_every_domain_model(client, world, path):
    client.force_login(world["users"]["admin"])
    assert client.get(f"/beheer/{path}").status_code == 200

"""Shared by the coding page tests: one programme with two neighbourhoods, another programme, and a user
for every role that meets coding work (coders, readers, outsiders)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from krachtvansamen.people.models import Role
from tests.factories import (
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)


@pytest.fixture
def coding_people(codebook) -> SimpleNamespace:
    programme = ProgrammeFactory(name="Sterke buurten")
    other_programme = ProgrammeFactory(name="Ander programma")
    north = NeighbourhoodFactory(name="Noord", programme=programme)
    south = NeighbourhoodFactory(name="Zuid", programme=programme)
    elsewhere = NeighbourhoodFactory(name="Elders", programme=other_programme)
    users = {}
    for name in ("researcher", "researcher2", "builder", "connector", "manager", "funder", "outsider"):
        users[name] = UserFactory(username=name, first_name=name.capitalize())
    MembershipFactory(user=users["researcher"], role=Role.RESEARCHER, programme=programme)
    MembershipFactory(user=users["researcher2"], role=Role.RESEARCHER, programme=programme)
    MembershipFactory(user=users["builder"], role=Role.COMMUNITY_BUILDER, neighbourhood=north)
    MembershipFactory(user=users["connector"], role=Role.CONNECTOR, neighbourhood=north)
    MembershipFactory(user=users["manager"], role=Role.PROGRAMME_MANAGER, programme=programme)
    funder = OrganisationFactory()
    MembershipFactory(user=users["funder"], role=Role.FUNDER, organisation=funder)
    FundingFactory(funder=funder, neighbourhood=north)
    MembershipFactory(user=users["outsider"], role=Role.RESEARCHER, programme=other_programme)
    return SimpleNamespace(
        programme=programme, other_programme=other_programme, north=north, south=south, elsewhere=elsewhere,
        **users,
    )  # fmt: skip


@pytest.fixture
def as_user():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login

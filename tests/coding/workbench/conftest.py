"""A small world for the workbench: one programme with two neighbourhoods, coders, readers and outsiders."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

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
def world(codebook):
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
    interview = [
        FragmentFactory(
            neighbourhood=north, year=2024, instrument="interview", source="document:1", position=i,
            text=text, speaker_role="resident",
        )
        for i, text in enumerate(
            ["Eerste stuk.", "Café De Boom 🌳 is onze plek — iedereen komt daar.", "Derde stuk.", "Vierde stuk."],
            start=1,
        )
    ]  # fmt: skip
    return SimpleNamespace(
        programme=programme, north=north, south=south, elsewhere=elsewhere, interview=interview, **users
    )


@pytest.fixture
def as_user():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login

"""A small world for the lists: one programme with two neighbourhoods, another programme, coders, readers
and outsiders; codings are made through the coding services."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.test import Client

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current
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
    return SimpleNamespace(programme=programme, other_programme=other_programme, north=north, south=south,
                           elsewhere=elsewhere, **users)  # fmt: skip


@pytest.fixture
def as_user():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def code_it():
    """Give a fragment codes (keys of the current codebook) as ``coder``, the whole text or a part."""

    def give(fragment: Fragment, *keys: str, coder, start: int | None = None, end: int | None = None) -> None:
        for key in keys:
            coding_add(fragment=fragment, code=code_get_current(key=key), user=coder, start=start, end=end)

    return give


@pytest.fixture
def fragment():
    def make(neighbourhood, text: str = "", **fields) -> Fragment:
        fields.setdefault("instrument", "interview")
        return FragmentFactory(neighbourhood=neighbourhood, **({"text": text} if text else {}), **fields)

    return make

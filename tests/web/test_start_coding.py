"""The start page tells a coder what waits in the workbench, counted in their own reach only."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db


def test_a_community_builder_sees_what_waits_in_their_own_neighbourhood_only(client, codebook):
    own, other = NeighbourhoodFactory(), NeighbourhoodFactory()
    builder = UserFactory()
    MembershipFactory(user=builder, role="community_builder", neighbourhood=own)
    FragmentFactory.create_batch(2, neighbourhood=own)
    FragmentFactory.create_batch(5, neighbourhood=other)
    disputed = FragmentFactory(neighbourhood=own)
    coding_add(fragment=disputed, code=code_get_current(key="vitality.nature"), user=UserFactory())
    coding_add(fragment=disputed, code=code_get_current(key="vitality.environment"), user=UserFactory())
    client.force_login(builder)
    page = client.get("/").content.decode()
    assert "2 fragmenten wachten op codes" in page
    assert "1 verschil tussen codeurs om te bespreken" in page
    assert 'href="/coderen/?status=uncoded"' in page


def test_a_connector_gets_no_coding_line(client, codebook):
    own = NeighbourhoodFactory()
    connector = UserFactory()
    MembershipFactory(user=connector, role="connector", neighbourhood=own)
    FragmentFactory(neighbourhood=own)
    client.force_login(connector)
    assert "wachten op codes" not in client.get("/").content.decode()
    assert "wacht op codes" not in client.get("/").content.decode()

from __future__ import annotations

import pytest

from krachtvansamen.effectenplein import services
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory


@pytest.fixture
def facilitator(db):
    user = UserFactory(username="begeleider")
    neighbourhood = NeighbourhoodFactory(name="Kronenburg")
    MembershipFactory(user=user, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    return user


@pytest.fixture
def neighbourhood(facilitator):
    return facilitator.memberships.get().neighbourhood


@pytest.fixture
def meeting(facilitator, neighbourhood):
    return services.meeting_open(
        neighbourhood=neighbourhood, user=facilitator, title="Plein in de Kronenburg"
    )


@pytest.fixture
def join(meeting):
    def _join(nickname: str = ""):
        participant, _token = services.participant_join(meeting=meeting, nickname=nickname)
        return participant

    return _join

"""A small world for the asset, activity and relation tests: two neighbourhoods, their people and places."""

from __future__ import annotations

from types import SimpleNamespace

from krachtvansamen.neighbourhoods.models import MeasurementYear
from krachtvansamen.people.models import Organisation, Role
from tests.factories import (
    ActivityFactory,
    AssetFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    UserFactory,
)


def make_world() -> SimpleNamespace:
    # 2024 is closed, 2025 is open for new data: as in the demo.
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    programme = ProgrammeFactory()
    own = NeighbourhoodFactory(name="Eigen Buurt", programme=programme)
    other = NeighbourhoodFactory(name="Andere Buurt", programme=ProgrammeFactory())
    w = SimpleNamespace(own=own, other=other)
    w.ans = PersonFactory(neighbourhood=own, pseudonym="Ans")
    w.bram = PersonFactory(neighbourhood=own, pseudonym="Bram")
    w.cor = PersonFactory(neighbourhood=own, pseudonym="Cor", role="connector")
    w.dirk = PersonFactory(neighbourhood=other, pseudonym="Dirk")
    w.group = OrganisationFactory(
        name="Bewonersgroep Eigen Buurt", kind=Organisation.Kind.RESIDENTS, neighbourhood=own
    )
    w.other_group = OrganisationFactory(name="Bewonersgroep Andere Buurt", neighbourhood=other)
    w.community_centre = AssetFactory(
        neighbourhood=own, name="Buurthuis De Linde", is_meeting_place=True, year=2025
    )
    w.bakery = AssetFactory(neighbourhood=own, name="Bakker op de hoek", category="economy", year=2024)
    w.other_place = AssetFactory(neighbourhood=other, name="Plein elders", is_meeting_place=True, year=2025)
    w.dinner = ActivityFactory(
        neighbourhood=own, title="Buurtmaaltijd", year=2025, meeting_place=w.community_centre
    )
    w.other_activity = ActivityFactory(neighbourhood=other, title="Elders koken", year=2025)

    def member(username: str, **kwargs) -> object:
        user = UserFactory(username=username)
        MembershipFactory(user=user, **kwargs)
        return user

    w.connector = member("verbinder", role=Role.CONNECTOR, neighbourhood=own)
    w.connector2 = member("verbinder2", role=Role.CONNECTOR, neighbourhood=own)
    w.builder = member("bouwer", role=Role.COMMUNITY_BUILDER, neighbourhood=own)
    w.other_connector = member("verbinder-elders", role=Role.CONNECTOR, neighbourhood=other)
    w.researcher = member("onderzoeker", role=Role.RESEARCHER)
    w.manager = member("manager", role=Role.PROGRAMME_MANAGER, programme=programme)
    funding = FundingFactory(neighbourhood=own)
    w.funder = member("financier", role=Role.FUNDER, organisation=funding.funder)
    w.admin = member("beheerder", role=Role.ADMIN)
    return w

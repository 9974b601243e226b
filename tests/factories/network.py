"""Factories for the network app: relations between people."""

from __future__ import annotations

import factory

from krachtvansamen.network.models import Relation
from tests.factories.neighbourhoods import NeighbourhoodFactory
from tests.factories.people import PersonFactory


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    year = 2024
    source_person = factory.SubFactory(PersonFactory)
    target_person = factory.SubFactory(PersonFactory)
    capital_type = Relation.CapitalType.BONDING

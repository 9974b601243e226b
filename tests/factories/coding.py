"""Factories for the coding app: fragments of what people said and the codes given to them."""

from __future__ import annotations

import factory

from krachtvansamen.coding.models import Coding, Fragment
from tests.factories.neighbourhoods import NeighbourhoodFactory


class FragmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fragment

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    year = 2024
    text = factory.Sequence(lambda n: f"Verhaal nummer {n} over de buurt.")
    instrument = "wijkwaardenkaart"
    speaker_role = "resident"


class CodingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coding

    fragment = factory.SubFactory(FragmentFactory)

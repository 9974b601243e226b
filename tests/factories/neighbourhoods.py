"""Factories for the neighbourhoods app: programmes and the neighbourhoods in them."""

from __future__ import annotations

import factory

from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    slug = factory.Sequence(lambda n: f"programma-{n}")
    name = factory.Sequence(lambda n: f"Programma {n}")


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    cbs_code = factory.Sequence(lambda n: f"BU{9000_0000 + n:08d}")
    name = factory.Sequence(lambda n: f"Buurt {n}")
    municipality_name = "Arnhem"
    municipality_code = "GM0202"
    programme = factory.SubFactory(ProgrammeFactory)

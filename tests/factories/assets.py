"""Factories for the assets app: assets (places, talents, ...) and activities."""

from __future__ import annotations

import factory

from krachtvansamen.assets.models import Activity, Asset
from tests.factories.neighbourhoods import NeighbourhoodFactory


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    category = Asset.Category.PLACE
    name = factory.Sequence(lambda n: f"Plek {n}")
    year = 2024


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    title = factory.Sequence(lambda n: f"Activiteit {n}")
    initiated_by = Activity.InitiatedBy.RESIDENTS
    year = 2024

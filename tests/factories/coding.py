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
    # A fragment the factory makes with quoting consent has been through quote review, its words unchanged (the
    # texts the tests use name nobody); tests of the review itself pass quote_review="pending".
    quote_review = factory.LazyAttribute(
        lambda o: (
            "approved"
            if o.consent_level in ("pseudonymised", "named") and not o.special_category
            else "pending"
        )
    )
    quote_text = factory.LazyAttribute(lambda o: o.text if o.quote_review == "approved" else "")
    consent_level = "internal"
    special_category = False


class CodingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coding

    fragment = factory.SubFactory(FragmentFactory)

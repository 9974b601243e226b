"""Factories for the people app: users and their memberships, organisations, residents, funding."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from krachtvansamen.people.models import Funding, Membership, Organisation, Person
from tests.factories.neighbourhoods import NeighbourhoodFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("geheim-wachtwoord-123")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = Organisation.Kind.WELFARE


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    pseudonym = factory.Sequence(lambda n: f"Bewoner {n}")
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUND)
    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    start_year = 2023
    end_year = 2025

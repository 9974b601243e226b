"""factory_boy factories for the domain models, shared by all tests."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Funding, Membership, Organisation, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("geheim-wachtwoord-123")


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


class RelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relation

    neighbourhood = factory.SubFactory(NeighbourhoodFactory)
    year = 2024
    source_person = factory.SubFactory(PersonFactory)
    target_person = factory.SubFactory(PersonFactory)
    capital_type = Relation.CapitalType.BONDING

"""factory_boy factories for the domain models, shared by all tests: one module per app.

Import them from here (``from tests.factories import PersonFactory``) or from the app's module
(``from tests.factories.people import PersonFactory``). The codebook (framework) and the assessments have
no factories: tests load the shipped codebook (the ``codebook`` fixture) and create assessments directly.
"""

from __future__ import annotations

# The names the single tests/factories.py module had besides its factories, still importable from here.
import factory
from django.contrib.auth import get_user_model

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Funding, Membership, Organisation, Person
from tests.factories.assets import ActivityFactory, AssetFactory
from tests.factories.coding import CodingFactory, FragmentFactory
from tests.factories.neighbourhoods import NeighbourhoodFactory, ProgrammeFactory
from tests.factories.network import RelationFactory
from tests.factories.people import (
    FundingFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)

__all__ = [
    "Activity",
    "ActivityFactory",
    "Asset",
    "AssetFactory",
    "Coding",
    "CodingFactory",
    "Fragment",
    "FragmentFactory",
    "Funding",
    "FundingFactory",
    "Membership",
    "MembershipFactory",
    "Neighbourhood",
    "NeighbourhoodFactory",
    "Organisation",
    "OrganisationFactory",
    "Person",
    "PersonFactory",
    "Programme",
    "ProgrammeFactory",
    "Relation",
    "RelationFactory",
    "UserFactory",
    "factory",
    "get_user_model",
]

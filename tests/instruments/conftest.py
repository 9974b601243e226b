from __future__ import annotations

import pytest

from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults
from krachtvansamen.people.models import Role
from tests.conftest import shared_setup
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory


@shared_setup("forms", after=["codebook"])
def load_default_forms():
    forms_load_defaults()
    return {
        key: form_version_current(key=key)
        for key in ("buurtscan", "vragenlijst", "wijkwaardenkaart", "pas_op_de_plaats")
    }


@pytest.fixture
def forms(codebook, shared_data):
    """The default forms on the shipped codebook (shared set-up: built once for consecutive tests)."""
    return shared_data.get("forms")


@pytest.fixture
def builder(db):
    """A community builder with their own neighbourhood."""
    user = UserFactory(username="cb")
    neighbourhood = NeighbourhoodFactory()
    MembershipFactory(user=user, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    return user, neighbourhood

"""A REFI-QDA import writes in bulk (no model signals): it still retires the cached reports."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.qda.export import project_qdpx
from krachtvansamen.coding.qda.importer import ImportOptions, qda_import
from krachtvansamen.neighbourhoods.data_versions import EVERYTHING, neighbourhood_key
from krachtvansamen.neighbourhoods.models import Neighbourhood
from tests.coding.qda.helpers import coded_neighbourhood
from tests.data_version_helpers import commit_bumps, version
from tests.factories import NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_project_import_bumps_the_data_versions(codebook):
    neighbourhood, _fragments, _users = coded_neighbourhood()
    fresh = NeighbourhoodFactory(programme=neighbourhood.programme)
    data = project_qdpx(neighbourhoods=Neighbourhood.objects.filter(pk=neighbourhood.pk), name="Test")
    commit_bumps()
    before_all, before_fresh = version(EVERYTHING), version(neighbourhood_key(fresh.pk))
    qda_import(data=data, name="test.qdpx", user=UserFactory(is_superuser=True, username="beheer"),
               options=ImportOptions(neighbourhood=fresh))  # fmt: skip
    commit_bumps()
    assert version(EVERYTHING)[0] == before_all[0] + 1
    assert version(neighbourhood_key(fresh.pk))[0] == before_fresh[0] + 1

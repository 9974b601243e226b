"""A transcript saved as a document (fragments and their links in bulk) retires the neighbourhood's cached
reports (reports.report_cache)."""

from __future__ import annotations

import pytest

from krachtvansamen.documents import services
from krachtvansamen.neighbourhoods.data_versions import neighbourhood_key
from krachtvansamen.neighbourhoods.models import MeasurementYear
from krachtvansamen.people.models import Role
from tests.data_version_helpers import commit_bumps, version
from tests.documents.conftest import TRANSCRIPT_LINES
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_saved_document_bumps_the_neighbourhood():
    MeasurementYear.objects.create(year=2025, is_open=True)
    neighbourhood = NeighbourhoodFactory()
    builder = UserFactory(username="cb")
    MembershipFactory(user=builder, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    pending = services.document_prepare(neighbourhood=neighbourhood, year=2025, instrument="interview", title="t",
                                        consent_level="internal", pasted="\n".join(TRANSCRIPT_LINES))  # fmt: skip
    commit_bumps()
    before = version(neighbourhood_key(neighbourhood.pk))
    services.document_create(pending=pending, neighbourhood=neighbourhood, user=builder)
    commit_bumps()
    assert version(neighbourhood_key(neighbourhood.pk))[0] == before[0] + 1

"""The composed neighbourhood page: a fixed number of queries however much a buurt holds (no N+1)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from krachtvansamen.network.models import Relation
from krachtvansamen.web.neighbourhood import neighbourhood_page
from tests.assets.world import make_world
from tests.factories import ActivityFactory, AssetFactory, PersonFactory

# What the page costs today, read from the selector alone and from the whole request (session, user,
# memberships, the page). A change that makes these grow with the data turns the N+1 test red first.
# 31: 26, plus 5 for who took part (analysis.participants: fragments per speaker, activities, their
# participants, relations, persons), so the page shows the participants the reports show.
# 32: plus 1 for who changed which asset or activity (privacy.changes.changes_for_records, one query).
PAGE_QUERIES = 32


@pytest.fixture
def world(db):
    return make_world()


def _grow(world, n: int) -> None:
    for i in range(n):
        place = AssetFactory(neighbourhood=world.own, name=f"Plek {i}", is_meeting_place=True, year=2025)
        ActivityFactory(neighbourhood=world.own, title=f"Activiteit {i}", year=2025, meeting_place=place)
        a = PersonFactory(neighbourhood=world.own, pseudonym=f"Buur {i}")
        Relation.objects.create(
            neighbourhood=world.own,
            year=2025,
            source_person=a,
            target_person=world.ans,
            capital_type="bonding",
        )


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def test_the_neighbourhood_page_reads_a_fixed_number_of_queries(world, django_assert_num_queries):
    with django_assert_num_queries(PAGE_QUERIES):
        page = neighbourhood_page(user=world.connector, neighbourhood=world.own, year=2025)
    assert page.overview.year == 2025
    assert set(page.sections) == {"instruments", "assets", "network", "effectenplein", "documents"}


def test_more_records_do_not_mean_more_queries(world, client):
    client.force_login(world.connector)
    url = f"/buurten/{world.own.cbs_code}/?jaar=2025"
    client.get(url)  # warm the session and per-process caches
    before = _count(lambda: client.get(url))
    _grow(world, 6)
    response = client.get(url)
    assert "Activiteit 5" in response.content.decode()
    after = _count(lambda: client.get(url))
    assert after == before, f"{after - before} more queries with 6 more assets, activities and relations"


def test_the_sections_decide_nothing_in_the_template(world):
    """Who may change a record is decided in the selector: the connector's own asset is changeable, one
    recorded by someone else is not, and the documents section is shown only to those who see the data."""
    mine = AssetFactory(neighbourhood=world.own, name="Mijn plek", year=2025, recorded_by=world.connector)
    theirs = AssetFactory(neighbourhood=world.own, name="Hun plek", year=2025, recorded_by=world.builder)
    page = neighbourhood_page(user=world.connector, neighbourhood=world.own, year=2025)
    changeable = page.sections["assets"]["changeable"]
    assert ("Asset", mine.pk) in changeable and ("Asset", theirs.pk) not in changeable
    assert page.sections["documents"]["show"] is True
    outsider = neighbourhood_page(user=world.other_connector, neighbourhood=world.own, year=2025)
    assert outsider.sections["documents"]["show"] is False

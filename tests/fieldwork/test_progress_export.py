"""The fieldwork progress as a download: per neighbourhood what is still open (and who does it), then the
neighbourhoods that did everything; only the neighbourhoods the page shows to this user."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Instrument
from krachtvansamen.fieldwork.models import PlanItem
from krachtvansamen.fieldwork.services import plan_create_default
from tests.fieldwork.conftest import submit


def _url(world, year=2025):
    return reverse("fieldwork:progress", args=[world.programme.slug, year])


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def plan(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    PlanItem.objects.filter(plan=plan).update(due_on=datetime.date(2025, 3, 1))
    return plan


def test_the_manager_downloads_what_is_open_per_neighbourhood(client, world, plan):
    client.force_login(world.manager)
    rows = read_csv(client.get(_url(world), {"format": "csv"}))
    assert rows[0] == ["Buurt", "CBS-code", "Focusbuurt", "Instrument", "Klaar uiterlijk", "Status", "Wie"]
    assert {row[0] for row in rows[1:]} == {"Focus 1", "Focus 2", "Gewoon 1", "Gewoon 2"}  # not "Elders"
    assert all(row[4] == "2025-03-01" and row[5] == "te laat" for row in rows[1:])
    assert {row[2] for row in rows[1:] if row[0].startswith("Focus")} == {"ja"}
    assert 'href="?format=csv"' in client.get(_url(world)).content.decode()


def test_a_community_builder_downloads_only_their_own_neighbourhoods(client, world, plan):
    client.force_login(world.builder)
    rows = read_csv(client.get(_url(world), {"format": "csv"}))
    assert {row[0] for row in rows[1:]} == {"Focus 1", "Gewoon 1"}


def test_a_neighbourhood_that_did_everything_is_one_row(client, world, plan):
    kept = plan.items.filter(instrument=Instrument.VRAGENLIJST).get()
    plan.items.exclude(pk=kept.pk).delete()  # a plan of one instrument, done in "Gewoon 2"
    submit(world.plain[1], 2025, Instrument.VRAGENLIJST)
    client.force_login(world.manager)
    rows = read_csv(client.get(_url(world), {"format": "csv"}))
    done = [row for row in rows if row[0] == "Gewoon 2"]
    assert done == [["Gewoon 2", world.plain[1].cbs_code, "nee", "", "", "alles gedaan", ""]]


def test_a_year_without_a_plan_gives_the_headers_only(client, world, plan):
    client.force_login(world.manager)
    assert len(read_csv(client.get(_url(world, 2024), {"format": "csv"}))) == 1


@pytest.mark.parametrize("who", ["builder_elsewhere", "funder"])
def test_others_get_no_download(client, world, plan, who):
    client.force_login(getattr(world, who))
    assert client.get(_url(world), {"format": "csv"}).status_code == 403

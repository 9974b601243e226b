"""The fieldwork pages: who sees them, who changes the plan, and a wrong row saves nothing."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Instrument
from krachtvansamen.fieldwork.models import Plan, PlanItem
from krachtvansamen.fieldwork.services import plan_create_default
from tests.fieldwork.conftest import submit


def _progress_url(world, year=2025):
    return reverse("fieldwork:progress", args=[world.programme.slug, year])


def _edit_url(world, year=2025):
    return reverse("fieldwork:edit", args=[world.programme.slug, year])


@pytest.fixture
def plan(world):
    return plan_create_default(programme=world.programme, year=2025)


def test_the_programme_manager_sees_the_count_overdue_in_words_and_what_is_open(client, world, plan):
    PlanItem.objects.filter(plan=plan).update(due_on=datetime.date(2025, 3, 1))
    submit(world.plain[1], 2025)
    client.force_login(world.manager)
    page = client.get(_progress_url(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Vragenlijst projectleiders/community builders 2025" in text
    assert "1 van 4 buurten" in text
    assert "Te laat in 3 buurten" in text  # in words, not only in red
    assert "kvs-fw-late" in text
    assert "Focus 1" in text and "Elders" not in text
    assert "Wanneer telt een buurt als klaar?" in text
    assert reverse("fieldwork:edit", args=[world.programme.slug, 2025]) in text


def test_a_community_builder_sees_their_own_neighbourhoods_and_cannot_edit(client, world, plan):
    client.force_login(world.builder)
    page = client.get(_progress_url(world))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Focus 1" in text and "Gewoon 1" in text
    assert "Focus 2" not in text and "Gewoon 2" not in text
    assert _edit_url(world) not in text
    assert client.get(_edit_url(world)).status_code == 403
    assert client.post(reverse("fieldwork:create", args=[world.programme.slug, 2026])).status_code == 403
    assert not Plan.objects.filter(year=2026).exists()


@pytest.mark.parametrize("who", ["builder_elsewhere", "funder"])
def test_others_do_not_see_this_programmes_fieldwork(client, world, plan, who):
    client.force_login(getattr(world, who))
    assert client.get(_progress_url(world)).status_code == 403
    assert client.get(_edit_url(world)).status_code == 403


def test_a_funder_has_no_fieldwork_overview(client, world, plan):
    client.force_login(world.funder)
    assert client.get(reverse("fieldwork:overview")).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client, world, plan):
    for url in (reverse("fieldwork:overview"), _progress_url(world), _edit_url(world)):
        response = client.get(url)
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_the_overview_shows_each_plan_with_its_counts(client, world, plan):
    submit(world.focus[0], 2025)
    client.force_login(world.manager)
    text = client.get(reverse("fieldwork:overview")).content.decode()
    assert "Sterke Buurten" in text and "Ander Programma" not in text
    assert "Vragenlijst projectleiders/community builders 2025: 1 van 4 buurten" in text


def test_the_programme_manager_makes_the_default_plan_for_a_year(client, world):
    client.force_login(world.manager)
    assert "Er is nog geen veldwerkplan voor 2024" in client.get(_progress_url(world, 2024)).content.decode()
    response = client.post(reverse("fieldwork:create", args=[world.programme.slug, 2024]))
    assert response.status_code == 302
    assert Plan.objects.get(programme=world.programme, year=2024).items.count() == 4


def _post_data(plan, changes=None, extra=None):
    items = list(plan.items.all())
    data = {"rij-TOTAL_FORMS": str(len(items) + 1), "rij-INITIAL_FORMS": str(len(items))}
    for i, item in enumerate(items):
        row = {
            "item_id": item.pk,
            "instrument": item.instrument,
            "scope": item.scope,
            "starts_on": item.starts_on.isoformat(),
            "due_on": item.due_on.isoformat(),
            "holder_role": item.holder_role,
            "holder_user": "",
        }
        row.update((changes or {}).get(i, {}))
        data.update({f"rij-{i}-{key}": value for key, value in row.items()})
    last = len(items)
    row = {"item_id": "", "instrument": "", "scope": "all", "starts_on": "", "due_on": "",
           "holder_role": "community_builder", "holder_user": ""}  # fmt: skip
    row.update(extra or {})
    data.update({f"rij-{last}-{key}": value for key, value in row.items()})
    return data


def test_editing_saves_the_changed_rows_and_a_new_row(client, world, plan):
    client.force_login(world.manager)
    data = _post_data(
        plan,
        changes={0: {"due_on": "2025-10-31", "holder_role": "user", "holder_user": str(world.builder.pk)}},
        extra={"instrument": Instrument.PAS_OP_DE_PLAATS, "starts_on": "2025-02-01", "due_on": "2025-05-01"},
    )
    response = client.post(_edit_url(world), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    first = plan.items.order_by("position").first()
    assert first.due_on == datetime.date(2025, 10, 31) and first.holder_user == world.builder
    assert plan.items.filter(
        instrument=Instrument.PAS_OP_DE_PLAATS, due_on=datetime.date(2025, 5, 1)
    ).exists()


def test_a_row_ending_before_it_starts_saves_nothing_and_says_why_in_dutch(client, world, plan):
    client.force_login(world.manager)
    before = list(plan.items.values_list("pk", "due_on", "starts_on"))
    data = _post_data(
        plan, changes={0: {"due_on": "2025-10-31"}, 1: {"starts_on": "2025-09-01", "due_on": "2025-08-01"}}
    )
    response = client.post(_edit_url(world), data)
    text = response.content.decode()
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum" in text
    assert (
        list(plan.items.values_list("pk", "due_on", "starts_on")) == before
    )  # the good row 0 is not saved either


def test_the_same_instrument_twice_saves_nothing(client, world, plan):
    client.force_login(world.manager)
    first = plan.items.order_by("position").first()
    data = _post_data(
        plan, extra={"instrument": first.instrument, "starts_on": "2025-01-01", "due_on": "2025-02-01"}
    )
    response = client.post(_edit_url(world), data)
    assert response.status_code == 400
    assert "Elk instrument kan één keer in het plan staan" in response.content.decode()
    assert plan.items.count() == 4


def test_the_admin_may_edit_too(client, world, plan):
    client.force_login(world.admin)
    assert client.get(_edit_url(world)).status_code == 200


def test_the_start_page_links_the_programme_manager_to_the_fieldwork(client, world):
    client.force_login(world.manager)
    text = client.get(reverse("start")).content.decode()
    assert reverse("fieldwork:overview") in text

"""Everyday paths from the buurt page: its submitted forms, findable and readable again; and the way to start an
Effectenplein, from the buurt page and the instruments page, only for those who may start one."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults
from krachtvansamen.web.views import SUBMISSIONS_PER_PAGE
from tests.assets.world import make_world

LINK = re.compile(r'href="(/instrumenten/antwoorden/(\d+)/)"')


@pytest.fixture
def world(db, codebook):
    forms_load_defaults()
    return make_world()


def _submission(
    world, neighbourhood, *, key="vragenlijst", status=Submission.Status.SUBMITTED, by=None, year=2025
):
    return Submission.objects.create(
        form_version=form_version_current(key=key), neighbourhood=neighbourhood, year=year, status=status,
        answers={}, submitted_by=by or world.builder,
        submitted_at=timezone.now() if status == Submission.Status.SUBMITTED else None,
    )  # fmt: skip


def _page(client, user, neighbourhood, query: str = "") -> str:
    client.force_login(user)
    response = client.get(f"/buurten/{neighbourhood.cbs_code}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_list_shows_exactly_this_buurts_submitted_forms_and_every_link_opens(world, client):
    mine = [
        _submission(world, world.own, key="vragenlijst", by=world.builder),
        _submission(world, world.own, key="buurtscan", by=world.connector, year=2024),
    ]
    draft = _submission(world, world.own, status=Submission.Status.DRAFT, by=world.connector)
    elsewhere = _submission(world, world.other, by=world.other_connector)
    for user in (world.connector, world.builder, world.researcher, world.manager, world.admin):
        html = _page(client, user, world.own)
        assert "Ingevulde formulieren" in html
        listed = {int(pk) for _url, pk in LINK.findall(html)}
        assert listed == {s.pk for s in mine}, user
        assert draft.pk not in listed and elsewhere.pk not in listed
        for url, _pk in LINK.findall(html):
            assert client.get(url).status_code == 200, (user, url)
    html = _page(client, world.connector, world.own)
    assert "Jaarlijkse vragenlijst" in html or "vragenlijst" in html.lower()
    assert "bouwer (community builder)" in html  # who entered it: account and role, no resident's name
    assert "verbinder (buurtverbinder)" in html


def test_outsiders_get_no_list_and_no_page(world, client):
    _submission(world, world.own)
    for user in (world.other_connector, world.funder):
        client.force_login(user)
        assert client.get(f"/buurten/{world.own.cbs_code}/").status_code == 403


def test_many_forms_are_paged_with_more(world, client):
    made = [_submission(world, world.own) for _ in range(SUBMISSIONS_PER_PAGE + 3)]
    first = _page(client, world.builder, world.own)
    first_ids = {int(pk) for _url, pk in LINK.findall(first)}
    assert len(first_ids) == SUBMISSIONS_PER_PAGE
    assert "Meer (oudere formulieren)" in first
    second = _page(client, world.builder, world.own, "?formulieren=2")
    second_ids = {int(pk) for _url, pk in LINK.findall(second)}
    assert first_ids | second_ids == {s.pk for s in made} and not first_ids & second_ids
    assert "Nieuwere formulieren" in second


def test_the_effectenplein_link_is_there_for_those_who_may_start_a_meeting(world, client):
    for user in (world.connector, world.builder, world.researcher, world.manager, world.admin):
        html = _page(client, user, world.own)
        assert "data-kvs-start-meeting" in html and 'href="#effectenplein"' in html
        # ...and the meeting it leads to can indeed be started by them.
        response = client.post(f"/plein/bijeenkomst/nieuw/{world.own.cbs_code}/", {"year": "2025"})
        assert response.status_code == 302 and "/plein/bijeenkomst/" in response["Location"], user


def test_the_instruments_page_links_to_starting_an_effectenplein(world, client):
    client.force_login(world.connector)
    html = client.get("/instrumenten/").content.decode()
    assert f'href="/buurten/{world.own.cbs_code}/#effectenplein"' in html
    assert "Effectenplein starten in Eigen Buurt" in html
    client.force_login(world.admin)  # several buurten: a choice, then the buurt page
    html = client.get("/instrumenten/").content.decode()
    assert 'action="/buurten/BUURT/#effectenplein"' in html and "data-kvs-start-meeting" in html


def test_no_link_to_start_a_meeting_where_one_may_not(world, client):
    client.force_login(world.funder)
    assert client.get("/instrumenten/").status_code == 403  # a funder alone has no instruments at all
    assert client.post(f"/plein/bijeenkomst/nieuw/{world.own.cbs_code}/", {"year": "2025"}).status_code == 403
    client.force_login(world.other_connector)
    html = client.get("/instrumenten/").content.decode()
    assert "data-kvs-start-meeting" in html and world.own.cbs_code not in html


def test_the_start_page_leads_the_buurt_team_to_starting_an_effectenplein(world, client):
    for user in (world.connector, world.builder):
        client.force_login(user)
        html = client.get("/").content.decode()
        assert 'href="/instrumenten/#effectenplein-starten"' in html and "Effectenplein starten" in html
        # ...where the panel with that id offers the buurt.
        assert 'id="effectenplein-starten"' in client.get("/instrumenten/").content.decode()
    client.force_login(world.funder)
    assert "effectenplein-starten" not in client.get("/").content.decode()

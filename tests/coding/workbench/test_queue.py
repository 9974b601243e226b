"""The queue: uncoded first, every filter, paging, blind mode hides other coders' work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from krachtvansamen.coding.services import coding_add, fragment_mark_coded
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import FragmentFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("coding:queue")


def _ids(response) -> list[int]:
    return [f.pk for f in response.context["page"].object_list]


def test_uncoded_fragments_come_first(world, as_user):
    first, second, third, fourth = world.interview
    coding_add(fragment=first, code=code_get_current(key="vitality.nature"), user=world.researcher2)
    response = as_user(world.researcher).get(QUEUE, {"buurt": world.north.pk})
    assert response.status_code == 200
    assert _ids(response) == [second.pk, third.pk, fourth.pk, first.pk]
    assert "4 fragmenten" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"instrument": "wijkwaardenkaart"}, {"south"}),
        ({"jaar": 2023}, {"south"}),
        ({"spreker": "connector"}, {"south"}),
        ({"buurt": "SOUTH"}, {"south"}),
        ({"programma": "PROGRAMME"}, {"south", "interview"}),
    ],
)
def test_each_filter_narrows_the_queue(world, as_user, params, expected):
    south = FragmentFactory(neighbourhood=world.south, year=2023, speaker_role="connector")
    FragmentFactory(neighbourhood=world.elsewhere)  # outside the researcher's programme: never listed
    params = {
        key: {"SOUTH": world.south.pk, "PROGRAMME": world.programme.pk}.get(value, value)
        for key, value in params.items()
    }
    ids = set(_ids(as_user(world.researcher).get(QUEUE, params)))
    wanted = set()
    if "south" in expected:
        wanted.add(south.pk)
    if "interview" in expected:
        wanted |= {f.pk for f in world.interview}
    assert ids == wanted


def test_code_coder_and_state_filters(world, as_user):
    first, second, third, _fourth = world.interview
    nature = code_get_current(key="vitality.nature")
    trust = code_get_current(key="effect.individual.trust")
    coding_add(fragment=first, code=nature, user=world.researcher)
    coding_add(fragment=first, code=trust, user=world.researcher2)  # disputed
    coding_add(fragment=second, code=trust, user=world.researcher2)  # coded by one
    fragment_mark_coded(fragment=third, user=world.researcher)
    client = as_user(world.researcher)
    assert _ids(client.get(QUEUE, {"code": "vitality"})) == [first.pk]  # a group includes its codes
    assert set(_ids(client.get(QUEUE, {"code": "effect.individual.trust"}))) == {first.pk, second.pk}
    assert set(_ids(client.get(QUEUE, {"codeur": world.researcher2.pk}))) == {first.pk, second.pk}
    assert _ids(client.get(QUEUE, {"status": "disputed"})) == [first.pk]
    assert set(_ids(client.get(QUEUE, {"status": "mine"}))) == {first.pk, third.pk}
    assert set(_ids(client.get(QUEUE, {"status": "uncoded", "buurt": world.north.pk}))) == {
        world.interview[3].pk
    }


def test_a_filter_value_that_is_no_option_is_ignored(world, as_user):
    response = as_user(world.researcher).get(
        QUEUE, {"buurt": world.elsewhere.pk, "jaar": "x", "instrument": "interview"}
    )
    assert set(_ids(response)) == {f.pk for f in world.interview}
    assert response.context["query"] == "instrument=interview"


def test_rows_link_to_the_fragment_keeping_the_filters(world, as_user):
    response = as_user(world.researcher).get(QUEUE, {"instrument": "interview", "buurt": world.north.pk})
    first = world.interview[0]
    link = f"/coderen/fragment/{first.pk}/?buurt={world.north.pk}&amp;instrument=interview&amp;r=0"
    assert link in response.content.decode()


def test_fifty_per_page_with_the_total(world, as_user):
    FragmentFactory.create_batch(52, neighbourhood=world.south)
    client = as_user(world.researcher)
    response = client.get(QUEUE, {"buurt": world.south.pk})
    assert len(response.context["page"].object_list) == 50
    assert "52 fragmenten" in response.content.decode()
    assert len(client.get(QUEUE, {"buurt": world.south.pk, "pagina": 2}).context["page"].object_list) == 2


def test_blind_mode_shows_only_whether_i_coded(world, as_user):
    first = world.interview[0]
    coding_add(fragment=first, code=code_get_current(key="vitality.nature"), user=world.researcher)
    client = as_user(world.researcher2)
    response = client.post(reverse("coding:blind"), {"blind": "1", "next": QUEUE})
    assert response.status_code == 302 and client.session["coding_blind"] is True
    page = client.get(QUEUE, {"buurt": world.north.pk})
    html = page.content.decode()
    assert "Blind coderen aan: je ziet alleen je eigen codes" in html
    assert "Gecodeerd door één codeur" not in html and "door jou gecodeerd" not in html
    assert html.count("nog niet") >= 4
    # Another coder's codes do not put the fragment last, nor can the coder filter reveal them.
    assert _ids(page)[0] == first.pk
    assert "codeur" not in page.context["form"].fields
    assert _ids(client.get(QUEUE, {"code": "vitality.nature"})) == []
    client.post(reverse("coding:blind"), {"blind": "0"})
    assert client.session["coding_blind"] is False


def test_blind_queue_says_coded_by_you(world, as_user):
    client = as_user(world.researcher)
    client.post(reverse("coding:blind"), {"blind": "1"})
    fragment_mark_coded(fragment=world.interview[1], user=world.researcher)
    html = client.get(QUEUE, {"status": "mine"}).content.decode()
    assert re.search(r"door jou gecodeerd", html, re.IGNORECASE)


def test_the_blind_switch_goes_back_only_to_this_site(world, as_user):
    response = as_user(world.researcher).post(
        reverse("coding:blind"), {"blind": "1", "next": "https://evil.example/"}
    )
    assert response["Location"] == QUEUE

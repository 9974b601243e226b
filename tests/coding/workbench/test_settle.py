"""Disagreements: listed, settled side by side, counted as settled, reopened; memos on a code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Coding, Memo
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current

pytestmark = pytest.mark.django_db
DISPUTES = reverse("coding:disputes")


@pytest.fixture
def disputed(world):
    fragment = world.interview[1]
    nature = code_get_current(key="vitality.nature")
    coding_add(fragment=fragment, code=nature, user=world.researcher)
    coding_add(fragment=fragment, code=code_get_current(key="vitality.facilities"), user=world.researcher)
    coding_add(fragment=fragment, code=nature, user=world.researcher2)
    coding_add(
        fragment=fragment,
        code=code_get_current(key="vitality.atmosphere"),
        user=world.researcher2,
        start=0,
        end=4,
    )
    return fragment


def test_disputes_lists_disputed_fragments_with_filters(world, as_user, disputed):
    client = as_user(world.researcher)
    response = client.get(DISPUTES)
    assert [f.pk for f in response.context["page"].object_list] == [disputed.pk]
    assert f"/coderen/fragment/{disputed.pk}/beslissen/" in response.content.decode()
    assert list(client.get(DISPUTES, {"code": "vitality.facilities"}).context["page"].object_list) == [
        disputed
    ]
    assert list(client.get(DISPUTES, {"code": "vitality.housing"}).context["page"].object_list) == []
    assert list(client.get(DISPUTES, {"tab": "vastgelegd"}).context["page"].object_list) == []


def test_the_settle_page_shows_each_coder_and_checks_the_agreed_codes(world, as_user, disputed):
    response = as_user(world.researcher).get(reverse("coding:settle", args=[disputed.pk]))
    assert response.status_code == 200
    overview = response.context["overview"]
    assert [c.coder for c in overview.columns] == [world.researcher, world.researcher2]
    assert [c.key for c in overview.codes] == [
        "vitality.atmosphere",
        "vitality.facilities",
        "vitality.nature",
    ]
    nature = code_get_current(key="vitality.nature")
    assert overview.agreed == {nature.pk}
    html = response.content.decode()
    assert "Researcher2" in html
    assert f'value="{nature.pk}" class="kvs-f-tick" id="id_codes_' in html and "checked" in html


def test_settling_makes_the_outcome_what_analyses_count_and_keeps_the_rest(world, as_user, disputed):
    nature = code_get_current(key="vitality.nature")
    housing = code_get_current(key="vitality.housing")
    response = as_user(world.researcher2).post(
        reverse("coding:settle", args=[disputed.pk]),
        {"action": "settle", "codes": [nature.pk], "extra": housing.pk, "memo": "Samen besproken."},
    )
    assert response.status_code == 302
    disputed.refresh_from_db()
    assert disputed.coding_state == "settled" and disputed.settled_by == world.researcher2
    counted = codings_counted().filter(fragment=disputed)
    assert sorted(c.code.key for c in counted) == ["vitality.housing", "vitality.nature"]
    assert Coding.objects.filter(fragment=disputed, settled=False).count() == 4
    assert Memo.objects.get(fragment=disputed).text == "Samen besproken."
    page = as_user(world.researcher).get(reverse("coding:settle", args=[disputed.pk]))
    assert "Opnieuw bespreken" in page.content.decode()
    assert [
        f.pk
        for f in as_user(world.researcher).get(DISPUTES, {"tab": "vastgelegd"}).context["page"].object_list
    ] == [disputed.pk]


def test_unsettle_opens_the_discussion_again(world, as_user, disputed):
    client = as_user(world.researcher)
    url = reverse("coding:settle", args=[disputed.pk])
    client.post(url, {"action": "settle", "codes": []})
    disputed.refresh_from_db()
    assert disputed.coding_state == "settled" and not codings_counted().filter(fragment=disputed).exists()
    client.post(url, {"action": "unsettle"})
    disputed.refresh_from_db()
    assert disputed.coding_state == "disputed" and disputed.settled_at is None
    assert codings_counted().filter(fragment=disputed).count() == 4


def test_blind_coders_are_not_shown_the_discussion(world, as_user, disputed):
    client = as_user(world.researcher)
    client.post(reverse("coding:blind"), {"blind": "1"})
    for url in (DISPUTES, reverse("coding:settle", args=[disputed.pk])):
        response = client.get(url)
        html = response.content.decode()
        assert "Blind coderen staat aan." in html
        assert "Researcher2" not in html
    client.post(reverse("coding:settle", args=[disputed.pk]), {"action": "settle", "codes": []})
    disputed.refresh_from_db()
    assert disputed.coding_state == "disputed"


def test_only_coders_of_the_neighbourhood_settle(world, as_user, disputed):
    url = reverse("coding:settle", args=[disputed.pk])
    manager = as_user(world.manager)
    page = manager.get(url)
    assert page.status_code == 200 and "Vastleggen" not in page.content.decode()
    assert manager.post(url, {"action": "settle", "codes": []}).status_code == 403
    assert as_user(world.outsider).get(url).status_code == 403
    disputed.refresh_from_db()
    assert disputed.coding_state == "disputed"


def test_a_fragment_with_one_coder_cannot_be_settled(world, as_user):
    fragment = world.interview[0]
    coding_add(fragment=fragment, code=code_get_current(key="vitality.nature"), user=world.researcher)
    response = as_user(world.researcher).post(
        reverse("coding:settle", args=[fragment.pk]), {"action": "settle", "codes": []}
    )
    assert response.status_code == 400
    assert "minstens twee codeurs" in response.content.decode()


def test_memos_on_a_code_within_the_users_programmes(world, as_user):
    url = reverse("coding:code_memos", args=["vitality.nature"])
    client = as_user(world.researcher)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"programme": world.programme.pk, "text": "Natuur wordt vaak met spelen genoemd."}
    )
    assert response.status_code == 302
    memo = Memo.objects.get()
    assert (memo.code.key, memo.programme, memo.author) == (
        "vitality.nature",
        world.programme,
        world.researcher,
    )
    assert "Natuur wordt vaak" in as_user(world.manager).get(url).content.decode()
    assert "Natuur wordt vaak" not in as_user(world.outsider).get(url).content.decode()
    # A programme the user does not code in is not a choice; a manager only reads.
    refused = as_user(world.outsider).post(url, {"programme": world.programme.pk, "text": "x"})
    assert refused.status_code == 400
    assert as_user(world.manager).post(url, {"programme": world.programme.pk, "text": "x"}).status_code == 403
    assert client.get(reverse("coding:code_memos", args=["vitality"])).status_code == 404

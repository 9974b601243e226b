"""One fragment: its context, coding by POST (whole or a part), removing, done, next, memos, blind mode."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Coding, CodingPass, Memo
from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current

pytestmark = pytest.mark.django_db


def _url(name, fragment, *args):
    return reverse(f"coding:{name}", args=[fragment.pk, *args])


def test_the_page_shows_text_context_and_the_codes_panel(world, as_user):
    first, second, third, fourth = world.interview
    response = as_user(world.researcher).get(_url("fragment", second))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Café De Boom 🌳 is onze plek" in html
    assert [f.pk for f in response.context["before"]] == [first.pk]
    assert [f.pk for f in response.context["after"]] == [third.pk, fourth.pk]
    assert f'href="/coderen/fragment/{first.pk}/' in html
    assert 'value="vitality.nature"' in html  # the codes panel
    assert f'data-length="{len(second.text)}"' in html  # code points, not UTF-16 units


def test_a_code_for_the_whole_fragment_and_for_a_part_with_an_emoji(world, as_user):
    fragment = world.interview[1]
    text = fragment.text
    client = as_user(world.researcher)
    response = client.post(_url("coding_add", fragment), {"code": "vitality.nature"})
    assert response.status_code == 302
    start = text.index("🌳")
    end = text.index(" —")
    response = client.post(
        _url("coding_add", fragment), {"code": "vitality.facilities", "start": start, "end": end}
    )
    assert response.status_code == 302
    coding = Coding.objects.get(fragment=fragment, code__key="vitality.facilities")
    assert (coding.start, coding.end, coding.coder) == (start, end, world.researcher)
    assert text[coding.start : coding.end] == "🌳 is onze plek"
    html = client.get(_url("fragment", fragment)).content.decode()
    assert '<q class="kvs-wb-coding__part">🌳 is onze plek</q>' in html
    assert '<mark class="kvs-wb-seg kvs-wb-mark"' in html


@pytest.mark.parametrize(
    ("start", "end", "saved"),
    [(0, "LEN", True), (0, "LEN+1", False), (5, 5, False), (6, 5, False), (3, "", False)],
)
def test_span_edges(world, as_user, start, end, saved):
    fragment = world.interview[1]
    length = len(fragment.text)
    end = {"LEN": length, "LEN+1": length + 1}.get(end, end)
    response = as_user(world.researcher).post(
        _url("coding_add", fragment), {"code": "vitality.nature", "start": start, "end": end}
    )
    assert Coding.objects.filter(fragment=fragment).exists() is saved
    if not saved:
        assert response.status_code == 400
        assert "De selectie moet binnen het fragment liggen" in response.content.decode()


def test_fetch_gets_the_swappable_part_and_an_error_in_dutch(world, as_user):
    fragment = world.interview[0]
    client = as_user(world.researcher)
    ok = client.post(
        _url("coding_add", fragment), {"code": "vitality.nature"}, headers={"HX-Request": "true"}
    )
    assert ok.status_code == 200
    assert ok.content.decode().startswith('<div id="wb-main"')
    assert "<html" not in ok.content.decode()
    bad = client.post(
        _url("coding_add", fragment),
        {"code": "vitality.nature", "start": 0, "end": 99},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 400
    assert "De selectie moet binnen het fragment liggen" in bad.content.decode()
    unknown = client.post(_url("coding_add", fragment), {"code": "vitality"}, headers={"HX-Request": "true"})
    assert unknown.status_code == 400 and Coding.objects.count() == 1


def test_nobody_removes_another_coders_coding(world, as_user):
    fragment = world.interview[0]
    theirs = coding_add(
        fragment=fragment, code=code_get_current(key="vitality.nature"), user=world.researcher2
    )
    response = as_user(world.researcher).post(_url("coding_remove", fragment, theirs.pk))
    assert response.status_code == 400
    assert "Je kunt alleen je eigen codes" in response.content.decode()
    assert Coding.objects.filter(pk=theirs.pk).exists()
    assert as_user(world.researcher2).post(_url("coding_remove", fragment, theirs.pk)).status_code == 302
    assert not Coding.objects.filter(pk=theirs.pk).exists()


def test_done_marks_a_pass_and_goes_to_the_next_of_the_queue(world, as_user):
    first, second, *_rest = world.interview
    query = f"?instrument=interview&buurt={world.north.pk}&r=0"
    response = as_user(world.researcher).post(_url("done", first) + query)
    assert CodingPass.objects.filter(fragment=first, coder=world.researcher).exists()
    assert (
        response["Location"]
        == f"/coderen/fragment/{second.pk}/?buurt={world.north.pk}&instrument=interview&r=0"
    )


def test_next_and_previous_follow_the_queue_and_stop_at_its_end(world, as_user):
    first, second, third, fourth = world.interview
    client = as_user(world.researcher)
    coding_add(fragment=first, code=code_get_current(key="vitality.nature"), user=world.researcher)
    # Opened as uncoded (r=0) and coded since: "next" goes on with the uncoded ones.
    response = client.get(_url("next", first) + "?instrument=interview&r=0")
    assert response["Location"] == f"/coderen/fragment/{second.pk}/?instrument=interview&r=0"
    assert client.get(_url("previous", third) + "?instrument=interview")["Location"].startswith(
        f"/coderen/fragment/{second.pk}/"
    )
    last = client.get(_url("next", first) + "?instrument=interview&r=2")
    assert last["Location"] == "/coderen/?instrument=interview"


def test_memo_on_a_fragment_added_and_changed(world, as_user):
    fragment = world.interview[0]
    client = as_user(world.researcher)
    client.post(_url("fragment_memo", fragment), {"text": "Let op de ironie."})
    client.post(_url("fragment_memo", fragment), {"text": "Toch geen ironie."})
    assert list(Memo.objects.values_list("text", "author")) == [("Toch geen ironie.", world.researcher.pk)]
    assert "Toch geen ironie." in client.get(_url("fragment", fragment)).content.decode()


def test_blind_mode_hides_another_coders_codes_on_the_fragment(world, as_user):
    fragment = world.interview[0]
    coding_add(fragment=fragment, code=code_get_current(key="effect.individual.trust"), user=world.researcher)
    Memo.objects.create(fragment=fragment, author=world.researcher, text="Vertrouwen!")
    client = as_user(world.researcher2)
    open_page = client.get(_url("fragment", fragment))
    assert [c.code.key for c in open_page.context["codings"]] == ["effect.individual.trust"]
    client.post(reverse("coding:blind"), {"blind": "1"})
    blind = client.get(_url("fragment", fragment))
    html = blind.content.decode()
    assert list(blind.context["codings"]) == []
    assert "Vertrouwen!" not in html and "Researcher" not in html
    trust_label = code_get_current(key="effect.individual.trust").label
    assert (
        'class="kvs-wb-coding__label"' not in html and trust_label not in html.split('id="wb-code-form"')[0]
    )


def test_settled_codings_are_marked_on_the_fragment(world, as_user):
    from krachtvansamen.coding.services import fragment_settle

    fragment = world.interview[0]
    nature = code_get_current(key="vitality.nature")
    coding_add(fragment=fragment, code=nature, user=world.researcher)
    coding_add(fragment=fragment, code=code_get_current(key="vitality.facilities"), user=world.researcher2)
    fragment_settle(fragment=fragment, user=world.researcher, codes=[nature])
    html = as_user(world.researcher).get(_url("fragment", fragment)).content.decode()
    assert "kvs-wb-coding--settled" in html and "vastgelegd" in html

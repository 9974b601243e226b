"""Marking a fragment as a special category of personal data (AVG art. 9) in the workbench: coders only;
the fragment stays in the workbench, marked, and its codes still count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.coding.services import CodingError, coding_add, fragment_mark_special
from krachtvansamen.framework.selectors import code_get_current

pytestmark = pytest.mark.django_db


def _url(name, fragment):
    return reverse(f"coding:{name}", args=[fragment.pk])


def test_the_service_marks_and_unmarks(world):
    fragment = world.interview[1]
    fragment_mark_special(fragment=fragment, user=world.researcher, special=True)
    assert Fragment.objects.get(pk=fragment.pk).special_category is True
    fragment_mark_special(fragment=fragment, user=world.researcher, special=False)
    assert Fragment.objects.get(pk=fragment.pk).special_category is False


def test_the_service_needs_someone_logged_in(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(CodingError):
        fragment_mark_special(fragment=world.interview[1], user=AnonymousUser(), special=True)


def test_a_coder_ticks_the_box_and_the_fragment_stays_in_the_workbench_marked(world, as_user):
    fragment = world.interview[1]
    client = as_user(world.researcher)
    page = client.get(_url("fragment", fragment)).content.decode()
    assert "Bijzonder persoonsgegeven (AVG art. 9)" in page and 'id="wb-special"' in page
    assert 'id="wb-special-badge"' not in page
    response = client.post(_url("special", fragment), {"special": "1"})
    assert response.status_code == 302
    assert Fragment.objects.get(pk=fragment.pk).special_category is True
    page = client.get(response["Location"]).content.decode()
    assert 'id="wb-special-badge"' in page and " checked" in page
    assert "Café De Boom" in page  # coders still read the words
    queue = client.get(reverse("coding:queue")).content.decode()
    assert f"/coderen/fragment/{fragment.pk}/" in queue
    # Unticked (a checkbox sends nothing): no longer marked.
    client.post(_url("special", fragment), {})
    assert Fragment.objects.get(pk=fragment.pk).special_category is False


def test_a_special_fragments_codes_still_count(world):
    fragment = world.interview[1]
    coding_add(fragment=fragment, code=code_get_current(key="vitality.nature"), user=world.researcher)
    fragment_mark_special(fragment=fragment, user=world.researcher, special=True)
    assert codings_counted().filter(fragment=fragment, code__key="vitality.nature").exists()


@pytest.mark.parametrize("who", ["manager", "connector", "funder", "outsider"])
def test_only_coders_may_mark(world, as_user, who):
    fragment = world.interview[1]
    response = as_user(getattr(world, who)).post(_url("special", fragment), {"special": "1"})
    assert response.status_code == 403
    assert Fragment.objects.get(pk=fragment.pk).special_category is False


def test_a_reader_sees_the_mark_but_no_box(world, as_user):
    fragment = world.interview[1]
    Fragment.objects.filter(pk=fragment.pk).update(special_category=True)
    page = as_user(world.manager).get(_url("fragment", fragment)).content.decode()
    assert 'id="wb-special-badge"' in page and 'id="wb-special"' not in page


def test_marking_is_a_post(world, as_user):
    assert as_user(world.researcher).get(_url("special", world.interview[1])).status_code == 405

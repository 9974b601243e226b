"""Who reaches the workbench: readers within their reach, writers only where they may code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from krachtvansamen.coding.models import Coding
from tests.factories import FragmentFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["connector", "funder"])
def test_connectors_and_funders_do_not_reach_coding(world, as_user, role):
    client = as_user(getattr(world, role))
    fragment = world.interview[0]
    for url in (
        reverse("coding:queue"),
        reverse("coding:fragment", args=[fragment.pk]),
        reverse("coding:disputes"),
        reverse("coding:settle", args=[fragment.pk]),
        reverse("coding:code_memos", args=["vitality.nature"]),
    ):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("coding:coding_add", args=[fragment.pk]), {"code": "vitality.nature"}).status_code
        == 403
    )
    assert not Coding.objects.exists()


def test_anonymous_users_are_sent_to_log_in(world, client):
    assert client.get(reverse("coding:queue"))["Location"].startswith("/inloggen/")


def test_community_builder_codes_only_in_their_own_neighbourhood(world, as_user):
    client = as_user(world.builder)
    own = world.interview[0]
    other = FragmentFactory(neighbourhood=world.south)
    assert (
        client.post(reverse("coding:coding_add", args=[own.pk]), {"code": "vitality.nature"}).status_code
        == 302
    )
    assert client.get(reverse("coding:fragment", args=[other.pk])).status_code == 403
    assert (
        client.post(reverse("coding:coding_add", args=[other.pk]), {"code": "vitality.nature"}).status_code
        == 403
    )
    assert list(Coding.objects.values_list("fragment_id", flat=True)) == [own.pk]
    queue = client.get(reverse("coding:queue"))
    assert {f.neighbourhood_id for f in queue.context["page"].object_list} == {world.north.pk}


def test_programme_manager_reads_without_write_controls(world, as_user):
    client = as_user(world.manager)
    fragment = world.interview[0]
    page = client.get(reverse("coding:fragment", args=[fragment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="wb-code-form"' not in html and 'id="wb-done-form"' not in html
    assert (
        client.post(reverse("coding:coding_add", args=[fragment.pk]), {"code": "vitality.nature"}).status_code
        == 403
    )
    assert client.post(reverse("coding:done", args=[fragment.pk])).status_code == 403
    assert client.post(reverse("coding:fragment_memo", args=[fragment.pk]), {"text": "x"}).status_code == 403


def test_outside_reach_is_403_and_missing_is_404(world, as_user):
    client = as_user(world.researcher)
    elsewhere = FragmentFactory(neighbourhood=world.elsewhere)
    assert client.get(reverse("coding:fragment", args=[elsewhere.pk])).status_code == 403
    assert (
        client.post(
            reverse("coding:coding_add", args=[elsewhere.pk]), {"code": "vitality.nature"}
        ).status_code
        == 403
    )
    assert client.get(reverse("coding:fragment", args=[999999])).status_code == 404
    assert client.get(reverse("coding:next", args=[elsewhere.pk])).status_code == 403


def test_the_quote_review_link_is_shown_only_to_who_may_open_it(world, as_user):
    """A programme manager reads the coding work but does not review quotes: no link that ends on a 403."""
    review = reverse("coding:quotes")
    manager = as_user(world.manager)
    assert review not in manager.get(reverse("coding:queue")).content.decode()
    assert manager.get(review).status_code == 403
    builder = as_user(world.builder)
    assert review in builder.get(reverse("coding:queue")).content.decode()
    assert builder.get(review).status_code == 200

"""Someone else's draft, or an id that is no draft at all, is "not found" (404), never a server error (issue
#13, row 10)."""

from __future__ import annotations

import pytest

from krachtvansamen.instruments.models import Submission
from krachtvansamen.people.models import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_of_builder(client, forms, builder):
    """A draft made by the community builder; then a colleague of the same neighbourhood logs in."""
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/"
    concept = client.post(url, {"abcd_relations": "4"}, HTTP_X_AUTOSAVE="1").json()["concept"]
    colleague = UserFactory()
    MembershipFactory(user=colleague, role=Role.COMMUNITY_BUILDER, neighbourhood=neighbourhood)
    client.force_login(colleague)
    return url, concept


def _draft_untouched(concept: str) -> None:
    draft = Submission.objects.get(client_id=concept)
    assert draft.status == "draft" and draft.answers == {"abcd_relations": 4}


def test_opening_someone_elses_draft_is_not_found(client, draft_of_builder):
    url, concept = draft_of_builder
    assert client.get(f"{url}?concept={concept}").status_code == 404


@pytest.mark.parametrize(
    ("data", "headers"),
    [
        ({"abcd_relations": "1"}, {"HTTP_X_AUTOSAVE": "1"}),
        ({"abcd_relations": "1", "actie": "opslaan"}, {}),
        ({"abcd_relations": "1", "actie": "versturen"}, {}),
        ({"abcd_relations": "1", "actie": "regel-erbij:x"}, {}),
    ],
)
def test_writing_into_someone_elses_draft_is_not_found_and_changes_nothing(
    client, draft_of_builder, data, headers
):
    url, concept = draft_of_builder
    response = client.post(url, {**data, "concept": concept}, **headers)
    assert response.status_code == 404
    _draft_untouched(concept)


@pytest.mark.parametrize("concept", ["9" * 60, "123", "niet-een-concept"])
def test_an_id_that_is_no_draft_is_not_found(client, forms, builder, concept):
    user, neighbourhood = builder
    client.force_login(user)
    url = f"/instrumenten/vragenlijst/{neighbourhood.cbs_code}/"
    assert client.get(f"{url}?concept={concept}").status_code == 404
    assert (
        client.post(url, {"concept": concept, "abcd_relations": "4"}, HTTP_X_AUTOSAVE="1").status_code == 404
    )
    assert Submission.objects.count() == 0


def test_a_huge_submission_id_is_not_found(client, forms, builder):
    user, _neighbourhood = builder
    client.force_login(user)
    assert client.get(f"/instrumenten/antwoorden/{'9' * 40}/").status_code == 404

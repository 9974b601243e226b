"""The outcome of settling a disagreement is what the buurtbeeld and its evidence lists show."""

from __future__ import annotations

from html import unescape
from urllib.parse import quote

from krachtvansamen.coding.services import coding_add, fragment_settle, fragment_unsettle
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import UserFactory
from tests.reports.conftest import QUOTE_INTERNAL


def evidence(client, key: str) -> str:
    response = client.get(f"/rapporten/bewijs/BU90000001/2025/?n={quote(key)}")
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_settled_codes_replace_the_coders_codes_in_the_evidence_lists(as_user, world):
    client = as_user("community_builder")
    network = code_get_current(key="effect.social.network")
    contact = code_get_current(key="effect.social.contact")
    anna, bert = UserFactory(), UserFactory()
    coding_add(fragment=world.f_internal, code=network, user=anna)
    coding_add(fragment=world.f_internal, code=contact, user=bert)
    # Unsettled, a code one coder gave counts: the fragment is evidence for "network".
    assert QUOTE_INTERNAL in evidence(client, "effect:effect.social.network:2025")
    fragment_settle(fragment=world.f_internal, user=bert, codes=[contact])
    assert QUOTE_INTERNAL not in evidence(client, "effect:effect.social.network:2025")
    assert QUOTE_INTERNAL in evidence(client, "effect:effect.social.contact:2025")
    # The settled outcome can also add what only one coder saw, and reopening restores every coder's codes.
    fragment_settle(fragment=world.f_internal, user=bert, codes=[network])
    assert QUOTE_INTERNAL in evidence(client, "effect:effect.social.network:2025")
    assert QUOTE_INTERNAL not in evidence(client, "effect:effect.social.contact:2025")
    fragment_unsettle(fragment=world.f_internal)
    assert QUOTE_INTERNAL in evidence(client, "effect:effect.social.contact:2025")

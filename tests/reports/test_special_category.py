"""Special categories of personal data (AVG art. 9): never quoted, whatever the consent; still counted.

Uses the report tests' world (tests/reports/conftest.py): Ans gave 'pseudonymised' quoting consent for
QUOTE_OK. Marked as special, those words reach no report, no evidence page and no quote list.
"""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.privacy.selectors import quotable
from krachtvansamen.reports.quotes import quotes_for

# The report tests' shared world and log-in come from tests/reports/conftest.py.
from tests.reports.conftest import QUOTE_NAMED, QUOTE_OK

OWN = "BU90000001"


# By name, not request.getfixturevalue: the shared set-up is chosen from the fixtures a test names.
@pytest.fixture
def reports(world) -> SimpleNamespace:
    return world


@pytest.fixture
def login(as_user):
    return as_user


@pytest.fixture
def special(reports):
    """QUOTE_OK (consent 'pseudonymised') marked as revealing a special category of personal data."""
    Fragment.objects.filter(pk=reports.f_ok.pk).update(special_category=True)
    return Fragment.objects.get(pk=reports.f_ok.pk)


def test_quotable_never_returns_a_special_fragment_whatever_the_consent(reports, special):
    assert special.consent_level == "pseudonymised"
    texts = set(quotable(Fragment.objects.all()).values_list("text", flat=True))
    assert QUOTE_OK not in texts
    assert QUOTE_NAMED in texts  # the others are quoted as before


def test_a_special_fragment_is_not_among_a_reports_quotes(reports, special):
    quotes = quotes_for(neighbourhood_ids=[reports.own.pk], years=[2025], show_speaker=True)
    assert QUOTE_OK not in {q.text for q in quotes}
    assert QUOTE_NAMED in {q.text for q in quotes}


@pytest.mark.parametrize("report", ["financiersrapport", "buurtbeeld"])
def test_a_special_fragment_is_not_quoted_in_a_report(login, special, report):
    who = "funder" if report == "financiersrapport" else "community_builder"
    page = unescape(login(who).get(f"/rapporten/{report}/{OWN}/2025/").content.decode())
    assert QUOTE_OK not in page
    assert QUOTE_NAMED in page


def test_a_special_fragment_is_not_on_the_evidence_page_for_a_funder_but_still_counted(login, special):
    response = login("funder").get(f"/rapporten/bewijs/{OWN}/2025/?n={quote('value:value.contact:2025')}")
    page = unescape(response.content.decode())
    assert response.status_code == 200
    # ok (special), named and internal (the value row follows effect.social.contact): the count stays.
    assert "3 gegevens" in page
    assert QUOTE_OK not in page
    assert "2 daarvan zie je niet." in page


def test_a_special_fragment_still_counts_in_analyses(reports, special):
    assert codings_counted().filter(fragment_id=special.pk).exists()

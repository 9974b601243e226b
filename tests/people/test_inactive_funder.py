"""A funder whose account is no longer active reaches nothing (``people.access``): no report, no neighbourhood,
not even the funder report of the neighbourhood their organisation funds. What "active" means there: the user's
``is_active`` flag and a funder membership for the organisation. A colleague of the same organisation whose
account is still active keeps reaching that report, so the refusal is about the account, not the funding.

The funding's years (``Funding.start_year``/``end_year``) do not limit a funder's reach in ``people.access``; see
the last test, which pins that down as the current rule.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from krachtvansamen.people.access import (
    neighbourhoods_for_user,
    neighbourhoods_funded_by_user,
    neighbourhoods_reportable_for_user,
    programmes_for_user,
    user_funds,
    user_is_funder,
)
from krachtvansamen.people.models import Membership, Role
from krachtvansamen.reports.access import FINANCIER, report_neighbourhood_for_user
from tests.factories import FundingFactory, MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded():
    """One organisation funding two neighbourhoods, and one neighbourhood it does not fund."""
    first = FundingFactory(neighbourhood=NeighbourhoodFactory(name="Kronenburg"))
    second = FundingFactory(funder=first.funder, neighbourhood=NeighbourhoodFactory(name="Spangen"))
    NeighbourhoodFactory(name="Niet Gefinancierd")
    return first.funder, [first.neighbourhood, second.neighbourhood]


def funder_user(organisation, username: str, *, active: bool = True):
    user = UserFactory(username=username)
    MembershipFactory(user=user, role=Role.FUNDER, organisation=organisation)
    if not active:
        user.is_active = False
        user.save()
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached memberships


def reach(user) -> dict:
    return {
        "funded": sorted(n.name for n in neighbourhoods_funded_by_user(user=user)),
        "reportable": sorted(n.name for n in neighbourhoods_reportable_for_user(user=user)),
        "raw data": sorted(n.name for n in neighbourhoods_for_user(user=user)),
        "programmes": programmes_for_user(user=user).count(),
    }


def test_an_active_funder_reaches_the_reports_of_both_funded_neighbourhoods_only(funded):
    organisation, (kronenburg, spangen) = funded
    user = funder_user(organisation, "fonds")
    assert reach(user) == {
        "funded": ["Kronenburg", "Spangen"],
        "reportable": ["Kronenburg", "Spangen"],
        "raw data": [],
        "programmes": 2,
    }
    assert report_neighbourhood_for_user(user=user, cbs_code=kronenburg.cbs_code, report=FINANCIER) == (
        kronenburg,
        False,
    )


def test_an_inactive_funder_reaches_no_report_and_no_neighbourhood(funded):
    organisation, (kronenburg, spangen) = funded
    funder_user(organisation, "collega")  # the organisation still has an active funder
    user = funder_user(organisation, "oud-medewerker", active=False)
    assert reach(user) == {"funded": [], "reportable": [], "raw data": [], "programmes": 0}
    assert not user_funds(user=user, neighbourhood=kronenburg)
    assert not user_is_funder(user=user)
    for neighbourhood in (kronenburg, spangen):
        with pytest.raises(PermissionDenied) as refused:
            report_neighbourhood_for_user(user=user, cbs_code=neighbourhood.cbs_code, report=FINANCIER)
        assert str(refused.value).startswith("Je hebt geen toegang tot deze buurt.")


def test_a_funder_made_inactive_after_reading_a_report_loses_it_at_the_next_request(funded):
    organisation, (kronenburg, _spangen) = funded
    user = funder_user(organisation, "fonds")
    assert user_funds(user=user, neighbourhood=kronenburg)
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    user = get_user_model().objects.get(pk=user.pk)  # the next request loads the user again
    assert not user_funds(user=user, neighbourhood=kronenburg)
    assert reach(user)["reportable"] == []


def test_a_funder_whose_membership_was_removed_reaches_nothing(funded):
    organisation, (kronenburg, _spangen) = funded
    user = funder_user(organisation, "fonds")
    Membership.objects.filter(user=user).delete()
    user = get_user_model().objects.get(pk=user.pk)
    assert reach(user) == {"funded": [], "reportable": [], "raw data": [], "programmes": 0}
    with pytest.raises(PermissionDenied):
        report_neighbourhood_for_user(user=user, cbs_code=kronenburg.cbs_code, report=FINANCIER)


def test_an_inactive_funders_old_session_is_sent_to_the_login_page_not_the_report(funded, client):
    organisation, (kronenburg, _spangen) = funded
    user = funder_user(organisation, "oud-medewerker", active=False)
    client.force_login(user)  # a session from before the account was switched off
    response = client.get(f"/rapporten/financiersrapport/{kronenburg.cbs_code}/2025/")
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_the_funding_years_do_not_limit_a_funders_reach_today(funded):
    """Current rule, pinned: a funding that ended (end_year in the past) still opens its funder report, because
    that report describes the funded years. If the rule changes, this test says so."""
    organisation, (kronenburg, _spangen) = funded
    kronenburg.fundings.update(start_year=2019, end_year=2020)
    user = funder_user(organisation, "fonds")
    assert user_funds(user=user, neighbourhood=kronenburg)

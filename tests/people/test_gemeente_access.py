"""A municipality's policy officer (role ``gemeente``) opens the Beleidssignalen of their own municipality and
nothing else: no other municipality, no neighbourhood page, no Buurtbeeld, no funder report, no coding, no
instruments, no management — every page of the app is tried. An inactive account reaches nothing.

The world (``tests/reports/conftest.py``): three neighbourhoods of Arnhem (GM0202) in programmes, with stories
that must never show to this role. A fourth neighbourhood in Nijmegen (GM0268) for "another municipality".
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver

from krachtvansamen.people.access import (
    municipalities_for_user,
    neighbourhoods_for_user,
    neighbourhoods_reportable_for_user,
    programmes_for_user,
    user_codes,
    user_manages_forms,
    user_reads_coding,
    user_reads_policy_signals,
    user_uses_instruments,
)
from krachtvansamen.people.models import Membership, Organisation, Role
from tests.factories import (
    FragmentFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.jobs.pdf_flow import pdf_after_job
from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_OK  # importing it registers the reports' world

OWN = "BU90000001"
REPORT = "/rapporten/beleidssignalen/GM0202/2025/"
NIJMEGEN_SECRET = "Geheim verhaal uit Nijmegen."


def officer(code: str = "GM0202", *, username: str = "gemeente", kind: str = Organisation.Kind.MUNICIPALITY,
            active: bool = True):  # fmt: skip
    user = UserFactory(username=username)
    organisation = OrganisationFactory(name=f"Gemeente {code}", kind=kind, municipality_code=code)
    MembershipFactory(user=user, role=Role.MUNICIPALITY, organisation=organisation)
    if not active:
        user.is_active = False
        user.save()
    return get_user_model().objects.get(pk=user.pk)  # fresh: no cached memberships


@pytest.fixture
def world(codebook, shared_data):
    """The reports' world (``tests/reports/conftest.py``), shared set-up."""
    return shared_data.get("reports_world")


@pytest.fixture
def nijmegen(world):
    n = NeighbourhoodFactory(name="Bottendaal", cbs_code="BU02680000", municipality_code="GM0268",
                             municipality_name="Nijmegen", programme=world.programme_a)  # fmt: skip
    FragmentFactory(neighbourhood=n, year=2025, text=NIJMEGEN_SECRET, consent_level="pseudonymised")
    return n


# --- The access rules themselves --------------------------------------------------------------------------------


def test_a_policy_officer_reads_the_signals_of_their_municipality_and_no_raw_data(world, nijmegen):
    user = officer()
    assert municipalities_for_user(user=user) == ["GM0202"]
    assert user_reads_policy_signals(user=user, municipality_code="GM0202")
    assert not user_reads_policy_signals(user=user, municipality_code="GM0268")
    assert not user_reads_policy_signals(user=user, municipality_code="")
    assert list(neighbourhoods_for_user(user=user)) == []
    assert list(neighbourhoods_reportable_for_user(user=user)) == []
    assert programmes_for_user(user=user).count() == 0
    for rule in (user_uses_instruments, user_codes, user_reads_coding, user_manages_forms):
        assert rule(user=user) is False, rule.__name__


def test_only_their_own_gemeente_memberships_count_not_other_municipalities_or_roles(world):
    """Another municipality exists, and the officer also works as a community builder for it (a membership of
    another role naming that municipality's organisation): neither gives its Beleidssignalen."""
    user = officer()
    nijmegen = OrganisationFactory(name="Gemeente Nijmegen", kind=Organisation.Kind.MUNICIPALITY,
                                   municipality_code="GM0268")  # fmt: skip
    OrganisationFactory(name="Gemeente Ede", kind=Organisation.Kind.MUNICIPALITY, municipality_code="GM0228")
    elsewhere = NeighbourhoodFactory(cbs_code="BU02689999", municipality_code="GM0268")
    MembershipFactory(user=user, role=Role.COMMUNITY_BUILDER, organisation=nijmegen, neighbourhood=elsewhere)
    user = get_user_model().objects.get(pk=user.pk)
    assert municipalities_for_user(user=user) == ["GM0202"]
    assert not user_reads_policy_signals(user=user, municipality_code="GM0268")


def test_only_an_organisation_that_is_a_municipality_with_a_code_gives_a_municipality(world):
    assert municipalities_for_user(user=officer(username="fonds", kind=Organisation.Kind.FUND)) == []
    assert municipalities_for_user(user=officer("", username="zonder-code")) == []


def test_an_inactive_policy_officer_reaches_nothing(world, client):
    user = officer(active=False)
    assert municipalities_for_user(user=user) == []
    assert not user_reads_policy_signals(user=user, municipality_code="GM0202")
    client.force_login(user)  # a session from before the account was switched off
    response = client.get(REPORT)
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_a_policy_officer_whose_membership_was_removed_is_refused(world, client):
    user = officer()
    Membership.objects.filter(user=user).delete()
    client.force_login(user)
    assert client.get(REPORT).status_code == 403


def test_an_admin_reads_every_municipality_and_a_funder_none(world, nijmegen):
    admin, funder = world.users["admin"], world.users["funder"]
    assert user_reads_policy_signals(user=admin, municipality_code="GM0268")
    assert not user_reads_policy_signals(user=funder, municipality_code="GM0202")


# --- Pages ----------------------------------------------------------------------------------------------------------


def test_the_own_report_opens_and_another_municipality_is_refused_in_dutch(world, nijmegen, client):
    client.force_login(officer())
    assert client.get(REPORT).status_code == 200
    assert pdf_after_job(client, REPORT + "pdf/").status_code == 200  # a job page first, then the PDF
    for url in ("/rapporten/beleidssignalen/GM0268/2025/", "/rapporten/beleidssignalen/GM0268/",
                "/rapporten/beleidssignalen/GM0268/2025/pdf/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Je kunt alleen de beleidssignalen van je eigen gemeente openen." in response.content.decode()
        assert "Bottendaal" not in response.content.decode()
    assert client.get("/rapporten/beleidssignalen/BU0202/2025/").status_code == 404  # no municipality code
    # Evidence of a neighbourhood in another municipality: refused, though the key is one of the report's.
    response = client.get(
        f"/rapporten/bewijs/{nijmegen.cbs_code}/2025/", {"n": "factor:factor.governance:hinders"}
    )
    assert response.status_code == 403
    assert (
        "Als beleidsmedewerker kun je alleen de beleidssignalen van je eigen gemeente openen"
        in response.content.decode()
    )


def test_a_neighbourhood_of_the_municipality_outside_the_programmes_stays_closed(world, client):
    outside = NeighbourhoodFactory(name="Buiten Programma", cbs_code="BU02029999", programme=None)
    client.force_login(officer())
    response = client.get(f"/rapporten/bewijs/{outside.cbs_code}/2025/", {"n": "stacking"})
    assert response.status_code == 403
    assert "Buiten Programma" not in client.get(REPORT).content.decode()


@pytest.mark.parametrize("name", ["connector", "community_builder", "researcher", "programme_manager", "funder",
                                  "no_role"])  # fmt: skip
def test_other_roles_do_not_open_the_policy_signals(world, client, name):
    client.force_login(world.users[name])
    assert client.get(REPORT).status_code == 403


def test_the_admin_opens_them_and_anonymous_visitors_are_sent_to_log_in(world, client):
    assert client.get(REPORT)["Location"].startswith("/inloggen/")
    client.force_login(world.users["admin"])
    assert client.get(REPORT).status_code == 200


def test_the_start_page_leads_to_the_own_signals_and_nothing_one_cannot_open(world, client):
    client.force_login(officer())
    html = client.get("/").content.decode()
    assert 'href="/rapporten/beleidssignalen/GM0202/"' in html
    assert "Beleidssignalen Arnhem" in html and "Beleidsmedewerker van de gemeente" in html
    menu = re.search(r'<nav class="kvs-nav".*?</nav>', html, re.S).group(0)
    for forbidden in ("/instrumenten/", "/coderen/", "/beheer/", "/uitnodigingen/"):
        assert forbidden not in menu, forbidden
    for forbidden in ("/buurten/", "/rapporten/buurtbeeld/", "/rapporten/financiersrapport/",
                      "/rapporten/portfolio/", "/veldwerk/", "Mijn buurten"):  # fmt: skip
        assert forbidden not in html, forbidden


def test_a_municipality_without_a_neighbourhood_in_a_programme_is_said_in_words(world, client):
    client.force_login(officer("GM0344"))
    html = client.get("/").content.decode()
    assert "Nog geen buurt van je gemeente doet in dit systeem mee aan een programma." in html
    assert "/rapporten/beleidssignalen/" not in html
    assert client.get("/rapporten/beleidssignalen/GM0344/").status_code == 404


# --- Every other page of the app -------------------------------------------------------------------------------

# Pages that hold no one's data and that every logged-in user (or any visitor) may open.
OPEN_TO_ALL = {
    "start", "login", "logout", "password_change", "password_change_done", "password_reset", "password_reset_done",
    "password_reset_confirm", "password_reset_complete", "invitation_accept", "codebook", "instruments:training_index",
    "instruments:training", "resident_code", "resident_overview",
    "resident_change", "resident_erase", "resident_done", "health", "set_language",
    # An Effectenplein's participants take part with the meeting's code, without an account.
    "effectenplein:join", "effectenplein:meeting", "effectenplein:story", "effectenplein:recognise",
    "effectenplein:vote", "effectenplein:phase", "effectenplein:personal_code",
}  # fmt: skip
# My jobs (jobs:list): the own report's PDF is drawn in a job; another person's job is a 404.
OWN_REPORT = {"reports:beleidssignalen_latest", "reports:beleidssignalen", "reports:beleidssignalen_pdf",
              "reports:evidence", "jobs:list"}  # fmt: skip


def _routes(resolver=None, prefix="", namespace=""):
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            inner = f"{p.namespace}:" if p.namespace else namespace
            yield from _routes(p, prefix + str(p.pattern), inner)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), namespace + (p.name or "")


def _fill(route: str, world) -> str:
    values = {"cbs_code": OWN, "code": "GM0202", "slug": world.programme_a.slug, "year": "2025", "number": "1",
              "key": "effect", "instrument": "wijkwaardenkaart", "token": "x", "uidb64": "x", "coding_pk": "1",
              "pk": str(world.f_ok.pk)}  # fmt: skip
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), "1"), route)
    return "/" + url.replace("^", "").replace("$", "")


def test_every_other_page_refuses_the_policy_officer(world, client):
    """Each page of the app, its arguments filled with records of the officer's own municipality: only the pages
    open to everyone and the own report answer; nothing shows a story or a link into raw data."""
    client.force_login(officer())
    tried = 0
    for route, name in _routes():
        if route.startswith("beheer/") or name in OPEN_TO_ALL or name in OWN_REPORT:
            continue
        # The API: its schema and docs are public, its endpoints take a token, not a session (401);
        # tests/api/test_roles.py tries every endpoint with every role, a policy officer's token too.
        if route.startswith("api/"):
            continue
        url = _fill(route, world)
        for method in (client.get, client.post):
            response = method(url)
            tried += 1
            assert response.status_code in (403, 404, 405), (name, url, method.__name__, response.status_code)
            body = response.content.decode(errors="replace")
            assert QUOTE_OK not in body and QUOTE_INTERNAL not in body, (name, url)
    assert tried > 150  # every route, both ways
    assert client.get("/beheer/").status_code == 302  # management: to its own log-in, never in


def test_pages_open_to_all_show_the_officer_no_story_and_no_way_into_raw_data(world, client):
    client.force_login(officer())
    for url in (
        "/",
        "/codeboek/",
        "/instrumenten/uitleg/",
        "/instrumenten/uitleg/wijkwaardenkaart/",
        "/plein/",
    ):
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code in (200, 404), url  # 404: no codebook loaded in this world
        assert QUOTE_OK not in body and "/buurten/" not in body and "/oefenen/" not in body, url

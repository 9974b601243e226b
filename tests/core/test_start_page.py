"""The start page of someone who sees many neighbourhoods: searched and paged, never the whole country at once."""

from __future__ import annotations

import pytest

from krachtvansamen.people.models import Role
from krachtvansamen.web.selectors import NEIGHBOURHOODS_PER_PAGE
from tests.factories import MembershipFactory, NeighbourhoodFactory, ProgrammeFactory, UserFactory


@pytest.fixture
def national_researcher(db, client):
    programme = ProgrammeFactory()
    for number in range(NEIGHBOURHOODS_PER_PAGE + 5):
        NeighbourhoodFactory(name=f"Buurt {number:03d}", municipality_name="Arnhem", programme=programme)
    NeighbourhoodFactory(
        name="Kronenburg", municipality_name="Arnhem", cbs_code="BU02021990", programme=programme
    )
    NeighbourhoodFactory(name="Oosterpoort", municipality_name="Groningen", programme=programme)
    user = UserFactory(username="onderzoeker")
    MembershipFactory(user=user, role=Role.RESEARCHER)  # no neighbourhood or programme: the whole country
    client.force_login(user)
    return client


def _rows(html: str) -> int:
    return html.count('scope="row"')


def test_a_researcher_who_sees_every_neighbourhood_gets_them_a_page_at_a_time(national_researcher):
    html = national_researcher.get("/").content.decode()
    assert _rows(html) == NEIGHBOURHOODS_PER_PAGE
    assert "57 buurten · pagina 1 van 2" in html
    assert "Volgende pagina" in html and "Vorige pagina" not in html
    second = national_researcher.get("/?pagina=2").content.decode()
    assert _rows(second) == 7 and "Vorige pagina" in second
    # A page number that does not exist shows the last page, not an error.
    assert _rows(national_researcher.get("/?pagina=99").content.decode()) == 7


@pytest.mark.parametrize(
    ("search", "found"),
    [("kronen", "Kronenburg"), ("groningen", "Oosterpoort"), ("BU02021990", "Kronenburg")],
)
def test_search_by_name_municipality_or_cbs_code(national_researcher, search, found):
    html = national_researcher.get("/", {"zoek": search}).content.decode()
    assert _rows(html) == 1 and found in html
    assert "1 buurt" in html and "pagina 1 van" not in html


def test_a_search_that_finds_nothing_says_so(national_researcher):
    html = national_researcher.get("/", {"zoek": "Atlantis"}).content.decode()
    assert "Geen buurt gevonden voor “Atlantis”." in html and _rows(html) == 0

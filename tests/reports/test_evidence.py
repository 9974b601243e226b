"""The evidence page behind a number: what a data user sees, what a funder sees, keys, paging."""

from __future__ import annotations

from html import unescape
from urllib.parse import quote

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.privacy.selectors import quotable as quotable_fragments
from krachtvansamen.reports import evidence
from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_NAMED, QUOTE_OK, QUOTE_WITHDRAWN

OWN = "BU90000001"


def url(key: str, year: int = 2025, cbs_code: str = OWN) -> str:
    return f"/rapporten/bewijs/{cbs_code}/{year}/?n={quote(key)}"


def test_a_data_user_sees_every_fragment_behind_a_number_with_its_pseudonym(as_user):
    response = as_user("community_builder").get(url("effect:effect.social.contact:2025"))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Fragmenten over 'Contact tussen bewoners' in 2025" in page
    assert "3 gegevens" in page
    for text in (QUOTE_OK, QUOTE_NAMED, QUOTE_INTERNAL):
        assert text in page
    assert "Ans Schuilnaam (bewoner)" in page and "Toestemming: alleen intern gebruik" in page
    assert "Terug naar het Buurtbeeld" in page


def test_a_funder_sees_only_quotable_fragments_with_a_role_and_how_many_others_there_are(as_user):
    response = as_user("funder").get(url("value:value.contact:2025"))
    page = unescape(response.content.decode())
    assert response.status_code == 200
    # The value row follows the effect codes (effect.social.contact, effect.social.network): ok, named and
    # internal. The withdrawn fragment carries only the old value.contact code, so it no longer counts.
    assert "3 gegevens" in page
    assert QUOTE_OK in page and QUOTE_NAMED in page
    assert QUOTE_INTERNAL not in page and QUOTE_WITHDRAWN not in page
    assert "1 daarvan zie je niet." in page
    assert "Schuilnaam" not in page and "Toestemming:" not in page
    assert "Bewoner · Wijkwaardenkaart-gesprek · 2025" in page
    assert "Terug naar het financiersrapport" in page


def test_a_funder_sees_counts_not_records_for_other_kinds(as_user):
    page = unescape(as_user("funder").get(url("activities")).content.decode())
    assert "2 gegevens" in page and "Buurtmaaltijd" not in page
    assert "Als financier zie je hoeveel het er zijn, niet de gegevens zelf." in page
    page = unescape(as_user("funder").get(url("participants")).content.decode())
    assert "Schuilnaam" not in page


@pytest.mark.parametrize(
    "key",
    [
        "group:age:65+",
        "relations:2025",
        "principle:abcd.residents_lead",
        "roles_top",
        "factor:factor.governance:hinders",
        "fragments",
        "cbs",
    ],
)
def test_a_funder_may_not_open_evidence_of_raw_data(as_user, key):
    response = as_user("funder").get(url(key))
    assert response.status_code == 403
    assert (
        "Als financier zie je alleen waar de cijfers van het financiersrapport op rusten"
        in response.content.decode()
    )


def test_a_funder_gets_nothing_of_a_neighbourhood_it_does_not_fund(as_user):
    assert as_user("funder").get(url("fragments", cbs_code="BU90000003")).status_code == 403


@pytest.mark.parametrize(
    "key",
    [
        "",
        "bogus",
        "effect:effect.social.contact",
        "effect:effect.social.contact:1999",
        "effect:nope:2025",
        "factor:factor.governance:sideways",
        "fragments:extra:parts",
        "value:effect.social:2025",
        "x" * 300,
    ],
)
def test_unknown_keys_are_not_found(as_user, key):
    assert as_user("researcher").get(url(key)).status_code == 404


def test_records_of_every_kind_are_listed(as_user):
    client = as_user("researcher")
    expectations = {
        "activities:residents": "Buurtmaaltijd",
        "relations:2025": "Ans Schuilnaam — Cor Schuilnaam",
        "stacking": "Wat tegenwerkt: factor.governance",
        "structure:sustainability.vertical.policy": "Gemeentelijk beleid: afwezig",
        "funding": "2024–2025",
        "cbs": "CBS Kerncijfers wijken en buurten 2024, tabel 85984NED, rij 7",
        "meeting_places": "Buurthuis De Linde",
        "group:age:65+": "Ans Schuilnaam",
        "risk:factors_stack": "Wat tegenwerkt: factor.physical",
    }
    for key, text in expectations.items():
        page = unescape(client.get(url(key)).content.decode())
        assert text in page, key


def test_programme_evidence_lists_neighbourhoods_and_fragments(as_user):
    client = as_user("researcher")
    page = unescape(
        client.get(f"/rapporten/bewijs/programma/programma-a/2025/?n={quote('stacking')}").content.decode()
    )
    assert "Eigen Buurt" in page and "Buurt Zelfde Programma" not in page
    assert "/rapporten/buurtbeeld/BU90000001/2025/" in page
    page = unescape(
        client.get("/rapporten/bewijs/programma/programma-a/2025/?n=fragments%3A2025").content.decode()
    )
    assert "Verhaal uit de zelfde-programmabuurt." in page and "Verhaal uit een ander programma." not in page
    assert (
        as_user("funder").get("/rapporten/bewijs/programma/programma-a/2025/?n=stacking").status_code == 403
    )


def test_long_lists_are_paged(as_user, monkeypatch):
    monkeypatch.setattr(evidence, "PAGE_SIZE", 2)
    client = as_user("researcher")
    first = unescape(client.get(url("fragments")).content.decode())
    assert "1 van 2" in first and "pagina=2" in first  # four fragments in 2025, two a page
    last = unescape(client.get(url("fragments") + "&pagina=2").content.decode())
    assert "2 van 2" in last and "volgende" not in last and "vorige" in last
    assert client.get(url("fragments") + "&pagina=99").status_code == 200  # a page beyond the end: the last


def test_quotable_fragments_follow_the_newest_consent(world):
    quotable = set(quotable_fragments(Fragment.objects.all()).values_list("text", flat=True))
    assert QUOTE_OK in quotable and QUOTE_NAMED in quotable
    assert QUOTE_INTERNAL not in quotable and QUOTE_WITHDRAWN not in quotable

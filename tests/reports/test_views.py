"""The report pages: every role × every report, the funder's limits, years, numbers that lead to evidence."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_NAMED, QUOTE_OK, QUOTE_WITHDRAWN

OWN, SAME, OTHER = "BU90000001", "BU90000002", "BU90000003"
URLS = {
    "buurtbeeld_own": f"/rapporten/buurtbeeld/{OWN}/2025/",
    "financier_own": f"/rapporten/financiersrapport/{OWN}/2025/",
    "buurtbeeld_other": f"/rapporten/buurtbeeld/{OTHER}/2025/",
    "financier_other": f"/rapporten/financiersrapport/{OTHER}/2025/",
    "synthese_a": "/rapporten/programmasynthese/programma-a/2025/",
    "synthese_b": "/rapporten/programmasynthese/programma-b/2025/",
}
# role → expected status per report, in the order of URLS.
MATRIX = {
    "anonymous": (302, 302, 302, 302, 302, 302),
    "no_role": (403, 403, 403, 403, 403, 403),
    "connector": (200, 200, 403, 403, 200, 403),
    "community_builder": (200, 200, 403, 403, 200, 403),
    "researcher": (200, 200, 200, 200, 200, 200),
    "researcher_b": (403, 403, 200, 200, 403, 200),
    "programme_manager": (200, 200, 403, 403, 200, 403),
    "funder": (403, 200, 403, 403, 403, 403),
    "admin": (200, 200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("role", list(MATRIX))
def test_every_role_against_every_report(client, world, role):
    if world.users[role] is not None:
        client.force_login(world.users[role])
    got = tuple(client.get(url).status_code for url in URLS.values())
    assert got == MATRIX[role], dict(zip(URLS, got, strict=True))


def test_funder_gets_a_dutch_message_for_raw_data_and_for_what_it_does_not_fund(as_user):
    client = as_user("funder")
    message = "Als financier kun je alleen het financiersrapport openen van de buurten die jouw organisatie financiert."
    for url in (
        URLS["buurtbeeld_own"],
        URLS["financier_other"],
        URLS["synthese_a"],
        f"/rapporten/buurtbeeld/{OWN}/2025/pdf/",
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert message in response.content.decode()


def test_unknown_neighbourhood_and_year_without_data(as_user):
    client = as_user("researcher")
    assert client.get("/rapporten/buurtbeeld/BU99999999/2025/").status_code == 404
    response = client.get(f"/rapporten/buurtbeeld/{OWN}/2019/")
    assert response.status_code == 404
    assert client.get("/rapporten/programmasynthese/bestaat-niet/2025/").status_code == 404


def test_latest_year_redirects(as_user):
    client = as_user("funder")
    response = client.get(f"/rapporten/financiersrapport/{OWN}/")
    assert response.status_code == 302 and response["Location"] == URLS["financier_own"]
    client = as_user("programme_manager")
    assert client.get(f"/rapporten/buurtbeeld/{OWN}/")["Location"] == URLS["buurtbeeld_own"]
    assert client.get("/rapporten/programmasynthese/programma-a/")["Location"] == URLS["synthese_a"]


def test_buurtbeeld_shows_figures_and_stories_side_by_side_with_consented_quotes_only(as_user):
    page = unescape(as_user("community_builder").get(URLS["buurtbeeld_own"]).content.decode())
    for heading in (
        "Wat bewoners waardevol vinden",
        "Wie woont er, wie doet mee",
        "De aanpak: ABCD-principes",
        "Omgevingsfactoren: wat helpt, wat werkt tegen",
        "Effecten, en welke samen voorkomen",
        "Het netwerk: wie kent wie",
        "Meer dan aantallen: wat het oplevert",
        "Blijft het?",
        "In hun eigen woorden",
        "Tellen: thema's in de gesprekken",
        "Vertellen: in hun eigen woorden",
    ):
        assert heading in page, heading
    assert "Stapeling" in page  # three of five factor types hinder
    assert QUOTE_OK in page and QUOTE_NAMED in page
    assert QUOTE_INTERNAL not in page and QUOTE_WITHDRAWN not in page
    # Every chart has a title and a description; the charts are inline SVG.
    assert page.count('<svg class="kvs-chart') >= 6
    assert page.count("<title id=") >= 6 and page.count("<desc id=") >= 6


def test_financiersrapport_speaks_of_value_beyond_counts_and_never_names_the_speaker(as_user):
    page = as_user("funder").get(URLS["financier_own"]).content.decode()
    for text in (
        "Wat is er veranderd? Meer dan het aantal deelnemers",
        "Wat bewoners zeggen",
        "Wat is er nodig om het te laten duren?",
        "Meer contact",
        "Meer vertrouwen",
        "Meer initiatief",
        "Betere samenwerking",
        "Eigenaarschap",
        "Meerjarige financiering",
        "Wie doet nog niet mee?",
        # The fixed advice is labelled as general advice, not printed as a finding about the neighbourhood.
        "Algemeen advies uit het onderzoek (geen uitkomst over deze buurt)",
    ):
        assert text in unescape(page), text
    assert QUOTE_OK in page and QUOTE_NAMED in page
    assert QUOTE_INTERNAL not in page and QUOTE_WITHDRAWN not in page
    assert "Schuilnaam" not in page  # no pseudonym of any speaker reaches a funder
    # Two quotes about what changed (was three) and a place for one about what is hard: this neighbourhood has
    # no quotable fragment about what hinders, so the report says so instead of a third success.
    assert page.count('class="kvs-rquote"') == 2
    assert "Wat is moeilijk:" in unescape(page)


def _evidence_links(page: str) -> set[str]:
    return {unescape(href) for href in re.findall(r'<a class="kvs-num" href="([^"]+)"', page)}


def test_every_number_of_the_buurtbeeld_leads_to_its_evidence(as_user):
    client = as_user("community_builder")
    links = _evidence_links(client.get(URLS["buurtbeeld_own"]).content.decode())
    assert len(links) > 60
    for href in links:
        assert href.startswith(f"/rapporten/bewijs/{OWN}/2025/?n=")
        response = client.get(href)
        assert response.status_code == 200, href


def test_every_number_of_the_financiersrapport_leads_a_funder_to_its_evidence(as_user):
    client = as_user("funder")
    links = _evidence_links(client.get(URLS["financier_own"]).content.decode())
    assert len(links) > 10
    for href in links:
        assert client.get(href).status_code == 200, href


def test_every_number_of_the_synthesis_leads_to_its_evidence(as_user):
    client = as_user("researcher")
    links = _evidence_links(client.get(URLS["synthese_a"]).content.decode())
    assert any("/bewijs/programma/programma-a/2025/" in href for href in links)
    assert any(f"/bewijs/{SAME}/2025/" in href for href in links)  # a neighbourhood's own figures
    for href in links:
        assert client.get(href).status_code == 200, href


def test_synthesis_lists_neighbourhoods_marks_focus_and_compares_programmes(as_user):
    page = unescape(as_user("researcher").get(URLS["synthese_a"]).content.decode())
    assert "Eigen Buurt" in page and "Buurt Zelfde Programma" in page and "Buurt Ander Programma" not in page
    assert 'data-neighbourhood="BU90000001"' in page and "focus" in page
    assert "Vergeleken met de andere programma's" in page and "Programma B" in page
    assert "Tussen de jaren" in page and "Focusbuurten en de andere buurten" in page


def test_synthesis_covers_only_what_the_reader_may_see(as_user):
    page = as_user("community_builder").get(URLS["synthese_a"]).content.decode()
    assert "Deze synthese gaat over 1 van de 2 buurten van het programma" in page
    assert "Buurt Zelfde Programma" not in page
    assert "Programma B" not in page  # no comparison with a programme the reader cannot see


def test_start_page_links_the_reports(as_user):
    funder_page = as_user("funder").get("/").content.decode()
    assert f'href="/rapporten/financiersrapport/{OWN}/"' in funder_page and "Financiersrapport" in funder_page
    assert "/rapporten/buurtbeeld/" not in funder_page
    page = as_user("community_builder").get("/").content.decode()
    assert f'href="/rapporten/buurtbeeld/{OWN}/"' in page
    assert (
        'href="/rapporten/programmasynthese/programma-a/"' in page and "Programmasynthese Programma A" in page
    )


def test_neighbourhood_page_links_its_buurtbeeld(as_user):
    page = as_user("connector").get(f"/buurten/{OWN}/").content.decode()
    assert "Buurtbeeld (rapport)" in page and "/rapporten/buurtbeeld/BU90000001/" in page


def test_reports_in_english_too(as_user):
    client = as_user("community_builder")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(URLS["buurtbeeld_own"]).content.decode()
    assert "What residents value" in page and "Will it last?" in page

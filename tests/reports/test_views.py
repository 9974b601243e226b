"""The report pages: every role × every report, the funder's limits, years, numbers that lead to evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import unquote

import pytest
from django.test import Client

from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit
from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_NAMED, QUOTE_OK, QUOTE_WITHDRAWN, code

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
    # Stacking: three of the five types of environment factors hinder; said above the factors and in the chart.
    assert _stacking_alert(page).startswith(
        "belemmeringen stapelen zich op: bij 3 van de 5 soorten zijn belemmeringen genoemd"
    ), _stacking_alert(page)
    assert _flagged_types(page) == ["Bestuurlijk", "Professioneel", "Fysiek"]
    assert "Stapeling: bij 3 van de 5 soorten zijn" in page
    assert QUOTE_OK in page and QUOTE_NAMED in page
    assert QUOTE_INTERNAL not in page and QUOTE_WITHDRAWN not in page
    # Every chart has a title and a description; the charts are inline SVG.
    assert page.count('<svg class="kvs-chart') >= 6
    assert page.count("<title id=") >= 6 and page.count("<desc id=") >= 6


def _stacking_alert(page: str) -> str:
    """The stacking warning above the environment factors, as the reader reads it ("" when there is none)."""
    found = re.search(
        r'<p class="[^"]*kvs-alert" role="note"><strong>Stapeling:</strong>(.*?)</p>', page, re.S
    )
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _flagged_types(page: str) -> list[str]:
    """The types of environment factors the factor table flags as having something that hinders."""
    return re.findall(r'<th scope="row">([^<]+?) <span class="kvs-flag">belemmeringen genoemd</span>', page)


def test_a_neighbourhood_below_the_stacking_threshold_shows_what_hinders_but_no_stacking(as_user, world):
    for key in ("factor.governance", "factor.physical"):  # two of the five types hinder: stacking needs three
        FactorObservation.objects.create(
            neighbourhood=world.same,
            year=2025,
            code=code(key),
            direction="hinders",
            description=f"Lastig: {key}",
        )
    page = unescape(as_user("researcher").get(f"/rapporten/buurtbeeld/{SAME}/2025/").content.decode())
    assert _flagged_types(page) == ["Bestuurlijk", "Fysiek"]
    assert _stacking_alert(page) == "" and "stapelen zich op" not in page
    assert "Stapeling: bij" not in page  # nor under the chart
    # The methodology note still explains what stacking is.
    assert "Stapeling: belemmeringen bij 3 of meer van de vijf soorten" in page


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
    return {href for href, _text in _number_links(page)}


def _number_links(page: str) -> set[tuple[str, str]]:
    """Every number that links to its evidence: (href, the number as the reader sees it)."""
    found = re.findall(r'<a class="kvs-num" href="([^"]+)"[^>]*>([^<]*)</a>', page)
    return {(unescape(href), unescape(text)) for href, text in found}


@dataclass(frozen=True)
class EvidenceSeen:
    """What an evidence page says: the total of records ("N gegevens"), per kind of record the number in its
    heading ("3 fragmenten"), the note that says what the number counts, and the page's text."""

    href: str
    total: int
    kinds: dict[str, int]
    note: str
    text: str


def _evidence(client, href: str) -> EvidenceSeen:
    response = client.get(href)
    assert response.status_code == 200, href
    page = unescape(response.content.decode())
    total = re.search(r'data-testid="evidence-total">(\d+) gegevens?<', page)
    assert total, f"{href}: the evidence page does not say how many records it lists"
    kinds = dict(re.findall(r'<section [^>]*data-kind="(\w+)">\s*<h2[^>]*>(\d+) ', page))
    note = re.search(r'data-testid="evidence-note">([^<]*)<', page)
    return EvidenceSeen(
        href, int(total.group(1)), {k: int(n) for k, n in kinds.items()}, note.group(1) if note else "", page
    )


def _count(text: str) -> int | None:
    """A count as the report writes it (``1.000`` or ``1000``); None for a share, a mean or a word."""
    return int(text.replace(".", "")) if re.fullmatch(r"\d{1,3}(\.\d{3})*|\d+", text) else None


# Numbers that count something else than the records their evidence page lists, on purpose. For exactly these
# the evidence page says so in words (the note), starting with "Het getal <the number as shown>"; the check
# says how the number follows from what the page lists. Any other number must equal its page's total.
def _inhabitants(shown: str, seen: EvidenceSeen, _client) -> None:
    assert "is het aantal inwoners volgens het CBS" in seen.note
    assert seen.kinds == {"cbs": 1} and f"{shown} inwoners" in seen.text  # the population on the CBS record


def _group(shown: str, seen: EvidenceSeen, _client) -> None:
    assert "telt de bewoners uit deze groep die meededen" in seen.note and "CBS-record" in seen.note
    assert seen.kinds["person"] == _count(shown) and seen.kinds["cbs"] >= 1  # the CBS record is not counted


def _hindering_types(shown: str, seen: EvidenceSeen, _client) -> None:
    assert "telt de soorten omgevingsfactoren waarin iets tegenwerkt" in seen.note
    # Each observation names its type first ("Bestuur en beleid · Werkt tegen · 2025"): count the types.
    types = set(re.findall(r'<span class="kvs-evidence__line">([^<·]+?) · ', seen.text))
    assert len(types) == _count(shown), types


def _attendances(shown: str, seen: EvidenceSeen, data_client) -> None:
    assert "telt bezoeken" in seen.note and "Wie vaker kwam, telt vaker mee" in seen.note
    # Someone who sees the records reads each activity's number of participants: they add up to the number.
    listed = unescape(data_client.get(seen.href).content.decode())
    assert sum(int(n) for n in re.findall(r"(\d+) deelnemers<", listed)) == _count(shown)


def _resident_share(shown: str, seen: EvidenceSeen, _client) -> None:
    of_all = re.search(
        r"is een deel: van alle (\d+) activiteiten (?:is|zijn) er (\d+) door bewoners zelf", seen.note
    )
    assert of_all, seen.note
    assert int(of_all.group(2)) == seen.total
    assert f"{round(100 * seen.total / int(of_all.group(1)))}%" == shown


def _mean_of_answers(shown: str, seen: EvidenceSeen, _client) -> None:
    many = re.search(r"is het gemiddelde van (\d+) antwoorden? \(van 1 tot 5\) uit de vragenlijst", seen.note)
    assert many, seen.note
    assert seen.kinds == {"submission": int(many.group(1))}
    # Each answer is listed with the principle's name: their mean is the number.
    principle = re.search(r"ABCD-principe '([^']+)'", seen.text).group(1)
    values = [
        int(v)
        for v in re.findall(rf'<span class="kvs-evidence__line">{re.escape(principle)}: (\d)<', seen.text)
    ]
    assert len(values) == int(many.group(1))
    assert f"{sum(values) / len(values):.1f}".replace(".", ",") == shown


# The figure (a pattern on the evidence link, its key unquoted) → how the number follows from what the page lists.
EXPLAINED = {
    "inhabitants": (r"/bewijs/BU\d+/\d+/\?n=cbs$", _inhabitants),
    "group": (r"\?n=group:", _group),
    "hindering types": (r"/bewijs/BU\d+/\d+/\?n=stacking$", _hindering_types),
    "attendances": (r"\?n=activities:attendances$", _attendances),
    "resident share": (r"\?n=activities:residents:share$", _resident_share),
    "mean of answers": (r"\?n=principle:[\w.]+:answers$", _mean_of_answers),
}


def _check_numbers(client, links: set[tuple[str, str]], data_client=None) -> set[str]:
    """Every number against the total its evidence page shows; returns the figures that needed a note."""
    explained = set()
    for href, shown in sorted(links):
        seen = _evidence(client, href)
        name, check = next(
            (
                (name, check)
                for name, (pattern, check) in EXPLAINED.items()
                if re.search(pattern, unquote(href))
            ),
            ("", None),
        )
        if check is not None:
            assert seen.note.startswith(f"Het getal {shown} "), (href, shown, seen.note)
            check(shown, seen, data_client or client)
            explained.add(name)
            continue
        assert not seen.note, (href, seen.note)  # no explanation where none is needed
        if not re.search(r"\d", shown):
            # A structure's status ("aanwezig") leads to the one assessment that gives it.
            assert seen.total == 1 and f": {shown}<" in seen.text, (href, shown)
            continue
        assert _count(shown) == seen.total, (
            f"{href}: the report shows {shown}, its evidence lists {seen.total} records"
        )
    return explained


def test_every_number_of_the_buurtbeeld_matches_its_evidence_or_the_evidence_says_why(as_user):
    client = as_user("community_builder")
    links = _number_links(client.get(URLS["buurtbeeld_own"]).content.decode())
    assert len(links) > 60
    assert all(href.startswith(f"/rapporten/bewijs/{OWN}/2025/?n=") for href, _shown in links)
    assert _check_numbers(client, links) == {"inhabitants", "group", "hindering types"}


def test_every_number_of_the_financiersrapport_matches_the_evidence_a_funder_sees(as_user, world):
    client = as_user("funder")
    links = _number_links(client.get(URLS["financier_own"]).content.decode())
    assert len(links) > 10
    data_client = Client()
    data_client.force_login(world.users["community_builder"])
    explained = _check_numbers(client, links, data_client)
    assert explained == {"attendances", "resident share"}


def test_every_number_of_the_synthesis_matches_its_evidence_or_the_evidence_says_why(as_user):
    client = as_user("researcher")
    links = _number_links(client.get(URLS["synthese_a"]).content.decode())
    hrefs = {href for href, _shown in links}
    assert any("/bewijs/programma/programma-a/2025/" in href for href in hrefs)
    assert any(f"/bewijs/{SAME}/2025/" in href for href in hrefs)  # a neighbourhood's own figures
    assert _check_numbers(client, links) == {"group", "hindering types"}


def test_a_mean_of_questionnaire_answers_leads_to_those_answers_and_says_it_is_a_mean(as_user, world):
    forms_load_defaults()
    form = form_version_current(key="vragenlijst")
    for lead in ("4", "3"):  # the questionnaire asks all five principles
        raw = {"abcd_residents_lead": lead, "abcd_relations": "2", "abcd_whats_strong": "3", "abcd_from_within": "3",
               "abcd_everyone_welcome": "5"}  # fmt: skip
        submission_submit(form_version=form, neighbourhood=world.own, year=2025, user=None, raw=raw)
    client = as_user("community_builder")
    links = {(href, shown) for href, shown in _number_links(client.get(URLS["buurtbeeld_own"]).content.decode())
             if "principle" in href}  # fmt: skip
    assert ("/rapporten/bewijs/BU90000001/2025/?n=principle%3Aabcd.residents_lead%3Aanswers", "3,5") in links
    # The number of coded fragments next to it still counts only the fragments, not the answers.
    assert _check_numbers(client, links) == {"mean of answers"}


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

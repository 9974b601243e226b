"""Beleidssignalen: one municipality's policy signals over its neighbourhoods in the programmes — the governance and
societal factors that hinder and help with the stories behind them, what residents ask of policy, the vertical
structures that are missing, stacking — each number with its n and its evidence, too little data said in words,
only quotes residents allowed, never a name. Web page, PDF and ``kvs report beleidssignalen``.

The world (``tests/reports/conftest.py``): three neighbourhoods of Arnhem (GM0202), all in a programme. In 2025 only
"Eigen Buurt" has environment factors (governance, professional and physical hinder: stacking; relational helps)
and structures (horizontal networks present; vertical policy absent, funding partly). The other two have none.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from krachtvansamen.assessments.models import FactorObservation
from krachtvansamen.coding.models import Coding
from krachtvansamen.people.models import Consent, Organisation, Role
from krachtvansamen.reports.beleidssignalen import beleidssignalen_report, municipality_neighbourhoods
from tests.factories import (
    FragmentFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.jobs.pdf_flow import pdf_after_job
from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_WITHDRAWN, code

OWN, SAME, OTHER = "BU90000001", "BU90000002", "BU90000003"
URL = "/rapporten/beleidssignalen/GM0202/2025/"
STORY_GOVERNANCE = "De vergunning voor ons buurtfeest kostte vier maanden, toen was de zomer voorbij."
ASK_POLICY = "Wij vragen de gemeente om geld voor drie jaar in plaats van voor een jaar."
ASK_INTERNAL = "Intern: de wethouder moet dit echt eens regelen voor ons."


def report(year=2025):
    return beleidssignalen_report(
        municipality_code="GM0202",
        neighbourhoods=municipality_neighbourhoods(municipality_code="GM0202"),
        year=year,
    )


@pytest.fixture
def policy_officer(world):
    user = UserFactory(username="gemeente")
    organisation = OrganisationFactory(
        name="Gemeente Arnhem", kind=Organisation.Kind.MUNICIPALITY, municipality_code="GM0202"
    )
    MembershipFactory(user=user, role=Role.MUNICIPALITY, organisation=organisation)
    return user


@pytest.fixture
def as_officer(client, policy_officer):
    client.force_login(policy_officer)
    return client


@pytest.fixture
def stories(world):
    """A quotable story behind a hindering governance observation; the withdrawn speaker's story behind another;
    what residents ask of policy: one quotable, one for internal use."""
    own = world.own
    told = FragmentFactory(neighbourhood=own, year=2025, text=STORY_GOVERNANCE, speaker=world.ans,
                           consent_level="pseudonymised", instrument="pas_op_de_plaats")  # fmt: skip
    Coding.objects.create(fragment=told, code=code("factor.governance"))
    for fragment in (told, world.f_withdrawn):
        FactorObservation.objects.create(neighbourhood=own, year=2025, code=code("factor.governance"),
                                         direction="hinders", description="Uit het verhaal.", fragment=fragment)  # fmt: skip
    ask = FragmentFactory(neighbourhood=own, year=2025, text=ASK_POLICY, speaker=world.ans,
                          consent_level="pseudonymised", instrument="wijkwaardenkaart")  # fmt: skip
    Coding.objects.create(fragment=ask, code=code("sustainability.vertical.policy"))
    internal = FragmentFactory(neighbourhood=own, year=2025, text=ASK_INTERNAL, speaker=world.bram,
                               consent_level="internal", instrument="wijkwaardenkaart")  # fmt: skip
    Coding.objects.create(fragment=internal, code=code("sustainability.vertical.funding"))
    return told, ask


def row_html(html: str, cbs: str) -> str:
    return re.search(rf'<tr data-cbs="{cbs}">(.*?)</tr>', html, re.S).group(1)


# --- What the report says, worked out by hand --------------------------------------------------------------------


def test_the_figures_of_the_year_per_neighbourhood_and_together(world):
    r = report()
    assert [row.neighbourhood.cbs_code for row in r.rows] == [OTHER, SAME, OWN]  # by name
    own = r.rows[-1]
    assert [(c.key, c.hinders.value, c.helps.value) for c in own.factors] == [
        ("factor.governance", 1, 0),
        ("factor.societal", 0, 0),
    ]
    assert own.observed == 4 and own.assessed == 3
    assert own.hindering.value == 3 and own.stacking  # governance, professional, physical
    assert own.vertical_present.value == 0 and own.vertical_assessed == 2 and own.horizontal_present == 1
    assert [(g.key, g.status) for g in own.gaps] == [
        ("sustainability.vertical.policy", "absent"),
        ("sustainability.vertical.funding", "partly"),
    ]
    assert own.fragile and own.asks.value == 0
    assert [row.too_little for row in r.rows] == [True, True, False]
    governance, societal = r.factors
    assert (governance.hindering_neighbourhoods, governance.hinders, governance.helping_neighbourhoods) == (
        1,
        1,
        0,
    )
    assert (societal.hindering_neighbourhoods, societal.hinders, societal.helps) == (0, 0, 0)
    assert (r.stacking, r.fragile, r.vertical_assessed, r.asks, r.with_data) == (1, 1, 1, 0, 1)
    policy = next(g for g in r.gaps if g.key == "sustainability.vertical.policy")
    assert (policy.absent, policy.partly, policy.present, policy.not_assessed) == (1, 0, 0, 2)
    funding = next(g for g in r.gaps if g.key == "sustainability.vertical.funding")
    assert (funding.absent, funding.partly, funding.present, funding.not_assessed) == (0, 1, 0, 2)


def test_in_short_gives_each_sentence_its_number_and_says_what_is_too_thin(world):
    r = report()
    assert r.findings[0] == "In 2025 nemen 3 buurten van Arnhem deel aan een programma."
    assert r.findings[1].startswith("Over 2 buurten is in 2025 niets vastgelegd")
    assert "te weinig gegevens" in r.findings[1]
    assert "Bestuurlijk: belemmert in 1 van de 3 buurten (waarnemingen: 1), helpt in 0." in r.findings
    assert any("stapelen zich op" in s and "1 van de 3 buurten" in s for s in r.findings)
    assert any(s.startswith("In 1 van de 1 buurten waar ze zijn beoordeeld") for s in r.findings)


def test_the_stories_behind_what_hinders_and_what_is_asked_only_with_consent(world, stories):
    told, ask = stories
    r = report()
    governance = r.factors[0]
    assert governance.hinders == 3  # the two stories' observations added to the one of the world
    assert [s.quote.fragment_id for s in governance.stories] == [
        told.pk
    ]  # the withdrawn one is a candidate only
    assert governance.story_candidates == 2
    assert governance.stories[0].attribution.endswith("· Eigen Buurt")
    assert "Schuilnaam" not in governance.stories[0].attribution  # a role, never a pseudonym
    assert (r.asks, r.asks_quotable) == (2, 1)
    assert [s.quote.fragment_id for s in r.asks_stories] == [ask.pk]
    assert r.rows[-1].asks.value == 2


def test_the_page_shows_allowed_words_without_names_and_links_every_number(as_officer, stories):
    response = as_officer.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("Beleidssignalen", "Gemeente Arnhem in 2025", "In het kort", "Wat belemmert: bestuur en samenleving",
                    "Wat bewoners van beleid vragen", "Stapeling", "Wat helpt", "Per buurt", "Hoe lees je dit"):  # fmt: skip
        assert heading in html, heading
    assert STORY_GOVERNANCE in html and ASK_POLICY in html
    for text in (ASK_INTERNAL, QUOTE_WITHDRAWN, QUOTE_INTERNAL, "Schuilnaam", "Uit het verhaal."):
        assert text not in html, text
    assert (
        "2 verhalen in 2025 gaan over wat beleid, financiering of procedures zouden moeten doen (mogen worden geciteerd: 1)."
        in html
    )
    own = row_html(html, OWN)
    assert f'href="/rapporten/bewijs/{OWN}/2025/?n=factor%3Afactor.governance%3Ahinders"' in own
    assert f'href="/rapporten/bewijs/{OWN}/2025/?n=asks"' in own
    assert f'href="/rapporten/bewijs/{OWN}/2025/?n=structure%3Asustainability.vertical.policy"' in own
    assert "<strong>stapeling</strong>" in own
    assert re.search(
        r'href="/rapporten/bewijs/BU90000001/2025/\?n=stacking"[^>]*>3</a> van 5 typen belemmeren', own
    )
    thin = row_html(html, SAME)
    assert "Te weinig gegevens voor 2025" in thin and "kvs-num" not in thin  # no figure shown as a finding
    # No way into raw data from the page: no neighbourhood pages, no Buurtbeeld, no funder report.
    assert (
        "/buurten/" not in html and "/rapporten/buurtbeeld/" not in html and "financiersrapport" not in html
    )


def test_a_year_without_any_asks_says_so_in_words(as_officer):
    html = as_officer.get(URL).content.decode()
    assert "Te weinig gegevens: geen verhaal in 2025 gaat over wat beleid" in html
    assert (
        "Er is geen verhaal vastgelegd bij deze waarnemingen" in html
    )  # governance hinders, without a story


def test_the_evidence_behind_a_number_shows_counts_and_allowed_quotes_only(as_officer, stories):
    response = as_officer.get(f"/rapporten/bewijs/{OWN}/2025/", {"n": "factor:factor.governance:hinders"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "3 records" in html or "3 gegevens" in html or 'data-testid="evidence-total">3' in html
    assert "Als beleidsmedewerker zie je hoeveel het er zijn" in html
    assert (
        "Als beleidsmedewerker zie je op hoeveel gegevens een getal rust" in html
        and "Als financier" not in html
    )
    assert "Uit het verhaal." not in html and "Wat tegenwerkt" not in html  # observation texts stay hidden
    assert 'href="/rapporten/beleidssignalen/GM0202/2025/"' in html  # back to the report
    asks = as_officer.get(f"/rapporten/bewijs/{OWN}/2025/", {"n": "asks"}).content.decode()
    assert ASK_POLICY in asks and ASK_INTERNAL not in asks and "Schuilnaam" not in asks
    # Figures of other reports: not for a policy officer.
    for key in ("participants", "effect:effect.social:2025", "fragments", "roles_top", "funding"):
        assert as_officer.get(f"/rapporten/bewijs/{OWN}/2025/", {"n": key}).status_code == 403, key


def test_the_latest_year_and_a_year_without_data(as_officer):
    response = as_officer.get("/rapporten/beleidssignalen/GM0202/")
    assert response.status_code == 302 and response["Location"] == URL
    assert as_officer.get("/rapporten/beleidssignalen/GM0202/2019/").status_code == 404
    assert as_officer.get("/rapporten/beleidssignalen/gm0202/2025/").status_code == 200  # code in lower case


def test_a_neighbourhood_outside_the_programmes_is_left_out(world):
    NeighbourhoodFactory(name="Buurt Zonder Programma", programme=None, cbs_code="BU90000009")
    assert [n.cbs_code for n in municipality_neighbourhoods(municipality_code="GM0202")] == [OTHER, SAME, OWN]


# --- PDF and command line ----------------------------------------------------------------------------------------


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_pdf_holds_the_report_and_links_to_the_evidence(as_officer, stories):
    response = pdf_after_job(as_officer, URL + "pdf/")  # a job page first, then the PDF at once
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="beleidssignalen-GM0202-2025.pdf"'
    pages, text = pdf_text(response.content)
    for words in ("Beleidssignalen", "In het kort", "Eigen Buurt", "Te weinig gegevens voor 2025",
                  STORY_GOVERNANCE[:40], f"Pagina 1 van {pages}"):  # fmt: skip
        assert words in text, words
    assert "Download als pdf" not in text and "Schuilnaam" not in text and ASK_INTERNAL[:30] not in text
    links = [a.get_object()["/A"]["/URI"] for page in PdfReader(io.BytesIO(response.content)).pages
             for a in page.get("/Annots", [])]  # fmt: skip
    assert f"http://testserver/rapporten/bewijs/{OWN}/2025/?n=asks" in links


def test_kvs_report_beleidssignalen_writes_a_pdf(world, tmp_path):
    out = tmp_path / "beleid.pdf"
    call_command("report", "beleidssignalen", "--municipality", "GM0202", "--year", "2025", "--out", str(out),
                 "--site-url", "https://kracht.example.nl/")  # fmt: skip
    content = out.read_bytes()
    assert content.startswith(b"%PDF")
    _pages, text = pdf_text(content)
    assert "Gemeente Arnhem in 2025" in text and "Eigen Buurt" in text
    links = [a.get_object()["/A"]["/URI"] for page in PdfReader(io.BytesIO(content)).pages
             for a in page.get("/Annots", [])]  # fmt: skip
    assert any(uri.startswith(f"https://kracht.example.nl/rapporten/bewijs/{OWN}/2025/?n=") for uri in links)


def test_kvs_report_beleidssignalen_refuses_bad_input_and_writes_nothing(world, tmp_path):
    out = tmp_path / "beleid.pdf"
    for code_text, message in (("0202", "GM0202"), ("GM9999", "GM9999")):
        with pytest.raises(CommandError, match=message):
            call_command(
                "report", "beleidssignalen", "--municipality", code_text, "--year", "2025", "--out", str(out)
            )
    with pytest.raises(CommandError, match="2019"):
        call_command(
            "report", "beleidssignalen", "--municipality", "GM0202", "--year", "2019", "--out", str(out)
        )
    assert not out.exists()
    call_command(
        "report", "beleidssignalen", "--municipality", "GM0202", "--out", str(out)
    )  # the latest year
    assert "2025" in pdf_text(out.read_bytes())[1]


def test_a_withdrawn_consent_takes_the_story_out_at_once(world, stories):
    told, _ask = stories
    Consent.objects.create(person=world.ans, scope=Consent.Scope.QUOTES, given=False, level="")
    r = report()
    assert r.factors[0].stories == [] and r.factors[0].story_candidates == 2
    assert r.asks_stories == [] and (r.asks, r.asks_quotable) == (2, 0)


def test_asks_of_earlier_years_fill_up_under_their_own_heading_and_are_not_counted(as_officer, world):
    earlier = FragmentFactory(neighbourhood=world.own, year=2024, text="Vorig jaar vroegen we al om een vaste sleutel.",
                              speaker=world.ans, consent_level="pseudonymised")  # fmt: skip
    Coding.objects.create(fragment=earlier, code=code("sustainability.vertical.procedures"))
    r = report()
    assert (r.asks, r.asks_stories) == (0, [])  # 2025 itself has none
    assert [s.quote.fragment_id for s in r.asks_earlier] == [earlier.pk]
    assert " · 2024 · Eigen Buurt" in r.asks_earlier[0].attribution
    html = as_officer.get(URL).content.decode()
    assert "Te weinig gegevens: geen verhaal in 2025 gaat over wat beleid" in html
    assert "Gevraagd vóór 2025" in html and "Vorig jaar vroegen we al om een vaste sleutel." in html

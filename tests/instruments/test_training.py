"""Training: an instruction page per instrument, and practising the Wijkwaardenkaart without anything counting."""

from __future__ import annotations

import re

import pytest
from django.apps import apps

from krachtvansamen.coding.models import Instrument
from krachtvansamen.instruments.defaults import DEFAULT_FORM_KEYS
from krachtvansamen.instruments.training import INSTRUCTIONS, STUDY_QUESTIONS, TERMS
from krachtvansamen.people.models import Organisation, Role
from tests.factories import (
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INDEX = "/instrumenten/uitleg/"
PRACTICE = "/instrumenten/uitleg/wijkwaardenkaart/oefenen/"
# A complete, correct Wijkwaardenkaart conversation (the themes are codes of the shipped codebook).
GOOD_ANSWERS = {
    "values": "De bankjes bij het water. Daar zit ik elke middag met de buurvrouwen.",
    "hinders": "Er wordt hard gereden langs het water.",
    "themes": ["vitality.nature", "vitality.social_contact"],
    "consent": "pseudonymised",
    "pseudonym": "Waterkant",
    "demographics": "yes",
    "age_band": "65+",
    "origin": "netherlands",
}


def _user(role: str | None):
    """A user in ``role``, with the reach that role has in the app; None: no membership at all."""
    user = UserFactory()
    neighbourhood = NeighbourhoodFactory(programme=ProgrammeFactory())
    if role in (Role.CONNECTOR, Role.COMMUNITY_BUILDER):
        MembershipFactory(user=user, role=role, neighbourhood=neighbourhood)
    elif role == Role.PROGRAMME_MANAGER:
        MembershipFactory(user=user, role=role, programme=neighbourhood.programme)
    elif role in (Role.RESEARCHER, Role.ADMIN, Role.RESIDENT):
        MembershipFactory(user=user, role=role)
    elif role == Role.FUNDER:
        fund = OrganisationFactory(kind=Organisation.Kind.FUND)
        FundingFactory(funder=fund, neighbourhood=neighbourhood)
        MembershipFactory(user=user, role=role, organisation=fund)
    elif role == Role.MUNICIPALITY:
        municipality = OrganisationFactory(kind=Organisation.Kind.MUNICIPALITY, municipality_code="GM0202")
        MembershipFactory(user=user, role=role, organisation=municipality)
    return user


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_there_is_an_instruction_for_every_instrument_the_app_knows():
    assert set(INSTRUCTIONS) == set(Instrument.values)
    assert set(DEFAULT_FORM_KEYS) <= set(INSTRUCTIONS)  # every shipped form has its page
    for instruction in INSTRUCTIONS.values():
        assert instruction.steps and instruction.consent_script
        assert 2 <= len(instruction.examples) <= 3
        assert any(e.good for e in instruction.examples) and any(not e.good for e in instruction.examples)
        assert set(instruction.study_questions) <= set(STUDY_QUESTIONS)
        assert set(instruction.terms) <= set(TERMS)


@pytest.mark.parametrize("instrument", Instrument.values)
def test_each_instrument_page_shows_its_consent_script_in_dutch(client, forms, instrument):
    client.force_login(_user(Role.COMMUNITY_BUILDER))
    response = client.get(f"/instrumenten/uitleg/{instrument}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Toestemming vragen" in content and 'data-testid="consent-script"' in content
    script = re.search(r'data-testid="consent-script">(.*?)</div>', content, re.S).group(1)
    assert script.count("<p") == len(INSTRUCTIONS[instrument].consent_script)
    assert "Voorbeelden" in content and "Niet zo" in content and "Waar is het voor?" in content


def test_the_wijkwaardenkaart_consent_script_says_what_the_app_really_does(client, forms):
    client.force_login(_user(Role.CONNECTOR))
    content = client.get("/instrumenten/uitleg/wijkwaardenkaart/").content.decode()
    # The three choices of the form's consent question, the pseudonym, the review, and the personal code.
    assert "We mogen het gebruiken en citeren, zonder je naam." in content
    assert "je krijgt een schuilnaam" in content and "iemand leest elk citaat na" in content
    assert "http://testserver/mijn-gegevens/" in content  # the real address of the resident's page
    assert "alles laten wissen" in content
    assert 'href="/instrumenten/uitleg/wijkwaardenkaart/oefenen/"' in content
    assert re.search(r'href="/instrumenten/wijkwaardenkaart/BU\d+/"', content)  # start the real one


def test_unknown_instrument_is_404_and_only_the_wijkwaardenkaart_is_practised(client, forms):
    client.force_login(_user(Role.COMMUNITY_BUILDER))
    assert client.get("/instrumenten/uitleg/bestaat-niet/").status_code == 404
    assert client.get("/instrumenten/uitleg/bestaat-niet/oefenen/").status_code == 404
    assert client.get("/instrumenten/uitleg/vragenlijst/oefenen/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, forms):
    for url in (INDEX, "/instrumenten/uitleg/wijkwaardenkaart/", PRACTICE):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/inloggen/")
    assert client.post(PRACTICE, GOOD_ANSWERS).status_code == 302


@pytest.mark.parametrize(
    ("role", "may_practise"),
    [
        (Role.CONNECTOR, True),
        (Role.COMMUNITY_BUILDER, True),
        (Role.RESEARCHER, True),
        (Role.PROGRAMME_MANAGER, True),
        (Role.ADMIN, True),
        (Role.FUNDER, False),
        (Role.MUNICIPALITY, False),
        (Role.RESIDENT, False),
        (None, False),
    ],
)
def test_roles_read_the_explanation_and_only_those_who_fill_in_forms_practise(
    client, forms, role, may_practise
):
    client.force_login(_user(role))
    index = client.get(INDEX)
    page = client.get("/instrumenten/uitleg/wijkwaardenkaart/")
    assert index.status_code == 200 and page.status_code == 200  # the explanation holds no one's data
    assert ('href="/instrumenten/uitleg/wijkwaardenkaart/oefenen/"' in index.content.decode()) is may_practise
    assert ("Eerst oefenen" in page.content.decode()) is may_practise
    assert ("Begin met" in page.content.decode()) is may_practise
    assert client.get(PRACTICE).status_code == (200 if may_practise else 403)
    assert client.post(PRACTICE, GOOD_ANSWERS).status_code == (200 if may_practise else 403)


def test_practice_shows_the_real_questions_under_a_banner_and_loads_no_autosave(client, forms):
    client.force_login(_user(Role.CONNECTOR))
    response = client.get(PRACTICE)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Oefenen — dit telt nergens mee" in content
    assert "Wat vind je waardevol in deze buurt?" in content and "Natuur en groen" in content
    assert "Schuilnaam van de bewoner" in content
    assert "form.js" not in content  # it would autosave a draft and keep a copy in the browser
    assert 'name="concept"' not in content
    # The pseudonym question is hidden by CSS until the resident agreed to keep the story.
    assert '#oefen-formulier:not(:is(:has(input[name="consent"][value="pseudonymised"]:checked)' in content
    assert response["Cache-Control"] == "private, no-store"


def test_a_practice_submit_saves_nothing_anywhere(client, forms):
    user = _user(Role.COMMUNITY_BUILDER)
    client.force_login(user)
    client.get(PRACTICE)  # the session and CSRF cookie exist before counting
    before = _row_counts()
    response = client.post(PRACTICE, GOOD_ANSWERS)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Dit is niet opgeslagen." in content and "Oefenen — dit telt nergens mee" in content
    assert "De bankjes bij het water." in content and "Waterkant" in content and "Natuur en groen" in content
    assert "2 antwoorden zouden fragmenten worden" in content
    assert "pas nadat iemand ze heeft nagelezen" in content
    assert _row_counts() == before
    # Also the refusing resident, the error round and a GET leave every table as it was.
    client.post(PRACTICE, {**GOOD_ANSWERS, "consent": "none"})
    client.post(PRACTICE, {"values": "Iets"})
    client.get(PRACTICE)
    assert _row_counts() == before


def test_a_required_question_left_empty_shows_the_dutch_error_in_practice_too(client, forms):
    client.force_login(_user(Role.CONNECTOR))
    before = _row_counts()
    answers = {**GOOD_ANSWERS, "values": "", "themes": []}
    response = client.post(PRACTICE, answers)
    content = response.content.decode()
    assert response.status_code == 400
    assert "Kijk deze antwoorden nog even na" in content
    assert "Vul dit in." in content and "Kies er minstens één." in content
    assert "Oefenen — dit telt nergens mee" in content  # the banner on this step too
    assert 'value="Waterkant"' in content  # what was typed comes back
    assert "Dit is niet opgeslagen." not in content
    assert _row_counts() == before


def test_refusing_resident_in_practice_is_explained(client, forms):
    client.force_login(_user(Role.CONNECTOR))
    content = client.post(PRACTICE, {**GOOD_ANSWERS, "consent": "none"}).content.decode()
    assert "Er zou niets van de woorden van de bewoner bewaard blijven" in content
    assert "De bankjes bij het water." in content  # the summary shows what was entered; for real it would go


def test_the_instruments_page_links_to_the_explanations(client, forms):
    user = _user(Role.COMMUNITY_BUILDER)
    client.force_login(user)
    content = client.get("/instrumenten/").content.decode()
    assert 'href="/instrumenten/uitleg/"' in content
    assert 'href="/instrumenten/uitleg/wijkwaardenkaart/">Uitleg en oefenen</a>' in content
    assert 'href="/instrumenten/uitleg/vragenlijst/">Uitleg</a>' in content


def test_the_english_interface_shows_the_english_explanation(client, forms):
    client.force_login(_user(Role.CONNECTOR))
    client.post("/i18n/setlang/", {"language": "en", "next": INDEX})
    content = client.get(PRACTICE).content.decode()
    assert "Practice — this does not count anywhere" in content

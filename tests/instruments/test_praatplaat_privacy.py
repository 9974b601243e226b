"""The praatplaat is used with residents present: only the words of quotable stories, never special-category
ones; the others are counted ("N verhalen alleen voor het team"). The team may ask for internal stories."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

import pytest

from krachtvansamen.coding.models import Coding
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.instruments.selectors import praatplaat, praatplaat_stories
from krachtvansamen.people.models import Consent, Role
from tests.factories import (
    FragmentFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
)
from tests.factories.people import FundingFactory

THEME = "vitality.nature"
OPEN = "De moestuin is van iedereen."
INTERNAL = "Dit vertel ik alleen aan jullie."
SPECIAL = "Als homo voel ik me hier eindelijk veilig."
NARROWED = "Ik wil later toch niet geciteerd worden."


def _consent(person, level, given=True):
    return Consent.objects.create(person=person, scope=Consent.Scope.QUOTES, given=given, level=level)


@pytest.fixture
def plate(forms, builder) -> SimpleNamespace:
    user, neighbourhood = builder
    nature = code_get_current(key=THEME)

    def story(text, pseudonym, level, special=False):
        person = PersonFactory(neighbourhood=neighbourhood, pseudonym=pseudonym)
        _consent(person, level)
        fragment = FragmentFactory(
            neighbourhood=neighbourhood, year=2025, text=text, instrument="wijkwaardenkaart",
            speaker=person, consent_level=level, special_category=special,
        )  # fmt: skip
        Coding.objects.create(fragment=fragment, code=nature, coder=user)
        return fragment

    w = SimpleNamespace(user=user, n=neighbourhood)
    w.open = story(OPEN, "Tuinman", "pseudonymised")
    w.internal = story(INTERNAL, "Stille Buur", "internal")
    w.special = story(SPECIAL, "Regenboog", "pseudonymised", special=True)
    w.narrowed = story(NARROWED, "Bedenker", "pseudonymised")
    _consent(w.narrowed.speaker, "internal")  # later: only for internal use
    w.url = f"/instrumenten/praatplaat/{neighbourhood.cbs_code}/?thema={THEME}"
    return w


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_stories_are_only_quotable_ones_by_default(plate):
    stories = praatplaat_stories(neighbourhood=plate.n, year=None, theme_key=THEME)
    assert [(s.text, s.speaker, s.team_only) for s in stories] == [(OPEN, "Tuinman", False)]
    assert stories.withheld == 3 and not stories.internal


def test_the_theme_counts_every_story(plate):
    assert praatplaat(neighbourhood=plate.n).theme(THEME).total == 4


def test_the_page_shows_quotable_words_and_counts_the_rest_without_text(client, plate):
    page = _page(client, plate.user, plate.url)
    assert OPEN in page and "Tuinman" in page
    for text in (INTERNAL, SPECIAL, NARROWED, "Stille Buur", "Regenboog", "Bedenker"):
        assert text not in page, text
    assert "3 verhalen alleen voor het team" in page
    assert "4 verhalen" in page  # the bubble counts them all
    assert "Toon ook interne verhalen (alleen voor het team, niet op een scherm met bewoners)" in page
    assert "Je ziet nu ook interne verhalen" not in page


def test_a_special_fragment_with_pseudonymised_consent_is_not_shown(plate):
    texts = {s.text for s in praatplaat_stories(neighbourhood=plate.n, year=None, theme_key=THEME)}
    assert plate.special.consent_level == "pseudonymised" and SPECIAL not in texts


def test_consent_narrowed_later_applies(plate):
    texts = {s.text for s in praatplaat_stories(neighbourhood=plate.n, year=None, theme_key=THEME)}
    assert NARROWED not in texts
    _consent(plate.narrowed.speaker, "pseudonymised")  # given again, even later: quotable again
    texts = {s.text for s in praatplaat_stories(neighbourhood=plate.n, year=None, theme_key=THEME)}
    assert NARROWED in texts


def test_the_team_switch_shows_internal_stories_labelled_but_never_special_ones(client, plate):
    stories = praatplaat_stories(neighbourhood=plate.n, year=None, theme_key=THEME, internal=True)
    assert {(s.text, s.team_only) for s in stories} == {(OPEN, False), (INTERNAL, True), (NARROWED, True)}
    assert stories.withheld == 1
    page = _page(client, plate.user, plate.url + "&intern=1")
    assert "Je ziet nu ook interne verhalen: alleen voor het team." in page
    assert INTERNAL in page and NARROWED in page and "alleen voor het team" in page
    assert SPECIAL not in page and "Regenboog" not in page
    assert "1 verhaal wordt hier nooit getoond: het bevat een bijzonder persoonsgegeven" in page
    assert "Verberg de interne verhalen" in page
    assert "&intern=1" in page  # the theme links keep the team's view


@pytest.mark.parametrize("role", [Role.CONNECTOR, Role.RESEARCHER])
def test_other_data_roles_get_the_same_default_and_switch(client, plate, role):
    user = UserFactory()
    if role == Role.CONNECTOR:
        MembershipFactory(user=user, role=role, neighbourhood=plate.n)
    else:
        MembershipFactory(user=user, role=role)
    page = _page(client, user, plate.url)
    assert OPEN in page and INTERNAL not in page
    page = _page(client, user, plate.url + "&intern=1")
    assert INTERNAL in page and SPECIAL not in page


def test_a_funder_does_not_reach_the_praatplaat(client, plate):
    funder = UserFactory()
    organisation = OrganisationFactory()
    MembershipFactory(user=funder, role=Role.FUNDER, organisation=organisation)
    FundingFactory(funder=organisation, neighbourhood=plate.n)
    client.force_login(funder)
    assert client.get(plate.url + "&intern=1").status_code == 403

"""The submission page shows a conversation's answers as the resident allows them *now* (issue 14), as the API
does (``instruments.selectors.answers_now``): no age group or origin once that consent is withdrawn, the words
as corrected (never as first sent), nothing of an answer whose fragment was deleted; a draft only to its
writer; and erasure takes the person's words out of the stored answers, not just off the page."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.services import fragments_delete
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.services import submission_submit
from krachtvansamen.people.models import Consent, Person, Role
from krachtvansamen.privacy import erasure
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.web.residents.services import (
    Resident,
    resident_demographics_withdraw,
    resident_words_correct,
)
from tests.factories import MembershipFactory, NeighbourhoodFactory, UserFactory

pytestmark = pytest.mark.django_db

VALUES = "Het bankje bij de vijver."
HINDERS = "De bus rijdt te weinig."
CONVERSATION = {
    "values": VALUES, "hinders": HINDERS, "themes": ["vitality.nature"], "consent": "pseudonymised",
    "pseudonym": "Vijverman", "demographics": "yes", "age_band": "65+", "origin": "outside_europe",
}  # fmt: skip
# What the page shows of the demographics, and what it must never hold once they are withdrawn.
DEMOGRAPHICS_SHOWN = ("<dt>Leeftijdsgroep</dt>", "65 of ouder", "<dt>Herkomst</dt>", "Buiten Europa")
DEMOGRAPHICS_RAW = ("65+", "outside_europe")
WITHHELD = "Leeftijdsgroep en herkomst staan hier niet: de bewoner geeft daar geen toestemming (meer) voor."


@pytest.fixture
def conversation(forms, builder) -> Submission:
    user, neighbourhood = builder
    return submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025,
        raw=dict(CONVERSATION), user=user,
    )  # fmt: skip


@pytest.fixture
def team(builder) -> Client:
    """A colleague of the buurt's team, who may see its raw data (not the writer)."""
    _user, neighbourhood = builder
    colleague = UserFactory()
    MembershipFactory(user=colleague, role=Role.CONNECTOR, neighbourhood=neighbourhood)
    client = Client()
    client.force_login(colleague)
    return client


def page(client: Client, submission: Submission) -> str:
    response = client.get(f"/instrumenten/antwoorden/{submission.pk}/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def answer_of(html: str, label: str) -> str:
    """The text of the answer to the question labelled ``label`` on the page."""
    found = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    assert found, label
    return found.group(1).strip()


def fragment_of(submission: Submission, question: str) -> Fragment:
    return submission.fragment_links.get(question=question).fragment


# --- demographics ---------------------------------------------------------------------------------------------


def test_age_group_and_origin_are_shown_while_the_resident_allows_it(team, conversation):
    html = page(team, conversation)
    for shown in DEMOGRAPHICS_SHOWN:
        assert shown in html
    assert answer_of(html, "Leeftijdsgroep") == "65 of ouder"
    assert WITHHELD not in html


def test_withdrawing_demographics_later_takes_them_off_the_page(team, conversation):
    before = page(team, conversation)
    assert "65 of ouder" in before
    Consent.objects.create(person=conversation.person, scope=Consent.Scope.DEMOGRAPHICS, given=False)
    html = page(team, conversation)
    for leak in DEMOGRAPHICS_SHOWN + DEMOGRAPHICS_RAW:
        assert leak not in html, leak
    assert WITHHELD in html
    # The rest of the conversation stays as it was.
    assert answer_of(html, "Wat vind je waardevol in deze buurt?") == VALUES
    assert "Vijverman" in html


def test_the_resident_withdrawing_with_their_code_takes_them_off_the_page(team, conversation):
    resident_demographics_withdraw(Resident(kind="person", pk=conversation.person_id))
    html = page(team, conversation)
    assert WITHHELD in html and not any(leak in html for leak in DEMOGRAPHICS_SHOWN + DEMOGRAPHICS_RAW)


def test_consent_given_again_later_shows_them_again(team, conversation):
    """The newest consent counts, both ways."""
    person = conversation.person
    withdrawn = Consent.objects.create(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=False)
    again = Consent.objects.create(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=True)
    Consent.objects.filter(pk=again.pk).update(recorded_at=withdrawn.recorded_at.replace(year=2030))
    html = page(team, conversation)
    assert "65 of ouder" in html and WITHHELD not in html


def test_no_resident_linked_means_no_demographics(team, conversation):
    """A resident removed from the conversation (the link set empty) gave no consent the page can read."""
    Submission.objects.filter(pk=conversation.pk).update(person=None)
    html = page(team, conversation)
    assert WITHHELD in html and "65 of ouder" not in html


# --- words corrected or deleted later --------------------------------------------------------------------------


def _resident_corrects(submission: Submission, fragment: Fragment, text: str) -> None:
    resident_words_correct(
        Resident(kind="person", pk=submission.person_id), key=f"fragment:{fragment.pk}", text=text
    )


def _team_corrects(_submission: Submission, fragment: Fragment, text: str) -> None:
    fragment.text = text  # as the admin's change form and a QDA import save it
    fragment.save()


@pytest.mark.parametrize("correct", [_resident_corrects, _team_corrects], ids=["resident", "team"])
def test_words_corrected_later_show_as_corrected_never_as_first_sent(team, conversation, correct):
    assert answer_of(page(team, conversation), "Wat vind je waardevol in deze buurt?") == VALUES
    correct(conversation, fragment_of(conversation, "values"), "Het bankje bij het water.")
    html = page(team, conversation)
    assert VALUES not in html
    assert answer_of(html, "Wat vind je waardevol in deze buurt?").startswith("Het bankje bij het water.")
    assert "(later verbeterd)" in answer_of(html, "Wat vind je waardevol in deze buurt?")
    assert "(later verbeterd)" not in answer_of(html, "Wat maakt het moeilijk?")


def test_words_only_in_other_line_breaks_are_no_correction(team, forms, builder):
    user, neighbourhood = builder
    submission = submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025, user=user,
        raw={**CONVERSATION, "values": "Het bankje.\r\nDe vijver."},
    )  # fmt: skip
    html = page(team, submission)
    assert "Het bankje.<br>De vijver." in html and "later verbeterd" not in html


def test_words_whose_fragment_the_team_deleted_later_are_gone(team, conversation):
    assert HINDERS in page(team, conversation)
    fragments_delete(fragments=Fragment.objects.filter(pk=fragment_of(conversation, "hinders").pk))
    html = page(team, conversation)
    assert HINDERS not in html and "Wat maakt het moeilijk?" not in html
    assert "1 antwoord staat hier niet meer: het fragment dat ervan gemaakt was, is verwijderd." in html
    assert answer_of(html, "Wat vind je waardevol in deze buurt?") == VALUES


def test_every_fragment_deleted_says_how_many_answers_are_gone(team, conversation):
    fragments_delete(fragments=Fragment.objects.filter(submission_link__submission=conversation))
    html = page(team, conversation)
    assert VALUES not in html and HINDERS not in html
    assert (
        "2 antwoorden staan hier niet meer: de fragmenten die ervan gemaakt waren, zijn verwijderd." in html
    )


def test_a_conversation_without_changes_shows_no_notes(team, conversation):
    html = page(team, conversation)
    assert "data-withheld" not in html and "later verbeterd" not in html


def test_the_page_shows_what_the_api_shows(team, conversation, client):
    """One rule for both: after all three changes, the API's answers are exactly the page's."""
    from krachtvansamen.api.answers import answers_shown, with_demographics_consent  # noqa: PLC0415

    Consent.objects.create(person=conversation.person, scope=Consent.Scope.DEMOGRAPHICS, given=False)
    Fragment.objects.filter(pk=fragment_of(conversation, "values").pk).update(text="Nieuw.")
    fragment_of(conversation, "hinders").delete()
    api = answers_shown(with_demographics_consent(Submission.objects.filter(pk=conversation.pk)).get())
    assert set(api) == {"values", "themes", "consent", "pseudonym", "demographics"}
    html = page(team, conversation)
    assert answer_of(html, "Wat vind je waardevol in deze buurt?").startswith(api["values"])


# --- drafts: their writer's own --------------------------------------------------------------------------------


@pytest.fixture
def draft(forms, builder) -> Submission:
    user, neighbourhood = builder
    writer = Client()
    writer.force_login(user)
    url = f"/instrumenten/wijkwaardenkaart/{neighbourhood.cbs_code}/"
    concept = writer.post(url, {"values": "Geheim concept van de schrijver."}, HTTP_X_AUTOSAVE="1").json()
    return Submission.objects.get(client_id=concept["concept"])


def test_a_draft_is_its_writers_alone(draft, builder, team):
    user, neighbourhood = builder
    writer = Client()
    writer.force_login(user)
    assert "Geheim concept van de schrijver." in page(writer, draft)
    # A colleague of the same buurt, a researcher of its programme and an administrator: as if it did not exist.
    researcher = UserFactory()
    MembershipFactory(user=researcher, role=Role.RESEARCHER, programme=neighbourhood.programme)
    admin = UserFactory(is_superuser=True, is_staff=True)
    for other in (researcher, admin):
        client = Client()
        client.force_login(other)
        response = client.get(f"/instrumenten/antwoorden/{draft.pk}/")
        assert response.status_code == 404
        assert "Geheim concept" not in response.content.decode()
    response = team.get(f"/instrumenten/antwoorden/{draft.pk}/")
    assert response.status_code == 404 and "Geheim concept" not in response.content.decode()


def test_a_colleagues_draft_is_in_no_list(draft, builder, team):
    _user, neighbourhood = builder
    for url in ("/instrumenten/", f"/buurten/{neighbourhood.cbs_code}/"):
        html = team.get(url).content.decode()
        assert f"/instrumenten/antwoorden/{draft.pk}/" not in html, url
        assert str(draft.client_id) not in html and "Geheim concept" not in html, url


def test_a_draft_once_sent_is_the_teams(draft, builder, team):
    """Sending ends the draft's privacy: the team then sees it like any conversation."""
    user, neighbourhood = builder
    writer = Client()
    writer.force_login(user)
    sent = writer.post(
        f"/instrumenten/wijkwaardenkaart/{neighbourhood.cbs_code}/",
        {"concept": str(draft.client_id), "values": "Het plein.", "themes": ["vitality.nature"],
         "consent": "internal", "pseudonym": "Pleinman", "actie": "versturen", "jaar": str(draft.year)},
    )  # fmt: skip
    assert sent.status_code == 302, unescape(sent.content.decode())[:2000]
    assert "Het plein." in page(team, draft)


def test_someone_outside_the_buurt_is_refused_a_sent_conversation(conversation):
    stranger = UserFactory()
    MembershipFactory(user=stranger, role=Role.CONNECTOR, neighbourhood=NeighbourhoodFactory())
    client = Client()
    client.force_login(stranger)
    response = client.get(f"/instrumenten/antwoorden/{conversation.pk}/")
    assert response.status_code == 403 and VALUES not in response.content.decode()


# --- erasure: the stored answers too ----------------------------------------------------------------------------

NOTES = "Mevrouw Reiger vertelt dat de speeltuin onveilig is."


@pytest.fixture
def quoted_in_a_buurtscan(forms, builder, conversation) -> Submission:
    """The team's buurtscan, whose notes the team later attributed to the resident of the conversation."""
    user, neighbourhood = builder
    scan = submission_submit(
        form_version=forms["buurtscan"], neighbourhood=neighbourhood, year=2025, user=user,
        raw={"notes": NOTES, "networks": "De buurtvereniging."},
    )  # fmt: skip
    Fragment.objects.filter(pk=fragment_of(scan, "notes").pk).update(speaker=conversation.person)
    return scan


def test_erasure_removes_the_conversation_and_its_page(team, conversation, builder):
    person_erase(conversation.person, builder[0], "Verzoek")
    assert not Submission.objects.filter(pk=conversation.pk).exists()
    assert team.get(f"/instrumenten/antwoorden/{conversation.pk}/").status_code == 404


def test_erasure_takes_the_persons_words_out_of_someone_elses_stored_answers(
    team, conversation, quoted_in_a_buurtscan, builder
):
    scan = quoted_in_a_buurtscan
    assert NOTES in page(team, scan)
    record = person_erase(conversation.person, builder[0], "Verzoek")
    stored = Submission.objects.get(pk=scan.pk).answers
    assert "notes" not in stored and NOTES not in str(stored)
    assert stored["networks"] == "De buurtvereniging."  # the team's own words stay
    assert fragment_of(scan, "networks").text == "De buurtvereniging."
    assert record.counts["instruments.Submission (answers of the person removed)"] == 1
    html = page(team, scan)
    assert NOTES not in html and "De buurtvereniging." in html
    assert not Person.objects.filter(pk=conversation.person_id).exists()


def test_erasure_leaves_a_submission_without_the_persons_words_alone(team, conversation, forms, builder):
    user, neighbourhood = builder
    scan = submission_submit(
        form_version=forms["buurtscan"], neighbourhood=neighbourhood, year=2025, user=user,
        raw={"notes": NOTES},
    )  # fmt: skip
    record = person_erase(conversation.person, user, "Verzoek")
    assert Submission.objects.get(pk=scan.pk).answers == {"notes": NOTES}
    assert "instruments.Submission (answers of the person removed)" not in record.counts


def test_an_erasure_failing_halfway_keeps_the_stored_answers(
    conversation, quoted_in_a_buurtscan, builder, monkeypatch
):
    def broken(_person: Person) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(erasure, "_erasers", [*erasure._erasers, (150, broken)])
    with pytest.raises(RuntimeError):
        person_erase(conversation.person, builder[0], "Verzoek")
    assert Submission.objects.get(pk=quoted_in_a_buurtscan.pk).answers["notes"] == NOTES
    assert Submission.objects.filter(pk=conversation.pk).exists()

"""Quote review (issue 13, row 5): a resident's consent covers their own words, not the people they name. Before
a fragment is quoted outside the team, names, addresses, phone numbers and e-mail addresses in it are replaced
(deduce) and a person approves the words. Until then nothing of it is shown to a funder; afterwards only the
approved words are.

Uses the report tests' world (tests/reports/conftest.py): Ans gave 'pseudonymised' quoting consent for the
fragment ``f_ok``, which these tests give a text that names someone and send back to review.
"""

from __future__ import annotations

import csv
import io
from html import unescape
from types import SimpleNamespace
from urllib.parse import quote

import pytest

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import QuoteReviewError, quote_review_decide
from krachtvansamen.privacy.selectors import quotable
from krachtvansamen.reports.quotes import quotes_for

OWN = "BU90000001"
SAID = "Het buurtfeest hangt op Anouk. Bel haar op 06-12345678 of mail anouk@voorbeeld.nl."
FUNDER_REPORT = f"/rapporten/financiersrapport/{OWN}/2025/"


@pytest.fixture
def reports(world) -> SimpleNamespace:
    return world


@pytest.fixture
def login(as_user):
    return as_user


@pytest.fixture
def named(reports) -> Fragment:
    """Ans's quotable fragment, now naming a volunteer, with her number and e-mail: not reviewed yet."""
    Fragment.objects.filter(pk=reports.f_ok.pk).update(text=SAID, quote_review="pending", quote_text="")
    return Fragment.objects.get(pk=reports.f_ok.pk)


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode()


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_fragment_nobody_reviewed_is_not_quotable_whatever_the_consent(reports, named):
    assert named.consent_level == "pseudonymised"
    assert not quotable(Fragment.objects.filter(pk=named.pk)).exists()
    assert named.pk not in {q.fragment_id for q in quotes_for(neighbourhood_ids=[reports.own.pk], years=[2025],
                                                              show_speaker=False)}  # fmt: skip


def test_the_funder_sees_nothing_of_it_before_review(login, named):
    page = _page(login("funder"), FUNDER_REPORT)
    assert "Anouk" not in page
    assert "buurtfeest hangt op" not in page
    evidence = _page(login("funder"), f"/rapporten/bewijs/{OWN}/2025/?n={quote('value:value.contact:2025')}")
    assert "Anouk" not in evidence
    # The value row follows the effect codes: Ans's (pending review) and the internal one are counted, not
    # shown; the withdrawn fragment carries only value.contact and no longer counts.
    assert "2 daarvan zie je niet." in evidence


def test_the_review_page_proposes_the_words_with_name_phone_and_e_mail_replaced(login, named):
    page = _page(login("researcher"), "/coderen/citaten/")
    assert SAID in page  # the reviewer sees what was said
    assert "Het buurtfeest hangt op [naam]. Bel haar op [telefoonnummer] of mail [e-mailadres]." in page
    assert "Anouk → [naam]" in page
    assert "1 citaat om na te kijken" in page


def test_approved_words_are_what_the_funder_reads_word_for_word(login, named):
    proposal = "Het buurtfeest hangt op [naam]. Bel haar op [telefoonnummer] of mail [e-mailadres]."
    reviewer = login("community_builder")
    response = reviewer.post(f"/coderen/citaten/{named.pk}/", {"decision": "approve", "text": proposal})
    assert response.status_code == 302
    named.refresh_from_db()
    assert (named.quote_review, named.quote_text) == ("approved", proposal)
    assert named.quote_reviewed_by.username == "community_builder"
    assert named.text == SAID  # the words as said stay for the team
    funder_page = _page(login("funder"), FUNDER_REPORT)
    evidence = _page(login("funder"), f"/rapporten/bewijs/{OWN}/2025/?n={quote('value:value.contact:2025')}")
    for page in (funder_page, evidence):
        assert "Anouk" not in page and "06-12345678" not in page and "anouk@voorbeeld.nl" not in page
    assert "Het buurtfeest hangt op [naam]." in evidence


def test_a_reviewer_may_shorten_the_quote_and_that_is_what_is_quoted(reports, named):
    quote_review_decide(fragment=named, user=reports.users["researcher"], approve=True,
                        text="Het buurtfeest hangt op [naam].")  # fmt: skip
    quotes = quotes_for(neighbourhood_ids=[reports.own.pk], years=[2025], show_speaker=False)
    assert "Het buurtfeest hangt op [naam]." in {q.text for q in quotes}
    assert not any("Anouk" in q.text for q in quotes)


def test_declined_is_never_quoted_and_review_again_takes_an_approval_back(reports, named, login):
    reviewer = login("researcher")
    reviewer.post(f"/coderen/citaten/{named.pk}/", {"decision": "decline", "text": "wordt genegeerd"})
    named.refresh_from_db()
    assert (named.quote_review, named.quote_text) == ("declined", "")
    assert not quotable(Fragment.objects.filter(pk=named.pk)).exists()
    reviewer.post(
        f"/coderen/citaten/{named.pk}/", {"decision": "approve", "text": "Het buurtfeest hangt op [naam]."}
    )
    named.refresh_from_db()
    assert named.quote_review == "declined"  # the first decision stands: review again first
    with pytest.raises(QuoteReviewError, match="al nagekeken"):
        quote_review_decide(fragment=named, user=reports.users["researcher"], approve=True, text="Op [naam].")
    reviewer.post(f"/coderen/citaten/{named.pk}/", {"decision": "again"})
    named.refresh_from_db()
    assert (named.quote_review, named.quote_reviewed_by) == ("pending", None)


def test_a_narrower_consent_after_approval_still_wins(reports, named):
    from krachtvansamen.people.models import Consent

    quote_review_decide(fragment=named, user=reports.users["researcher"], approve=True, text="Op [naam].")
    assert quotable(Fragment.objects.filter(pk=named.pk)).exists()
    Consent.objects.create(person=reports.ans, scope="quotes", given=True, level="internal")
    assert not quotable(Fragment.objects.filter(pk=named.pk)).exists()


def test_a_quote_may_be_200_characters_longer_than_what_was_said_not_201(reports, named):
    user = reports.users["researcher"]
    with pytest.raises(QuoteReviewError):
        quote_review_decide(fragment=named, user=user, approve=True, text="x" * (len(SAID) + 201))
    quote_review_decide(fragment=named, user=user, approve=True, text="x" * (len(SAID) + 200))
    named.refresh_from_db()
    assert named.quote_review == "approved"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"consent_level": "internal"}, "gaf geen toestemming"),
        ({"special_category": True}, "nooit geciteerd"),
        ({}, "Schrijf de woorden op"),  # empty words
    ],
)
def test_what_may_not_be_approved_is_refused_and_nothing_is_saved(reports, named, change, message):
    Fragment.objects.filter(pk=named.pk).update(**change)
    named.refresh_from_db()
    with pytest.raises(QuoteReviewError, match=message):
        quote_review_decide(fragment=named, user=reports.users["researcher"], approve=True, text="   ")
    named.refresh_from_db()
    assert (named.quote_review, named.quote_text, named.quote_reviewed_at) == ("pending", "", None)


def test_a_refused_approval_on_the_page_says_why_in_dutch(login, named):
    client = login("researcher")
    response = client.post(f"/coderen/citaten/{named.pk}/", {"decision": "approve", "text": ""}, follow=True)
    assert "Schrijf de woorden op die geciteerd mogen worden" in unescape(response.content.decode())
    named.refresh_from_db()
    assert named.quote_review == "pending"


@pytest.mark.parametrize("who", ["connector", "funder", "programme_manager", "researcher_b", "no_role"])
def test_who_does_not_code_this_buurt_cannot_review_its_quotes(login, named, who):
    client = login(who)
    posted = client.post(f"/coderen/citaten/{named.pk}/", {"decision": "approve", "text": "Op [naam]."})
    assert posted.status_code == 403
    named.refresh_from_db()
    assert named.quote_review == "pending"
    if who != "researcher_b":  # a researcher elsewhere opens the page, without this buurt's quotes
        assert client.get("/coderen/citaten/").status_code == 403
    else:
        assert "Anouk" not in _page(client, "/coderen/citaten/")


def test_the_pseudonymised_export_contains_none_of_the_names_in_its_source_fragments(login, named, reports):
    # A second fragment that nobody reviews and that was never meant for quoting: pseudonymised all the same.
    internal = Fragment.objects.get(pk=reports.f_internal.pk)
    Fragment.objects.filter(pk=internal.pk).update(
        text="Henk de Vries van de Hoogstraat 12 belt iedereen op."
    )
    client = login("researcher")
    url = "/coderen/codes/value.contact/?format=csv"
    plain = _body(client.get(url))
    shared = client.get(url + "&gepseudonimiseerd=1")
    assert shared.status_code == 200
    assert "gepseudonimiseerd" in shared["Content-Disposition"]
    text = _body(shared)
    for name in ("Anouk", "06-12345678", "anouk@voorbeeld.nl", "Henk", "Vries", "Hoogstraat 12"):
        assert name in plain, name  # the team's own export keeps the words as said
        assert name not in text, name
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    said = {row["fragment_id"]: row["fragment_text"] for row in rows}
    assert (
        said[str(named.pk)]
        == "Het buurtfeest hangt op [naam]. Bel haar op [telefoonnummer] of mail [e-mailadres]."
    )
    assert said[str(internal.pk)] == "[naam] [adres] belt iedereen op."

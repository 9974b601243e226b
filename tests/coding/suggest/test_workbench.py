"""Suggestions in the workbench: shown with their confidence, yes makes a coding (origin "suggested", the
confirming coder), no is remembered and teaches; nothing counts until a person says yes."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.models import Coding, SuggestionDecision
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.coding.suggest.installation import installation_engine_forget, installation_examples
from krachtvansamen.coding.suggest.services import fragment_scores
from krachtvansamen.framework.selectors import codes_current_by_key
from tests.factories import CodingFactory, FragmentFactory

pytestmark = pytest.mark.django_db

TEXT = "De gemeente heeft de subsidie voor ons buurthuis stopgezet; de regels voor een nieuwe aanvraag zijn te ingewikkeld."


@pytest.fixture
def fragment(coding_people):
    return FragmentFactory(neighbourhood=coding_people.north, year=2025, instrument="interview", text=TEXT)


def page(client, fragment):
    return client.get(f"/coderen/fragment/{fragment.pk}/")


def answer(client, fragment, code, answer, **headers):
    return client.post(
        f"/coderen/fragment/{fragment.pk}/voorstel/", {"code": code, "answer": answer}, **headers
    )


def test_an_uncoded_fragment_shows_suggestions_with_their_confidence(coding_people, as_user, fragment):
    response = page(as_user(coding_people.researcher), fragment)
    html = response.content.decode()
    assert "Voorgestelde codes" in html
    score = fragment_scores(fragment=fragment)["factor.governance"]
    assert score >= 0.5
    assert f"zekerheid {min(99, round(score * 100))}%" in html
    assert 'value="factor.governance"' in html


def test_yes_makes_it_the_coders_coding_with_origin_suggested_and_it_counts(coding_people, as_user, fragment):
    client = as_user(coding_people.researcher)
    score = fragment_scores(fragment=fragment)["factor.governance"]
    response = answer(client, fragment, "factor.governance", "ja")
    assert response.status_code == 302
    coding = Coding.objects.get(fragment=fragment)
    assert (coding.code.key, coding.origin, coding.coder, coding.settled) == (
        "factor.governance", "suggested", coding_people.researcher, False
    )  # fmt: skip
    assert coding.confidence == pytest.approx(score)
    assert list(codings_counted().filter(fragment=fragment)) == [coding]
    fragment.refresh_from_db()
    assert fragment.coding_state == "coded"
    decision = SuggestionDecision.objects.get(fragment=fragment)
    assert (decision.decision, decision.decided_by) == ("confirmed", coding_people.researcher)
    # Given now: no longer offered; the coding says it was a confirmed suggestion.
    html = page(client, fragment).content.decode()
    assert 'name="code" value="factor.governance"' not in html.split('id="wb-code-form"')[0]
    assert "voorstel bevestigd" in html


def test_an_open_suggestion_is_never_counted(coding_people, fragment, codebook):
    code = codes_current_by_key()["factor.governance"]
    CodingFactory(fragment=fragment, code=code, coder=None, origin=Coding.Origin.SUGGESTED, confidence=0.9)
    assert not codings_counted().filter(fragment=fragment).exists()
    CodingFactory(
        fragment=fragment, code=code, coder=coding_people.researcher, origin=Coding.Origin.SUGGESTED
    )
    assert codings_counted().filter(fragment=fragment).count() == 1


def test_no_is_remembered_not_offered_again_and_teaches_the_engine(coding_people, as_user, fragment):
    client = as_user(coding_people.researcher)
    response = answer(client, fragment, "factor.governance", "nee", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert not Coding.objects.filter(fragment=fragment).exists()
    assert SuggestionDecision.objects.get(fragment=fragment).decision == "rejected"
    assert 'value="factor.governance"' not in response.content.decode()
    learnt = [e for e in installation_examples() if e.text == TEXT]
    assert [(e.labels, e.rejected) for e in learnt] == [(frozenset(), frozenset({"factor.governance"}))]
    # Another coder still gets the suggestion: a no is one person's answer.
    assert 'value="factor.governance"' in page(as_user(coding_people.researcher2), fragment).content.decode()


def test_no_to_a_code_you_gave_yourself_is_refused(coding_people, as_user, fragment):
    client = as_user(coding_people.researcher)
    client.post(f"/coderen/fragment/{fragment.pk}/coderen/", {"code": "factor.governance"})
    response = answer(client, fragment, "factor.governance", "nee")
    assert response.status_code == 400
    assert "Je hebt deze code zelf gegeven" in response.content.decode()
    assert not SuggestionDecision.objects.exists()
    assert Coding.objects.get(fragment=fragment).origin == "human"


@pytest.mark.parametrize(
    "code, reply", [("factor.governance", "misschien"), ("factor.bestaat_niet", "ja"), ("", "ja")]
)
def test_a_bad_answer_is_refused_and_nothing_is_saved(coding_people, as_user, fragment, code, reply):
    response = answer(as_user(coding_people.researcher), fragment, code, reply)
    assert response.status_code == 400
    assert not Coding.objects.exists() and not SuggestionDecision.objects.exists()


@pytest.mark.parametrize("who", ["connector", "funder", "outsider"])
def test_only_coders_of_the_neighbourhood_may_answer(coding_people, as_user, fragment, who):
    response = answer(as_user(getattr(coding_people, who)), fragment, "factor.governance", "ja")
    assert response.status_code in (403, 404)
    assert not Coding.objects.exists() and not SuggestionDecision.objects.exists()


def test_blind_coding_shows_no_suggestions(coding_people, as_user, fragment):
    client = as_user(coding_people.researcher)
    client.post("/coderen/blind/", {"blind": "1"})
    assert "Voorgestelde codes" not in page(client, fragment).content.decode()


def test_a_settled_fragment_gets_no_suggestions(coding_people, as_user, fragment):
    fragment.coding_state = "settled"
    fragment.save()
    assert "Voorgestelde codes" not in page(as_user(coding_people.researcher), fragment).content.decode()


def test_a_confirmation_and_its_decision_are_saved_together_or_not_at_all(
    coding_people, as_user, fragment, monkeypatch
):
    from krachtvansamen.coding.suggest import services

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.SuggestionDecision.objects, "update_or_create", broken)
    with pytest.raises(RuntimeError):
        answer(as_user(coding_people.researcher), fragment, "factor.governance", "ja")
    assert not Coding.objects.exists()


def test_the_score_is_the_servers_own(coding_people, as_user, fragment):
    client = as_user(coding_people.researcher)
    client.post(
        f"/coderen/fragment/{fragment.pk}/voorstel/",
        {"code": "factor.governance", "answer": "ja", "score": "1.0"},
    )
    assert Coding.objects.get().confidence == pytest.approx(
        fragment_scores(fragment=fragment)["factor.governance"]
    )


def test_a_fresh_engine_learns_from_a_confirmation(coding_people, as_user, fragment):
    installation_engine_forget()
    client = as_user(coding_people.researcher)
    answer(client, fragment, "factor.governance", "ja")
    learnt = [e for e in installation_examples() if e.text == TEXT]
    assert [e.labels for e in learnt] == [frozenset({"factor.governance"})]

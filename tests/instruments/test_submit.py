"""Submitting a form: what it becomes, all or nothing."""

from __future__ import annotations

import uuid

import pytest

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Asset
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import quote_review_decide
from krachtvansamen.instruments import services
from krachtvansamen.instruments.models import CodedAnswer, FormVersion, Submission
from krachtvansamen.instruments.selectors import coded_scale_answers, praatplaat, praatplaat_stories
from krachtvansamen.instruments.services import (
    SubmissionInvalid,
    form_version_add,
    submission_save_draft,
    submission_submit,
)
from krachtvansamen.people.models import Consent, Person

pytestmark = pytest.mark.django_db

SCALES = {
    "abcd_residents_lead": "4",
    "abcd_relations": "3",
    "abcd_whats_strong": "5",
    "abcd_from_within": "2",
    "abcd_everyone_welcome": "3",
}


def test_questionnaire_becomes_scale_answers_fragments_factors_and_sustainability(forms, builder):
    user, neighbourhood = builder
    raw = {
        **SCALES,
        "abcd_residents_lead_example": "Bewoners bedachten zelf de buurtmaaltijd.",
        "effects_social": ["effect.social.contact", "effect.social.network"],
        "effects_social_story": "Buren die elkaar niet kenden, groeten elkaar nu.",
        "factors": [
            {
                "factor_type": "factor.governance",
                "factor_direction": "hinders",
                "factor_description": "Subsidieregels",
            }
        ],
        "sust_funding": "absent",
        "sust_networks": "present",
    }
    submission = submission_submit(
        form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    assert submission.status == Submission.Status.SUBMITTED
    scales = coded_scale_answers(neighbourhood_ids=[neighbourhood.pk], years=[2025], code_prefix="abcd.")
    assert sorted((a.code_key, a.value) for a in scales) == [
        ("abcd.everyone_welcome", 3),
        ("abcd.from_within", 2),
        ("abcd.relations", 3),
        ("abcd.residents_lead", 4),
        ("abcd.whats_strong", 5),
    ]
    story = Fragment.objects.get(text__startswith="Buren die")
    assert set(story.codings.values_list("code__key", flat=True)) == {
        "effect.social",
        "effect.social.contact",
        "effect.social.network",
    }
    assert story.speaker_role == "community_builder" and story.instrument == "vragenlijst"
    assert Fragment.objects.get(text__startswith="Bewoners").codings.get().code.key == "abcd.residents_lead"
    factor = FactorObservation.objects.get()
    assert (factor.code.key, factor.direction, factor.description) == (
        "factor.governance",
        "hinders",
        "Subsidieregels",
    )
    assert dict(SustainabilityAssessment.objects.values_list("code__key", "status")) == {
        "sustainability.vertical.funding": "absent",
        "sustainability.horizontal.networks": "present",
    }


def test_missing_required_answers_save_nothing(forms, builder):
    user, neighbourhood = builder
    with pytest.raises(SubmissionInvalid) as invalid:
        submission_submit(
            form_version=forms["vragenlijst"],
            neighbourhood=neighbourhood,
            year=2025,
            raw={"abcd_residents_lead": "4", "factors": [{"factor_type": "factor.nonsense"}]},
            user=user,
        )
    assert invalid.value.errors["abcd_relations"] == "Vul dit in."
    assert invalid.value.errors["factors__0__factor_type"] == "Kies een van de mogelijkheden die er staan."
    assert Submission.objects.count() == CodedAnswer.objects.count() == Fragment.objects.count() == 0
    assert FactorObservation.objects.count() == 0


def test_a_failure_halfway_leaves_nothing_behind(forms, builder, monkeypatch):
    user, neighbourhood = builder

    def broken(self, rows):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services._Outcome, "_assets", broken)
    raw = {"assets": [{"asset_category": "place", "asset_name": "Buurthuis"}], "notes": "Veel groen."}
    with pytest.raises(RuntimeError):
        submission_submit(
            form_version=forms["buurtscan"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
        )
    assert Submission.objects.count() == Fragment.objects.count() == Asset.objects.count() == 0


def test_buurtscan_assets_land_on_the_asset_map(forms, builder):
    user, neighbourhood = builder
    raw = {
        "assets": [
            {"asset_category": "place", "asset_name": "Buurthuis De Linde", "asset_meeting_place": "yes"},
            {"asset_category": "talent_hands", "asset_name": "Fietsen maken"},
        ]
    }
    submission_submit(
        form_version=forms["buurtscan"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    assert set(Asset.objects.values_list("name", "category", "is_meeting_place")) == {
        ("Buurthuis De Linde", "place", True),
        ("Fietsen maken", "talent_hands", False),
    }


def test_sending_twice_with_the_same_device_id_creates_one_submission(forms, builder):
    user, neighbourhood = builder
    client_id = uuid.uuid4()
    for _ in range(2):
        submission_submit(
            form_version=forms["vragenlijst"],
            neighbourhood=neighbourhood,
            year=2025,
            raw=SCALES,
            user=user,
            client_id=client_id,
        )
    assert Submission.objects.count() == 1 and CodedAnswer.objects.count() == 5


def test_conversation_records_consent_and_feeds_the_praatplaat(forms, builder):
    user, neighbourhood = builder
    raw = {
        "values": "De moestuin achter de flat.",
        "hinders": "Er ligt troep bij de containers.",
        "themes": ["vitality.nature", "vitality.environment"],
        "consent": "pseudonymised",
        "pseudonym": "Tuinvrouw",
        "demographics": "yes",
        "age_band": "65+",
        "origin": "europe",
    }
    submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    person = Person.objects.get(pseudonym="Tuinvrouw")
    assert (person.age_band, person.origin) == ("65+", "europe")
    assert set(Consent.objects.filter(person=person).values_list("scope", "given")) == {
        ("participation", True),
        ("quotes", True),
        ("demographics", True),
    }
    fragments = Fragment.objects.filter(speaker=person)
    assert fragments.count() == 2 and {f.consent_level for f in fragments} == {"pseudonymised"}
    plate = praatplaat(neighbourhood=neighbourhood)
    nature = plate.theme("vitality.nature")
    assert (nature.total, nature.hinders, nature.helps, plate.conversations) == (2, 1, 0, 1)
    stories = praatplaat_stories(neighbourhood=neighbourhood, year=None, theme_key="vitality.nature")
    # Consent alone does not put words on the praatplaat: a person reviews them first (issue 13, row 5).
    assert (len(stories), stories.withheld) == (0, 2)
    for fragment in fragments:
        quote_review_decide(fragment=fragment, user=user, approve=True, text=f"Nagekeken: {fragment.text}")
    stories = praatplaat_stories(neighbourhood=neighbourhood, year=None, theme_key="vitality.nature")
    assert {(s.stance, s.speaker) for s in stories} == {("value", "Tuinvrouw"), ("hinders", "Tuinvrouw")}
    assert {s.text for s in stories} == {"Nagekeken: De moestuin achter de flat.",
                                         "Nagekeken: Er ligt troep bij de containers."}  # fmt: skip


def test_a_resident_who_says_no_leaves_no_words_and_no_person(forms, builder):
    user, neighbourhood = builder
    raw = {
        "values": "Iets persoonlijks.",
        "themes": ["vitality.atmosphere"],
        "consent": "none",
        "pseudonym": "wordt niet gevraagd",
    }
    submission = submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    assert submission.answers == {"themes": ["vitality.atmosphere"], "consent": "none"}
    assert Person.objects.count() == 0 and Fragment.objects.count() == 0


def test_a_draft_keeps_good_answers_and_does_not_count_for_the_analyses(forms, builder):
    user, neighbourhood = builder
    draft, errors = submission_save_draft(
        form_version=forms["vragenlijst"],
        neighbourhood=neighbourhood,
        year=2025,
        raw={"abcd_relations": "4", "abcd_from_within": "9"},
        user=user,
    )
    assert draft.status == "draft" and draft.answers == {"abcd_relations": 4}
    assert errors == {"abcd_from_within": "Kies een getal van 1 tot en met 5."}
    assert coded_scale_answers(neighbourhood_ids=[neighbourhood.pk], years=[2025], code_prefix="abcd.") == []


def test_changing_a_form_never_breaks_earlier_answers(forms, builder):
    user, neighbourhood = builder
    old = submission_submit(
        form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2024, raw=SCALES, user=user
    )
    definition = dict(forms["vragenlijst"].definition)
    definition["questions"] = [q for q in definition["questions"] if q["name"] != "abcd_relations"]
    new_version, created = form_version_add(
        key="vragenlijst", instrument="vragenlijst", definition=definition
    )
    assert created and new_version.version == 2
    old.refresh_from_db()
    assert old.form_version.version == 1 and old.answers["abcd_relations"] == 3
    assert FormVersion.objects.filter(form__key="vragenlijst").count() == 2

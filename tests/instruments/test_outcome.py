"""What a submission becomes is written by the owners' services; default forms come with `migrate`."""

from __future__ import annotations

import pytest
from django.core.management.sql import emit_post_migrate_signal

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assessments.services import FactorSeen, factor_observations_record, sustainability_record
from krachtvansamen.assets.models import Asset
from krachtvansamen.assets.services import FoundAsset, assets_record_found
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.instruments.defaults import DEFAULT_FORM_KEYS
from krachtvansamen.instruments.models import Form, FormVersion, Submission
from krachtvansamen.instruments.selectors import forms_current
from krachtvansamen.instruments.services import submission_submit, submission_submit_or_keep_draft
from krachtvansamen.people.models import Consent, Person

pytestmark = pytest.mark.django_db


def test_a_fresh_database_has_the_default_forms_and_the_page_only_reads(client, builder):
    # The test database was made by `migrate`, like a fresh install: nobody loaded the forms by hand.
    assert [version.form.key for version in forms_current()] == DEFAULT_FORM_KEYS
    user, _neighbourhood = builder
    client.force_login(user)
    before = FormVersion.objects.count()
    page = client.get("/instrumenten/")
    assert page.status_code == 200 and "Wijkwaardenkaart" in page.content.decode()
    assert FormVersion.objects.count() == before


def test_migrate_loads_the_default_forms_only_when_there_are_none():
    Form.objects.all().delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert [version.form.key for version in forms_current()] == DEFAULT_FORM_KEYS
    Form.objects.exclude(key="vragenlijst").delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert list(Form.objects.values_list("key", flat=True)) == ["vragenlijst"]


def test_sending_incomplete_answers_keeps_them_as_a_draft_with_the_errors(forms, builder):
    user, neighbourhood = builder
    draft, errors = submission_submit_or_keep_draft(
        form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2025,
        raw={"abcd_relations": "4"}, user=user,
    )  # fmt: skip
    assert draft.status == Submission.Status.DRAFT and draft.answers == {"abcd_relations": 4}
    assert errors["abcd_residents_lead"] == "Vul dit in."
    raw = {
        "abcd_residents_lead": "4",
        "abcd_relations": "3",
        "abcd_whats_strong": "5",
        "abcd_from_within": "2",
        "abcd_everyone_welcome": "3",
    }
    sent, errors = submission_submit_or_keep_draft(
        form_version=forms["vragenlijst"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user,
        client_id=draft.client_id,
    )  # fmt: skip
    assert errors == {} and sent.pk == draft.pk and sent.status == Submission.Status.SUBMITTED


def test_a_conversation_writes_exactly_the_consents_it_asked_for(forms, builder):
    user, neighbourhood = builder
    raw = {
        "values": "De bankjes bij het water.",
        "themes": ["vitality.nature"],
        "consent": "internal",
        "demographics": "no",
    }
    submission_submit(
        form_version=forms["wijkwaardenkaart"], neighbourhood=neighbourhood, year=2025, raw=raw, user=user
    )
    person = Person.objects.get()
    assert person.pseudonym == "Bewoner 1" and (person.age_band, person.origin) == ("", "")
    assert set(
        Consent.objects.filter(person=person).values_list("scope", "given", "level", "method", "recorded_by")
    ) == {
        ("participation", True, "internal", "Wijkwaardenkaart-gesprek", user.pk),
        ("quotes", False, "internal", "Wijkwaardenkaart-gesprek", user.pk),
        ("demographics", False, "", "Wijkwaardenkaart-gesprek", user.pk),
    }


def test_only_rows_that_are_an_asset_or_an_observation_are_recorded(codebook, builder):
    user, neighbourhood = builder
    assets = assets_record_found(
        neighbourhood_id=neighbourhood.pk, year=2025, user=user,
        found=[FoundAsset(category="place", name="Buurthuis", is_meeting_place=True),
               FoundAsset(category="sport", name="Voetbal"), FoundAsset(category="place", name="")],
    )  # fmt: skip
    assert [(a.name, a.is_meeting_place, a.recorded_by) for a in Asset.objects.all()] == [
        ("Buurthuis", True, user)
    ]
    assert len(assets) == 1
    governance = code_get_current(key="factor.governance")
    factor_observations_record(
        neighbourhood_id=neighbourhood.pk, year=2025, user=user,
        observations=[FactorSeen(code=governance, direction="hinders", description="Regels"),
                      FactorSeen(code=governance, direction="")],
    )  # fmt: skip
    assert list(FactorObservation.objects.values_list("direction", "description")) == [("hinders", "Regels")]
    funding = code_get_current(key="sustainability.vertical.funding")
    for status in ("absent", "present", "nonsense"):
        sustainability_record(
            neighbourhood_id=neighbourhood.pk, year=2025, code=funding, status=status, note="", user=user
        )
    assert list(SustainabilityAssessment.objects.values_list("status", flat=True)) == ["present"]

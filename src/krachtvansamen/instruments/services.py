"""Writes for instruments: form versions, drafts, submitting, and what a submission becomes.

Submitting turns answers into the records the rest of the app works with, in one transaction:
- a 1–5 ``scale`` linked to a code, and every chosen code → ``CodedAnswer`` (the analyses read these);
- a ``long_text`` with ``fragment: true`` → a ``Fragment`` for coding, coded with the question's ``code``, the
  codes chosen in the question named by ``codes_from``, and the codes of ``tag_fragments`` questions;
- a ``repeat`` with ``target: asset`` (questions asset_category, asset_name, asset_meeting_place,
  asset_description) → ``Asset`` rows; ``target: factor`` (factor_type, factor_direction, factor_description)
  → ``FactorObservation`` rows;
- a ``select_one`` with ``target: sustainability`` → the neighbourhood's ``SustainabilityAssessment`` for the year;
- the reserved questions ``consent``, ``pseudonym``, ``demographics``, ``age_band``, ``origin`` → a pseudonymous
  ``Person`` with ``Consent`` records (the Wijkwaardenkaart). Consent ``none`` keeps none of the resident's words.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Asset
from krachtvansamen.coding.models import Coding, Fragment, SpeakerRole
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.definition import (
    CheckedAnswers,
    DefinitionError,
    canonical_hash,
    check_answers,
    validate_definition,
)
from krachtvansamen.instruments.models import CodedAnswer, Form, FormVersion, Submission, SubmissionFragment
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Consent, Membership, Person, Role

DEFAULT_FORMS_DIR = Path(__file__).resolve().parent / "forms"
# The order in which the study uses the instruments; also the order of the default forms on screen.
DEFAULT_FORM_KEYS = ["buurtscan", "vragenlijst", "wijkwaardenkaart", "pas_op_de_plaats"]


class SubmissionInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers are missing or not right."))
        self.errors = errors


def current_code_keys() -> set[str]:
    return set(Code.objects.filter(codebook__is_current=True).values_list("key", flat=True))


def code_choices(group_key: str) -> list[str]:
    """The codes one can pick under ``group_key``: its leaves in the current codebook, users' own codes too."""
    codes = Code.objects.filter(codebook__is_current=True, key__startswith=f"{group_key}.")
    parents = set(codes.exclude(parent=None).values_list("parent__key", flat=True))
    return [key for key in codes.order_by("position").values_list("key", flat=True) if key not in parents]


def form_version_add(
    *, key: str, instrument: str, definition: dict, source: str = FormVersion.Source.DEFAULT, user: Any = None
) -> tuple[FormVersion, bool]:
    """Add a version of a form if its content differs from the newest one. (version, created)."""
    validate_definition(definition, code_keys=current_code_keys() or None)
    content_hash = canonical_hash(definition)
    with transaction.atomic():
        form, _created = Form.objects.get_or_create(key=key, defaults={"instrument": instrument})
        if form.instrument != instrument:
            raise DefinitionError(
                _("The form “%(key)s” already exists for another instrument.") % {"key": key}
            )
        latest = form.versions.select_for_update().order_by("-version").first()
        if latest and latest.content_hash == content_hash:
            return latest, False
        version = FormVersion.objects.create(
            form=form, version=(latest.version + 1) if latest else 1, definition=definition,
            content_hash=content_hash, source=source, created_by=user,
        )  # fmt: skip
        return version, True


def default_form_definitions() -> dict[str, tuple[str, dict]]:
    forms = {}
    for key in DEFAULT_FORM_KEYS:
        data = yaml.safe_load((DEFAULT_FORMS_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
        instrument = data.pop("instrument")
        forms[key] = (instrument, data)
    return forms


def forms_load_defaults() -> list[FormVersion]:
    """Make sure every default form exists in its shipped version (no-op when nothing changed)."""
    versions = []
    for key, (instrument, definition) in default_form_definitions().items():
        version, _created = form_version_add(key=key, instrument=instrument, definition=definition)
        versions.append(version)
    return versions


# --- answering ------------------------------------------------------------------------------------------


def _check(form_version: FormVersion, raw: dict[str, Any], *, complete: bool) -> CheckedAnswers:
    return check_answers(form_version.definition, raw, code_choices=code_choices, complete=complete)


def _existing(client_id: uuid.UUID | None) -> Submission | None:
    return Submission.objects.filter(client_id=client_id).first() if client_id else None


def submission_save_draft(
    *,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    raw: dict[str, Any],
    user: Any,
    client_id: uuid.UUID | None = None,
) -> tuple[Submission, dict[str, str]]:
    """Keep what is filled in so far (only well-formed answers). Returns the draft and the errors found."""
    checked = _check(form_version, raw, complete=False)
    with transaction.atomic():
        submission = _existing(client_id)
        if submission and submission.status == Submission.Status.SUBMITTED:
            return submission, {}
        if submission is None:
            submission = Submission(
                form_version=form_version, neighbourhood=neighbourhood, year=year, submitted_by=user,
                client_id=client_id or uuid.uuid4(),
            )  # fmt: skip
        elif submission.neighbourhood_id != neighbourhood.pk or submission.submitted_by_id != getattr(
            user, "pk", None
        ):
            raise SubmissionInvalid({"__all__": _("This draft belongs to someone else.")})
        submission.form_version = form_version
        submission.year = year
        submission.answers = checked.answers
        submission.save()
    return submission, checked.errors


def submission_submit(
    *,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    raw: dict[str, Any],
    user: Any,
    client_id: uuid.UUID | None = None,
    source: str = Submission.Source.WEB,
) -> Submission:
    """Check every answer, then save the submission and all it becomes in one transaction.

    Raises SubmissionInvalid (field → Dutch message) and saves nothing if any answer is missing or wrong.
    Sending the same answers twice (same client_id) gives the first submission back and creates nothing.
    """
    checked = _check(form_version, raw, complete=True)
    if checked.errors:
        raise SubmissionInvalid(checked.errors)
    with transaction.atomic():
        submission = _existing(client_id)
        if submission and submission.status == Submission.Status.SUBMITTED:
            return submission
        if submission is None:
            submission = Submission(client_id=client_id or uuid.uuid4(), submitted_by=user)
        elif submission.neighbourhood_id != neighbourhood.pk or submission.submitted_by_id != getattr(
            user, "pk", None
        ):
            raise SubmissionInvalid({"__all__": _("This draft belongs to someone else.")})
        submission.form_version = form_version
        submission.neighbourhood = neighbourhood
        submission.year = year
        submission.source = source
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at = timezone.now()
        _Outcome(submission, form_version.definition, checked.answers, user).apply()
        return submission


@dataclass
class _Outcome:
    """What one submitted form becomes. Runs inside the submit transaction."""

    submission: Submission
    definition: dict
    answers: dict[str, Any]
    user: Any

    def apply(self) -> None:
        questions = {q["name"]: q for q in self.definition["questions"]}
        codes = {c.key: c for c in Code.objects.filter(codebook__is_current=True)}
        consent = self.answers.get("consent")
        keep_words = consent != "none"
        if not keep_words:
            # The resident said no: keep only what is not their words (themes, the refusal itself).
            self.answers = {
                name: value for name, value in self.answers.items()
                if questions.get(name, {}).get("type") not in ("text", "long_text")
            }  # fmt: skip
        person = self._person(consent) if consent and keep_words else None
        self.submission.person = person
        self.submission.answers = self.answers
        self.submission.save()
        self.submission.coded_answers.all().delete()  # a draft never has any; a re-run must not double them

        coded: list[CodedAnswer] = []
        tags: list[str] = []
        for name, question in questions.items():
            value = self.answers.get(name)
            if value is None:
                continue
            if question["type"] == "scale" and question.get("code") in codes:
                coded.append(self._coded(name, codes[question["code"]], value))
            elif question["type"] == "codes":
                for key in value if isinstance(value, list) else [value]:
                    coded.append(self._coded(name, codes[key], None))
                if question.get("tag_fragments"):
                    tags.extend(value if isinstance(value, list) else [value])
            elif question["type"] == "select_one" and question.get("target") == "sustainability":
                self._sustainability(codes.get(question.get("code", "")), value)
            elif question["type"] == "repeat" and question.get("target") == "asset":
                self._assets(value)
            elif question["type"] == "repeat" and question.get("target") == "factor":
                self._factors(value, codes)
        CodedAnswer.objects.bulk_create(coded)
        if keep_words:
            self._fragments(questions, codes, tags, consent, person)

    def _coded(self, name: str, code: Code, value: int | None) -> CodedAnswer:
        s = self.submission
        return CodedAnswer(
            submission=s,
            neighbourhood_id=s.neighbourhood_id,
            year=s.year,
            question=name,
            code=code,
            value=value,
        )

    def _speaker_role(self) -> str:
        if self.submission.form_version.form.instrument == "wijkwaardenkaart":
            return SpeakerRole.RESIDENT
        roles = (
            set(Membership.objects.filter(user=self.user).values_list("role", flat=True))
            if self.user
            else set()
        )
        if Role.CONNECTOR in roles and Role.COMMUNITY_BUILDER not in roles:
            return SpeakerRole.CONNECTOR
        return SpeakerRole.COMMUNITY_BUILDER

    def _person(self, consent: str) -> Person:
        neighbourhood = self.submission.neighbourhood
        pseudonym = (self.answers.get("pseudonym") or "").strip()
        if not pseudonym or Person.objects.filter(neighbourhood=neighbourhood, pseudonym=pseudonym).exists():
            base = pseudonym or _("Resident")
            number = Person.objects.filter(neighbourhood=neighbourhood).count() + 1
            while Person.objects.filter(neighbourhood=neighbourhood, pseudonym=f"{base} {number}").exists():
                number += 1
            pseudonym = f"{base} {number}"
        with_demographics = self.answers.get("demographics") == "yes"
        person = Person.objects.create(
            pseudonym=pseudonym, neighbourhood=neighbourhood, role=Person.PersonRole.RESIDENT,
            age_band=self.answers.get("age_band", "") if with_demographics else "",
            origin=self.answers.get("origin", "") if with_demographics else "",
        )  # fmt: skip
        method = _("Wijkwaardenkaart conversation")
        Consent.objects.bulk_create([
            Consent(person=person, scope=Consent.Scope.PARTICIPATION, given=True, level=consent, method=method,
                    recorded_by=self.user),
            Consent(person=person, scope=Consent.Scope.QUOTES, given=consent == Consent.Level.PSEUDONYMISED,
                    level=consent, method=method, recorded_by=self.user),
            Consent(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=with_demographics, method=method,
                    recorded_by=self.user),
        ])  # fmt: skip
        return person

    def _sustainability(self, code: Code | None, status: str) -> None:
        if code is None or status not in SustainabilityAssessment.Status.values:
            return
        s = self.submission
        SustainabilityAssessment.objects.update_or_create(
            neighbourhood_id=s.neighbourhood_id, year=s.year, code=code,
            defaults={"status": status, "note": _("From the yearly questionnaire"), "recorded_by": self.user},
        )  # fmt: skip

    def _assets(self, rows: list[dict]) -> None:
        s = self.submission
        Asset.objects.bulk_create([
            Asset(neighbourhood_id=s.neighbourhood_id, year=s.year, category=row["asset_category"],
                  name=row["asset_name"], description=row.get("asset_description", ""),
                  is_meeting_place=row.get("asset_meeting_place") == "yes", recorded_by=self.user)
            for row in rows if row.get("asset_category") in Asset.Category.values and row.get("asset_name")
        ])  # fmt: skip

    def _factors(self, rows: list[dict], codes: dict[str, Code]) -> None:
        s = self.submission
        FactorObservation.objects.bulk_create([
            FactorObservation(neighbourhood_id=s.neighbourhood_id, year=s.year, code=codes[row["factor_type"]],
                              direction=row["factor_direction"], description=row.get("factor_description", ""),
                              recorded_by=self.user)
            for row in rows
            if row.get("factor_type") in codes and row.get("factor_direction") in ("helps", "hinders")
        ])  # fmt: skip

    def _fragments(
        self,
        questions: dict,
        codes: dict[str, Code],
        tags: list[str],
        consent: str | None,
        person: Person | None,
    ) -> None:
        s = self.submission
        instrument = s.form_version.form.instrument
        level = consent if consent in Consent.Level.values else Consent.Level.INTERNAL
        speaker_role = self._speaker_role()
        for name, question in questions.items():
            text = self.answers.get(name)
            if question["type"] != "long_text" or not question.get("fragment") or not text:
                continue
            fragment = Fragment.objects.create(
                neighbourhood_id=s.neighbourhood_id, year=s.year, text=text, instrument=instrument,
                speaker_role=speaker_role, speaker=person, consent_level=level, recorded_by=self.user,
            )  # fmt: skip
            SubmissionFragment.objects.create(
                submission=s, fragment=fragment, question=name, stance=question.get("stance", "neutral")
            )
            keys = [question.get("code")] if question.get("code") else []
            chosen = self.answers.get(question.get("codes_from", ""), [])
            keys += chosen if isinstance(chosen, list) else [chosen]
            keys += tags
            Coding.objects.bulk_create([
                Coding(fragment=fragment, code=codes[key], coder=self.user, origin=Coding.Origin.HUMAN)
                for key in dict.fromkeys(keys) if key in codes
            ])  # fmt: skip

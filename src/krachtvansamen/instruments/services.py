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

What a submission becomes is written by the apps that own it: persons and consents by ``privacy.services``,
assets by ``assets.services``, factor observations and sustainability by ``assessments.services``, fragments
and their codings by ``coding.services``. This module only decides what goes where.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.assessments.services import FactorSeen, factor_observations_record, sustainability_record
from krachtvansamen.assets.services import FoundAsset, assets_record_found
from krachtvansamen.coding.models import SpeakerRole
from krachtvansamen.coding.services import NewFragment, fragments_record
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.instruments.defaults import default_form_definitions
from krachtvansamen.instruments.definition import (
    CheckedAnswers,
    DefinitionError,
    canonical_hash,
    check_answers,
    validate_definition,
)
from krachtvansamen.instruments.models import CodedAnswer, Form, FormVersion, Submission, SubmissionFragment
from krachtvansamen.instruments.selectors import code_choices, code_keys_current, forms_current
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open
from krachtvansamen.people.access import user_roles
from krachtvansamen.people.models import Consent, Person, Role
from krachtvansamen.people.services import pseudonym_free, recorder
from krachtvansamen.privacy.services import person_create_pseudonymous


class SubmissionInvalid(ValueError):
    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Some answers are missing or not right."))
        self.errors = errors


class DraftOfSomeoneElse(SubmissionInvalid):
    """The device id of a draft that belongs to someone else (or to another neighbourhood): never theirs."""


class SubmissionYearClosed(SubmissionInvalid):
    """Answers for a year that is closed for new data: nothing is saved, not even as a draft."""

    def __init__(self, closed: YearClosed):
        super().__init__({"jaar": str(closed)})
        self.message = str(closed)


def _check_year_open(year: int) -> None:
    try:
        year_check_open(year)
    except YearClosed as closed:
        raise SubmissionYearClosed(closed) from None


def form_version_add(
    *,
    key: str,
    instrument: str,
    definition: dict,
    source: str = FormVersion.Source.DEFAULT,
    user: User | None = None,
) -> tuple[FormVersion, bool]:
    """Add a version of a form if its content differs from the newest one. (version, created)."""
    validate_definition(definition, code_keys=code_keys_current() or None)
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
            content_hash=content_hash, source=source, created_by=recorder(user),
        )  # fmt: skip
        return version, True


def forms_load_defaults() -> list[FormVersion]:
    """Make sure every default form exists in its shipped version (no-op when nothing changed)."""
    versions = []
    for key, (instrument, definition) in default_form_definitions().items():
        version, _created = form_version_add(key=key, instrument=instrument, definition=definition)
        versions.append(version)
    return versions


def forms_load_defaults_if_none() -> list[FormVersion]:
    """On a fresh install (no form at all yet): the default forms. Runs after ``migrate`` (instruments.apps)."""
    if forms_current():
        return []
    return forms_load_defaults()


# --- answering ------------------------------------------------------------------------------------------


def _check(form_version: FormVersion, raw: dict[str, Any], *, complete: bool) -> CheckedAnswers:
    return check_answers(form_version.definition, raw, code_choices=code_choices, complete=complete)


def _existing(client_id: uuid.UUID | None) -> Submission | None:
    return Submission.objects.filter(client_id=client_id).first() if client_id else None


def _refuse_someone_elses(submission: Submission, *, neighbourhood: Neighbourhood, user: User | None) -> None:
    if submission.neighbourhood_id != neighbourhood.pk or submission.submitted_by_id != getattr(
        user, "pk", None
    ):
        raise DraftOfSomeoneElse({"__all__": _("This draft belongs to someone else.")})


def submission_save_draft(
    *,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    raw: dict[str, Any],
    user: User | None,
    client_id: uuid.UUID | None = None,
) -> tuple[Submission, dict[str, str]]:
    """Keep what is filled in so far (only well-formed answers). Returns the draft and the errors found.

    Also what an autosave does. Raises DraftOfSomeoneElse when ``client_id`` is someone else's draft and
    SubmissionYearClosed (saving nothing) when ``year`` is closed for new data.
    """
    _check_year_open(year)
    checked = _check(form_version, raw, complete=False)
    with transaction.atomic():
        submission = _existing(client_id)
        if submission and submission.status == Submission.Status.SUBMITTED:
            return submission, {}
        if submission is None:
            submission = Submission(
                form_version=form_version, neighbourhood=neighbourhood, year=year, submitted_by=recorder(user),
                client_id=client_id or uuid.uuid4(),
            )  # fmt: skip
        else:
            _refuse_someone_elses(submission, neighbourhood=neighbourhood, user=user)
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
    user: User | None,
    client_id: uuid.UUID | None = None,
    source: str = Submission.Source.WEB,
) -> Submission:
    """Check every answer, then save the submission and all it becomes in one transaction.

    Raises SubmissionInvalid (field → Dutch message) and saves nothing if any answer is missing or wrong.
    Sending the same answers twice (same client_id) gives the first submission back and creates nothing.

    This is the low-level write: it does not check the year, so history can be loaded (the demo fills closed
    years this way). Whatever a person sends goes through ``submission_submit_or_keep_draft`` or
    ``answers_import``, which refuse a closed year first.
    """
    checked = _check(form_version, raw, complete=True)
    if checked.errors:
        raise SubmissionInvalid(checked.errors)
    with transaction.atomic():
        submission = _existing(client_id)
        if submission and submission.status == Submission.Status.SUBMITTED:
            return submission
        if submission is None:
            submission = Submission(client_id=client_id or uuid.uuid4(), submitted_by=recorder(user))
        else:
            _refuse_someone_elses(submission, neighbourhood=neighbourhood, user=user)
        submission.form_version = form_version
        submission.neighbourhood = neighbourhood
        submission.year = year
        submission.source = source
        submission.status = Submission.Status.SUBMITTED
        submission.submitted_at = timezone.now()
        _Outcome(submission, form_version.definition, checked.answers, user).apply()
        return submission


def submission_submit_or_keep_draft(
    *,
    form_version: FormVersion,
    neighbourhood: Neighbourhood,
    year: int,
    raw: dict[str, Any],
    user: User | None,
    client_id: uuid.UUID | None = None,
) -> tuple[Submission, dict[str, str]]:
    """Send the answers; if some are missing or wrong, keep them as a draft instead.

    Returns (the submission, {}) when sent, (the draft, the errors) when not. A closed year raises
    SubmissionYearClosed and saves nothing.
    """
    _check_year_open(year)
    try:
        submission = submission_submit(
            form_version=form_version, neighbourhood=neighbourhood, year=year, raw=raw, user=user,
            client_id=client_id,
        )  # fmt: skip
    except SubmissionInvalid as invalid:
        draft, _draft_errors = submission_save_draft(
            form_version=form_version, neighbourhood=neighbourhood, year=year, raw=raw, user=user,
            client_id=client_id,
        )  # fmt: skip
        return draft, invalid.errors
    return submission, {}


# --- what a submission becomes --------------------------------------------------------------------------


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


@dataclass
class _Outcome:
    """What one submitted form becomes. Runs inside the submit transaction; the owners' services write."""

    submission: Submission
    definition: dict
    answers: dict[str, Any]
    user: User | None

    def apply(self) -> None:
        questions = {q["name"]: q for q in self.definition["questions"]}
        codes = codes_current_by_key()
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
            if value is not None:
                coded += self._question(name, question, value, codes, tags)
        CodedAnswer.objects.bulk_create(coded)
        # bulk_create sends no signal: the neighbourhood's reports are retired here.
        data_versions_bump(neighbourhood_ids=[self.submission.neighbourhood_id])
        if keep_words:
            self._fragments(questions, codes, tags, consent, person)

    def _question(
        self, name: str, question: dict, value: Any, codes: dict[str, Code], tags: list[str]
    ) -> list[CodedAnswer]:
        """What one answered question becomes; returns its coded answers (``tags`` collects fragment codes)."""
        kind, target = question["type"], question.get("target")
        if kind == "scale" and question.get("code") in codes:
            return [self._coded(name, codes[question["code"]], value)]
        if kind == "codes":
            if question.get("tag_fragments"):
                tags.extend(_as_list(value))
            return [self._coded(name, codes[key], None) for key in _as_list(value)]
        if kind == "select_one" and target == "sustainability":
            self._sustainability(codes.get(question.get("code", "")), value)
        elif kind == "repeat" and target == "asset":
            self._assets(value)
        elif kind == "repeat" and target == "factor":
            self._factors(value, codes)
        return []

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
        roles = user_roles(user=self.user) if self.user is not None else set()
        if Role.CONNECTOR in roles and Role.COMMUNITY_BUILDER not in roles:
            return SpeakerRole.CONNECTOR
        return SpeakerRole.COMMUNITY_BUILDER

    def _person(self, consent: str) -> Person:
        neighbourhood = self.submission.neighbourhood
        with_demographics = self.answers.get("demographics") == "yes"
        return person_create_pseudonymous(
            neighbourhood=neighbourhood,
            pseudonym=pseudonym_free(
                neighbourhood=neighbourhood,
                wanted=self.answers.get("pseudonym") or "",
                fallback=_("Resident"),
            ),
            method=_("Wijkwaardenkaart conversation"),
            recorded_by=self.user,
            level=consent,
            quotes=consent == Consent.Level.PSEUDONYMISED,
            demographics=with_demographics,
            age_band=self.answers.get("age_band", "") if with_demographics else "",
            origin=self.answers.get("origin", "") if with_demographics else "",
        )

    def _sustainability(self, code: Code | None, status: str) -> None:
        if code is None:
            return
        s = self.submission
        sustainability_record(
            neighbourhood_id=s.neighbourhood_id, year=s.year, code=code, status=status,
            note=_("From the yearly questionnaire"), user=self.user,
        )  # fmt: skip

    def _assets(self, rows: list[dict]) -> None:
        s = self.submission
        found = [
            FoundAsset(
                category=row.get("asset_category", ""), name=row.get("asset_name", ""),
                description=row.get("asset_description", ""),
                is_meeting_place=row.get("asset_meeting_place") == "yes",
            )
            for row in rows
        ]  # fmt: skip
        assets_record_found(neighbourhood_id=s.neighbourhood_id, year=s.year, user=self.user, found=found)

    def _factors(self, rows: list[dict], codes: dict[str, Code]) -> None:
        s = self.submission
        seen = [
            FactorSeen(
                code=codes[row["factor_type"]], direction=row.get("factor_direction", ""),
                description=row.get("factor_description", ""),
            )
            for row in rows
            if row.get("factor_type") in codes
        ]  # fmt: skip
        factor_observations_record(
            neighbourhood_id=s.neighbourhood_id, year=s.year, observations=seen, user=self.user
        )

    def _fragments(
        self,
        questions: dict,
        codes: dict[str, Code],
        tags: list[str],
        consent: str | None,
        person: Person | None,
    ) -> None:
        """Every long answer marked ``fragment`` becomes a coded fragment, linked to this submission."""
        s = self.submission
        level = consent if consent in Consent.Level.values else Consent.Level.INTERNAL
        speaker_role = self._speaker_role()
        asked: list[tuple[str, dict]] = []
        new: list[NewFragment] = []
        for name, question in questions.items():
            text = self.answers.get(name)
            if question["type"] != "long_text" or not question.get("fragment") or not text:
                continue
            keys = [question["code"]] if question.get("code") else []
            keys += _as_list(self.answers.get(question.get("codes_from", ""), []))
            keys += tags
            asked.append((name, question))
            new.append(NewFragment(
                text=text, speaker_role=speaker_role, consent_level=level, speaker=person,
                codes=[codes[key] for key in keys if key in codes],
            ))  # fmt: skip
        fragments = fragments_record(
            neighbourhood_id=s.neighbourhood_id, year=s.year, instrument=s.form_version.form.instrument,
            fragments=new, user=self.user, source=f"submission:{s.pk}",
        )  # fmt: skip
        data_versions_bump(neighbourhood_ids=[s.neighbourhood_id])  # bulk_create sends no signal
        SubmissionFragment.objects.bulk_create([
            SubmissionFragment(submission=s, fragment=fragment, question=name,
                               stance=question.get("stance", "neutral"))
            for (name, question), fragment in zip(asked, fragments, strict=True)
        ])  # fmt: skip

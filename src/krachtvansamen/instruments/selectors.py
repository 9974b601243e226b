"""Reads for instruments: forms, drafts, answers for the analyses, the praatplaat."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery

from krachtvansamen.coding.models import Fragment, Instrument
from krachtvansamen.coding.selectors import codings_of, fragments_for
from krachtvansamen.core.types import User
from krachtvansamen.framework.selectors import codes_current, codes_current_by_key
from krachtvansamen.instruments.defaults import DEFAULT_FORM_KEYS
from krachtvansamen.instruments.definition import localised
from krachtvansamen.instruments.models import CodedAnswer, FormVersion, Submission, SubmissionFragment
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Person
from krachtvansamen.people.services import recorder
from krachtvansamen.privacy.selectors import demographics_consented, quotable


def client_id_taken_by_other(*, client_id: uuid.UUID, user: User) -> bool:
    """Whether this device id already belongs to a submission of someone else."""
    return Submission.objects.filter(client_id=client_id).exclude(submitted_by=recorder(user)).exists()


@dataclass(frozen=True)
class CodedScaleAnswer:
    submission_id: int
    neighbourhood_id: int
    year: int
    code_key: str
    value: int


def coded_scale_answers(
    *, neighbourhood_ids: Iterable[int], years: Iterable[int], code_prefix: str
) -> list[CodedScaleAnswer]:
    """Submitted 1–5 scale answers linked to codes starting with ``code_prefix`` (e.g. ``abcd.``)."""
    rows = CodedAnswer.objects.filter(
        neighbourhood_id__in=list(neighbourhood_ids),
        year__in=list(years),
        value__isnull=False,
        code__key__startswith=code_prefix,
        submission__status=Submission.Status.SUBMITTED,
    ).values_list("submission_id", "neighbourhood_id", "year", "code__key", "value")
    return [
        CodedScaleAnswer(submission_id, neighbourhood_id, year, code_key, value)
        for submission_id, neighbourhood_id, year, code_key, value in rows
        if value is not None
    ]


def code_keys_current() -> set[str]:
    """Every key of the current codebook (to check the codes a form refers to)."""
    return set(codes_current().values_list("key", flat=True))


def code_choices(group_key: str) -> list[str]:
    """The codes one can pick under ``group_key``: its leaves in the current codebook, users' own codes too."""
    codes = codes_current().filter(key__startswith=f"{group_key}.")
    parents = set(codes.exclude(parent=None).values_list("parent__key", flat=True))
    return [key for key in codes.order_by("position").values_list("key", flat=True) if key not in parents]


def form_version_current(*, key: str) -> FormVersion | None:
    return FormVersion.objects.filter(form__key=key).select_related("form").order_by("-version").first()


def forms_current() -> list[FormVersion]:
    """The newest version of every form, in the order the study uses them (the default forms first). One query."""
    newest = FormVersion.objects.filter(form=OuterRef("form")).order_by("-version").values("pk")[:1]
    versions = FormVersion.objects.filter(pk=Subquery(newest)).select_related("form")
    order = {key: index for index, key in enumerate(DEFAULT_FORM_KEYS)}
    return sorted(versions, key=lambda v: (order.get(v.form.key, len(order)), v.form.key))


def drafts_for_user(*, user: User) -> list[Submission]:
    account = recorder(user)
    if account is None:
        return []
    return list(
        Submission.objects.filter(submitted_by=account, status=Submission.Status.DRAFT)
        .select_related("form_version__form", "neighbourhood")
        .order_by("-updated_at")[:20]
    )


def draft_get(*, client_id: uuid.UUID, user: User) -> Submission | None:
    """The user's own submission with this device id; someone else's is never handed out."""
    account = recorder(user)
    if account is None:
        return None
    return (
        Submission.objects.filter(client_id=client_id, submitted_by=account)
        .select_related("form_version")
        .first()
    )


# --- a submission's answers as they may be shown now --------------------------------------------------------

# The reserved questions of the Wijkwaardenkaart that describe the resident (``instruments.services``).
DEMOGRAPHIC_ANSWERS = ("age_band", "origin", "gender")


def with_demographics_consent(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Annotates ``demographics_given``: whether the submission's person counts with their demographics now."""
    consented = Person.objects.filter(pk=OuterRef("person_id")).filter(demographics_consented())
    return submissions.annotate(demographics_given=Exists(consented))


@dataclass(frozen=True)
class AnswersNow:
    """A submission's answers as they may be shown now (``answers_now``), and what was left out or changed."""

    answers: dict[str, Any]
    demographics_withheld: bool = False  # the form held age group / origin the resident no longer allows
    words_removed: int = 0  # long answers whose fragment is gone: their words are gone too
    corrected: frozenset[str] = frozenset()  # questions whose words were corrected after they were sent


def _same_words(now: str, sent: Any) -> bool:
    # A fragment keeps the words with one kind of line break (``coding.services``): that is no correction.
    return now.strip() == str(sent).replace("\r\n", "\n").replace("\r", "\n").strip()


def answers_now(submission: Submission) -> AnswersNow:
    """The answers of a submission as everyone may see them now: as they were sent, less what the resident took
    back since. The one rule for the submission page and the API (``api.answers``):

    - age group, origin and gender only while the person's newest demographics consent is given
      (``privacy.selectors.demographics_consented``; no person, no consent): withdrawing it blanks the person,
      not the stored answers;
    - a long answer that became a fragment: the fragment's words now (a resident corrects them with their
      personal code, the team in the admin or by a QDA import), and nothing once that fragment is gone
      (erased, or deleted by the team).

    A draft is its writer's alone (``submission_for_page``) and became nothing yet: its answers as typed.
    Needs ``with_demographics_consent`` (without it, no demographics are shown) and is quickest with the
    fragment links and their fragments prefetched.
    """
    answers = dict(submission.answers or {})
    if submission.status != Submission.Status.SUBMITTED:
        return AnswersNow(answers=answers)
    withheld = False
    if not getattr(submission, "demographics_given", False):
        for name in DEMOGRAPHIC_ANSWERS:
            withheld = answers.pop(name, None) not in (None, "", []) or withheld
    now = {link.question: link.fragment.text for link in submission.fragment_links.all()}
    removed = 0
    corrected = set()
    for question in submission.form_version.definition.get("questions", []):
        name = question.get("name")
        if question.get("type") == "long_text" and question.get("fragment") and name in answers:
            if name in now:
                if not _same_words(now[name], answers[name]):
                    corrected.add(name)
                answers[name] = now[name]
            else:
                removed += 1
                del answers[name]
    return AnswersNow(answers, withheld, removed, frozenset(corrected))


def submission_for_page(*, pk: int, user: User) -> Submission | None:
    """The submission with this id for its page, ready for ``answers_now``; None if there is none for this
    user. A draft is its writer's own until it is sent (as ``draft_get`` and the writes in
    ``instruments.services`` decide): anyone else finds nothing, as if it did not exist. Whether the user sees
    the neighbourhood at all is ``people.access``'s question, asked by the page."""
    account = recorder(user)
    visible = Q(status=Submission.Status.SUBMITTED)
    if account is not None:
        visible |= Q(status=Submission.Status.DRAFT, submitted_by=account)
    return (
        with_demographics_consent(Submission.objects.filter(visible, pk=pk))
        .select_related("form_version__form", "neighbourhood", "person")
        .prefetch_related(
            Prefetch("fragment_links", queryset=SubmissionFragment.objects.select_related("fragment"))
        )
        .first()
    )


@dataclass(frozen=True)
class AnswerShown:
    label: str
    text: str
    rows: tuple[tuple[tuple[str, str], ...], ...] = ()
    corrected: bool = False  # the words shown are the corrected ones, not those first sent


def _answer_text(question: dict, value: Any, code_labels: dict[str, str]) -> str:
    values = value if isinstance(value, list) else [value]
    # Answers to these questions are str: a label, or else the value itself.
    if question["type"] == "codes":
        return ", ".join(cast(str, code_labels.get(v, v)) for v in values)
    if question["type"] in ("select_one", "select_multiple"):
        labels = {c["name"]: localised(c.get("label")) for c in question.get("choices", [])}
        return ", ".join(cast(str, labels.get(v, v)) for v in values)
    return ", ".join(str(v) for v in values)


def _answers_listed(
    definition: dict, answers: dict[str, Any], corrected: frozenset[str]
) -> list[AnswerShown]:
    code_labels = {key: code.label for key, code in codes_current_by_key().items()}
    shown = []
    for question in definition["questions"]:
        value = answers.get(question["name"])
        if value in (None, "", []) or question["type"] == "note":
            continue
        label = localised(question.get("label"))
        if question["type"] == "repeat":
            children = {c["name"]: c for c in question["questions"]}
            rows = tuple(
                tuple((localised(children[n].get("label")), _answer_text(children[n], v, code_labels))
                      for n, v in row.items() if n in children)
                for row in value
            )  # fmt: skip
            shown.append(AnswerShown(label=label, text="", rows=rows))
        else:
            shown.append(AnswerShown(label=label, text=_answer_text(question, value, code_labels),
                                     corrected=question["name"] in corrected))  # fmt: skip
    return shown


def answers_for_display(*, submission: Submission, now: AnswersNow | None = None) -> list[AnswerShown]:
    """A stored submission's answers for its page: ``answers_now``, never ``Submission.answers`` as sent."""
    now = now or answers_now(submission)
    return _answers_listed(submission.form_version.definition, now.answers, now.corrected)


def practice_answers_for_display(*, form_version: FormVersion, answers: dict[str, Any]) -> list[AnswerShown]:
    """Practice answers (``training_views``), shown the way the real page does: never saved, nobody's, so as
    typed."""
    return _answers_listed(form_version.definition, answers, frozenset())


def fragments_of_submission(*, submission: Submission) -> list[Fragment]:
    return list(
        Fragment.objects.filter(submission_link__submission=submission)
        .prefetch_related("codings__code")
        .order_by("pk")
    )


# --- praatplaat: the neighbourhood's values as a picture ------------------------------------------------


@dataclass(frozen=True)
class PlateTheme:
    key: str
    label: str
    definition: str
    total: int
    helps: int
    hinders: int
    conversations: int
    size: int  # diameter in rem-ish units for the picture, by area ∝ count

    @property
    def other(self) -> int:
        return self.total - self.helps - self.hinders


@dataclass(frozen=True)
class Plate:
    themes: list[PlateTheme]
    conversations: int
    fragments: int

    def theme(self, key: str) -> PlateTheme | None:
        return next((t for t in self.themes if t.key == key), None)


def _conversation_fragments(*, neighbourhood: Neighbourhood, year: int | None) -> QuerySet[Fragment]:
    return fragments_for(neighbourhood=neighbourhood, instrument=Instrument.WIJKWAARDENKAART, year=year)


def praatplaat(*, neighbourhood: Neighbourhood, year: int | None = None) -> Plate:
    """Vitality themes by how often residents raised them, split by what helps and what hinders."""
    fragments = _conversation_fragments(neighbourhood=neighbourhood, year=year)
    rows = codings_of(fragments=fragments, code_prefix="vitality.").values_list(
        "code__key",
        "fragment_id",
        "fragment__submission_link__stance",
        "fragment__submission_link__submission_id",
        "fragment__speaker_id",
    )
    per_theme: dict[str, dict[str, set[Any]]] = {}
    for key, fragment_id, stance, submission_id, speaker_id in rows:
        theme = per_theme.setdefault(key, {"all": set(), "helps": set(), "hinders": set(), "talks": set()})
        theme["all"].add(fragment_id)
        if stance in ("helps", "hinders"):
            theme[stance].add(fragment_id)
        theme["talks"].add(("s", submission_id) if submission_id else ("p", speaker_id or fragment_id))
    codes = codes_current_by_key(prefix="vitality.")
    biggest = max((len(t["all"]) for t in per_theme.values()), default=1)
    themes = []
    for key, code in codes.items():
        seen = per_theme.get(key)
        total = len(seen["all"]) if seen else 0
        themes.append(PlateTheme(
            key=key, label=code.label, definition=code.definition, total=total,
            helps=len(seen["helps"]) if seen else 0, hinders=len(seen["hinders"]) if seen else 0,
            conversations=len(seen["talks"]) if seen else 0,
            size=round(5 + 7 * math.sqrt(total / biggest)) if total else 0,
        ))  # fmt: skip
    themes.sort(key=lambda t: -t.total)
    talks = set()
    for submission_id, speaker_id, fragment_id in fragments.values_list(
        "submission_link__submission_id", "speaker_id", "pk"
    ):
        talks.add(("s", submission_id) if submission_id else ("p", speaker_id or fragment_id))
    return Plate(themes=themes, conversations=len(talks), fragments=fragments.count())


@dataclass(frozen=True)
class PlateStory:
    fragment_id: int
    text: str
    stance: str
    speaker: str
    year: int
    team_only: bool = False  # not quotable: shown only when the team asked for internal stories too


@dataclass(frozen=True)
class PlateStories:
    """The stories of one theme that the praatplaat may show, and how many it leaves out."""

    stories: list[PlateStory]
    withheld: int  # stories of the theme not shown (their words stay with the team)
    internal: bool  # the team asked to see internal (not quotable) stories too

    def __iter__(self) -> Iterator[PlateStory]:
        return iter(self.stories)

    def __len__(self) -> int:
        return len(self.stories)


def praatplaat_stories(
    *, neighbourhood: Neighbourhood, year: int | None, theme_key: str, internal: bool = False
) -> PlateStories:
    """The stories of a theme, for a page used with residents present: only the words (and pseudonyms) of
    fragments that may be quoted (``privacy.selectors.quotable``); the others are counted, not shown.

    ``internal``: the team's own view, also the stories that are for internal use only (marked
    ``team_only``). Never a fragment that reveals a special category of personal data (AVG art. 9).
    """
    fragments = (
        _conversation_fragments(neighbourhood=neighbourhood, year=year)
        .filter(codings__code__key=theme_key)
        .distinct()
    )
    total = fragments.count()
    quotable_ids = set(quotable(fragments.order_by()).values_list("pk", flat=True))
    shown = fragments if internal else fragments.filter(pk__in=quotable_ids)
    rows = (
        shown.filter(special_category=False)
        .values_list("pk", "text", "quote_text", "submission_link__stance", "speaker__pseudonym", "year")
        .order_by("-year", "pk")
    )
    # A quotable story in its approved, pseudonymised words; the team's internal view shows the others as said.
    stories = [
        PlateStory(pk, quote_text if pk in quotable_ids else text, stance or "value", speaker or "", y,
                   team_only=pk not in quotable_ids)
        for pk, text, quote_text, stance, speaker, y in rows
    ]  # fmt: skip
    return PlateStories(stories=stories, withheld=total - len(stories), internal=internal)

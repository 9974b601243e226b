"""Reads for the Effectenplein: the projector board, a participant's phone page, the neighbourhood's meetings."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from krachtvansamen.effectenplein.limits import SUSPICIOUS_JOINS_PER_ADDRESS
from krachtvansamen.effectenplein.models import Level, Meeting, Participant, Recognition, Story, Vote
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import years_open

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _Totals(TypedDict):
    recognition_total: int
    vote_total: int


_NOT_CODE = re.compile(r"[^A-Z0-9]")


def normalise_code(code: str) -> str:
    """What people type — lower case, spaces, a dash between the groups — to the stored form."""
    return _NOT_CODE.sub("", (code or "").upper())


def meeting_year_choices() -> list[int]:
    """Years a new meeting may belong to: the measurement years open for new data (oldest first), else this
    year (also when every measurement year is closed)."""
    return years_open() or [timezone.localdate().year]


def meeting_is_live(*, meeting: Meeting) -> bool:
    return meeting.status != Meeting.Status.CLOSED and meeting.expires_at > timezone.now()


def meeting_get_by_code(*, code: str) -> Meeting | None:
    """The newest meeting with this code (closed meetings included, so the page can say it is closed)."""
    normalised = normalise_code(code)
    if not normalised:
        return None
    return (
        Meeting.objects.select_related("neighbourhood")
        .filter(code=normalised)
        .order_by("-created_at")
        .first()
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_hash(value: str, *, purpose: str) -> str:
    """A keyed hash of a device id or a network address: enough to compare, useless to anyone reading it."""
    if not value:
        return ""
    return salted_hmac(f"krachtvansamen.effectenplein.{purpose}", value, algorithm="sha256").hexdigest()


def participant_get(*, meeting: Meeting, token: str | None) -> Participant | None:
    if not token:
        return None
    return Participant.objects.filter(meeting=meeting, token_hash=token_hash(token)).first()


def meeting_version(*, meeting_id: int) -> tuple[int, str] | None:
    """The cheap question the projector asks every two seconds: (version, neighbourhood code) or None."""
    return Meeting.objects.filter(pk=meeting_id).values_list("version", "neighbourhood__cbs_code").first()


# --- the projector board ------------------------------------------------------------------------------------

LEVEL_EXPLANATIONS = {
    Level.INDIVIDUAL: lambda: _("Something changed for you: you dare more, take part more, feel better "
                                "or trust people more."),
    Level.SOCIAL: lambda: _("Something changed between people: new contacts, doing things together, "
                            "a group or a network."),
    Level.NEIGHBOURHOOD: lambda: _("Something changed in the neighbourhood as a whole: nicer to live in, "
                                   "more together, pride, more say."),
}  # fmt: skip


@dataclass(frozen=True)
class LevelInfo:
    value: str
    label: str
    explanation: str
    formal_label: str  # the codebook's name for the level, e.g. "Individuele effecten"


def levels(*, with_codebook_labels: bool = True) -> list[LevelInfo]:
    """The three levels in plain words; the codebook's own names only where they are shown (the wall)."""
    formal = (
        {code.key: code.label for code in codes_current().filter(key__in=[level.code_key for level in Level])}
        if with_codebook_labels
        else {}
    )
    return [
        LevelInfo(value=level.value, label=str(level.label), explanation=str(LEVEL_EXPLANATIONS[level]()),
                  formal_label=formal.get(level.code_key, ""))
        for level in Level
    ]  # fmt: skip


@dataclass(frozen=True)
class BoardStory:
    id: int
    text: str
    level: str
    nickname: str
    recognitions: int
    votes: int
    is_most_significant: bool
    participant_id: int
    hidden: bool = False
    keep: bool = True


@dataclass
class BoardColumn:
    level: LevelInfo
    count: int
    stories: list[BoardStory]
    hidden: int = 0


@dataclass
class Board:
    meeting: Meeting
    participant_count: int
    story_count: int
    vote_count: int
    columns: list[BoardColumn] = field(default_factory=list)
    hidden_count: int = 0


def _count_of(model: type[Recognition] | type[Vote]) -> Coalesce:
    return Coalesce(
        Subquery(
            model.objects.filter(story=OuterRef("pk")).order_by().values("story")
            .annotate(total=Count("pk")).values("total")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )  # fmt: skip


def _annotated(queryset: QuerySet[Story]) -> QuerySet[WithAnnotations[Story, _Totals]]:
    # Subqueries, not joins: counting recognitions and votes through joins would multiply the rows.
    return queryset.annotate(recognition_total=_count_of(Recognition), vote_total=_count_of(Vote))


def _board_stories(queryset: QuerySet[WithAnnotations[Story, _Totals]]) -> list[BoardStory]:
    rows = queryset.values("pk", "text", "level", "participant__nickname", "participant_id", "is_most_significant",
                           "recognition_total", "vote_total", "hidden", "keep")  # fmt: skip
    return [
        BoardStory(id=row["pk"], text=row["text"], level=row["level"], nickname=row["participant__nickname"],
                   recognitions=row["recognition_total"], votes=row["vote_total"],
                   is_most_significant=row["is_most_significant"], participant_id=row["participant_id"],
                   hidden=row["hidden"], keep=row["keep"])
        for row in rows
    ]  # fmt: skip


NEWEST_FIRST = ("-created_at", "-pk")


def _wall_order(status: str) -> tuple[str, ...]:
    # Sharing: newest first, so the room sees its stories arrive. Voting and after: the choice of the room.
    if status == Meeting.Status.OPEN:
        return NEWEST_FIRST
    if status == Meeting.Status.VOTING:
        return ("-vote_total", "-recognition_total", "pk")
    return ("-is_most_significant", "-vote_total", "-recognition_total", "pk")


def meeting_board(*, meeting: Meeting, per_column: int = 6) -> Board:
    """The three columns of the projector; ``per_column`` keeps the wall readable from the back of the room.

    Polled every two seconds while a hundred phones post, so it reads only what it shows: the counts, and
    per level the first ``per_column`` stories, ordered and cut off by the database.
    """
    per_level = dict(
        Story.objects.filter(meeting=meeting, hidden=False).order_by().values("level").annotate(total=Count("pk"))
        .values_list("level", "total")
    )  # fmt: skip
    board = Board(
        meeting=meeting,
        participant_count=meeting.participants.count(),
        story_count=sum(per_level.values()),
        vote_count=Vote.objects.filter(story__meeting=meeting, story__hidden=False).count(),
        hidden_count=Story.objects.filter(meeting=meeting, hidden=True).count(),
    )
    order = _wall_order(meeting.status)
    for level in levels():
        shown = _board_stories(
            _annotated(Story.objects.filter(meeting=meeting, level=level.value, hidden=False)).order_by(
                *order
            )[:per_column]
        )
        count = per_level.get(level.value, 0)
        board.columns.append(BoardColumn(level=level, count=count, stories=shown, hidden=count - len(shown)))
    return board


# --- a participant's phone ----------------------------------------------------------------------------------


@dataclass
class PhoneStory:
    story: BoardStory
    recognised_by_me: bool
    chosen_by_me: bool
    level_label: str


@dataclass
class PhoneView:
    meeting: Meeting
    participant: Participant
    own: list[PhoneStory]
    others: list[PhoneStory]
    others_total: int
    chosen_count: int
    levels: list[LevelInfo]


def participant_view(
    *, meeting: Meeting, participant: Participant, others_limit: int | None = 30
) -> PhoneView:
    """A phone's page. While sharing: its own stories and the newest of the others'. When choosing: all stories."""
    # Hidden stories: only their writer still sees them (marked as hidden); they cannot be chosen.
    stories = _annotated(Story.objects.filter(meeting=meeting))
    visible = stories.filter(hidden=False)
    recognised = set(Recognition.objects.filter(participant=participant).values_list("story_id", flat=True))
    chosen = set(Vote.objects.filter(participant=participant).values_list("story_id", flat=True))
    level_labels = dict(Level.choices)

    def phone(story: BoardStory) -> PhoneStory:
        return PhoneStory(
            story=story,
            recognised_by_me=story.id in recognised,
            chosen_by_me=story.id in chosen,
            level_label=str(level_labels[story.level]),
        )

    if meeting.status == Meeting.Status.OPEN:
        own = [
            phone(s) for s in _board_stories(stories.filter(participant=participant).order_by(*NEWEST_FIRST))
        ]
        others_qs = visible.exclude(participant=participant).order_by(*NEWEST_FIRST)
        others = [
            phone(s) for s in _board_stories(others_qs if others_limit is None else others_qs[:others_limit])
        ]
        total = others_qs.count() if others_limit is not None and len(others) == others_limit else len(others)
    else:
        # Choosing needs every story in view, grouped by level as on the wall, own stories included.
        order = {value: index for index, value in enumerate(Level.values)}
        everything = [phone(s) for s in _board_stories(visible.order_by("pk"))]
        own = [item for item in everything if item.story.participant_id == participant.pk]
        others = sorted(everything, key=lambda p: order[p.story.level])
        total = len(others)
    return PhoneView(
        meeting=meeting,
        participant=participant,
        own=own,
        others=others,
        others_total=total,
        chosen_count=len(chosen),
        levels=levels(with_codebook_labels=False),
    )


# --- the neighbourhood page ---------------------------------------------------------------------------------


def _per_meeting(queryset: QuerySet) -> Coalesce:
    return Coalesce(
        Subquery(
            queryset.filter(meeting=OuterRef("pk")).order_by().values("meeting")
            .annotate(total=Count("pk")).values("total")[:1],
            output_field=models.IntegerField(),
        ),
        0,
    )  # fmt: skip


def meetings_for_neighbourhood(*, neighbourhood: Neighbourhood, limit: int = 20) -> list[Meeting]:
    return list(
        Meeting.objects.filter(neighbourhood=neighbourhood)
        .annotate(
            # After retention removed the raw stories, the totals kept on the meeting.
            story_total=Coalesce("kept_story_total", _per_meeting(Story.objects.filter(hidden=False))),
            participant_total=Coalesce("kept_participant_total", _per_meeting(Participant.objects.all())),
            significant_total=Coalesce(
                "kept_significant_total", _per_meeting(Story.objects.filter(is_most_significant=True))
            ),
        )
        .order_by("-created_at")[:limit]
    )


# --- the facilitator's moderation -----------------------------------------------------------------------


@dataclass(frozen=True)
class ModeratedStory:
    id: int
    text: str
    level_label: str
    nickname: str
    participant_id: int
    hidden: bool
    keep: bool
    created_at: datetime
    by_same_participant: int  # stories this participant wrote in this meeting, this one included


def stories_for_moderation(*, meeting: Meeting, limit: int | None = 200) -> tuple[list[ModeratedStory], int]:
    """Every story of the meeting, newest first, with its moderation state (and how many there are in all);
    the newest ``limit`` (None: all, for the download)."""
    labels = dict(Level.choices)
    rows = (
        Story.objects.filter(meeting=meeting).order_by(*NEWEST_FIRST)
        .values("pk", "text", "level", "participant__nickname", "participant_id", "hidden", "keep", "created_at")
    )  # fmt: skip
    per_participant = dict(
        Story.objects.filter(meeting=meeting).order_by().values("participant_id").annotate(total=Count("pk"))
        .values_list("participant_id", "total")
    )  # fmt: skip
    stories = [
        ModeratedStory(id=row["pk"], text=row["text"], level_label=str(labels[row["level"]]),
                       nickname=row["participant__nickname"], participant_id=row["participant_id"],
                       hidden=row["hidden"], keep=row["keep"], created_at=row["created_at"],
                       by_same_participant=per_participant.get(row["participant_id"], 1))
        for row in (rows if limit is None else rows[:limit])
    ]  # fmt: skip
    return stories, Story.objects.filter(meeting=meeting).count()


def suspicious_joins(*, meeting: Meeting, within: timedelta = timedelta(minutes=1)) -> list[int]:
    """Per network address with many recent joins, how many: e.g. [12] means '12 participants in the last
    minute from the same address'. A room on one Wi-Fi can be that too; the facilitator judges."""
    since = timezone.now() - within
    return sorted(
        (
            row["total"]
            for row in Participant.objects.filter(meeting=meeting, created_at__gte=since).exclude(address_hash="")
            .order_by().values("address_hash").annotate(total=Count("pk"))
            if row["total"] >= SUSPICIOUS_JOINS_PER_ADDRESS
        ),
        reverse=True,
    )  # fmt: skip

"""Writes for the Effectenplein. Every write is one short transaction.

Many phones post at the same moment, so each write (1) starts with one conditional UPDATE of the meeting
row that both checks the meeting is still in the right phase and raises its ``version``, and (2) then
inserts. The UPDATE takes the row lock, so a post can never slip in after the meeting was closed, and the
projector sees the change on its next poll. On SQLite writers queue on the database lock (busy timeout in
settings); if that still times out the write is retried as a whole, so a post is never silently dropped.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Instrument, SpeakerRole
from krachtvansamen.coding.services import NewFragment, fragments_record
from krachtvansamen.core.types import User
from krachtvansamen.effectenplein import limits
from krachtvansamen.effectenplein.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_PARTICIPANTS_LIMIT,
    MAX_STORIES_PER_PARTICIPANT,
    MAX_VOTES,
    NICKNAME_MAX_LENGTH,
    STORY_MAX_LENGTH,
    Level,
    Meeting,
    Participant,
    Recognition,
    Story,
    Vote,
)
from krachtvansamen.effectenplein.selectors import meeting_year_choices, normalise_code, token_hash
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Consent
from krachtvansamen.people.services import recorder
from krachtvansamen.privacy.personal_codes import code_digest, code_new

MEETING_LIFETIME = timedelta(hours=12)
TITLE_MAX_LENGTH = 200
_SUBMISSION_KEY = re.compile(r"^[A-Za-z0-9_-]{8,40}$")

P = ParamSpec("P")
R = TypeVar("R")


class PleinError(Exception):
    """Input we refuse, with a message for the person in front of the screen. ``field`` names the form field."""

    def __init__(self, message: str, *, field: str = "", status: int = 400, retry_after: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status
        self.retry_after = retry_after  # seconds, for the Retry-After header of a 429


@dataclass(frozen=True)
class Client:
    """Who sends a request, as far as we can tell without an account: keyed hashes of the phone's device
    cookie and of its network address (empty when unknown, e.g. in a script or a test)."""

    device: str = ""
    address: str = ""


NO_CLIENT = Client()


def _wait(seconds: int) -> str:
    if seconds <= 90:
        return _("%(count)d seconds") % {"count": max(2, seconds)}
    return _("%(count)d minutes") % {"count": max(2, -(-seconds // 60))}


def _throttle(name: str, subject: str, message: str) -> None:
    """Count one request against a limit; refuse it (429) with ``message`` (with %(wait)s) when over."""
    retry_after = limits.hit(name, subject)
    if retry_after:
        raise PleinError(message % {"wait": _wait(retry_after)}, status=429, retry_after=retry_after)


def _participant_key(participant: Participant) -> str:
    return participant.token_hash[:24]  # random per participant, also when database ids are reused


def _meeting_key(meeting: Meeting) -> str:
    return f"{meeting.pk}-{meeting.code}"


def _too_fast_from_network() -> str:
    return _("Many people are doing this from the same network right now. Try again in %(wait)s.")


def retry_when_locked(func: Callable[P, R]) -> Callable[P, R]:
    """Run a whole transaction again when SQLite still reports 'database is locked' after its busy timeout.

    Must wrap the outermost ``atomic`` block: a half-finished transaction cannot be retried from inside.
    """

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        attempts = 5
        for attempt in range(attempts):
            try:
                return func(*args, **kwargs)
            except OperationalError as error:
                if "locked" not in str(error).lower() or attempt == attempts - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _bump(meeting: Meeting, *, statuses: tuple[str, ...], require_not_expired: bool = True) -> None:
    """Lock the meeting row and raise its version, or refuse if the meeting is no longer in one of ``statuses``."""
    rows = Meeting.objects.filter(pk=meeting.pk, status__in=statuses)
    if require_not_expired:
        rows = rows.filter(expires_at__gt=timezone.now())
    if rows.update(version=F("version") + 1) == 1:
        return
    meeting.refresh_from_db(fields=["status", "expires_at", "version"])
    raise PleinError(_meeting_unavailable_message(meeting, statuses), status=409)


def _meeting_unavailable_message(meeting: Meeting, statuses: tuple[str, ...]) -> str:
    if meeting.status == Meeting.Status.CLOSED:
        return _("This meeting has been closed. Thank you for taking part!")
    if meeting.expires_at <= timezone.now():
        return _("This meeting code has expired. Ask the facilitator for a new code.")
    if meeting.status == Meeting.Status.VOTING and Meeting.Status.OPEN in statuses:
        return _("Sharing stories is over: we are now choosing the most significant stories.")
    if meeting.status == Meeting.Status.OPEN and Meeting.Status.VOTING in statuses:
        return _("The voting round has not started yet.")
    return _("This is not possible at this moment in the meeting.")


# --- facilitator --------------------------------------------------------------------------------------------


@retry_when_locked
def meeting_open(
    *,
    neighbourhood: Neighbourhood,
    user: User,
    title: str = "",
    year: int | None = None,
    max_participants: int | None = None,
) -> Meeting:
    """Open a meeting with a fresh join code. The caller has checked the user's access to the neighbourhood."""
    max_participants = _clean_max_participants(
        limits.default_max_participants() if max_participants is None else max_participants
    )
    title = " ".join((title or "").split())
    if not title:
        title = _("Effectenplein %(name)s") % {"name": neighbourhood.name}
    if len(title) > TITLE_MAX_LENGTH:
        raise PleinError(
            _("The title is too long: at most %(max)d characters.") % {"max": TITLE_MAX_LENGTH}, field="title"
        )
    choices = meeting_year_choices()
    if year is None:
        year = choices[-1]
    if year not in choices:
        raise PleinError(_("Choose one of the years that are open for new data."), field="year")
    now = timezone.now()
    # 32^6 codes: a clash with a live meeting is very unlikely, and the unique constraint catches it if it happens.
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Meeting.objects.create(
                    neighbourhood=neighbourhood, year=year, title=title, code=_new_code(),
                    opened_by=recorder(user), expires_at=now + MEETING_LIFETIME, max_participants=max_participants,
                )  # fmt: skip
        except IntegrityError:
            continue
    raise PleinError(_("No free meeting code could be made. Try again."), status=503)


def _clean_max_participants(value: int | None) -> int:
    if value is None or not 1 <= value <= MAX_PARTICIPANTS_LIMIT:
        raise PleinError(
            _("Fill in how many people may take part: a number from 1 to %(max)d.")
            % {"max": MAX_PARTICIPANTS_LIMIT},
            field="max_participants",
        )
    return value


@retry_when_locked
def meeting_set_max_participants(*, meeting: Meeting, max_participants: int | None) -> Meeting:
    """The facilitator makes room for more people (or fewer: those already in stay in)."""
    value = _clean_max_participants(max_participants)
    with transaction.atomic():
        _bump(meeting, statuses=(Meeting.Status.OPEN, Meeting.Status.VOTING), require_not_expired=False)
        Meeting.objects.filter(pk=meeting.pk).update(max_participants=value)
    meeting.refresh_from_db()
    return meeting


@retry_when_locked
def story_moderate(
    *, meeting: Meeting, story_id: int, hidden: bool | None = None, keep: bool | None = None
) -> Story:
    """The facilitator hides a story from the wall and the phones (or shows it again), or decides whether it
    is kept as a fragment at closing. A hidden story is never kept. Only before the meeting is closed."""
    with transaction.atomic():
        _bump(meeting, statuses=(Meeting.Status.OPEN, Meeting.Status.VOTING), require_not_expired=False)
        story = Story.objects.select_for_update().filter(pk=story_id, meeting=meeting).first()
        if story is None:
            raise PleinError(_("This story does not exist (any more)."), status=404)
        if hidden is not None:
            story.hidden = hidden
        if keep is not None:
            story.keep = keep
        story.save(update_fields=["hidden", "keep"])
    return story


@retry_when_locked
def participant_stories_hide(*, meeting: Meeting, participant_id: int) -> int:
    """Hide every story of one participant at once (someone flooding the wall). Returns how many."""
    if not _valid_id(participant_id):
        raise PleinError(_("This story does not exist (any more)."), status=404)
    with transaction.atomic():
        _bump(meeting, statuses=(Meeting.Status.OPEN, Meeting.Status.VOTING), require_not_expired=False)
        data_versions_bump(neighbourhood_ids=[meeting.neighbourhood_id])  # update() sends no signal
        return Story.objects.filter(meeting=meeting, participant_id=participant_id, hidden=False).update(
            hidden=True
        )


@retry_when_locked
def meeting_start_voting(*, meeting: Meeting) -> Meeting:
    with transaction.atomic():
        rows = Meeting.objects.filter(pk=meeting.pk, status=Meeting.Status.OPEN)
        if rows.update(status=Meeting.Status.VOTING, version=F("version") + 1) != 1:
            meeting.refresh_from_db()
            if meeting.status == Meeting.Status.VOTING:
                return meeting  # pressed twice: nothing more to do
            raise PleinError(_("This meeting has been closed. Thank you for taking part!"), status=409)
    meeting.refresh_from_db()
    return meeting


@dataclass(frozen=True)
class CloseResult:
    meeting: Meeting
    already_closed: bool
    fragments_created: int
    most_significant: int
    not_kept: int = 0


def most_significant_story_ids(*, meeting: Meeting) -> set[int]:
    """Per effect level, the story (or stories, on a tie) with the most votes; a story needs at least one vote.

    One winner per level follows Most Significant Change, where a group picks the most significant story
    per domain of change.
    """
    counted = (
        Story.objects.filter(meeting=meeting, hidden=False).annotate(vote_total=Count("votes"))
        .filter(vote_total__gt=0)
        .values("pk", "level", "vote_total")
    )  # fmt: skip
    best: dict[str, int] = {}
    for row in counted:
        best[row["level"]] = max(best.get(row["level"], 0), row["vote_total"])
    return {row["pk"] for row in counted if row["vote_total"] == best[row["level"]]}


def _level_codes() -> dict[str, Code]:
    """Per effect level, its code in the current codebook (503 when the codebook is not loaded)."""
    current = codes_current_by_key(prefix="effect.")
    if any(level.code_key not in current for level in Level):
        raise PleinError(
            _("The codebook is not loaded, so the stories cannot be coded. Ask the administrator "
              "to run 'kvs codebook load'."), status=503,
        )  # fmt: skip
    return {level.value: current[level.code_key] for level in Level}


@retry_when_locked
def meeting_close(*, meeting: Meeting, user: User) -> CloseResult:
    """Close the meeting: every story the facilitator kept becomes a coded fragment of the neighbourhood, in
    one transaction. Hidden stories and stories marked 'do not keep' never do.

    Closing a closed meeting does nothing. Consent: a story becomes quotable (pseudonymised, there is no name
    to begin with) only when its writer ticked the box; otherwise it is for internal use.
    """
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if locked.status == Meeting.Status.CLOSED:
            return CloseResult(
                meeting=locked,
                already_closed=True,
                fragments_created=0,
                most_significant=locked.stories.filter(is_most_significant=True).count(),
            )
        codes = _level_codes()
        winners = most_significant_story_ids(meeting=locked)
        stories = list(locked.stories.filter(hidden=False, keep=True).order_by("created_at", "pk"))
        not_kept = locked.stories.count() - len(stories)
        fragments = fragments_record(
            neighbourhood_id=locked.neighbourhood_id, year=locked.year, instrument=Instrument.EFFECTENPLEIN,
            fragments=[
                NewFragment(
                    text=story.text, speaker_role=SpeakerRole.RESIDENT, codes=[codes[story.level]],
                    consent_level=Consent.Level.PSEUDONYMISED if story.consent_to_quote else Consent.Level.INTERNAL,
                )
                for story in stories
            ],
            user=user,
            source=f"meeting:{locked.pk}",
        )  # fmt: skip
        for story, fragment in zip(stories, fragments, strict=True):
            story.fragment = fragment
        Story.objects.bulk_update(stories, ["fragment"])
        Story.objects.filter(pk__in=winners).update(is_most_significant=True)
        data_versions_bump(neighbourhood_ids=[locked.neighbourhood_id])  # bulk_update/update send no signal
        locked.status = Meeting.Status.CLOSED
        locked.closed_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "closed_at", "version"])
    return CloseResult(
        meeting=locked, already_closed=False, fragments_created=len(stories), most_significant=len(winners),
        not_kept=not_kept,
    )  # fmt: skip


# --- participants -------------------------------------------------------------------------------------------


def code_guessing_check(*, client: Client) -> None:
    """Refuse (429) an address that typed too many unknown codes lately: guessing codes must not pay off."""
    retry_after = limits.blocked("code_failures_per_address", client.address)
    if retry_after:
        raise PleinError(
            _("Too many unknown codes were tried from this network. Check the code on the screen and try "
              "again in %(wait)s.") % {"wait": _wait(retry_after)},
            field="code", status=429, retry_after=retry_after,
        )  # fmt: skip


def code_unknown(*, client: Client) -> None:
    """Count an unknown code against the address."""
    limits.hit("code_failures_per_address", client.address)


def meeting_for_joining(*, code: str, client: Client = NO_CLIENT) -> Meeting:
    """The live meeting behind a typed code, or a clear reason why not. Unknown codes count against the
    address; after too many the address has to wait (429), also for a code that exists."""
    code_guessing_check(client=client)
    normalised = normalise_code(code)
    if not normalised:
        raise PleinError(_("Fill in the code from the screen."), field="code")
    if len(normalised) != CODE_LENGTH:
        raise PleinError(
            _("A code has %(length)d letters and digits. Check the code on the screen.")
            % {"length": CODE_LENGTH},
            field="code",
        )
    meeting = Meeting.objects.filter(code=normalised).order_by("-created_at").first()
    if meeting is None:
        code_unknown(client=client)
        raise PleinError(
            _("We do not know this code. Check the code on the screen."), field="code", status=404
        )
    if meeting.status == Meeting.Status.CLOSED:
        raise PleinError(
            _("This meeting has been closed. Thank you for taking part!"), field="code", status=410
        )
    if meeting.expires_at <= timezone.now():
        raise PleinError(
            _("This meeting code has expired. Ask the facilitator for a new code."), field="code", status=410
        )
    return meeting


@retry_when_locked
def participant_join(
    *, meeting: Meeting, nickname: str = "", client: Client = NO_CLIENT
) -> tuple[Participant, str]:
    """A participant; returns it with the secret token for the phone's cookie (only its hash is stored).

    One participant per device: a phone that joined this meeting before (its device cookie says so) gets
    its own participant back, with its stories and its one set of votes, not a second one. New participants
    are limited per address and per meeting per minute, and by the meeting's maximum.
    """
    nickname = " ".join((nickname or "").split())
    if len(nickname) > NICKNAME_MAX_LENGTH:
        raise PleinError(
            _("Your name is too long: at most %(max)d characters.") % {"max": NICKNAME_MAX_LENGTH},
            field="nickname",
        )
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            _bump(meeting, statuses=(Meeting.Status.OPEN, Meeting.Status.VOTING))
            if client.device and Participant.objects.filter(
                meeting=meeting, device_hash=client.device
            ).update(token_hash=token_hash(token)):
                return Participant.objects.get(meeting=meeting, device_hash=client.device), token
            _throttle("joins_per_address", client.address, _too_fast_from_network())
            _throttle(
                "joins_per_meeting", _meeting_key(meeting),
                _("Many people are joining this meeting at the same moment. Try again in %(wait)s."),
            )  # fmt: skip
            # Counted after the meeting row is locked: two phones cannot both take the last place.
            if Participant.objects.filter(meeting=meeting).count() >= meeting_max_participants(meeting):
                raise PleinError(
                    _("This meeting is full: %(max)d people take part. Ask the facilitator to make room.")
                    % {"max": meeting_max_participants(meeting)}, status=409,
                )  # fmt: skip
            participant = Participant.objects.create(
                meeting=meeting, token_hash=token_hash(token), nickname=nickname, device_hash=client.device,
                address_hash=client.address,
            )  # fmt: skip
    except IntegrityError:
        if not client.device:
            raise
        return participant_join(meeting=meeting, nickname=nickname, client=client)  # joined twice at once
    return participant, token


def meeting_max_participants(meeting: Meeting) -> int:
    return Meeting.objects.filter(pk=meeting.pk).values_list("max_participants", flat=True).get()


def new_submission_key() -> str:
    """A fresh key for each story form, so a form sent twice makes one story."""
    return secrets.token_urlsafe(16)


def _clean_story_text(text: str) -> str:
    # Browsers count a line break as one character for maxlength but send it as two (CR LF).
    cleaned = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not cleaned:
        raise PleinError(_("Write your story first."), field="text")
    if len(cleaned) > STORY_MAX_LENGTH:
        raise PleinError(
            _(
                "Your story is too long: at most %(max)d characters, it now has %(length)d. Make it a little shorter."
            )
            % {"max": STORY_MAX_LENGTH, "length": len(cleaned)},
            field="text",
        )
    return cleaned


def _clean_level(level: str) -> str:
    if level not in Level.values:
        raise PleinError(
            _("Choose where you see the change: for yourself, between people or for the neighbourhood."),
            field="level",
        )
    return level


@retry_when_locked
def story_post(
    *,
    participant: Participant,
    text: str,
    level: str,
    consent_to_quote: bool = False,
    submission_key: str = "",
    client: Client = NO_CLIENT,
) -> Story:
    """Add a story. The same ``submission_key`` twice (a double tap, a retry) gives back the first story.
    Limited per participant, per address and per meeting per minute."""
    cleaned = _clean_story_text(text)
    level = _clean_level(level)
    if not _SUBMISSION_KEY.match(submission_key or ""):
        submission_key = new_submission_key()
    existing = Story.objects.filter(participant=participant, submission_key=submission_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            _bump(participant.meeting, statuses=(Meeting.Status.OPEN,))
            _throttle(
                "stories_per_participant", _participant_key(participant),
                _("You are sharing stories very quickly. Try again in %(wait)s."),
            )  # fmt: skip
            _throttle("stories_per_address", client.address, _too_fast_from_network())
            _throttle(
                "stories_per_meeting", _meeting_key(participant.meeting),
                _("Very many stories are coming in at the same moment. Try again in %(wait)s."),
            )  # fmt: skip
            if Story.objects.filter(participant=participant).count() >= MAX_STORIES_PER_PARTICIPANT:
                raise PleinError(
                    _("You have shared %(max)d stories, that is the maximum. Thank you!")
                    % {"max": MAX_STORIES_PER_PARTICIPANT}, status=409,
                )  # fmt: skip
            return Story.objects.create(
                meeting_id=participant.meeting_id, participant=participant, text=cleaned, level=level,
                consent_to_quote=bool(consent_to_quote), submission_key=submission_key,
            )  # fmt: skip
    except IntegrityError:
        # The same form arrived twice at the same moment: the other request saved it.
        twin = Story.objects.filter(participant=participant, submission_key=submission_key).first()
        if twin is None:
            raise
        return twin


# Story ids are database keys: anything outside this range cannot be one (and must not reach the database).
_LARGEST_ID = 2**63 - 1


def _valid_id(value: int) -> bool:
    return 0 < value <= _LARGEST_ID


def _story_in_meeting(*, participant: Participant, story_id: int) -> Story:
    if not _valid_id(story_id):
        raise PleinError(_("This story does not exist (any more)."), status=404)
    story = Story.objects.filter(pk=story_id, meeting_id=participant.meeting_id, hidden=False).first()
    if story is None:
        raise PleinError(_("This story does not exist (any more)."), status=404)
    return story


@retry_when_locked
def story_recognise(*, participant: Participant, story_id: int, recognise: bool = True) -> Story:
    """'Dit herken ik' (or take it back). Doing it twice is the same as once."""
    story = _story_in_meeting(participant=participant, story_id=story_id)
    if story.participant_id == participant.pk:
        raise PleinError(_("This is your own story; you can recognise the stories of others."), status=409)
    with transaction.atomic():
        _bump(participant.meeting, statuses=(Meeting.Status.OPEN, Meeting.Status.VOTING))
        _throttle(
            "recognitions_per_participant", _participant_key(participant),
            _("You tapped very often in a short time. Try again in %(wait)s."),
        )  # fmt: skip
        if recognise:
            Recognition.objects.get_or_create(participant=participant, story=story)
        else:
            Recognition.objects.filter(participant=participant, story=story).delete()
    return story


@retry_when_locked
def votes_cast(*, participant: Participant, story_ids: list[int], client: Client = NO_CLIENT) -> list[Vote]:
    """Replace the participant's choice of most significant stories (at most ``MAX_VOTES``) in one go.
    Hidden stories cannot be chosen; a vote for a story that is hidden later no longer counts."""
    wanted = list(dict.fromkeys(story_ids))
    if len(wanted) > MAX_VOTES:
        raise PleinError(
            _("Choose at most %(max)d stories. You chose %(count)d.")
            % {"max": MAX_VOTES, "count": len(wanted)},
            field="stories",
        )
    if not all(_valid_id(story_id) for story_id in wanted):
        raise PleinError(_("One of the stories you chose does not exist (any more)."), field="stories")
    known = set(
        Story.objects.filter(meeting_id=participant.meeting_id, pk__in=wanted, hidden=False).values_list(
            "pk", flat=True
        )
    )
    if len(known) != len(wanted):
        raise PleinError(_("One of the stories you chose does not exist (any more)."), field="stories")
    with transaction.atomic():
        _bump(participant.meeting, statuses=(Meeting.Status.VOTING,))
        _throttle(
            "votes_per_participant", _participant_key(participant),
            _("You changed your choice very often in a short time. Try again in %(wait)s."),
        )  # fmt: skip
        _throttle("votes_per_address", client.address, _too_fast_from_network())
        Vote.objects.filter(participant=participant).delete()
        return Vote.objects.bulk_create(
            [
                Vote(participant=participant, story_id=story_id, slot=slot)
                for slot, story_id in enumerate(wanted, 1)
            ]
        )


# --- retention ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionResult:
    meetings: int
    participants: int
    stories: int


def effectenplein_retention_apply(*, now: datetime | None = None, days: int | None = None) -> RetentionResult:
    """Remove the raw material of meetings closed at least ``days`` ago (``EFFECTENPLEIN_RETENTION_DAYS``):
    participants with their nicknames and hashes, stories, recognitions and votes. What the meeting became stays:
    the fragments made from kept stories, and its totals on the meeting. Each meeting in one transaction;
    running it again changes nothing. ``days`` 0 (or less) keeps everything."""
    days = settings.EFFECTENPLEIN_RETENTION_DAYS if days is None else days
    if days <= 0:
        return RetentionResult(0, 0, 0)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    due = Meeting.objects.filter(status=Meeting.Status.CLOSED, closed_at__lte=cutoff, purged_at__isnull=True)
    meetings = participants = stories = 0
    for meeting_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
            visible = meeting.stories.filter(hidden=False)
            meeting.kept_story_total = visible.count()
            meeting.kept_significant_total = meeting.stories.filter(is_most_significant=True).count()
            # Stories first (their fragments stay: the link is on the story), then everyone who took part.
            stories += meeting.stories.all().delete()[1].get(Story._meta.label, 0)
            meeting.kept_participant_total = (
                meeting.participants.all().delete()[1].get(Participant._meta.label, 0)
            )
            participants += meeting.kept_participant_total
            meeting.purged_at = timezone.now()
            meeting.save(
                update_fields=[
                    "kept_story_total",
                    "kept_significant_total",
                    "kept_participant_total",
                    "purged_at",
                ]
            )
            meetings += 1
    return RetentionResult(meetings, participants, stories)


def participant_code_issue(*, participant: Participant) -> str:
    """A personal code for an Effectenplein participant (``privacy.personal_codes``): it opens their stories at
    /mijn-gegevens/ after the meeting. Returns the code, the only time it is known; a new one replaces the old."""
    code = code_new()
    Participant.objects.filter(pk=participant.pk).update(code_digest=code_digest(code))
    return code

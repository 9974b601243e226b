"""The Effectenplein: a live meeting where residents share stories of change, place them on the three
effect levels, recognise each other's stories and pick the most significant ones (Most Significant Change).

Participants have no account. Each one is a ``Participant`` row known only by the hash of a random token
that lives in a signed cookie on their phone; an optional nickname is the only thing they tell us. A second,
long-lived cookie names the device, so one phone is one participant (one set of votes) per meeting; keyed
hashes of that device id and of the network address are kept to compare, never the values themselves.
The facilitator moderates: hides a story from the wall and the phones, or marks it 'do not keep'.
Closing a meeting turns its kept stories into ``coding.Fragment`` rows, coded with the effect level.
Rate limits: ``effectenplein.limits``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Fragment
from krachtvansamen.neighbourhoods.models import Neighbourhood

# The join code: no 0/O and no 1/I, so a code read from the back of a room cannot be misread.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
STORY_MAX_LENGTH = 1000
NICKNAME_MAX_LENGTH = 40
MAX_VOTES = 3
# A generous ceiling per phone: enough for anyone with several stories, not enough to flood the wall.
MAX_STORIES_PER_PARTICIPANT = 20
# How many people may join one meeting unless the facilitator sets another number: a full buurthuis room.
DEFAULT_MAX_PARTICIPANTS = 60
MAX_PARTICIPANTS_LIMIT = 500


class Level(models.TextChoices):
    """The three effect levels of the study, each tied to its codebook group."""

    INDIVIDUAL = "individual", _("For myself")
    SOCIAL = "social", _("Between people")
    NEIGHBOURHOOD = "neighbourhood", _("For the neighbourhood")

    @property
    def code_key(self) -> str:
        return f"effect.{self.value}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("sharing stories")
        VOTING = "voting", _("voting round")
        CLOSED = "closed", _("closed")

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="effectenplein_meetings",
        verbose_name=_("neighbourhood"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    code = models.CharField(_("join code"), max_length=CODE_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("code valid until"))
    closed_at = models.DateTimeField(null=True, blank=True)
    max_participants = models.PositiveSmallIntegerField(
        _("maximum number of participants"), default=DEFAULT_MAX_PARTICIPANTS
    )
    # Raised by every change (story, recognition, vote, join, status): the projector polls this one
    # number and only fetches the board again when it moved.
    version = models.PositiveIntegerField(default=0)
    # Retention (``services.effectenplein_retention_apply``): some time after closing, the participants (nicknames,
    # device and address hashes), their stories, recognitions and votes are removed; the fragments made from kept
    # stories stay (under their own consent rules), and these totals keep the meeting's figures right.
    purged_at = models.DateTimeField(_("raw stories removed on"), null=True, blank=True)
    kept_story_total = models.PositiveIntegerField(null=True, blank=True)
    kept_participant_total = models.PositiveIntegerField(null=True, blank=True)
    kept_significant_total = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("Effectenplein meeting")
        verbose_name_plural = _("Effectenplein meetings")
        ordering = ["-created_at"]
        constraints = [
            # A code points at one live meeting; closed meetings give their code back.
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(status="closed"),
                name="effectenplein_code_unique_while_live",
            ),
            models.CheckConstraint(
                name="effectenplein_meeting_status_valid",
                condition=models.Q(status__in=["open", "voting", "closed"]),
            ),
        ]
        indexes = [models.Index(fields=["code"]), models.Index(fields=["neighbourhood", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.code})"

    @property
    def code_display(self) -> str:
        """The code in two groups of three, easier to read aloud and to type."""
        return f"{self.code[:3]} {self.code[3:]}"


class Participant(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    # sha256 of the token in the phone's cookie: a copy of the database does not let anyone post as them.
    token_hash = models.CharField(max_length=64, unique=True)
    # Keyed hashes (never the raw values) of the phone's long-lived device cookie and of its network address:
    # one participant (so one vote set) per device per meeting, and a signal for the facilitator.
    device_hash = models.CharField(max_length=64, blank=True, default="")
    address_hash = models.CharField(max_length=64, blank=True, default="")
    nickname = models.CharField(_("nickname"), max_length=NICKNAME_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # sha256 of the participant's personal code (``privacy.personal_codes``), asked for on the phone: it opens their
    # stories at /mijn-gegevens/ after the meeting, until retention removes them.
    code_digest = models.CharField(max_length=64, blank=True, default="", db_default="", db_index=True)

    class Meta:
        verbose_name = _("Effectenplein participant")
        verbose_name_plural = _("Effectenplein participants")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "device_hash"], condition=~models.Q(device_hash=""),
                name="effectenplein_one_participant_per_device",
            )
        ]  # fmt: skip
        indexes = [models.Index(fields=["meeting", "address_hash", "created_at"])]

    def __str__(self) -> str:
        return self.nickname or f"#{self.pk}"


class Story(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="stories")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="stories")
    text = models.TextField(_("story"))
    level = models.CharField(_("effect level"), max_length=20, choices=Level.choices)
    consent_to_quote = models.BooleanField(_("may be used without name"), default=False)
    # A random key per form: a double tap or a retried request returns the same story, not a second one.
    submission_key = models.CharField(max_length=40)
    is_most_significant = models.BooleanField(_("most significant"), default=False)
    # Moderation by the facilitator: a hidden story is off the wall and the phones and never becomes a
    # fragment; a story that is not kept stays on the wall but is not saved as a fragment at closing.
    hidden = models.BooleanField(_("hidden by the facilitator"), default=False)
    keep = models.BooleanField(_("keep as a fragment"), default=True)
    fragment = models.OneToOneField(
        Fragment, on_delete=models.SET_NULL, null=True, blank=True, related_name="effectenplein_story"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Effectenplein story")
        verbose_name_plural = _("Effectenplein stories")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "submission_key"], name="effectenplein_story_once"
            ),
            models.CheckConstraint(
                name="effectenplein_story_level_valid",
                condition=models.Q(level__in=["individual", "social", "neighbourhood"]),
            ),
            models.CheckConstraint(
                name="effectenplein_story_length",
                condition=GreaterThan(Length("text"), 0) & LessThanOrEqual(Length("text"), STORY_MAX_LENGTH),
            ),
        ]
        # The wall and the phones read "newest first", per level and in all.
        indexes = [
            models.Index(fields=["meeting", "level", "-created_at"]),
            models.Index(fields=["meeting", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Recognition(models.Model):
    """'Dit herken ik': a participant recognises someone else's story."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="recognitions")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="recognitions")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")
        constraints = [
            models.UniqueConstraint(fields=["participant", "story"], name="effectenplein_recognise_once")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.story_id}"


class Vote(models.Model):
    """A choice for 'most significant'. The slot (1..MAX_VOTES) lets the database itself enforce the limit."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="votes")
    slot = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "story"], name="effectenplein_vote_once_per_story"
            ),
            models.UniqueConstraint(fields=["participant", "slot"], name="effectenplein_vote_slot_once"),
            models.CheckConstraint(
                name="effectenplein_vote_slot_in_range", condition=models.Q(slot__gte=1, slot__lte=MAX_VOTES)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} → {self.story_id} ({self.slot})"

"""Fragments (the unit of coding, from every instrument) and the codes applied to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.models import Consent, Person


class Instrument(models.TextChoices):
    BUURTSCAN = "buurtscan", _("Buurtscan")
    VRAGENLIJST = "vragenlijst", _("Yearly questionnaire")
    WIJKWAARDENKAART = "wijkwaardenkaart", _("Wijkwaardenkaart conversation")
    PAS_OP_DE_PLAATS = "pas_op_de_plaats", _("Pause-and-reflect conversation")
    EFFECTENPLEIN = "effectenplein", _("Effectenplein")
    BUURTBEZOEK = "buurtbezoek", _("Neighbourhood visit")
    INTERVIEW = "interview", _("In-depth interview")
    REFLECTIESESSIE = "reflectiesessie", _("Reflection session")


class SpeakerRole(models.TextChoices):
    RESIDENT = "resident", _("resident")
    CONNECTOR = "connector", _("connector")
    COMMUNITY_BUILDER = "community_builder", _("community builder")
    PROFESSIONAL = "professional", _("professional")
    UNKNOWN = "unknown", _("unknown")


class CodingState(models.TextChoices):
    """Where a fragment stands in coding. Kept on the fragment (``coding.services.fragments_state_refresh``)
    so that the workbench's queue can filter and sort 10,000s of fragments without comparing codings."""

    UNCODED = "uncoded", _("not coded yet")
    CODED = "coded", _("coded by one coder")
    AGREED = "agreed", _("coders agree")
    DISPUTED = "disputed", _("coders disagree")
    SETTLED = "settled", _("settled")


class QuoteReview(models.TextChoices):
    """Whether a person looked at a fragment's words before they may be quoted outside the team."""

    PENDING = "pending", _("not reviewed yet")
    APPROVED = "approved", _("may be quoted")
    DECLINED = "declined", _("not to be quoted")


class Fragment(models.Model):
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="fragments")
    year = models.PositiveSmallIntegerField(_("year"))
    text = models.TextField(_("text"))
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument.choices)
    speaker_role = models.CharField(
        _("speaker"), max_length=30, choices=SpeakerRole.choices, default=SpeakerRole.UNKNOWN
    )
    speaker = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="fragments"
    )
    consent_level = models.CharField(
        _("consent"), max_length=20, choices=Consent.Level.choices, default=Consent.Level.INTERNAL
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The conversation, document or meeting the fragment came from ("document:12", "submission:40",
    # "meeting:3") and its place in it: the workbench shows the fragments before and after it.
    source = models.CharField(_("source"), max_length=60, blank=True, default="", db_default="")
    position = models.PositiveIntegerField(_("position in the source"), default=0, db_default=0)
    coding_state = models.CharField(
        _("coding state"),
        max_length=10,
        choices=CodingState.choices,
        default=CodingState.UNCODED,
        db_default=CodingState.UNCODED,
    )
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    # The text reveals a special category of personal data (AVG art. 9: health, sexual orientation, religion,
    # ethnicity, political views, ...). Never quoted (``privacy.selectors.quotable``), never on the praatplaat;
    # still coded and counted.
    special_category = models.BooleanField(
        _("special category of personal data"), default=False, db_default=False
    )
    # A quote leaves the team only as ``quote_text``: the words with names, addresses, phone numbers and e-mail
    # pseudonymised (``privacy.pseudonymise``), approved by a person (``coding.quotes``). A changed text needs a
    # new review.
    quote_review = models.CharField(
        _("quote review"), max_length=10, choices=QuoteReview.choices,
        default=QuoteReview.PENDING, db_default=QuoteReview.PENDING,
    )  # fmt: skip
    quote_text = models.TextField(_("text as quoted"), blank=True, default="", db_default="")
    quote_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quote_reviewed_at = models.DateTimeField(_("quote reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("fragment")
        verbose_name_plural = _("fragments")
        ordering = ["-year", "-created_at"]
        indexes = [
            models.Index(fields=["neighbourhood", "year"]),
            models.Index(fields=["source", "position"]),
            models.Index(fields=["coding_state"]),
            # The API's fragment list, newest year first: a page of 50 is read off this index instead of
            # sorting every fragment (1.9 s at a million).
            models.Index(fields=["-year", "id"], name="coding_fragment_year_desc_id"),
        ]
        constraints = [
            models.CheckConstraint(
                name="approved_quote_has_text",
                condition=~models.Q(quote_review="approved") | ~models.Q(quote_text=""),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class Coding(models.Model):
    class Origin(models.TextChoices):
        HUMAN = "human", _("by a person")
        SUGGESTED = "suggested", _("suggested")

    fragment = models.ForeignKey(Fragment, on_delete=models.CASCADE, related_name="codings")
    # PROTECT: a code that has been used can never vanish from under its codings.
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="codings")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="codings"
    )
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.HUMAN)
    confidence = models.FloatField(_("confidence"), null=True, blank=True)
    # Offsets into the fragment's text; empty means the whole fragment.
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    # The outcome of settling a disagreement: once a fragment is settled, only its settled codings count
    # in analyses; every coder's own codings are kept beside them.
    settled = models.BooleanField(_("settled"), default=False, db_default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coding")
        verbose_name_plural = _("codings")
        indexes = [models.Index(fields=["code", "fragment"])]
        constraints = [
            models.CheckConstraint(
                name="coding_confidence_between_0_and_1",
                condition=models.Q(confidence__isnull=True) | models.Q(confidence__gte=0, confidence__lte=1),
            ),
            models.CheckConstraint(
                name="coding_span_in_order",
                condition=models.Q(start__isnull=True, end__isnull=True)
                | models.Q(start__isnull=False, end__isnull=False, end__gt=models.F("start")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code.key} @ {self.fragment_id}"

    @staticmethod
    def by_a_person() -> models.Q:
        """Codings a person decided: given by hand, or suggested by the engine and confirmed by the coder it
        names (origin "suggested" with a coder). A "suggested" coding without a coder is an open suggestion
        (the national benchmark data set writes those): it is never counted."""
        return models.Q(origin=Coding.Origin.HUMAN) | models.Q(
            origin=Coding.Origin.SUGGESTED, coder__isnull=False
        )


class CodingPass(models.Model):
    """A coder has been through this fragment: with codes, or deciding that none applies.

    Agreement needs it: a code a coder did not give only means "absent" if that coder coded the fragment.
    """

    fragment = models.ForeignKey(Fragment, on_delete=models.CASCADE, related_name="passes")
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coding_passes"
    )
    finished_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("coding pass")
        verbose_name_plural = _("coding passes")
        constraints = [models.UniqueConstraint(fields=["fragment", "coder"], name="one_pass_per_coder")]
        indexes = [models.Index(fields=["coder", "fragment"])]

    def __str__(self) -> str:
        return f"{self.coder_id} @ {self.fragment_id}"


class Memo(models.Model):
    """A researcher's note on a fragment or on a code (within a programme). Internal to the team."""

    fragment = models.ForeignKey(
        Fragment, on_delete=models.CASCADE, null=True, blank=True, related_name="memos"
    )
    code = models.ForeignKey(Code, on_delete=models.CASCADE, null=True, blank=True, related_name="memos")
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("memo"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("memo")
        verbose_name_plural = _("memos")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="memo_on_fragment_or_code",
                condition=models.Q(fragment__isnull=False, code__isnull=True)
                | models.Q(fragment__isnull=True, code__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ProgrammeCode(models.Model):
    """A code of a programme's own (``framework.Code.is_user_defined``), named by its stable key.

    By key, not by row: a new codebook version copies user-defined codes, and they stay the programme's.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="own_codes")
    key = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("programme's own code")
        verbose_name_plural = _("programmes' own codes")
        constraints = [models.UniqueConstraint(fields=["key"], name="own_code_belongs_to_one_programme")]

    def __str__(self) -> str:
        return f"{self.key} ({self.programme_id})"


class SuggestionDecision(models.Model):
    """A person's answer to a suggested code: confirmed (it became a coding with origin "suggested") or rejected.

    Both teach the engine: a confirmation is a coding like any other, a rejection a weighted "not this code" for
    this text. A rejected suggestion is not offered to that person again for that fragment.
    """

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    fragment = models.ForeignKey(Fragment, on_delete=models.CASCADE, related_name="suggestion_decisions")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestion_decisions"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    score = models.FloatField(_("score"))
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("decision on a suggestion")
        verbose_name_plural = _("decisions on suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=["fragment", "code", "decided_by"], name="one_decision_per_suggestion"
            ),
            models.CheckConstraint(
                name="suggestion_score_between_0_and_1", condition=models.Q(score__gte=0, score__lte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.decision} {self.code_id} @ {self.fragment_id}"

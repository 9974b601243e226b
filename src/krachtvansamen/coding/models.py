"""Fragments (the unit of coding, from every instrument) and the codes applied to them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import Neighbourhood
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

    class Meta:
        verbose_name = _("fragment")
        verbose_name_plural = _("fragments")
        ordering = ["-year", "-created_at"]
        indexes = [models.Index(fields=["neighbourhood", "year"])]

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("coding")
        verbose_name_plural = _("codings")
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

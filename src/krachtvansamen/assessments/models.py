"""Environment-factor observations and sustainability assessments, per neighbourhood and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Fragment
from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import Neighbourhood


class FactorObservation(models.Model):
    class Direction(models.TextChoices):
        HELPS = "helps", _("helps")
        HINDERS = "hinders", _("hinders")

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="factor_observations"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    # One of the factor.* codes (governance, relational, professional, societal, physical).
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="factor_observations")
    direction = models.CharField(_("effect"), max_length=10, choices=Direction.choices)
    description = models.TextField(_("description"))
    fragment = models.ForeignKey(Fragment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("environment factor observation")
        verbose_name_plural = _("environment factor observations")
        indexes = [models.Index(fields=["neighbourhood", "year"])]

    def __str__(self) -> str:
        return f"{self.code.key} {self.direction}: {self.description[:40]}"


class SustainabilityAssessment(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        PARTLY = "partly", _("partly present")
        ABSENT = "absent", _("absent")

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="sustainability")
    year = models.PositiveSmallIntegerField(_("year"))
    # One of the sustainability.horizontal.* / sustainability.vertical.* codes.
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="sustainability_assessments")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sustainability assessment")
        verbose_name_plural = _("sustainability assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "year", "code"], name="one_assessment_per_structure_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood} {self.year} {self.code.key}: {self.status}"

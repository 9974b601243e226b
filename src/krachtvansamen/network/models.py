"""Relations (ties) between persons and organisations, and the 'haakje' that led to each."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Organisation, Person


class Relation(models.Model):
    class CapitalType(models.TextChoices):
        BONDING = "bonding", _("bonding (within a group)")
        BRIDGING = "bridging", _("bridging (between groups)")
        LINKING = "linking", _("linking (with institutions)")

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="relations")
    year = models.PositiveSmallIntegerField(_("year"))
    source_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Named reverse accessors, so a lower app (assets: "organisations known here") can ask about relations
    # without importing this app.
    source_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="relations_as_source"
    )
    target_person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="relations_as_target"
    )
    capital_type = models.CharField(_("kind of tie"), max_length=10, choices=CapitalType.choices)
    is_new = models.BooleanField(_("new tie"), default=True)
    # The haakje: what brought these two together.
    hook_activity = models.ForeignKey(
        Activity, on_delete=models.SET_NULL, null=True, blank=True, related_name="hooked_relations"
    )
    hook_place = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="hooked_relations"
    )
    hook_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed what and when (privacy.changes); the lines go with the record.
    changes = GenericRelation("privacy.ChangeRecord")

    class Meta:
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        indexes = [models.Index(fields=["neighbourhood", "year"])]
        constraints = [
            models.CheckConstraint(
                name="relation_has_one_source",
                condition=models.Q(source_person__isnull=False, source_organisation__isnull=True)
                | models.Q(source_person__isnull=True, source_organisation__isnull=False),
            ),
            models.CheckConstraint(
                name="relation_has_one_target",
                condition=models.Q(target_person__isnull=False, target_organisation__isnull=True)
                | models.Q(target_person__isnull=True, target_organisation__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} — {self.target} ({self.capital_type})"

    @property
    def source(self) -> Person | Organisation:
        return self.source_person or self.source_organisation  # type: ignore[return-value]

    @property
    def target(self) -> Person | Organisation:
        return self.target_person or self.target_organisation  # type: ignore[return-value]

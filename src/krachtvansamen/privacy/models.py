"""What privacy keeps of its own: a record that a person was erased (never who, never their words)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.neighbourhoods.models import Neighbourhood


class ErasureRecord(models.Model):
    """A person was erased everywhere (AVG art. 17): when, by whom, in which buurt and how many rows of each
    kind went. The person's pseudonym, their words and their id in other tables are not kept."""

    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    counts = models.JSONField(_("rows removed per kind"), default=dict)

    class Meta:
        verbose_name = _("erasure record")
        verbose_name_plural = _("erasure records")
        ordering = ["-erased_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.erased_at:%Y-%m-%d %H:%M} · {self.neighbourhood_id}"

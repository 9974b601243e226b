"""The framework codebook, stored per version so codings made under an old version stay valid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Codebook(models.Model):
    version = models.CharField(_("version"), max_length=20, unique=True)
    title_nl = models.CharField(max_length=200)
    title_en = models.CharField(max_length=200)
    source = models.CharField(max_length=300, blank=True)
    released = models.DateField(null=True, blank=True)
    # Hash of the file a version was loaded from: loading the same version with other content is refused.
    content_hash = models.CharField(max_length=64)
    is_current = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("codebook")
        verbose_name_plural = _("codebooks")
        ordering = ["-loaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=models.Q(is_current=True), name="one_current_codebook"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title_nl} v{self.version}"

    @property
    def title(self) -> str:
        return self.title_en if (get_language() or "nl").startswith("en") else self.title_nl


class Code(models.Model):
    """One code of one codebook version. Groups (``abcd``, ``effect`` ...) are codes too, at depth 0."""

    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="codes")
    key = models.CharField(_("key"), max_length=150, help_text=_("Stable key, e.g. effect.individual.trust"))
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    group = models.CharField(max_length=40, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)
    label_nl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    definition_nl = models.TextField(blank=True)
    definition_en = models.TextField(blank=True)
    include_nl = models.TextField(blank=True)
    exclude_nl = models.TextField(blank=True)
    include_en = models.TextField(blank=True)
    exclude_en = models.TextField(blank=True)
    examples = models.JSONField(default=list, blank=True)
    is_user_defined = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("code")
        verbose_name_plural = _("codes")
        ordering = ["codebook", "position"]
        constraints = [
            models.UniqueConstraint(fields=["codebook", "key"], name="unique_code_key_per_version")
        ]
        indexes = [models.Index(fields=["key"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.label_nl})"

    def _localised(self, field: str) -> str:
        english = (get_language() or "nl").startswith("en")
        value = getattr(self, f"{field}_en" if english else f"{field}_nl")
        return value or getattr(self, f"{field}_nl")

    @property
    def label(self) -> str:
        return self._localised("label")

    @property
    def definition(self) -> str:
        return self._localised("definition")

    @property
    def include(self) -> str:
        return self._localised("include")

    @property
    def exclude(self) -> str:
        return self._localised("exclude")

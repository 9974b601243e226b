"""The Buurtbeeld's way out: a version is a draft while the community builder goes over it with residents, is
checked once they did (their comments recorded, the corrections made in the data), and is published after that.

Checking freezes the version: the report as it stood then, rendered in Dutch (``content_html``), is what gets
published, word for word; data that change later show up in the live Buurtbeeld and in a next version, never in
this one. The services that move a version along are in ``reports.publication``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.neighbourhoods.models import Neighbourhood


class BuurtbeeldVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CHECKED = "checked", _("checked with residents")
        PUBLISHED = "published", _("published")

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="buurtbeeld_versions",
        verbose_name=_("neighbourhood"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How the check went: with whom and where (e.g. "bewonersavond in De Linde, 9 bewoners").
    check_note = models.TextField(_("how it was checked"), blank=True, default="")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    # Frozen when checked: the report's content as the print (and the PDF) shows it, and its sha256, to tell
    # whether the data changed since.
    content_html = models.TextField(blank=True, default="")
    content_hash = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("Buurtbeeld version")
        verbose_name_plural = _("Buurtbeeld versions")
        ordering = ["neighbourhood", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["neighbourhood", "year", "number"], name="buurtbeeld_version_once"),
            # One version at a time on its way out (a draft or a checked one) per buurt and year.
            models.UniqueConstraint(
                fields=["neighbourhood", "year"], condition=~models.Q(status="published"),
                name="buurtbeeld_one_open_version",
            ),
            models.CheckConstraint(
                name="buurtbeeld_version_status_valid",
                condition=models.Q(status__in=["draft", "checked", "published"]),
            ),
            # The database itself refuses a published version that was never checked, or has no content.
            models.CheckConstraint(
                name="buurtbeeld_published_was_checked",
                condition=~models.Q(status="published")
                | (models.Q(checked_at__isnull=False, published_at__isnull=False) & ~models.Q(content_html="")),
            ),
            models.CheckConstraint(
                name="buurtbeeld_checked_has_content",
                condition=~models.Q(status="checked") | (models.Q(checked_at__isnull=False) & ~models.Q(content_html="")),
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.neighbourhood} {self.year} v{self.number} ({self.status})"


class BuurtbeeldComment(models.Model):
    """What residents said about a draft, written down by the community builder, and whether it led to a
    correction in the data."""

    version = models.ForeignKey(BuurtbeeldVersion, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("comment"))
    correction_made = models.BooleanField(_("correction made"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Buurtbeeld comment")
        verbose_name_plural = _("Buurtbeeld comments")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(name="buurtbeeld_comment_not_empty", condition=~models.Q(text="")),
        ]

    def __str__(self) -> str:
        return self.text[:60]

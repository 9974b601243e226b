"""The fieldwork plan: per programme and year, which instrument is due in which neighbourhoods, when, and who
holds it (the study's timeline, Afbeelding 3, as data). Whether a row is done is not stored: it is read from the
instruments' own records (``fieldwork.selectors.done_neighbourhood_ids``). ``Reminder`` remembers which e-mails
``kvs remind`` sent, so a daily run does not send the same reminder twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Instrument
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme


class Scope(models.TextChoices):
    ALL = "all", _("all neighbourhoods")
    FOCUS = "focus", _("focus neighbourhoods only")


class HolderRole(models.TextChoices):
    COMMUNITY_BUILDER = "community_builder", _("the community builder of each neighbourhood")
    PROGRAMME_MANAGER = "programme_manager", _("the programme manager")
    USER = "user", _("one person")


class Plan(models.Model):
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="fieldwork_plans", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("fieldwork plan")
        verbose_name_plural = _("fieldwork plans")
        ordering = ["programme__name", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "year"], name="fieldwork_plan_unique_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"


class PlanItem(models.Model):
    """One row of a plan: this instrument, in these neighbourhoods, between these dates, held by this person."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan"))
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument.choices)
    scope = models.CharField(_("where"), max_length=10, choices=Scope.choices, default=Scope.ALL)
    starts_on = models.DateField(_("start"))
    due_on = models.DateField(_("done by"))
    holder_role = models.CharField(
        _("who holds it"), max_length=30, choices=HolderRole.choices, default=HolderRole.COMMUNITY_BUILDER
    )
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan row")
        verbose_name_plural = _("plan rows")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "instrument"], name="fieldwork_item_one_per_instrument"),
            models.CheckConstraint(
                name="fieldwork_item_due_after_start", condition=models.Q(due_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_instrument_display()}"


class Reminder(models.Model):
    """A reminder e-mail that went out: one per plan row, neighbourhood, person, kind and due date. A new due
    date is a new reminder; a failed send is not recorded, so the next run tries again."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="reminders")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("done by"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "neighbourhood", "user", "kind", "due_on"], name="fieldwork_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.neighbourhood} · {self.kind}"

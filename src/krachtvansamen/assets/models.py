"""ABCD assets (what is strong in a neighbourhood), meeting places and activities."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Organisation, Person


class Asset(models.Model):
    class Category(models.TextChoices):
        TALENT_HEAD = "talent_head", _("talent: head (knowledge, skills)")
        TALENT_HEART = "talent_heart", _("talent: heart (care, passion)")
        TALENT_HANDS = "talent_hands", _("talent: hands (practical skills)")
        ASSOCIATION = "association", _("association or group")
        INSTITUTION = "institution", _("institution")
        PLACE = "place", _("physical place")
        ECONOMY = "economy", _("local economy")
        CULTURE = "culture", _("stories and culture")
        NATURE = "nature", _("nature")

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="assets")
    category = models.CharField(_("kind of asset"), max_length=20, choices=Category.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_meeting_place = models.BooleanField(_("meeting place"), default=False)
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="assets"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="assets"
    )
    year = models.PositiveSmallIntegerField(_("year recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed what and when (privacy.changes); the lines go with the record.
    changes = GenericRelation("privacy.ChangeRecord")

    class Meta:
        verbose_name = _("asset")
        verbose_name_plural = _("assets")
        ordering = ["category", "name"]
        indexes = [models.Index(fields=["neighbourhood", "year"])]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    class InitiatedBy(models.TextChoices):
        RESIDENTS = "residents", _("residents")
        PROFESSIONALS = "professionals", _("professionals")
        TOGETHER = "together", _("residents and professionals together")

    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    initiated_by = models.CharField(_("initiated by"), max_length=20, choices=InitiatedBy.choices)
    initiator_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiated_activities"
    )
    initiator_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="initiated_activities"
    )
    meeting_place = models.ForeignKey(
        Asset, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    started_on = models.DateField(_("started on"), null=True, blank=True)
    participants = models.ManyToManyField(Person, blank=True, related_name="activities")
    # Most people who join an activity are never registered: the count includes them.
    participant_count = models.PositiveIntegerField(_("number of participants"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who changed what and when (privacy.changes); the lines go with the record.
    changes = GenericRelation("privacy.ChangeRecord")

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["neighbourhood", "year"])]

    def __str__(self) -> str:
        return self.title

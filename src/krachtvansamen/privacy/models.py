"""What privacy keeps of its own: a record that a person was erased (never who, never their words), the
access log, personal codes, and who changed which hand-recorded record (``ChangeRecord``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
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


class AccessLogEntry(models.Model):
    """Who opened or changed pages with personal data, and who opened which report (AVG art. 5(2), 32).

    Kept apart from what it logs, written by ``privacy.middleware.AccessLogMiddleware``, never changed afterwards,
    readable only by administrators, removed after ``ACCESS_LOG_RETENTION_DAYS`` by ``kvs retention``. The
    username is copied, so the entry still says who it was after the account is gone."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("personal data")
        REPORT = "report", _("report")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    username = models.CharField(_("user"), max_length=150)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    path = models.CharField(_("page"), max_length=500)
    status = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.path}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("An access log entry is never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PersonalCode(models.Model):
    """The code a resident got after a conversation (on a card): it opens what was recorded about them at
    /mijn-gegevens/, without an account. Only a hash of the code is kept; a new code replaces the old one."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="personal_code", verbose_name=_("person")
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("made on"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("made by"),
    )  # fmt: skip
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal code")
        verbose_name_plural = _("personal codes")

    def __str__(self) -> str:
        return f"{self.person_id}"


class ChangeRecord(models.Model):
    """One field of a hand-recorded record (asset, activity, relation) changed after it was recorded: by whom,
    when, from what to what. Written by ``privacy.changes.changes_record`` in the same transaction as the change.

    ``is_correction``: someone other than whoever recorded the record changed it (a community builder correcting
    a connector). ``old`` and ``new`` are the values as shown on the page, so they may hold a resident's
    pseudonym: ``persons`` lists whose, and erasing that person deletes the line (``privacy.changes``). A
    record's lines go when the record goes (the models' ``GenericRelation``)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"))
    is_correction = models.BooleanField(_("changed by someone other than the recorder"), default=False)
    field = models.CharField(max_length=100)
    label = models.CharField(_("what"), max_length=200)
    old = models.TextField(_("was"), blank=True)
    new = models.TextField(_("became"), blank=True)
    persons = models.ManyToManyField("people.Person", blank=True, related_name="+")

    class Meta:
        verbose_name = _("change")
        verbose_name_plural = _("changes")
        ordering = ["-changed_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.changed_at:%Y-%m-%d %H:%M} {self.field}"

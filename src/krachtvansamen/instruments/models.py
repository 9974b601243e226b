"""Instruments as versioned forms, and the answers to them.

A form's questions live in ``FormVersion.definition`` (see ``instruments/definition.py`` for the schema).
Changing a form adds a version; a submission keeps pointing at the version it answered, so earlier answers
never break. Answers are kept whole (``Submission.answers``) and, for what the analyses need, also as rows:
``CodedAnswer`` (a scale or codebook choice linked to a code) and ``SubmissionFragment`` (a long answer that
became a fragment for coding).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Fragment, Instrument
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.definition import localised
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Person


class Form(models.Model):
    key = models.SlugField(_("short name"), max_length=60, unique=True)
    instrument = models.CharField(_("instrument"), max_length=30, choices=Instrument.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class FormVersion(models.Model):
    class Source(models.TextChoices):
        DEFAULT = "default", _("default form")
        XLSFORM = "xlsform", _("imported XLSForm")

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField()
    # sha256 of the canonical JSON: importing the same form again adds no version.
    content_hash = models.CharField(max_length=64)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.DEFAULT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-version"]
        constraints = [models.UniqueConstraint(fields=["form", "version"], name="unique_form_version")]

    def __str__(self) -> str:
        return f"{self.form.key} v{self.version}"

    @property
    def title(self) -> str:
        return localised(self.definition.get("title")) or self.form.key

    @property
    def description(self) -> str:
        return localised(self.definition.get("description"))


class Submission(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")

    class Source(models.TextChoices):
        WEB = "web", _("filled in here")
        IMPORT = "import", _("imported (KoboToolbox / ODK)")

    form_version = models.ForeignKey(FormVersion, on_delete=models.PROTECT, related_name="submissions")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="submissions")
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    # The resident a conversation was with (Wijkwaardenkaart), pseudonymous.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    # Stable id from the device or from KoboToolbox (_uuid): the same answers sent twice are one submission.
    client_id = models.UUIDField(default=uuid.uuid4, unique=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="submissions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["neighbourhood", "year", "status"])]

    def __str__(self) -> str:
        return f"{self.form_version} · {self.neighbourhood} {self.year}"


class CodedAnswer(models.Model):
    """One answer linked to a codebook code: a 1–5 scale (value) or a chosen code (value empty)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="coded_answers")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=200)
    code = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="coded_answers")
    value = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["neighbourhood", "year"])]

    def __str__(self) -> str:
        return f"{self.question}: {self.code_id} {self.value or ''}".strip()


class SubmissionFragment(models.Model):
    """A long answer that became a fragment. ``stance`` says whether it was asked as what helps or hinders."""

    class Stance(models.TextChoices):
        VALUE = "value", _("what is valuable")
        HELPS = "helps", _("what helps")
        HINDERS = "hinders", _("what hinders")
        NEUTRAL = "neutral", _("other")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="fragment_links")
    fragment = models.OneToOneField(Fragment, on_delete=models.CASCADE, related_name="submission_link")
    question = models.CharField(max_length=200)
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.NEUTRAL)

    def __str__(self) -> str:
        return f"{self.question} ({self.stance})"

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    """One piece of background work for one user. The state lives here, so a reload shows the same page."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=60)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs", verbose_name=_("owner")
    )
    # What the job is about, as the page shows it and the access check at fetch time reads it: a CBS code
    # or a programme slug. Text, not a foreign key: this app sits below the neighbourhoods.
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # Messages of the job (step texts, errors) are in the language of the person who started it.
    language = models.CharField(_("language"), max_length=8, default="nl")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    # A file under KVS_DATA_DIR/jobs/<id>/ (relative to KVS_DATA_DIR/jobs), or a page to go on to.
    result_file = models.CharField(_("result file"), max_length=300, blank=True)
    result_url = models.CharField(_("result page"), max_length=300, blank=True)
    summary = models.JSONField(_("summary"), default=list, blank=True)
    # Why the result file is gone (expired, or removed after an erasure), in the owner's language. Set on a
    # job still waiting or running, it stops that job from keeping a result at all.
    result_removed = models.CharField(_("result removed"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["owner", "-created"]), models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.state})"

    @property
    def finished_state(self) -> bool:
        return self.state in {self.State.DONE, self.State.FAILED}

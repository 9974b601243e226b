"""Notes and transcripts (buurtbezoek, diepte-interview, reflectiesessie), split into coding fragments.

The uploaded file is not kept, and neither is a full copy of its text: the fragments are the only copy of
what was said. Erasing or correcting someone's words (SPEC §8) then means changing fragments — nothing else
holds them — and deleting a document deletes its fragments. ``Document`` keeps only what the upload was:
name, kind, size and a SHA-256 hash, the hash so the same file is recognised when it comes again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import Fragment, Instrument
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Consent

# The instruments whose material arrives as documents.
DOCUMENT_INSTRUMENTS = [Instrument.BUURTBEZOEK, Instrument.INTERVIEW, Instrument.REFLECTIESESSIE]


class Document(models.Model):
    class Kind(models.TextChoices):
        TXT = "txt", _("text file")
        DOCX = "docx", _("Word file")
        PDF = "pdf", _("pdf")
        PASTED = "pasted", _("pasted text")

    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="documents", verbose_name=_("neighbourhood")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    instrument = models.CharField(
        _("instrument"), max_length=30, choices=[(i.value, i.label) for i in DOCUMENT_INSTRUMENTS]
    )
    title = models.CharField(_("title"), max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(_("size in bytes"))
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # One choice for the whole document, copied onto every fragment (Fragment.consent_level).
    consent_level = models.CharField(
        _("consent"), max_length=20, choices=Consent.Level.choices, default=Consent.Level.INTERNAL
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The same file twice in one neighbourhood is refused with a message; this is the backstop.
            models.UniqueConstraint(
                fields=["neighbourhood", "sha256"], name="document_unique_per_neighbourhood"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentFragment(models.Model):
    """Which fragments came from which document, in which order, said by whom.

    ``speaker_label`` is the transcript's role word ("Interviewer", "R", "Bewoner 2"); a speaker written as a
    name is stored as ``speaker_number`` only (shown as "Spreker 1"), and the name is not kept anywhere.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="parts")
    fragment = models.OneToOneField(Fragment, on_delete=models.CASCADE, related_name="document_link")
    position = models.PositiveIntegerField(_("position"))
    speaker_label = models.CharField(_("speaker in the transcript"), max_length=60, blank=True)
    speaker_number = models.PositiveSmallIntegerField(null=True, blank=True)
    timestamp = models.CharField(_("time in the recording"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("document fragment")
        verbose_name_plural = _("document fragments")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "position"], name="document_fragment_position_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} #{self.position}"

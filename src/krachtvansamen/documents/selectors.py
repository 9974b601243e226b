"""Reads for documents. Access to the neighbourhood is checked by the caller (people.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_in_codebook_order, codings_of
from krachtvansamen.core.types import User
from krachtvansamen.documents.models import Document, DocumentFragment
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import year_from_text, years_open
from krachtvansamen.people.access import upload_may_delete


def documents_for_neighbourhood(*, neighbourhood: Neighbourhood) -> QuerySet[Document]:
    return (
        Document.objects.filter(neighbourhood=neighbourhood)
        .annotate(fragment_total=Count("parts"))
        .order_by("-created_at", "-pk")
    )


def document_get(*, neighbourhood: Neighbourhood, pk: int) -> Document:
    try:
        return (
            Document.objects.select_related("uploaded_by")
            .annotate(fragment_total=Count("parts"))
            .get(neighbourhood=neighbourhood, pk=pk)
        )
    except Document.DoesNotExist:
        raise Http404(_("This document does not exist.")) from None


def document_parts(*, document: Document) -> QuerySet[DocumentFragment]:
    return (
        DocumentFragment.objects.filter(document=document)
        .select_related("fragment")
        .prefetch_related(Prefetch("fragment__codings", queryset=codings_in_codebook_order()))
        .order_by("position")
    )


def document_coding_count(*, document: Document) -> int:
    return codings_of(fragments=Fragment.objects.filter(document_link__document=document)).count()


def document_find_duplicate(*, neighbourhood: Neighbourhood, sha256: str) -> Document | None:
    return Document.objects.filter(neighbourhood=neighbourhood, sha256=sha256).first()


def document_year_choices() -> list[int]:
    """The measurement years open for new data, newest first; this year when none are set up (or all closed)."""
    return list(reversed(years_open())) or [timezone.localdate().year]


def document_default_year(*, wanted: Any, choices: list[int]) -> int:
    """The year asked for (``?jaar=``) if it is one of ``choices``, else the first choice (the newest)."""
    year = year_from_text(wanted, allowed=choices)
    return choices[0] if year is None else year


def user_may_delete_document(*, user: User, document: Document) -> bool:
    """The uploader; or, among those who may see the neighbourhood, anyone but a connector (people.access)."""
    return upload_may_delete(
        user=user, neighbourhood_id=document.neighbourhood_id, uploaded_by_id=document.uploaded_by_id
    )


def speaker_display(*, part: DocumentFragment) -> str:
    """How a fragment's speaker is shown: the transcript's role word, or "Spreker 2" for a name."""
    if part.speaker_label:
        return part.speaker_label
    if part.speaker_number:
        return _("Speaker %(number)s") % {"number": part.speaker_number}
    return ""

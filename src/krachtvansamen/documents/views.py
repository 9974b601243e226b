"""Pages for notes and transcripts: upload or paste → preview → save; a document's fragments; delete.

Every view first asks people.access whether the user may reach the neighbourhood (404/403), before it
reads anything from the request body.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from krachtvansamen.coding.models import Instrument, SpeakerRole
from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.documents import selectors, services
from krachtvansamen.documents.extraction import DocumentInputError
from krachtvansamen.documents.forms import CONSENT_CHOICES, DocumentUploadForm, SpeakerRolesForm
from krachtvansamen.documents.services import PendingDocument
from krachtvansamen.documents.splitting import SplitResult
from krachtvansamen.documents.upload import (
    UPLOAD_TOO_BIG,
    SizeLimitedUploadHandler,
    max_upload_bytes,
    max_upload_mb,
)
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhood_get_for_user
from krachtvansamen.people.models import Consent

LAST_FORM_KEY = "documents_last_form"


@login_required
def document_list(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    documents = selectors.documents_for_neighbourhood(neighbourhood=neighbourhood)
    kind = export_format(request)
    if kind:
        return export_response(
            kind,
            name=export_filename(_("notes and transcripts"), neighbourhood.name),
            header=[_("Title"), _("Kind"), _("Year"), _("Fragments"), _("Added")],
            rows=(
                [
                    d.title,
                    d.get_instrument_display(),
                    d.year,
                    d.fragment_total,  # type: ignore[attr-defined]  # annotated by the selector
                    d.created_at,
                ]
                for d in documents
            ),
        )
    return render(
        request,
        "documents/list.html",
        {"n": neighbourhood, "documents": documents, "download": export_links(request)},
    )


@csrf_exempt  # the CSRF check runs in _upload, after our upload handler is in place (Django's documented way)
@login_required
def document_upload(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    if request.method == "POST":
        request.upload_handlers.insert(0, SizeLimitedUploadHandler(request, limit=max_upload_bytes()))
    try:
        return _upload(request, neighbourhood)
    except RequestDataTooBig:
        # Pasted text beyond Django's DATA_UPLOAD_MAX_MEMORY_SIZE: the body was not read, so just say so.
        form = _upload_form(request, neighbourhood, data=None)
        return _render_upload(
            request, neighbourhood, form, error=_("The text is too long. Split it into parts."), status=400
        )


def _upload_form(request: HttpRequest, neighbourhood: Neighbourhood, *, data) -> DocumentUploadForm:
    years = selectors.document_year_choices()
    if data is not None:
        return DocumentUploadForm(data, request.FILES, years=years)
    initial = {"year": selectors.document_default_year(wanted=request.GET.get("jaar"), choices=years)}
    last = request.session.get(LAST_FORM_KEY)
    if last and last.get("cbs_code") == neighbourhood.cbs_code:
        initial.update({key: value for key, value in last.items() if key != "cbs_code"})
    return DocumentUploadForm(initial=initial, years=years)


def _render_upload(request, neighbourhood, form, *, error: str = "", status: int = 200) -> HttpResponse:
    return render(
        request,
        "documents/upload.html",
        {
            "n": neighbourhood,
            "form": form,
            "error": error,
            "max_mb": max_upload_mb(),
        },
        status=status,
    )


@csrf_protect
@require_http_methods(["GET", "POST"])
def _upload(request: HttpRequest, neighbourhood: Neighbourhood) -> HttpResponse:
    if request.method != "POST":
        return _render_upload(request, neighbourhood, _upload_form(request, neighbourhood, data=None))
    # Reading the body runs the upload handlers; the size handler marks a file that was too big.
    too_big = request.POST is not None and getattr(request, UPLOAD_TOO_BIG, False)
    if too_big:
        # The fields before the file arrived, the rest of the request was skipped: show what was typed,
        # without "required" errors for fields the browser sent after the file.
        years = selectors.document_year_choices()
        typed = {
            key: request.POST[key]
            for key in ("instrument", "year", "title", "consent_level")
            if key in request.POST
        }
        form = DocumentUploadForm(initial={"consent_level": Consent.Level.INTERNAL, **typed}, years=years)
        return _render_upload(request, neighbourhood, form, error=services.too_big_message(), status=400)
    form = _upload_form(request, neighbourhood, data=request.POST)
    if not form.is_valid():
        return _render_upload(request, neighbourhood, form, status=400)
    data = form.cleaned_data
    try:
        pending = services.document_prepare(
            neighbourhood=neighbourhood,
            year=data["year"],
            instrument=data["instrument"],
            title=data["title"],
            consent_level=data["consent_level"],
            upload=data.get("file"),
            pasted=data.get("text") or "",
        )
    except DocumentInputError as problem:
        return _render_upload(request, neighbourhood, form, error=problem.message, status=400)
    request.session.pop(LAST_FORM_KEY, None)
    token = services.pending_store(session=request.session, pending=pending)
    return redirect("documents:preview", cbs_code=neighbourhood.cbs_code, token=token)


def _speaker_rows(split: SplitResult) -> list[tuple[str, str, str, str]]:
    """(key, label in the transcript, how it is stored, suggested role) for the preview."""
    rows = [
        (s.key, s.label, s.stored_label or _("Speaker %(number)s") % {"number": s.number}, s.role)
        for s in split.speakers
    ]
    if any(piece.speaker is None for piece in split.pieces):
        rows.append((services.NO_SPEAKER, _("Text without a speaker"), "—", SpeakerRole.UNKNOWN))
    return rows


def _preview_back(
    request: HttpRequest, pending: PendingDocument, *, cbs_code: str, token: str
) -> HttpResponse:
    """Back to the upload form, filled in as it was; the preview is dropped."""
    request.session[LAST_FORM_KEY] = {
        "cbs_code": cbs_code,
        "instrument": pending.instrument,
        "year": pending.year,
        "title": pending.title,
        "consent_level": pending.consent_level,
    }
    services.pending_drop(session=request.session, token=token)
    return redirect(f"{reverse('documents:upload', args=[cbs_code])}?jaar={pending.year}")


def _preview_pieces(split: SplitResult, rows: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """The fragments as the preview lists them: text, time, speaker as stored, suggested role."""
    stored_as = {key: shown for key, _label, shown, _role in rows}
    role_names = dict(SpeakerRole.choices)
    suggested = {key: role for key, _label, _shown, role in rows}
    return [
        {
            "position": position,
            "text": piece.text,
            "time": piece.time,
            "speaker": stored_as.get(piece.speaker) if piece.speaker else "",
            "role": role_names[suggested.get(piece.speaker or services.NO_SPEAKER, SpeakerRole.UNKNOWN)],
        }
        for position, piece in enumerate(split.pieces, start=1)
    ]


@login_required
@require_http_methods(["GET", "POST"])
def document_preview(request: HttpRequest, cbs_code: str, token: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    pending = services.pending_get(session=request.session, token=token, cbs_code=cbs_code)
    if pending is None:
        messages.info(request, _("This preview has expired. Upload the document again."))
        return redirect("documents:upload", cbs_code=cbs_code)
    action = request.POST.get("action", "")
    if action == "back":
        return _preview_back(request, pending, cbs_code=cbs_code, token=token)
    if action in ("paragraphs", "speakers"):
        pending.detect_speakers = action == "speakers"
        services.pending_update(session=request.session, token=token, pending=pending)
        return redirect("documents:preview", cbs_code=cbs_code, token=token)

    split = pending.split()
    rows = _speaker_rows(split)
    roles_form = SpeakerRolesForm(
        request.POST if action == "save" else None,
        speakers=[(key, label, role) for key, label, _s, role in rows],
    )
    error = ""
    if action == "save" and roles_form.is_valid():
        try:
            document = services.document_create(
                pending=pending, neighbourhood=neighbourhood, user=request.user, roles=roles_form.roles()
            )
        except DocumentInputError as problem:
            error = problem.message
        else:
            services.pending_drop(session=request.session, token=token)
            count = document.parts.count()
            messages.success(
                request,
                ngettext("Saved: %(count)s fragment.", "Saved: %(count)s fragments.", count)
                % {"count": count},
            )
            return redirect("documents:detail", cbs_code=cbs_code, pk=document.pk)

    speaker_fields = [
        {"field": roles_form[f"role_{index}"], "label": label, "stored": shown}
        for index, (_key, label, shown, _role) in enumerate(rows)
    ]
    return render(
        request,
        "documents/preview.html",
        {
            "n": neighbourhood,
            "pending": pending,
            "token": token,
            "pieces": _preview_pieces(split, rows),
            "split": split,
            "speaker_fields": speaker_fields,
            "roles_form": roles_form,
            "error": error,
            "has_names": any(speaker.is_name for speaker in split.speakers),
            "instrument_label": dict(Instrument.choices).get(pending.instrument, pending.instrument),
            "consent_label": dict(CONSENT_CHOICES).get(pending.consent_level, pending.consent_level),
        },
        status=400 if error or roles_form.errors else 200,
    )


@login_required
def document_detail(request: HttpRequest, cbs_code: str, pk: int) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    document = selectors.document_get(neighbourhood=neighbourhood, pk=pk)
    parts = [
        {"part": part, "speaker": selectors.speaker_display(part=part)}
        for part in selectors.document_parts(document=document)
    ]
    return render(
        request,
        "documents/detail.html",
        {
            "n": neighbourhood,
            "document": document,
            "parts": parts,
            "may_delete": selectors.user_may_delete_document(user=request.user, document=document),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, cbs_code: str, pk: int) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    document = selectors.document_get(neighbourhood=neighbourhood, pk=pk)
    if not selectors.user_may_delete_document(user=request.user, document=document):
        raise PermissionDenied(
            _(
                "Only the person who uploaded this document, or a community builder or "
                "researcher, may delete it."
            )
        )
    if request.method == "POST":
        title = document.title
        count = services.document_delete(document=document)
        messages.success(
            request,
            ngettext(
                "Deleted “%(title)s” and its %(count)s fragment.",
                "Deleted “%(title)s” and its %(count)s fragments.",
                count,
            )
            % {"title": title, "count": count},
        )
        return redirect("documents:list", cbs_code=cbs_code)
    return render(
        request,
        "documents/delete.html",
        {
            "n": neighbourhood,
            "document": document,
            "coding_count": selectors.document_coding_count(document=document),
        },
    )

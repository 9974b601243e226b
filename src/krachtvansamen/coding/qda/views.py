"""The REFI-QDA exchange page, /coderen/uitwisselen/: download the codebook (QDC) or a programme or a
neighbourhood (QDPX), and import a QDC or QDPX file made by another tool.

Downloading the codebook: everyone who reads coding work. A project: only programmes and neighbourhoods whose
raw data the user may see (``export_scope``). Importing: coders only, into neighbourhoods they may code.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from krachtvansamen.coding.models import Instrument
from krachtvansamen.coding.qda.export import codebook_qdc, export_scope, project_qdpx
from krachtvansamen.coding.qda.importer import MAX_FILE_BYTES, ImportResult
from krachtvansamen.coding.qda.validate import QdaError, xml_parse
from krachtvansamen.core.forms import style_fields
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.jobs.services import start_job
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import (
    neighbourhoods_codable_for_user,
    neighbourhoods_for_user,
    programmes_for_own_codes,
    user_codes,
    user_reads_coding,
)

INDENT = "\u00a0" * 3  # non-breaking spaces: a select shows the codebook's nesting


class QdaImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"), help_text=gettext_lazy("A .qdc codebook or a .qdpx project.")
    )
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        required=False,
        label=gettext_lazy("Programme for new codes"),
        help_text=gettext_lazy("Codes that are not in our codebook become own codes of this programme."),
    )
    under = forms.ChoiceField(
        required=False,
        label=gettext_lazy("Put new top-level codes under"),
        help_text=gettext_lazy("For codes that have no parent in our codebook."),
    )
    neighbourhood = forms.ModelChoiceField(
        queryset=Neighbourhood.objects.none(),
        to_field_name="cbs_code",
        required=False,
        label=gettext_lazy("Neighbourhood"),
        help_text=gettext_lazy("For a project from another tool: where its texts belong."),
    )
    year = forms.IntegerField(required=False, min_value=1900, max_value=2200, label=gettext_lazy("Year"))
    instrument = forms.ChoiceField(required=False, label=gettext_lazy("Instrument"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme_field = self.fields["programme"]
        assert isinstance(programme_field, forms.ModelChoiceField)
        programme_field.queryset = programmes_for_own_codes(user=user)
        neighbourhood_field = self.fields["neighbourhood"]
        assert isinstance(neighbourhood_field, forms.ModelChoiceField)
        neighbourhood_field.queryset = neighbourhoods_codable_for_user(user=user).order_by("name")
        under = self.fields["under"]
        assert isinstance(under, forms.ChoiceField)
        under.choices = [("", "—")] + [
            (code.key, INDENT * code.depth + code.label) for code in codes_current().order_by("position")
        ]
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ChoiceField)
        instrument.choices = [("", "—"), *Instrument.choices]
        style_fields(self)


def _readable(request: HttpRequest) -> None:
    if not user_reads_coding(user=request.user):
        raise PermissionDenied(_("Coding is for researchers, community builders and programme managers."))


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def qda_page(request: HttpRequest) -> HttpResponse:
    _readable(request)
    may_import = user_codes(user=request.user)
    form = QdaImportForm(user=request.user) if may_import else None
    result: ImportResult | None = None
    error = ""
    status = 200
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied(_("Only coders import codes and codings."))
        form = QdaImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > MAX_FILE_BYTES:
                    raise QdaError(_("The file is too large to import. Nothing was imported."))
                data = upload.read()
                # A codebook that is not even XML is refused at once; the import itself runs as a job.
                if data[:4] != b"PK\x03\x04":
                    xml_parse(data, what=upload.name)
            except QdaError as problem:
                error = str(problem)
                status = 400
            else:
                cleaned = form.cleaned_data
                neighbourhood = cleaned["neighbourhood"].cbs_code if cleaned["neighbourhood"] else ""
                job = start_job(
                    "qda_import",
                    request.user,
                    scope=neighbourhood,
                    scope_label=cleaned["neighbourhood"].name if cleaned["neighbourhood"] else "",
                    upload=(upload.name, data),
                    programme=cleaned["programme"].pk if cleaned["programme"] else None,
                    under=cleaned["under"] or "",
                    neighbourhood=neighbourhood,
                    year=cleaned["year"],
                    instrument=cleaned["instrument"] or "",
                )
                return redirect("jobs:detail", pk=job.pk)
        else:
            status = 400
    neighbourhoods = neighbourhoods_for_user(user=request.user).select_related("programme").order_by("name")
    programmes = Programme.objects.filter(pk__in=neighbourhoods.values("programme_id")).order_by("name")
    return render(
        request,
        "coding/qda/page.html",
        {
            "form": form,
            "result": result,
            "error": error,
            "neighbourhoods": neighbourhoods,
            "programmes": programmes,
            "max_mb": MAX_FILE_BYTES // (1024 * 1024),
        },
        status=status,
    )


@login_required
@require_GET
def qda_codebook(request: HttpRequest) -> HttpResponse:
    _readable(request)
    programmes = list(
        Programme.objects.filter(pk__in=neighbourhoods_for_user(user=request.user).values("programme_id"))
    )
    try:
        content = codebook_qdc(programmes=programmes)
    except QdaError as problem:
        return HttpResponse(str(problem), status=404, content_type="text/plain; charset=utf-8")
    return _download(content, filename="codeboek.qdc", content_type="application/xml")


@login_required
@require_http_methods(["GET", "POST"])
def qda_project(request: HttpRequest) -> HttpResponse:
    """GET: the file at once (scripts). POST (the page's button): a background job with a progress page."""
    _readable(request)
    data = request.POST if request.method == "POST" else request.GET
    programme = data.get("programma") or None
    cbs_code = data.get("buurt") or None
    try:
        neighbourhoods, name = export_scope(user=request.user, programme=programme, neighbourhood=cbs_code)
    except QdaError as problem:
        raise PermissionDenied(str(problem)) from None
    if request.method == "POST":
        job = start_job(
            "qda_export", request.user, scope=cbs_code or programme or "", scope_label=name,
            programme=programme, neighbourhood=cbs_code,
        )  # fmt: skip
        return redirect("jobs:detail", pk=job.pk)
    content = project_qdpx(neighbourhoods=neighbourhoods, name=name)
    filename = f"{cbs_code or programme}.qdpx"
    return _download(content, filename=filename, content_type="application/zip")

"""The lists: all fragments with a code (and its downloads), the palet, and the codebook page with the
programmes' own codes (a coding view: the framework below cannot know the programmes' codes).

Every page is scoped to the neighbourhoods the user may see (``people.access``) and open to those who read
coding work; funders and connectors get a 403.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from krachtvansamen.coding.lists.export import csv_response, xlsx_response
from krachtvansamen.coding.lists.forms import FILTER_FIELDS, OwnCodeForm, filter_fields, filters_from_query
from krachtvansamen.coding.lists.render import filters_html, fragments_html
from krachtvansamen.coding.lists.selectors import (
    EXPORT_FIELDS,
    PAGE_SIZE,
    code_family,
    code_groups,
    export_rows,
    fragments_page,
    fragments_with_code,
    palet_build,
)
from krachtvansamen.coding.models import ProgrammeCode
from krachtvansamen.coding.services import CodingError, own_code_add
from krachtvansamen.framework.models import Codebook
from krachtvansamen.framework.selectors import codebook_get
from krachtvansamen.framework.services import CodebookError
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhoods_for_user, programmes_for_own_codes, user_reads_coding


def _readable(request: HttpRequest) -> QuerySet[Neighbourhood]:
    """The neighbourhoods whose coding work the user may read; 403 for those who do not read coding."""
    if not user_reads_coding(user=request.user):
        raise PermissionDenied(_("Only coders and programme managers see coding work."))
    return neighbourhoods_for_user(user=request.user)


def _query(data: QueryDict, *, keep: tuple[str, ...], **changes: object) -> str:
    """A query string with the kept parameters of ``data`` and the changes (None or "" leaves one out)."""
    params: dict[str, object] = {name: data.get(name) for name in keep}
    params.update(changes)
    clean = {name: value for name, value in params.items() if value not in (None, "")}
    return f"?{urlencode(clean)}" if clean else ""


def _fragment_links(pks: list[int]) -> dict[int, str]:
    """The workbench's page of each fragment (one ``reverse`` for all: it is the same pattern)."""
    marker = 987654321
    try:
        pattern = reverse("coding:fragment", args=[marker])
    except NoReverseMatch:  # the workbench is not there (yet)
        return {}
    return {pk: pattern.replace(str(marker), str(pk)) for pk in pks}


def _page_number(text: str | None) -> int:
    number = int(text) if text and text.isdigit() and len(text) < 7 else 1
    return max(number, 1)


@login_required
def code_fragments(request: HttpRequest, key: str) -> HttpResponseBase:
    """All fragments carrying a code or one of its sub-codes: a page of 50, or every coding as CSV/XLSX."""
    neighbourhoods = _readable(request)
    family = code_family(key=key)
    if family is None:
        raise Http404(_("This code does not exist."))
    with_key = request.GET.get("with") or ""
    with_family = code_family(key=with_key) if with_key else None
    if with_key and with_family is None:
        raise Http404(_("This code does not exist."))
    all_codings = request.GET.get("alle") == "1"
    filters = filters_from_query(request.GET)
    fragments = fragments_with_code(
        neighbourhoods=neighbourhoods, filters=filters, code_ids=family.ids,
        with_ids=with_family.ids if with_family else None, all_codings=all_codings,
    )  # fmt: skip
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        pseudonymised = request.GET.get("gepseudonimiseerd") == "1"
        rows = export_rows(
            fragments=fragments, code_ids=family.ids, all_codings=all_codings, pseudonymised=pseudonymised
        )
        name = re.sub(r"[^A-Za-z0-9._-]", "_", f"fragmenten-{key}{f'-{with_key}' if with_key else ''}")
        if pseudonymised:
            name += "-gepseudonimiseerd"
        if download == "csv":
            return csv_response(filename=f"{name}.csv", header=EXPORT_FIELDS, rows=rows)
        return xlsx_response(filename=f"{name}.xlsx", sheet="fragmenten", header=EXPORT_FIELDS, rows=rows)

    total, page, listed = fragments_page(
        fragments=fragments, code_ids=family.ids, all_codings=all_codings,
        page=_page_number(request.GET.get("pagina")),
    )  # fmt: skip
    pages = max(1, -(-total // PAGE_SIZE))
    links = _fragment_links([fragment.pk for fragment in listed])
    keep = (*FILTER_FIELDS, "with", "alle")
    data = request.GET
    filter_query = _query(data, keep=FILTER_FIELDS)
    return render(
        request,
        "coding/lists/code_fragments.html",
        {
            "family": family,
            "with_family": with_family,
            "all_codings": all_codings,
            "fragments": listed,
            "fragments_html": fragments_html(listed, links=links),
            "total": total,
            "page": page,
            "pages": pages,
            "first": (page - 1) * PAGE_SIZE + 1,
            "last": (page - 1) * PAGE_SIZE + len(listed),
            "previous_query": _query(data, keep=keep, pagina=page - 1) if page > 1 else "",
            "next_query": _query(data, keep=keep, pagina=page + 1) if page < pages else "",
            "csv_query": _query(data, keep=keep, format="csv"),
            "xlsx_query": _query(data, keep=keep, format="xlsx"),
            "shared_csv_query": _query(data, keep=keep, format="csv", gepseudonimiseerd="1"),
            "shared_xlsx_query": _query(data, keep=keep, format="xlsx", gepseudonimiseerd="1"),
            "counted_query": _query(data, keep=(*FILTER_FIELDS, "with")),
            "all_query": _query(data, keep=(*FILTER_FIELDS, "with"), alle="1"),
            "without_with_query": _query(data, keep=(*FILTER_FIELDS, "alle")),
            "filter_query": filter_query,
            # The filters' options (two queries) only when the filters are open: most visits do not filter.
            "filters_open": bool(filter_query) or "filteren" in data,
            "filters_html": (
                filters_html(filter_fields(data, neighbourhoods=neighbourhoods))
                if filter_query or "filteren" in data
                else ""
            ),
            "without_filters_query": _query(data, keep=("with", "alle")),
            "open_filters_query": _query(data, keep=(*FILTER_FIELDS, "with", "alle"), filteren="1"),
        },
    )


@login_required
def palet(request: HttpRequest) -> HttpResponse:
    """Which codes of a group occur together in one fragment (counted codings), with links to the fragments."""
    neighbourhoods = _readable(request)
    groups = code_groups()
    group = request.GET.get("groep") or "effect"
    if group not in {key for key, _label in groups}:
        group = (
            "effect" if any(key == "effect" for key, _label in groups) else (groups[0][0] if groups else "")
        )
    filters = filters_from_query(request.GET)
    result = palet_build(neighbourhoods=neighbourhoods, filters=filters, group=group)
    filter_params = {name: request.GET.get(name) for name in FILTER_FIELDS if request.GET.get(name)}
    highest = max(
        (
            count
            for row in result.rows
            for other, count in zip(result.keys, row.cells, strict=True)
            if other != row.key
        ),
        default=0,
    )
    rows = []
    for row in result.rows:
        base = reverse("coding:code_fragments", args=[row.key])
        cells = []
        for other, count in zip(result.keys, row.cells, strict=True):
            params = dict(filter_params) if other == row.key else {**filter_params, "with": other}
            url = f"{base}?{urlencode(params)}" if params else base
            level = -(-4 * count // highest) if highest and other != row.key else 0
            cells.append(
                {"count": count, "url": url if count else "", "diagonal": other == row.key, "level": level}
            )
        rows.append({"row": row, "cells": cells, "url": base})
    return render(
        request,
        "coding/lists/palet.html",
        {
            "palet": result,
            "rows": rows,
            "group": group,
            "group_label": dict(groups).get(group, group),
            "groups": groups,
            "filters_html": filters_html(filter_fields(request.GET, neighbourhoods=neighbourhoods)),
        },
    )


# --- the codebook, with the programmes' own codes ----------------------------------------------------------


def _codebook_context(request: HttpRequest, codebook: Codebook) -> dict[str, Any]:
    codes = list(codebook.codes.select_related("created_by").order_by("position"))
    own = dict(ProgrammeCode.objects.values_list("key", "programme__name"))
    children: dict[int, list[Any]] = {}
    for code in codes:
        if code.parent_id is not None:
            children.setdefault(code.parent_id, []).append(code)
    for code in codes:
        code.child_codes = children.get(code.pk, [])  # type: ignore[attr-defined]
        code.own_of = own.get(code.key, "")  # type: ignore[attr-defined]
        by = code.created_by
        code.added_by = (by.get_full_name() or by.get_username()) if by else ""  # type: ignore[attr-defined]
    return {
        "codebook": codebook,
        "groups": [code for code in codes if code.depth == 0],
        "versions": Codebook.objects.order_by("-loaded_at"),
        "code_count": len(codes),
        "reads_coding": user_reads_coding(user=request.user),
    }


@login_required
def codebook_page(request: HttpRequest) -> HttpResponse:
    """The codebook (any version); for researchers and programme managers, a form to add a code of their
    programme's own under a code of the current version."""
    codebook = codebook_get(version=request.GET.get("versie") or None)
    if codebook is None:
        raise Http404(_("This codebook version does not exist."))
    programmes = programmes_for_own_codes(user=request.user)
    may_add = codebook.is_current and programmes.exists()
    form = None
    if request.method == "POST":
        if not may_add:
            raise PermissionDenied(_("You cannot add codes of your own."))
        form = OwnCodeForm(request.POST, programmes=programmes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                code = own_code_add(
                    programme=data["programme"], parent=data["parent"], suffix=data["suffix"],
                    label_nl=data["label_nl"], label_en=data["label_en"], definition_nl=data["definition_nl"],
                    user=request.user,
                )  # fmt: skip
            except CodingError as error:  # the parent is no (longer a) code of the current codebook
                form.add_error("parent", str(error))
            except CodebookError as error:  # the key is taken or not a key
                form.add_error("suffix", str(error))
            except IntegrityError:
                form.add_error("suffix", _("This key is already in use. Choose another short key."))
            else:
                messages.success(
                    request,
                    _("Added: %(label)s, a code of %(programme)s's own.")
                    % {"label": code.label_nl, "programme": data["programme"].name},
                )
                return redirect(f"{reverse('codebook')}#{code.key}")
    elif may_add:
        form = OwnCodeForm(programmes=programmes)
    context = _codebook_context(request, codebook)
    context["form"] = form
    return render(request, "framework/codebook.html", context, status=400 if form and form.errors else 200)

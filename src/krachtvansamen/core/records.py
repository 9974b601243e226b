"""Shared page plumbing: add, change and delete one record of one neighbourhood (assets, activities,
relations each describe themselves as a ``RecordKind``; see assets/views.py and network/views.py).

Every view first asks the kind's ``find_neighbourhood`` (``people.access.neighbourhood_get_for_user``: 404 for
an unknown neighbourhood, 403 for someone else's); records are looked up inside that neighbourhood only, so
another neighbourhood's id is a 404. Whether a record may be changed is the kind's ``may_change``
(``people.access.record_may_change``), whether it may be deleted its ``may_delete``
(``people.access.record_may_delete``); the change page shows the record's ``history`` (``privacy.changes``).
Core is the bottom layer, so the access rules and the history come in as functions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from krachtvansamen.core.forms import add_errors


def neighbourhood_url(neighbourhood: Any, *, year: int | None, anchor: str) -> str:
    query = f"?jaar={year}" if year else ""
    return f"{reverse('neighbourhood', args=[neighbourhood.cbs_code])}{query}#{anchor}"


@dataclass(frozen=True)
class RecordKind:
    """One kind of record and how its pages read and write it."""

    model: type[Any]
    form: type[Any]  # a form taking ``neighbourhood=`` and ``instance=``, with ``service_kwargs()``
    template: str
    anchor: str  # the section of the neighbourhood page to go back to
    what: Any  # "asset", for "Delete this asset?"
    add_title: Any
    change_title: Any
    create: Callable[..., Any]  # create(neighbourhood=, user=, **form data)
    update: Callable[..., Any]  # update(record, user=, **form data)
    delete: Callable[..., None]  # delete(record, user=)
    find_neighbourhood: Callable[..., Any]  # (user=, cbs_code=) -> neighbourhood, or 404 / 403
    may_change: Callable[..., bool]  # (user=, record=) -> whether this user may change the record
    may_delete: Callable[..., bool]  # (user=, record=) -> whether this user may delete the record
    label: Callable[[Any], str] = str
    dependants: Callable[[Any], Any] | None = None
    history: Callable[[Any], Any] | None = None  # (record) -> who changed what and when, for its change page


def _record_for_change(request: HttpRequest, kind: RecordKind, *, neighbourhood: Any, pk: int) -> Any:
    record = get_object_or_404(kind.model, pk=pk, neighbourhood=neighbourhood)
    if not kind.may_change(user=request.user, record=record):
        raise PermissionDenied(_("You can only change what you recorded yourself."))
    return record


def _record_for_delete(request: HttpRequest, kind: RecordKind, *, neighbourhood: Any, pk: int) -> Any:
    record = get_object_or_404(kind.model, pk=pk, neighbourhood=neighbourhood)
    if not kind.may_delete(user=request.user, record=record):
        raise PermissionDenied(_("You can only delete what you recorded yourself."))
    return record


def _form_page(
    request: HttpRequest, kind: RecordKind, *, neighbourhood: Any, record: Any = None
) -> HttpResponse:
    """Show the form; on a valid POST save through the service, or show its errors next to the fields."""
    form = kind.form(
        request.POST if request.method == "POST" else None, neighbourhood=neighbourhood, instance=record
    )
    if request.method == "POST" and form.is_valid():
        try:
            if record is None:
                saved = kind.create(neighbourhood=neighbourhood, user=request.user, **form.service_kwargs())
            else:
                saved = kind.update(record, user=request.user, **form.service_kwargs())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Saved: %(name)s.") % {"name": kind.label(saved)})
            return redirect(neighbourhood_url(neighbourhood, year=saved.year, anchor=kind.anchor))
    context = {
        "form": form,
        "n": neighbourhood,
        "record": record,
        "title": kind.add_title if record is None else kind.change_title,
        "changes": kind.history(record) if record is not None and kind.history else [],
    }
    return render(request, kind.template, context, status=400 if form.is_bound and form.errors else 200)


def create_view(kind: RecordKind) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: HttpRequest, cbs_code: str) -> HttpResponse:
        neighbourhood = kind.find_neighbourhood(user=request.user, cbs_code=cbs_code)
        return _form_page(request, kind, neighbourhood=neighbourhood)

    return view


def update_view(kind: RecordKind) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: HttpRequest, cbs_code: str, pk: int) -> HttpResponse:
        neighbourhood = kind.find_neighbourhood(user=request.user, cbs_code=cbs_code)
        record = _record_for_change(request, kind, neighbourhood=neighbourhood, pk=pk)
        return _form_page(request, kind, neighbourhood=neighbourhood, record=record)

    return view


def delete_view(kind: RecordKind) -> Callable[..., HttpResponse]:
    """GET asks (and says what points at the record), POST deletes."""

    @login_required
    def view(request: HttpRequest, cbs_code: str, pk: int) -> HttpResponse:
        neighbourhood = kind.find_neighbourhood(user=request.user, cbs_code=cbs_code)
        record = _record_for_delete(request, kind, neighbourhood=neighbourhood, pk=pk)
        back = neighbourhood_url(neighbourhood, year=record.year, anchor=kind.anchor)
        label = kind.label(record)
        if request.method == "POST":
            kind.delete(record, user=request.user)
            messages.success(request, _("Deleted: %(name)s.") % {"name": label})
            return redirect(back)
        return render(
            request,
            "core/confirm_delete.html",
            {
                "n": neighbourhood,
                "record": record,
                "label": label,
                "what": kind.what,
                "back": back,
                "dependants": kind.dependants(record) if kind.dependants else None,
            },
        )

    return view

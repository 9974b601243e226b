"""The workbench: the queue, one fragment with its context and the codes panel, and the coder's writes.

Every write is a plain form POST that redirects back (works without JavaScript); ``workbench.js`` sends the
same POSTs with fetch (an ``HX-Request`` header) and gets the fragment's text and codes back to swap in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from krachtvansamen.coding.models import Coding, Fragment, Memo
from krachtvansamen.coding.selectors import QueueFilters, codings_counted, codings_shown, fragment_context
from krachtvansamen.coding.services import (
    CodingError,
    coding_add,
    coding_remove,
    fragment_mark_coded,
    fragment_mark_special,
    memo_save,
)
from krachtvansamen.coding.suggest.services import suggestion_decide, suggestions_for
from krachtvansamen.coding.workbench import access, selectors
from krachtvansamen.coding.workbench.forms import CodingAddForm, MemoForm, QueueFilterForm
from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.people.access import user_codes

PER_PAGE = 50


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    neighbourhoods = access.readable(request)
    blind = access.blind(request)
    form = QueueFilterForm(request.GET, neighbourhoods=neighbourhoods, blind=blind)
    fragments = selectors.queue_with_mine(
        neighbourhoods=neighbourhoods, filters=form.filters(), user=request.user, blind=blind
    )
    kind = export_format(request)
    if kind:
        return export_response(kind, name=export_filename(_("fragments")), header=_queue_header(blind=blind),
                               rows=_queue_rows(fragments, blind=blind))  # fmt: skip
    page = Paginator(fragments, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "coding/workbench/queue.html",
        {
            "form": form,
            "page": page,
            "query": form.query(),
            "blind": blind,
            "filtered": form.active_count(),
            # Programme managers and connectors read the coding work; only coders review quotes (no dead link).
            "reviews_quotes": user_codes(user=request.user),
            "download": export_links(request),
        },
    )


def _queue_header(*, blind: bool) -> list[str]:
    header = [
        _("Fragment number"),
        _("Neighbourhood"),
        _("Year"),
        _("Instrument"),
        _("Speaker"),
        _("State"),
        _("Text"),
    ]
    return header if blind else [*header, _("Codes (counted)")]


def _queue_rows(fragments: QuerySet[Fragment], *, blind: bool) -> Iterator[list[object]]:
    """The queue's rows with the whole text. Blind coding shows nobody else's codes, so the download has the
    codes only when the page is not blind: the codings analyses count (``codings_counted``), by key."""
    if not blind:
        counted = codings_counted().select_related("code").order_by("code__key")
        fragments = fragments.prefetch_related(Prefetch("codings", queryset=counted, to_attr="counted"))
    for f in fragments.iterator(chunk_size=500):
        if blind:
            state = _("coded by you") if f.is_mine else _("not yet")  # type: ignore[attr-defined]
        else:
            state = str(f.get_coding_state_display()).capitalize()
        row: list[object] = [f.pk, f.neighbourhood.name, f.year, f.get_instrument_display(),
                             str(f.get_speaker_role_display()).capitalize(), state, f.text]  # fmt: skip
        if not blind:
            row.append(", ".join(dict.fromkeys(c.code.key for c in f.counted)))  # type: ignore[attr-defined]
        yield row


@login_required
@require_POST
def blind_switch(request: HttpRequest) -> HttpResponse:
    access.readable(request)
    access.blind_set(request, on=request.POST.get("blind") == "1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("coding:queue")
    return redirect(target)


def _rank(request: HttpRequest, fragment: Fragment, blind: bool) -> int:
    rank = access.rank_from(request.GET)
    if rank is None:
        neighbourhoods = access.readable(request)
        rank = selectors.queue_rank_of(
            fragment=fragment, neighbourhoods=neighbourhoods, user=request.user, blind=blind
        )
    return rank


def _main_context(request: HttpRequest, fragment: Fragment, blind: bool) -> dict[str, Any]:
    """What the swappable part of the fragment page shows: the text with coded parts, and the codings."""
    # The settled outcome first: it is what analyses count.
    codings = sorted(
        codings_shown(fragment=fragment, user=request.user, blind=blind), key=lambda c: not c.settled
    )
    may_code = access.may_code(request, fragment)
    # Blind coding keeps a coder's judgement their own: no suggestions either.
    suggestions = suggestions_for(fragment=fragment, user=request.user) if may_code and not blind else []
    return {
        "fragment": fragment,
        "segments": selectors.text_segments(text=fragment.text, codings=codings),
        "codings": codings,
        "has_mine": any(c.coder_id == request.user.pk and not c.settled for c in codings),
        "whole": [c for c in codings if c.start is None],
        "parts": [(c, fragment.text[c.start : c.end]) for c in codings if c.start is not None],
        "blind": blind,
        "may_code": may_code,
        "suggestions": suggestions,
        "nav_query": access.queue_query(request.GET, rank=_rank(request, fragment, blind)),
    }


def _page_context(request: HttpRequest, fragment: Fragment) -> dict[str, Any]:
    blind = access.blind(request)
    context = _main_context(request, fragment, blind)
    before, after = fragment_context(fragment=fragment)
    own_memo = fragment.memos.filter(author_id=request.user.pk).order_by("pk").first()
    context.update(
        before=before,
        after=after,
        groups=selectors.codes_panel(programme_id=fragment.neighbourhood.programme_id),
        memos=selectors.memos_on_fragment(fragment=fragment, user=request.user, blind=blind),
        memo_form=MemoForm(initial={"text": own_memo.text if own_memo else ""}),
        own_memo=own_memo,
        queue_query=access.queue_query(request.GET),
        document_id=_document_id(fragment),
    )
    return context


def _document_id(fragment: Fragment) -> int | None:
    kind, _sep, number = fragment.source.partition(":")
    return int(number) if kind == "document" and number.isdigit() else None


@login_required
@require_GET
def fragment_page(request: HttpRequest, pk: int) -> HttpResponse:
    fragment = access.fragment_get(request, pk)
    return render(request, "coding/workbench/fragment.html", _page_context(request, fragment))


def _back(request: HttpRequest, fragment: Fragment) -> HttpResponse:
    """After a write: the fragment's swappable part for fetch, else the page again (POST, redirect, GET)."""
    if request.headers.get("HX-Request"):
        context = _main_context(request, fragment, access.blind(request))
        return render(request, "coding/workbench/_fragment_main.html", context)
    query = access.queue_query(request.GET, rank=access.rank_from(request.GET))
    return redirect(f"{reverse('coding:fragment', args=[fragment.pk])}?{query}")


def _refused(request: HttpRequest, fragment: Fragment, error: str) -> HttpResponse:
    """A write the services refused: the message on the page (or in the swapped part), nothing saved."""
    if request.headers.get("HX-Request"):
        context = _main_context(request, fragment, access.blind(request))
        context["error"] = error
        return render(request, "coding/workbench/_fragment_main.html", context, status=400)
    context = _page_context(request, fragment)
    context["error"] = error
    return render(request, "coding/workbench/fragment.html", context, status=400)


@login_required
@require_POST
def coding_new(request: HttpRequest, pk: int) -> HttpResponse:
    fragment = access.fragment_get_to_code(request, pk)
    form = CodingAddForm(request.POST)
    if not form.is_valid():
        return _refused(request, fragment, _("Choose a code, and a selection within the fragment."))
    data = form.cleaned_data
    code = codes_current().filter(key=data["code"]).first()
    if code is None:
        return _refused(
            request, fragment, _("This code cannot be used here: choose a code of the current codebook.")
        )
    try:
        coding_add(fragment=fragment, code=code, user=request.user, start=data["start"], end=data["end"])
    except CodingError as error:
        return _refused(request, fragment, str(error))
    return _back(request, fragment)


@login_required
@require_POST
def suggestion_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Yes or no to a suggested code: yes makes it the coder's coding (origin "suggested"), no is remembered."""
    fragment = access.fragment_get_to_code(request, pk)
    answer = request.POST.get("answer")
    if answer not in ("ja", "nee"):
        return _refused(request, fragment, _("Choose yes or no for the suggested code."))
    try:
        suggestion_decide(
            fragment=fragment, key=request.POST.get("code", ""), user=request.user, confirm=answer == "ja"
        )
    except CodingError as error:
        return _refused(request, fragment, str(error))
    return _back(request, fragment)


@login_required
@require_POST
def coding_delete(request: HttpRequest, pk: int, coding_pk: int) -> HttpResponse:
    fragment = access.fragment_get_to_code(request, pk)
    coding = get_object_or_404(Coding, pk=coding_pk, fragment=fragment)
    try:
        coding_remove(coding=coding, user=request.user)
    except CodingError as error:
        return _refused(request, fragment, str(error))
    return _back(request, fragment)


@login_required
@require_POST
def fragment_done(request: HttpRequest, pk: int) -> HttpResponse:
    """ "No (further) code applies": the coder has been through it; on to the next fragment of the queue."""
    fragment = access.fragment_get_to_code(request, pk)
    try:
        fragment_mark_coded(fragment=fragment, user=request.user)
    except CodingError as error:
        return _refused(request, fragment, str(error))
    return _step(request, fragment, forward=True)


@login_required
@require_POST
def fragment_memo(request: HttpRequest, pk: int) -> HttpResponse:
    fragment = access.fragment_get_to_code(request, pk)
    form = MemoForm(request.POST)
    form.is_valid()
    own = Memo.objects.filter(fragment=fragment, author_id=request.user.pk).order_by("pk").first()
    try:
        memo_save(user=request.user, text=form.cleaned_data.get("text", ""), fragment=fragment, memo=own)
    except CodingError as error:
        return _refused(request, fragment, str(error))
    messages.success(request, _("Memo saved."))
    query = access.queue_query(request.GET, rank=access.rank_from(request.GET))
    return redirect(f"{reverse('coding:fragment', args=[fragment.pk])}?{query}#memo")


@login_required
@require_POST
def fragment_special(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark or unmark: the text reveals a special category of personal data (AVG art. 9). Coders only."""
    fragment = access.fragment_get_to_code(request, pk)
    special = request.POST.get("special") == "1"
    try:
        fragment_mark_special(fragment=fragment, user=request.user, special=special)
    except CodingError as error:
        return _refused(request, fragment, str(error))
    messages.success(
        request,
        _("Marked: this text reveals a special category of personal data. It is never quoted.")
        if special
        else _("No longer marked as a special category of personal data."),
    )
    return _back(request, fragment)


def _step(request: HttpRequest, fragment: Fragment, *, forward: bool) -> HttpResponse:
    """To the next (or previous) fragment of the queue with the same filters, or back to the queue."""
    neighbourhoods = access.readable(request)
    blind = access.blind(request)
    filters: QueueFilters = QueueFilterForm(request.GET, neighbourhoods=neighbourhoods, blind=blind).filters()
    found = selectors.queue_neighbour(
        fragment=fragment, rank=_rank(request, fragment, blind), neighbourhoods=neighbourhoods,
        filters=filters, user=request.user, blind=blind, forward=forward,
    )  # fmt: skip
    if found is None:
        messages.info(
            request,
            _("That was the last fragment of the list.")
            if forward
            else _("That was the first fragment of the list."),
        )
        return redirect(f"{reverse('coding:queue')}?{access.queue_query(request.GET)}")
    neighbour, rank = found
    query = access.queue_query(request.GET, rank=rank)
    return redirect(f"{reverse('coding:fragment', args=[neighbour.pk])}?{query}")


@login_required
@require_GET
def fragment_next(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, access.fragment_get(request, pk), forward=True)


@login_required
@require_GET
def fragment_previous(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, access.fragment_get(request, pk), forward=False)

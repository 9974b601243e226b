"""Disagreements and their settlement, and memos on a code.

The disagreement pages are the discussion: they show every coder's codes, so in blind mode they ask the
coder to switch blind mode off first. Only coders of the fragment's neighbourhood settle.
"""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from krachtvansamen.coding.models import CodingState, Fragment
from krachtvansamen.coding.selectors import codes_usable, fragments_queue
from krachtvansamen.coding.services import CodingError, fragment_settle, fragment_unsettle, memo_save
from krachtvansamen.coding.workbench import access, selectors
from krachtvansamen.coding.workbench.forms import CodeMemoForm, QueueFilterForm, SettleForm
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.people.access import neighbourhoods_codable_for_user

SETTLED_TAB = "vastgelegd"


@login_required
@require_GET
def disputes(request: HttpRequest) -> HttpResponse:
    neighbourhoods = access.readable(request)
    blind = access.blind(request)
    tab = SETTLED_TAB if request.GET.get("tab") == SETTLED_TAB else ""
    form = QueueFilterForm(request.GET, neighbourhoods=neighbourhoods, blind=False)
    del form.fields["status"]
    state = CodingState.SETTLED if tab else CodingState.DISPUTED
    page = None
    if not blind:
        filters = replace(form.filters(), state=state)
        fragments = fragments_queue(neighbourhoods=neighbourhoods, filters=filters, user=request.user)
        page = Paginator(fragments.select_related("neighbourhood"), 50).get_page(request.GET.get("pagina"))
    return render(
        request,
        "coding/workbench/disputes.html",
        {"form": form, "page": page, "blind": blind, "tab": tab, "query": access.queue_query(request.GET)},
    )


def _settle_form(request: HttpRequest, fragment: Fragment, overview: selectors.SettleOverview) -> SettleForm:
    usable = codes_usable(programme_id=fragment.neighbourhood.programme_id)
    data = request.POST if request.method == "POST" else None
    initial = {"codes": [c.pk for c in overview.codes if c.pk in overview.agreed]}
    return SettleForm(data, given=overview.codes, usable=usable, initial=initial)


def _settle_post(request: HttpRequest, fragment: Fragment, form: SettleForm) -> HttpResponse | None:
    """Settle or reopen; None when the form has errors (the page shows them)."""
    if request.POST.get("action") == "unsettle":
        fragment_unsettle(fragment=fragment)
        messages.success(request, _("The fragment is open for discussion again."))
        return redirect(f"{reverse('coding:settle', args=[fragment.pk])}?{access.queue_query(request.GET)}")
    if not form.is_valid():
        return None
    try:
        fragment_settle(
            fragment=fragment, user=request.user, codes=form.outcome(), memo=form.cleaned_data["memo"]
        )
    except CodingError as error:
        form.add_error(None, str(error))
        return None
    messages.success(request, _("Settled: from now on analyses count this outcome."))
    return redirect(f"{reverse('coding:settle', args=[fragment.pk])}?{access.queue_query(request.GET)}")


@login_required
@require_http_methods(["GET", "POST"])
def settle(request: HttpRequest, pk: int) -> HttpResponse:
    fragment = access.fragment_get(request, pk)
    may_settle = access.may_code(request, fragment)
    blind = access.blind(request)
    if request.method == "POST" and not may_settle:
        raise PermissionDenied(_("Only coders of this neighbourhood can settle its fragments."))
    overview = selectors.settle_overview(fragment=fragment)
    form = _settle_form(request, fragment, overview)
    if request.method == "POST" and not blind:
        response = _settle_post(request, fragment, form)
        if response is not None:
            return response
    return render(
        request,
        "coding/workbench/settle.html",
        {
            "fragment": fragment, "overview": overview, "form": form, "may_settle": may_settle,
            "blind": blind, "query": access.queue_query(request.GET),
            "memos": fragment.memos.select_related("author").order_by("created_at", "pk"),
        },
        status=400 if form.errors else 200,
    )  # fmt: skip


def _code_for_memos(key: str) -> Code:
    code = codes_current().filter(key=key, depth__gt=0).first()
    if code is None:
        raise Http404(_("This code is not in the current codebook."))
    return code


@login_required
@require_http_methods(["GET", "POST"])
def code_memos(request: HttpRequest, key: str) -> HttpResponse:
    """The memos on one code within the user's programmes, and a memo to add (in a programme they code in)."""
    neighbourhoods = access.readable(request)
    code = _code_for_memos(key)
    programmes = selectors.programmes_within(neighbourhoods=neighbourhoods)
    writable = selectors.programmes_within(neighbourhoods=neighbourhoods_codable_for_user(user=request.user))
    form = CodeMemoForm(request.POST if request.method == "POST" else None, programmes=writable)
    if request.method == "POST":
        if not writable.exists():
            raise PermissionDenied(_("Only coders can write memos."))
        if form.is_valid():
            try:
                memo_save(
                    user=request.user,
                    text=form.cleaned_data["text"],
                    code=code,
                    programme=form.cleaned_data["programme"],
                )
            except CodingError as error:
                form.add_error("text", str(error))
            else:
                messages.success(request, _("Memo saved."))
                return redirect("coding:code_memos", key=code.key)
    return render(
        request,
        "coding/workbench/code_memos.html",
        {
            "code": code, "memos": selectors.memos_on_code(key=code.key, programmes=programmes),
            "form": form, "may_write": writable.exists(),
        },
        status=400 if form.errors else 200,
    )  # fmt: skip

"""The quote review page, /coderen/citaten/: the words to review with a pseudonymised proposal, and the reviewed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from krachtvansamen.coding.models import Fragment, QuoteReview
from krachtvansamen.coding.quotes.services import (
    QuoteReviewError,
    quote_proposal,
    quote_review_decide,
    quote_review_reset,
    quotes_to_review,
)
from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhoods_codable_for_user, user_codes

PER_PAGE = 10


def _reviewable(request: HttpRequest) -> QuerySet[Neighbourhood]:
    # Those who code a buurt's fragments review its quotes: researchers, and community builders for their own.
    if not user_codes(user=request.user):
        raise PermissionDenied(_("Reviewing quotes is for researchers and community builders."))
    return neighbourhoods_codable_for_user(user=request.user)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    neighbourhoods = _reviewable(request)
    reviewed = request.GET.get("tab") == "nagekeken"
    if reviewed:
        fragments = (
            Fragment.objects.filter(neighbourhood__in=neighbourhoods)
            .exclude(quote_review=QuoteReview.PENDING)
            .select_related("neighbourhood", "quote_reviewed_by")
            .order_by("-quote_reviewed_at", "-pk")
        )
    else:
        fragments = quotes_to_review(neighbourhoods=neighbourhoods)
    # A story from an Effectenplein carries whether the room chose it as most significant (the first candidate
    # for a quote): read with the fragment, by relation name (coding does not import the Effectenplein).
    fragments = fragments.select_related("effectenplein_story")
    kind = export_format(request)
    if kind:
        name = export_filename(_("quotes reviewed") if reviewed else _("quotes to review"))
        return export_response(kind, name=name, header=_quote_header(reviewed=reviewed),
                               rows=(_quote_row(f, reviewed=reviewed) for f in fragments))  # fmt: skip
    page = Paginator(fragments, PER_PAGE).get_page(request.GET.get("pagina"))
    items = [(f, None if reviewed else quote_proposal(f)) for f in page.object_list]
    context = {"page": page, "items": items, "reviewed": reviewed, "download": export_links(request)}
    return render(request, "coding/quotes/review.html", context)


# A download never holds the words as said: they may still name people. It holds the words with names,
# addresses and numbers replaced (to review) or the quote as approved (reviewed).
def _quote_header(*, reviewed: bool) -> list[str]:
    header = [_("Neighbourhood"), _("Instrument"), _("Year"), _("Speaker"), _("Consent"),
              _("Chosen as most significant at the Effectenplein")]  # fmt: skip
    if reviewed:
        return [*header, _("Decision"), _("Reviewed by"), _("Reviewed on"), _("Quote")]
    return [*header, _("Proposed quote (names replaced)")]


def _quote_row(fragment: Fragment, *, reviewed: bool) -> list[object]:
    story = getattr(fragment, "effectenplein_story", None)
    row: list[object] = [
        fragment.neighbourhood.name, fragment.get_instrument_display(), fragment.year,
        str(fragment.get_speaker_role_display()).capitalize(), fragment.get_consent_level_display(),
        _("yes") if story is not None and story.is_most_significant else _("no"),
    ]  # fmt: skip
    if not reviewed:
        return [*row, quote_proposal(fragment).text]
    approved = fragment.quote_review == QuoteReview.APPROVED
    who = fragment.quote_reviewed_by.get_username() if fragment.quote_reviewed_by else _("unknown")
    return [*row, _("Approved as quote") if approved else _("Not to be quoted"), who, fragment.quote_reviewed_at,
            fragment.quote_text if approved else ""]  # fmt: skip


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    neighbourhoods = _reviewable(request)
    fragment = get_object_or_404(Fragment.objects.select_related("neighbourhood"), pk=pk)
    if not neighbourhoods.filter(pk=fragment.neighbourhood_id).exists():
        raise PermissionDenied(_("This fragment is outside the neighbourhoods you work in."))
    decision = request.POST.get("decision")
    back = reverse("coding:quotes")
    if decision == "again":
        quote_review_reset([fragment.pk])
        messages.success(request, _("The fragment is back among the quotes to review."))
        return redirect(f"{back}?tab=nagekeken")
    if decision not in ("approve", "decline"):
        messages.error(request, _("Choose 'Approve as quote' or 'Do not quote'."))
        return redirect(back)
    try:
        quote_review_decide(
            fragment=fragment,
            user=request.user,
            approve=decision == "approve",
            text=request.POST.get("text", ""),
        )
    except QuoteReviewError as error:
        messages.error(request, str(error))
        return redirect(f"{back}#citaat-{fragment.pk}")
    messages.success(
        request,
        _("Approved: these words may now be quoted.") if decision == "approve" else _("Not to be quoted."),
    )
    return redirect(back)

"""Quote review: before a fragment's words leave the team (a funder's report, the praatplaat shown with residents,
an export), a person reads them with names, addresses, phone numbers and e-mail addresses pseudonymised
(``privacy.pseudonymise``), corrects what the machine missed or overdid, and approves them as a quote, or
decides they are not to be quoted. Only approved words are quotable (``privacy.selectors.quotable``).

The speaker consented to being quoted; the people they name did not. Deduce finds most names, not all: the
person reviewing is the second look, and what they approve is what is shown, word for word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Fragment, QuoteReview
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.privacy.pseudonymise import Pseudonymised, pseudonymise
from krachtvansamen.privacy.selectors import QUOTABLE_LEVELS, quote_consented

# A reviewed quote may shorten the words (leave out a sentence) but not grow into something else.
QUOTE_MAX_GROWTH = 200


class QuoteReviewError(ValueError):
    """A review that cannot be saved; the message says why, in the user's language."""


def places_kept(*names: str) -> list[str]:
    """Names of places, not of people: a buurt and its municipality are not pseudonymised in its stories
    ("Hengelo (O.)" is also said as "Hengelo")."""
    spoken = [re.sub(r"\s*\(.*\)\s*$", "", name) for name in names if name]
    return [name for name in dict.fromkeys([*names, *spoken]) if name]


def place_names(neighbourhood: Neighbourhood) -> list[str]:
    return places_kept(neighbourhood.name, neighbourhood.municipality_name)


def quote_proposal(fragment: Fragment, *, keep: Iterable[str] = ()) -> Pseudonymised:
    """The fragment's words with names, addresses, phone numbers and e-mail addresses replaced; ``keep``: words
    that are no one's name, besides the buurt's places."""
    return pseudonymise(fragment.text, keep=[*place_names(fragment.neighbourhood), *keep])


def quotes_to_review(*, neighbourhoods: QuerySet[Neighbourhood]) -> QuerySet[Fragment]:
    """Fragments whose speaker allows quoting them (``privacy.selectors.quote_consented``: their newest consent,
    never a special category) and whose words nobody reviewed yet, oldest first."""
    return (
        quote_consented(
            Fragment.objects.filter(neighbourhood__in=neighbourhoods, quote_review=QuoteReview.PENDING)
        )
        .select_related("neighbourhood", "speaker")
        .order_by("created_at", "pk")
    )


def quote_review_decide(*, fragment: Fragment, user: User, approve: bool, text: str = "") -> Fragment:
    """Approve ``text`` as the fragment's quote, or decline quoting it. Refused (``QuoteReviewError``) when
    approving empty words or words much longer than what was said, or when the fragment may not be quoted at
    all (consent internal, special category), or was reviewed already (someone else was first)."""
    text = text.strip()
    if approve:
        if fragment.consent_level not in QUOTABLE_LEVELS:
            raise QuoteReviewError(_("The speaker did not allow quoting this fragment."))
        if fragment.special_category:
            raise QuoteReviewError(_("This fragment reveals sensitive personal data and is never quoted."))
        if not text:
            raise QuoteReviewError(_("Write the words that may be quoted, or choose 'Do not quote'."))
        if len(text) > len(fragment.text) + QUOTE_MAX_GROWTH:
            raise QuoteReviewError(
                _(
                    "The quote is much longer than what was said. A quote may only leave words out or replace names."
                )
            )
    with transaction.atomic():
        locked = Fragment.objects.select_for_update().get(pk=fragment.pk)
        if locked.quote_review != QuoteReview.PENDING:  # two reviewers at once: the first decision stands
            raise QuoteReviewError(
                _("This quote has already been reviewed. Choose 'Review again' to change it.")
            )
        locked.quote_review = QuoteReview.APPROVED if approve else QuoteReview.DECLINED
        locked.quote_text = text if approve else ""
        locked.quote_reviewed_by_id = user.pk
        locked.quote_reviewed_at = timezone.now()
        locked.save(update_fields=["quote_review", "quote_text", "quote_reviewed_by", "quote_reviewed_at"])
    return locked


def quote_review_reset(fragment_ids: Iterable[int]) -> int:
    """The words changed (a correction by the speaker or the team): the approved quote no longer matches them
    and must be reviewed again. Returns how many fragments lost their approval."""
    ids = list(fragment_ids)
    # update() sends no signal: the reports that quote these fragments are retired here.
    data_versions_bump(
        neighbourhood_ids=Fragment.objects.filter(pk__in=ids).values_list("neighbourhood_id", flat=True)
    )
    return (
        Fragment.objects.filter(pk__in=ids)
        .exclude(quote_review=QuoteReview.PENDING)
        .update(
            quote_review=QuoteReview.PENDING, quote_text="", quote_reviewed_by=None, quote_reviewed_at=None
        )
    )


def quotes_approve_as_proposed(*, fragments: QuerySet[Fragment], user: User, keep: Iterable[str] = ()) -> int:
    """Approve every pending quotable fragment as pseudonymised (``keep``: words the reviewer knows are no one's
    name): only for the demo's made-up stories, which the demo's researcher 'reviews' so that its reports have
    quotes. Real stories are reviewed one by one."""
    keep = list(keep)
    approved = 0
    with transaction.atomic():
        for fragment in quotes_to_review(neighbourhoods=Neighbourhood.objects.all()).filter(
            pk__in=fragments.values("pk")
        ):
            quote_review_decide(
                fragment=fragment, user=user, approve=True, text=quote_proposal(fragment, keep=keep).text
            )
            approved += 1
    return approved

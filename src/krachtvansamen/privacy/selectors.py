"""Consent and quotability: the one owner of "may these words be quoted" and "may these demographics be
counted". Consent records live in ``people.models.Consent`` (newest record per scope counts); the rules
that read them live here, so a report, an evidence list and an analysis decide the same way.

The privacy issue grows this app (erasure, retention, access log); keep every consent rule here.
"""

from __future__ import annotations

from typing import TypeVar, cast

from django.db.models import Exists, Model, OuterRef, Q, QuerySet, Subquery

from krachtvansamen.people.models import Consent

# Consent levels under which a fragment may be quoted. A quote is always shown without a name: 'named'
# consent is used as pseudonymised.
QUOTABLE_LEVELS = (Consent.Level.PSEUDONYMISED, Consent.Level.NAMED)
# ``coding.models.QuoteReview.APPROVED`` (privacy sits below coding, so by value).
QUOTE_APPROVED = "approved"

M = TypeVar("M", bound=Model)


def quotable(fragments: QuerySet[M]) -> QuerySet[M]:
    """Fragments residents allowed to be quoted (``quote_consented``) whose words a person reviewed and approved as
    a quote, with names of others pseudonymised (``quote_review``; what may be shown is then ``quote_text``, never
    ``text``)."""
    return quote_consented(fragments.filter(quote_review=QUOTE_APPROVED))


def quote_consented(fragments: QuerySet[M]) -> QuerySet[M]:
    """Fragments whose speaker allows quoting them: the fragment's consent is pseudonymised or named, the
    speaker's newest quoting consent (if any was recorded later) is still given and not 'internal', and the
    text reveals no special category of personal data (``special_category``, AVG art. 9): those are never
    quoted, whatever the consent. Reviewed or not: ``quotable`` adds the review.

    Takes any queryset of rows with ``consent_level``, ``special_category`` and ``speaker`` (a ``Person``), i.e.
    fragments.
    """
    newest = Consent.objects.filter(person_id=OuterRef("speaker_id"), scope=Consent.Scope.QUOTES).order_by(
        "-recorded_at", "-pk"
    )
    has_quote_consent = Exists(
        Consent.objects.filter(person_id=OuterRef("speaker_id"), scope=Consent.Scope.QUOTES)
    )
    return cast(QuerySet[M], fragments.filter(consent_level__in=QUOTABLE_LEVELS, special_category=False).annotate(
        newest_given=Subquery(newest.values("given")[:1]), newest_level=Subquery(newest.values("level")[:1]),
        has_quote_consent=has_quote_consent,
    ).filter(
        Q(speaker__isnull=True) | Q(has_quote_consent=False)
        | Q(newest_given=True, newest_level__in=QUOTABLE_LEVELS)
    ))  # fmt: skip


def demographics_consented() -> Exists:
    """A filter for ``Person`` rows whose newest demographics consent is 'given' (no withdrawal at the same
    moment or later). Written as one ``Exists`` so PostgreSQL answers it as a hashed (anti-)join."""
    demographics = Consent.Scope.DEMOGRAPHICS
    withdrawn_since = Consent.objects.filter(
        person_id=OuterRef("person_id"),
        scope=demographics,
        given=False,
        recorded_at__gte=OuterRef("recorded_at"),
    )
    return Exists(
        Consent.objects.filter(person_id=OuterRef("pk"), scope=demographics, given=True).filter(
            ~Exists(withdrawn_since)
        )
    )

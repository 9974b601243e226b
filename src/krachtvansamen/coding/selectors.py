"""Reads of fragments and codings that the instruments, the Effectenplein and documents need.

Access to the neighbourhood is checked by the caller (people.access); which fragments may be quoted is
decided by ``privacy.selectors.quotable``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.neighbourhoods.models import Neighbourhood


def fragments_for(
    *, neighbourhood: Neighbourhood, instrument: str | None = None, year: int | None = None
) -> QuerySet[Fragment]:
    """The neighbourhood's fragments, of one instrument and one year if given."""
    fragments = Fragment.objects.filter(neighbourhood=neighbourhood)
    if instrument is not None:
        fragments = fragments.filter(instrument=instrument)
    return fragments.filter(year=year) if year else fragments


def codings_of(*, fragments: QuerySet[Fragment], code_prefix: str = "") -> QuerySet[Coding]:
    """The codings of these fragments, of codes whose key starts with ``code_prefix`` (e.g. ``vitality.``)."""
    codings = Coding.objects.filter(fragment__in=fragments)
    return codings.filter(code__key__startswith=code_prefix) if code_prefix else codings


def codings_in_codebook_order() -> QuerySet[Coding]:
    """Codings with their code, in the codebook's order: for prefetching a fragment's codes to show them."""
    return Coding.objects.select_related("code").order_by("code__position")

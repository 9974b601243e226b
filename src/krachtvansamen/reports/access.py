"""Which report a user may open: the look-ups (404 for what does not exist) and the refusals (403, with a
Dutch message). The decision itself is ``people.access``'s; this module only asks it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import (
    municipalities_for_user,
    neighbourhoods_for_user,
    user_funds,
    user_is_funder,
    user_reads_policy_signals,
    user_sees_data,
)
from krachtvansamen.reports.evidence import FUNDER_KEYS, POLICY_KEYS

FINANCIER = "financier"  # the report a funder may open
EVIDENCE = (
    "evidence"  # what a number rests on: also open to funders and policy officers, for their own figures
)


def _neighbourhood(cbs_code: str) -> Neighbourhood:
    try:
        return Neighbourhood.objects.select_related("programme").get(cbs_code=cbs_code)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("This neighbourhood does not exist.")) from None


def _funder_refusal(user: User) -> str:
    if municipalities_for_user(user=user):
        return _(
            "As a policy officer you can only open the policy signals of your municipality and what their "
            "numbers rest on."
        )
    if user_is_funder(user=user):
        return _(
            "As a funder you can only open the funder report of the neighbourhoods your organisation funds."
        )
    return _("You do not have access to this neighbourhood.")


def report_neighbourhood_for_user(*, user: User, cbs_code: str, report: str) -> tuple[Neighbourhood, bool]:
    """The neighbourhood of a report the user may open, and whether the user sees its raw data.

    The Buurtbeeld needs raw-data access; the Financiersrapport (``report="financier"``) is also open to the
    neighbourhood's funders; the evidence pages (``report="evidence"``) to its funders and to the policy officers
    of its municipality (which figures: ``evidence_keys_for_user``). 404 for an unknown code, 403 (with a Dutch
    message) otherwise.
    """
    neighbourhood = _neighbourhood(cbs_code)
    if user_sees_data(user=user, neighbourhood=neighbourhood):
        return neighbourhood, True
    if report in (FINANCIER, EVIDENCE) and user_funds(user=user, neighbourhood=neighbourhood):
        return neighbourhood, False
    if report == EVIDENCE and reads_policy_signals_of(user=user, neighbourhood=neighbourhood):
        return neighbourhood, False
    raise PermissionDenied(_funder_refusal(user))


def reads_policy_signals_of(*, user: User, neighbourhood: Neighbourhood) -> bool:
    """Whether the neighbourhood is in the Beleidssignalen the user reads: a neighbourhood in a programme, of a
    municipality whose policy signals the user may read."""
    return neighbourhood.programme_id is not None and user_reads_policy_signals(
        user=user, municipality_code=neighbourhood.municipality_code
    )


def evidence_keys_for_user(*, user: User, neighbourhood: Neighbourhood) -> frozenset[str]:
    """For a reader without the neighbourhood's raw data: the figures (first part of an evidence key) whose
    evidence they may open — a funder those of the funder report, a policy officer those of the Beleidssignalen."""
    keys: frozenset[str] = frozenset()
    if user_funds(user=user, neighbourhood=neighbourhood):
        keys |= FUNDER_KEYS
    if reads_policy_signals_of(user=user, neighbourhood=neighbourhood):
        keys |= POLICY_KEYS
    return keys


def report_programme_for_user(*, user: User, slug: str) -> tuple[Programme, list[Neighbourhood]]:
    """The programme and the neighbourhoods of it whose raw data the user may see (at least one, else 403)."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404(_("This programme does not exist."))
    neighbourhoods = list(neighbourhoods_for_user(user=user).filter(programme=programme).order_by("pk"))
    if not neighbourhoods:
        if user_is_funder(user=user):
            raise PermissionDenied(
                _(
                    "As a funder you can only open the funder report of the neighbourhoods "
                    "your organisation funds."
                )
            )
        raise PermissionDenied(_("You do not have access to the neighbourhoods of this programme."))
    return programme, neighbourhoods


def programmes_with_data_for_user(*, user: User) -> list[Programme]:
    """Programmes with at least one neighbourhood whose raw data the user may see (their syntheses)."""
    return list(Programme.objects.filter(
        pk__in=neighbourhoods_for_user(user=user).values("programme_id")).order_by("name"))  # fmt: skip


def other_programmes_for_user(
    *, user: User, programme: Programme
) -> list[tuple[Programme, list[Neighbourhood]]]:
    """The other programmes the user may see, each with the neighbourhoods of it the user may see."""
    visible = list(neighbourhoods_for_user(user=user).exclude(programme=programme).exclude(programme=None)
                   .select_related("programme").order_by("pk"))  # fmt: skip
    grouped: dict[int, tuple[Programme, list[Neighbourhood]]] = {}
    for n in visible:
        if n.programme is not None:  # excluded above; this tells the type checker
            grouped.setdefault(n.programme.pk, (n.programme, []))[1].append(n)
    return sorted(grouped.values(), key=lambda item: item[0].name)

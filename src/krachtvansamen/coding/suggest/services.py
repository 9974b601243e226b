"""Suggested codes in the workbench: what to offer a coder, and their yes or no.

A suggestion is never stored as a coding and never counted; only a person's "yes" makes it one (origin
"suggested", the confirming coder, the engine's score as its confidence). A "no" is kept too: the engine learns
from it and does not offer that code to that coder on that fragment again.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Coding, Fragment, SuggestionDecision
from krachtvansamen.coding.services import CodingError, code_may_be_used, coding_add
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.people.services import recorder

from .installation import installation_engine

# At most this many suggestions at once: a coder reads them all before deciding.
SHOWN = 5


@dataclass(frozen=True)
class Suggestion:
    code: Code
    score: float

    @property
    def percent(self) -> int:
        """For people: a machine is never 100 % sure, and a suggestion shown is at least half sure."""
        return min(99, max(50, round(self.score * 100)))


def fragment_scores(*, fragment: Fragment) -> dict[str, float]:
    """The engine's score for every code it knows, for this fragment's text."""
    (scored,) = installation_engine().suggest([fragment.text])
    return {s.code: s.score for s in scored}


def suggestions_for(*, fragment: Fragment, user: User) -> list[Suggestion]:
    """The codes the engine suggests for the fragment that this coder has not given nor answered yet,
    surest first. None on a settled fragment: its outcome is decided."""
    if fragment.coding_state == "settled":
        return []
    given = set(
        Coding.objects.filter(fragment=fragment, coder_id=user.pk, settled=False).values_list(
            "code__key", flat=True
        )
    )
    answered = set(
        SuggestionDecision.objects.filter(fragment=fragment, decided_by_id=user.pk).values_list(
            "code__key", flat=True
        )
    )
    codes = codes_current_by_key()
    out = []
    for key, score in fragment_scores(fragment=fragment).items():
        code = codes.get(key)
        if score < 0.5 or key in given or key in answered or code is None:
            continue
        if code_may_be_used(code=code, fragment=fragment):
            out.append(Suggestion(code=code, score=score))
    out.sort(key=lambda s: (-s.score, s.code.position))
    return out[:SHOWN]


def suggestion_decide(*, fragment: Fragment, key: str, user: User, confirm: bool) -> SuggestionDecision:
    """The coder's yes (the code becomes their coding, origin "suggested") or no to a suggested code.

    The score is the engine's own, computed here: a browser cannot raise it. One transaction: the coding and
    the decision are saved together or not at all. The caller checks that the user may code the fragment.
    """
    decider = recorder(user)
    if decider is None:
        raise CodingError(_("Log in to code."))
    code = codes_current_by_key().get(key)
    score = fragment_scores(fragment=fragment).get(key) if code is not None else None
    if code is None or score is None:
        raise CodingError(_("This code cannot be used here: choose a code of the current codebook."))
    mine = Coding.objects.filter(fragment=fragment, code=code, coder_id=user.pk, settled=False).exists()
    if not confirm and mine:
        raise CodingError(_("You gave this code yourself: remove it first if it does not apply."))
    decision = SuggestionDecision.Decision.CONFIRMED if confirm else SuggestionDecision.Decision.REJECTED
    with transaction.atomic():
        if confirm and not mine:
            coding_add(fragment=fragment, code=code, user=user, suggested_score=score)
        row, _created = SuggestionDecision.objects.update_or_create(
            fragment=fragment, code=code, decided_by=decider, defaults={"decision": decision, "score": score}
        )
    return row

"""Coding work in the demo, so the workbench has something to show: an interview transcript nobody coded yet,
and a second researcher who coded part of one neighbourhood's fragments again, blind, as the study's
reliability check did (for the disagreements, settling and the agreement page).

The second coder mostly gives the same codes and sometimes leaves one out (never adds one): the analyses,
which count each code a coder gave once per fragment until a disagreement is settled, stay as they were.
"""

from __future__ import annotations

import random
from typing import Any

from krachtvansamen.coding.models import Coding, CodingPass, Fragment, Instrument
from krachtvansamen.coding.services import fragments_state_refresh
from krachtvansamen.documents.services import document_create, document_prepare
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.models import Consent

SAMPLE = 40  # fragments coded twice
SAME_CHANCE = 0.75  # share of them on which the second coder gives exactly the same codes


INTERVIEW = """Interviewer: Hoe bent u betrokken geraakt bij het buurtwerk in {buurt}?
Bewoner: Via de koffieochtend. Ik woonde hier al twintig jaar maar kende bijna niemand op mijn galerij.
Interviewer: Wat is er sindsdien veranderd?
Bewoner: Ik groet nu de mensen in het trappenhuis en als mijn buurvrouw naar het ziekenhuis moet, rijd ik haar. Dat deed ik vroeger nooit, ik durfde niet aan te bellen.
Interviewer: Wat maakt dat het lukt?
Bewoner: De community builder vroeg wat ik goed kan. Ik kan koken, dus nu kook ik één keer per maand voor de buurttafel. Dat had niemand mij ooit gevraagd.
Interviewer: En wat werkt tegen?
Bewoner: De gemeente wil voor alles een aanvraag. Voor twee tafels op het plein moesten we zes weken wachten. En het buurthuis gaat om vijf uur dicht, juist als mensen thuiskomen.
Interviewer: Wat is er nodig om dit vol te houden?
Bewoner: Een vaste plek en iemand bij de gemeente die we kunnen bellen. En dat de jongeren ook meedoen; die zien we nog weinig."""


def demo_interview_add(*, neighbourhood: Neighbourhood, year: int, user: Any) -> int:
    """An in-depth interview saved as a researcher would upload it: its fragments are not coded yet."""
    pending = document_prepare(
        neighbourhood=neighbourhood, year=year, instrument=Instrument.INTERVIEW,
        title="Interview met een bewoner over de buurttafel", consent_level=Consent.Level.INTERNAL,
        pasted=INTERVIEW.format(buurt=neighbourhood.name),
    )  # fmt: skip
    document = document_create(pending=pending, neighbourhood=neighbourhood, user=user)
    return document.parts.count()


def second_coding_add(rng: random.Random, *, neighbourhood: Neighbourhood, coder: Any) -> int:
    """``coder`` codes up to SAMPLE coded fragments of the neighbourhood. Returns the codings made."""
    fragments = list(
        Fragment.objects.filter(neighbourhood=neighbourhood, codings__isnull=False)
        .distinct()
        .order_by("pk")
        .prefetch_related("codings")
    )
    chosen = rng.sample(fragments, min(SAMPLE, len(fragments)))
    codings: list[Coding] = []
    for fragment in chosen:
        codes = sorted({coding.code_id for coding in fragment.codings.all()})
        if rng.random() >= SAME_CHANCE:
            codes.remove(rng.choice(codes))  # one code overlooked: the disagreement to discuss
        codings += [Coding(fragment=fragment, code_id=code_id, coder=coder) for code_id in codes]
    Coding.objects.bulk_create(codings)
    data_versions_bump_everything()  # bulk_create sends no signal
    # A pass for each chosen fragment, also where the second coder found no code applies.
    CodingPass.objects.bulk_create([CodingPass(fragment=fragment, coder=coder) for fragment in chosen])
    fragments_state_refresh(fragment_ids=[fragment.pk for fragment in chosen])
    return len(codings)

"""The plain-data side: the codebook look-ups the analyses rely on."""

from __future__ import annotations

import gc

from krachtvansamen.analysis.data import Codebook, gc_paused

from .conftest import CODEBOOK, cid


def test_rollup_maps_codes_to_the_target_they_count_for():
    old_version = {9001: "effect.individual.confidence", 9002: "effect.individual.confidence.own_code"}
    codebook = Codebook.from_codes(CODEBOOK.codes, older=old_version)
    rollup = codebook.rollup(["effect.individual.confidence", "effect.individual"])
    assert rollup[cid("effect.individual.confidence")] == "effect.individual.confidence"
    assert rollup[9001] == "effect.individual.confidence"  # a coding made under an older version
    assert rollup[9002] == "effect.individual.confidence"  # a user's own code under it
    assert rollup[cid("effect.individual.trust")] == "effect.individual"  # nearest target up the tree
    assert rollup[cid("vitality.nature")] is None
    assert rollup[424242] is None  # an id nobody knows
    assert (
        rollup["effect.individual.wellbeing"] == "effect.individual"
    )  # keys work too (questionnaire answers)
    assert codebook.rollup(["effect.individual", "effect.individual.confidence"]) is rollup  # shared


def test_children_in_codebook_order():
    assert [c.key for c in CODEBOOK.children("abcd")] == [
        "abcd.residents_lead",
        "abcd.relations",
        "abcd.whats_strong",
        "abcd.from_within",
        "abcd.everyone_welcome",
    ]
    assert CODEBOOK.children("abcd.relations") == ()
    assert CODEBOOK.labelled("vitality.nature").label_nl == CODEBOOK.get("vitality.nature").label_nl


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()

"""The shipped knowledge: labelled with the 13 top-level codes, every public text with its page, none from the
held-out evaluation pages, and its embeddings computed (a start without them costs ~20 s)."""

from __future__ import annotations

import json
from pathlib import Path

from krachtvansamen.coding.suggest import knowledge
from krachtvansamen.coding.suggest.engine import CORE_CODES, Encoder, Example, fold_of

ROOT = Path(__file__).resolve().parents[3]
HELD_OUT = ROOT / "benchmarks" / "suggest_data" / "heldout.jsonl"


def public_rows() -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(knowledge.KNOWLEDGE_DIR.glob("public_nl_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def test_every_shipped_example_is_labelled_with_top_level_codes_only():
    examples = knowledge.shipped_examples()
    assert len(examples) > 1000
    for example in examples:
        assert example.text.strip()
        assert set(example.labels) <= set(CORE_CODES), example.text
    for code in CORE_CODES:
        assert sum(code in e.labels for e in examples) >= 50, code
    assert sum(not e.labels for e in examples) >= 100  # the engine also learns "none of these"


def test_every_public_text_says_where_it_comes_from_and_none_is_held_out():
    rows = public_rows()
    assert all(row["source"].startswith("http") for row in rows)
    held_out = [
        json.loads(line) for line in HELD_OUT.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    assert not {row["source"] for row in rows} & {row["source"] for row in held_out}
    assert not {row["text"] for row in rows} & {row["text"] for row in held_out}


def test_the_shipped_embeddings_cover_every_shipped_example():
    cached = knowledge.shipped_embeddings()
    missing = [e.text for e in knowledge.shipped_examples() if Encoder.key(e.text) not in cached]
    assert not missing, "run scripts/suggest_embeddings.py after changing the knowledge"
    assert next(iter(cached.values())).shape == (512,)


def test_fragments_of_one_source_share_a_fold():
    a = Example("Eerste stuk.", frozenset(), source="https://voorbeeld.nl/a")
    b = Example("Heel ander stuk.", frozenset(), source="https://voorbeeld.nl/a")
    assert fold_of(a, 5) == fold_of(b, 5)
    folds = {fold_of(Example(f"t{i}", frozenset(), source=f"bron {i}"), 5) for i in range(40)}
    assert folds == {0, 1, 2, 3, 4}

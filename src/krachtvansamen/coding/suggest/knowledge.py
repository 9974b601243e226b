"""What the engine knows before anyone codes: the codebook's own words, the study's quotes and written examples.

`knowledge/examples_nl.yaml` holds Dutch cue words per code and labelled example fragments (the study's quotes
from the public report, and examples written for this engine; the file says where each comes from).
`knowledge/public_nl_*.jsonl` hold fragments paraphrased from public Dutch and Flemish web pages about
neighbourhood initiatives, each with the page it comes from, labelled against the 13 top-level codes (none of
them from the held-out evaluation pages in benchmarks/suggest_data/). The codebook adds its definitions,
include notes and example quotes, for every code of the current version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .engine import Example

KNOWLEDGE_DIR = Path(__file__).with_name("knowledge")
KNOWLEDGE_FILE = KNOWLEDGE_DIR / "examples_nl.yaml"
# The sentence embeddings of every shipped example and of the shipped codebook's texts, computed once by
# ``scripts/suggest_embeddings.py`` (float16, keyed by the SHA-1 of the text): a start then embeds only the
# texts of this installation. A text missing from the file is simply embedded when needed.
EMBEDDINGS_FILE = KNOWLEDGE_DIR / "embeddings.npz"
# The codebook's definitions are about a code, not a resident's words: they teach, but weigh less.
DEFINITION_WEIGHT = 0.5


@lru_cache(maxsize=1)
def _knowledge() -> dict[str, Any]:
    with KNOWLEDGE_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return data


def shipped_embeddings() -> dict[str, np.ndarray]:
    if not EMBEDDINGS_FILE.exists():
        return {}
    with np.load(EMBEDDINGS_FILE, allow_pickle=False) as data:
        vectors = data["vectors"].astype(np.float32)
        return dict(zip((str(k) for k in data["keys"]), vectors, strict=True))


def cues() -> dict[str, list[str]]:
    return {str(code): [str(w) for w in words] for code, words in (_knowledge().get("cues") or {}).items()}


@lru_cache(maxsize=1)
def _public() -> tuple[Example, ...]:
    out = []
    for path in sorted(KNOWLEDGE_DIR.glob("public_nl_*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    out.append(
                        Example(
                            text=row["text"],
                            labels=frozenset(row["labels"]),
                            origin="public",
                            source=row.get("source", ""),
                        )  # fmt: skip
                    )
    return tuple(out)


def shipped_examples() -> list[Example]:
    out = []
    for row in _knowledge().get("examples") or []:
        labels = frozenset(str(k) for k in row.get("labels") or [])
        origin = "seed" if str(row.get("source", "")).startswith("seed") else "written"
        out.append(Example(text=str(row["text"]), labels=labels, origin=origin))
    return [*out, *_public()]


def codebook_examples(codes: Iterable[Mapping[str, Any]]) -> list[Example]:
    """Examples from the codebook rows (key, definition_nl, include_nl, examples)."""
    out = []
    for code in codes:
        key = str(code["key"])
        if key.count(".") < 1:
            continue  # a group (abcd, effect, ...) is not a code one gives
        for field in ("definition_nl", "include_nl"):
            text = str(code.get(field) or "").strip()
            if text:
                out.append(
                    Example(text=text, labels=frozenset({key}), weight=DEFINITION_WEIGHT, origin="codebook")
                )
        for example in code.get("examples") or []:
            text = str(example.get("text") if isinstance(example, Mapping) else example).strip()
            if text:
                out.append(Example(text=text, labels=frozenset({key}), origin="codebook"))
    return out

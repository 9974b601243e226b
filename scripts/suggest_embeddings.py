"""Compute the sentence embeddings of the suggestion engine's shipped knowledge, once, after it changed.

    .venv/bin/python scripts/suggest_embeddings.py

Writes src/krachtvansamen/coding/suggest/knowledge/embeddings.npz: every shipped example's and every text of
the shipped codebook versions, float16, keyed by the SHA-1 of the text. The engine works without the file
(it embeds what is missing), but then every start costs ~20 s on 2 cores. A test checks the file is complete.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from krachtvansamen.coding.suggest import knowledge  # noqa: E402
from krachtvansamen.coding.suggest.engine import Encoder  # noqa: E402

CODEBOOKS = Path(knowledge.__file__).resolve().parents[2] / "framework" / "codebooks"


def codebook_rows() -> list[dict]:
    rows = []
    for path in sorted(CODEBOOKS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        stack = list(data.get("groups") or [])
        while stack:
            code = stack.pop()
            rows.append(code)
            stack.extend(code.get("codes") or [])
    return rows


def main() -> None:
    texts = [e.text for e in knowledge.shipped_examples()] + [
        e.text for e in knowledge.codebook_examples(codebook_rows())
    ]
    unique = sorted(set(texts))
    started = time.perf_counter()
    vectors = Encoder().encode(unique)
    keys = np.array([Encoder.key(t) for t in unique])
    np.savez_compressed(knowledge.EMBEDDINGS_FILE, keys=keys, vectors=vectors.astype(np.float16))
    print(
        f"{len(unique)} texts embedded in {time.perf_counter() - started:.1f} s → {knowledge.EMBEDDINGS_FILE}"
    )


if __name__ == "__main__":
    main()

from __future__ import annotations

from pathlib import Path

import pytest

import krachtvansamen.framework
from krachtvansamen.analysis.data import Codebook
from krachtvansamen.analysis.rows import CodeRow
from krachtvansamen.framework.services import codebook_parse

SHIPPED = Path(krachtvansamen.framework.__file__).parent / "codebooks" / "v1.yaml"


def shipped_codebook(*extra: tuple[str, str, str]) -> Codebook:
    """The shipped codebook as analysis rows, parsed from the YAML (no database); code id = position + 1.

    ``extra``: users' own codes as (key, parent key, Dutch label), added at the end.
    """
    _data, flat = codebook_parse(text=SHIPPED.read_text(encoding="utf-8"))
    rows = [(node["key"], parent, depth, node["label_nl"], node["label_en"]) for node, parent, depth in flat]
    rows += [(key, parent, parent.count(".") + 1, label, label) for key, parent, label in extra]
    return Codebook.from_codes(
        CodeRow(position + 1, key, parent, key.split(".")[0], depth, position, label_nl, label_en)
        for position, (key, parent, depth, label_nl, label_en) in enumerate(rows)
    )


CODEBOOK = shipped_codebook()


def cid(key: str, codebook: Codebook = CODEBOOK) -> int:
    """The code id of a key, for building rows by hand."""
    return codebook.code_id(key)


@pytest.fixture(scope="session")
def codebook_rows() -> Codebook:
    return CODEBOOK

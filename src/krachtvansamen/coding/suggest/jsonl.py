"""Reading the JSON-lines files of `kvs suggest` and the evaluation command, with errors a person can act on."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .engine import Example


class LineError(ValueError):
    """A malformed line; the message names the file and the line number."""


@dataclass(frozen=True)
class Row:
    line: int
    id: object
    text: str
    labels: tuple[str, ...] | None
    source: str = ""  # optional: where the text comes from (fragments of one source stay in one fold)


def read_rows(path: Path | str, *, labelled: bool, known_codes: set[str] | None = None) -> list[Row]:
    with open(path, encoding="utf-8") as handle:
        return list(_rows(handle, str(path), labelled=labelled, known_codes=known_codes))


def _rows(handle: IO[str], name: str, *, labelled: bool, known_codes: set[str] | None) -> Iterator[Row]:
    for number, raw in enumerate(handle, start=1):
        if not raw.strip():
            continue
        where = f"{name}, regel {number}"
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise LineError(f"{where}: geen geldige JSON ({exc.msg}).") from None
        if not isinstance(data, dict):
            raise LineError(f'{where}: verwacht een object zoals {{"id": ..., "text": ...}}.')
        if "id" not in data:
            raise LineError(f'{where}: "id" ontbreekt.')
        text = data.get("text")
        if not isinstance(text, str):
            raise LineError(f'{where}: "text" ontbreekt of is geen tekst.')
        labels = None
        if labelled:
            raw_labels = data.get("labels")
            if not isinstance(raw_labels, list) or not all(isinstance(k, str) for k in raw_labels):
                raise LineError(f'{where}: "labels" moet een lijst met codesleutels zijn.')
            if known_codes is not None:
                unknown = [k for k in raw_labels if k not in known_codes]
                if unknown:
                    raise LineError(f"{where}: onbekende code {unknown[0]!r} (niet in het codeboek).")
            labels = tuple(raw_labels)
        yield Row(line=number, id=data["id"], text=text, labels=labels, source=str(data.get("source") or ""))


def rows_as_examples(rows: list[Row], *, origin: str) -> list[Example]:
    """Labelled rows as what the engine learns from (the labels as given: a child counts as its parent)."""
    return [
        Example(text=r.text, labels=frozenset(r.labels or ()), origin=origin, source=r.source) for r in rows
    ]

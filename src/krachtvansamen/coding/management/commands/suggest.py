"""``kvs suggest --in FILE.jsonl --out FILE.jsonl [--train LABELLED.jsonl]``: suggested codes for Dutch texts.

Input lines ``{"id": ..., "text": ...}``; output one line per input line, in the same order:
``{"id": ..., "codes": [{"code": KEY, "score": 0..1, "suggested": true|false}, ...]}``. ``--train`` adds
labelled lines ``{"id", "text", "labels": [KEY, ...]}`` to what the engine learns from, for this run only.
The engine is the workbench's: the shipped knowledge, the current codebook and this installation's codings.
Nothing leaves the machine. The output file is written whole or not at all.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from krachtvansamen.coding.suggest.installation import codebook_keys, engine_build
from krachtvansamen.coding.suggest.jsonl import LineError, read_rows, rows_as_examples
from krachtvansamen.core.progress import TerminalProgress, add_progress_argument, command_progress

BATCH = 500


class Command(BaseCommand):
    help = "Suggest codes for Dutch texts (JSON lines in, JSON lines out), offline."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--in", dest="infile", required=True, help='JSON lines: {"id": ..., "text": ...}')
        parser.add_argument("--out", dest="outfile", required=True, help="where to write the suggestions")
        parser.add_argument(
            "--train", help='JSON lines with labels: {"id", "text", "labels": [KEY, ...]} (this run only)'
        )
        add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nl"):
            keys = codebook_keys(load_if_missing=True)
            try:
                rows = read_rows(options["infile"], labelled=False)
                extra = []
                if options.get("train"):
                    train = read_rows(options["train"], labelled=True, known_codes=keys)
                    extra = rows_as_examples(train, origin="train")
            except FileNotFoundError as exc:
                raise CommandError(f"Bestand niet gevonden: {exc.filename}") from None
            except LineError as exc:
                raise CommandError(str(exc)) from None
            started = time.perf_counter()
            with command_progress(self, options) as progress:
                progress(0, len(rows), "trainen")
                engine = engine_build(extra)
                trained = time.perf_counter()
                self._write(Path(options["outfile"]), rows, engine, progress)
            done = time.perf_counter()
            self.stderr.write(
                f"{len(rows)} fragmenten: getraind op {engine.trained_on} voorbeelden in {trained - started:.1f} s, "
                f"gescoord in {done - trained:.1f} s → {options['outfile']}"
            )

    def _write(self, path: Path, rows: list[Any], engine: Any, progress: TerminalProgress) -> None:
        directory = path.resolve().parent
        if not directory.is_dir():
            raise CommandError(f"Map bestaat niet: {directory}")
        handle = tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=f".{path.name}.", delete=False
        )
        try:
            with handle:
                for start in range(0, len(rows), BATCH):
                    chunk = rows[start : start + BATCH]
                    for row, scored in zip(chunk, engine.suggest([r.text for r in chunk]), strict=True):
                        codes = [{"code": s.code, "score": s.score, "suggested": s.suggested} for s in scored]
                        handle.write(json.dumps({"id": row.id, "codes": codes}, ensure_ascii=False) + "\n")
                    progress(min(start + BATCH, len(rows)), len(rows), "scoren")
            os.replace(handle.name, path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise

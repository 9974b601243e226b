"""``kvs suggest-evaluate --data LABELLED.jsonl [--folds 5] [--held-out TEST.jsonl]``: how good are the
suggestions, on texts the engine did not learn from.

Without ``--held-out``: k-fold cross-validation on ``--data`` (each fold scored by an engine that learnt from the
shipped knowledge, the codebook and the other folds). With it: an engine that learnt from the shipped knowledge,
the codebook and ``--data`` scores the held-out file once. Prints precision, recall and F1 per top-level code,
the macro-F1 over the 13 codes, and fragments per second (and the time a fresh process needs to start).
This installation's own codings are left out unless ``--with-installation``: a measurement should not depend on
what happens to be in the database.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from krachtvansamen.coding.suggest.engine import Encoder, Example
from krachtvansamen.coding.suggest.evaluate import cross_validate, format_report, held_out
from krachtvansamen.coding.suggest.installation import (
    base_examples,
    codebook_keys,
    installation_examples,
    new_engine,
)
from krachtvansamen.coding.suggest.jsonl import LineError, read_rows, rows_as_examples
from krachtvansamen.coding.suggest.knowledge import shipped_embeddings


class Command(BaseCommand):
    help = (
        "Measure the code suggestions: cross-validation or a held-out file; per-code precision, recall, F1."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--data", required=True, help='labelled JSON lines {"id", "text", "labels"}')
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--held-out", dest="held_out", help="labelled JSON lines scored once, never learnt"
        )
        parser.add_argument("--with-installation", action="store_true", help="also learn from this database")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nl"):
            keys = codebook_keys(load_if_missing=True)
            try:
                data = self._examples(options["data"], keys)
                test = self._examples(options["held_out"], keys) if options.get("held_out") else None
            except FileNotFoundError as exc:
                raise CommandError(f"Bestand niet gevonden: {exc.filename}") from None
            except LineError as exc:
                raise CommandError(str(exc)) from None
            base = base_examples()
            if options["with_installation"]:
                base += installation_examples()
            # Never learn a text that is scored (the shipped knowledge holds the development set too): in
            # cross-validation every text of --data is scored once, with --held-out those texts are.
            scored = {e.text for e in (data if test is None else test)}
            base = [e for e in base if e.text not in scored]
            data = data if test is None else [e for e in data if e.text not in scored]
            # The speed is that of new texts: the scored texts are embedded, not taken from the shipped cache.
            unseen = {Encoder.key(text) for text in scored}
            encoder = Encoder(
                known=lambda: {k: v for k, v in shipped_embeddings().items() if k not in unseen}
            )
            started = time.perf_counter()
            if test is None:
                if options["folds"] < 2:
                    raise CommandError("--folds moet minstens 2 zijn.")
                report = cross_validate(lambda: new_engine(encoder), base, data, folds=options["folds"])
                title = f"Kruisvalidatie, {options['folds']} delen, op {options['data']}"
            else:
                engine = new_engine(encoder).fit([*base, *data])
                report = held_out(engine, test)
                title = f"Apart gehouden: {options['held_out']} (geleerd van {options['data']})"
            self.stdout.write(format_report(report, title, speed=test is not None))
            self.stdout.write(f"totale tijd (trainen en scoren): {time.perf_counter() - started:.1f} s")

    @staticmethod
    def _examples(path: str, keys: set[str]) -> list[Example]:
        return rows_as_examples(read_rows(path, labelled=True, known_codes=keys), origin="data")

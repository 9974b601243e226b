from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from krachtvansamen.framework.selectors import codebook_get
from krachtvansamen.framework.services import (
    CodebookError,
    codebook_export_json,
    codebook_load,
    codebook_load_shipped,
)


class Command(BaseCommand):
    help = "Work with the framework codebook: `export` prints it, `load` loads a version (shipped or FILE)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["export", "load"])
        parser.add_argument("file", nargs="?", type=Path, help="with load: a codebook YAML file")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--codebook-version", dest="codebook_version", default=None, help="with export: which version"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "load":
            try:
                results = (
                    [codebook_load(path=options["file"])] if options["file"] else codebook_load_shipped()
                )
            except (CodebookError, OSError) as error:
                raise CommandError(f"Codeboek niet geladen: {error}") from None
            for result in results:
                state = "geladen" if result.created else "stond er al"
                self.stdout.write(f"Codeboek versie {result.codebook.version}: {state}.")
            return
        codebook = codebook_get(version=options["codebook_version"])
        if codebook is None:
            codebook_load_shipped()
            codebook = codebook_get(version=options["codebook_version"])
        if codebook is None:
            raise CommandError("Deze versie van het codeboek bestaat niet.")
        self.stdout.write(codebook_export_json(codebook=codebook))

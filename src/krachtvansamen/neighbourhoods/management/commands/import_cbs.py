from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from krachtvansamen.core.progress import add_progress_argument, command_progress
from krachtvansamen.neighbourhoods.cbs_import import CbsImportError, cbs_import_file


class Command(BaseCommand):
    help = "Import a CBS StatLine export of Kerncijfers wijken en buurten (CSV, optionally .gz)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("files", nargs="+", type=Path, help="CSV export(s) from CBS StatLine")
        parser.add_argument(
            "--year", type=int, default=None, help="year of the figures, if the file name does not say"
        )
        parser.add_argument("--table", default=None, help="StatLine table id, e.g. 85984NED")
        add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("nl")
        with command_progress(self, options) as progress:
            for number, path in enumerate(options["files"]):
                progress(number, len(options["files"]), path.name)
                self._import(path, options)

    def _import(self, path: Path, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        try:
            result = cbs_import_file(path=path, year=options["year"], table_id=options["table"])
        except CbsImportError as error:
            raise CommandError(
                _("%(name)s was not imported: %(reason)s Nothing was changed.")
                % {"name": path.name, "reason": error}
            ) from None
        seconds = time.perf_counter() - started
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(result.by_kind.items()))
        if result.changed_anything:
            self.stdout.write(
                _(
                    "%(name)s: %(rows)s rows of table %(table)s (%(year)s) imported in %(seconds).1f s — "
                    "%(created)s new, %(updated)s changed, %(unchanged)s unchanged."
                )
                % {
                    "name": path.name,
                    "rows": result.rows,
                    "table": result.table_id,
                    "year": result.year,
                    "seconds": seconds,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            )
        else:
            self.stdout.write(
                _("%(name)s: nothing changed; all %(rows)s rows were already imported.")
                % {"name": path.name, "rows": result.rows}
            )
        if kinds:
            self.stdout.write(f"  {kinds}")

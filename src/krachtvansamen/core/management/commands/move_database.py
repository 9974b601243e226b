from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from krachtvansamen.core.database_move import MoveRefused, database_move


class Command(BaseCommand):
    help = (
        "Copy this installation's database (SQLite) into a new, empty database, e.g. PostgreSQL: "
        "kvs move-database --to postgres://user:password@host:5432/name. Stop kvs serve and kvs worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--to", required=True, metavar="DATABASE_URL", help="the new, empty database")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = database_move(options["to"])
        except MoveRefused as refused:
            raise CommandError(str(refused)) from None
        width = max(len(count.table) for count in counts)
        for count in counts:
            self.stdout.write(f"{count.table:<{width}}  {count.target:>9}")
        self.stdout.write(
            _(
                "%(rows)s rows in %(tables)s tables copied; every table has as many rows as before.\n"
                "Next: set DATABASE_URL to the new database and start kvs serve and kvs worker again. Uploaded "
                "files stay in KVS_DATA_DIR/media; the SQLite file stays as it was."
            )
            % {"rows": sum(count.target for count in counts), "tables": len(counts)}
        )

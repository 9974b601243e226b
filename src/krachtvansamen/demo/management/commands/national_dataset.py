from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext as _

from krachtvansamen.core.progress import add_progress_argument, command_progress
from krachtvansamen.demo.national import NationalDatasetError, national_generate, national_prepare


class Command(BaseCommand):
    help = (
        "Generate the national benchmark data set: every CBS buurt of 2024, 2023-2025, N fragments with "
        "codings, persons, assets, activities, relations and assessments (see krachtvansamen.demo.national)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--fragments", type=int, default=1_000_000, help="fragments in total (exact)")
        parser.add_argument(
            "--seed", type=int, default=2025, help="random seed: the same seed gives the same data"
        )
        parser.add_argument(
            "--neighbourhoods",
            type=int,
            default=None,
            help="only this many buurten (the demo's 33 first); default: all of them",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="first delete all neighbourhood data (needed when the database has some)",
        )
        parser.add_argument(
            "--batch-fragments",
            type=int,
            default=50_000,
            help="fragments per COPY batch (whole neighbourhoods; the load is one transaction)",
        )
        parser.add_argument(
            "--vacuum", action="store_true", help="VACUUM (ANALYZE) at the end instead of ANALYZE"
        )
        parser.add_argument("--no-migrate", action="store_true", help="do not run migrate first")
        add_progress_argument(parser)

    def _reporter(self, options: dict[str, Any]) -> Callable[[str], None]:
        """Each step's sentence: on a terminal the line under the bar, in a log a line of its own."""
        self.bar = command_progress(self, options)
        steps = [0]

        def say(message: str) -> None:
            self.stdout.write(message)
            steps[0] += 1
            self.bar(steps[0], 0, message.split(":")[0])

        return say

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("nl")
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        try:
            national_prepare()
            result = national_generate(
                fragments=options["fragments"],
                seed=options["seed"],
                neighbourhoods=options["neighbourhoods"],
                reset=options["reset"],
                batch_fragments=options["batch_fragments"],
                vacuum=options["vacuum"],
                progress=self._reporter(options),
            )
        except NationalDatasetError as error:
            raise CommandError(_("%(reason)s Nothing was changed.") % {"reason": error}) from None
        finally:
            self.bar.close()
        self.stdout.write("")
        for table, count in result.rows.items():
            self.stdout.write(f"  {table:<40} {count:>12,}".replace(",", "."))
        self.stdout.write(
            "  " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in result.timings.items())
        )
        size = result.database_bytes
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Done in %(seconds).1f s: %(neighbourhoods)s neighbourhoods, %(fragments)s fragments; "
                    "database %(database)s: %(size)s MB."
                )
                % {
                    "seconds": result.seconds,
                    "neighbourhoods": result.neighbourhoods,
                    "fragments": result.fragments,
                    "database": connection.settings_dict.get("NAME"),
                    "size": "?" if size is None else f"{size / 1e6:,.0f}".replace(",", "."),
                }
            )
        )

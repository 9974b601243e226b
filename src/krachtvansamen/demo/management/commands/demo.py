from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from krachtvansamen.coding.suggest.installation import installation_engine
from krachtvansamen.core.progress import add_progress_argument, command_progress
from krachtvansamen.demo.build_demo import demo_load, demo_password


class Command(BaseCommand):
    help = "Set up the database, the codebook, the CBS figures and the demo data; then serve on http://127.0.0.1:8000."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--no-serve", action="store_true", help="set everything up, but do not start the server"
        )
        parser.add_argument("--port", type=int, default=8000)
        add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        progress = command_progress(self, options)
        self.stdout.write("Database bijwerken…")
        progress(0, 3, "Database bijwerken")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Codeboek, CBS-cijfers en demodata laden…")
        progress(1, 3, "Demodata laden")
        result = demo_load()
        progress(2, 3, "Codevoorstellen trainen")
        seconds = time.perf_counter() - started
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo klaar in {seconds:.1f} s: {result.neighbourhoods} buurten, {result.persons} deelnemers, "
                    f"{result.assets} krachten, {result.activities} activiteiten, {result.relations} relaties, "
                    f"{result.fragments} fragmenten met {result.codings} coderingen."
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Demodata stond er al; niets veranderd ({seconds:.1f} s)."))
        # Trained now and kept beside the database, so the first coder does not wait for it.
        trained = time.perf_counter()
        installation_engine(wait_for_fresh=True)
        progress.close()
        self.stdout.write(f"Codevoorstellen klaar ({time.perf_counter() - trained:.1f} s).")
        self.stdout.write("")
        self.stdout.write(f"Inloggen als (wachtwoord: {demo_password()}):")
        for username, role in result.users:
            self.stdout.write(f"  {username:<18} {role}")
        if not options["no_serve"]:
            call_command("serve", port=options["port"])

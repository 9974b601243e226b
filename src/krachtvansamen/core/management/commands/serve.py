from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from waitress import serve

from krachtvansamen.wsgi import application


class Command(BaseCommand):
    help = "Serve the app with waitress (a production WSGI server that also runs on Windows and macOS)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        # One process: Python runs one thread at a time, so threads beyond waitress's own default (4) do not
        # serve more requests, they only lengthen the slowest ones (coding page p95 300 -> 240 ms at 10
        # clients, benchmarks/coding_vs_taguette.py). Several processes: the serving issue.
        parser.add_argument("--threads", type=int, default=4)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"Kracht van Samen draait op http://{options['host']}:{options['port']}/ (stoppen: Ctrl+C)"
        )
        self.stdout.flush()
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="krachtvansamen",
        )

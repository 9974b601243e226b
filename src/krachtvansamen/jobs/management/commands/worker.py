"""``kvs worker``: the Celery worker that runs background jobs (imports, exports, reports).

Needs a broker: ``KVS_REDIS_URL`` (or ``REDIS_URL``), e.g. ``redis://127.0.0.1:6379/0``. Without one the web
process runs jobs itself and no worker is needed.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from krachtvansamen.jobs.celery_app import app


class Command(BaseCommand):
    help = "Run the background worker (Celery). Needs KVS_REDIS_URL; without it `kvs serve` runs jobs itself."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--concurrency", type=int, default=0, help="Jobs at once (default: CPU count).")
        parser.add_argument("--loglevel", default="INFO")

    def handle(self, *args: Any, **options: Any) -> None:
        if not getattr(settings, "CELERY_BROKER_URL", ""):
            raise CommandError(
                _(
                    "No broker configured: set KVS_REDIS_URL (for example redis://127.0.0.1:6379/0) to run "
                    "jobs in separate workers. Without it, `kvs serve` runs background jobs itself and no "
                    "worker is needed."
                )
            )
        argv = ["worker", f"--loglevel={options['loglevel']}"]
        if options["concurrency"]:
            argv.append(f"--concurrency={options['concurrency']}")
        app.worker_main(argv)

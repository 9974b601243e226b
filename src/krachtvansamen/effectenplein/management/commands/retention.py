"""``kvs retention [--days N]``: remove what is kept no longer than needed (for a scheduler, daily).

The raw material of Effectenplein meetings closed at least ``KVS_RETENTION_PLEIN_DAYS`` days ago (default 180,
or ``--days``): participants with their nicknames, stories, recognitions and votes. The fragments made from kept
stories stay under their own consent, and each meeting keeps its totals. And access log entries older than
``KVS_RETENTION_ACCESS_LOG_DAYS`` (default 365).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from krachtvansamen.effectenplein.services import effectenplein_retention_apply
from krachtvansamen.privacy.services import access_log_prune


class Command(BaseCommand):
    help = "Remove Effectenplein stories, nicknames and votes some time after a meeting closed (retention)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, help="days after closing (default: KVS_RETENTION_PLEIN_DAYS)")

    def handle(self, *args: Any, **options: Any) -> None:
        result = effectenplein_retention_apply(days=options.get("days"))
        self.stdout.write(
            f"Effectenplein: {result.meetings} bijeenkomst(en) opgeschoond, {result.participants} deelnemers en "
            f"{result.stories} verhalen verwijderd (de fragmenten blijven)."
        )
        pruned = access_log_prune()
        self.stdout.write(f"Toegangslog: {pruned} regels ouder dan de bewaartermijn verwijderd.")

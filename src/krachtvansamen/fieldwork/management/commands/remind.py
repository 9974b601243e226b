"""``kvs remind [--dry-run] [--today YYYY-MM-DD] [--days N]``: e-mail each holder of the fieldwork plan about
rows due within N days (FIELDWORK_REMIND_DAYS, default 14) or overdue. Safe to run daily from a scheduler:
a reminder goes out once per row, neighbourhood, person and kind."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from krachtvansamen.fieldwork.reminders import remind


class Command(BaseCommand):
    help = "E-mail reminders about fieldwork that is due soon or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the e-mails; send and record nothing."
        )
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument("--days", type=int, help="Remind this many days before the due date.")

    def handle(self, *args: object, **options: object) -> None:
        today = timezone.localdate()
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(str(options["today"]))
            except ValueError:
                raise CommandError("--today: write the date as YYYY-MM-DD, e.g. 2025-03-01") from None
        days = options["days"]
        result = remind(
            today=today, days=days if isinstance(days, int) else None, dry_run=bool(options["dry_run"])
        )
        verb = "would send" if options["dry_run"] else "sent"
        for line in result.sent:
            self.stdout.write(f"{verb}: {line}")
        for line in result.problems:
            self.stderr.write(f"not sent: {line}")
        self.stdout.write(f"{len(result.sent)} e-mail(s) {verb}, {len(result.problems)} problem(s).")

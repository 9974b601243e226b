"""``kvs export-person --id N --out FILE.json``: everything recorded about one person, as a file (AVG art. 15)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from krachtvansamen.people.models import Person
from krachtvansamen.privacy.access_export import person_data


class Command(BaseCommand):
    help = "Write everything recorded about one person to a JSON file (right of access, AVG art. 15)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", type=int, required=True, help="The person's id.")
        parser.add_argument("--out", required=True, help="The file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["id"]).first()
        if person is None:
            raise CommandError(f"Geen persoon met nummer {options['id']}.")
        path = Path(options["out"])
        if not path.resolve().parent.is_dir():
            raise CommandError(f"Map bestaat niet: {path.resolve().parent}")
        data = person_data(person)
        # Whole or not at all: a half-written file of someone's data is worse than none.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.resolve().parent, delete=False
        ) as handle:
            json.dump(data, handle, ensure_ascii=False, indent=2)
        os.replace(handle.name, path)
        os.chmod(path, 0o600)
        counts = ", ".join(f"{kind}: {len(rows)}" for kind, rows in data.items() if isinstance(rows, list))
        self.stdout.write(f"Gegevens van persoon {options['id']} → {path} ({counts})")

"""``kvs erase_person --id N --reason "..."``: erase a person everywhere (GDPR) and print what went."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import person_erase


class Command(BaseCommand):
    help = "Erase a person everywhere (GDPR): their words, codings, relations, assets and consents."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", type=int, required=True, help="The person's id.")
        parser.add_argument("--reason", required=True, help="Why (without the person's name).")

    def handle(self, *args: Any, **options: Any) -> None:
        person = Person.objects.filter(pk=options["id"]).first()
        if person is None:
            raise CommandError(f"No person with id {options['id']}.")
        if not options["reason"].strip():
            raise CommandError("Give a reason.")
        try:
            record = person_erase(person, None, options["reason"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Erasure record {record.pk}: person {options['id']} erased everywhere.")
        for kind, number in sorted(record.counts.items()):
            self.stdout.write(f"  {kind}: {number}")

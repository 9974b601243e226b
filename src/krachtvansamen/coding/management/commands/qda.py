"""``kvs qda export --format qdc|qdpx [--neighbourhood CBSCODE | --programme SLUG] --out FILE`` and
``kvs qda import FILE [--programme SLUG] [--under KEY] [--neighbourhood CBSCODE --year Y --instrument I]``.

REFI-QDA exchange with other QDA tools (see ``coding.qda``). The command runs as an administrator: the
account given with ``--user``, else the first active superuser. A QDPX export needs an explicit scope.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from krachtvansamen.coding.models import Instrument
from krachtvansamen.coding.qda.export import codebook_qdc, export_scope, project_qdpx
from krachtvansamen.coding.qda.importer import ImportOptions, qda_import
from krachtvansamen.coding.qda.validate import QdaError
from krachtvansamen.core.progress import add_progress_argument, command_progress
from krachtvansamen.framework.selectors import codebook_current
from krachtvansamen.framework.services import codebook_load_shipped
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import user_is_admin


class Command(BaseCommand):
    help = (
        "REFI-QDA exchange: export the codebook (QDC) or a programme/neighbourhood (QDPX); import QDC/QDPX."
    )

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write a .qdc codebook or a .qdpx project")
        export.add_argument("--format", choices=["qdc", "qdpx"], required=True)
        scope = export.add_mutually_exclusive_group()
        scope.add_argument("--neighbourhood", help="CBS code, e.g. BU03630000 (qdpx)")
        scope.add_argument(
            "--programme", help="programme short name (qdpx: its neighbourhoods; qdc: its own codes)"
        )
        export.add_argument("--out", required=True, help="the file to write")
        export.add_argument("--user", help="username to export as (default: the first superuser)")
        add_progress_argument(export)
        imp = sub.add_parser("import", help="import a .qdc codebook or a .qdpx project")
        imp.add_argument("file")
        imp.add_argument("--programme", help="programme whose own codes the new codes become")
        imp.add_argument("--under", default="", help="key of our code to put new top-level codes under")
        imp.add_argument("--neighbourhood", help="CBS code of the neighbourhood to import sources into")
        imp.add_argument("--year", type=int)
        imp.add_argument("--instrument", choices=Instrument.values)
        imp.add_argument("--user", help="username to import as (default: the first superuser)")

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override("nl"):
            if codebook_current() is None:
                codebook_load_shipped()
            user = self._user(options.get("user"))
            try:
                if options["action"] == "export":
                    self._export(options, user)
                else:
                    self._import(options, user)
            except QdaError as error:
                raise CommandError(str(error)) from None

    def _user(self, username: str | None) -> Any:
        accounts = get_user_model().objects.filter(is_active=True)
        if username:
            user = accounts.filter(username=username).first()
            if user is None:
                raise CommandError(f"Gebruiker {username} bestaat niet.")
            if not user_is_admin(user=user):
                raise CommandError(f"Gebruiker {username} is geen beheerder.")
            return user
        user = accounts.filter(is_superuser=True).order_by("pk").first()
        if user is None:
            raise CommandError("Er is geen beheerder. Maak er een (kvs createsuperuser) of geef --user.")
        return user

    def _export(self, options: dict[str, Any], user: Any) -> None:
        out = Path(options["out"])
        if options["format"] == "qdc":
            programmes = None
            if options.get("programme"):
                programmes = list(Programme.objects.filter(slug=options["programme"]))
                if not programmes:
                    raise CommandError(f"Programma {options['programme']} bestaat niet.")
            content = codebook_qdc(programmes=programmes)
        else:
            if not (options.get("neighbourhood") or options.get("programme")):
                raise CommandError("Kies wat u exporteert: --neighbourhood CBSCODE of --programme SLUG.")
            neighbourhoods, name = export_scope(
                user=user, programme=options.get("programme"), neighbourhood=options.get("neighbourhood")
            )
            with command_progress(self, options) as progress:
                progress(0, 1, f"{name}: project samenstellen")
                content = project_qdpx(neighbourhoods=neighbourhoods, name=name)
                progress(1, 1, f"{name}: klaar")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
        self.stdout.write(f"{out}: {len(content)} bytes ({options['format']}).")

    def _import(self, options: dict[str, Any], user: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        programme = neighbourhood = None
        if options.get("programme"):
            programme = Programme.objects.filter(slug=options["programme"]).first()
            if programme is None:
                raise CommandError(f"Programma {options['programme']} bestaat niet.")
        if options.get("neighbourhood"):
            neighbourhood = Neighbourhood.objects.filter(cbs_code=options["neighbourhood"]).first()
            if neighbourhood is None:
                raise CommandError(f"Buurt {options['neighbourhood']} bestaat niet.")
        result = qda_import(
            data=path.read_bytes(),
            name=path.name,
            user=user,
            options=ImportOptions(
                programme=programme,
                under=options.get("under") or "",
                neighbourhood=neighbourhood,
                year=options.get("year"),
                instrument=options.get("instrument") or "",
            ),
        )
        if result.adjustments:
            self.stdout.write("Aangepast: " + "; ".join(result.adjustments) + ".")
        for line in result.summary():
            self.stdout.write(line)

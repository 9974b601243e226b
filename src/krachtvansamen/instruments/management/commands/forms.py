"""``kvs forms export --format xlsform --out DIR``, ``kvs forms import FILE.xlsx``,
``kvs forms import-answers FILE --form KEY --neighbourhood CBSCODE --year YEAR``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.definition import DefinitionError
from krachtvansamen.instruments.selectors import form_version_current, forms_current
from krachtvansamen.instruments.services import form_version_add, forms_load_defaults
from krachtvansamen.instruments.xlsform import definition_to_xlsform, pyxform_check, xlsform_to_definition
from krachtvansamen.neighbourhoods.models import Neighbourhood


class Command(BaseCommand):
    help = (
        "Export forms as XLSForm, import an XLSForm as a (new version of a) form, import KoboToolbox answers."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write one XLSForm file per form")
        export.add_argument("--format", choices=["xlsform"], default="xlsform")
        export.add_argument("--out", required=True, help="folder to write the files to")
        imp = sub.add_parser("import", help="add or version a form from an XLSForm file")
        imp.add_argument("file")
        imp.add_argument("--key", help="form short name (default: form_id from the settings sheet)")
        imp.add_argument("--instrument", help="instrument, for a new form without kvs_instrument")
        answers = sub.add_parser("import-answers", help="import answers exported from KoboToolbox/ODK")
        answers.add_argument("file")
        answers.add_argument("--form", required=True)
        answers.add_argument("--neighbourhood", required=True, help="CBS code, e.g. BU02021990")
        answers.add_argument("--year", required=True, type=int)

    def handle(self, *args, **options):
        forms_load_defaults()
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except (DefinitionError, AnswersImportError) as error:
            raise CommandError(str(error)) from None

    def _export(self, options):
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for version in forms_current():
            content = definition_to_xlsform(
                key=version.form.key,
                instrument=version.form.instrument,
                version=version.version,
                definition=version.definition,
            )
            warnings = pyxform_check(content)
            path = out / f"{version.form.key}.xlsx"
            path.write_bytes(content)
            note = f" ({len(warnings)} pyxform-waarschuwingen)" if warnings else ""
            self.stdout.write(f"{path}: {version.title}, versie {version.version}{note}")

    def _import(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        content = path.read_bytes()
        imported = xlsform_to_definition(content, file_name=path.name)
        pyxform_check(content)
        key = options["key"] or imported.key
        existing = form_version_current(key=key)
        instrument = existing.form.instrument if existing else (options["instrument"] or imported.instrument)
        if not instrument:
            raise CommandError("Geef met --instrument aan voor welk instrument dit formulier is.")
        version, created = form_version_add(
            key=key, instrument=instrument, definition=imported.definition, source="xlsform"
        )
        for warning in imported.warnings:
            self.stderr.write(warning)
        if created:
            self.stdout.write(f"{key}: nieuwe versie {version.version}")
        else:
            self.stdout.write(f"{key}: al aanwezig als versie {version.version}, niets veranderd")

    def _import_answers(self, options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Bestand niet gevonden: {path}")
        version = form_version_current(key=options["form"])
        if version is None:
            raise CommandError(f"Onbekend formulier: {options['form']}")
        neighbourhood = Neighbourhood.objects.filter(cbs_code=options["neighbourhood"]).first()
        if neighbourhood is None:
            raise CommandError(f"Onbekende buurt: {options['neighbourhood']}")
        result = answers_import(
            form_version=version,
            content=path.read_bytes(),
            file_name=path.name,
            neighbourhood=neighbourhood,
            year=options["year"],
            user=None,
        )
        self.stdout.write(f"{result.rows} rijen: {result.created} nieuw, {result.already_there} waren er al")

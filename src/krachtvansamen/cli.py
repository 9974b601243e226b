"""The ``kvs`` command: the project's own commands plus every Django management command.

``kvs demo``, ``kvs serve``, ``kvs import-cbs FILE``, ``kvs codebook export`` and also
``kvs migrate``, ``kvs check --deploy``, ``kvs createsuperuser`` ...
"""

from __future__ import annotations

import os
import sys

# Our commands are spelled with hyphens on the command line; Django modules cannot be.
COMMAND_ALIASES = {
    "import-cbs": "import_cbs",
    "national-dataset": "national_dataset",
    "erase-person": "erase_person",
    "export-person": "export_person",
    "suggest-evaluate": "suggest_evaluate",
    "api-token": "api_token",
    "move-database": "move_database",
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "krachtvansamen.settings")
    if len(args) > 1:
        args[1] = COMMAND_ALIASES.get(args[1], args[1])
    args[0] = "kvs"
    # After DJANGO_SETTINGS_MODULE is set: Django reads it on import.
    from django.core.management import execute_from_command_line  # noqa: PLC0415

    execute_from_command_line(args)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Update the Dutch catalogue: collect interface texts, fill translations, compile.

    .venv/bin/python scripts/translate.py [TRANSLATIONS.json ...]

Each JSON file maps an English msgid to its Dutch text ({"Save": "Opslaan"}). Existing translations in
django.po are kept; texts from the JSON files fill empty or fuzzy entries (and replace a translation only
when the JSON says otherwise). Prints the texts still untranslated and exits 1 if there are any.
Runs under a file lock so that several people (or helpers) can run it at the same time.
"""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src/krachtvansamen"
PO = PACKAGE / "locale/nl/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def main(argv: list[str]) -> int:
    translations: dict[str, str] = {}
    for name in argv:
        translations.update(json.loads(Path(name).read_text(encoding="utf-8")))
    with open("/tmp/kvs-translate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "nl", "-i", "*/migrations/*",
             "--settings=krachtvansamen.settings", "--no-obsolete"],
            cwd=PACKAGE, check=True, capture_output=True,
        )  # fmt: skip
        po = polib.pofile(str(PO))
        for entry in po:
            wanted = translations.get(entry.msgid)
            if wanted is None:
                continue
            if entry.msgid_plural:
                # Plural entries: the JSON value is "singular|plural".
                singular, _, plural = wanted.partition("|")
                entry.msgstr_plural = {0: singular, 1: plural or singular}
            else:
                entry.msgstr = wanted
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save(str(PO))
        subprocess.run(["msgfmt", "--check", "-o", str(MO), str(PO)], check=True)
    missing = [e.msgid for e in po if not e.translated() or "fuzzy" in e.flags]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(po)} texts, {len(missing)} untranslated")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

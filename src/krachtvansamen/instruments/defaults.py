"""The default forms shipped with the app (``instruments/forms/*.yaml``), in the order the study uses them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DEFAULT_FORMS_DIR = Path(__file__).resolve().parent / "forms"
# The order in which the study uses the instruments; also the order of the default forms on screen.
DEFAULT_FORM_KEYS = ["buurtscan", "vragenlijst", "wijkwaardenkaart", "pas_op_de_plaats"]


def default_form_definitions() -> dict[str, tuple[str, dict[str, Any]]]:
    """Per default form key: (instrument, definition)."""
    forms = {}
    for key in DEFAULT_FORM_KEYS:
        data = yaml.safe_load((DEFAULT_FORMS_DIR / f"{key}.yaml").read_text(encoding="utf-8"))
        instrument = data.pop("instrument")
        forms[key] = (instrument, data)
    return forms

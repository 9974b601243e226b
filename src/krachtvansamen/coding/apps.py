from __future__ import annotations

from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "krachtvansamen.coding"

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.coding.erasure import erase_person_fragments  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415

        register_eraser(erase_person_fragments)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CodingConfig(AppConfig):
    name = "krachtvansamen.coding"
    verbose_name = _("Fragments and coding")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.coding.access_export import collect_person_fragments  # noqa: PLC0415
        from krachtvansamen.coding.erasure import erase_person_fragments  # noqa: PLC0415
        from krachtvansamen.coding.suggest.installation import installation_engine_warm  # noqa: PLC0415
        from krachtvansamen.core.serving import register_on_serve_start  # noqa: PLC0415
        from krachtvansamen.privacy.access_export import register_collector  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415
        from krachtvansamen.privacy.pseudonymise import warm_up as pseudonymiser_warm_up  # noqa: PLC0415

        register_eraser(erase_person_fragments)
        register_collector(collect_person_fragments)
        # A coder's first fragment page should not wait for the suggestion engine to train.
        register_on_serve_start(installation_engine_warm)
        # Nor the quote review page for deduce's name lists (~7 s to load; ~1 minute the first time after installing).
        register_on_serve_start(pseudonymiser_warm_up)

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    name = "krachtvansamen.assets"
    verbose_name = _("Assets and activities")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.assets.access_export import collect_person_assets  # noqa: PLC0415
        from krachtvansamen.assets.erasure import erase_person_assets  # noqa: PLC0415
        from krachtvansamen.privacy.access_export import register_collector  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415

        register_eraser(erase_person_assets)
        register_collector(collect_person_assets)

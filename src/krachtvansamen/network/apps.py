from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "krachtvansamen.network"
    verbose_name = _("Network and relations")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.network.access_export import collect_person_relations  # noqa: PLC0415
        from krachtvansamen.network.erasure import erase_person_relations  # noqa: PLC0415
        from krachtvansamen.privacy.access_export import register_collector  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415

        register_eraser(erase_person_relations)
        register_collector(collect_person_relations)

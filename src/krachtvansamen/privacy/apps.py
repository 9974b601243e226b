from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "krachtvansamen.privacy"
    # The app's title in the admin (/beheer/), in the interface language.
    verbose_name = _("Privacy and erasure")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.privacy.access_export import register_collector  # noqa: PLC0415
        from krachtvansamen.privacy.changes import collect_person_changes, erase_person_changes  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import erase_job_results, register_eraser  # noqa: PLC0415

        register_eraser(erase_person_changes)
        register_eraser(erase_job_results)
        register_collector(collect_person_changes)

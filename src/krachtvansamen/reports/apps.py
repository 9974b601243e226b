from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "krachtvansamen.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415
        from krachtvansamen.reports.cache_invalidation import connect_data_version_signals  # noqa: PLC0415
        from krachtvansamen.reports.erasure import erase_person_from_versions  # noqa: PLC0415

        # Before instruments (10) and coding, which delete the fragments whose words it looks for.
        register_eraser(erase_person_from_versions, order=5)
        # Every write of data a report reads retires the cached reports it feeds (reports.report_cache).
        connect_data_version_signals()

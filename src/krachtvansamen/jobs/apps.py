from __future__ import annotations

from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "krachtvansamen.jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Each app keeps its job functions in its own ``jobs.py`` (as the admin does with ``admin.py``), so the
        # web process and every Celery worker know all kinds without this low app importing higher ones.
        autodiscover_modules("jobs")

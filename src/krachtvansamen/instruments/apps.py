from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.apps import apps as installed_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def default_forms_after_migrate(
    sender: AppConfig, *, using: str = DEFAULT_DB_ALIAS, apps: Apps = installed_apps, **kwargs: Any
) -> None:
    """A fresh install shows the default forms: load them after ``migrate`` when there is no form at all.

    Not on a page view (a GET never writes). Skipped when the instruments tables are not there (migrated back
    to zero) and for other databases than the default one.
    """
    try:
        apps.get_model("instruments", "FormVersion")
    except LookupError:
        return
    if using != DEFAULT_DB_ALIAS:
        return
    # apps.py is imported while Django loads the apps, before any model may be; the services import models.
    from krachtvansamen.instruments.services import forms_load_defaults_if_none  # noqa: PLC0415

    forms_load_defaults_if_none()


class InstrumentsConfig(AppConfig):
    name = "krachtvansamen.instruments"
    verbose_name = _("Instruments and forms")

    def ready(self) -> None:
        post_migrate.connect(default_forms_after_migrate, sender=self)
        # Models are ready in ready(); the eraser imports them.
        from krachtvansamen.instruments.access_export import collect_person_submissions  # noqa: PLC0415
        from krachtvansamen.instruments.erasure import erase_person_submissions  # noqa: PLC0415
        from krachtvansamen.privacy.access_export import register_collector  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415

        register_eraser(erase_person_submissions, order=10)
        register_collector(collect_person_submissions)

from __future__ import annotations

from django.apps import AppConfig
from django.apps import apps as installed_apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from krachtvansamen.core.cache import cache_table_create

# Admin texts of Django and django-axes that their own Dutch catalogues lack. Listed here so that ``makemessages``
# puts them in ours (LOCALE_PATHS comes first), and the admin (/beheer/) speaks Dutch throughout (issue 11).
UPSTREAM_TEXTS_WITHOUT_DUTCH = [
    # django.contrib.admin (app_list.html: the headers of each app's table, for screen readers)
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    # django-axes (models' verbose names)
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
]


class CoreConfig(AppConfig):
    name = "krachtvansamen.core"

    def ready(self) -> None:
        # django-axes has no title of its own: the admin would show its label, "Axes".
        if installed_apps.is_installed("axes"):
            installed_apps.get_app_config("axes").verbose_name = _("Login security")
        # Once per migrate, after the sessions' tables (core has no models, so no post_migrate of its own).
        post_migrate.connect(
            cache_table_create,
            sender=installed_apps.get_app_config("sessions"),
            dispatch_uid="kvs-cache-table",
        )

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhoodsConfig(AppConfig):
    name = "krachtvansamen.neighbourhoods"
    # The app's title in the admin (/beheer/), in the interface language.
    verbose_name = _("Neighbourhoods and programmes")

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "krachtvansamen.documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        # apps.py is imported before the models are ready; the eraser imports models.
        from krachtvansamen.documents.erasure import erase_person_documents  # noqa: PLC0415
        from krachtvansamen.privacy.erasure import register_eraser  # noqa: PLC0415

        register_eraser(erase_person_documents, order=5)

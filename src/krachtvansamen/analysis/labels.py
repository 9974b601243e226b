"""Labels for result rows: a code's own Dutch/English label, or the translated label of a model choice."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


class CodeLabelMixin:
    """Result rows of a codebook code: ``row.label`` follows the active language, as ``Code.label`` does."""

    label_nl: str
    label_en: str

    @property
    def label(self) -> str:
        if (get_language() or "nl").startswith("en"):
            return self.label_en or self.label_nl
        return self.label_nl


@dataclass(frozen=True)
class Labelled(CodeLabelMixin):
    key: str
    label_nl: str
    label_en: str

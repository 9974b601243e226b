"""The nine ABCD asset categories in plain words, and where each sits on the asset map.

The model's own labels ("talent: head (knowledge, skills)") are precise; these are for people filling in a
form on their phone: a short name and one sentence with examples.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from krachtvansamen.assets.models import Asset

C = Asset.Category


@dataclass(frozen=True)
class CategoryInfo:
    key: str
    short: str | Promise
    explanation: str | Promise


CATEGORIES: dict[str, CategoryInfo] = {
    info.key: info
    for info in [
        CategoryInfo(C.TALENT_HEAD, _("Head"),
                     _("What someone knows or can do: languages, paperwork, computers, teaching.")),
        CategoryInfo(C.TALENT_HEART, _("Heart"),
                     _("What someone cares about: looking after neighbours, cooking for others, listening.")),
        CategoryInfo(C.TALENT_HANDS, _("Hands"),
                     _("What someone can make or fix: odd jobs, gardening, sewing, repairing bikes.")),
        CategoryInfo(C.ASSOCIATION, _("Associations and groups"),
                     _("Clubs, residents' groups, churches and mosques, sports clubs, a group of neighbours.")),
        CategoryInfo(C.INSTITUTION, _("Institutions"),
                     _("School, library, welfare work, care, housing corporation, municipality.")),
        CategoryInfo(C.PLACE, _("Places"),
                     _("A community centre, square, playground or bench where people see each other.")),
        CategoryInfo(C.ECONOMY, _("Local economy"),
                     _("Shops, the market, local entrepreneurs, swapping and lending.")),
        CategoryInfo(C.CULTURE, _("Stories and culture"),
                     _("The history of the neighbourhood, traditions, festivals, art.")),
        CategoryInfo(C.NATURE, _("Nature"),
                     _("Parks, green spaces, water, vegetable gardens, animals.")),
    ]
}  # fmt: skip

# The classic ABCD asset map: residents' gifts in the centre, the rest in a ring around them.
TALENTS = [C.TALENT_HEAD, C.TALENT_HEART, C.TALENT_HANDS]
RING = [C.ASSOCIATION, C.INSTITUTION, C.PLACE, C.ECONOMY, C.CULTURE, C.NATURE]

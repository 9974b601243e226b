from __future__ import annotations

from django.http import HttpRequest

from krachtvansamen.people.access import user_is_admin, user_reads_coding, user_roles, user_uses_instruments
from krachtvansamen.people.invitations import user_invites


def current_role(request: HttpRequest) -> dict[str, object]:
    """What the menu in base.html may show; the template only displays these flags."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "user_roles": [],
            "menu_instruments": False,
            "menu_coding": False,
            "menu_admin": False,
            "menu_invitations": False,
        }
    return {
        "user_roles": sorted(user_roles(user=user)),
        "menu_instruments": user_uses_instruments(user=user),
        "menu_coding": user_reads_coding(user=user),
        "menu_admin": user_is_admin(user=user),
        "menu_invitations": user_invites(user=user),
    }

from __future__ import annotations

from django.http import HttpRequest

from krachtvansamen.people.selectors import user_roles


def current_role(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": []}
    return {"user_roles": sorted(user_roles(user=user))}

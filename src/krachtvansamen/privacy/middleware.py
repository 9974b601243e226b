"""The access log: every request of a logged-in user to a page with personal data, or to a report, is written
down (``privacy.models.AccessLogEntry``). Which pages: ``settings.ACCESS_LOG_PREFIXES`` (path prefix → kind).
Anonymous requests are not logged: the only pages a stranger reaches (log-in, an Effectenplein phone) hold
nothing of anyone else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from krachtvansamen.privacy.models import AccessLogEntry

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def access_log_kind(path: str) -> str | None:
    for prefix, kind in settings.ACCESS_LOG_PREFIXES:
        if path.startswith(prefix):
            return kind
    return None


class AccessLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        kind = access_log_kind(request.path)
        if kind is not None and user is not None and user.is_authenticated:
            query = request.META.get("QUERY_STRING", "")
            AccessLogEntry.objects.create(
                user=user,
                username=user.get_username(),
                action=AccessLogEntry.Action.VIEW
                if request.method in SAFE_METHODS
                else AccessLogEntry.Action.CHANGE,
                kind=kind,
                path=(request.path + (f"?{query}" if query else ""))[:500],
                status=response.status_code,
            )
        return response

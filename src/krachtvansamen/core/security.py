"""Security plumbing every page shares: security headers, the session idle timeout and log-in throttling.

- ``SecurityHeadersMiddleware``: the Content-Security-Policy of ``settings.CONTENT_SECURITY_POLICY`` on every
  response, ``Cache-Control: private, no-store`` on every response to a logged-in user (reports, PDFs and
  XLSX downloads hold personal data and must not stay in a shared browser's or proxy's cache), and the idle
  timeout: the session of someone who keeps working is extended, at most once a minute.
- ``LoginThrottleBackend`` and ``LoginThrottleHandler``: django-axes with two limits (see settings).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse

SESSION_SEEN_KEY = "kvs_seen"
# Extend an active session at most this often: every request would be a database write.
SESSION_REFRESH_SECONDS = 60


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        logged_in = request.user.is_authenticated
        if logged_in:
            self._keep_session_alive(request)
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        if logged_in or request.user.is_authenticated:
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop("Expires", None)
        return response

    @staticmethod
    def _keep_session_alive(request: HttpRequest) -> None:
        """Sessions end SESSION_COOKIE_AGE after their last save; saving now and then while someone works
        turns that into an idle timeout."""
        now = int(time.time())
        seen = request.session.get(SESSION_SEEN_KEY, 0)
        if not isinstance(seen, int) or now - seen >= SESSION_REFRESH_SECONDS:
            request.session[SESSION_SEEN_KEY] = now


def client_address(request: HttpRequest) -> str | None:
    """The address a request comes from (log-in throttling, Effectenplein limits). Behind
    ``settings.PROXY_COUNT`` reverse proxies that each append the address they saw to X-Forwarded-For, the
    client is that many entries from the right; what the client wrote there itself (further left) is not
    trusted."""
    count = int(getattr(settings, "PROXY_COUNT", 0))
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a log-in while it is locked out. ``authenticate()`` without a request (a management command,
    a shell) has no address to throttle: it is let through to the next backend instead of failing."""

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes has one failure limit for every lock-out parameter; we want a low one for one user name
    from one address (someone guessing a password) and a higher one for one address across user names (one
    address trying many accounts; a community centre's shared address must not lock out everyone at once).

    ``get_failures`` reports the limit itself once either count reaches its own limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        attempts = self.get_user_attempts(request, credentials)
        limit = int(settings.AXES_FAILURE_LIMIT)
        per_address_limit = int(getattr(settings, "KVS_LOGIN_FAILURES_PER_ADDRESS", limit))
        counts = [_failures(queryset) for queryset in attempts]
        parameters = list(settings.AXES_LOCKOUT_PARAMETERS)
        worst = 0
        for parameter, count in zip(parameters, counts, strict=False):
            if parameter == "ip_address":
                worst = max(worst, limit if count >= per_address_limit else min(count, limit - 1))
            else:
                worst = max(worst, count)
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """A successful log-in forgets the failures of that user name from that address only: logging in
        to one's own account must not wipe an address's failures for other accounts."""
        username = get_client_username(request, credentials)
        ip_address = getattr(request, "axes_ip_address", None)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()
        return count


def _failures(queryset: Any) -> int:
    return int(queryset.aggregate(total=Sum("failures_since_start"))["total"] or 0)

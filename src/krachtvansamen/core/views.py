from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def health(request: HttpRequest) -> HttpResponse:
    """A trivial page: a liveness check, and the baseline the page benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page grew stale (a phone left in a pocket, a logged-out session): say so plainly
    instead of Django's English technical page. Nothing of the form was saved."""
    message = _("This form was open for too long or your session has ended, so it was not saved. "
                "Go back, reload the page and send it again.")  # fmt: skip
    return render(request, "403.html", {"message": message}, status=403)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """django-axes's answer to a locked-out log-in: wait, in Dutch. The same for any user name, existing
    or not, so it reveals nothing about accounts."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)

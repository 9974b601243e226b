from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from krachtvansamen.core.start_page import start_page_for_user


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "core/start.html", {"start": start_page_for_user(user=request.user)})


def health(request: HttpRequest) -> HttpResponse:
    """A trivial page: a liveness check, and the baseline the page benchmarks compare against."""
    return HttpResponse("ok", content_type="text/plain")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else None
    return render(request, "403.html", {"message": message}, status=403)

"""The composed pages: the start page and the neighbourhood page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from krachtvansamen.people.access import neighbourhood_get_for_user
from krachtvansamen.web.neighbourhood import neighbourhood_page
from krachtvansamen.web.selectors import start_page_for_user


@login_required
def start(request: HttpRequest) -> HttpResponse:
    start_page = start_page_for_user(
        user=request.user, search=request.GET.get("zoek", ""), page_number=request.GET.get("pagina", 1)
    )
    return render(request, "web/start.html", {"start": start_page})


@login_required
def neighbourhood_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else None
    page = neighbourhood_page(user=request.user, neighbourhood=neighbourhood, year=year)
    context = {"overview": page.overview, "sections": page.sections, "n": neighbourhood}
    return render(request, "web/neighbourhood.html", context)

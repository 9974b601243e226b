from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from krachtvansamen.neighbourhoods.selectors import neighbourhood_overview
from krachtvansamen.people.access import neighbourhood_get_for_user


@login_required
def neighbourhood_detail(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else None
    overview = neighbourhood_overview(neighbourhood=neighbourhood, year=year)
    return render(request, "neighbourhoods/detail.html", {"overview": overview, "n": neighbourhood})

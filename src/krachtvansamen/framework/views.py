from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from krachtvansamen.framework.models import Codebook
from krachtvansamen.framework.selectors import codebook_get


@login_required
def codebook_page(request: HttpRequest) -> HttpResponse:
    codebook = codebook_get(version=request.GET.get("versie") or None)
    if codebook is None:
        raise Http404(_("This codebook version does not exist."))
    codes = list(codebook.codes.order_by("position"))
    groups = [code for code in codes if code.depth == 0]
    children: dict[int, list] = {}
    for code in codes:
        if code.parent_id is not None:
            children.setdefault(code.parent_id, []).append(code)
    for code in codes:
        code.child_codes = children.get(code.pk, [])  # type: ignore[attr-defined]
    return render(
        request,
        "framework/codebook.html",
        {
            "codebook": codebook,
            "groups": groups,
            "versions": Codebook.objects.order_by("-loaded_at"),
            "code_count": len(codes),
        },
    )

"""/mijn-gegevens/: a resident opens what was recorded about them with their personal code (no account).

The code is asked once; the session then remembers who it is (and forgets it at "Klaar" or after the idle
timeout). Wrong codes are throttled per network address (``privacy.personal_codes.CODE_GUESSING``). Pages are
never cached (``private, no-store``) and never indexed.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from krachtvansamen.core.security import client_address
from krachtvansamen.privacy.personal_codes import CODE_GUESSING
from krachtvansamen.web.residents.services import (
    Resident,
    ResidentError,
    recorded_about,
    resident_demographics_withdraw,
    resident_erase,
    resident_exists,
    resident_for_code,
    resident_quoting_stop,
    resident_words_correct,
)

SESSION_KEY = "kvs_resident"


def _resident(request: HttpRequest) -> Resident | None:
    resident = Resident.from_session(request.session.get(SESSION_KEY))
    if resident is not None and not resident_exists(resident):
        request.session.pop(SESSION_KEY, None)
        return None
    return resident


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "same-origin"  # "no-referrer" would send Origin: null and fail CSRF
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def code_page(request: HttpRequest) -> HttpResponse:
    """Type the personal code; a right one opens the overview."""
    address = client_address(request)
    error = ""
    status = 200
    if request.method == "POST":
        wait = CODE_GUESSING.wait(address)
        if wait:
            minutes = max(1, -(-wait // 60))
            error = _("Too many wrong codes from this network. Try again in %(minutes)s minutes.") % {
                "minutes": minutes
            }
            status = 429
        else:
            resident = resident_for_code(request.POST.get("code", ""))
            if resident is None:
                CODE_GUESSING.failed(address)
                error = _("We do not know this code. Check it on your card and try again.")
                status = 400
            else:
                request.session.cycle_key()  # a fresh session id for what the code opened
                request.session[SESSION_KEY] = resident.session_value
                return redirect("resident_overview")
    response = render(request, "web/residents/code.html", {"error": error}, status=status)
    if status == 429:
        response["Retry-After"] = str(CODE_GUESSING.wait(address))
    return _private(response)


@never_cache
def overview(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    if resident is None:
        return redirect("resident_code")
    return _private(render(request, "web/residents/overview.html", {"recorded": recorded_about(resident)}))


@never_cache
@require_POST
def change(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    if resident is None:
        return redirect("resident_code")
    action = request.POST.get("actie", "")
    try:
        if action == "verbeteren":
            resident_words_correct(
                resident, key=request.POST.get("woorden", ""), text=request.POST.get("tekst", "")
            )
            messages.success(request, _("Thank you. Your words have been corrected."))
        elif action == "niet-citeren":
            resident_quoting_stop(resident)
            messages.success(request, _("From now on, nothing you said will be quoted."))
        elif action == "kenmerken-weg":
            resident_demographics_withdraw(resident)
            messages.success(request, _("Your age group, origin and gender have been removed."))
        else:
            messages.error(request, _("Choose what you want to change."))
    except ResidentError as problem:
        messages.error(request, str(problem))
    return redirect("resident_overview")


@never_cache
@require_http_methods(["GET", "POST"])
def erase(request: HttpRequest) -> HttpResponse:
    resident = _resident(request)
    if resident is None:
        return redirect("resident_code")
    if request.method == "POST" and request.POST.get("zeker") == "ja":
        resident_erase(resident)
        request.session.flush()
        return _private(render(request, "web/residents/erased.html"))
    return _private(render(request, "web/residents/erase.html", {"recorded": recorded_about(resident)}))


@require_POST
def done(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    messages.info(request, _("You have closed your data. Use your code to open it again."))
    return redirect("resident_code")

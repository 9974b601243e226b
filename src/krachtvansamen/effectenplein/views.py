"""Pages of the Effectenplein.

Participants (no account): join with a code, share a story, recognise, vote. Plain forms and redirects, so a
phone without JavaScript works too. Facilitators (logged in, with access to the neighbourhood): open a meeting,
show the projector view, move to the voting round, close.
"""

from __future__ import annotations

import secrets
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
from krachtvansamen.core.security import client_address
from krachtvansamen.effectenplein import selectors, services
from krachtvansamen.effectenplein.models import (
    MAX_PARTICIPANTS_LIMIT,
    MAX_VOTES,
    NICKNAME_MAX_LENGTH,
    STORY_MAX_LENGTH,
    Meeting,
)
from krachtvansamen.effectenplein.models import Participant as ParticipantModel
from krachtvansamen.effectenplein.services import PleinError
from krachtvansamen.people.access import neighbourhood_get_for_user

COOKIE_SALT = "krachtvansamen.effectenplein.participant"
COOKIE_MAX_AGE = 24 * 3600
# The phone itself, across meetings: one participant (one set of votes) per device per meeting.
DEVICE_COOKIE = "kvs_plein_apparaat"
DEVICE_SALT = "krachtvansamen.effectenplein.device"
DEVICE_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie


def _device_id(request: HttpRequest) -> str:
    value = request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE)
    return value if isinstance(value, str) and 16 <= len(value) <= 64 else ""


def _client(request: HttpRequest, device_id: str | None = None) -> services.Client:
    device = _device_id(request) if device_id is None else device_id
    return services.Client(
        device=selectors.client_hash(device, purpose="device"),
        # Behind the TLS proxy every phone would otherwise share the proxy's address (KVS_PROXY_COUNT).
        address=selectors.client_hash(client_address(request) or "", purpose="address"),
    )


def _with_retry_after(response: HttpResponse, error: PleinError | None) -> HttpResponse:
    if error is not None and error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def _cookie_name(meeting: Meeting) -> str:
    return f"kvs_plein_{meeting.pk}"


def _participant(request: HttpRequest, meeting: Meeting) -> ParticipantModel | None:
    token = request.get_signed_cookie(
        _cookie_name(meeting), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    return selectors.participant_get(meeting=meeting, token=token)


def _as_id(value: str) -> int:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 19 else -1


def _meeting_url(meeting: Meeting, anchor: str = "") -> str:
    return reverse("effectenplein:meeting", args=[meeting.code]) + (f"#{anchor}" if anchor else "")


# --- participants -------------------------------------------------------------------------------------------


def _join_page(
    request: HttpRequest,
    *,
    meeting: Meeting | None = None,
    error: PleinError | None = None,
    code: str = "",
    nickname: str = "",
) -> HttpResponse:
    context = {
        "meeting": meeting,
        "error": error,
        "code": code,
        "nickname": nickname,
        "nickname_max": NICKNAME_MAX_LENGTH,
    }
    response = render(request, "effectenplein/join.html", context, status=error.status if error else 200)
    return _with_retry_after(response, error)


@never_cache
def join(request: HttpRequest) -> HttpResponse:
    """/plein/: 'Vul de code in'. The QR page posts here too, with the code as a hidden field."""
    if request.method != "POST":
        return _join_page(request, code=request.GET.get("code", ""))
    code, nickname = request.POST.get("code", ""), request.POST.get("nickname", "")
    device_id = _device_id(request) or secrets.token_urlsafe(24)
    client = _client(request, device_id)
    try:
        meeting = services.meeting_for_joining(code=code, client=client)
        if _participant(request, meeting) is not None:
            return redirect(_meeting_url(meeting))  # already in: joining again changes nothing
        _participant_row, token = services.participant_join(meeting=meeting, nickname=nickname, client=client)
    except PleinError as error:
        known = selectors.meeting_get_by_code(code=code) if error.field == "nickname" else None
        return _join_page(request, meeting=known, error=error, code=code, nickname=nickname)
    response = redirect(_meeting_url(meeting))
    response.set_signed_cookie(
        _cookie_name(meeting), token, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE, path="/plein/", httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    response.set_signed_cookie(
        DEVICE_COOKIE, device_id, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE, path="/plein/", httponly=True,
        samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )  # fmt: skip
    return response


def _phone_page(
    request: HttpRequest,
    meeting: Meeting,
    participant: ParticipantModel,
    *,
    error: PleinError | None = None,
    form: dict[str, Any] | None = None,
    personal_code: str = "",
) -> HttpResponse:
    everything = request.GET.get("alle") == "1"
    view = selectors.participant_view(
        meeting=meeting, participant=participant, others_limit=None if everything else 20
    )
    context = {
        "view": view, "meeting": meeting, "error": error, "form": form or {}, "story_max": STORY_MAX_LENGTH,
        "max_votes": MAX_VOTES, "submission_key": services.new_submission_key(),
        "live": selectors.meeting_is_live(meeting=meeting),
        "personal_code": personal_code,
        "personal_code_where": request.build_absolute_uri(reverse("resident_code")) if personal_code else "",
    }  # fmt: skip
    response = render(request, "effectenplein/phone.html", context, status=error.status if error else 200)
    return _with_retry_after(response, error)


@never_cache
@require_GET
def meeting_page(request: HttpRequest, code: str) -> HttpResponse:
    found = _participant_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    if meeting.code != code:
        return redirect(_meeting_url(meeting))  # one spelling of each address: upper case
    if participant is None:
        try:
            services.meeting_for_joining(code=meeting.code)  # closed or expired: say so instead of a form
        except PleinError as error:
            return _join_page(request, error=error, code=code)
        return _join_page(request, meeting=meeting, code=meeting.code)
    return _phone_page(request, meeting, participant)


def _participant_or_redirect(
    request: HttpRequest, code: str
) -> tuple[Meeting, ParticipantModel | None] | HttpResponse:
    """The meeting behind a code in the address, and the participant this phone is in it (or None).

    Every address with a code answers whether the code exists, so unknown codes count against the network
    address like typed ones, and too many get a 429. A phone that already takes part (a valid signed cookie
    for this meeting) learns nothing new and is never held up."""
    client = _client(request)
    meeting = selectors.meeting_get_by_code(code=code)
    participant = _participant(request, meeting) if meeting is not None else None
    if meeting is not None and participant is not None:
        return meeting, participant
    try:
        services.code_guessing_check(client=client)
    except PleinError as refused:
        return _join_page(request, error=refused)
    if meeting is None:
        services.code_unknown(client=client)
        unknown = PleinError(
            _("We do not know this code. Check the code on the screen."), field="code", status=404
        )
        return _join_page(request, error=unknown, code=code)
    return meeting, None


def _joined_or_redirect(request: HttpRequest, code: str) -> tuple[Meeting, ParticipantModel] | HttpResponse:
    """For a phone's writes (a story, a tap, a vote, a code): the meeting and this phone's participant; a phone
    that has not joined is sent to the meeting's page to join first."""
    found = _participant_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    if participant is None:
        return redirect(_meeting_url(meeting))
    return meeting, participant


@never_cache
@require_POST
def personal_code(request: HttpRequest, code: str) -> HttpResponse:
    """A personal code for this phone's participant, shown once on their page (a new one replaces the old)."""
    found = _joined_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    issued = services.participant_code_issue(participant=participant)
    response = _phone_page(request, meeting, participant, personal_code=issued)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def story_new(request: HttpRequest, code: str) -> HttpResponse:
    found = _joined_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    form: dict[str, Any] = {
        "text": request.POST.get("text", ""),
        "level": request.POST.get("level", ""),
        "consent": request.POST.get("consent") == "ja",
    }
    try:
        story = services.story_post(
            participant=participant, text=form["text"], level=form["level"], consent_to_quote=form["consent"],
            submission_key=request.POST.get("key", ""), client=_client(request),
        )  # fmt: skip
    except PleinError as error:
        meeting.refresh_from_db()
        return _phone_page(request, meeting, participant, error=error, form=form)
    messages.success(request, _("Thank you! Your story is on the wall."))
    return HttpResponseRedirect(_meeting_url(meeting, f"verhaal-{story.pk}"))


@require_POST
def recognise(request: HttpRequest, code: str) -> HttpResponse:
    """One form around the whole list: the button pressed says which story (herken=ID, or terug=ID)."""
    found = _joined_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    take_back = "terug" in request.POST
    chosen = request.POST.get("terug" if take_back else "herken", "")
    story_id = _as_id(chosen)
    try:
        services.story_recognise(participant=participant, story_id=story_id, recognise=not take_back)
    except PleinError as error:
        meeting.refresh_from_db()
        return _phone_page(request, meeting, participant, error=error)
    return HttpResponseRedirect(_meeting_url(meeting, f"verhaal-{story_id}"))


@require_POST
def vote(request: HttpRequest, code: str) -> HttpResponse:
    found = _joined_or_redirect(request, code)
    if isinstance(found, HttpResponse):
        return found
    meeting, participant = found
    # Not a number (or not a plain one): -1, and the service says the story does not exist.
    story_ids = [_as_id(value) for value in request.POST.getlist("verhaal")]
    try:
        services.votes_cast(participant=participant, story_ids=story_ids, client=_client(request))
    except PleinError as error:
        meeting.refresh_from_db()
        return _phone_page(request, meeting, participant, error=error, form={"chosen": story_ids})
    messages.success(
        request, _("Your choice has been saved. You can change it until the facilitator closes.")
    )
    return HttpResponseRedirect(_meeting_url(meeting, "kiezen"))


@never_cache
@require_GET
def phase(request: HttpRequest, code: str) -> HttpResponse:
    """The phone asks every few seconds whether the meeting moved on; nothing changed is an empty 204."""
    meeting = selectors.meeting_get_by_code(code=code)
    # Only for phones that joined: otherwise the answer would tell a guesser which codes exist.
    if (
        meeting is None
        or meeting.status == request.GET.get("fase", "")
        or _participant(request, meeting) is None
    ):
        return HttpResponse(status=204)
    # 286 tells htmx to stop polling: the phone shows the news once and waits for the participant.
    return render(request, "effectenplein/_phase_changed.html", {"meeting": meeting}, status=286)


# --- facilitators -------------------------------------------------------------------------------------------


def _facilitated_meeting(request: HttpRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("neighbourhood"), pk=pk)
    neighbourhood_get_for_user(user=request.user, cbs_code=meeting.neighbourhood.cbs_code)
    return meeting


@login_required
@require_POST
def meeting_new(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    year_text = request.POST.get("year", "")
    maximum = request.POST.get("max_participants", "").strip()
    try:
        meeting = services.meeting_open(
            neighbourhood=neighbourhood, user=request.user, title=request.POST.get("title", ""),
            year=int(year_text) if year_text.isdigit() else -1 if year_text else None,
            max_participants=_as_id(maximum) if maximum else None,
        )  # fmt: skip
    except PleinError as error:
        messages.error(request, error.message)
        return redirect(reverse("neighbourhood", args=[cbs_code]) + "#effectenplein")
    return redirect("effectenplein:facilitate", pk=meeting.pk)


def _qr_svg(url: str) -> str:
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=8, border=2, omitsize=True, title=_("QR code to join: %(url)s") % {"url": url})


def _facilitator_context(request: HttpRequest, meeting: Meeting, per_column: int) -> dict[str, Any]:
    join_url = request.build_absolute_uri(_meeting_url(meeting))
    return {
        "meeting": meeting, "board": selectors.meeting_board(meeting=meeting, per_column=per_column),
        "per_column": per_column, "join_url": join_url, "plein_url": request.build_absolute_uri(reverse(
            "effectenplein:join")), "qr_svg": _qr_svg(join_url), "live": selectors.meeting_is_live(meeting=meeting),
        "max_votes": MAX_VOTES, "suspicious_joins": selectors.suspicious_joins(meeting=meeting),
        "max_participants_limit": MAX_PARTICIPANTS_LIMIT,
    }  # fmt: skip


@never_cache
@login_required
@require_GET
def facilitate(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitated_meeting(request, pk)
    kind = export_format(request)
    if kind:  # every story of "Check the stories", not only the newest the page lists
        stories, _total = selectors.stories_for_moderation(meeting=meeting, limit=None)
        return export_response(
            kind,
            name=export_filename(_("effectenplein stories"), meeting.neighbourhood.name, meeting.year),
            header=[
                _("Time"),
                _("Change in"),
                _("Nickname"),
                _("Story"),
                _("Status"),
                _("Stories by this participant"),
            ],
            rows=(
                [
                    story.created_at,
                    story.level_label,
                    story.nickname,
                    story.text,
                    _story_status(story),
                    story.by_same_participant,
                ]
                for story in stories
            ),
        )
    context = _facilitator_context(request, meeting, per_column=3)
    context["moderated"], context["moderated_total"] = selectors.stories_for_moderation(meeting=meeting)
    context["download"] = export_links(request)
    return render(request, "effectenplein/facilitate.html", context)


def _story_status(story: selectors.ModeratedStory) -> str:
    # The page's badge, in the same words.
    if story.hidden:
        return _("hidden: not on the wall, not saved")
    return _("on the wall, saved when you close") if story.keep else _("on the wall, not saved")


@never_cache
@login_required
@require_GET
def projector(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitated_meeting(request, pk)
    return render(
        request, "effectenplein/projector.html", _facilitator_context(request, meeting, per_column=6)
    )


@never_cache
@login_required
@require_GET
def board(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled every two seconds. An unchanged meeting costs one tiny query and answers 204 (htmx keeps the page)."""
    found = selectors.meeting_version(meeting_id=pk)
    if found is None:
        raise Http404
    version, cbs_code = found
    neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    if request.GET.get("v") == str(version):
        return HttpResponse(status=204)
    meeting = get_object_or_404(Meeting.objects.select_related("neighbourhood"), pk=pk)
    per_column = 3 if request.GET.get("n") == "3" else 6
    return render(
        request,
        "effectenplein/_board.html",
        {
            "board": selectors.meeting_board(meeting=meeting, per_column=per_column),
            "meeting": meeting,
            "per_column": per_column,
            "max_votes": MAX_VOTES,
            "suspicious_joins": selectors.suspicious_joins(meeting=meeting) if per_column == 3 else [],
        },
    )


@login_required
@require_POST
def start_voting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitated_meeting(request, pk)
    from_projector = request.POST.get("terug") == "scherm"
    try:
        services.meeting_start_voting(meeting=meeting)
        if not from_projector:  # the projector shows the new phase itself
            messages.success(
                request, _("The voting round has started. Everyone can now choose on their phone.")
            )
    except PleinError as error:
        messages.error(request, error.message)
    return redirect(
        "effectenplein:projector" if from_projector else "effectenplein:facilitate", pk=meeting.pk
    )


_MODERATION = {
    "verberg": {"hidden": True},
    "toon": {"hidden": False},
    "niet-bewaren": {"keep": False},
    "bewaren": {"keep": True},
}


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    """One form around the facilitator's list of stories: the button pressed says what (verberg=ID, ...)."""
    meeting = _facilitated_meeting(request, pk)
    story_id = -1
    if "verberg-alle" in request.POST:
        try:
            hidden = services.participant_stories_hide(
                meeting=meeting, participant_id=_as_id(request.POST["verberg-alle"])
            )
        except PleinError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Stories hidden: %(count)d.") % {"count": hidden})
        return redirect(reverse("effectenplein:facilitate", args=[meeting.pk]) + "#beheer")
    for action, change in _MODERATION.items():
        if action in request.POST:
            story_id = _as_id(request.POST[action])
            try:
                services.story_moderate(meeting=meeting, story_id=story_id, **change)
            except PleinError as error:
                messages.error(request, error.message)
            break
    else:
        messages.error(request, _("Choose what to do with a story."))
    return redirect(reverse("effectenplein:facilitate", args=[meeting.pk]) + f"#beheer-{story_id}")


@login_required
@require_POST
def set_max_participants(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitated_meeting(request, pk)
    value = request.POST.get("max_participants", "")
    try:
        services.meeting_set_max_participants(meeting=meeting, max_participants=_as_id(value))
    except PleinError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("At most %(max)d people can take part now.") % {"max": meeting.max_participants}
        )
    return redirect(reverse("effectenplein:facilitate", args=[meeting.pk]) + "#plein-meedoen")


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _facilitated_meeting(request, pk)
    if request.POST.get("zeker") != "ja":
        messages.error(request, _("Tick the box first to confirm that you want to close the meeting."))
        return redirect("effectenplein:facilitate", pk=meeting.pk)
    try:
        result = services.meeting_close(meeting=meeting, user=request.user)
    except PleinError as error:
        messages.error(request, error.message)
        return redirect("effectenplein:facilitate", pk=meeting.pk)
    if result.already_closed:
        messages.info(request, _("This meeting was already closed; nothing has changed."))
    else:
        messages.success(
            request,
            _(
                "The meeting is closed. Stories saved as coded fragments of the neighbourhood: %(stories)d. "
                "Chosen as most significant: %(significant)d. Not kept (hidden or 'do not keep'): %(not_kept)d."
            )
            % {
                "stories": result.fragments_created,
                "significant": result.most_significant,
                "not_kept": result.not_kept,
            },
        )
    return redirect("effectenplein:facilitate", pk=meeting.pk)

"""Security headers, no caching of personal pages, the session idle timeout (issue #13)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.utils import timezone

import krachtvansamen
from krachtvansamen.core.security import SESSION_SEEN_KEY

TEMPLATES = Path(krachtvansamen.__file__).parent / "templates"

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return get_user_model().objects.create_user("bram", "bram@example.org", "lang-genoeg-wachtwoord-1")


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part for part in (p.strip() for p in policy.split(";")) if part}


def test_every_page_has_a_strict_content_security_policy(client):
    policy = directives(client.get("/inloggen/"))
    assert policy["default-src"] == "default-src 'self'"
    assert policy["script-src"] == "script-src 'self'"
    assert policy["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in policy["script-src"] and "unsafe-eval" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\ssrc=)[^>]*>", text) or re.search(r"\son[a-z]+\s*=", text):
            offenders.append(str(template.relative_to(TEMPLATES)))
    assert offenders == []


def test_pages_for_a_logged_in_user_are_never_stored(client, user):
    client.force_login(user)
    for url in ["/", "/wachtwoord/wijzigen/"]:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"


def test_a_download_for_a_logged_in_user_is_not_stored(client, user, rf):
    from django.http import HttpResponse

    from krachtvansamen.core.security import SecurityHeadersMiddleware

    download = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
    download["Cache-Control"] = "max-age=3600"
    request = rf.get("/rapporten/x.pdf")
    request.user = user
    request.session = client.session
    response = SecurityHeadersMiddleware(lambda _request: download)(request)
    assert response["Cache-Control"] == "private, no-store"


def test_the_health_page_for_nobody_logged_in_may_be_cached(client):
    assert "no-store" not in client.get("/gezond/").get("Cache-Control", "")


def test_sessions_end_after_an_hour_without_a_request():
    assert settings.SESSION_COOKIE_AGE == 60 * 60


def test_a_request_extends_an_active_session_by_the_idle_timeout(client, user):
    client.force_login(user)
    session = client.session
    session[SESSION_SEEN_KEY] = int(time.time()) - 10 * 60  # last seen ten minutes ago
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=50)
    )
    assert client.get("/").status_code == 200
    expires = Session.objects.get(session_key=client.session.session_key).expire_date
    assert expires > timezone.now() + timedelta(minutes=59)


def test_an_idle_session_has_ended_and_the_next_page_asks_to_log_in(client, user):
    client.force_login(user)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/wachtwoord/wijzigen/")
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")

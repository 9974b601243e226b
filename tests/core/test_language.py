from __future__ import annotations

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "src/krachtvansamen/locale/nl/LC_MESSAGES"


def test_every_interface_text_has_a_dutch_translation_and_the_compiled_catalogue_is_current():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [entry.msgid for entry in po if not entry.translated() or "fuzzy" in entry.flags]
    assert missing == []
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
        for entry in polib.mofile(str(LOCALE / "django.mo"))
    }
    for entry in po:
        assert compiled.get((entry.msgctxt, entry.msgid)) == (entry.msgstr or entry.msgstr_plural.get(0)), (
            f"django.mo is out of date for {entry.msgid!r}: run msgfmt (see README)"
        )


@pytest.mark.django_db
def test_interface_is_dutch_even_for_an_english_browser_until_the_user_switches(client):
    response = client.get("/inloggen/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Inloggen" in response.content.decode() and response["Content-Language"] == "nl"
    client.post("/i18n/setlang/", {"language": "en", "next": "/inloggen/"})
    response = client.get("/inloggen/")
    assert "Log in" in response.content.decode() and response["Content-Language"] == "en"


@pytest.mark.django_db
def test_health_page_answers_without_login(client):
    assert client.get("/gezond/").content == b"ok"


@pytest.mark.django_db
def test_a_stale_form_gets_a_plain_dutch_explanation_not_a_technical_page():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/inloggen/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Dit formulier stond te lang open" in response.content.decode()

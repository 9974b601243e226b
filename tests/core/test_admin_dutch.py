"""The admin (/beheer/) speaks Dutch in the Dutch interface: its header and the titles of our apps (issue 11)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

import krachtvansamen.urls  # noqa: F401  (sets the admin's header and index title)
from krachtvansamen.people.models import Person
from tests.factories import NeighbourhoodFactory, UserFactory
from tests.factories.coding import FragmentFactory

pytestmark = pytest.mark.django_db

# The apps with models in the admin; their titles (AppConfig.verbose_name) are English msgids.
OUR_APPS = [
    "assessments", "assets", "coding", "documents", "effectenplein", "framework", "neighbourhoods", "network",
    "people", "privacy",
]  # fmt: skip


def _titles(language: str) -> dict[str, str]:
    """The admin's header and our apps' titles, as shown in ``language``."""
    with translation.override(language):
        titles = {label: str(apps.get_app_config(label).verbose_name) for label in OUR_APPS}
        titles["header"] = str(admin.site.site_header)
        titles["index"] = str(admin.site.index_title)
    return titles


def _english_only() -> list[str]:
    """The English titles that differ from their Dutch ones (those must not show in Dutch)."""
    english, dutch = _titles("en"), _titles("nl")
    return sorted(english[key] for key in english if english[key] != dutch[key])


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    return client


def _dutch_page(client, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert response["Content-Language"] == "nl"
    return response.content.decode()


def test_every_app_in_the_admin_has_a_translated_title():
    dutch = _titles("nl")
    assert dutch["header"] == "Kracht van Samen — beheer"
    assert dutch["people"] == "Mensen en organisaties"
    # Not Django's default, the app's label title-cased ("Neighbourhoods"), but a Dutch title (Effectenplein is
    # the study's own name in both languages).
    for label in OUR_APPS:
        if label != "effectenplein":
            assert dutch[label] != label.title(), label
    assert len(_english_only()) >= 8


def test_the_admin_index_shows_no_english_section_titles(admin_client):
    page = _dutch_page(admin_client, reverse("admin:index"))
    for title in _titles("nl").values():
        assert escape(title) in page
    leaked = [title for title in _english_only() if escape(title) in page]
    assert leaked == []
    # Texts Django's and django-axes' own Dutch catalogues lack (krachtvansamen.core.apps).
    for english in [
        "Model name",
        "Add link",
        "Change or view list link",
        ">Axes<",
        "Access attempts",
        "Access logs",
    ]:
        assert english not in page
    assert "Beveiliging van inloggen" in page and "Inlogpogingen" in page


def test_the_person_and_fragment_change_pages_show_no_english_section_titles(admin_client):
    neighbourhood = NeighbourhoodFactory()
    person = Person.objects.create(neighbourhood=neighbourhood, pseudonym="Merel-1")
    fragment = FragmentFactory(neighbourhood=neighbourhood)
    pages = {
        "person": _dutch_page(admin_client, reverse("admin:people_person_change", args=[person.pk])),
        "fragment": _dutch_page(admin_client, reverse("admin:coding_fragment_change", args=[fragment.pk])),
    }
    assert "Mensen en organisaties" in pages["person"]  # the breadcrumb to the app
    assert "Fragmenten en coderen" in pages["fragment"]
    for name, page in pages.items():
        leaked = [title for title in _english_only() if escape(title) in page]
        assert leaked == [], name

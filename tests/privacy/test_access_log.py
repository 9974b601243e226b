"""The access log (issue 13): who opened or changed pages with personal data and which report, kept apart,
never changed, read by administrators only, pruned after its retention period."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from krachtvansamen.privacy.models import AccessLogEntry
from krachtvansamen.privacy.services import access_log_prune
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_page_with_personal_data_is_logged_with_who_what_and_the_answer(client):
    user = UserFactory(username="onderzoeker")
    client.force_login(user)
    client.get("/coderen/fragment/999999/?r=1")
    (entry,) = AccessLogEntry.objects.all()
    assert (entry.user, entry.username, entry.action, entry.kind) == (user, "onderzoeker", "view", "personal")
    # A refused attempt is logged too (this user codes nowhere).
    assert entry.path == "/coderen/fragment/999999/?r=1" and entry.status == 403


def test_a_report_a_change_and_pages_without_personal_data(client):
    client.force_login(UserFactory(username="fonds"))
    client.get("/rapporten/")
    client.post("/coderen/fragment/1/coderen/", {"code": "factor.governance"})
    client.get("/")
    client.get("/gezond/")
    logged = list(AccessLogEntry.objects.order_by("pk").values_list("kind", "action", "path"))
    assert logged == [
        ("report", "view", "/rapporten/"),
        ("personal", "change", "/coderen/fragment/1/coderen/"),
    ]


def test_strangers_are_not_logged(client):
    client.get("/coderen/")
    client.get("/inloggen/")
    assert not AccessLogEntry.objects.exists()


def test_an_entry_is_never_changed_and_only_administrators_read_the_log(client):
    client.force_login(UserFactory(username="coder"))
    client.get("/coderen/")
    entry = AccessLogEntry.objects.get()
    entry.path = "/iets/anders/"
    with pytest.raises(ValueError):
        entry.save()
    staff = UserFactory(username="medewerker", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:privacy_accesslogentry_changelist")).status_code == 403
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:privacy_accesslogentry_changelist"))
    assert page.status_code == 200 and "coder" in page.content.decode()
    assert client.get(reverse("admin:privacy_accesslogentry_add")).status_code == 403
    assert (
        client.post(
            reverse("admin:privacy_accesslogentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_entries_older_than_the_retention_period_are_pruned(client, settings):
    client.force_login(UserFactory())
    client.get("/coderen/")
    client.get("/coderen/verschillen/")
    old, new = AccessLogEntry.objects.order_by("pk")
    AccessLogEntry.objects.filter(pk=old.pk).update(at=timezone.now() - timedelta(days=366))
    AccessLogEntry.objects.filter(pk=new.pk).update(at=timezone.now() - timedelta(days=364))
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    assert access_log_prune() == 1
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [new.pk]
    assert access_log_prune(days=0) == 0

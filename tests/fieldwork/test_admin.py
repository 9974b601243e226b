"""The fieldwork plan in the admin (/beheer/) speaks Dutch, and sent reminders are a read-only record."""

from __future__ import annotations

from django.apps import apps
from django.urls import reverse
from django.utils import translation

from krachtvansamen.fieldwork.models import Plan, PlanItem, Reminder
from krachtvansamen.fieldwork.services import plan_create_default


def test_the_app_and_its_models_have_dutch_names():
    with translation.override("nl"):
        assert str(apps.get_app_config("fieldwork").verbose_name) == "Veldwerkplan"

        assert str(Plan._meta.verbose_name_plural) == "veldwerkplannen"
        assert str(PlanItem._meta.verbose_name) == "planregel"
        assert str(Reminder._meta.verbose_name_plural) == "verstuurde herinneringen"


def test_the_admin_shows_a_plan_with_its_rows_in_dutch(client, world):
    plan = plan_create_default(programme=world.programme, year=2025)
    client.force_login(world.admin)
    page = client.get(reverse("admin:fieldwork_plan_change", args=[plan.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Planregels" in text and "Klaar op" in text
    assert client.get(reverse("admin:fieldwork_reminder_add")).status_code == 403

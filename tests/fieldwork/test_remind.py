"""`kvs remind`: one e-mail per holder with the buurt, instrument and date in Dutch, once per kind; nothing
for what is done; an overdue e-mail after the date; a holder without an address is reported."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from krachtvansamen.coding.models import Instrument
from krachtvansamen.fieldwork.models import PlanItem, Reminder
from krachtvansamen.fieldwork.services import plan_create_default
from krachtvansamen.neighbourhoods.models import MeasurementYear
from tests.fieldwork.conftest import submit

DUE = datetime.date(2025, 6, 30)


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.FIELDWORK_REMIND_DAYS = 14


@pytest.fixture
def plan(world):
    """Only the questionnaire, all neighbourhoods, due 30 June 2025."""
    plan = plan_create_default(programme=world.programme, year=2025)
    plan.items.exclude(instrument=Instrument.VRAGENLIJST).delete()
    PlanItem.objects.filter(plan=plan).update(due_on=DUE)
    return plan


def remind(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("remind", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_due_soon_sends_one_mail_in_dutch_with_neighbourhood_instrument_and_date(world, plan):
    remind("--today", "2025-06-20")
    to_builder = [m for m in mail.outbox if m.to == ["cb@example.org"]]
    assert len(to_builder) == 1
    body = to_builder[0].body
    assert "Focus 1" in body and "Gewoon 1" in body
    assert "Vragenlijst" in body and "30 juni 2025" in body
    assert "moet klaar zijn op" in body
    assert "te laat" not in to_builder[0].subject


def test_running_again_sends_nothing_new(world, plan):
    remind("--today", "2025-06-20")
    first = len(mail.outbox)
    out, _err = remind("--today", "2025-06-21")
    assert len(mail.outbox) == first
    assert "0 e-mail(s) sent" in out


def test_done_neighbourhoods_get_no_mail(world, plan):
    submit(world.focus[0], 2025)
    submit(world.plain[0], 2025)
    remind("--today", "2025-06-20")
    assert not [m for m in mail.outbox if m.to == ["cb@example.org"]]


def test_a_neighbourhood_done_after_the_first_run_gets_no_overdue_mail(world, plan):
    remind("--today", "2025-06-20")
    submit(world.focus[0], 2025)
    mail.outbox.clear()
    remind("--today", "2025-07-01")
    overdue = [m for m in mail.outbox if m.to == ["cb@example.org"]]
    assert len(overdue) == 1
    assert "Gewoon 1" in overdue[0].body and "Focus 1" not in overdue[0].body


def test_the_due_date_itself_is_not_overdue_the_next_day_is(world, plan):
    remind("--today", DUE.isoformat())
    assert all("TE LAAT" not in m.body for m in mail.outbox)
    mail.outbox.clear()
    remind("--today", (DUE + datetime.timedelta(days=1)).isoformat())
    to_builder = [m for m in mail.outbox if m.to == ["cb@example.org"]]
    assert len(to_builder) == 1 and "TE LAAT" in to_builder[0].body and "te laat" in to_builder[0].subject
    assert Reminder.objects.filter(kind=Reminder.Kind.OVERDUE, user=world.builder).count() == 2


def test_too_early_sends_nothing(world, plan):
    remind("--today", "2025-06-15")  # 15 days before: outside the 14-day window
    assert mail.outbox == []


def test_a_neighbourhood_without_holder_or_address_is_reported_not_crashing(world, plan):
    world.builder.email = ""
    world.builder.save()
    out, err = remind("--today", "2025-06-20")
    assert "heeft geen e-mailadres" in err
    assert "niemand" in err  # Focus 2 and Gewoon 2 have no community builder
    assert not Reminder.objects.filter(user=world.builder).exists()


def test_dry_run_sends_and_records_nothing(world, plan):
    out, _err = remind("--dry-run", "--today", "2025-06-20")
    assert mail.outbox == [] and not Reminder.objects.exists()
    assert "would send" in out and "cb@example.org" in out


def test_a_failed_send_is_not_recorded_so_the_next_run_tries_again(world, plan, monkeypatch):
    def broken(self, fail_silently=False):
        raise OSError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    _out, err = remind("--today", "2025-06-20")
    assert "mail server down" in err and not Reminder.objects.exists()
    monkeypatch.undo()
    remind("--today", "2025-06-20")
    assert [m for m in mail.outbox if m.to == ["cb@example.org"]]


def test_a_wrong_date_is_a_clear_error(world, plan):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        remind("--today", "30-06-2025")


def test_a_year_closed_for_new_data_gets_no_reminders(world, plan):
    MeasurementYear.objects.create(year=2025, is_open=False)
    remind("--today", "2025-07-01")
    assert mail.outbox == []
    MeasurementYear.objects.filter(year=2025).update(is_open=True)
    remind("--today", "2025-07-01")
    assert [m for m in mail.outbox if m.to == ["cb@example.org"]]

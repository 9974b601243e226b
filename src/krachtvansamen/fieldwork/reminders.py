"""Reminder e-mails for the fieldwork plan, as ``kvs remind`` sends them: one e-mail per person, listing each
neighbourhood and instrument that is due soon or overdue. Only what went out is recorded."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import User as Account
from django.core.mail import EmailMessage
from django.utils import formats, translation
from django.utils.translation import gettext as _

from krachtvansamen.fieldwork.models import Reminder
from krachtvansamen.fieldwork.selectors import ReminderDue, reminders_to_send
from krachtvansamen.fieldwork.services import reminder_record

DEFAULT_SOON_DAYS = 14


def soon_days() -> int:
    return int(getattr(settings, "FIELDWORK_REMIND_DAYS", DEFAULT_SOON_DAYS))


@dataclass
class RemindResult:
    sent: list[str] = field(default_factory=list)  # one line per e-mail
    problems: list[str] = field(default_factory=list)


def _line(due: ReminderDue) -> str:
    item = due.item
    values = {
        "instrument": item.get_instrument_display(),
        "neighbourhood": due.neighbourhood.name,
        "date": formats.date_format(item.due_on, "j F Y"),
    }
    if due.kind == Reminder.Kind.OVERDUE:
        return _("OVERDUE: %(instrument)s in %(neighbourhood)s was due on %(date)s.") % values
    return _("%(instrument)s in %(neighbourhood)s is due on %(date)s.") % values


def _message(user: Account, dues: list[ReminderDue]) -> EmailMessage:
    name = user.first_name or user.username
    overdue = any(due.kind == Reminder.Kind.OVERDUE for due in dues)
    subject = _("Fieldwork overdue") if overdue else _("Fieldwork due soon")
    lines = [
        _("Hello %(name)s,") % {"name": name},
        "",
        _("This is a reminder from Kracht van Samen about the fieldwork you hold:"),
        "",
        *[f"- {_line(due)}" for due in dues],
        "",
        _("Is it done already? Then record it in Kracht van Samen and this reminder stops."),
    ]
    return EmailMessage(subject=f"Kracht van Samen: {subject}", body="\n".join(lines), to=[user.email])


def remind(*, today: datetime.date, days: int | None = None, dry_run: bool = False) -> RemindResult:
    """Send (or with ``dry_run`` only list) the reminders due ``today``."""
    result = RemindResult()
    with translation.override(settings.LANGUAGE_CODE):
        todo = reminders_to_send(today=today, soon_days=soon_days() if days is None else days)
        for problem in todo.problems:
            result.problems.append(
                f"{problem.item.plan} · {problem.item.get_instrument_display()} · {problem.neighbourhood.name}: "
                f"{problem.text}"
            )
        by_user: dict[int, list[ReminderDue]] = defaultdict(list)
        users: dict[int, Account] = {}
        for due in todo.due:
            by_user[due.user.pk].append(due)
            users[due.user.pk] = due.user
        for pk, dues in by_user.items():
            user = users[pk]
            message = _message(user, dues)
            if not dry_run:
                try:
                    message.send(fail_silently=False)
                except Exception as error:  # any mail failure: report it, record nothing, try again next run
                    result.problems.append(
                        _("Could not send to %(email)s: %(error)s") % {"email": user.email, "error": error}
                    )
                    continue
                for due in dues:
                    reminder_record(
                        item=due.item,
                        neighbourhood=due.neighbourhood,
                        user=user,
                        kind=due.kind,
                        due_on=due.item.due_on,
                    )
            result.sent.append(f"{user.email}: {len(dues)} · " + "; ".join(_line(due) for due in dues))
    return result

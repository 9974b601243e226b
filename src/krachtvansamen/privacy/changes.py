"""Who changed what and when: the history of a hand-recorded record (asset, activity, relation).

The app that changes a record takes a ``change_snapshot`` before it changes anything and calls
``changes_record`` after it saved, inside the same transaction: a failure halfway leaves neither the change nor
its line in the history. Only changes are kept (who recorded the record, and when, is on the record itself).

Each changed field is one ``ChangeRecord`` with the old and the new value as the page shows them. A value can
name a resident (a pseudonym): the line remembers whose (``ChangeRecord.persons``), and erasing that person
deletes the line (``erase_person_changes``, an eraser). A record's lines are deleted with the record.

Privacy is the layer below the apps that record things, so it knows no asset or relation: each app passes the
fields to follow and their labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import deleted_counts
from krachtvansamen.privacy.models import ChangeRecord

if TYPE_CHECKING:
    import datetime

    from django_stubs_ext import StrOrPromise

# field name -> its label on the page ("Name", "Kind of tie")
Fields = Mapping[str, "StrOrPromise"]


@dataclass(frozen=True)
class Value:
    """One field's value as the page shows it, and the residents it names."""

    text: str
    persons: frozenset[int] = frozenset()


def _one(value: Any) -> Value:
    if value is None or value == "":
        return Value("")
    if isinstance(value, bool):
        return Value(_("yes") if value else _("no"))
    if isinstance(value, Person):
        return Value(str(value), frozenset({value.pk}))
    return Value(str(value))


def _value(record: models.Model, name: str) -> Value:
    try:
        model_field = record._meta.get_field(name)
    except Exception:  # noqa: BLE001 - not a model field: a property such as a relation's "source"
        model_field = None
    if model_field is not None and model_field.many_to_many:
        related = sorted(getattr(record, name).all(), key=str)
        return Value(
            ", ".join(str(item) for item in related),
            frozenset(item.pk for item in related if isinstance(item, Person)),
        )
    if model_field is not None and getattr(model_field, "choices", None):
        return Value(str(getattr(record, f"get_{name}_display")()))
    return _one(getattr(record, name))


def change_snapshot(record: models.Model, fields: Fields) -> dict[str, Value]:
    """The record's fields as they are now: take it before changing anything."""
    return {name: _value(record, name) for name in fields}


def changes_record(
    record: Any, *, user: User, before: Mapping[str, Value], fields: Fields
) -> list[ChangeRecord]:
    """Write one line per field that differs from ``before``: who, when, old and new. Call it inside the
    transaction that saved the record. ``record`` has ``neighbourhood_id`` and ``recorded_by_id``."""
    after = change_snapshot(record, fields)
    changed = [name for name in fields if before[name] != after[name]]
    if not changed:
        return []
    content_type = ContentType.objects.get_for_model(record)
    at = timezone.now()
    user_id = getattr(user, "pk", None)
    lines = ChangeRecord.objects.bulk_create(
        ChangeRecord(
            content_type=content_type,
            object_id=record.pk,
            neighbourhood_id=record.neighbourhood_id,
            changed_by_id=user_id,
            changed_at=at,
            is_correction=record.recorded_by_id != user_id,
            field=name,
            label=str(fields[name]),
            old=before[name].text,
            new=after[name].text,
        )
        for name in changed
    )
    through = ChangeRecord.persons.through
    through.objects.bulk_create(
        through(changerecord_id=line.pk, person_id=person_id)
        for line, name in zip(lines, changed, strict=True)
        for person_id in sorted(before[name].persons | after[name].persons)
    )
    return lines


# --- reading ------------------------------------------------------------------------------------------------


@dataclass
class ChangeGroup:
    """One save: who, when, whether it was a correction by someone else, and what changed (label, old, new)."""

    at: datetime.datetime
    by: str
    is_correction: bool
    items: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def when(self) -> str:
        return date_format(timezone.localtime(self.at), "DATETIME_FORMAT")


def _who(line: ChangeRecord) -> str:
    user = line.changed_by
    if user is None:
        return _("someone whose account is gone")
    return str(user.get_full_name() or user.get_username())  # type: ignore[union-attr]


def _grouped(lines: Iterable[ChangeRecord]) -> list[ChangeGroup]:
    groups: list[ChangeGroup] = []
    for line in lines:  # newest first; the lines of one save share their moment and author
        last = groups[-1] if groups else None
        if last is None or (last.at, last.by) != (line.changed_at, _who(line)):
            last = ChangeGroup(at=line.changed_at, by=_who(line), is_correction=line.is_correction)
            groups.append(last)
        last.items.append((line.label, line.old, line.new))
    return groups


def changes_for_records(records: Iterable[models.Model]) -> dict[tuple[str, int], list[ChangeGroup]]:
    """The history of each record, newest first, keyed as the record lists key them: (model name, pk). One
    query however many records."""
    records = list(records)
    if not records:
        return {}
    # By app label and model name, not content type id: no content type lookups, one query.
    by_type: dict[tuple[str, str], list[int]] = {}
    names: dict[tuple[str, str], str] = {}
    for record in records:
        key = (record._meta.app_label, record._meta.model_name or "")
        by_type.setdefault(key, []).append(record.pk)
        names[key] = type(record).__name__
    condition = models.Q(pk__in=[])
    for (app_label, model_name), ids in by_type.items():
        condition |= models.Q(
            content_type__app_label=app_label, content_type__model=model_name, object_id__in=ids
        )
    found = ChangeRecord.objects.filter(condition).select_related("changed_by", "content_type")
    lines: dict[tuple[str, int], list[ChangeRecord]] = {}
    for line in found.order_by("-changed_at", "pk"):
        key = (line.content_type.app_label, line.content_type.model)
        lines.setdefault((names[key], line.object_id), []).append(line)
    return {key: _grouped(found) for key, found in lines.items()}


def changes_for(record: models.Model) -> list[ChangeGroup]:
    """The history of one record, newest first."""
    return changes_for_records([record]).get((type(record).__name__, record.pk), [])


# --- the person's rights -------------------------------------------------------------------------------------


def collect_person_changes(person: Person) -> dict[str, list[dict[str, Any]]]:
    """Right of access: the history lines that name the person, when and what changed. Not who changed it (a
    team member), and the old and new values only when they name nobody else (a list of participants does)."""
    lines = (
        ChangeRecord.objects.filter(persons=person).prefetch_related("persons").order_by("changed_at", "pk")
    )
    rows = []
    for line in lines:
        alone = {other.pk for other in line.persons.all()} == {person.pk}
        rows.append(
            {
                "changed_at": line.changed_at.isoformat(),
                "what": line.label,
                "was": line.old if alone else _("(names other people too: left out)"),
                "became": line.new if alone else _("(names other people too: left out)"),
            }
        )
    return {"changes": rows}


# --- erasure ------------------------------------------------------------------------------------------------


def erase_person_changes(person: Person) -> dict[str, int]:
    """Every line whose old or new value names the person goes (the person's records themselves, and with them
    their lines, are deleted by their own apps' erasers)."""
    return deleted_counts(ChangeRecord.objects.filter(persons=person).delete())

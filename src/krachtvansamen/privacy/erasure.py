"""Erasure: a person removed or anonymised everywhere, in one transaction, with a record that it happened.

Privacy is a low layer, so it cannot know every table that holds a person. Each app that keeps something
of a person registers an *eraser* in its ``AppConfig.ready()``: ``register_eraser(fn)``. An eraser gets the
``Person`` and deletes or anonymises what is theirs in its own app, and returns how many rows of each kind
it touched (``{"fragments": 2}``). ``person_erase`` runs every eraser, then removes the person's consents,
the admin log lines about the person, and the person; then writes an ``ErasureRecord``. Any error rolls the
whole erasure back.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from krachtvansamen.core.types import User
from krachtvansamen.jobs.models import Job
from krachtvansamen.jobs.services import job_results_remove
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.people.services import recorder
from krachtvansamen.privacy.models import ErasureRecord

Eraser = Callable[[Person], dict[str, int]]

_erasers: list[tuple[int, Eraser]] = []


def register_eraser(fn: Eraser, *, order: int = 100) -> Eraser:
    """Add ``fn`` to the erasers (once; registering the same function again does nothing). Lower ``order``
    runs first: an app whose rows are found *through* another app's rows (instruments finds factor
    observations through fragments) erases before that app."""
    if all(registered is not fn for _order, registered in _erasers):
        _erasers.append((order, fn))
    return fn


def erasers() -> list[Eraser]:
    """The registered erasers, lowest ``order`` first, then in the order the apps registered them."""
    return [fn for _order, fn in sorted(_erasers, key=lambda item: item[0])]


def deleted_counts(deleted: tuple[int, dict[str, int]]) -> dict[str, int]:
    """The per-model counts of a ``QuerySet.delete()`` result (cascades included), keyed by model label."""
    return {label: number for label, number in deleted[1].items() if number}


def _add(counts: dict[str, int], more: dict[str, int]) -> None:
    for kind, number in more.items():
        if number:
            counts[kind] = counts.get(kind, 0) + number


def person_erase(person: Person, user: User | None, reason: str = "") -> ErasureRecord:
    """Remove ``person`` and everything that is theirs, everywhere, and record that it happened.

    ``reason`` is kept on the record, so it may not contain the person's pseudonym (ValidationError).
    """
    reason = reason.strip()
    if person.pseudonym and person.pseudonym.casefold() in reason.casefold():
        raise ValidationError(_("Do not write the person's name in the reason."))
    erased_by = recorder(user)
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        counts: dict[str, int] = {}
        for eraser in erasers():
            _add(counts, eraser(person))
        _add(counts, deleted_counts(Consent.objects.filter(person=person).delete()))
        admin_lines = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
        )
        _add(counts, deleted_counts(admin_lines.delete()))
        neighbourhood_id = person.neighbourhood_id
        # Whatever an eraser left pointing at the person cascades or is set to NULL here.
        _add(counts, deleted_counts(Person.objects.filter(pk=person.pk).delete()))
        return ErasureRecord.objects.create(
            erased_by=erased_by, neighbourhood_id=neighbourhood_id, reason=reason[:300], counts=counts
        )


def erase_job_results(person: Person) -> dict[str, int]:
    """Every job result on disk (of any user): a PDF or an export made before the erasure may hold the
    person's words, and nothing records whose words a file holds. Results can be made again; a job still
    running keeps none (its rows may have been read before the erasure)."""
    removed = job_results_remove(
        Job.objects.all(),
        why=lambda: _("The result was removed because a resident's data was erased. Start the job again."),
    )
    return {Job._meta.label: removed} if removed else {}

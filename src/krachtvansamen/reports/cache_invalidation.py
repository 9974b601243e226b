"""Which writes make a cached report stale: every model is listed here, with the path from its rows to the
neighbourhood whose reports read them, or as data every report reads, or as data no report reads (with why).

``connect_data_version_signals`` (``ReportsConfig.ready``) bumps the data versions
(``neighbourhoods.data_versions``) on every save and delete of those models and on every change of their
many-to-many rows, whoever writes: a web form, a service, the admin, an import that saves row by row. Writes
that pass by signals (``QuerySet.update``, ``bulk_create``, raw SQL, COPY) bump in the service that makes them;
``tests/reports/test_report_cache.py`` holds every model and every such write to this list.

Two more: a migration (data migrations write past the signals, and a deploy that runs ``kvs migrate`` brings code
that builds and renders reports differently) retires every report; and a person deleted (an erasure) empties the
report cache's storage after the commit, so their words are not kept there until the entries expire.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save

from krachtvansamen.neighbourhoods.data_versions import data_versions_bump, data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import DataVersion
from krachtvansamen.reports.report_cache import report_cache_purge

# model label → the path (Django lookup) from a row to the id of the neighbourhood whose reports read it.
NEIGHBOURHOOD_PATHS: dict[str, str] = {
    "neighbourhoods.Neighbourhood": "pk",
    "people.Funding": "neighbourhood_id",
    "assets.Asset": "neighbourhood_id",
    "assets.Activity": "neighbourhood_id",
    "assets.Activity_participants": "activity__neighbourhood_id",
    "network.Relation": "neighbourhood_id",
    "coding.Fragment": "neighbourhood_id",
    "coding.Coding": "fragment__neighbourhood_id",
    "coding.CodingPass": "fragment__neighbourhood_id",  # a fragment's coding state: which codings count
    "assessments.FactorObservation": "neighbourhood_id",
    "assessments.SustainabilityAssessment": "neighbourhood_id",
    "instruments.Submission": "neighbourhood_id",
    "instruments.CodedAnswer": "neighbourhood_id",
    "instruments.SubmissionFragment": "submission__neighbourhood_id",
    "effectenplein.Meeting": "neighbourhood_id",
    "effectenplein.Story": "meeting__neighbourhood_id",
    "documents.Document": "neighbourhood_id",
    "documents.DocumentFragment": "document__neighbourhood_id",
}

# Read by the reports of many neighbourhoods: a change retires every cached report.
EVERY_REPORT: frozenset[str] = frozenset({
    "framework.Codebook", "framework.Code",  # the rows and labels of every analysis
    "neighbourhoods.Programme", "neighbourhoods.MeasurementYear",
    "neighbourhoods.CbsRecord",  # keyed by region code, not by neighbourhood
    # A person, an organisation and their consent show in every neighbourhood they took part in (quotes,
    # relations, activities), not only their own.
    "people.Person", "people.Organisation", "people.Consent",
    "people.Membership",  # who counts as a professional; a funder's portfolio
    "coding.ProgrammeCode",  # a programme's own codes, in its synthesis
    "instruments.Form", "instruments.FormVersion",  # the questions the learning log quotes
})  # fmt: skip

# Read by no cached report; why.
NOT_IN_REPORTS: dict[str, str] = {
    "neighbourhoods.CbsImport": "the log of a CBS import; its records are CbsRecord",
    "neighbourhoods.DataVersion": "the versions themselves",
    "people.Invitation": "an invitation to an account",
    "privacy.ErasureRecord": "the record of an erasure; the erased rows bump when they go",
    "privacy.AccessLogEntry": "who opened what: written on page views",
    "privacy.PersonalCode": "a resident's log-in code",
    "privacy.ChangeRecord": "the change history on a record's own page",
    "privacy.ChangeRecord_persons": "the change history on a record's own page",
    "coding.Memo": "a researcher's notes, on the coding pages only",
    "coding.SuggestionDecision": "a decision on a suggestion; an accepted one writes a Coding",
    # The live meeting; what reaches a report is the Story (its fragment, most significant or not).
    "effectenplein.Participant": "a phone in a live meeting",
    "effectenplein.Recognition": "counted on the live wall; the closing marks the stories",
    "effectenplein.Vote": "counted at the closing, which marks the stories",
    "fieldwork.Plan": "the fieldwork plan",
    "fieldwork.PlanItem": "the fieldwork plan",
    "fieldwork.Reminder": "the fieldwork plan",
    # The live Buurtbeeld reads its versions for every request (never from the cache).
    "reports.BuurtbeeldVersion": "read per request, next to the cached report",
    "reports.BuurtbeeldComment": "read per request, next to the cached report",
    "api.ApiToken": "an API key",
    "jobs.Job": "a background job and its progress; the rows it writes bump through their own models",
}

PROJECT_PREFIX = "krachtvansamen."


def project_models() -> list[type[models.Model]]:
    """Every model of the project's apps, the auto-created many-to-many tables included."""
    return [m for m in apps.get_models(include_auto_created=True) if m.__module__.startswith(PROJECT_PREFIX)]


def _first_field(model: type[models.Model], path: str) -> tuple[models.Field[Any, Any], str]:
    first, _, rest = path.partition("__")
    return model._meta.get_field(first), rest  # type: ignore[return-value]


def neighbourhood_ids_of(instance: models.Model, path: str) -> list[int | None]:
    """The neighbourhood a row belongs to, along its path; None where it cannot be known (then: every report).

    Reads the row's own foreign key and, for a longer path, its parent row: that still exists when the row is
    deleted (the deletion collector deletes children first), unlike the row itself."""
    if path == "pk":
        return [instance.pk]
    field, rest = _first_field(type(instance), path)
    value = getattr(instance, field.attname)
    if not rest or value is None:
        return [value]
    related = field.related_model
    assert isinstance(related, type)  # a concrete foreign key
    found = list(related._base_manager.filter(pk=value).values_list(rest, flat=True))
    return found or [None]


def _bump_for(instance: models.Model, path: str | None) -> None:
    if path is None:
        data_versions_bump(everything=True)
        return
    ids = neighbourhood_ids_of(instance, path)
    data_versions_bump(neighbourhood_ids=ids, everything=None in ids)


def _stored_neighbourhood_ids(instance: models.Model, path: str) -> list[int | None]:
    """Where the row belonged before this save (a row moved to another neighbourhood leaves that one stale)."""
    model = type(instance)
    lookup = "pk" if path == "pk" else path
    return list(model._base_manager.filter(pk=instance.pk).values_list(lookup, flat=True))


class _Receivers:
    """The signal receivers of one model (kept alive here: signals hold their receivers weakly)."""

    def __init__(self, path: str | None) -> None:
        self.path = path

    def before_save(self, sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        if self.path is None or self.path == "pk" or instance._state.adding or instance.pk is None:
            return
        before = _stored_neighbourhood_ids(instance, self.path)
        data_versions_bump(neighbourhood_ids=before)

    def changed(self, sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        _bump_for(instance, self.path)

    def m2m(self, sender: type[models.Model], instance: models.Model, action: str, **kwargs: Any) -> None:
        if action not in ("post_add", "post_remove", "post_clear", "pre_clear"):
            return
        if self.path is None:
            data_versions_bump(everything=True)
            return
        # ``instance`` is either side of the relation; the through table's path starts at one of them.
        through_path = self.path
        first = through_path.split("__")[0]
        through_field = sender._meta.get_field(first)
        if isinstance(instance, through_field.related_model):  # type: ignore[arg-type]
            rest = through_path.partition("__")[2]
            _bump_for(instance, rest or "pk")
        else:  # from the other side: the rows it was added to or removed from are not known here
            data_versions_bump(everything=True)


_CONNECTED: list[_Receivers] = []


def _after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """Every report anew after ``kvs migrate``: data migrations send no signals, and new code may build or
    render a report differently from the one that cached it. (Not while the versions' table is yet to come.)"""
    if DataVersion._meta.db_table in connections[using].introspection.table_names():
        data_versions_bump_everything(using=using)


def _person_deleted(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """A person erased: once the erasure commits (and retired their reports), empty the report cache, once per
    transaction however many persons went."""
    connection = connections[using]
    if connection.in_atomic_block and any(
        entry[1] is report_cache_purge for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(report_cache_purge, using=using)


def path_for(label: str) -> str | None:
    """The neighbourhood path of a model that reports read, None for data every report reads."""
    return NEIGHBOURHOOD_PATHS.get(label)


def report_models() -> Iterable[tuple[type[models.Model], str | None]]:
    for model in project_models():
        label = model._meta.label
        if label in NOT_IN_REPORTS:
            continue
        # Any model not listed counts as data every report reads: safe until someone lists it
        # (the test of this module fails until then).
        yield model, path_for(label)


def connect_data_version_signals() -> None:
    if _CONNECTED:
        return
    post_migrate.connect(_after_migrate, sender=apps.get_app_config("reports"), weak=False)
    post_delete.connect(_person_deleted, sender=apps.get_model("people", "Person"), weak=False)
    for model, path in report_models():
        receivers = _Receivers(path)
        _CONNECTED.append(receivers)
        if model._meta.auto_created:
            # A many-to-many table: its rows change through m2m_changed, sent with the through model.
            m2m_changed.connect(receivers.m2m, sender=model, weak=False)
            continue
        pre_save.connect(receivers.before_save, sender=model, weak=False)
        post_save.connect(receivers.changed, sender=model, weak=False)
        if model._meta.label != "neighbourhoods.CbsRecord":
            post_delete.connect(receivers.changed, sender=model, weak=False)
        # CbsRecord: a receiver would stop Django deleting a national file's records in one statement per
        # batch (it must then load each row to send the signal); the CBS import bumps every report itself.

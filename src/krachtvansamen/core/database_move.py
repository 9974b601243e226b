"""Moving an installation to another database, SQLite to PostgreSQL: ``kvs move-database --to URL``.

Every row of every table of every installed app (Django's own too: accounts, groups and permissions, sessions,
the admin log, django-axes; many-to-many tables included) is copied with its own id, so every reference, also
the admin log's and the permissions' references to content types, stays right. The copy is one transaction
on the target: a failure anywhere leaves it as it was. The cache table is not copied (counters that expire);
uploaded files stay in ``KVS_DATA_DIR/media``.

Why not ``dumpdata``/``loaddata``: loaddata saves row by row with signals, needs natural keys to line content
types up, and holds the whole dump in memory; the copy here inserts in batches without signals (raw, as
loaddata does, so ``auto_now`` dates keep their value) and checks the counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import dj_database_url
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Model
from django.db.utils import load_backend
from django.utils.translation import gettext as _

TARGET = "kvs_move_target"
BATCH = 500
# Rows that `migrate` itself puts in a new database: replaced by the source's, whose ids the other rows use (the
# data versions: `migrate` bumps them so that no cached report outlives it; the source's go with its data).
MADE_BY_MIGRATE = ("auth_permission", "django_content_type", "neighbourhoods_dataversion")


class MoveRefused(Exception):
    """The move cannot start or did not finish; the message says why (the target is unchanged)."""


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


def models_to_copy() -> list[type[Model]]:
    """Every model with a table of its own, the automatic many-to-many tables included, by table name."""
    tables: dict[str, type[Model]] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            tables.setdefault(meta.db_table, model)
    return [tables[name] for name in sorted(tables)]


def _target_settings(url: str) -> dict[str, Any]:
    try:
        parsed = dj_database_url.parse(url)
    except ValueError as error:
        raise MoveRefused(
            _("The address of the new database is not right: %(error)s") % {"error": error}
        ) from None
    default = dict(connections.databases[DEFAULT_DB_ALIAS])
    return connections.configure_settings({DEFAULT_DB_ALIAS: default, TARGET: dict(parsed)})[TARGET]


def _same_database(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(str(a.get(key) or "") == str(b.get(key) or "") for key in ("ENGINE", "NAME", "HOST", "PORT"))


def _count(connection: Any, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])


def _unapplied_migrations(alias: str) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def _refuse_a_target_with_data(target: Any, models: list[type[Model]]) -> None:
    existing = set(target.introspection.table_names())
    for model in models:
        table = model._meta.db_table
        if table in existing and table not in MADE_BY_MIGRATE:
            rows = _count(target, table)
            if rows:
                raise MoveRefused(
                    _(
                        "The new database already holds data (table %(table)s: %(rows)s rows). Nothing was "
                        "copied. Give an empty database."
                    )
                    % {"table": table, "rows": rows}
                )


@contextmanager
def _read_only(source: Any) -> Iterator[None]:
    """A SQLite source refuses writes during the move: not a row of it may change (a data migration that forgot
    its database alias would write into the source instead of the target)."""
    if source.vendor != "sqlite":
        yield
        return
    with source.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        yield
    finally:
        # On the DB-API connection: Django refuses queries in a transaction that failed, this must still run.
        source.connection.execute("PRAGMA query_only = OFF")


def _batches(model: type[Model], alias: str) -> Iterator[list[Model]]:
    batch: list[Model] = []
    for row in model._base_manager.using(alias).order_by("pk").iterator(chunk_size=BATCH):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def table_copy(model: type[Model], source_alias: str, target_alias: str) -> None:
    """All rows of one table, with their ids. ``raw``: values as they are (``auto_now`` dates too), as loaddata."""
    fields = model._meta.local_concrete_fields
    for batch in _batches(model, source_alias):
        model._base_manager._insert(batch, fields=fields, using=target_alias, raw=True)  # type: ignore[attr-defined]


def _copy_everything(source_alias: str, target: Any, models: list[type[Model]]) -> list[TableCount]:
    with target.cursor() as cursor:
        if target.vendor == "postgresql":
            # Tables go in by name, not in the order of their references: the foreign keys are checked at the
            # end. A migration that added a foreign key column set that one to IMMEDIATE for the transaction.
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table in MADE_BY_MIGRATE:  # permissions first: they point at content types
            cursor.execute(f"DELETE FROM {target.ops.quote_name(table)}")
    with target.constraint_checks_disabled():
        for model in models:
            table_copy(model, source_alias, target.alias)
    # PostgreSQL checks the deferred foreign keys now instead of at the commit, SQLite checks them here.
    target.check_constraints()
    with target.cursor() as cursor:
        for statement in target.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    source = connections[source_alias]
    counts = [
        TableCount(
            model._meta.db_table, _count(source, model._meta.db_table), _count(target, model._meta.db_table)
        )
        for model in models
    ]
    different = [count for count in counts if count.source != count.target]
    if different:
        raise MoveRefused(
            _("Counts differ after copying (%(tables)s); nothing was kept.")
            % {"tables": ", ".join(f"{c.table} {c.source}/{c.target}" for c in different)}
        )
    return counts


def database_move(target_url: str, *, source_alias: str = DEFAULT_DB_ALIAS) -> list[TableCount]:
    """Copy the installation's database (``source_alias``) into the empty database at ``target_url``; the
    rows per table, equal in both. Raises MoveRefused, with the target unchanged, when it cannot."""
    settings = _target_settings(target_url)
    if _same_database(settings, connections.databases[source_alias]):
        raise MoveRefused(_("The new database is the database in use. Give another one."))
    unapplied = _unapplied_migrations(source_alias)
    if unapplied:
        raise MoveRefused(
            _("The current database is not up to date (%(migration)s): run kvs migrate first.")
            % {"migration": unapplied[0]}
        )
    # A connection of its own, not an entry in settings.DATABASES: nothing else of the process sees it.
    target = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, TARGET)
    connections[TARGET] = target
    try:
        try:
            target.ensure_connection()
        except Exception as error:
            raise MoveRefused(_("Cannot reach the new database: %(error)s") % {"error": error}) from None
        models = models_to_copy()
        _refuse_a_target_with_data(target, models)
        # SQLite cannot change tables inside a transaction with foreign keys on: it gets its tables first.
        migrate_inside = target.vendor != "sqlite"
        if not migrate_inside:
            call_command("migrate", database=TARGET, interactive=False, verbosity=0)
        # One snapshot of the source (on SQLite other writers wait), one transaction on the target.
        # (query_only after BEGIN: SQLite's BEGIN IMMEDIATE is itself a write.)
        with transaction.atomic(using=source_alias), _read_only(connections[source_alias]):
            with transaction.atomic(using=TARGET):
                if migrate_inside:
                    call_command("migrate", database=TARGET, interactive=False, verbosity=0)
                # A data migration that wrote rows into the target (instead of leaving it empty) would collide.
                _refuse_a_target_with_data(target, models)
                return _copy_everything(source_alias, target, models)
    finally:
        ContentType.objects.clear_cache()  # it kept the target's content types under the target's alias
        target.close()
        del connections[TARGET]

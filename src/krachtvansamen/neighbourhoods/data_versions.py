"""Data versions: a token per neighbourhood, and one for data that every report reads, that changes whenever
data a report reads changes. Cached reports (``reports.report_cache``) are keyed by these tokens, so a write
makes the next view compute the report anew, and a report never hides a new story behind a stale page.

Which writes bump which token is ``reports.cache_invalidation``'s (signals of every model a report reads);
writes that pass by signals (``QuerySet.update``, ``bulk_create``, raw SQL, COPY) call
``data_versions_bump`` themselves.

Bumped *after commit*, not inside the writing transaction. Inside, the UPDATE of a version row would hold that
row's lock until the writer commits: every writer in a neighbourhood would wait for the others (one
Effectenplein with a hundred phones), and two transactions that touch two neighbourhoods, or a neighbourhood and
"all", in opposite orders would deadlock on PostgreSQL. After commit it is one short statement with the keys in
a fixed order. What that costs, and why it is safe:

- a rolled-back write bumps nothing (``transaction.on_commit`` drops its callback, also for a savepoint);
- between the commit and the bump a reader can see the old token with the new data: it caches the new data
  under the old token, which the bump retires a moment later;
- the transaction that wrote sees its own uncommitted data under the old token: ``data_versions_pending`` tells
  the cache to neither read nor fill while a transaction has unbumped writes, so data that may still be rolled
  back is never cached;
- a process that dies between commit and bump leaves the old token: the cache's expiry bounds that.

Each bump also writes a fresh random token next to the counter. A counter alone could repeat: a
report cached under a number, that number later reached again by other changes, would be served as new.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from krachtvansamen.neighbourhoods.models import DataVersion

EVERYTHING = (
    "all"  # data every report reads: the codebook, programmes, persons and their consent, CBS figures
)
_STATE = "_kvs_data_versions_pending"  # the open transaction's pending bump, on the connection object


def neighbourhood_key(neighbourhood_id: int) -> str:
    return f"n:{neighbourhood_id}"


class _PendingBump:
    """The keys one transaction changed; run by ``on_commit`` to bump them once, after the commit."""

    def __init__(self, using: str) -> None:
        self.using = using
        self.keys: set[str] = set()
        self.done = False

    def __call__(self) -> None:
        self.done = True
        _bump_now(sorted(self.keys), using=self.using)


def _live_pending(connection: BaseDatabaseWrapper) -> _PendingBump | None:
    """This transaction's pending bump, if it is still to run: a rollback (also of the savepoint it was made
    in) removes it from the connection's on-commit list, a commit runs it."""
    pending: _PendingBump | None = getattr(connection, _STATE, None)
    if pending is None or pending.done or not connection.in_atomic_block:
        return None
    # Each entry is (savepoint ids, callback, robust).
    if not any(entry[1] is pending for entry in connection.run_on_commit):
        return None
    return pending


def data_versions_bump(
    *, neighbourhood_ids: Iterable[int | None] = (), everything: bool = False, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Mark the data of these neighbourhoods (and with ``everything``, of every report) changed, once the
    current transaction commits (at once outside a transaction). One statement per transaction, however many
    rows it wrote."""
    keys = {neighbourhood_key(n) for n in neighbourhood_ids if n is not None}
    if everything:
        keys.add(EVERYTHING)
    if not keys:
        return
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump_now(sorted(keys), using=using)
        return
    pending = _live_pending(connection)
    if pending is None:
        pending = _PendingBump(using)
        setattr(connection, _STATE, pending)
        transaction.on_commit(pending, using=using)
    pending.keys |= keys


def data_versions_bump_everything(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """For writes whose neighbourhoods are not known (raw SQL, imports of data every report reads)."""
    data_versions_bump(everything=True, using=using)


def _bump_now(keys: list[str], *, using: str) -> None:
    if not keys:
        return
    table = connections[using].ops.quote_name(DataVersion._meta.db_table)
    rows = ", ".join(["(%s, 1, %s)"] * len(keys))
    params: list[str] = []
    for key in keys:
        params += [key, secrets.token_hex(16)]
    # An upsert, so a neighbourhood needs no row before its first change; the same SQL on SQLite and PostgreSQL.
    sql = (
        f'INSERT INTO {table} ("key", "version", "token") VALUES {rows} '
        f'ON CONFLICT ("key") DO UPDATE SET "version" = {table}."version" + 1, "token" = excluded."token"'
    )
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)


def data_versions_pending(*, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the current transaction wrote report data that is not yet committed (and bumped)."""
    pending = _live_pending(connections[using])
    return pending is not None and bool(pending.keys)


def data_versions_token(*, neighbourhood_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> str:
    """One text for the data versions of these neighbourhoods and of "all": it changes when any of them does.
    Read it *before* reading the data it stands for (see the module's docstring)."""
    ids = sorted(set(neighbourhood_ids))
    keys = [EVERYTHING, *(neighbourhood_key(n) for n in ids)]
    tokens = dict(DataVersion.objects.using(using).filter(key__in=keys).values_list("key", "token"))
    return "|".join(f"{key}={tokens.get(key, '')}" for key in keys)

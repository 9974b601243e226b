"""The cache every process of an installation shares (settings.CACHES): Redis, or a table in the database.

Throttles (core.throttle), the Effectenplein limits and the sessions (with Redis) count on it, so a second
``kvs serve`` process, or a second machine, sees what the first counted.
"""

from __future__ import annotations

import base64
import pickle
from typing import Any

from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache with an ``incr`` as Redis has it: one step, so two processes counting at once
    both count, and the key keeps its expiry. Django's own reads, adds and writes back, so one of two
    simultaneous failures was lost and each failure moved the end of a throttle's window."""

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table = quote_name(self._table)  # type: ignore[attr-defined]
        # PostgreSQL locks the row; SQLite has no FOR UPDATE but its transactions take the write lock at the
        # start (settings: transaction_mode IMMEDIATE), so a second counter waits there.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        expression = models.Expression(output_field=models.DateTimeField())
        converters = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        with transaction.atomic(using=db), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote_name('value')}, {quote_name('expires')} FROM {table} "
                f"WHERE {quote_name('cache_key')} = %s{lock}",
                [key],
            )
            row = cursor.fetchone()
            expires = row[1] if row else None
            for converter in converters:
                expires = converter(expires, expression, connection) if expires is not None else None
            if row is None or expires is None or expires < tz_now():
                raise ValueError(f"Key '{key}' not found")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))
            value += delta
            pickled = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote_name('value')} = %s WHERE {quote_name('cache_key')} = %s",
                [pickled, key],
            )
        return value


def cache_table_create(using: str = "default", **kwargs: Any) -> None:
    """post_migrate: the database cache's table, made wherever the database is migrated (``kvs migrate``,
    ``kvs demo``, ``kvs move-database``). Nothing happens when the cache is Redis or the table exists."""
    call_command("createcachetable", database=using, verbosity=0)

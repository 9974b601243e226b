"""For tests of the data versions behind the report cache (neighbourhoods.data_versions)."""

from __future__ import annotations

from django.db import connection

from krachtvansamen.neighbourhoods import data_versions
from krachtvansamen.neighbourhoods.models import DataVersion


def commit_bumps() -> None:
    """What the commit of the test's transaction would do: run the pending data-version bumps (the test's own
    transaction never commits, so ``on_commit`` never fires by itself)."""
    for entry in list(connection.run_on_commit):  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, data_versions._PendingBump) and not callback.done:
            callback()


def version(key: str) -> tuple[int, str]:
    """The count and token of a data version ("all", or "n:<neighbourhood id>"); (0, "") before its first bump."""
    row = DataVersion.objects.filter(key=key).values_list("version", "token").first()
    return row or (0, "")

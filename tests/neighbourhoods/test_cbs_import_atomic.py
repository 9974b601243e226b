"""A CBS import lands whole or not at all (``neighbourhoods.cbs_import``): a changed row is written by deleting
it and inserting it again, so a failure after the delete must leave the rows exactly as the earlier import left
them — same number, same values, same ids — and must not record the import as done."""

from __future__ import annotations

import pytest

from krachtvansamen.neighbourhoods import cbs_import
from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsImport, CbsRecord
from tests.neighbourhoods.test_cbs_import import HEADER, ROWS, _write

pytestmark = pytest.mark.django_db

NEW_ROW = '"Nieuw Buurtje";"Arnhem";"Buurt";"BU02021992";"1";120;20;30\n'


class DiskFull(Exception):
    pass


@pytest.fixture
def first_import(tmp_path):
    """The small export imported once: Arnhem 166000, Kronenburg 2915, Klein Buurtje 15 inhabitants."""
    cbs_import_file(path=_write(tmp_path, "kwb2024_85984NED_klein.csv", HEADER + "".join(ROWS)))
    assert CbsRecord.objects.count() == 3 and CbsImport.objects.count() == 1
    return rows_now()


@pytest.fixture
def newer_file(tmp_path):
    """The same table a month later: Kronenburg grew from 2915 to 2990 (an update: delete + insert) and one new
    buurt appeared (an insert)."""
    text = HEADER + ROWS[0] + ROWS[1].replace("2915", "2990") + ROWS[2] + NEW_ROW
    return _write(tmp_path, "kwb2024_85984NED_nieuw.csv", text)


def rows_now() -> list[dict]:
    return list(CbsRecord.objects.order_by("pk").values())


def population(code: str) -> int | None:
    return CbsRecord.objects.get(region_code=code).population


def test_a_failure_while_inserting_the_changed_rows_after_their_delete_leaves_the_old_rows(
    first_import, newer_file, monkeypatch
):
    real_insert = cbs_import._insert

    def insert(records, *, with_pk):
        if with_pk:  # the changed rows, just deleted
            assert not CbsRecord.objects.filter(region_code="BU02021990").exists()  # the delete did happen
            raise DiskFull
        real_insert(records, with_pk=with_pk)

    monkeypatch.setattr(cbs_import, "_insert", insert)
    with pytest.raises(DiskFull):
        cbs_import_file(path=newer_file)

    assert rows_now() == first_import
    assert population("BU02021990") == 2915
    assert not CbsRecord.objects.filter(region_code="BU02021992").exists()
    assert CbsImport.objects.count() == 1


def test_a_failure_while_inserting_the_new_rows_also_undoes_the_rewritten_changed_rows(
    first_import, newer_file, monkeypatch
):
    real_insert = cbs_import._insert

    def insert(records, *, with_pk):
        if not with_pk:  # the new rows, after the changed ones were written again
            assert population("BU02021990") == 2990  # the update was written
            raise DiskFull
        real_insert(records, with_pk=with_pk)

    monkeypatch.setattr(cbs_import, "_insert", insert)
    with pytest.raises(DiskFull):
        cbs_import_file(path=newer_file)

    assert rows_now() == first_import
    assert population("BU02021990") == 2915
    assert CbsRecord.objects.count() == 3


def test_a_failure_when_recording_the_import_undoes_every_row_and_the_file_can_be_imported_again(
    first_import, newer_file, monkeypatch
):
    def create(**kwargs):
        assert population("BU02021990") == 2990 and CbsRecord.objects.count() == 4  # all rows were written
        raise DiskFull

    monkeypatch.setattr(CbsImport.objects, "create", create)
    with pytest.raises(DiskFull):
        cbs_import_file(path=newer_file)
    assert rows_now() == first_import
    assert CbsImport.objects.count() == 1

    monkeypatch.undo()
    result = cbs_import_file(path=newer_file)
    # Not taken for "the same file as last time": the failed attempt left no record of itself.
    assert (result.created, result.updated, result.unchanged) == (1, 1, 2)
    assert population("BU02021990") == 2990 and population("BU02021992") == 120
    assert CbsImport.objects.count() == 2

"""The coding queue as a download: every fragment the filtered queue holds (all pages), the whole text, the
codes analyses count, nobody else's codes in blind mode, and the page's access rule."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from krachtvansamen.coding.services import coding_add
from krachtvansamen.framework.selectors import code_get_current
from tests.factories import FragmentFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("coding:queue")


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def test_the_download_has_the_filtered_queue_with_whole_texts_and_counted_codes(world, as_user):
    first = world.interview[0]
    coding_add(fragment=first, code=code_get_current(key="vitality.nature"), user=world.researcher2)
    FragmentFactory(neighbourhood=world.south, text="In het zuiden")
    FragmentFactory(neighbourhood=world.elsewhere, text="Ander programma")  # never: not this researcher's
    rows = read_csv(as_user(world.researcher).get(QUEUE, {"buurt": world.north.pk, "format": "csv"}))
    assert rows[0] == ["Fragmentnummer", "Buurt", "Jaar", "Instrument", "Spreker", "Status", "Tekst",
                       "Codes (die meetellen)"]  # fmt: skip
    assert {int(row[0]) for row in rows[1:]} == {f.pk for f in world.interview}  # the filter: north only
    assert next(row for row in rows if row[0] == str(first.pk))[7] == "vitality.nature"
    assert "Café De Boom 🌳 is onze plek — iedereen komt daar." in {row[6] for row in rows}


def test_every_page_is_in_the_download(world, as_user):
    FragmentFactory.create_batch(52, neighbourhood=world.south, text="-1 of +1?")
    response = as_user(world.researcher).get(QUEUE, {"buurt": world.south.pk, "pagina": 2, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 1 + 52
    assert sheet["G2"].value == "-1 of +1?" and sheet["G2"].data_type == "s"  # text, not a sum


def test_blind_mode_downloads_no_codes_of_others(world, as_user):
    coding_add(
        fragment=world.interview[0], code=code_get_current(key="vitality.nature"), user=world.researcher
    )
    client = as_user(world.researcher2)
    client.post(reverse("coding:blind"), {"blind": "1"})
    rows = read_csv(client.get(QUEUE, {"buurt": world.north.pk, "format": "csv"}))
    assert "Codes (die meetellen)" not in rows[0]
    assert "vitality.nature" not in str(rows)
    assert {row[5] for row in rows[1:]} == {"nog niet"}


def test_those_without_the_queue_get_no_download(world, as_user):
    assert as_user(world.funder).get(QUEUE, {"format": "csv"}).status_code == 403
    rows = read_csv(as_user(world.outsider).get(QUEUE, {"format": "csv"}))
    assert rows[1:] == []  # another programme's researcher: none of these fragments


def test_the_queue_links_to_its_downloads_with_the_filters(world, as_user):
    html = as_user(world.researcher).get(QUEUE, {"instrument": "interview", "pagina": 1}).content.decode()
    assert 'href="?instrument=interview&amp;format=csv"' in html

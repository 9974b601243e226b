"""Downloads of "fragments with code X": one row per coding, for R, SPSS or Excel; formula-safe; UTF-8."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from krachtvansamen.coding.lists.export import safe_cell
from krachtvansamen.coding.lists.selectors import EXPORT_FIELDS
from krachtvansamen.coding.services import own_code_add
from krachtvansamen.framework.selectors import code_get_current
from krachtvansamen.people.models import Consent
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

URL = "/coderen/codes/{}/"


def csv_rows(response) -> list[dict[str, str]]:
    body = b"".join(response)
    assert body.startswith("\ufeff".encode())  # a byte order mark: Excel reads the accents right
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_has_one_row_per_coding_with_everything_a_researcher_needs(world, as_user, fragment, code_it):
    speaker = PersonFactory(neighbourhood=world.north, pseudonym="Zoë")
    text = "=SOM(A1) — wij zijn één buurt, zegt de café-eigenaar."
    f = fragment(world.north, text, year=2025, speaker=speaker, consent_level="pseudonymised")
    code_it(f, "effect.social.contact", coder=world.researcher, start=text.index("wij"), end=text.index(","))
    code_it(f, "effect.social.contact", coder=world.researcher2)
    response = as_user(world.researcher).get(URL.format("effect.social") + "?format=csv&alle=1")
    assert response.status_code == 200
    assert 'filename="fragmenten-effect.social.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert len(rows) == 2
    part, whole = sorted(rows, key=lambda row: row["start"] == "")
    assert part["fragment_id"] == str(f.pk) and part["cbs_code"] == world.north.cbs_code
    assert (part["neighbourhood"], part["year"], part["instrument"]) == ("Noord", "2025", "interview")
    assert (part["speaker_role"], part["speaker_pseudonym"]) == ("resident", "Zoë")
    assert (part["consent_level"], part["quotable"]) == ("pseudonymised", "1")
    assert (part["code_key"], part["code_label"], part["own_code_programme"]) == (
        "effect.social.contact", "Contact tussen bewoners", ""
    )  # fmt: skip
    assert (part["coder"], part["origin"], part["settled"], part["counts_in_analyses"]) == (
        "researcher", "human", "0", "1"
    )  # fmt: skip
    assert part["coded_text"] == "wij zijn één buurt"
    assert (part["start"], part["end"]) == (str(text.index("wij")), str(text.index(",")))
    assert part["fragment_text"] == "'" + text  # formula-safe: Excel shows it, does not run it
    assert (whole["coder"], whole["start"], whole["end"]) == ("researcher2", "", "")
    assert whole["coded_text"] == "'" + text


def test_quotable_follows_the_speakers_newest_consent(world, as_user, fragment, code_it):
    speaker = PersonFactory(neighbourhood=world.north, pseudonym="Bewoner 7")
    f = fragment(world.north, "Mag dit geciteerd?", speaker=speaker, consent_level="pseudonymised")
    Consent.objects.create(person=speaker, scope=Consent.Scope.QUOTES, given=False)
    internal = fragment(world.north, "Alleen intern.", consent_level="internal")
    code_it(f, "vitality.nature", coder=world.researcher)
    code_it(internal, "vitality.nature", coder=world.researcher)
    rows = csv_rows(as_user(world.researcher).get(URL.format("vitality.nature") + "?format=csv"))
    assert {row["fragment_text"]: row["quotable"] for row in rows} == {f.text: "0", internal.text: "0"}
    html = as_user(world.researcher).get(URL.format("vitality.nature")).content.decode()
    assert html.count("niet om te citeren") == 2


def test_own_codes_travel_in_the_export(world, as_user, fragment, code_it):
    own = own_code_add(
        programme=world.programme, parent=code_get_current(key="vitality.nature"), suffix="moestuin",
        label_nl="De moestuin", user=world.researcher,
    )  # fmt: skip
    f = fragment(world.north, "De moestuin is van ons.")
    code_it(f, own.key, coder=world.researcher)
    rows = csv_rows(as_user(world.researcher).get(URL.format("vitality.nature") + "?format=csv"))
    assert [(row["code_key"], row["code_label"], row["own_code_programme"]) for row in rows] == [
        ("vitality.nature.moestuin", "De moestuin", "Sterke buurten")
    ]


def test_xlsx_has_the_same_rows_formula_safe(world, as_user, fragment, code_it):
    f = fragment(world.north, "+31 6 is mijn nummer; ça va?", speaker=PersonFactory(pseudonym="@rené"))
    code_it(f, "vitality.nature", coder=world.researcher)
    response = as_user(world.researcher).get(URL.format("vitality.nature") + "?format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(EXPORT_FIELDS)
    row = dict(zip(EXPORT_FIELDS, rows[1], strict=True))
    assert row["fragment_text"] == "'+31 6 is mijn nummer; ça va?"
    assert row["speaker_pseudonym"] == "'@rené"
    assert row["fragment_id"] == f.pk and row["year"] == 2024 and row["quotable"] == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM", "'@SUM"), ("\tx", "'\tx"), ("\rx", "'\rx"),
     ("gewoon", "gewoon"), ("", ""), (None, ""), (True, 1), (False, 0), (-3, -3)],
)  # fmt: skip
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected

"""Every endpoint with every role: exactly the rows each may see, as the web pages decide (``people.access``).

Reports-level records (programmes, neighbourhoods, CBS figures): the neighbourhoods whose reports a user reads —
a funder's funded ones, a policy officer's municipality's ones. Raw data (fragments, codings, persons, assets,
activities, relations, instrument answers): only the team of a neighbourhood (``neighbourhoods_for_user``);
funders, policy officers and users without a role get a 403. Reports: whom the report page lets in — the
Buurtbeeld the team, the Financiersrapport the team and the funders, the Beleidssignalen the municipality's policy
officers, the Programmasynthese who sees a neighbourhood of the programme.
"""

from __future__ import annotations

import pytest

from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.instruments.models import Submission
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Person
from tests.api.conftest import NOORD, WEST, ZUID, get

ROLES = ["connector", "community_builder", "researcher", "programme_manager", "funder", "gemeente", "admin",
         "outsider", "anonymous"]  # fmt: skip

PROGRAMMES = {
    "connector": ["programma-a"],
    "community_builder": ["programma-a"],
    "researcher": ["programma-a"],
    "programme_manager": ["programma-b"],
    "funder": ["programma-b"],
    "gemeente": ["programma-a"],  # Zuid, in Nijmegen, is in programme A
    "admin": ["programma-a", "programma-b"],
    "outsider": [],
}
NEIGHBOURHOODS = {
    "connector": [NOORD],
    "community_builder": [ZUID],
    "researcher": [NOORD, ZUID],
    "programme_manager": [WEST],
    "funder": [WEST],
    "gemeente": [ZUID],
    "admin": [NOORD, ZUID, WEST],
    "outsider": [],
}
# None: 403 (no raw data at all).
FRAGMENTS = {
    "connector": [NOORD],
    "community_builder": [ZUID],
    "researcher": [NOORD, ZUID],
    "programme_manager": [WEST],
    "funder": None,
    "gemeente": None,
    "admin": [NOORD, ZUID, WEST],
    "outsider": None,
}
CODINGS = {
    "connector": [NOORD],
    "community_builder": [],  # Zuid's only coding is an open suggestion
    "researcher": [NOORD],
    "programme_manager": [WEST],
    "funder": None,
    "gemeente": None,
    "admin": [NOORD, WEST],
    "outsider": None,
}


def _token(world, role: str) -> str | None:
    return None if role == "anonymous" else world.tokens[role]


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return body


@pytest.mark.parametrize("role", ROLES)
def test_programmes(client, world, role):
    response = get(client, "/api/programmes", _token(world, role))
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert [p["slug"] for p in _ok(response)["items"]] == PROGRAMMES[role]


@pytest.mark.parametrize("role", ROLES)
def test_neighbourhoods(client, world, role):
    response = get(client, "/api/neighbourhoods", _token(world, role))
    if role == "anonymous":
        assert response.status_code == 401
        return
    assert [n["cbs_code"] for n in _ok(response)["items"]] == NEIGHBOURHOODS[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("code", [NOORD, ZUID, WEST])
def test_cbs_figures(client, world, role, code):
    response = get(client, f"/api/neighbourhoods/{code}/cbs", _token(world, role))
    if role == "anonymous":
        assert response.status_code == 401
    elif code in NEIGHBOURHOODS[role]:
        rows = _ok(response)["items"]
        assert [(r["region_code"], r["year"]) for r in rows] == [(code, 2023), (code, 2024)]
    else:
        assert response.status_code == 403
        assert response.json()["detail"]


@pytest.mark.parametrize("role", ROLES)
def test_fragments(client, world, role):
    response = get(client, "/api/fragments", _token(world, role))
    expected = FRAGMENTS.get(role)
    if role == "anonymous":
        assert response.status_code == 401
    elif expected is None:
        assert response.status_code == 403
        assert "Noord" not in response.content.decode()
    else:
        items = _ok(response)["items"]
        assert [f["id"] for f in items] == sorted(
            (world.fragments[c].pk for c in expected), key=lambda pk: (-_year(world, pk), pk)
        )


def _year(world, pk: int) -> int:
    return next(f.year for f in world.fragments.values() if f.pk == pk)


@pytest.mark.parametrize("role", ROLES)
def test_codings(client, world, role):
    response = get(client, "/api/codings", _token(world, role))
    expected = CODINGS.get(role)
    if role == "anonymous":
        assert response.status_code == 401
    elif expected is None:
        assert response.status_code == 403
    else:
        assert [c["id"] for c in _ok(response)["items"]] == sorted(world.codings[c].pk for c in expected)


# The neighbourhoods whose raw data each role sees (None: 403), as FRAGMENTS.
DATA = FRAGMENTS
RAW_ENDPOINTS = {
    "/api/persons": Person,
    "/api/assets": Asset,
    "/api/activities": Activity,
    "/api/relations": Relation,
    "/api/instrument-answers": Submission,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", list(RAW_ENDPOINTS))
def test_raw_data(client, world, role, path, submissions):
    response = get(client, path, _token(world, role))
    expected = DATA.get(role)
    if role == "anonymous":
        assert response.status_code == 401
    elif expected is None:
        assert response.status_code == 403
        assert response.json()["detail"] and "Noord" not in response.content.decode()
    else:
        items = _ok(response)["items"]
        rows = RAW_ENDPOINTS[path].objects.filter(neighbourhood__cbs_code__in=expected)
        if path == "/api/instrument-answers":
            rows = rows.filter(status="submitted")  # a draft is nobody's data but its writer's
        assert sorted(i["id"] for i in items) == sorted(rows.values_list("pk", flat=True))
        assert {i["neighbourhood"] for i in items} <= set(expected)


def _report_allowed(role: str, kind: str, subject: str) -> bool:
    data = DATA.get(role) or []
    if kind == "buurtbeeld":
        return subject in data
    if kind == "financier":
        return subject in data or (role == "funder" and subject == WEST)
    if kind == "beleidssignalen":
        return role == "admin" or (role == "gemeente" and subject == "GM0268")
    # programmasynthese: who sees a neighbourhood of the programme
    return role == "admin" or {"programma-a": {NOORD, ZUID}, "programma-b": {WEST}}[subject] & set(data)


REPORTS = [("buurtbeeld", c) for c in (NOORD, ZUID, WEST)] + [("financier", c) for c in (NOORD, ZUID, WEST)] + [
    ("beleidssignalen", "GM0202"), ("beleidssignalen", "GM0268"),
    ("programmasynthese", "programma-a"), ("programmasynthese", "programma-b"),
]  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("kind", "subject"), REPORTS)
def test_reports(client, world, role, kind, subject):
    response = get(client, f"/api/reports/{kind}/{subject}/2024", _token(world, role))
    if role == "anonymous":
        assert response.status_code == 401
    elif _report_allowed(role, kind, subject):
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["kind"], body["subject"], body["year"]) == (kind, subject, 2024)
        assert body["figures"]
    else:
        assert response.status_code == 403
        assert response.json()["detail"]


def test_every_endpoint_is_in_this_test(client, world):
    """A new endpoint must get its role × endpoint test: the schema lists exactly the paths tested above."""
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert paths == {
        "/api/programmes",
        "/api/neighbourhoods",
        "/api/neighbourhoods/{cbs_code}/cbs",
        "/api/fragments",
        "/api/codings",
        *RAW_ENDPOINTS,
        "/api/reports/buurtbeeld/{cbs_code}/{year}",
        "/api/reports/financier/{cbs_code}/{year}",
        "/api/reports/beleidssignalen/{municipality_code}/{year}",
        "/api/reports/programmasynthese/{slug}/{year}",
    }


def test_an_unknown_neighbourhood_is_a_404(client, world):
    response = get(client, "/api/neighbourhoods/BU00000000/cbs", world.tokens["admin"])
    assert response.status_code == 404
    assert response.json()["detail"].startswith("Deze buurt bestaat niet.")

"""What the records say (pseudonymous, consent as on the web), the filters, paging edges, the schema and docs."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders

from krachtvansamen.privacy.models import AccessLogEntry
from tests.api.conftest import NOORD, WEST, ZUID, get


def test_a_fragment_shows_the_speakers_pseudonym_and_role_never_an_account(client, world):
    response = get(client, "/api/fragments", world.tokens["researcher"], neighbourhood=ZUID)
    [fragment] = response.json()["items"]
    assert set(fragment) == {
        "id", "neighbourhood", "year", "instrument", "speaker_role", "speaker", "consent_level",
        "special_category", "coding_state", "text", "source", "position", "created_at",
    }  # fmt: skip
    assert fragment["speaker"] == "Bewoner Zuid"
    assert fragment["speaker_role"] == "resident"
    assert fragment["neighbourhood"] == ZUID
    assert fragment["consent_level"] == "pseudonymised"


def test_an_internal_fragment_reaches_the_team_as_on_the_neighbourhood_page_and_nobody_else(client, world):
    """Consent 'internal' means: not quoted outside the team. The neighbourhood page shows the fragment to the
    buurt's team; the API does the same, and a funder, who reads reports only, gets neither."""
    internal = "Noord: intern verhaal."
    for role, sees in (("connector", True), ("researcher", True), ("community_builder", False),
                       ("programme_manager", False), ("funder", False), ("gemeente", False)):  # fmt: skip
        api = get(client, "/api/fragments", world.tokens[role])
        client.force_login(world.users[role])
        web = client.get(f"/buurten/{NOORD}/")
        client.logout()
        assert (internal in api.content.decode()) is sees, role
        assert (internal in web.content.decode()) is sees, role
        if role in ("funder", "gemeente"):
            assert api.status_code == web.status_code == 403


def test_fragment_filters(client, world):
    token = world.tokens["admin"]

    def ids(**params) -> list[int]:
        response = get(client, "/api/fragments", token, **params)
        assert response.status_code == 200, response.content
        return [f["id"] for f in response.json()["items"]]

    f = world.fragments
    assert ids(neighbourhood=NOORD) == [f[NOORD].pk]
    assert ids(year=2024) == [f[NOORD].pk, f[WEST].pk]
    assert ids(instrument="interview") == [f[ZUID].pk]
    assert ids(year=2024, neighbourhood=ZUID) == []
    assert ids(neighbourhood="BU99999999") == []


def test_a_filter_never_widens_the_scope(client, world):
    response = get(client, "/api/fragments", world.tokens["connector"], neighbourhood=WEST)
    assert response.json() == {"items": [], "count": 0}
    response = get(client, "/api/neighbourhoods", world.tokens["funder"], programme="programma-a")
    assert response.json() == {"items": [], "count": 0}


def test_neighbourhood_filters(client, world):
    token = world.tokens["admin"]

    def codes(**params) -> list[str]:
        return [n["cbs_code"] for n in get(client, "/api/neighbourhoods", token, **params).json()["items"]]

    assert codes(programme="programma-a") == [NOORD, ZUID]
    assert codes(municipality="GM0202") == [NOORD, WEST]
    assert codes(municipality="gm0268") == [ZUID]
    assert codes(programme="programma-b", municipality="GM0268") == []
    [west] = get(client, "/api/neighbourhoods", token, programme="programma-b").json()["items"]
    assert west == {"cbs_code": WEST, "name": "West", "municipality_code": "GM0202",
                    "municipality_name": "Arnhem", "programme": "programma-b", "is_focus": False}  # fmt: skip


def test_coding_filters(client, world):
    token = world.tokens["admin"]
    noord = world.codings[NOORD]

    def ids(**params) -> list[int]:
        return [c["id"] for c in get(client, "/api/codings", token, **params).json()["items"]]

    assert ids(fragment=world.fragments[NOORD].pk) == [noord.pk]
    assert ids(neighbourhood=WEST) == [world.codings[WEST].pk]
    assert ids(code=noord.code.key.split(".")[0]) == sorted([noord.pk, world.codings[WEST].pk])
    assert ids(code="geen-code") == []
    [coding] = get(client, "/api/codings", token, fragment=world.fragments[NOORD].pk).json()["items"]
    assert coding["code"] == noord.code.key and coding["fragment"] == world.fragments[NOORD].pk


def test_cbs_figures_come_with_what_cbs_kept_secret(client, world):
    rows = get(client, f"/api/neighbourhoods/{ZUID}/cbs", world.tokens["gemeente"]).json()["items"]
    assert [(r["year"], r["population"]) for r in rows] == [(2023, 2000), (2024, 2001)]
    assert rows[0]["suppressed"] == ["men"] and rows[0]["extra"] == {"Woningvoorraad": 100}


def test_paging(client, world):
    token = world.tokens["admin"]
    page = get(client, "/api/neighbourhoods", token, limit=1, offset=1).json()
    assert page == {"items": [page["items"][0]], "count": 3} and page["items"][0]["cbs_code"] == ZUID
    assert get(client, "/api/neighbourhoods", token, offset=3).json() == {"items": [], "count": 3}
    assert get(client, "/api/neighbourhoods", token, offset=10**9).json() == {"items": [], "count": 3}


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": -1}, {"limit": 501}, {"offset": -1}, {"offset": 10**9 + 1}, {"limit": "x"},
     {"offset": 2**70}, {"year": 2**70}, {"instrument": "roddel"}, {"neighbourhood": "B" * 21}],
)  # fmt: skip
def test_wrong_parameters_are_a_422_not_a_500(client, world, params):
    response = get(client, "/api/fragments", world.tokens["admin"], **params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_codings_fragment_filter_out_of_range_is_a_422(client, world):
    assert get(client, "/api/codings", world.tokens["admin"], fragment=2**63).status_code == 422
    assert get(client, "/api/codings", world.tokens["admin"], fragment=0).status_code == 422


def test_raw_data_requests_are_in_the_access_log_and_never_cached(client, world):
    response = get(client, "/api/fragments", world.tokens["researcher"])
    assert response["Cache-Control"] == "private, no-store"
    entry = AccessLogEntry.objects.get()
    assert entry.username == "researcher" and entry.kind == "personal" and entry.path == "/api/fragments"
    get(client, "/api/programmes", world.tokens["researcher"])
    assert AccessLogEntry.objects.count() == 1  # programmes are not personal data


def test_schema_and_docs_are_served_without_a_token_and_the_docs_use_our_own_static_files(client, db):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["components"]["securitySchemes"] == {
        "TokenAuth": {"type": "http", "scheme": "bearer"}
    }
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "<title>Kracht van Samen API</title>" in html
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui.css" in html
    assert "http" not in html.replace('"url": "/api/openapi.json"', "")  # no CDN, nothing from elsewhere
    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"):
        assert finders.find(name), name

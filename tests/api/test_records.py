"""What the records say (pseudonymous, consent as on the web), the filters, paging edges, the schema and docs;
the reports (as their pages: who reads which, quotes only as residents allowed them, every count with its n)."""

from __future__ import annotations

from urllib.parse import quote_plus

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext

from krachtvansamen.coding.models import Fragment
from krachtvansamen.instruments.services import submission_submit
from krachtvansamen.people.models import Consent
from krachtvansamen.privacy.models import AccessLogEntry
from tests.api.conftest import NOORD, WEST, ZUID, get, neighbourhood_records


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


# --- Persons, assets, activities, relations, instrument answers ---------------------------------------------------


def test_a_person_is_a_pseudonym_and_a_role_and_nothing_that_tells_who(client, world):
    """Not the account, not age group, origin or gender one by one — even with consent, the web pages count those
    only together."""
    person = world.records[NOORD].person
    person.age_band, person.origin, person.gender = "65+", "netherlands", "woman"
    person.user = world.users["outsider"]
    person.save()
    Consent.objects.create(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=True)
    response = get(client, "/api/persons", world.tokens["connector"])
    [shown] = response.json()["items"]
    assert shown == {
        "id": person.pk,
        "neighbourhood": NOORD,
        "pseudonym": "Deelnemer Noord",
        "role": "resident",
    }
    assert "outsider" not in response.content.decode() and "65+" not in response.content.decode()


def test_raw_records_name_people_by_pseudonym_and_link_by_id(client, world):
    token = world.tokens["admin"]
    r = world.records[WEST]
    [asset] = get(client, "/api/assets", token, neighbourhood=WEST).json()["items"]
    assert asset == {"id": r.asset.pk, "neighbourhood": WEST, "year": 2024, "category": "place",
                     "name": "Buurthuis West", "description": "", "is_meeting_place": True, "person": None,
                     "organisation": None}  # fmt: skip
    [activity] = get(client, "/api/activities", token, neighbourhood=WEST).json()["items"]
    assert activity["initiator_person"] == "Deelnemer West" and activity["participants"] == [r.person.pk]
    assert (activity["meeting_place"], activity["participant_count"]) == (r.asset.pk, 12)
    [relation] = get(client, "/api/relations", token, neighbourhood=WEST).json()["items"]
    assert relation["source"] == {"kind": "person", "id": r.person.pk, "name": "Deelnemer West"}
    assert relation["target"] == {"kind": "organisation", "id": r.organisation.pk, "name": "Welzijn West"}
    assert (relation["capital_type"], relation["hook_activity"], relation["hook_person"]) == (
        "linking", r.activity.pk, None,
    )  # fmt: skip


def test_raw_record_filters(client, world):
    token = world.tokens["admin"]

    def ids(path: str, **params) -> list[int]:
        response = get(client, path, token, **params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["items"]]

    r = world.records
    assert ids("/api/assets", neighbourhood=ZUID) == [r[ZUID].asset.pk]
    assert ids("/api/assets", meeting_place=False) == [] and ids("/api/assets", year=2023) == []
    assert ids("/api/assets", category="nature") == []
    assert ids("/api/activities", initiated_by="professionals") == []
    assert ids("/api/relations", capital_type="bonding") == []
    assert ids("/api/relations", capital_type="linking", neighbourhood=NOORD) == [r[NOORD].relation.pk]
    assert ids("/api/persons", role="professional") == []
    assert len(ids("/api/persons", neighbourhood=ZUID)) == 2  # the speaker and the participant


def test_a_raw_data_filter_never_widens_the_scope(client, world):
    for path in (
        "/api/persons",
        "/api/assets",
        "/api/activities",
        "/api/relations",
        "/api/instrument-answers",
    ):
        response = get(client, path, world.tokens["connector"], neighbourhood=WEST)
        assert response.json() == {"items": [], "count": 0}, path


def test_instrument_answers_are_the_submitted_ones_with_their_codes_and_fragments(client, world, submissions):
    response = get(client, "/api/instrument-answers", world.tokens["researcher"])
    [sent] = response.json()["items"]  # the draft in Zuid is its writer's alone
    assert (sent["id"], sent["form"], sent["instrument"], sent["person"]) == (
        submissions.sent.pk, "wijkwaardenkaart", "wijkwaardenkaart", "Vijverman",
    )  # fmt: skip
    assert sent["answers"]["values"] == "Het bankje bij de vijver."
    assert sent["answers"]["age_band"] == "65+"  # the resident allowed keeping it
    assert {"question": "themes", "code": "vitality.nature", "value": None} in sent["coded_answers"]
    fragments = get(client, "/api/fragments", world.tokens["researcher"], neighbourhood=NOORD).json()["items"]
    assert sorted(sent["fragments"]) == sorted(
        f["id"] for f in fragments if f["source"].startswith("submission:")
    )
    assert len(sent["fragments"]) == 2
    assert get(client, "/api/instrument-answers", world.tokens["funder"]).status_code == 403


def test_answers_follow_what_the_resident_took_back_later(client, world, submissions):
    """Withdrawing consent for demographics hides age group and origin; words corrected with the personal code
    show as corrected; words whose fragment is gone are gone."""
    person = submissions.sent.person
    Consent.objects.create(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=False)
    links = {link.question: link.fragment for link in submissions.sent.fragment_links.all()}
    Fragment.objects.filter(pk=links["values"].pk).update(text="Het bankje bij het water.")
    links["hinders"].delete()
    [sent] = get(client, "/api/instrument-answers", world.tokens["connector"]).json()["items"]
    assert "age_band" not in sent["answers"] and "origin" not in sent["answers"]
    assert sent["answers"]["values"] == "Het bankje bij het water."
    assert "hinders" not in sent["answers"] and "De bus" not in str(sent)
    assert sent["answers"]["consent"] == "pseudonymised"


def test_answer_filters(client, world, submissions):
    token = world.tokens["admin"]

    def ids(**params) -> list[int]:
        return [row["id"] for row in get(client, "/api/instrument-answers", token, **params).json()["items"]]

    assert ids(form="wijkwaardenkaart") == [submissions.sent.pk] == ids(instrument="wijkwaardenkaart")
    assert ids(form="vragenlijst") == [] and ids(year=2025) == [] and ids(neighbourhood=ZUID) == []


@pytest.mark.parametrize(
    ("path", "params"),
    [("/api/persons", {"limit": 501}), ("/api/assets", {"offset": -1}), ("/api/assets", {"year": 1899}),
     ("/api/activities", {"year": 2201}), ("/api/relations", {"capital_type": "vriendschap"}),
     ("/api/instrument-answers", {"form": "x" * 61}), ("/api/persons", {"role": "burgemeester"}),
     ("/api/assets", {"meeting_place": "misschien"})],
)  # fmt: skip
def test_wrong_raw_data_parameters_are_a_422(client, world, path, params):
    response = get(client, path, world.tokens["admin"], **params)
    assert response.status_code == 422 and response.json()["detail"]


def test_raw_data_paging_edges(client, world):
    token = world.tokens["admin"]
    assert get(client, "/api/persons", token, limit=500).json()["count"] == 4
    page = get(client, "/api/persons", token, limit=1, offset=3).json()
    assert page["count"] == 4 and len(page["items"]) == 1
    assert get(client, "/api/persons", token, offset=4).json() == {"items": [], "count": 4}


def test_raw_data_is_in_the_access_log_and_reports_as_reports(client, world):
    for path in (
        "/api/persons",
        "/api/assets",
        "/api/activities",
        "/api/relations",
        "/api/instrument-answers",
    ):
        get(client, path, world.tokens["researcher"])
    get(client, f"/api/reports/financier/{NOORD}/2024", world.tokens["researcher"])
    kinds = dict(AccessLogEntry.objects.values_list("path", "kind"))
    assert set(kinds.values()) == {"personal", "report"}
    assert kinds[f"/api/reports/financier/{NOORD}/2024"] == "report" and len(kinds) == 6


# --- Reports ------------------------------------------------------------------------------------------------------


def _report(client, world, role: str, path: str) -> dict:
    response = get(client, path, world.tokens[role])
    assert response.status_code == 200, response.content
    return response.json()


def _figure(report: dict, key: str, section: str | None = None) -> dict:
    [found] = [f for f in report["figures"] if f["key"] == key and section in (None, f["section"])]
    return found


def test_a_funder_reads_the_funder_report_of_its_neighbourhood_and_no_fragment_or_pseudonym(client, world):
    report = _report(client, world, "funder", f"/api/reports/financier/{WEST}/2024")
    assert (report["name"], report["years"]) == ("West", [2024])
    activities = _figure(report, "activities")
    assert (activities["value"], activities["n"], activities["kind"]) == (1, 1, "count")
    assert activities["evidence"] == f"/rapporten/bewijs/{WEST}/2024/?n=activities"
    share = _figure(report, "activities:residents:share")
    assert (share["kind"], share["value"], share["n"]) == ("percent", 100, 1)  # 1 of 1 started by residents
    assert [(q["text"], q["speaker"], q["role"]) for q in report["quotes"]] == [
        ("West: verhaal.", None, "bewoner")
    ]
    # The same as the page: the funder opens this report, not the Buurtbeeld, not the raw data.
    client.force_login(world.users["funder"])
    assert client.get(f"/rapporten/financiersrapport/{WEST}/2024/").status_code == 200
    assert client.get(f"/rapporten/buurtbeeld/{WEST}/2024/").status_code == 403
    for path in (f"/api/reports/buurtbeeld/{WEST}/2024", "/api/fragments", "/api/persons"):
        assert get(client, path, world.tokens["funder"]).status_code == 403, path
    refused = get(client, "/api/assets", world.tokens["funder"]).json()["detail"]
    assert refused.startswith("Dit zijn ruwe gegevens van de buurten") and "/api/reports/" in refused


def test_the_buurtbeeld_shows_the_speakers_pseudonym_to_the_team_the_funder_report_never(client, world):
    buurtbeeld = _report(client, world, "researcher", f"/api/reports/buurtbeeld/{ZUID}/2025")
    assert [(q["text"], q["speaker"]) for q in buurtbeeld["quotes"]] == [
        ("Zuid: citeerbaar.", "Bewoner Zuid")
    ]
    assert buurtbeeld["findings"] and all(isinstance(s, str) for s in buurtbeeld["findings"])
    financier = _report(client, world, "researcher", f"/api/reports/financier/{ZUID}/2025")
    assert [(q["text"], q["speaker"]) for q in financier["quotes"]] == [("Zuid: citeerbaar.", None)]


def test_a_quote_goes_when_the_resident_narrows_consent_or_it_reveals_a_special_category(client, world):
    speaker = world.fragments[ZUID].speaker
    Consent.objects.create(person=speaker, scope=Consent.Scope.QUOTES, given=False, level="internal")
    assert _report(client, world, "researcher", f"/api/reports/buurtbeeld/{ZUID}/2025")["quotes"] == []
    Fragment.objects.filter(pk=world.fragments[WEST].pk).update(special_category=True)
    assert _report(client, world, "funder", f"/api/reports/financier/{WEST}/2024")["quotes"] == []


def test_only_approved_words_are_quoted(client, world):
    Fragment.objects.filter(pk=world.fragments[WEST].pk).update(quote_text="West: verhaal (ingekort).")
    [quote] = _report(client, world, "funder", f"/api/reports/financier/{WEST}/2024")["quotes"]
    assert quote["text"] == "West: verhaal (ingekort)."
    Fragment.objects.filter(pk=world.fragments[WEST].pk).update(quote_review="pending")
    assert _report(client, world, "funder", f"/api/reports/financier/{WEST}/2024")["quotes"] == []


def test_the_policy_officer_reads_the_policy_signals_of_their_municipality(client, world):
    report = _report(client, world, "gemeente", "/api/reports/beleidssignalen/GM0268/2024")
    assert (report["subject"], report["name"]) == ("GM0268", "Nijmegen")
    assert {f["neighbourhood"] for f in report["figures"]} == {ZUID, None}
    assert report["findings"]
    for path in (
        f"/api/reports/financier/{ZUID}/2024",
        f"/api/reports/buurtbeeld/{ZUID}/2024",
        "/api/fragments",
    ):
        assert get(client, path, world.tokens["gemeente"]).status_code == 403, path


def test_a_report_year_without_data_is_a_404_that_names_the_years_with_data(client, world):
    response = get(client, f"/api/reports/buurtbeeld/{NOORD}/2023", world.tokens["connector"])
    assert response.status_code == 404
    assert "2024" in response.json()["detail"]
    assert get(client, "/api/reports/buurtbeeld/BU00000000/2024", world.tokens["admin"]).status_code == 404
    assert (
        get(client, "/api/reports/programmasynthese/geen-programma/2024", world.tokens["admin"]).status_code
        == 404
    )


@pytest.mark.parametrize(
    "path",
    [f"/api/reports/buurtbeeld/{NOORD}/1899", f"/api/reports/financier/{NOORD}/2201", "/api/reports/buurtbeeld/x/2024",
     "/api/reports/beleidssignalen/GM02/2024", f"/api/reports/financier/{NOORD}/{2**70}",
     "/api/reports/programmasynthese/met spatie/2024"],
)  # fmt: skip
def test_wrong_report_addresses_are_a_422(client, world, path):
    response = get(client, path, world.tokens["admin"])
    assert response.status_code == 422 and response.json()["detail"]


def test_every_count_in_a_report_is_its_own_n_and_links_to_its_evidence(client, world):
    report = _report(client, world, "admin", f"/api/reports/buurtbeeld/{NOORD}/2024")
    linked = [f for f in report["figures"] if f["key"]]
    assert linked and all(f["evidence"].endswith(f"n={quote_plus(f['key'])}") for f in linked)
    counts = [f for f in report["figures"] if f["kind"] == "count" and f["value"] is not None]
    assert counts and all(f["n"] == f["value"] for f in counts)
    assert _figure(report, "participants", "figures")["label"] == "bewoners deden mee"
    questions = {f["section"]: f["question"] for f in report["figures"]}
    assert (questions["principles"], questions["effect_table"], questions["vertical"]) == (
        "approach", "change", "sustainability",
    )  # fmt: skip
    assert questions["figures"] is None


def test_raw_data_lists_make_as_many_queries_for_many_rows_as_for_few(client, world, submissions):
    """No query per row (each row names its neighbourhood, persons, organisation, codes and fragments)."""
    token = world.tokens["admin"]
    paths = ("/api/persons", "/api/assets", "/api/activities", "/api/relations", "/api/instrument-answers")

    def queries() -> list[int]:
        counts = []
        for path in paths:
            with CaptureQueriesContext(connection) as captured:
                assert get(client, path, token).status_code == 200
            counts.append(len(captured))
        return counts

    get(
        client, "/api/programmes", token
    )  # the token's first use of the minute writes last_used: not measured
    before = queries()
    for number in range(3):
        for n in (world.noord, world.zuid, world.west):
            extra = neighbourhood_records(n, suffix=f" {number}")
            extra.activity.participants.add(world.records[n.cbs_code].person)
    form = submissions.sent.form_version
    submission_submit(form_version=form, neighbourhood=world.zuid, year=2024, user=world.users["community_builder"],
                      raw={"values": "Nog een verhaal.", "themes": ["vitality.nature"], "consent": "internal"})  # fmt: skip
    assert queries() == before


@pytest.mark.parametrize(
    ("path", "name"),
    [("/api/neighbourhoods", "programme"), ("/api/neighbourhoods", "municipality"), ("/api/fragments", "neighbourhood"),
     ("/api/codings", "code"), ("/api/persons", "neighbourhood"), ("/api/instrument-answers", "form")],
)  # fmt: skip
def test_a_nul_character_in_a_text_filter_is_a_422_on_every_database(client, world, path, name):
    """PostgreSQL refuses a NUL in text: without the check this was a 500 there (found by the schema test)."""
    response = get(client, path, world.tokens["admin"], **{name: "a\x00b"})
    assert response.status_code == 422

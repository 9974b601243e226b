"""Reports are cached per state of their data (reports.report_cache): a write through any path shows on the next
view, a view without a write computes nothing, a rolled-back write leaves nothing behind, and no reader ever gets
a page built for another reader's access or language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import transaction

from krachtvansamen.assessments.services import FactorSeen, factor_observations_record
from krachtvansamen.assets.services import FoundAsset, assets_record_found
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.coding.quotes.services import quote_review_reset
from krachtvansamen.coding.services import NewFragment, fragments_record
from krachtvansamen.neighbourhoods import data_versions
from krachtvansamen.neighbourhoods.cbs_import import _insert
from krachtvansamen.neighbourhoods.data_versions import EVERYTHING, neighbourhood_key
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.reports import report_cache
from krachtvansamen.reports.cache_invalidation import (
    EVERY_REPORT,
    NEIGHBOURHOOD_PATHS,
    NOT_IN_REPORTS,
    project_models,
)
from krachtvansamen.reports.report_cache import buurtbeeld_cached, pdf_cached
from tests.data_version_helpers import commit_bumps, version
from tests.factories import AssetFactory, FragmentFactory, PersonFactory
from tests.reports.conftest import code

OWN, YEAR = "BU90000001", 2025
PAGE = f"/rapporten/buurtbeeld/{OWN}/{YEAR}/"
SRC = Path(__file__).resolve().parents[2] / "src" / "krachtvansamen"


def fragments_shown(report) -> int:
    return next(f.num.value for f in report.figures if "fragment" in f.label)


@pytest.fixture
def own(world) -> Neighbourhood:
    commit_bumps()  # the world's own writes
    return world.own


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    """How often the Buurtbeeld was really computed."""
    calls: list[int] = []
    real = report_cache.buurtbeeld_report

    def counting(**kwargs):
        calls.append(kwargs["neighbourhood"].pk)
        return real(**kwargs)

    monkeypatch.setattr(report_cache, "buurtbeeld_report", counting)
    return calls


# --- Every model, every write path ---------------------------------------------------------------------------


def test_every_model_of_the_project_is_listed_once_as_feeding_a_neighbourhood_every_report_or_none(db):
    labels = {m._meta.label for m in project_models()}
    listed = [*NEIGHBOURHOOD_PATHS, *EVERY_REPORT, *NOT_IN_REPORTS]
    assert len(listed) == len(set(listed)), "a model is listed twice"
    assert labels - set(listed) == set(), (
        "a new model: say in reports.cache_invalidation which reports read it"
    )
    assert set(listed) - labels == set(), "a listed model no longer exists"


@pytest.mark.parametrize("label", sorted(NEIGHBOURHOOD_PATHS))
def test_each_neighbourhood_path_ends_at_a_neighbourhood(label):
    model = next(m for m in project_models() if m._meta.label == label)
    path = NEIGHBOURHOOD_PATHS[label]
    if path == "pk":
        assert model is Neighbourhood
        return
    *steps, last = path.split("__")
    for step in steps:
        model = model._meta.get_field(step).related_model
    field = next(f for f in model._meta.concrete_fields if f.attname == last)
    assert field.related_model is Neighbourhood


BYPASS_CALLS = {"bulk_create", "bulk_update", "update", "execute", "executemany", "copy", "_raw_delete"}
QUERYSET_WORDS = {
    "objects",
    "filter",
    "exclude",
    "all",
    "_base_manager",
    "select_for_update",
    "stories",
    "codings",
}
# Functions with writes that send no signal, and why they need no bump of their own.
NO_BUMP_NEEDED = {
    "coding/agreement/views.py:_coders_asked": "dict.copy, no write",
    "coding/agreement/views.py:agreement": "dict.copy, no write",
    "coding/lists/selectors.py:export_rows": "a read",
    "api/tokens.py:*": "API keys, which no report reads",
    "core/cache.py:incr": "the cache table",
    # A whole module: ``kvs move-database`` copies every table as it is, the data versions too.
    "core/database_move.py:*": "the copy of a whole database: what is cached stays true",
    "demo/build_demo.py:_create_users": "user accounts, which no report reads",
    "demo/coding_work.py:second_coding_add": "bumps; and its CodingPass rows change no report",
    "demo/national.py:_keys_and_indexes_in_bulk": "indexes and keys, no rows",
    "demo/national.py:national_generate": "sequence resets and statistics, no rows",
    "demo/national.py:national_row_counts": "a read",
    "demo/national.py:database_size": "a read",
    "demo/national.py:first_free_id": "a read",
    "demo/neighbourhood_records.py:_cast": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_assets": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_relations": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_add_fragments": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_link_conversations": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_add_factors": "bumped by neighbourhood_records_build, its caller",
    "demo/neighbourhood_records.py:_add_sustainability": "bumped by neighbourhood_records_build, its caller",
    "instruments/erasure.py:_remove_words_from_other_submissions": (
        "part of person_erase, which deletes the person in the same transaction: that bumps every report"
    ),
    "effectenplein/services.py:_bump": "a live meeting's version counter",
    "effectenplein/services.py:meeting_start_voting": "a live meeting's state; the closing marks the stories",
    "effectenplein/services.py:meeting_set_max_participants": "a live meeting's setting",
    "effectenplein/services.py:participant_join": "a phone joining",
    "effectenplein/services.py:votes_cast": "votes, counted at the closing (which bumps)",
    "effectenplein/services.py:participant_code_issue": "a participant's log-in code",
    "fieldwork/services.py:plan_create_default": "the fieldwork plan",
    "fieldwork/services.py:plan_items_save": "the fieldwork plan",
    "framework/services.py:codebook_load": "the new current codebook is saved next, and its signal bumps all",
    "jobs/progress.py:__call__": "a job's progress",
    "jobs/runner.py:job_claim": "a job's state",
    "jobs/services.py:job_results_remove": "a job's result file and note, which no report reads",
    "neighbourhoods/data_versions.py:_bump_now": "the bump itself",
    "privacy/changes.py:changes_record": "the change history",
    "reports/erasure.py:erase_person_from_versions": "frozen Buurtbeeld versions, read per request",
    "reports/evidence_keys.py:sets": "set.update, no write",
    "reports/publication.py:comment_mark_corrected": "a comment on a version",
    "web/residents/services.py:resident_for_code": "when a personal code was last used",
}


def _receiver_names(node: ast.AST) -> list[str]:
    names = []
    while isinstance(node, ast.Call | ast.Attribute):
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
        node = node.func if isinstance(node, ast.Call) else node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
    return names


def _queryset_names(function: ast.AST) -> set[str]:
    """Names a function keeps a queryset in (``rows = Meeting.objects.filter(...)``): their update() writes."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            if set(_receiver_names(node.value)) & QUERYSET_WORDS:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def _writes_without_signals() -> dict[str, bool]:
    """Every function that writes past the model signals → whether it calls a data-version bump."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or path.parts[-2] == "tests":  # the API writes too: scanned
            continue
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            calls = [
                n for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            ]
            querysets = _queryset_names(function)
            writes = [
                c for c in calls if c.func.attr in BYPASS_CALLS and (c.func.attr != "update" or isinstance(
                    c.func.value, ast.Call) or set(_receiver_names(c.func.value)) & QUERYSET_WORDS
                    or (isinstance(c.func.value, ast.Name) and c.func.value.id in querysets))
            ]  # fmt: skip
            if writes:
                bumps = any(
                    isinstance(n, ast.Call) and "data_versions_bump" in ast.unparse(n.func)
                    for n in ast.walk(function)
                )
                found[f"{path.relative_to(SRC).as_posix()}:{function.name}"] = bumps
    return found


@pytest.mark.skipif(
    "mutants" in SRC.parts, reason="mutmut's copy of the source holds every mutant as a function of its own"
)
def test_every_write_that_passes_by_the_signals_bumps_the_data_versions():
    found = _writes_without_signals()
    modules = {name.split(":")[0] for name in NO_BUMP_NEEDED if name.endswith(":*")}
    missing = sorted(
        name for name, bumps in found.items()
        if not bumps and name not in NO_BUMP_NEEDED and name.split(":")[0] not in modules
    )  # fmt: skip
    assert missing == [], "writes without signals that bump no data version (or list them in NO_BUMP_NEEDED)"
    functions = {name for name in NO_BUMP_NEEDED if not name.endswith(":*")}
    assert functions <= set(found), "NO_BUMP_NEEDED names a function that no longer writes"


def test_a_fragment_saved_bumps_its_own_neighbourhood_only(own, world):
    before_own, before_other = version(neighbourhood_key(own.pk)), version(neighbourhood_key(world.other.pk))
    FragmentFactory(neighbourhood=own, year=YEAR, text="Nieuw verhaal")
    commit_bumps()
    assert version(neighbourhood_key(own.pk))[0] == before_own[0] + 1
    assert version(neighbourhood_key(world.other.pk)) == before_other


def test_a_deleted_coding_and_a_participant_added_bump_their_neighbourhood(own, world):
    key = neighbourhood_key(own.pk)
    before = version(key)
    Coding.objects.filter(fragment=world.f_ok).first().delete()
    commit_bumps()
    after_delete = version(key)
    assert after_delete[0] == before[0] + 1
    world.dinner.participants.add(PersonFactory(neighbourhood=own))
    commit_bumps()
    assert version(key)[0] > after_delete[0]


def test_a_row_moved_to_another_neighbourhood_bumps_both(own, world):
    asset = AssetFactory(neighbourhood=own, year=YEAR)
    commit_bumps()
    own_before, other_before = version(neighbourhood_key(own.pk)), version(neighbourhood_key(world.other.pk))
    asset.neighbourhood = world.other
    asset.save()
    commit_bumps()
    assert version(neighbourhood_key(own.pk))[0] == own_before[0] + 1
    assert version(neighbourhood_key(world.other.pk))[0] == other_before[0] + 1


def test_a_person_and_their_consent_bump_every_report(own, world):
    before = version(EVERYTHING)
    world.ans.pseudonym = "Ans Anders"
    world.ans.save()
    commit_bumps()
    assert version(EVERYTHING)[0] == before[0] + 1


def _fragments_record(world):
    fragments_record(neighbourhood_id=world.own.pk, year=YEAR, instrument="buurtscan", user=None,
                     fragments=[NewFragment(text="Een nieuw verhaal", codes=["effect.social.contact"])])  # fmt: skip


def _factors(world):
    factor_observations_record(neighbourhood_id=world.own.pk, year=YEAR, user=None,
                               observations=[FactorSeen(code=code("factor.relational"), direction="helps")])  # fmt: skip


def _assets(world):
    assets_record_found(neighbourhood_id=world.own.pk, year=YEAR, user=None,
                        found=[FoundAsset(category="place", name="Nieuwe plek")])  # fmt: skip


def _quote_review(world):
    Fragment.objects.filter(pk=world.f_ok.pk).update(quote_review="approved")
    quote_review_reset([world.f_ok.pk])


def _erasure(world):
    person_erase(Person.objects.get(pk=world.bram.pk), None, "op verzoek")


def _cbs(world):
    _insert([{"year": 2023, "region_code": "BU90000009", "kind": "buurt", "name": "X", "table_id": "85984NED",
              "source_row": 1}], with_pk=False)  # fmt: skip


BYPASS_PATHS = {
    "fragments_record (bulk_create)": (_fragments_record, "own"),
    "factor_observations_record (bulk_create)": (_factors, "own"),
    "assets_record_found (bulk_create)": (_assets, "own"),
    "quote_review_reset (update)": (_quote_review, "own"),
    "person_erase (erasure: deletes and updates)": (_erasure, "all"),
    "CBS import (raw INSERT / COPY)": (_cbs, "all"),
}


@pytest.mark.parametrize("path", list(BYPASS_PATHS))
def test_each_write_path_bumps_the_data_version(own, world, path):
    write, scope = BYPASS_PATHS[path]
    key = EVERYTHING if scope == "all" else neighbourhood_key(own.pk)
    before = version(key)
    write(world)
    commit_bumps()
    assert version(key)[0] > before[0]
    assert version(key)[1] != before[1]


def test_admin_edits_and_deletions_bump(as_user, own, world):
    client = as_user("admin")
    before_own, before_all = version(neighbourhood_key(own.pk)), version(EVERYTHING)
    response = client.post(f"/beheer/neighbourhoods/neighbourhood/{own.pk}/change/", {
        "name": "Eigen Buurt Hernoemd", "cbs_code": own.cbs_code, "municipality_code": own.municipality_code,
        "municipality_name": own.municipality_name, "programme": own.programme_id, "is_focus": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    commit_bumps()
    assert version(neighbourhood_key(own.pk))[0] == before_own[0] + 1
    record = CbsRecord.objects.get(region_code=own.cbs_code)
    response = client.post("/beheer/neighbourhoods/cbsrecord/", {
        "action": "delete_selected", "_selected_action": [record.pk], "post": "yes",
    })  # fmt: skip
    assert response.status_code == 302 and not CbsRecord.objects.filter(pk=record.pk).exists()
    commit_bumps()
    assert version(EVERYTHING)[0] > before_all[0]


# --- The cache -----------------------------------------------------------------------------------------------


def test_the_second_view_computes_nothing_and_the_view_after_a_write_shows_it(as_user, own, builds):
    client = as_user("researcher")
    first = client.get(PAGE)
    assert first.status_code == 200 and len(builds) == 1
    assert client.get(PAGE).content.count(b"kvs-num") == first.content.count(b"kvs-num")
    assert len(builds) == 1  # the hit skipped the computation
    # The report alone (as a PDF reads it) is an entry of its own: the page does not store it twice.
    report_before = buurtbeeld_cached(neighbourhood=own, year=YEAR)
    assert len(builds) == 2
    assert buurtbeeld_cached(neighbourhood=own, year=YEAR) is not None and len(builds) == 2
    _fragments_record(SimpleWorld(own))  # a new story through a bulk path
    commit_bumps()
    report_after = buurtbeeld_cached(neighbourhood=own, year=YEAR)
    assert fragments_shown(report_after) == fragments_shown(report_before) + 1
    assert len(builds) == 3
    assert client.get(PAGE).content.count(b"kvs-num") and len(builds) == 4  # the page, too, anew


class SimpleWorld:
    def __init__(self, own: Neighbourhood) -> None:
        self.own = own


def test_a_new_story_saved_through_a_form_shows_on_the_next_view(as_user, own, builds):
    client = as_user("researcher")
    shown = fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR))
    FragmentFactory(neighbourhood=own, year=YEAR, text="Nieuw verhaal van vandaag")  # a save(), as forms do
    commit_bumps()
    assert client.get(PAGE).status_code == 200
    assert fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR)) == shown + 1


def test_a_write_not_yet_committed_is_neither_read_from_nor_put_in_the_cache(own, builds):
    shown = fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR))
    with pytest.raises(RuntimeError), transaction.atomic():
        FragmentFactory(neighbourhood=own, year=YEAR, text="Wordt teruggedraaid")
        # Inside the writing transaction: its own (uncommitted) story, built fresh.
        assert fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR)) == shown + 1
        raise RuntimeError("rolled back")
    commit_bumps()  # nothing pending: the rollback took the bump with it
    assert fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR)) == shown
    assert len(builds) == 2  # the first view, and the one inside the transaction; the last was a hit


def test_a_version_reached_again_after_a_rollback_never_serves_the_rolled_back_report(own):
    key = neighbourhood_key(own.pk)
    before = version(key)
    with pytest.raises(RuntimeError), transaction.atomic():
        FragmentFactory(neighbourhood=own, year=YEAR, text="Teruggedraaid verhaal")
        commit_bumps()  # as if bumped and cached, then rolled back after all
        buurtbeeld_cached(neighbourhood=own, year=YEAR)
        rolled_back = version(key)
        raise RuntimeError
    assert version(key) == before
    FragmentFactory(neighbourhood=own, year=YEAR, text="Echt verhaal")
    FragmentFactory(neighbourhood=own, year=YEAR, text="Nog een echt verhaal")
    commit_bumps()
    assert version(key)[0] == rolled_back[0]  # the same count as the rolled-back one …
    assert version(key)[1] != rolled_back[1]  # … never the same token
    assert fragments_shown(buurtbeeld_cached(neighbourhood=own, year=YEAR)) == fragments_shown(
        report_cache.buurtbeeld_report(neighbourhood=own, year=YEAR)
    )


def test_a_reader_never_gets_the_synthesis_built_for_another_readers_access(as_user, own):
    url = "/rapporten/programmasynthese/programma-a/2025/"
    researcher = as_user("researcher").get(url).content.decode()
    connector = as_user("connector").get(url).content.decode()
    again = as_user("researcher").get(url).content.decode()
    assert "Buurt Zelfde Programma" in researcher and "Buurt Zelfde Programma" in again
    assert "Buurt Zelfde Programma" not in connector  # the connector sees only their own neighbourhood


def test_no_page_carries_another_readers_name_or_csrf_token(as_user, own):
    first = as_user("researcher").get(PAGE).content.decode()
    second = as_user("admin").get(PAGE).content.decode()
    assert "researcher" in first and "researcher" not in second


def test_the_page_from_cached_sections_is_the_page_rendered_afresh(as_user, own, monkeypatch):
    client = as_user("community_builder")
    client.get(PAGE)  # fills the cache
    rendered: list[int] = []
    real = report_cache.buurtbeeld_sections_html
    monkeypatch.setattr(report_cache, "buurtbeeld_sections_html", lambda r: rendered.append(1) or real(r))
    cached_page = client.get(PAGE).content.decode()
    assert rendered == []  # the sections came from the cache
    cache.clear()
    fresh_page = client.get(PAGE).content.decode()
    assert rendered == [1]
    assert _without_csrf(cached_page) == _without_csrf(fresh_page)


def test_the_cached_sections_hold_nothing_of_the_reader(as_user, own):
    as_user("community_builder").get(PAGE)
    _report, sections = report_cache.buurtbeeld_page_cached(neighbourhood=own, year=YEAR)
    assert "csrfmiddlewaretoken" not in sections and "community_builder" not in sections
    assert "Eigen Buurt" in sections or "Ans Schuilnaam" in sections  # the report itself is there


def _without_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_languages_are_kept_apart(as_user, own):
    client = as_user("researcher")
    dutch = client.get(PAGE).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(PAGE).content.decode()
    assert "fragmenten (verhalen en citaten)" in dutch
    assert "fragments (stories and quotes)" in english
    assert "fragmenten (verhalen en citaten)" not in english


def test_the_same_pdf_html_is_drawn_once(monkeypatch):
    drawn: list[str] = []
    monkeypatch.setattr(
        report_cache, "html_to_pdf", lambda html: drawn.append(html) or b"%PDF-" + html.encode()
    )
    assert pdf_cached(html="<p>a</p>") == pdf_cached(html="<p>a</p>") == b"%PDF-<p>a</p>"
    assert pdf_cached(html="<p>b</p>") == b"%PDF-<p>b</p>"
    assert drawn == ["<p>a</p>", "<p>b</p>"]


def test_the_token_of_a_neighbourhood_never_written_is_empty_and_stable(db):
    token = data_versions.data_versions_token(neighbourhood_ids=[10**9])
    assert re.fullmatch(r"all=[0-9a-f]*\|n:1000000000=", token)
    assert data_versions.data_versions_token(neighbourhood_ids=[10**9]) == token

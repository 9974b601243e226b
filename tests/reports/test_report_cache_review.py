"""Review of the report cache (reports.report_cache, reports.cache_invalidation): each test here failed on the
cache as first committed, and shows a reader or an administrator would notice — a report that outlives a
migration, a throttle pushed out by reports, an erased person's words still stored, a page that breaks on a
strange cache entry — or proves that the guard against writes without a bump can fail."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache, caches
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.test import override_settings

from krachtvansamen.neighbourhoods.data_versions import EVERYTHING
from krachtvansamen.people.models import Consent, Person
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.reports import report_cache
from krachtvansamen.settings import cache_settings
from tests.data_version_helpers import commit_bumps, version
from tests.reports import test_report_cache as committed
from tests.reports.conftest import QUOTE_OK, consent

OWN, YEAR = "BU90000001", 2025
PAGE = f"/rapporten/buurtbeeld/{OWN}/{YEAR}/"
SRC = Path(__file__).resolve().parents[2] / "src" / "krachtvansamen"


@pytest.fixture
def own(world):
    commit_bumps()
    return world.own


@pytest.fixture
def builds(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = report_cache.buurtbeeld_report

    def counting(**kwargs):
        calls.append(kwargs["neighbourhood"].pk)
        return real(**kwargs)

    monkeypatch.setattr(report_cache, "buurtbeeld_report", counting)
    return calls


# --- Staleness ------------------------------------------------------------------------------------------------


def test_a_migration_retires_every_cached_report(own, builds):
    """A data migration changes rows without signals, and a deploy (which runs ``kvs migrate``) changes the code
    that builds and renders the reports: neither may leave yesterday's report in the cache."""
    report_cache.buurtbeeld_cached(neighbourhood=own, year=YEAR)
    before = version(EVERYTHING)
    config = apps.get_app_config("reports")
    post_migrate.send(sender=config, app_config=config, verbosity=0, interactive=False, using="default",
                      apps=apps, plan=[])  # fmt: skip
    commit_bumps()
    assert version(EVERYTHING)[1] != before[1]
    report_cache.buurtbeeld_cached(neighbourhood=own, year=YEAR)
    assert len(builds) == 2


# --- The guard against writes that pass by the signals ---------------------------------------------------------


def _scan(monkeypatch, tmp_path: Path, files: dict[str, str]) -> dict[str, bool]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if text.startswith("\n") else text, encoding="utf-8")
    monkeypatch.setattr(committed, "SRC", tmp_path)
    return committed._writes_without_signals()


def test_the_guard_fails_when_a_service_loses_its_bump(monkeypatch, tmp_path):
    real = (SRC / "coding" / "quotes" / "services.py").read_text(encoding="utf-8")
    assert "data_versions_bump" in real
    planted = real.replace("data_versions_bump", "print")  # the bump removed, the write kept
    found = _scan(monkeypatch, tmp_path, {"coding/quotes/services.py": planted})
    assert found["coding/quotes/services.py:quote_review_reset"] is False


def test_the_guard_sees_a_queryset_kept_in_a_variable_and_the_api(monkeypatch, tmp_path):
    found = _scan(monkeypatch, tmp_path, {
        "coding/planted.py": """
            def hide_all(ids):
                rows = Fragment.objects.filter(pk__in=ids)
                rows.update(special_category=True)

            def counts(words):
                seen = {}
                seen.update(words)
        """,
        "api/planted.py": """
            def api_hide(ids):
                Fragment.objects.filter(pk__in=ids).update(special_category=True)
        """,
    })  # fmt: skip
    assert found.get("coding/planted.py:hide_all") is False
    assert found.get("api/planted.py:api_hide") is False
    assert "coding/planted.py:counts" not in found  # a dict's update is no write


# --- Robustness -----------------------------------------------------------------------------------------------


def _throttle_and_reports(tmp_reports: bool) -> dict[str, dict[str, object]]:
    small = {"MAX_ENTRIES": 4, "CULL_FREQUENCY": 2}
    caches_setting: dict[str, dict[str, object]] = {
        "default": {
            "BACKEND": "krachtvansamen.core.cache.DatabaseCache",
            "LOCATION": "kvs_review_cache",
            "OPTIONS": small,
        }
    }
    if tmp_reports:
        caches_setting["reports"] = {
            "BACKEND": "krachtvansamen.core.cache.DatabaseCache",
            "LOCATION": "kvs_review_report_cache",
            "OPTIONS": small,
        }
    return caches_setting  # fmt: skip


@pytest.mark.django_db
def test_reports_never_push_a_login_throttle_out_of_the_shared_cache():
    with override_settings(CACHES=_throttle_and_reports(tmp_reports=True)):
        call_command("createcachetable", verbosity=0)
        cache.set("kvs:login:failures:abc", 5, 600)
        for i in range(12):
            report_cache.cached(kind="buurtbeeld", arguments=(i,), neighbourhood_ids=[], build=lambda i=i: i)
        assert cache.get("kvs:login:failures:abc") == 5  # five failed log-ins still count
        assert (
            report_cache.cached(kind="buurtbeeld", arguments=(11,), neighbourhood_ids=[], build=lambda: -1)
            == 11
        )


def test_every_installation_keeps_its_reports_in_a_cache_of_their_own():
    for url in ("", "redis://127.0.0.1:6379/0"):
        setting = cache_settings(url)
        assert setting["reports"] != setting["default"]
        assert (setting["reports"].get("LOCATION"), setting["reports"].get("KEY_PREFIX")) != (
            setting["default"].get("LOCATION"), setting["default"].get("KEY_PREFIX"))  # fmt: skip


REPORTS_APART = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "review-default"},
    "reports": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "review-reports"},
}


def test_an_erased_persons_words_are_no_longer_stored_in_any_cached_report(
    as_user, own, world, django_capture_on_commit_callbacks
):
    with override_settings(CACHES=REPORTS_APART):
        cache.set("kvs:login:failures:abc", 5, 600)
        page = as_user("researcher").get(PAGE).content.decode()
        pdf_key = "kvs:report-pdf:planted"
        caches["reports"].set(pdf_key, b"%PDF- words of the person", 600)
        stored = list(caches["reports"]._cache)  # type: ignore[attr-defined]
        assert stored and "Ans" in page
        with django_capture_on_commit_callbacks(execute=True):
            person_erase(Person.objects.get(pk=world.ans.pk), None, "op verzoek")
        left = [key for key in stored if key in caches["reports"]._cache]  # type: ignore[attr-defined]
        assert left == []  # not only unreachable: gone from the cache's storage
        assert QUOTE_OK in page and QUOTE_OK not in as_user("researcher").get(PAGE).content.decode()
        assert cache.get("kvs:login:failures:abc") == 5  # the purge leaves the throttles alone


@pytest.fixture(autouse=True)
def cache_not_paused(monkeypatch):
    monkeypatch.setattr(report_cache, "_paused_until", 0.0)


@pytest.mark.parametrize("url", [PAGE, f"/rapporten/financiersrapport/{OWN}/{YEAR}/"])
def test_a_consent_narrowed_later_takes_the_quote_off_the_next_view(as_user, own, world, url):
    client = as_user("researcher")
    assert QUOTE_OK in client.get(url).content.decode()  # cached now
    consent(world.ans, Consent.Level.INTERNAL)  # Ans no longer wants to be quoted
    commit_bumps()
    assert QUOTE_OK not in client.get(url).content.decode()


def test_a_page_survives_a_cache_that_is_down_and_waits_for_it_once(as_user, own, builds, monkeypatch):
    asked: list[str] = []

    class Down:
        def get(self, key, *args, **kwargs):
            asked.append(key)  # each ask of a Redis that hangs costs its time-out (5 s)
            raise ConnectionError("Redis is gone")

        set = get

    monkeypatch.setattr(report_cache, "_report_cache", lambda: Down())
    client = as_user("researcher")
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200
    assert len(builds) == 2  # computed each time, never broken
    assert len(asked) == 1  # after the first failure the pages leave the cache alone for a while
    monkeypatch.setattr(report_cache, "_paused_until", 0.0)  # the pause is over
    assert client.get(PAGE).status_code == 200
    assert len(asked) == 2  # and then it is tried again


@pytest.mark.parametrize("entry", ["garbage", ("a", "b"), None, 42])
def test_a_page_survives_a_strange_cache_entry(as_user, own, monkeypatch, entry):
    """An entry written by an older version of the code (or by hand) is ignored, not served."""
    monkeypatch.setattr(report_cache, "_cache_get", lambda key: entry)
    monkeypatch.setattr(report_cache, "_cache_set", lambda key, value: None)
    response = as_user("researcher").get(PAGE)
    assert response.status_code == 200
    assert b"kvs-num" in response.content


def test_a_very_large_pdf_is_drawn_but_not_kept(monkeypatch):
    drawn: list[str] = []
    big = b"%PDF-" + b"x" * (report_cache.PDF_MAX_BYTES + 1)
    monkeypatch.setattr(report_cache, "html_to_pdf", lambda html: drawn.append(html) or big)
    assert report_cache.pdf_cached(html="<p>groot</p>") == big
    assert report_cache.pdf_cached(html="<p>groot</p>") == big
    assert len(drawn) == 2


def test_every_key_fits_the_database_caches_key_column():
    longest = report_cache.report_cache_key(kind="beleidssignalen", arguments=("x" * 10_000,), versions="v" * 10_000,
                                            language="nl")  # fmt: skip
    assert len(longest) + len(":1:") + len("kvs-report") <= 255


def test_the_purge_on_redis_deletes_the_reports_only(settings):
    """With Redis, clear() would empty the whole database (sessions, throttles, the job queue): only the keys
    under the reports' own prefix go."""
    from tests.core.test_shared_cache import redis_or_skip

    url = redis_or_skip()
    prefix = f"kvs-review-{time.time_ns()}"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, "KEY_PREFIX": prefix},
        "reports": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                    "KEY_PREFIX": f"{prefix}-report"},
    }  # fmt: skip
    try:
        cache.set("kvs:login:failures:abc", 5, 600)
        for i in range(1500):  # more than one batch
            caches["reports"].set(f"kvs:report:x:{i}", i, 600)
        report_cache.report_cache_purge()
        assert (
            caches["reports"].get("kvs:report:x:0") is None
            and caches["reports"].get("kvs:report:x:1499") is None
        )
        assert cache.get("kvs:login:failures:abc") == 5
    finally:
        cache.delete("kvs:login:failures:abc")
        report_cache.report_cache_purge()

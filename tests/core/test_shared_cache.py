"""Every process of an installation shares one cache: what one `kvs serve` worker counts (a wrong personal code,
an Effectenplein story), the next one sees (issue 14). Redis when KVS_REDIS_URL is set, else a database table."""

from __future__ import annotations

import base64
import os
import pickle
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone

from krachtvansamen.core.cache import DatabaseCache, cache_table_create
from krachtvansamen.settings import cache_settings

KVS = Path(sys.executable).with_name("kvs")
DATABASE_CACHE = cache_settings("")


def clean_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "KVS_DATA_DIR": str(data_dir), "KVS_SECRET_KEY": "s" * 60, **extra}
    for name in ("DATABASE_URL", "KVS_REDIS_URL"):
        if name not in extra:
            env.pop(name, None)
    return env


def settings_in_a_fresh_process(env: dict[str, str]) -> list[str]:
    code = (
        "import json, krachtvansamen.settings as s; "
        "print(s.CACHES['default']['BACKEND']); print(s.SESSION_ENGINE)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_without_redis_the_cache_is_a_database_table_and_sessions_are_database_rows(tmp_path):
    assert settings_in_a_fresh_process(clean_env(tmp_path)) == [
        "krachtvansamen.core.cache.DatabaseCache",
        "django.contrib.sessions.backends.db",
    ]


def test_with_kvs_redis_url_cache_and_sessions_go_through_redis(tmp_path):
    env = clean_env(tmp_path, KVS_REDIS_URL="redis://127.0.0.1:6379/3")
    assert settings_in_a_fresh_process(env) == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
    ]
    redis = cache_settings("redis://127.0.0.1:6379/3")["default"]
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/3" and redis["KEY_PREFIX"] == "kvs"


COUNT_FAILURES = """
import sys, django
django.setup()
from krachtvansamen.core.throttle import FailureThrottle
throttle = FailureThrottle("two-processes", count=3, seconds=600)
for _ in range(int(sys.argv[1])):
    throttle.failed("203.0.113.9")
print(throttle.wait("203.0.113.9"))
"""

COUNT_AT_ONCE = """
import sys, time, django
from pathlib import Path
django.setup()
from django.core.cache import cache
cache.add("at-once", 0, 600)  # the first process starts the counter
me, processes, times = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ready = Path(sys.argv[4])
(ready / me).touch()
while len(list(ready.iterdir())) < processes:  # start counting together
    time.sleep(0.01)
for _ in range(times):
    cache.incr("at-once")
"""


@pytest.fixture
def installation(tmp_path) -> dict[str, str]:
    """A SQLite installation in a file that several processes open (no KVS_REDIS_URL: the database cache)."""
    env = {**clean_env(tmp_path), "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings"}
    subprocess.run([str(KVS), "createcachetable"], env=env, check=True)
    return env


def python(env: dict[str, str], code: str, *args: object) -> subprocess.Popen[str]:
    run = [sys.executable, "-c", code, *map(str, args)]
    return subprocess.Popen(run, env=env, stdout=subprocess.PIPE, text=True)


def test_a_second_process_sees_the_failures_the_first_counted(installation):
    first = python(installation, COUNT_FAILURES, 2)
    assert int(first.communicate()[0]) == 0 and first.returncode == 0  # two wrong tries: still allowed
    second = python(installation, COUNT_FAILURES, 1)  # the third, in another process
    wait = int(second.communicate()[0])
    assert 500 < wait <= 600


def test_processes_counting_at_once_lose_no_count(installation, tmp_path):
    ready = tmp_path / "ready"
    ready.mkdir()
    processes, times = 2, 100
    running = [python(installation, COUNT_AT_ONCE, n, processes, times, ready) for n in range(processes)]
    assert [process.wait() for process in running] == [0] * processes
    database = sqlite3.connect(tmp_path / "krachtvansamen.sqlite3")
    (value,) = database.execute("SELECT value FROM kvs_cache WHERE cache_key LIKE '%at-once'").fetchone()
    database.close()
    assert pickle.loads(base64.b64decode(value)) == processes * times


@pytest.mark.django_db(transaction=True)
def test_the_post_migrate_step_makes_the_cache_table_and_leaves_an_existing_one(settings):
    settings.CACHES = DATABASE_CACHE
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS kvs_cache")
    cache_table_create()
    cache_table_create()  # a second migrate: no error, the rows stay
    caches["default"].set("kept", 1)
    cache_table_create()
    assert caches["default"].get("kept") == 1
    assert "kvs_cache" in connection.introspection.table_names()


@pytest.fixture
def database_cache(settings, transactional_db):
    settings.CACHES = DATABASE_CACHE
    cache_table_create()
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def expires_of(key: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT expires FROM kvs_cache WHERE cache_key = %s", [caches["default"].make_key(key)]
        )
        return cursor.fetchone()[0]


def test_incr_counts_on_and_keeps_the_window_that_add_started(database_cache):
    assert isinstance(database_cache, DatabaseCache)
    database_cache.add("failures", 1, 600)
    started = expires_of("failures")
    assert database_cache.incr("failures") == 2 and database_cache.incr("failures", 3) == 5
    assert database_cache.get("failures") == 5
    # Django's own incr writes the value back with the default timeout (300 s): the window would move.
    assert expires_of("failures") == started


def test_incr_of_a_missing_or_expired_counter_says_so_as_the_throttles_expect(database_cache):
    with pytest.raises(ValueError):
        database_cache.incr("never-counted")
    database_cache.add("gone", 1, 600)
    past = timezone.now().replace(microsecond=0) - timedelta(seconds=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE kvs_cache SET expires = %s WHERE cache_key = %s", [past, database_cache.make_key("gone")]
        )
    with pytest.raises(ValueError):
        database_cache.incr("gone")


def test_counting_at_once_from_several_connections_loses_no_count(database_cache):
    """Each thread has its own database connection and its own cache object, as two processes would. PostgreSQL
    only: the in-memory SQLite test database locks whole tables (the processes above count on a SQLite file)."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite: see test_processes_counting_at_once_lose_no_count")
    database_cache.add("at-once", 0, 600)
    threads, per_thread = 4, 15
    start = threading.Barrier(threads)
    errors: list[BaseException] = []

    def count() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                caches["default"].incr("at-once")
        except BaseException as error:  # pragma: no cover - shown by the assert below
            errors.append(error)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=count) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    assert database_cache.get("at-once") == threads * per_thread


def redis_or_skip() -> str:
    url = "redis://127.0.0.1:6379/15"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        pytest.skip("No Redis on 127.0.0.1:6379")
    return url


def test_two_redis_connections_see_the_same_throttle(settings):
    """As two worker processes (or two machines) would: each has its own client and connection pool."""
    settings.CACHES = cache_settings(redis_or_skip())
    from django.core.cache.backends.redis import RedisCache

    params = settings.CACHES["default"]
    first = RedisCache(params["LOCATION"], {**params, "KEY_PREFIX": f"kvs-test-{time.time_ns()}"})
    second = RedisCache(params["LOCATION"], {**params, "KEY_PREFIX": first.key_prefix})
    assert first._cache.get_client() is not second._cache.get_client()
    try:
        assert first.add("failures", 1, 600)
        assert not second.add("failures", 1, 600)  # the counter exists: the second process counts on
        assert second.incr("failures") == 2 and first.get("failures") == 2
    finally:
        first.delete("failures")

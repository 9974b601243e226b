"""Fixtures for the whole suite, and set-up that consecutive tests share instead of building it each time.

Shared set-up
-------------
Loading the shipped codebook costs about 0.1 s and a hundred tests ask for it. A fixture registered with
``@shared_setup(name)`` is built once into the test database, inside a transaction of its own; each test that
asks for it runs in pytest-django's usual per-test transaction *on top of* that one, so whatever the test
writes is rolled back and the shared rows stay for the next test. A test that does not ask for it never sees
it: when the next database test wants less (or other) shared set-up, the transactions of what it does not want
are rolled back first, so such a test starts from exactly the database it started from before. The set-up
is therefore built once per run of consecutive tests that want it (the codebook 15 times per suite instead of
116), not once per session: a session-wide load would put the codebook under the tests that assert on an
empty database.

Every user of a shared set-up gets the same rows (on SQLite even the same ids) and its own deep copy of the
returned objects, and the factories' sequence numbers move on as if it had built the set-up itself, so later
factory calls make the same names as before (only names that a factory numbered inside the set-up itself are
those of the first build). Tests that flush the database (``transactional_db``, ``django_db(transaction=True)``,
``live_server``) get no shared set-up; their fixtures build it inside the test as before. This works the same
on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import factory
import pytest
from django.db import transaction
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from krachtvansamen.framework.services import codebook_load_shipped
from tests import factories

# The production hasher is slow on purpose; tests create many users.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class SharedSetUp:
    name: str
    build: Callable[[], Any]
    after: tuple[str, ...]


# Registration order is the order in which shared set-ups are stacked.
SHARED_SETUPS: dict[str, SharedSetUp] = {}


def shared_setup(name: str, *, after: Iterable[str] = ()) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Register ``build`` as shared set-up for the tests that ask for the fixture called ``name``.

    That fixture returns ``shared_data.get(name)``. ``after``: shared set-ups that must be in the database
    first (and that the fixture asks for as well). ``name`` must be unique in the suite: it decides which
    tests get the set-up.
    """
    after = tuple(after)

    def register(build: Callable[[], Any]) -> Callable[[], Any]:
        assert name not in SHARED_SETUPS, f"shared set-up {name!r} registered twice"
        missing = [dependency for dependency in after if dependency not in SHARED_SETUPS]
        assert not missing, f"register {missing} before {name!r}"
        SHARED_SETUPS[name] = SharedSetUp(name=name, build=build, after=after)
        return build

    return register


def _sequence_counters() -> list[Any]:
    """The sequence counters of our factories (factory_boy shares one between a factory and its subclasses)."""
    counters = {}
    for value in vars(factories).values():
        if isinstance(value, type) and issubclass(value, factory.base.BaseFactory) and value._meta.model:
            value._meta._initialize_counter()
            counters[id(value._meta._counter)] = value._meta._counter
    return list(counters.values())


@dataclass
class _Layer:
    name: str
    block: Any  # the open atomic block it was built in
    value: Any  # what build returned
    sequences: list[tuple[Any, int]]  # (counter, how far the build moved it)
    handed_out: bool = False


class SharedData:
    """The stack of shared set-ups now in the test database, each in a transaction (savepoint) of its own."""

    def __init__(self, django_db_blocker: Any) -> None:
        self._blocker = django_db_blocker
        self._stack: list[_Layer] = []

    @staticmethod
    def wanted_by(fixturenames: Iterable[str]) -> list[str]:
        names = set(fixturenames) & SHARED_SETUPS.keys()
        todo = list(names)
        while todo:
            for dependency in SHARED_SETUPS[todo.pop()].after:
                if dependency not in names:
                    names.add(dependency)
                    todo.append(dependency)
        return [name for name in SHARED_SETUPS if name in names]

    def switch_to(self, names: list[str]) -> None:
        """Leave exactly ``names`` in the database: roll back what is not wanted, build what is missing."""
        keep = 0
        while keep < min(len(self._stack), len(names)) and self._stack[keep].name == names[keep]:
            keep += 1
        if keep == len(self._stack) == len(names):
            return
        with self._blocker.unblock():
            while len(self._stack) > keep:
                layer = self._stack.pop()
                transaction.set_rollback(True)
                layer.block.__exit__(None, None, None)
            for name in names[keep:]:
                self._push(name)

    def _push(self, name: str) -> None:
        counters = _sequence_counters()
        before = [counter.seq for counter in counters]
        block = transaction.atomic()
        block.__enter__()
        try:
            # What the autouse fixtures below give a test, so the rows are those the test's own fixture made.
            with override_settings(PASSWORD_HASHERS=FAST_PASSWORD_HASHERS), translation.override("nl"):
                value = SHARED_SETUPS[name].build()
        except BaseException:
            block.__exit__(*sys.exc_info())
            raise
        moved = [(counter, counter.seq - seq) for counter, seq in zip(counters, before, strict=True)]
        self._stack.append(_Layer(name, block, value, [(c, n) for c, n in moved if n]))

    def get(self, name: str) -> Any:
        """What the shared set-up returned, as a copy of this test's own; built here when it is not shared."""
        for layer in self._stack:
            if layer.name == name:
                if layer.handed_out:  # the first user saw the build move the counters; the others see it here
                    for counter, steps in layer.sequences:
                        counter.seq += steps
                layer.handed_out = True
                return copy.deepcopy(layer.value)
        return SHARED_SETUPS[name].build()


_live: list[SharedData] = []  # the session's SharedData, once a database test has made it


@pytest.fixture(scope="session")
def shared_data(django_db_setup, django_db_blocker) -> Iterator[SharedData]:
    shared = SharedData(django_db_blocker)
    _live.append(shared)
    yield shared
    shared.switch_to([])  # before django_db_setup drops the test database
    _live.remove(shared)


def _flushes_database(request: pytest.FixtureRequest) -> bool:
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(
        marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"))
    )
    return transactional or bool(
        {"transactional_db", "live_server", "django_db_reset_sequences"} & set(request.fixturenames)
    )


@pytest.fixture
def _shared_data_for_this_test(request, shared_data) -> None:
    shared_data.switch_to([] if _flushes_database(request) else shared_data.wanted_by(request.fixturenames))


@pytest.fixture
def _django_db_helper(_shared_data_for_this_test, _django_db_helper) -> None:
    """pytest-django's per-test transaction (its private fixture, pytest-django 4.14), opened on top of the
    shared set-up this test asks for: ``_shared_data_for_this_test`` runs first."""
    return _django_db_helper


def pytest_runtest_setup(item: pytest.Item) -> None:
    # Django's own TestCase classes open their transactions (or flush) without pytest-django's helper.
    cls = getattr(item, "cls", None)
    if _live and cls is not None and issubclass(cls, SimpleTestCase):
        _live[0].switch_to([])


@shared_setup("codebook")
def load_shipped_codebook():
    return codebook_load_shipped()[-1].codebook


@pytest.fixture
def codebook(db, shared_data):
    """The shipped codebook, loaded as `kvs demo` does."""
    return shared_data.get("codebook")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def dutch_by_default():
    # Django's test client runs requests in this thread and LocaleMiddleware leaves the last request's language
    # active; a test that asked for English must not make a later test see English messages.
    translation.activate("nl")
    yield
    translation.activate("nl")


def pytest_configure(config: pytest.Config) -> None:
    """The cache in local memory, as before installations shared one (settings.CACHES): a test without the
    database may count a throttle, and tests/core/test_shared_cache.py tests the shared backends themselves."""
    from django.conf import settings

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def empty_cache():
    """Throttles and rate limits count in Django's (process-wide, local-memory) cache: each test starts with none
    used, whatever the tests before it tried."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def _suggest_data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("kvs-suggest")


@pytest.fixture(autouse=True)
def suggestion_engine_here(settings, monkeypatch, _suggest_data_dir):
    """The suggestion engine trains in the request (no background thread touching the test database) and keeps
    its file in a temporary folder, never in the developer's ``var/``. The engine in memory is kept between
    tests: a test about learning asks for a fresh one."""
    settings.DATA_DIR = _suggest_data_dir
    monkeypatch.setenv("KVS_SUGGEST_BACKGROUND", "0")

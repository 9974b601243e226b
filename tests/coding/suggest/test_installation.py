"""The installation's engine: kept on disk and in memory, trained again in the background when people coded
since, and never trained twice for the same data."""

from __future__ import annotations

import pytest

from krachtvansamen.coding.suggest import installation
from krachtvansamen.coding.suggest.engine import Encoder, Engine
from krachtvansamen.core import serving
from krachtvansamen.framework.selectors import codes_current_by_key
from tests.coding.suggest.test_engine import examples, hashed

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(monkeypatch, settings, tmp_path):
    """A small engine instead of the real one, its own data folder, and a count of trainings."""
    settings.DATA_DIR = tmp_path
    trained: list[Engine] = []

    def build(extra=()):
        engine = Engine(encoder=Encoder(embed=hashed)).fit([*examples(), *extra])
        trained.append(engine)
        return engine

    monkeypatch.setattr(installation, "engine_build", build)
    monkeypatch.setattr(installation, "_encoder", Encoder(embed=hashed))
    installation.installation_engine_forget()
    yield trained
    installation.installation_engine_forget()


TEXT = "De gemeente geeft geen subsidie meer."


def scores(engine: Engine) -> list[float]:
    return [s.score for s in engine.suggest([TEXT])[0]]


def test_a_saved_engine_answers_as_the_original(small, codebook):
    engine = installation.engine_build()
    installation.engine_save(engine, installation.training_version())
    loaded, version = installation._engine_load()
    assert version == installation.training_version()
    assert scores(loaded) == scores(engine)


def test_a_new_process_starts_with_the_engine_on_disk_without_training(small, codebook):
    first = installation.installation_engine()
    assert len(small) == 1
    installation.installation_engine_forget()  # a restarted server
    again = installation.installation_engine()
    assert len(small) == 1
    assert scores(again) == scores(first)


def test_a_damaged_file_is_ignored_and_the_engine_trained(small, codebook, settings):
    installation._engine_file().parent.mkdir(parents=True, exist_ok=True)
    installation._engine_file().write_bytes(b"not a pickle")
    installation.installation_engine()
    assert len(small) == 1


def test_after_new_coding_the_old_engine_answers_while_a_new_one_trains(
    small, codebook, monkeypatch, coding_people
):
    from tests.factories import CodingFactory, FragmentFactory

    old = installation.installation_engine()
    started: list[tuple] = []
    monkeypatch.setenv("KVS_SUGGEST_BACKGROUND", "1")
    monkeypatch.setattr(installation, "_train_in_background", lambda version: started.append(version))
    monkeypatch.setattr(installation, "REFRESH_SECONDS", 0)
    code = codes_current_by_key()["factor.governance"]
    CodingFactory(fragment=FragmentFactory(neighbourhood=coding_people.north), code=code)
    assert installation.installation_engine() is old
    assert len(started) == 1 and started[0] == installation.training_version()
    # Asked again while it trains: no second training.
    assert installation.installation_engine() is old
    assert len(started) == 1
    # Waiting for a fresh one trains at once.
    fresh = installation.installation_engine(wait_for_fresh=True)
    assert fresh is not old and len(small) == 2


def test_within_the_refresh_time_no_training_at_all(small, codebook, coding_people):
    from tests.factories import CodingFactory, FragmentFactory

    old = installation.installation_engine()
    code = codes_current_by_key()["factor.governance"]
    CodingFactory(fragment=FragmentFactory(neighbourhood=coding_people.north), code=code)
    assert installation.installation_engine() is old
    assert len(small) == 1


def test_kvs_serve_warms_the_engine_in_the_background(monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(serving, "_on_start", [lambda: ran.append("warm")])
    for thread in serving.serve_start_tasks_run():
        thread.join(timeout=5)
    assert ran == ["warm"]


def test_the_coding_app_registers_its_warm_up():
    assert installation.installation_engine_warm in serving._on_start

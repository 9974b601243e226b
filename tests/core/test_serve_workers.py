"""`kvs serve --workers N`: N processes with gunicorn on Linux, one with waitress everywhere (issue 14)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from krachtvansamen.core.management.commands import serve as serve_command

linux_only = pytest.mark.skipif(not serve_command.several_processes_possible(), reason="gunicorn: Linux only")


@pytest.fixture
def started(monkeypatch):
    """Stand-ins for the servers and the start tasks: what would run, with what."""
    calls: dict[str, list] = {"waitress": [], "gunicorn": [], "start_tasks": []}
    monkeypatch.setattr(serve_command, "serve", lambda app, **kw: calls["waitress"].append((app, kw)))
    monkeypatch.setattr(
        serve_command, "gunicorn_serve", lambda app, options: calls["gunicorn"].append(options)
    )
    monkeypatch.setattr(serve_command, "serve_start_tasks_run", lambda: calls["start_tasks"].append(True))
    return calls


def test_one_process_is_waitress_with_the_start_tasks_run_once(started):
    call_command("serve", "--port", "8123", "--threads", "6")
    [(app, options)] = started["waitress"]
    assert options == {"host": "127.0.0.1", "port": 8123, "threads": 6, "ident": "krachtvansamen"}
    assert app.__qualname__.startswith("without_body_for_head")  # HEAD answered without a body
    assert started["start_tasks"] == [True] and started["gunicorn"] == []


@linux_only
def test_several_workers_are_gunicorn_and_the_start_tasks_wait_for_its_first_worker(started):
    call_command("serve", "--workers", "3", "--threads", "2", "--host", "0.0.0.0", "--port", "8124")
    [options] = started["gunicorn"]
    assert options["workers"] == 3 and options["threads"] == 2 and options["bind"] == ["0.0.0.0:8124"]
    assert options["preload_app"] is True
    assert options["post_worker_init"] is serve_command.start_tasks_in_first_worker
    assert started["waitress"] == [] and started["start_tasks"] == []  # not in the master, before the fork


def test_the_start_tasks_run_in_the_first_worker_only(monkeypatch):
    ran = []
    monkeypatch.setattr(serve_command, "serve_start_tasks_run", lambda: ran.append(True))
    serve_command.start_tasks_in_first_worker(SimpleNamespace(age=1))
    serve_command.start_tasks_in_first_worker(SimpleNamespace(age=2))  # its sibling
    serve_command.start_tasks_in_first_worker(SimpleNamespace(age=3))  # one that replaced a stopped worker
    assert ran == [True]


def test_an_ipv6_address_is_bound_in_brackets():
    assert serve_command.bind_address("::", 8000) == "[::]:8000"
    assert serve_command.bind_address("127.0.0.1", 8000) == "127.0.0.1:8000"


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_several_workers_on_windows_or_macos_is_a_clear_error(started, monkeypatch, platform):
    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(CommandError, match="alleen op Linux"):
        call_command("serve", "--workers", "2")
    call_command("serve", "--workers", "1")  # one process works there
    assert started["gunicorn"] == [] and len(started["waitress"]) == 1


@pytest.mark.parametrize("option", ["--workers", "--threads"])
def test_zero_workers_or_threads_is_refused(started, option):
    with pytest.raises(CommandError):
        call_command("serve", option, "0")
    assert started["waitress"] == started["gunicorn"] == []


@linux_only
def test_gunicorn_gets_our_settings_and_gunicorn_cmd_args_has_the_last_word(monkeypatch):
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--max-requests 500 --timeout 300")
    options = serve_command.gunicorn_options(host="127.0.0.1", port=8125, workers=4, threads=2)
    server = serve_command.gunicorn_application(lambda environ, start_response: [], options)
    cfg = server.cfg
    assert cfg.workers == 4 and cfg.threads == 2 and cfg.bind == ["127.0.0.1:8125"]
    assert cfg.worker_class_str == "gthread" and cfg.preload_app and cfg.control_socket_disable
    assert cfg.max_requests == 500 and cfg.timeout == 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@linux_only
def test_two_workers_really_serve(tmp_path):
    """A real `kvs serve --workers 2`: requests are answered by two different processes."""
    port = free_port()
    kvs = Path(sys.executable).with_name("kvs")
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "KVS_DATA_DIR": str(tmp_path),
        "KVS_SECRET_KEY": "t" * 60,
        # gunicorn's access log, with only the worker's pid and the status.
        "GUNICORN_CMD_ARGS": f"--access-logfile {log} --access-logformat '%(p)s %(s)s'",
    }
    env.pop("DATABASE_URL", None)
    env.pop("KVS_REDIS_URL", None)
    server = subprocess.Popen(
        [str(kvs), "serve", "--workers", "2", "--threads", "1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the master and its workers stop together
    )
    url = f"http://127.0.0.1:{port}/gezond/"

    def get(_: object = None) -> int:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"ok"
            return response.status

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get()
                break
            except OSError:
                assert server.poll() is None, "kvs serve --workers 2 stopped"
                assert time.monotonic() < deadline, "kvs serve --workers 2 did not start"
                time.sleep(0.1)
        pids: set[str] = set()
        with ThreadPoolExecutor(8) as pool:
            # Eight clients at once: a worker busy with one request leaves the next to the other.
            while len(pids) < 2 and time.monotonic() < deadline:
                assert set(pool.map(get, range(16))) == {200}
                pids = set(re.findall(r"<(\d+)> 200", log.read_text()))
        assert len(pids) == 2, f"answered by {pids}"
        assert str(server.pid) not in pids  # the workers answer, not the master
    finally:
        server.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        try:
            server.wait(timeout=3)
        except subprocess.TimeoutExpired:  # the first worker may still be loading deduce (a start task)
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)

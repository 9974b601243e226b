"""`kvs serve` answers HEAD with headers only, so a connection can be reused (issue #14)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from krachtvansamen.core.management.commands.serve import without_body_for_head


def test_the_wsgi_wrapper_drops_the_body_of_a_head_request_and_closes_it():
    closed = []

    class Body(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "5")])
        return Body([b"hello"])

    wrapped = without_body_for_head(app)
    assert list(wrapped({"REQUEST_METHOD": "GET"}, lambda *a: None)) == [b"hello"]
    assert list(wrapped({"REQUEST_METHOD": "HEAD"}, lambda *a: None)) == [] and closed == [True]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_real_kvs_serve_answers_head_without_a_body_and_keeps_the_connection_usable(tmp_path):
    port = free_port()
    kvs = Path(sys.executable).with_name("kvs")
    env = {**os.environ, "KVS_DATA_DIR": str(tmp_path), "KVS_SECRET_KEY": "t" * 60}
    env.pop("DATABASE_URL", None)
    server = subprocess.Popen(
        [str(kvs), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "kvs serve did not start"
                time.sleep(0.1)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("HEAD", "/gezond/")
        head = connection.getresponse()
        assert head.status == 200 and head.read() == b""
        assert head.getheader("Content-Length") == "2"
        connection.request("GET", "/gezond/")  # same connection
        get = connection.getresponse()
        assert get.status == 200 and get.read() == b"ok"
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)

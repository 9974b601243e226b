"""Browser tests: the app as `kvs demo` sets it up, served by `kvs serve`, driven by headless Chromium.

The server runs on its own fresh SQLite database in a temporary folder, so these tests also prove that
the README's first command works on an empty machine. Screenshots go to KVS_SCREENSHOT_DIR (default
./screenshots) so people can look at what the tests saw.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

CHROMIUM = os.environ.get("KVS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
PASSWORD = "kracht-demo"


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("KVS_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"KVS_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium chromium-driver)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("kvs-demo")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "KVS_DEMO_PASSWORD")}
    env.update({"KVS_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "krachtvansamen.settings"})
    kvs = [sys.executable, "-m", "krachtvansamen.cli"]
    subprocess.run([*kvs, "demo", "--no-serve"], env=env, check=True, capture_output=True, timeout=300)
    port = _free_port()
    # The server's log goes to a file, not a pipe: a pipe nobody reads fills up and then blocks the server.
    log_path = data_dir / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*kvs, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/gezond/", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                log.close()
                raise RuntimeError(
                    "kvs serve did not come up: " + log_path.read_text(errors="replace")[-2000:]
                ) from None
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = Path(os.environ.get("KVS_SCREENSHOT_DIR", "screenshots"))
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True, exist_ok=True)
    return path


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def login(browser, demo_server):
    contexts = []

    def _login(username: str, viewport: dict[str, int] = PHONE):
        context = browser.new_context(viewport=viewport, locale="nl-NL")
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{demo_server}/inloggen/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_url(f"{demo_server}/")
        return page

    yield _login
    for context in contexts:
        context.close()


# What a person would notice at once on a broken page: the server's error page, a traceback, "not found".
BROKEN = re.compile(r"Server Error|Serverfout|Traceback|Pagina niet gevonden|Page not found")


def status_of(page: Page) -> int:
    """The HTTP status of the document on screen (also after a click or a form post), as the browser got it."""
    status = page.evaluate("performance.getEntriesByType('navigation')[0]?.responseStatus ?? -1")
    assert isinstance(status, int) and status > 0, f"no status for {page.url}"
    return status


def healthy(page: Page, *expected: str | re.Pattern[str], status: int | None = None) -> None:
    """What a person sees at once: the document came with a good status (or ``status``), it is no error page,
    and each of ``expected`` (a heading or a text a person would look for) is on screen."""
    from playwright.sync_api import expect

    got = status_of(page)
    assert got == status if status is not None else got < 400, f"{page.url} answered {got}"
    body = page.locator("body")
    expect(body).not_to_contain_text(BROKEN)
    for text in expected:
        expect(body).to_contain_text(text, use_inner_text=True, ignore_case=True)


def look(
    page: Page,
    path: Path,
    *expected: str | re.Pattern[str],
    status: int | None = None,
    shot: Locator | None = None,
    full_page: bool = True,
) -> None:
    """``healthy``, then the screenshot (of ``shot`` only, when given): a screenshot of an error page would
    otherwise pass."""
    healthy(page, *expected, status=status)
    if shot is not None:
        shot.screenshot(path=path)
    else:
        page.screenshot(path=path, full_page=full_page)

"""A report PDF as a reader in the browser gets it (issue 14): the link leads to a job page with a progress bar;
when the job is done the page offers the PDF."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import look


def pdf_through_job_page(page: Page, server: str, href: str, screenshot: Path | None = None) -> bytes:
    """Open the PDF link, wait on its job page until the job is done, fetch the result; returns the PDF. A PDF
    drawn before (an earlier test, the same HTML) comes at once, as it would for the reader."""
    first = page.request.get(server + href, max_redirects=0)
    if first.status == 200:
        assert first.headers["content-type"] == "application/pdf" and first.body().startswith(b"%PDF")
        return first.body()
    assert first.status == 302 and re.search(r"/taken/\d+/$", first.headers["location"]), first.status
    page.goto(server + first.headers["location"])
    expect(page).to_have_url(re.compile(r"/taken/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rapport als pdf")
    download = page.get_by_role("link", name="Download het resultaat")
    expect(download).to_be_visible(timeout=90_000)  # htmx looks every 2 s; drawing takes seconds
    if screenshot is not None:
        look(page, screenshot, "Klaar")
    response = page.request.get(server + download.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert body.startswith(b"%PDF")
    return body

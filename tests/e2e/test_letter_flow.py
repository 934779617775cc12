"""End-to-end: draft a letter from a request, edit its text, download the .docx and read it back."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, describe, log_in, serious_violations
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_draft_edit_and_download_a_letter(browser: Any, site: Site, axe_source: str) -> None:
    context = browser.new_context(viewport=DESKTOP, accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)

    page.goto(site.url(f"/requests/{site.request_id}"))
    page.get_by_role("link", name="Draft a letter").click()
    page.wait_for_url(re.compile(r".*/letters/new.*"))
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    page.locator("input[name=items]").first.check()
    date_from = page.locator("#var-date_from")
    if date_from.count():
        date_from.fill("2021-12-01")
    page.get_by_role("button", name="Draft and preview").click()
    page.wait_for_url(re.compile(r".*/letters/\d+$"))
    expect(page.locator("textarea#text")).to_contain_text("Ala. Code § 36-12-40")

    added = "Please also include the council agenda report for the December 2021 extension."
    text = page.locator("textarea#text").input_value()
    page.locator("textarea#text").fill(text.rstrip() + "\n\n" + added)
    page.get_by_role("button", name="Save the text").click()
    expect(page.locator(".flashes")).to_be_visible()
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))

    with page.expect_download() as info:
        page.get_by_role("link", name="Word (.docx)").click()
    data = info.value.path().read_bytes()
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert added in words
    assert "Birmingham Police Department" in words and "Ala. Code § 36-12-40" in words
    context.close()

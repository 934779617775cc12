"""End-to-end: file an agreement, confirm facts proposed beside its page, publish the entry, and
find it on the public register's map and in its CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from records.core.clock import utc_now
from tests.e2e.browser import DESKTOP, PHONE, describe, log_in, overflow, serious_violations
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MOA = """MEMORANDUM OF AGREEMENT, 287(g) TASK FORCE MODEL
This Memorandum of Agreement is between U.S. Immigration and Customs Enforcement (ICE) and the City of Miami Police Department under Section 287(g) of the Immigration and Nationality Act, under the Task Force Model.
\fThis MOA will remain in effect until June 30, 2028.
"""
TITLE = "Browser-filed Miami 287(g) agreement"


def _extract(site: Site) -> int:
    from records.core.db import get_session
    from records.filing.extract import extract_pending

    with site.app.app_context():
        return extract_pending(get_session(), utc_now())


def test_file_confirm_publish_and_find_on_the_map(
    browser: Any, site: Site, axe_source: str
) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)
    anon = browser.new_context(viewport=DESKTOP, bypass_csp=True).new_page()
    anon.goto(site.url("/public/agreements/"))
    before = anon.locator('path[data-state="FL"]').get_attribute("class") or ""

    # File the agreement on the public Miami request, as public, through the upload form.
    page.goto(site.url(f"/requests/{site.public_request_id}"))
    page.set_input_files(
        "#file",
        files=[{"name": "miami-moa-2025.txt", "mimeType": "text/plain", "buffer": MOA.encode()}],
    )
    page.locator("#documents select#visibility").select_option("public")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".flashes")).to_contain_text("Filed 1 document")
    assert _extract(site) >= 1

    page.get_by_role("link", name="miami-moa-2025.txt").click()
    page.get_by_role("link", name="Register facts from this document").click()
    page.wait_for_url(re.compile(r".*/agreements/documents/\d+$"))
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    kind = page.get_by_role("form", name="Proposed Kind of agreement")
    expect(kind.locator("select[name=value]")).to_have_value("287g_tfm")
    kind.get_by_label("Title").fill(TITLE)
    kind.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flashes")).to_contain_text(f"Confirmed into the register: {TITLE}")

    expires = page.get_by_role("form", name="Proposed Expires")
    expect(expires).to_contain_text("June 30, 2028")  # shown beside page 2, with its words
    assert page.locator("#page-2").get_by_role("form", name="Proposed Expires").count() == 1
    chosen = expires.locator(f"select[name=agreement_id] option:has-text('{TITLE}')")
    expires.get_by_label("Agreement").select_option(chosen.get_attribute("value"))
    expires.get_by_role("button", name="Confirm").click()
    expect(page.locator(".flashes")).to_contain_text("Confirmed into the register")

    # Publish the entry from its page.
    page.get_by_role("link", name="Agreement register").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".register-facts")).to_contain_text("2028-06-30")
    uid = page.locator("dd code").first.inner_text()
    assert uid.startswith("agr-")
    page.get_by_label("Visibility").select_option("public")
    page.get_by_role("button", name="Save sharing").click()
    expect(page.locator(".flashes")).to_contain_text("Sharing saved")
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))

    # The public finds it on the map (Florida, one more agreement) and in the CSV.
    anon.goto(site.url("/public/agreements/"))
    assert "has-entries" in (anon.locator('path[data-state="FL"]').get_attribute("class") or "")
    florida = anon.locator('a:has(path[data-state="FL"])')
    label = florida.get_attribute("aria-label") or ""
    count = int(re.search(r"(\d+) agreement", label).group(1))  # type: ignore[union-attr]
    assert count >= (2 if "has-entries" in before else 1), label
    assert not serious_violations(anon, axe_source), describe(serious_violations(anon, axe_source))
    florida.focus()  # by keyboard: the state's shape is a link
    anon.keyboard.press("Enter")
    anon.wait_for_url(re.compile(r".*/public/agreements/\?state=FL$"))
    expect(anon.get_by_role("link", name=TITLE)).to_be_visible()
    anon.get_by_role("link", name=TITLE).click()
    expect(anon.locator(".register-facts")).to_contain_text("remain in effect until June 30, 2028")

    resp = anon.request.get(site.url("/public/agreements.csv"))
    assert resp.ok
    rows = list(csv.DictReader(io.StringIO(resp.text().lstrip("\ufeff"))))
    mine = [r for r in rows if r["id"] == uid]
    assert mine and mine[0]["title"] == TITLE and mine[0]["expires"] == "2028-06-30"
    assert mine[0]["state"] == "FL" and mine[0]["url"].endswith(f"/public/agreements/{uid}")
    context.close()
    anon.context.close()


def test_ledger_charts_and_a_register_filter_batch_are_accessible(
    browser: Any, site: Site, axe_source: str
) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)

    # Two years of one agency's ledger, typed into the ledger's form.
    page.goto(site.url("/agreements/ledger"))
    for year, line, amount in (
        ("2022", "receipts", "40,000.00"),
        ("2023", "receipts", "60,000.00"),
        ("2023", "spent", "25,000.00"),
        ("2023", "spent_equipment", "25,000.00"),
    ):
        page.locator("#l-agency").select_option(str(site.agency_id))
        page.locator("#l-year").fill(year)
        page.locator("#l-line").select_option(line)
        page.locator("#l-amount").fill(amount)
        page.get_by_role("button", name="Save figure").click()
        expect(page.locator(".flashes")).to_contain_text("Figure saved")
    chart = page.locator(f'figure[aria-labelledby="agency-{site.agency_id}-caption"]')
    expect(chart.get_by_role("img")).to_have_count(1)
    expect(chart.get_by_role("row", name=re.compile("FY2023"))).to_contain_text("$25,000.00")
    expect(page.get_by_role("cell", name="d. Law Enforcement Equipment")).to_be_visible()
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    page.set_viewport_size(PHONE)
    width = overflow(page)
    assert width["scroll"] <= width["view"], width
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    page.set_viewport_size(DESKTOP)

    # A register filter opens the letter batch with its agencies chosen.
    page.goto(site.url("/agreements/"))
    page.locator("#new-kind").select_option("287g_wso")
    page.get_by_role("button", name="Create entry").click()
    page.goto(site.url("/agreements/?kind=287g_wso&copy=missing"))
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    page.get_by_role("link", name="Draft requests to these agencies").click()
    page.wait_for_url(re.compile(r".*/letters/batch\?.*agency_ids="))
    expect(page.locator("#preselected")).to_contain_text("Chosen from the agreement register")
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    context.close()

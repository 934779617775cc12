"""A request created through the form is found in search by its title, its agency's name and
its tracking number; "ICE" puts ICE first in the agency directory."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, log_in
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_new_request_is_found_by_title_agency_and_tracking_number(
    browser: Any, site: Site
) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    base = site.base
    log_in(page, base, site.email, site.password)

    page.goto(base + "/agencies/new")
    page.get_by_label("Name", exact=True).fill("Etowah County Sheriff's Office")
    page.get_by_label("Level").select_option("sheriff")
    page.get_by_label("Jurisdiction").select_option("AL")
    page.get_by_role("button", name="Save agency").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/agencies/\d+$"))

    page.goto(base + "/requests/new")
    title = "Etowah jail detainer log, 2026"
    page.get_by_label("Title", exact=True).fill(title)
    # The typeahead above the agency list: "ICE" suggests ICE first; picking a suggestion
    # chooses it in the list (which works on its own without scripts).
    finder = page.get_by_label("Find an agency by name or abbreviation")
    finder.fill("ICE")
    options = page.locator("#agency-find-list option")
    # (the demo directory holds ICE's FOIA office)
    expect(options.first).to_have_attribute(
        "value", re.compile(r"^U\.S\. Immigration and Customs Enforcement")
    )
    finder.fill("Etowah")
    expect(options).to_have_count(1)
    finder.fill("Etowah County Sheriff's Office (AL)")
    expect(page.locator("#agency-find-status")).to_contain_text("Selected")
    expect(page.get_by_label("Agency", exact=True).locator("option:checked")).to_have_text(
        "Etowah County Sheriff's Office (AL)"
    )
    page.get_by_label("Subject").select_option("agreements")
    page.get_by_label("Agency tracking number").fill("ECSO-2026-4471")
    page.get_by_role("button", name="Save request").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/requests/\d+$"))

    # "File again" chooses several agencies: each one picked is added to those selected.
    page.goto(page.url + "/file-again")
    finder = page.get_by_label("Find an agency by name or abbreviation")
    finder.fill("Etowah")
    expect(page.locator("#agency-find-list option")).to_have_count(1)
    finder.fill("Etowah County Sheriff's Office (AL)")
    expect(page.locator("#agency-find-status")).to_contain_text("Added: Etowah County")
    expect(finder).to_have_value("")  # ready for the next agency
    expect(page.get_by_label("Other agencies").locator("option:checked")).to_have_text(
        ["Etowah County Sheriff's Office (AL)"]
    )

    # The request list's agency filter offers only the agencies at hand; the same typeahead
    # finds any other in the directory and filters by it.
    page.goto(base + "/requests/")
    finder = page.get_by_label("Find an agency by name or abbreviation")
    finder.fill("Etowah")
    expect(page.locator("#agency-find-list option")).to_have_count(1)
    finder.fill("Etowah County Sheriff's Office (AL)")
    expect(page.locator("#agency-find-status")).to_contain_text("Selected")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"agency_id=\d+"))
    expect(page.locator("tbody")).to_contain_text(title)
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.get_by_label("Agency", exact=True).locator("option:checked")).to_have_text(
        "Etowah County Sheriff's Office"
    )

    for query in ("detainer log", "Etowah County Sheriff", "ECSO-2026-4471"):
        page.goto(base + "/search/")
        page.get_by_label("Words to find").fill(query)
        page.get_by_role("button", name="Search").click()
        expect(page.locator(".search-hits").get_by_role("link", name=title)).to_have_count(1)

    # The directory: "ICE" is a word, not every "Sheriff's Office"; ICE itself comes first.
    page.goto(base + "/agencies/?q=ICE")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("U.S. Immigration and Customs Enforcement")
    expect(page.locator("tbody")).not_to_contain_text("Etowah County Sheriff")
    assert errors == [], errors
    context.close()

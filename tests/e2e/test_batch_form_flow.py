"""End-to-end: the batch form keeps what was typed across a subject change, and its CSV across
the preview, so the letters are drafted from one upload."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, log_in
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_subject_change_and_preview_keep_typed_values_and_the_csv(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    csv_path = tmp_path / "sheriffs.csv"
    csv_path.write_text(
        "name,jurisdiction,level\nZq Travis County Sheriff,TX,sheriff\n"
        "Zq Harris County Sheriff,TX,sheriff\n",
        encoding="utf-8",
    )
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)
    page.goto(site.url("/letters/batch"))

    page.locator("#description").fill("Every equitable-sharing agreement in force.")
    page.locator("#fee_cap").fill("35")
    page.locator("#format").select_option("paper")
    page.locator("#skip_existing").uncheck()
    page.locator("#csv").set_input_files(str(csv_path))
    page.locator("#subject").select_option("forfeiture")
    page.locator("#agency_kind").select_option("sheriff")
    page.get_by_role("button", name="Show records").click()
    page.wait_for_load_state()

    expect(page.locator("#subject")).to_have_value("forfeiture")
    expect(page.locator("#agency_kind")).to_have_value("sheriff")
    expect(page.locator("#description")).to_have_value(
        "Every equitable-sharing agreement in force."
    )
    expect(page.locator("#fee_cap")).to_have_value("35")
    expect(page.locator("#format")).to_have_value("paper")
    expect(page.locator("#skip_existing")).not_to_be_checked()
    expect(page.locator("#csv-kept")).to_contain_text("sheriffs.csv")

    page.locator("#item-esac").check()
    page.get_by_role("button", name="Preview recipients").click()
    expect(page.locator("#recipients")).to_have_text("Recipients (2)")
    expect(page.locator("#csv-kept")).to_contain_text("sheriffs.csv")
    expect(page.locator("#item-esac")).to_be_checked()

    page.get_by_role("button", name="Draft the letters").click()
    page.wait_for_url(re.compile(r".*/letters/batch/\d+$"))
    expect(page.locator("main")).to_contain_text("2 drafted, 0 failed")
    context.close()

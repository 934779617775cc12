"""End-to-end: open an agency's report card from its page and the state comparison, on a desktop
and a phone, with the charts' text alternatives and axe-core's checks."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import DESKTOP, PHONE, describe, log_in, overflow, serious_violations
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _check(page: Any, axe_source: str) -> None:
    bad = serious_violations(page, axe_source)
    assert not bad, describe(bad)


def test_agency_report_card_and_state_comparison(browser: Any, site: Site, axe_source: str) -> None:
    errors: list[str] = []
    for viewport in (DESKTOP, PHONE):
        # axe-core is injected as an inline script; the charts carry no inline style or script
        # (tests/test_reports.py), so their colours come from the served stylesheet either way.
        context = browser.new_context(viewport=viewport, bypass_csp=True)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        log_in(page, site.base, site.email, site.password)

        page.goto(site.url("/reports/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Report cards")
        page.get_by_role("link", name=re.compile("Birmingham Police")).first.click()
        page.wait_for_url(re.compile(r".*/reports/agencies/\d+$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Report card: Birmingham")
        charts = page.locator("figure.report-chart svg[role=img]")
        assert charts.count() == 3
        for i in range(charts.count()):
            svg = charts.nth(i)
            assert (svg.locator("title").text_content() or "").strip()
            assert (svg.locator("desc").first.text_content() or "").strip()
        # the chart stylesheet applies: bars are coloured, not black
        fill = page.evaluate(
            "() => getComputedStyle(document.querySelector('.report-chart svg .color-0') "
            "|| document.body).fill"
        )
        assert fill and fill != "rgb(0, 0, 0)", fill
        expect(
            page.locator("table caption", has_text="Days taken, counted from receipt")
        ).to_be_visible()
        _check(page, axe_source)
        if viewport is PHONE:
            wide = overflow(page)
            assert wide["scroll"] <= wide["view"], wide

        page.get_by_role("link", name=re.compile("Compare in AL")).click()
        page.wait_for_url(re.compile(r".*/reports/states/AL.*"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("AL:")
        expect(page.locator("#state-compare-desc")).to_contain_text("Median business days")
        expect(page.get_by_role("table")).to_contain_text("Birmingham")
        page.get_by_label("Kind of agency").select_option("")
        page.get_by_role("button", name="Compare").click()
        expect(page.get_by_role("table")).to_contain_text("Birmingham")
        _check(page, axe_source)
        if viewport is PHONE:
            wide = overflow(page)
            assert wide["scroll"] <= wide["view"], wide
        context.close()
    assert not errors, errors

"""End-to-end: a real browser against the real server, with real forms, keyboard and axe-core."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import (
    DESKTOP,
    PHONE,
    describe,
    focused,
    has_focus_ring,
    log_in,
    overflow,
    screenshot_dir,
    serious_violations,
)
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAV = ["Dashboard", "Requests", "Agencies", "Laws", "Public archive", "Settings"]
ANONYMOUS_PAGES: dict[str, Callable[[Site], str]] = {
    "welcome": lambda s: "/",
    "login": lambda s: "/login",
    "register": lambda s: "/register",
    "laws list (anonymous)": lambda s: "/laws/",
    "public archive": lambda s: "/public/",
    "public request page": lambda s: f"/public/requests/{s.public_request_id}",
}
MEMBER_PAGES: dict[str, Callable[[Site], str]] = {
    "dashboard": lambda s: "/",
    "requests list": lambda s: "/requests/",
    "request page": lambda s: f"/requests/{s.request_id}",
    "new request form": lambda s: "/requests/new",
    "edit request form": lambda s: f"/requests/{s.request_id}/edit",
    "agencies list": lambda s: "/agencies/",
    "agency page": lambda s: f"/agencies/{s.agency_id}",
    "new agency form": lambda s: "/agencies/new",
    "laws list": lambda s: "/laws/",
    "law page (federal)": lambda s: "/laws/US",
    "law page (state)": lambda s: "/laws/AL",
    "public archive (member)": lambda s: "/public/",
    "settings": lambda s: "/settings",
    "change password": lambda s: "/settings/password",
}


@pytest.fixture(scope="module")
def member_context(browser: Any, site: Site) -> Iterator[Any]:
    """A logged-in desktop context. CSP bypass lets the tests inject axe-core and nothing else."""
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    log_in(context.new_page(), site.base, site.email, site.password)
    yield context
    context.close()


@pytest.fixture(scope="module")
def anonymous_context(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    yield context
    context.close()


def _console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_register_create_agency_and_request_then_find_it(browser: Any, site: Site) -> None:
    """A new reporter registers, creates an organization, an agency and a request, and finds it."""
    context = browser.new_context(viewport=DESKTOP)  # CSP enforced: no injected scripts here
    page = context.new_page()
    errors = _console_errors(page)
    base = site.base

    page.goto(base + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Rosa Reporter")
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("Password (at least 10 characters)").fill("long enough password")
    page.get_by_label("Repeat password").fill("long enough password")
    page.get_by_role("button", name="Create account").click()

    # Registering never logs in (the answer is the same for a taken address): log in next.
    page.wait_for_url(re.compile(re.escape(base) + r"/login"))
    page.get_by_label("Email", exact=True).fill("rosa@example.org")
    page.get_by_label("Password").fill("long enough password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/orgs/new")
    page.get_by_label("Organization name").fill("Valley Free Press")
    page.get_by_label("Kind").select_option("newsroom")
    page.get_by_role("button", name="Create organization").click()
    page.wait_for_url(base + "/")
    expect(page.locator(".flashes")).to_contain_text("Valley Free Press is ready")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Agencies").click()
    page.get_by_role("link", name="Add agency").click()
    page.get_by_label("Name", exact=True).fill("Otero County Detention Center")
    page.get_by_label("Level").select_option("jail")
    page.get_by_label("Jurisdiction").select_option("NM")
    page.get_by_role("button", name="Save agency").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/agencies/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Otero County Detention Center")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="New request").click()
    title = "Otero County jail and ICE: emails about detainers, 2025"
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Agency", exact=True).select_option(
        label="Otero County Detention Center (NM)"
    )
    page.get_by_label("Subject").select_option("communications")
    page.get_by_label("Records description").fill("Emails between jail staff and ICE ERO.")
    page.get_by_role("button", name="Save request").click()
    page.wait_for_url(re.compile(re.escape(base) + r"/requests/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    page.wait_for_url(base + "/")
    recent = page.locator("#recent-h + .table-wrap")
    expect(recent.get_by_role("link", name=title)).to_have_count(1)
    expect(recent).to_contain_text("Otero County Detention Center (NM)")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Requests").click()
    page.wait_for_url(base + "/requests/")
    expect(page.get_by_role("link", name=title)).to_have_count(1)
    expect(page.locator(".count")).to_have_text("1 request")
    # The demo organization's requests belong to another organization: none may leak in.
    expect(page.locator("tbody tr")).to_have_count(1)

    assert errors == [], f"browser console errors (CSP or script): {errors}"
    context.close()


def test_skip_link_and_main_nav_reachable_by_tab_with_visible_focus(
    browser: Any, site: Site
) -> None:
    """Tab reaches the skip link first, then every main navigation link, each visibly focused."""
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)

    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Skip to content"
    assert skip["visible"], "the skip link must come on screen when focused"
    assert has_focus_ring(skip), f"no visible focus style on the skip link: {skip}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # A fresh load (not a reload of ".../#main") so Tab starts from the top of the page.
    page.goto(site.url("/"))
    seen: list[str] = []
    for _ in range(25):
        page.keyboard.press("Tab")
        info = focused(page)
        in_nav = page.evaluate("!!document.activeElement.closest('nav[aria-label=Main]')")
        if in_nav:
            assert info["visible"] and has_focus_ring(info), f"weak focus on nav link: {info}"
            seen.append(info["text"])
        if set(NAV) <= set(seen):
            break
    # Pages added later may add links; the main ones must all be there, in this order.
    assert [text for text in seen if text in NAV] == NAV, seen
    context.close()


@pytest.mark.parametrize("name", list(ANONYMOUS_PAGES))
def test_anonymous_pages_have_no_serious_axe_violations(
    anonymous_context: Any, site: Site, axe_source: str, name: str
) -> None:
    page = anonymous_context.new_page()
    response = page.goto(site.url(ANONYMOUS_PAGES[name](site)))
    assert response is not None and response.status == 200
    found = serious_violations(page, axe_source)
    page.close()
    assert not found, f"axe found serious problems on the {name} page:\n{describe(found)}"


@pytest.mark.parametrize("name", list(MEMBER_PAGES))
def test_member_pages_have_no_serious_axe_violations(
    member_context: Any, site: Site, axe_source: str, name: str
) -> None:
    page = member_context.new_page()
    response = page.goto(site.url(MEMBER_PAGES[name](site)))
    assert response is not None and response.status == 200
    assert page.get_by_role("heading", level=1).count() == 1
    found = serious_violations(page, axe_source)
    page.close()
    assert not found, f"axe found serious problems on the {name} page:\n{describe(found)}"


def _request_subpages(page: Any, site: Site) -> list[str]:
    """Pages linked from the request page that hang off it (letters, timeline, documents...)."""
    page.goto(site.url(f"/requests/{site.request_id}"))
    prefix = f"/requests/{site.request_id}/"
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        path = href.split("#")[0].split("?")[0]
        if path.startswith(prefix) and path not in found:
            found.append(path)
    return found


def _nav_pages(page: Any, site: Site) -> list[str]:
    """Every page the main navigation links to (features add their own entries)."""
    page.goto(site.url("/"))
    hrefs = page.eval_on_selector_all(
        "nav[aria-label=Main] a[href]", "els => els.map(e => e.getAttribute('href'))"
    )
    return list(dict.fromkeys(h for h in hrefs if h.startswith("/")))


def _check_pages(context: Any, site: Site, axe_source: str, paths: list[str]) -> list[str]:
    """Run axe and the phone-width check on each HTML page among ``paths``; return problems."""
    page = context.new_page()
    problems = []
    for path in paths:
        probe = context.request.get(site.url(path))
        if probe.status >= 500:
            problems.append(f"{path}: server error {probe.status}")
            continue
        if probe.status != 200 or "text/html" not in probe.headers.get("content-type", ""):
            continue  # calendar files, .docx downloads and the like are not pages
        page.goto(site.url(path))
        found = serious_violations(page, axe_source)
        if found:
            problems.append(f"{path}:\n{describe(found)}")
        page.set_viewport_size(PHONE)
        width = overflow(page)
        page.set_viewport_size(DESKTOP)
        if width["scroll"] > width["view"]:
            problems.append(f"{path}: wider than a phone: {width}")
    page.close()
    return problems


def test_pages_linked_from_the_request_page_pass_axe_and_fit_a_phone(
    member_context: Any, site: Site, axe_source: str
) -> None:
    """Every HTML page linked under the request (its edit form at least) passes the same checks."""
    page = member_context.new_page()
    subpages = _request_subpages(page, site)
    page.close()
    assert f"/requests/{site.request_id}/edit" in subpages
    problems = _check_pages(member_context, site, axe_source, subpages)
    assert not problems, "\n".join(problems)


def test_every_main_nav_page_passes_axe_and_fits_a_phone(
    member_context: Any, site: Site, axe_source: str
) -> None:
    """The pages behind every main navigation link, including ones features add later."""
    page = member_context.new_page()
    paths = _nav_pages(page, site)
    page.close()
    assert {"/", "/requests/", "/agencies/", "/laws/", "/public/", "/settings"} <= set(paths)
    problems = _check_pages(member_context, site, axe_source, paths)
    assert not problems, "\n".join(problems)


def test_main_pages_fit_a_phone_without_horizontal_scrolling(
    browser: Any, site: Site, tmp_path: Path
) -> None:
    """At 390x844 no main page scrolls sideways (wide tables scroll inside their own box)."""
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)
    shots = screenshot_dir(tmp_path)
    keep_all = shots != tmp_path  # a folder was asked for: keep every page to look at
    too_wide = {}
    pages = {**{k: f(site) for k, f in MEMBER_PAGES.items()}}
    for name, path in pages.items():
        page.goto(site.url(path))
        width = overflow(page)
        if width["scroll"] > width["view"]:
            too_wide[name] = width
        if name in ("dashboard", "requests list") or keep_all:
            page.screenshot(path=str(shots / f"phone-{name.replace(' ', '-')}.png"), full_page=True)
    context.close()
    anonymous = browser.new_context(viewport=PHONE, is_mobile=True)
    page = anonymous.new_page()
    for name, make_path in ANONYMOUS_PAGES.items():
        page.goto(site.url(make_path(site)))
        width = overflow(page)
        if width["scroll"] > width["view"]:
            too_wide[name] = width
    anonymous.close()
    assert not too_wide, f"pages wider than a 390px phone: {too_wide}"
    assert (shots / "phone-dashboard.png").stat().st_size > 0


def test_desktop_screenshots_of_dashboard_and_requests(
    member_context: Any, site: Site, tmp_path: Path
) -> None:
    """Desktop screenshots (kept when RECORDS_E2E_SCREENSHOTS names a folder) show the data."""
    shots = screenshot_dir(tmp_path)
    page = member_context.new_page()
    for name, path in (("dashboard", "/"), ("requests-list", "/requests/")):
        page.goto(site.url(path))
        assert page.locator("tbody tr").count() > 0
        page.screenshot(path=str(shots / f"desktop-{name}.png"), full_page=True)
    page.close()
    assert (shots / "desktop-dashboard.png").stat().st_size > 0

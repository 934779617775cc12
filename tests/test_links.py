"""Links in feeds and emails point where the app is served, not at a hard-coded default."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from icalendar import Calendar
from sqlmodel import select

from records import create_app
from records.core.models import User
from records.notify import service as notify
from records.notify.prefs import Prefs, save_preferences
from tests.notify_support import SmtpSink, add_deadline

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TOKEN_RE = re.compile(r"(\S+/calendar/cal_[A-Za-z0-9_-]+\.ics)")


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    """The suite's config without SERVER_NAME and BASE_URL: links must come from somewhere."""
    return {k: v for k, v in config.items() if k != "SERVER_NAME"} | {"BASE_URL": ""}


def _login_at(client, user, org, base_url: str) -> None:
    """``login`` for a client that talks to ``base_url`` (cookies belong to one host)."""
    with client.session_transaction(base_url=base_url) as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["org_id"] = org.id


def _new_feed(client, base_url: str, member) -> str:
    _login_at(client, member[1], member[0], base_url)
    resp = client.post("/notifications/calendars/me", base_url=base_url, follow_redirects=True)
    match = TOKEN_RE.search(resp.get_data(as_text=True))
    assert match, "the new feed address is shown"
    return match.group(1)


def _feed_urls(client, address: str, base_url: str) -> list[str]:
    path = address.split("/calendar/", 1)[1]
    resp = client.get(f"/calendar/{path}", base_url=base_url)
    assert resp.status_code == 200
    return [str(e["URL"]) for e in Calendar.from_ical(resp.data).walk("VEVENT")]


def test_a_feed_links_to_the_host_and_port_it_was_fetched_at(client, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 12, 8))
    address = _new_feed(client, "http://127.0.0.1:5301", member)
    assert address.startswith("http://127.0.0.1:5301/calendar/cal_")  # not port 5000
    assert _feed_urls(client, address, "http://127.0.0.1:5301") == [
        f"http://127.0.0.1:5301/requests/{req.id}"
    ]
    assert _feed_urls(client, address, "http://desk.lan:8080") == [
        f"http://desk.lan:8080/requests/{req.id}"
    ]
    _login_at(client, user, org, "http://desk.lan:8080")
    download = client.get(f"/requests/{req.id}/deadlines.ics", base_url="http://desk.lan:8080")
    assert f"http://desk.lan:8080/requests/{req.id}".encode() in download.data


def test_forwarded_host_counts_only_behind_trusted_proxies(config, client, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 12, 8))
    address = _new_feed(client, "http://127.0.0.1:8000", member)
    forwarded = {"X-Forwarded-Host": "records.example.org", "X-Forwarded-Proto": "https"}
    path = "/calendar/" + address.split("/calendar/", 1)[1]
    # Without TRUSTED_PROXIES the headers are anyone's to send: ignored.
    plain = client.get(path, base_url="http://127.0.0.1:8000", headers=forwarded)
    assert f"http://127.0.0.1:8000/requests/{req.id}".encode() in plain.data
    proxied_app = create_app(config | {"TRUSTED_PROXIES": 1})
    try:
        resp = proxied_app.test_client().get(
            path, base_url="http://127.0.0.1:8000", headers=forwarded
        )
    finally:
        proxied_app.extensions["db_engine"].dispose()
    assert f"https://records.example.org/requests/{req.id}".encode() in resp.data


def test_base_url_when_set_is_used_everywhere(app, client, db, factory, member):
    app.config["BASE_URL"] = "https://records.example.org/desk/"
    org, user = member
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 12, 8))
    address = _new_feed(client, "http://127.0.0.1:5301", member)
    assert address.startswith("https://records.example.org/desk/calendar/cal_")
    assert _feed_urls(client, address, "http://127.0.0.1:5301") == [
        f"https://records.example.org/desk/requests/{req.id}"
    ]


def test_reminder_emails_link_to_where_the_recipient_uses_the_app(app, client, db, factory):
    sink = SmtpSink()
    sink.start()
    app.config.update(sink.config() | {"PORT": 5301})
    try:
        org = factory.org()
        reader, colleague, newcomer = (factory.user(org) for _ in range(3))
        save_preferences(db, org.id, None, Prefs(weekly_digest=False), NOW)
        db.commit()
        _login_at(client, reader, org, "http://127.0.0.1:5301")
        assert client.get("/", base_url="http://127.0.0.1:5301").status_code == 200
        # A colleague sending a forged Host changes only the colleague's own links.
        other = app.test_client()
        _login_at(other, colleague, org, "http://evil.example")
        assert other.get("/", base_url="http://evil.example").status_code == 200
        stored = db.exec(select(User.id, User.last_seen_url).order_by(User.id)).all()
        assert dict(stored)[reader.id] == "http://127.0.0.1:5301"
        assert dict(stored)[colleague.id] == "http://evil.example"
        reqs = {}
        for user in (reader, colleague, newcomer):
            reqs[user.id] = factory.request(org, user, visibility="private")
            add_deadline(db, reqs[user.id], date(2026, 11, 24))
        assert notify.sweep(app.extensions["db_engine"], NOW, "w1", app.config).delivered == 3
        bodies = {str(m["To"]): m.get_payload() for m in sink.messages}
    finally:
        sink.stop()
    assert f"http://127.0.0.1:5301/requests/{reqs[reader.id].id}" in bodies[reader.email]
    assert "evil.example" not in bodies[reader.email] + bodies[newcomer.email]
    # Someone who never opened a page gets the address the app was started on (HOST:PORT).
    assert f"http://127.0.0.1:5301/requests/{reqs[newcomer.id].id}" in bodies[newcomer.email]


def test_production_start_warns_when_base_url_is_unset(config, caplog):
    caplog.set_level(logging.WARNING, logger="records.core.links")
    for extra, warns in (
        ({"TESTING": False}, True),
        ({"TESTING": False, "BASE_URL": "https://records.example.org"}, False),
        ({"TESTING": False, "SERVER_NAME": "records.example.org"}, False),
        ({"TESTING": False, "DEBUG": True}, False),
        ({}, False),  # under tests
    ):
        caplog.clear()
        built = create_app(config | extra)
        built.extensions["db_engine"].dispose()
        said = any("BASE_URL is not set" in r.getMessage() for r in caplog.records)
        assert said == warns, extra


def test_the_address_is_stored_after_the_request_session_is_closed(app):
    from records.core import db as records_db
    from records.core.links import _remember_address

    funcs = app.teardown_appcontext_funcs
    # Teardown runs last-registered first: the store must come after the session is closed.
    assert funcs.index(_remember_address) < funcs.index(records_db._close_session)

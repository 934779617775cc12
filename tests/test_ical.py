"""Calendar feeds: parsed back with icalendar; stable UIDs, SEQUENCE on moves, access rules."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import time_machine
from icalendar import Calendar
from sqlmodel import select

from records.notify.models import CalendarFeed
from tests.conftest import login
from tests.notify_support import add_deadline, move_deadline

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TOKEN_RE = re.compile(r"/calendar/(cal_[A-Za-z0-9_-]+)\.ics")


def _new_feed(client, scope="me"):
    with time_machine.travel(NOW, tick=False):
        resp = client.post(f"/notifications/calendars/{scope}", follow_redirects=True)
    assert resp.status_code == 200
    match = TOKEN_RE.search(resp.get_data(as_text=True))
    assert match, "the new feed URL is shown once"
    return f"/calendar/{match.group(1)}.ics"


def _events(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    assert resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_feed_lists_open_deadlines_with_stable_uids(client, db, factory, member):
    org, user = member
    req = factory.request(org, user, title="ICE detainer emails")
    add_deadline(db, req, date(2026, 12, 8), "response", explanation="Counted from receipt.")
    add_deadline(db, req, date(2027, 1, 5), "appeal", state="met")  # met: not shown
    url = _new_feed(client)
    events = _events(client, url)
    uid = f"deadline-{req.id}-response@records-desk"
    assert set(events) == {uid}
    event = events[uid]
    assert event.decoded("DTSTART") == date(2026, 12, 8)
    assert event.decoded("DTEND") == date(2026, 12, 9)
    assert "ICE detainer emails" in str(event["SUMMARY"])
    assert "Counted from receipt." in str(event["DESCRIPTION"])
    assert int(event["SEQUENCE"]) == 0
    assert set(_events(client, url)) == {uid}  # same UID on every fetch


def test_sequence_and_last_modified_change_when_the_date_moves(client, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    first = add_deadline(db, req, date(2026, 12, 8), computed_at=datetime(2026, 11, 20, tzinfo=UTC))
    url = _new_feed(client)
    before = _events(client, url)[f"deadline-{req.id}-response@records-desk"]
    moved_at = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
    move_deadline(db, first, date(2026, 12, 22), moved_at)
    after = _events(client, url)[f"deadline-{req.id}-response@records-desk"]
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == date(2026, 12, 22)
    assert after.decoded("LAST-MODIFIED") == moved_at
    assert before.decoded("LAST-MODIFIED") == datetime(2026, 11, 20, tzinfo=UTC)


def test_revoked_feed_is_gone(client, db, factory, member):
    org, user = member
    url = _new_feed(client)
    assert client.get(url).status_code == 200
    feed = db.exec(select(CalendarFeed)).one()
    with time_machine.travel(NOW, tick=False):
        client.post(f"/notifications/calendars/{feed.id}/revoke")
    assert client.get(url).status_code == 404
    assert client.get("/calendar/cal_not-a-real-token.ics").status_code == 404


def test_other_org_feed_never_shows_our_deadlines(client, db, factory, member):
    org, user = member
    ours = factory.request(org, user, title="Our request")
    add_deadline(db, ours, date(2026, 12, 8))
    other_org = factory.org()
    other = factory.user(other_org)
    theirs = factory.request(other_org, other, title="Their request")
    add_deadline(db, theirs, date(2026, 12, 9))
    login(client, other, other_org)
    for scope in ("me", "org"):
        events = _events(client, _new_feed(client, scope))
        assert set(events) == {f"deadline-{theirs.id}-response@records-desk"}


def test_private_requests_stay_out_of_org_feeds_and_colleagues_feeds(client, db, factory, member):
    org, owner = member
    colleague = factory.user(org, role="editor")
    secret = factory.request(org, colleague, visibility="private", title="Source-sensitive")
    shared = factory.request(org, colleague)
    add_deadline(db, secret, date(2026, 12, 8))
    add_deadline(db, shared, date(2026, 12, 8))
    shared_uid = f"deadline-{shared.id}-response@records-desk"
    secret_uid = f"deadline-{secret.id}-response@records-desk"
    assert set(_events(client, _new_feed(client, "org"))) == {shared_uid}
    assert set(_events(client, _new_feed(client, "me"))) == {shared_uid}
    login(client, colleague, org)
    assert set(_events(client, _new_feed(client, "me"))) == {shared_uid, secret_uid}


def test_only_owners_create_org_feeds(client, factory, member):
    org, _ = member
    viewer = factory.user(org, role="viewer")
    login(client, viewer, org)
    assert client.post("/notifications/calendars/org").status_code == 403


def test_feed_stops_when_its_user_leaves(client, db, factory, member):
    org, owner = member
    from records.core.models import Membership

    editor = factory.user(org, role="editor")
    login(client, editor, org)
    url = _new_feed(client)
    membership = db.exec(select(Membership).where(Membership.user_id == editor.id)).one()
    db.delete(membership)
    db.commit()
    assert client.get(url).status_code == 404


def test_request_ics_download(client, db, factory, member):
    org, user = member
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 12, 8))
    resp = client.get(f"/requests/{req.id}/deadlines.ics")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    cal = Calendar.from_ical(resp.data)
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == [
        f"deadline-{req.id}-response@records-desk"
    ]
    assert "deadlines.ics" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    stranger_org = factory.org()
    stranger = factory.user(stranger_org)
    login(client, stranger, stranger_org)
    assert client.get(f"/requests/{req.id}/deadlines.ics").status_code == 404

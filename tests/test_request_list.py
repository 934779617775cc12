"""The request list: next due date and clock, days overdue, sorting, the due and waiting filters,
bulk actions (mark sent, assign, visibility, delete with confirmation and audit, CSV export), and
a dashboard that shows the most urgent items with counts, not everything."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from records.core.audit_models import AuditLog
from tests.conftest import assert_redirect, bearer, login


@pytest.fixture
def desk(client, factory):
    org = factory.org()
    owner = factory.user(org)
    h = bearer(factory.token(owner, org))
    agency = client.post(
        "/api/v1/agencies",
        json={"name": "Madison County Sheriff", "level": "sheriff", "jurisdiction": "AL"},
        headers=h,
    ).json
    made = {}
    for title in ("Alpha jail contract", "Bravo booking log", "Charlie draft"):
        made[title] = client.post(
            "/api/v1/requests",
            json={"agency_id": agency["id"], "title": title, "subject": "agreements"},
            headers=h,
        ).json
    # Alpha was sent a month ago (overdue by now), Bravo today (due within the law's days).
    for title, day in (("Alpha jail contract", "2026-10-01"), ("Bravo booking log", "2026-11-24")):
        resp = client.post(
            f"/api/v1/requests/{made[title]['id']}/events",
            json={"type": "sent", "date": day},
            headers=h,
        )
        assert resp.status_code == 201, resp.json
    login(client, owner, org)
    return org, owner, h, {t: r["id"] for t, r in made.items()}


def _titles(page: str) -> list[str]:
    out = []
    for title in ("Alpha jail contract", "Bravo booking log", "Charlie draft"):
        if title in page:
            out.append((page.index(title), title))
    return [t for _i, t in sorted(out)]


def test_columns_filters_and_sorting(client, desk):
    _org, _owner, _h, ids = desk
    page = client.get("/requests/").get_data(as_text=True)
    for column in ("Next due", "Days overdue", "Tracking number", "Assignee", "Agency"):
        assert column in page
    overdue = client.get("/requests/?due=overdue").get_data(as_text=True)
    assert _titles(overdue) == ["Alpha jail contract"]
    assert '<strong class="overdue">' in overdue
    assert _titles(client.get("/requests/?waiting=us").get_data(as_text=True)) == ["Charlie draft"]
    agency_side = client.get("/requests/?waiting=agency").get_data(as_text=True)
    assert sorted(_titles(agency_side)) == ["Alpha jail contract", "Bravo booking log"]
    by_due = client.get("/requests/?sort=due&dir=asc").get_data(as_text=True)
    # Earliest deadline first; a request with no open deadline last.
    assert _titles(by_due) == ["Alpha jail contract", "Bravo booking log", "Charlie draft"]
    assert client.get("/requests/?due=someday").status_code == 400
    assert client.get("/requests/?sort=tracking&dir=asc").status_code == 200


def test_due_this_week_follows_the_clock(client, desk, clock):
    _org, _owner, h, ids = desk
    bravo = client.get(f"/api/v1/requests/{ids['Bravo booking log']}", headers=h).json
    first_due = min(d["due"] for d in bravo["deadlines"] if d["due"] and d["state"] == "open")
    day = date.fromisoformat(first_due)
    if day - timedelta(days=7) > date(2026, 11, 24):
        assert "Bravo booking log" not in client.get("/requests/?due=week").get_data(as_text=True)
    clock.move_to(max(date(2026, 11, 24), day - timedelta(days=3)))
    week = client.get("/requests/?due=week").get_data(as_text=True)
    assert "Bravo booking log" in week and "Charlie draft" not in week


def test_bulk_mark_sent_assign_visibility_and_export(client, desk, factory, db):
    org, owner, h, ids = desk
    colleague = factory.user(org, role="editor")
    picked = [ids["Charlie draft"], ids["Bravo booking log"]]
    resp = client.post("/requests/bulk", data={"action": "mark_sent", "ids": picked})
    assert_redirect(resp, "/requests/")
    status = client.get(f"/api/v1/requests/{ids['Charlie draft']}", headers=h).json["status"]
    assert status == "sent"
    client.post(
        "/requests/bulk", data={"action": "assign", "assignee_id": colleague.id, "ids": picked}
    )
    client.post(
        "/requests/bulk", data={"action": "visibility", "visibility": "private", "ids": picked}
    )
    for rid in picked:
        got = client.get(f"/api/v1/requests/{rid}", headers=h).json
        assert got["assignee_id"] == colleague.id and got["visibility"] == "private"
    export = client.post("/requests/bulk", data={"action": "export", "ids": picked})
    assert export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff"))))
    assert sorted(r["title"] for r in rows) == ["Bravo booking log", "Charlie draft"]
    assert all(r["clock"] and r["next_due"] for r in rows)
    # A bad choice is refused with a message, not a 500, and changes nothing.
    bad = client.post(
        "/requests/bulk", data={"action": "visibility", "visibility": "x", "ids": picked}
    )
    assert_redirect(bad, "/requests/")
    nothing = client.post("/requests/bulk", data={"action": "assign"})
    assert_redirect(nothing, "/requests/")


def test_bulk_delete_asks_first_and_is_audited(client, desk, db):
    _org, _owner, h, ids = desk
    target = ids["Charlie draft"]
    ask = client.post("/requests/bulk", data={"action": "delete", "ids": [target]})
    assert ask.status_code == 200 and b"Delete 1 request?" in ask.data
    assert client.get(f"/api/v1/requests/{target}", headers=h).status_code == 200
    done = client.post(
        "/requests/bulk", data={"action": "delete", "confirm": "yes", "ids": [target]}
    )
    assert_redirect(done, "/requests/")
    assert client.get(f"/api/v1/requests/{target}", headers=h).status_code == 404
    db.expire_all()
    trail = db.exec(
        select(AuditLog).where(
            AuditLog.object_type == "recordrequest", AuditLog.object_id == str(target)
        )
    ).all()
    assert "delete" in {e.action for e in trail}


def test_bulk_actions_never_reach_requests_the_member_cannot_see(client, desk, factory):
    org, _owner, h, ids = desk
    other = factory.org()
    stranger = factory.user(other)
    theirs = factory.request(other, stranger, title="Their private file", visibility="private")
    client.post("/requests/bulk", data={"action": "delete", "confirm": "yes", "ids": [theirs.id]})
    sh = bearer(factory.token(stranger, other))
    assert client.get(f"/api/v1/requests/{theirs.id}", headers=sh).status_code == 200
    export = client.post("/requests/bulk", data={"action": "export", "ids": [theirs.id]})
    assert b"Their private file" not in export.data
    viewer = factory.user(org, role="viewer")
    login(client, viewer, org)
    denied = client.post(
        "/requests/bulk", data={"action": "delete", "confirm": "yes", "ids": [ids["Charlie draft"]]}
    )
    assert denied.status_code == 403
    assert client.get(f"/api/v1/requests/{ids['Charlie draft']}", headers=h).status_code == 200


def test_dashboard_shows_the_most_urgent_with_counts(client, desk, factory):
    org, owner, h, ids = desk
    agency_id = client.get(f"/api/v1/requests/{ids['Alpha jail contract']}", headers=h).json[
        "agency_id"
    ]
    for n in range(12):
        rid = client.post(
            "/api/v1/requests",
            json={"agency_id": agency_id, "title": f"Late file {n:02d}", "subject": "agreements"},
            headers=h,
        ).json["id"]
        client.post(
            f"/api/v1/requests/{rid}/events", json={"type": "sent", "date": "2026-09-01"}, headers=h
        )
    page = client.get("/").get_data(as_text=True)
    assert "13 requests →" in page
    assert "/requests/?due=overdue" in page.replace("&amp;", "&")
    section = page[page.index("<h3>Overdue") : page.index("<h3>Due this week")]
    shown = sum(1 for n in range(12) if f"Late file {n:02d}" in section)
    assert 0 < shown <= 10


def test_dashboard_and_list_counts_stop_at_the_cap(client, desk, factory, monkeypatch):
    from records.requests import service as rr

    org, owner, h, ids = desk
    agency_id = client.get(f"/api/v1/requests/{ids['Alpha jail contract']}", headers=h).json[
        "agency_id"
    ]
    for n in range(7):
        rid = client.post(
            "/api/v1/requests",
            json={"agency_id": agency_id, "title": f"Late file {n:02d}", "subject": "agreements"},
            headers=h,
        ).json["id"]
        client.post(
            f"/api/v1/requests/{rid}/events", json={"type": "sent", "date": "2026-09-01"}, headers=h
        )
    page = client.get("/").get_data(as_text=True)
    assert "8 requests →" in page  # under the cap: the exact count
    monkeypatch.setattr(rr, "DASHBOARD_COUNT_CAP", 5)
    monkeypatch.setattr(rr, "COUNT_CAP", 5)
    page = client.get("/").get_data(as_text=True)
    overdue = page[page.index("<h3>Overdue") : page.index("<h3>Due this week")]
    assert "5+ requests →" in overdue
    assert "sent <strong>5+</strong>" in page
    # The list counts up to the cap past its page's offset too, and says when it stopped.
    listed = client.get("/requests/?due=overdue").get_data(as_text=True)
    assert '<p class="count">5+ requests</p>' in listed
    api = client.get("/api/v1/requests?due=overdue&per_page=3", headers=h).json
    assert (api["total"], api["total_capped"], len(api["items"])) == (5, True, 3)
    deeper = client.get("/api/v1/requests?due=overdue&per_page=3&page=2", headers=h).json
    assert (deeper["total"], deeper["total_capped"], len(deeper["items"])) == (8, False, 3)
    monkeypatch.setattr(rr, "COUNT_CAP", 1000)
    listed = client.get("/requests/?due=overdue").get_data(as_text=True)
    assert '<p class="count">8 requests</p>' in listed


def test_agency_filter_lists_the_agencies_written_to_up_to_its_cap(client, desk, monkeypatch):
    from records.requests import service as rr

    _org, _owner, h, _ids = desk
    other = client.post(
        "/api/v1/agencies",
        json={"name": "Etowah County Jail", "level": "jail", "jurisdiction": "AL"},
        headers=h,
    ).json
    unused = client.post(
        "/api/v1/agencies",
        json={"name": "Baldwin County Sheriff", "level": "sheriff", "jurisdiction": "AL"},
        headers=h,
    ).json
    client.post(
        "/api/v1/requests",
        json={"agency_id": other["id"], "title": "Delta jail roster", "subject": "agreements"},
        headers=h,
    )

    def options(url: str) -> list[str]:
        page = client.get(url).get_data(as_text=True)
        field = page[page.index('<select id="agency_id"') :]
        return re.findall(r'<option value="(\d+)"', field[: field.index("</select>")])

    # Every agency the organization wrote to, by name; not the rest of the directory.
    for url in ("/requests/", "/search/?q=jail"):
        assert options(url) == [str(other["id"]), str(_agency_of(client, h))], url
        assert str(unused["id"]) not in options(url)
    # An agency filtered by is listed (and chosen) even when none of the requests went to it.
    assert options(f"/requests/?agency_id={unused['id']}") == [
        str(unused["id"]),
        str(other["id"]),
        str(_agency_of(client, h)),
    ]
    # Past the cap only the chosen one is listed (the typeahead finds the others).
    monkeypatch.setattr(rr, "AGENCY_CHOICES_CAP", 1)
    assert options("/requests/") == []
    assert options(f"/requests/?agency_id={other['id']}") == [str(other["id"])]
    assert options(f"/search/?q=jail&agency_id={other['id']}") == [str(other["id"])]


def _agency_of(client, h) -> int:
    items = client.get("/api/v1/requests?q=Alpha", headers=h).json["items"]
    return items[0]["agency_id"]

"""Pages send a fixed number of SQL statements, whatever the organization holds (no N+1), and
reads several parts of a page share are sent once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.conftest import bearer, login

# The most each page may send once the member is logged in (the session's user and membership
# lookups included). Lower is fine; more means a query per row or a repeated query.
BUDGET = {
    "request list": 10,  # one for the bulk form's list of projects ("Add to project")
    "api list": 9,
    "dashboard": 18,
    "public archive": 6,
    "agencies": 6,
    "request page": 14,
}


@contextmanager
def counting(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(_conn: Any, _cur: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    engine = app.extensions["db_engine"]
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def newsroom(client, factory):
    org = factory.org()
    owner = factory.user(org)
    h = bearer(factory.token(owner, org))
    agencies = [
        client.post(
            "/api/v1/agencies",
            json={"name": f"County {n} Sheriff", "level": "sheriff", "jurisdiction": "AL"},
            headers=h,
        ).json["id"]
        for n in range(3)
    ]
    return org, owner, h, agencies


def _file(client, h, agencies, count: int, start: int) -> list[int]:
    """``count`` requests through the API, each sent (so each has open deadlines)."""
    ids = []
    for n in range(start, start + count):
        resp = client.post(
            "/api/v1/requests",
            json={
                "agency_id": agencies[n % len(agencies)],
                "title": f"Jail contract {n}",
                "subject": "agreements",
                "visibility": "public" if n % 2 else "organization",
            },
            headers=h,
        )
        assert resp.status_code == 201, resp.json
        sent = client.post(
            f"/api/v1/requests/{resp.json['id']}/events",
            json={"type": "sent", "date": "2026-10-01" if n % 3 else "2026-11-20"},
            headers=h,
        )
        assert sent.status_code == 201, sent.json
        ids.append(resp.json["id"])
    return ids


def _counts(app, client, h, request_id: int) -> dict[str, int]:
    urls = {
        "request list": ("/requests/", {}),
        "api list": ("/api/v1/requests?per_page=25", h),
        "dashboard": ("/", {}),
        "public archive": ("/public/", {}),
        "agencies": ("/agencies/", {}),
        "request page": (f"/requests/{request_id}", {}),
    }
    out = {}
    for name, (url, headers) in urls.items():
        assert client.get(url, headers=headers).status_code == 200  # first visit may write
        with counting(app) as seen:
            resp = client.get(url, headers=headers)
        assert resp.status_code == 200, (url, resp.status_code)
        out[name] = len(seen)
    return out


def test_statements_per_page_do_not_grow_with_the_data(app, client, newsroom):
    org, owner, h, agencies = newsroom
    first = _file(client, h, agencies, 3, 0)
    login(client, owner, org)
    few = _counts(app, client, h, first[0])
    more = _file(client, h, agencies, 30, 3)  # more than a page of requests
    many = _counts(app, client, h, more[-1])
    assert many == few, (few, many)
    for name, count in many.items():
        assert count <= BUDGET[name], (name, count, BUDGET[name])


def test_request_page_reads_its_deadlines_once(app, client, newsroom):
    org, owner, h, agencies = newsroom
    (request_id,) = _file(client, h, agencies, 1, 0)
    login(client, owner, org)
    client.get(f"/requests/{request_id}")
    with counting(app) as seen:
        page = client.get(f"/requests/{request_id}")
    assert page.status_code == 200
    assert "Acknowledgment" in page.get_data(as_text=True) or "Response" in page.get_data(
        as_text=True
    )
    deadline_reads = [s for s in seen if s.lstrip().startswith("SELECT deadline.id")]
    assert len(deadline_reads) == 1, deadline_reads
    unread = [s for s in seen if "FROM notification" in s and "count(" in s]
    assert len(unread) <= 1, unread


def test_dashboard_counts_unread_notifications_once(app, client, newsroom):
    org, owner, h, agencies = newsroom
    _file(client, h, agencies, 2, 0)
    login(client, owner, org)
    client.get("/")
    with counting(app) as seen:
        assert client.get("/").status_code == 200
    unread = [s for s in seen if "FROM notification" in s and "count(" in s]
    assert len(unread) == 1, unread


def test_public_archive_filter_lists_only_agencies_with_public_requests(client, newsroom, factory):
    org, owner, h, agencies = newsroom
    quiet = client.post(
        "/api/v1/agencies",
        json={"name": "Quiet Town Police", "level": "city", "jurisdiction": "AL"},
        headers=h,
    ).json["id"]
    client.post(
        "/api/v1/requests",
        json={"agency_id": quiet, "title": "Internal only", "visibility": "organization"},
        headers=h,
    )
    _file(client, h, agencies, 2, 0)  # the second is public, at County 1 Sheriff
    page = client.get("/public/").get_data(as_text=True)
    assert "County 1 Sheriff" in page
    assert "Quiet Town Police" not in page
    assert "Internal only" not in page


def test_public_archive_filter_past_its_bound_lists_a_jurisdictions_agencies(
    client, newsroom, monkeypatch
):
    from records.filing import public_views

    org, owner, h, agencies = newsroom
    texan = client.post(
        "/api/v1/agencies",
        json={"name": "Austin Police", "level": "police", "jurisdiction": "TX"},
        headers=h,
    ).json["id"]
    quiet = client.post(
        "/api/v1/agencies",
        json={"name": "Quiet Texas Sheriff", "level": "sheriff", "jurisdiction": "TX"},
        headers=h,
    ).json["id"]
    for agency, title, shown in (
        (texan, "Austin jail contract", "public"),
        (quiet, "Internal only", "organization"),
    ):
        client.post(
            "/api/v1/requests",
            json={"agency_id": agency, "title": title, "visibility": shown},
            headers=h,
        )
    _file(client, h, agencies, 4, 0)  # public at County 1 and County 0 Sheriff (AL)
    monkeypatch.setattr(public_views, "AGENCY_CHOICES", 2)
    page = client.get("/public/").get_data(as_text=True)
    # Three agencies have published: more than the filter lists, so the name is typed.
    assert '<input id="agency" name="agency"' in page
    assert '<option value="County 1 Sheriff"' not in page
    assert '<option value="Austin Police"' not in page
    assert '<option value="WY"' in page  # every jurisdiction is offered
    texas = client.get("/public/?jurisdiction=TX").get_data(as_text=True)
    assert '<option value="Austin Police"' in texas
    assert "Quiet Texas Sheriff" not in texas and "Internal only" not in texas
    assert '<option value="County 1 Sheriff"' not in texas
    typed = client.get("/public/?agency=County+1+Sheriff").get_data(as_text=True)
    assert 'value="County 1 Sheriff"' in typed
    assert "Jail contract 1" in typed and "Jail contract 3" not in typed  # at County 0
    assert "Austin jail contract" not in typed

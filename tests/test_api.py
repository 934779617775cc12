"""JSON API: bearer tokens, CRUD, pagination, JSON errors, malformed input never 500s."""

from __future__ import annotations

import pytest

from records.api.serialize import AGENCY_KEYS, REQUEST_KEYS
from records.core.models import Agency, RecordRequest
from tests.conftest import bearer


@pytest.fixture
def api(factory):
    org = factory.org()
    user = factory.user(org)
    return org, user, bearer(factory.token(user, org))


def test_requires_token(client):
    resp = client.get("/api/v1/requests")
    assert resp.status_code == 401
    assert resp.json["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/requests", headers=bearer("rd_forged")).status_code == 401


def test_agency_and_request_crud(client, api):
    org, user, h = api
    a = client.post(
        "/api/v1/agencies",
        json={
            "name": "ICE FOIA Office",
            "level": "federal",
            "jurisdiction": "us",
            "component": "dhs",
        },
        headers=h,
    )
    assert a.status_code == 201
    agency = a.json
    assert (
        set(agency) == {*AGENCY_KEYS, "notes"}
        and agency["jurisdiction"] == "US"
        and agency["component"] == "DHS"
    )
    r = client.post(
        "/api/v1/requests",
        json={
            "agency_id": agency["id"],
            "title": "287(g) agreements in Florida",
            "subject": "agreements",
            "date_from": "2025-01-20",
        },
        headers=h,
    )
    assert r.status_code == 201
    req = r.json
    assert set(req) == set(REQUEST_KEYS) | {"overdue", "deadlines"}
    assert req["law_code"] == "US" and req["status"] == "draft"
    p = client.patch(
        f"/api/v1/requests/{req['id']}", json={"tracking_number": "2026-ICFO-01234"}, headers=h
    )
    assert p.json["tracking_number"] == "2026-ICFO-01234"
    assert (
        client.get(f"/api/v1/requests/{req['id']}", headers=h).json["title"]
        == "287(g) agreements in Florida"
    )
    pa = client.patch(f"/api/v1/agencies/{agency['id']}", json={"phone": "866-633-1182"}, headers=h)
    assert pa.json["phone"] == "866-633-1182"
    assert client.delete(f"/api/v1/requests/{req['id']}", headers=h).status_code == 204
    assert client.get(f"/api/v1/requests/{req['id']}", headers=h).status_code == 404


def test_list_paginates(client, api, factory):
    org, user, h = api
    agency = factory.agency(org)
    for i in range(7):
        factory.request(org, user, agency, title=f"Req {i}")
    page = client.get("/api/v1/requests?per_page=3&page=3&sort=title&dir=asc", headers=h).json
    assert (
        page["total"] == 7
        and page["page"] == 3
        and [r["title"] for r in page["items"]] == ["Req 6"]
    )
    assert client.get("/api/v1/requests?per_page=1000", headers=h).status_code == 422


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ("not json", 400, None),
        ([1, 2], 400, None),
        ({"title": "x"}, 422, "agency_id"),
        ({"agency_id": "abc", "title": "x"}, 422, "agency_id"),
        ({"agency_id": 99999, "title": "x"}, 422, "agency_id"),
        ({"agency_id": 1, "title": "x", "date_from": "2025-02-30"}, 422, "date_from"),
        ({"agency_id": 1, "title": "x", "visibility": "secret"}, 422, "visibility"),
        ({"agency_id": 1, "title": "x", "status": "fulfilled"}, 422, "status"),
        ({"agency_id": 1, "title": "x" * 301}, 422, "title"),
        ({"agency_id": 1, "title": "\x00"}, 422, "title"),
        ({"agency_id": True, "title": "x"}, 422, "agency_id"),
    ],
)
def test_bad_input_gets_json_error(client, api, factory, body, status, field):
    org, user, h = api
    factory.agency(org)
    if isinstance(body, str):
        resp = client.post(
            "/api/v1/requests", data=body, headers=h | {"Content-Type": "application/json"}
        )
    else:
        resp = client.post("/api/v1/requests", json=body, headers=h)
    assert resp.status_code == status
    err = resp.json["error"]
    assert set(err) == {"code", "message", "field"} and err["message"]
    assert err["field"] == field


def test_openapi_lists_every_api_route(client, app):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint == "api.openapi":
            continue
        path = (
            rule.rule.removeprefix("/api/v1")
            .replace("<int:", "{")
            .replace("<", "{")
            .replace(">", "}")
        )
        assert path in doc["paths"], f"{rule.rule} missing from the OpenAPI document"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in doc["paths"][path], f"{method} {rule.rule} undocumented"


def test_other_org_objects_are_404(client, api, factory):
    other = factory.org()
    other_user = factory.user(other)
    foreign = factory.request(other, other_user)
    org, user, h = api
    assert client.get(f"/api/v1/requests/{foreign.id}", headers=h).status_code == 404
    # The directory is shared: the other organization's agency is readable, its notes are not.
    shared = client.get(f"/api/v1/agencies/{foreign.agency_id}", headers=h)
    assert shared.status_code == 200 and shared.json["notes"] == ""
    assert (
        client.patch(
            f"/api/v1/requests/{foreign.id}", json={"title": "pwned"}, headers=h
        ).status_code
        == 404
    )
    mine = factory.agency(org)
    resp = client.post("/api/v1/requests", json={"agency_id": 999_999, "title": "x"}, headers=h)
    assert resp.status_code == 422
    resp = client.patch(f"/api/v1/agencies/{mine.id}", json={"parent_id": 999_999}, headers=h)
    assert resp.status_code == 422


def test_models_unchanged_by_failed_patch(client, api, factory, db):
    org, user, h = api
    req = factory.request(org, user, title="Original")
    resp = client.patch(
        f"/api/v1/requests/{req.id}", json={"title": "New", "date_from": "2026-13-01"}, headers=h
    )
    assert resp.status_code == 422
    db.expire_all()
    assert db.get(RecordRequest, req.id).title == "Original"
    assert db.get(Agency, req.agency_id) is not None


def test_list_query_count_does_not_grow_with_rows(client, api, factory, app, db):
    """No N+1: listing 5 or 25 requests (with their deadlines) costs the same statements."""
    from datetime import date

    from sqlalchemy import event

    from records.lifecycle import service as lifecycle

    org, user, h = api
    agency = factory.agency(org, jurisdiction="US", level="federal", component="DHS")
    for i in range(25):
        req = factory.request(org, user, agency, title=f"R{i}")
        lifecycle.record_event(db, req, "sent", date(2026, 11, 2), actor_id=user.id)
        db.commit()

    def statements(per_page):
        count = 0

        def tick(*_args):
            nonlocal count
            count += 1

        engine = app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", tick)
        try:
            resp = client.get(f"/api/v1/requests?per_page={per_page}", headers=h)
        finally:
            event.remove(engine, "before_cursor_execute", tick)
        assert resp.status_code == 200 and len(resp.json["items"]) == per_page
        assert all(item["deadlines"] for item in resp.json["items"])
        return count

    statements(5)  # the first call also records when the token was last used
    assert statements(25) == statements(5)

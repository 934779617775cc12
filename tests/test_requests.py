"""Requests: create, edit, list with filters, sort and pagination, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from records.core.models import RecordRequest
from tests.conftest import assert_redirect, login


def test_create_show_edit_delete(client, member, factory, db):
    org, user = member
    agency = factory.agency(org, name="Miami Police Department", jurisdiction="FL")
    resp = client.post(
        "/requests/new",
        data={
            "title": "Miami 287(g) agreement",
            "agency_id": str(agency.id),
            "subject": "agreements",
            "description": "The MOA and amendments",
            "date_from": "2025-01-20",
            "date_to": "",
            "tracking_number": "",
            "assignee_id": str(user.id),
            "visibility": "organization",
        },
    )
    req = db.exec(select(RecordRequest)).one()
    assert_redirect(resp, f"/requests/{req.id}")
    assert (req.law_code, req.assignee_id, str(req.date_from)) == ("FL", user.id, "2025-01-20")
    assert "Miami 287(g) agreement" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    client.post(
        f"/requests/{req.id}/edit",
        data={
            "title": "Miami 287(g) agreement (TFM)",
            "agency_id": str(agency.id),
            "subject": "agreements",
            "visibility": "public",
            "assignee_id": "",
        },
    )
    db.expire_all()
    req = db.get(RecordRequest, req.id)
    assert req.title.endswith("(TFM)") and req.visibility == "public" and req.assignee_id is None
    rid = req.id
    client.post(f"/requests/{rid}/delete")
    db.expire_all()
    assert db.get(RecordRequest, rid) is None


def test_date_range_backwards_is_refused(client, member, factory):
    org, _ = member
    agency = factory.agency(org)
    resp = client.post(
        "/requests/new",
        data={
            "title": "T",
            "agency_id": str(agency.id),
            "subject": "other",
            "date_from": "2025-05-01",
            "date_to": "2025-01-01",
            "visibility": "private",
        },
    )
    assert resp.status_code == 422
    assert b"ends before it starts" in resp.data
    assert b'value="T"' in resp.data


def test_filters_sort_and_pagination(client, member, factory, db, app):
    org, user = member
    al = factory.agency(org, name="Birmingham PD", jurisdiction="AL")
    nm = factory.agency(org, name="County Jail", jurisdiction="NM")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(30):
        factory.request(
            org,
            user,
            al if i % 2 else nm,
            title=f"R{i:02d}",
            subject="forfeiture" if i % 3 == 0 else "agreements",
            updated_at=base + timedelta(days=i),
        )
    page1 = client.get("/requests/").get_data(as_text=True)
    assert "R29" in page1 and "R00" not in page1 and "Page 1 of 2" in page1
    assert "R00" in client.get("/requests/?page=2").get_data(as_text=True)
    asc = client.get("/requests/?sort=title&dir=asc").get_data(as_text=True)
    assert asc.index("R00") < asc.index("R01")
    only_nm = client.get("/requests/?jurisdiction=NM").get_data(as_text=True)
    assert "R01" not in only_nm and "R02" in only_nm and "15 requests" in only_nm
    forfeiture = client.get("/requests/?subject=forfeiture").get_data(as_text=True)
    assert "10 requests" in forfeiture
    assert client.get("/requests/?sort=evil").status_code == 400
    assert client.get("/requests/?page=abc").status_code == 400


def test_private_requests_hidden_from_colleagues(app, factory):
    org = factory.org()
    author = factory.user(org)
    colleague = factory.user(org, role="editor")
    private = factory.request(org, author, title="Sensitive source request", visibility="private")
    c = app.test_client()
    login(c, colleague, org)
    assert "Sensitive source request" not in c.get("/requests/").get_data(as_text=True)
    assert c.get(f"/requests/{private.id}").status_code == 404

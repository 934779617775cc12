"""The audit trail: every change to organization rows is recorded, owners read it, nobody edits it."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import delete, text, update
from sqlmodel import select

from records.core.audit import AuditImmutable, acting_as, install_db_guard
from records.core.audit_models import AuditLog
from records.core.models import Membership, RecordRequest, Role
from tests.conftest import assert_redirect, bearer, login


def _entries(db, **where):
    stmt = select(AuditLog).order_by(AuditLog.id)
    for key, value in where.items():
        stmt = stmt.where(getattr(AuditLog, key) == value)
    return db.exec(stmt).all()


def test_api_update_records_who_where_before_and_after(client, factory, db):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user, title="Old title", visibility="organization")
    token = factory.token(user, org)
    resp = client.patch(
        f"/api/v1/requests/{req.id}",
        json={"title": "New title", "visibility": "private"},
        headers=bearer(token),
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert resp.status_code == 200
    [entry] = _entries(db, object_type="recordrequest", action="update")
    assert entry.org_id == org.id
    assert entry.actor_id == user.id
    assert entry.ip == "203.0.113.7"
    assert entry.object_id == str(req.id)
    assert entry.before["title"] == "Old title" and entry.after["title"] == "New title"
    assert entry.before["visibility"] == "organization"
    assert entry.after["visibility"] == "private"


def test_insert_and_delete_are_recorded_with_full_rows(client, factory, db):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org)
    token = factory.token(user, org)
    created = client.post(
        "/api/v1/requests", json={"agency_id": agency.id, "title": "ICE MOA"}, headers=bearer(token)
    )
    assert created.status_code == 201
    rid = created.get_json()["id"]
    assert client.delete(f"/api/v1/requests/{rid}", headers=bearer(token)).status_code == 204
    inserted = _entries(db, object_type="recordrequest", action="insert", object_id=str(rid))
    deleted = _entries(db, object_type="recordrequest", action="delete", object_id=str(rid))
    assert inserted[0].after["title"] == "ICE MOA" and inserted[0].before is None
    assert deleted[0].before["title"] == "ICE MOA" and deleted[0].after is None
    assert deleted[0].actor_id == user.id


def test_membership_role_change_is_recorded(client, factory, db, member):
    org, owner = member
    other = factory.user(org, role=Role.VIEWER)
    membership = db.exec(select(Membership).where(Membership.user_id == other.id)).one()
    resp = client.post(f"/settings/members/{membership.id}/role", data={"role": "editor"})
    assert_redirect(resp, "/settings")
    [entry] = _entries(db, object_type="membership", action="update")
    assert entry.before == {"role": "viewer"} and entry.after == {"role": "editor"}
    assert entry.actor_id == owner.id and entry.org_id == org.id


def test_secrets_are_never_copied(factory, db):
    org = factory.org()
    user = factory.user(org)
    factory.token(user, org)
    [entry] = _entries(db, object_type="apitoken")
    assert entry.after["token_hash"] == "[redacted]"


def test_cli_changes_can_name_their_actor(app, factory, db):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    with acting_as(user.id):
        row = db.get(RecordRequest, req.id)
        row.status = "sent"
        db.add(row)
        db.commit()
    [entry] = _entries(db, object_type="recordrequest", action="update")
    assert entry.actor_id == user.id and entry.after == {"status": "sent"}


def test_audit_rows_cannot_be_changed_through_the_orm(factory, db):
    org = factory.org()
    factory.user(org)
    entry = _entries(db)[0]
    entry.action = "forged"
    db.add(entry)
    with pytest.raises(AuditImmutable):
        db.flush()
    db.rollback()
    db.delete(db.get(AuditLog, entry.id))
    with pytest.raises(AuditImmutable):
        db.flush()
    db.rollback()
    with pytest.raises(AuditImmutable):
        db.exec(update(AuditLog).values(action="forged"))
    db.rollback()
    with pytest.raises(AuditImmutable):
        db.exec(delete(AuditLog))
    db.rollback()
    assert db.get(AuditLog, entry.id).action == "insert"


def test_database_trigger_rejects_raw_sql(app, factory, db):
    org = factory.org()
    factory.user(org)
    install_db_guard(db.connection())
    install_db_guard(db.connection())  # idempotent
    db.commit()
    for sql in ("UPDATE auditlog SET action = 'forged'", "DELETE FROM auditlog"):
        with pytest.raises(Exception, match="append-only"):
            db.connection().exec_driver_sql(sql)
        db.rollback()
    assert all(e.action == "insert" for e in _entries(db))
    if db.get_bind().dialect.name == "postgresql":
        # The shared test database keeps its schema between tests: leave no trigger behind.
        db.connection().execute(text("DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog"))
        db.commit()


def test_no_route_can_write_the_audit_log(app):
    writable = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("audit.") and rule.methods - {"GET", "HEAD", "OPTIONS"}
    ]
    assert writable == []


def test_owner_sees_the_trail_and_exports_csv(client, factory, member):
    org, owner = member
    factory.request(org, owner, title="=HYPERLINK(evil)")
    other_org = factory.org()
    factory.request(other_org, factory.user(other_org), title="Other org secret")
    page = client.get("/audit/")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "recordrequest" in body and "Other org secret" not in body
    export = client.get("/audit/export.csv?object_type=recordrequest")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert rows and all(r["object_type"] == "recordrequest" for r in rows)
    assert "Other org secret" not in export.get_data(as_text=True)
    assert "\"'{" not in export.get_data(as_text=True)
    # A formula in a stored value cannot start a CSV cell.
    assert not any(v.startswith("=") for r in rows for v in r.values())


@pytest.mark.parametrize("role", [Role.EDITOR, Role.VIEWER])
def test_non_owners_cannot_read_the_trail(client, factory, role):
    org = factory.org()
    user = factory.user(org, role=role)
    login(client, user, org)
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_bad_filter_is_a_400_not_a_crash(client, member):
    assert client.get("/audit/?since=yesterday").status_code == 400
    assert client.get("/audit/?action=drop").status_code == 400


def test_dashboard_links_owners_to_the_trail(client, factory, member):
    org, owner = member
    factory.request(org, owner)
    assert "/audit/" in client.get("/").get_data(as_text=True)
    viewer = factory.user(org, role=Role.VIEWER)
    login(client, viewer, org)
    assert 'href="/audit/"' not in client.get("/").get_data(as_text=True)


def test_private_request_values_are_hidden_from_other_owners(client, factory, member):
    org, owner = member
    author = factory.user(org, role=Role.EDITOR)
    factory.request(org, author, title="Confidential source memo", visibility="private")
    body = client.get("/audit/").get_data(as_text=True)
    assert "Confidential source memo" not in body and "values hidden" in body
    csv_body = client.get("/audit/export.csv").get_data(as_text=True)
    assert "Confidential source memo" not in csv_body
    login(client, author, org)
    # The author is an editor, not an owner: the trail stays closed to them.
    assert client.get("/audit/").status_code == 403


def test_the_dashboard_counts_the_trail_up_to_a_cap(client, factory, db, member, monkeypatch):
    from records.ops import audit_views

    org, owner = member
    factory.request(org, owner)  # recorded: the request's insert
    total = len(_entries(db, org_id=org.id))
    assert total >= 1
    page = client.get("/").get_data(as_text=True)
    assert f"{total:,} recorded change" in page
    monkeypatch.setattr(audit_views, "AUDIT_COUNT_CAP", total - 1 if total > 1 else 0)
    page = client.get("/").get_data(as_text=True)
    assert f"{audit_views.AUDIT_COUNT_CAP:,}+ recorded changes" in page

"""The agency directory is shared by the instance; notes, requests and track records are not.

Two organizations use one agency entry and keep separate notes; neither reads the other's notes
or requests through any page or API route; duplicates are found on create and import; a
merge moves every reference and is kept in the history and the audit trail.
"""

from __future__ import annotations

import io

from sqlmodel import select

from records.core.audit_models import AuditLog
from records.core.models import Agency, AgencyNote, AgencyRevision, RecordRequest, Role
from tests.conftest import assert_redirect, bearer, login


def _two_orgs(app, factory):
    a_org, b_org = factory.org("Clinic A"), factory.org("Newsroom B")
    a_user, b_user = factory.user(a_org), factory.user(b_org)
    a, b = app.test_client(), app.test_client()
    login(a, a_user, a_org)
    login(b, b_user, b_org)
    return (a_org, a_user, a), (b_org, b_user, b)


def _add(client, **data):
    values = {"level": "police", "jurisdiction": "AL"} | data
    return client.post("/agencies/new", data=values)


def test_two_organizations_share_an_agency_and_keep_separate_notes(app, factory, db):
    (a_org, a_user, a), (b_org, b_user, b) = _two_orgs(app, factory)
    resp = _add(a, name="Birmingham Police Department", notes="A: ask for Sgt. Lee")
    agency = db.exec(select(Agency).where(Agency.name == "Birmingham Police Department")).one()
    assert_redirect(resp, f"/agencies/{agency.id}")
    assert agency.created_by_org_id == a_org.id and agency.created_by == a_user.id
    # B finds it in the directory and in the picker without retyping it.
    assert "Birmingham Police Department" in b.get("/agencies/").get_data(as_text=True)
    picked = b.get("/agencies/suggest?q=Birmingham").json["items"]
    assert [i["id"] for i in picked] == [agency.id]
    # B writes its own notes through the edit form; A's stay A's.
    b.post(
        f"/agencies/{agency.id}/edit",
        data={"name": agency.name, "level": "police", "jurisdiction": "AL", "notes": "B: slow"},
    )
    page_a = a.get(f"/agencies/{agency.id}").get_data(as_text=True)
    page_b = b.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "A: ask for Sgt. Lee" in page_a and "B: slow" not in page_a
    assert "B: slow" in page_b and "Sgt. Lee" not in page_b
    # Provenance: the adding organization sees it was them; another is not told who it was.
    assert "(added by your organization)" in page_a
    assert "(added by your organization)" not in page_b and "Clinic A" not in page_b
    notes = {n.org_id: n.notes for n in db.exec(select(AgencyNote)).all()}
    assert notes == {a_org.id: "A: ask for Sgt. Lee", b_org.id: "B: slow"}
    # Both file requests to the one entry; each track record counts its own only.
    factory.request(a_org, a_user, agency, title="A request", status="sent")
    factory.request(a_org, a_user, agency, title="A second", status="sent")
    factory.request(b_org, b_user, agency, title="B request")
    page_a = a.get(f"/agencies/{agency.id}").get_data(as_text=True)
    page_b = b.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "2 requests" in page_a and "sent 2" in page_a
    assert "1 request<" in page_b and "draft 1" in page_b
    listed = b.get(f"/requests/?agency_id={agency.id}").get_data(as_text=True)
    assert "B request" in listed and "A request" not in listed


def test_org_b_cannot_read_org_a_notes_or_requests_through_any_route(app, factory, db):
    (a_org, a_user, a), (b_org, b_user, b) = _two_orgs(app, factory)
    agency = factory.agency(a_org, name="Jefferson County Sheriff", notes="SECRET-NOTE-A")
    req = factory.request(a_org, a_user, agency, title="SECRET-REQUEST-A")
    token = bearer(factory.token(b_user, b_org))
    for url in (
        f"/agencies/{agency.id}",
        f"/agencies/{agency.id}/edit",
        f"/agencies/{agency.id}/history",
        f"/agencies/{agency.id}/merge",
        "/agencies/?q=Jefferson",
        f"/requests/?agency_id={agency.id}",
        "/search/?q=Jefferson",
        "/agencies/suggest?q=Jefferson",
    ):
        body = b.get(url).get_data(as_text=True)
        assert "SECRET" not in body, url
    for url in (f"/api/v1/agencies/{agency.id}", "/api/v1/agencies?q=Jefferson"):
        resp = b.get(url, headers=token)
        assert resp.status_code == 200 and "SECRET" not in resp.get_data(as_text=True), url
    assert b.get(f"/api/v1/requests/{req.id}", headers=token).status_code == 404
    assert b.get(f"/requests/{req.id}").status_code == 404
    search = b.get("/api/v1/search?q=Jefferson", headers=token).get_data(as_text=True)
    assert "SECRET" not in search and "Jefferson County Sheriff" in search
    # B's edit of the shared facts does not touch A's notes, and is kept in the history.
    resp = b.patch(
        f"/api/v1/agencies/{agency.id}",
        json={"phone": "205-555-0100", "notes": "mine"},
        headers=token,
    )
    assert resp.status_code == 200 and resp.json["notes"] == "mine"
    a_token = bearer(factory.token(a_user, a_org))
    mine = a.get(f"/api/v1/agencies/{agency.id}", headers=a_token).json
    assert mine["notes"] == "SECRET-NOTE-A" and mine["phone"] == "205-555-0100"
    history = a.get(f"/agencies/{agency.id}/history").get_data(as_text=True)
    assert "205-555-0100" in history and "another organization" in history
    assert "Newsroom B" not in history and "mine" not in history


def test_duplicates_are_found_on_create_and_import(app, factory, db, client, member):
    org, _ = member
    _add(client, name="Birmingham Police Department")
    existing = db.exec(select(Agency)).one()
    resp = _add(client, name="The Birmingham Police Dept.")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and "already in the directory" in html
    assert f"/agencies/{existing.id}" in html and 'value="The Birmingham Police Dept."' in html
    # Another state's office of the same name is another agency.
    assert_redirect(_add(client, name="Birmingham PD", jurisdiction="MI"), "/agencies/2")
    token = bearer(factory.token(member[1], org))
    api = client.post(
        "/api/v1/agencies", json={"name": "birmingham pd", "jurisdiction": "AL"}, headers=token
    )
    assert api.status_code == 409 and f"agency {existing.id}" in api.json["error"]["message"]
    csv_text = (
        "name,level,jurisdiction,notes\n"
        "Birmingham P.D.,police,AL,our contact is Ana\n"
        "Hoover Police Department,police,AL,\n"
    )
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(csv_text.encode()), "agencies.csv")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert "1 imported, 1 already in the directory, 0 rejected" in html
    assert db.exec(select(AgencyNote.notes).where(AgencyNote.agency_id == existing.id)).one() == (
        "our contact is Ana"
    )


def test_merge_moves_every_reference_and_is_audited(app, factory, db):
    (a_org, a_user, a), (b_org, b_user, b) = _two_orgs(app, factory)
    keep = factory.agency(a_org, name="Mobile County Sheriff's Office", notes="A keep")
    drop = factory.agency(b_org, name="Mobile Co. Sheriff", foia_email="records@mobileso.gov")
    factory.agency(b_org, name="Mobile County Jail", parent_id=drop.id)
    db.add(AgencyNote(org_id=b_org.id, agency_id=drop.id, notes="B drop"))
    db.commit()
    ra = factory.request(a_org, a_user, keep, title="A one")
    rb = factory.request(b_org, b_user, drop, title="B one")
    # An editor may not merge; an owner may (every organization's rows move).
    editor = factory.user(b_org, role=Role.EDITOR)
    c = app.test_client()
    login(c, editor, b_org)
    assert c.post(f"/agencies/{keep.id}/merge", data={"merge_id": drop.id}).status_code == 403
    page = b.get(f"/agencies/{keep.id}/merge").get_data(as_text=True)
    assert "Mobile Co. Sheriff" in page
    resp = b.post(f"/agencies/{keep.id}/merge", data={"merge_id": str(drop.id)})
    assert_redirect(resp, f"/agencies/{keep.id}")
    drop_id = drop.id
    db.expire_all()
    assert db.exec(select(Agency).where(Agency.id == drop_id)).first() is None
    assert db.get(RecordRequest, rb.id).agency_id == keep.id
    assert db.get(RecordRequest, ra.id).agency_id == keep.id
    jail = db.exec(select(Agency).where(Agency.name == "Mobile County Jail")).one()
    assert jail.parent_id == keep.id
    assert db.get(Agency, keep.id).foia_email == "records@mobileso.gov"  # filled from the copy
    notes = {n.org_id: n.notes for n in db.exec(select(AgencyNote)).all()}
    assert notes == {a_org.id: "A keep", b_org.id: "B drop"}
    assert "merge" in {r.action for r in db.exec(select(AgencyRevision)).all()}
    audit = db.exec(select(AuditLog).where(AuditLog.action == "agency.merge")).one()
    assert audit.org_id == b_org.id and audit.actor_id == b_user.id
    # Each organization still sees only its own requests at the merged entry.
    listed = b.get(f"/requests/?agency_id={keep.id}").get_data(as_text=True)
    assert "B one" in listed and "A one" not in listed
    # Search finds the request under the kept agency's name.
    hits = b.get("/search/?q=Mobile").get_data(as_text=True)
    assert "B one" in hits and "A one" not in hits


def test_an_instance_admin_may_merge_and_bad_input_is_refused(app, factory, db):
    org = factory.org()
    admin = factory.user(org, role=Role.VIEWER, email="admin@example.org")
    app.config["INSTANCE_ADMINS"] = "someone@example.org, Admin@Example.org"
    keep = factory.agency(org, name="Tuscaloosa PD")
    drop = factory.agency(org, name="Tuscaloosa Police")
    c = app.test_client()
    login(c, admin, org)
    bad = c.post(f"/agencies/{keep.id}/merge", data={"merge_id": "abc"})
    assert bad.status_code == 422 and "merge_id" in bad.get_data(as_text=True)
    gone = c.post(f"/agencies/{keep.id}/merge", data={"merge_id": "999999"})
    assert gone.status_code == 422 and "not in the directory" in gone.get_data(as_text=True)
    itself = c.post(f"/agencies/{keep.id}/merge", data={"merge_id": str(keep.id)})
    assert itself.status_code == 422
    assert_redirect(
        c.post(f"/agencies/{keep.id}/merge", data={"merge_id": str(drop.id)}),
        f"/agencies/{keep.id}",
    )
    drop_id = drop.id
    db.expire_all()
    assert db.exec(select(Agency).where(Agency.id == drop_id)).first() is None

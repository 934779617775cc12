"""Organizations, invites and roles."""

from __future__ import annotations

import re

from sqlmodel import select

from records.core.models import Membership
from tests.conftest import assert_redirect, bearer, login


def test_invite_link_joins_with_role(app, factory, db):
    org = factory.org()
    owner = factory.user(org)
    c = app.test_client()
    login(c, owner, org)
    c.post("/settings/invites", data={"role": "viewer"})
    link = re.search(
        r"(http://records\.test/join/[\w-]+)", c.get("/settings").get_data(as_text=True)
    ).group(1)
    newcomer = factory.user()
    n = app.test_client()
    login(n, newcomer)
    path = link.replace("http://records.test", "")
    assert b"Join" in n.get(path).data
    n.post(path)
    m = db.exec(select(Membership).where(Membership.user_id == newcomer.id)).one()
    assert (m.org_id, m.role) == (org.id, "viewer")
    # used once: a second person cannot reuse it
    other = factory.user()
    o = app.test_client()
    login(o, other)
    assert o.get(path).status_code == 404


def test_viewer_cannot_write(app, factory):
    org = factory.org()
    viewer = factory.user(org, role="viewer")
    agency = factory.agency(org)
    c = app.test_client()
    login(c, viewer, org)
    assert c.get("/agencies/new").status_code == 403
    assert c.post(f"/agencies/{agency.id}/edit", data={"name": "X"}).status_code == 403
    assert c.get("/agencies/").status_code == 200
    token = factory.token(viewer, org)
    resp = c.post(
        "/api/v1/agencies", json={"name": "N", "jurisdiction": "AL"}, headers=bearer(token)
    )
    assert resp.status_code == 403 and resp.json["error"]["code"] == "forbidden"


def test_editor_cannot_manage_members(app, factory):
    org = factory.org()
    factory.user(org)
    editor = factory.user(org, role="editor")
    c = app.test_client()
    login(c, editor, org)
    assert c.post("/settings/invites", data={"role": "owner"}).status_code == 403
    assert c.get("/agencies/new").status_code == 200


def test_owner_removal_signs_member_out(app, factory, db):
    org = factory.org()
    owner = factory.user(org)
    member = factory.user(org, role="editor")
    token = factory.token(member, org)
    oc, mc = app.test_client(), app.test_client()
    login(oc, owner, org)
    login(mc, member, org)
    assert mc.get("/requests/").status_code == 200
    mid = db.exec(select(Membership).where(Membership.user_id == member.id)).one().id
    oc.post(f"/settings/members/{mid}/remove")
    assert_redirect(mc.get("/requests/"), "/login")
    assert mc.get("/api/v1/requests", headers=bearer(token)).status_code == 401


def test_last_owner_cannot_be_demoted(client, member, db):
    org, owner = member
    mid = db.exec(select(Membership).where(Membership.user_id == owner.id)).one().id
    resp = client.post(
        f"/settings/members/{mid}/role", data={"role": "viewer"}, follow_redirects=True
    )
    assert b"at least one owner" in resp.data
    db.expire_all()
    assert db.get(Membership, mid).role == "owner"


def test_duplicate_org_name_is_refused(client, member):
    org, _ = member
    resp = client.post("/orgs/new", data={"name": org.name.upper(), "kind": "clinic"})
    assert b"That name is taken" in resp.data

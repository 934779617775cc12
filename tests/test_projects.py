"""Projects: a named group of requests with its own list, progress and next deadlines; requests
are added from the request list's bulk actions (or the API) and seen as each member may."""

from __future__ import annotations

from sqlmodel import select

from records.core.models import Role
from records.lifecycle.service import record_event
from records.projects.models import Project, ProjectRequest
from tests.conftest import assert_redirect, bearer, login


def _project(client, name="Alabama sheriffs 287(g), 2027"):
    return client.post("/projects/", data={"name": name, "description": "Every sheriff."})


def test_create_add_from_the_list_and_follow_progress(client, db, factory, member, today):
    org, user = member
    resp = _project(client)
    project = db.exec(select(Project)).one()
    assert_redirect(resp, f"/projects/{project.id}")
    dup = _project(client, "alabama SHERIFFS 287(g), 2027")
    assert dup.status_code == 422 and "already exists" in dup.get_data(as_text=True)
    blank = client.post("/projects/", data={"name": " ", "description": "kept text"})
    assert blank.status_code == 422 and "kept text" in blank.get_data(as_text=True)
    a = factory.request(org, user, title="Etowah MOA")
    b = factory.request(org, user, title="Mobile MOA")
    c = factory.request(org, user, title="Not in it")
    record_event(db, a, "sent", today, actor_id=user.id)
    db.commit()
    listing = client.get("/requests/").get_data(as_text=True)
    assert "Add to project" in listing and "Alabama sheriffs 287(g), 2027" in listing
    resp = client.post(
        "/requests/bulk",
        data={"action": "project", "project_id": str(project.id), "ids": [str(a.id), str(b.id)]},
    )
    assert_redirect(resp, "/requests/")
    # Adding again changes nothing; no project chosen is a clear error.
    client.post(
        "/requests/bulk",
        data={"action": "project", "project_id": str(project.id), "ids": [str(a.id)]},
    )
    assert len(db.exec(select(ProjectRequest)).all()) == 2
    client.post("/requests/bulk", data={"action": "project", "project_id": "", "ids": [str(c.id)]})
    assert "choose one of your organization" in client.get("/requests/").get_data(as_text=True)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Etowah MOA" in page and "Mobile MOA" in page and "Not in it" not in page
    assert "2 requests: draft 1, sent 1" in page
    assert "Next deadlines" in page and "acknowledgment" in page.lower()
    index = client.get("/projects/").get_data(as_text=True)
    assert "Alabama sheriffs 287(g), 2027</a></td><td>2<" in index
    resp = client.post(f"/projects/{project.id}/requests/{b.id}/remove")
    assert_redirect(resp, f"/projects/{project.id}")
    assert "Mobile MOA" not in client.get(f"/projects/{project.id}").get_data(as_text=True)


def test_projects_stay_in_their_organization_and_respect_private_requests(
    app, client, db, factory, member
):
    org, owner = member
    _project(client)
    project = db.exec(select(Project)).one()
    author = factory.user(org, role=Role.EDITOR)
    viewer = factory.user(org, role=Role.VIEWER)
    private = factory.request(org, author, title="Authors private", visibility="private")
    shared = factory.request(org, owner, title="Shared one")
    a = app.test_client()
    login(a, author, org)
    a.post(
        "/requests/bulk",
        data={
            "action": "project",
            "project_id": str(project.id),
            "ids": [str(private.id), str(shared.id)],
        },
    )
    mine = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Shared one" in mine and "Authors private" not in mine and "1 request:" in mine
    page = a.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Authors private" in page or "Authors private" in page, page[-1500:]
    # Another organization: its own empty list, 404 for ours, cannot add to ours.
    other = factory.org()
    outsider = factory.user(other)
    o = app.test_client()
    login(o, outsider, other)
    assert "No projects yet." in o.get("/projects/").get_data(as_text=True)
    assert o.get(f"/projects/{project.id}").status_code == 404
    assert o.post(f"/projects/{project.id}/requests/{shared.id}/remove").status_code == 404
    theirs = factory.request(other, outsider, title="Theirs")
    o.post(
        "/requests/bulk",
        data={"action": "project", "project_id": str(project.id), "ids": [str(theirs.id)]},
    )
    assert len(db.exec(select(ProjectRequest)).all()) == 2
    token = bearer(factory.token(outsider, other))
    assert o.get(f"/api/v1/projects/{project.id}", headers=token).status_code == 404
    assert o.get("/api/v1/projects", headers=token).json["total"] == 0
    resp = o.post(
        f"/api/v1/projects/{project.id}/requests", json={"request_ids": [theirs.id]}, headers=token
    )
    assert resp.status_code == 404
    v = app.test_client()
    login(v, viewer, org)
    assert v.post("/projects/", data={"name": "Nope"}).status_code == 403


def test_projects_api(client, factory, member):
    org, user = member
    h = bearer(factory.token(user, org))
    made = client.post("/api/v1/projects", json={"name": "Texas jails"}, headers=h)
    assert made.status_code == 201 and made.json["requests"] == 0
    req = factory.request(org, user, title="Harris jail IGSA")
    added = client.post(
        f"/api/v1/projects/{made.json['id']}/requests", json={"request_ids": [req.id]}, headers=h
    )
    assert added.status_code == 200 and added.json["added"] == 1
    assert added.json["request_ids"] == [req.id] and added.json["by_status"] == {"draft": 1}
    bad = client.post(
        f"/api/v1/projects/{made.json['id']}/requests", json={"request_ids": "x"}, headers=h
    )
    assert bad.status_code == 422
    listed = client.get("/api/v1/projects", headers=h).json
    assert listed["items"][0]["name"] == "Texas jails" and listed["items"][0]["requests"] == 1

"""Stored XSS: markup typed into any user-visible field is shown as text on every HTML page."""

from __future__ import annotations

import io

import pytest

from tests.conftest import bearer, login

SCRIPT = '<script>alert("xss")</script>'
IMG = '"><img src=x onerror=alert(1)>'
RAW = ("<script>alert(", "<img src=x onerror")


@pytest.fixture
def stored(app, factory, client):
    """One of everything, created through the API with markup in every text field."""
    org = factory.org(f"Org {SCRIPT}")
    owner = factory.user(org)
    owner.name = f"Name {IMG}"
    factory._save(owner)
    token = factory.token(owner, org)
    api = app.test_client()
    agency = api.post(
        "/api/v1/agencies",
        json={
            "name": f"Sheriff {SCRIPT}",
            "jurisdiction": "TX",
            "level": "sheriff",
            "notes": f"Notes {IMG}",
            "mailing_address": f"Addr {SCRIPT}",
            "component": "<b>x</b>",
        },
        headers=bearer(token),
    )
    assert agency.status_code == 201, agency.get_json()
    agency_id = agency.get_json()["id"]
    req = api.post(
        "/api/v1/requests",
        json={
            "agency_id": agency_id,
            "title": f"Title {SCRIPT}",
            "description": f"Description {IMG}",
            "tracking_number": f"T-{IMG}"[:100],
            "visibility": "public",
        },
        headers=bearer(token),
    )
    assert req.status_code == 201, req.get_json()
    request_id = req.get_json()["id"]
    event = api.post(
        f"/api/v1/requests/{request_id}/events",
        json={"type": "sent", "date": "2026-11-02", "note": f"Event note {SCRIPT}"},
        headers=bearer(token),
    )
    assert event.status_code in (200, 201), event.get_json()
    upload = api.post(
        f"/api/v1/requests/{request_id}/documents",
        data={
            "file": (io.BytesIO(b"plain text reply\n"), "<img src=x onerror=alert(1)>.txt"),
            "description": f"Doc {SCRIPT}",
        },
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert upload.status_code in (200, 201), upload.get_json()
    login(client, owner, org)
    return {"request_id": request_id, "agency_id": agency_id, "token": token}


def _ids(client, stored) -> dict[str, int]:
    ids = {"request_id": stored["request_id"], "agency_id": stored["agency_id"]}
    docs = client.get(
        f"/api/v1/requests/{stored['request_id']}/documents", headers=bearer(stored["token"])
    )
    assert docs.status_code == 200 and docs.get_json()["items"], docs.get_json()
    ids["doc_id"] = docs.get_json()["items"][0]["id"]
    return ids


def test_every_html_page_renders_markup_inert(app, client, stored):
    ids = _ids(client, stored)
    checked, failures = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.rule.startswith("/api/"):
            continue
        if set(rule.arguments) - set(ids):
            continue
        url = rule.build({k: ids[k] for k in rule.arguments}, append_unknown=False)[1]
        resp = client.get(url)
        is_html = resp.mimetype.startswith("text/html")
        body = resp.get_data().decode("utf-8", "replace")
        resp.close()
        if not is_html:
            continue
        checked.append(url)
        found = [raw for raw in RAW if raw in body]
        if found:
            failures.append(f"{url}: raw {found}")
        assert "script-src 'self'" in resp.headers.get("Content-Security-Policy", "")
    assert not failures, failures
    # The pages that show each field were among those checked.
    for must in (
        "/requests/",
        f"/requests/{ids['request_id']}",
        f"/agencies/{ids['agency_id']}",
        f"/documents/{ids['doc_id']}",
    ):
        assert any(u.rstrip("/") == must.rstrip("/") for u in checked), must


def test_escaped_text_is_still_shown(client, stored):
    page = client.get(f"/requests/{stored['request_id']}").get_data(as_text=True)
    assert "Title &lt;script&gt;alert(" in page
    agency = client.get(f"/agencies/{stored['agency_id']}").get_data(as_text=True)
    assert "Sheriff &lt;script&gt;" in agency


def test_public_pages_render_markup_inert(app, stored):
    anon = app.test_client()
    for url in ("/public/", f"/public/requests/{stored['request_id']}", "/public/search?q=Title"):
        resp = anon.get(url)
        body = resp.get_data(as_text=True)
        assert resp.status_code == 200, url
        assert not any(raw in body for raw in RAW), url


def test_json_is_never_served_as_html(app, client, stored):
    resp = client.get(f"/api/v1/requests/{stored['request_id']}")
    assert resp.mimetype == "application/json"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"

"""Accounts: register, log in, log out everywhere, change password, rate limit, CSRF."""

from __future__ import annotations

import re

from sqlmodel import select

from records.models import ApiToken, User
from tests.conftest import PASSWORD, assert_redirect, bearer, login


def test_register_login_logout(client, db):
    resp = client.post(
        "/register",
        data={
            "name": "Ana",
            "email": "Ana@Example.org",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert_redirect(resp, "/orgs/new")
    user = db.exec(select(User).where(User.email == "ana@example.org")).one()
    assert user.password_hash.startswith("$argon2")
    client.post("/orgs/new", data={"name": "The Ledger", "kind": "newsroom"})
    assert b"Dashboard" in client.get("/").data
    client.post("/logout")
    assert_redirect(client.get("/requests/"), "/login")
    bad = client.post("/login", data={"email": "ana@example.org", "password": "wrong password"})
    assert b"Email or password is wrong" in bad.data
    ok = client.post("/login", data={"email": "ana@example.org", "password": "long enough pw"})
    assert_redirect(ok, "/")


def test_register_keeps_input_and_explains(client, factory):
    factory.user(email="taken@example.org")
    resp = client.post(
        "/register",
        data={
            "name": "Bo",
            "email": "taken@example.org",
            "password": "long enough pw",
            "confirm": "different pw!!",
        },
    )
    html = resp.get_data(as_text=True)
    assert "The passwords differ." in html
    assert 'value="Bo"' in html


def test_logout_ends_other_sessions_and_tokens(app, factory):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    a, b = app.test_client(), app.test_client()
    login(a, user, org)
    login(b, user, org)
    assert a.get("/api/v1/agencies", headers=bearer(token)).status_code == 200
    assert b.get("/requests/").status_code == 200
    a.post("/logout")
    assert_redirect(b.get("/requests/"), "/login")  # the other browser is signed out
    assert a.get("/api/v1/agencies", headers=bearer(token)).status_code == 401


def test_change_password_signs_out_other_sessions(app, factory, db):
    org = factory.org()
    user = factory.user(org)
    a, b = app.test_client(), app.test_client()
    login(a, user, org)
    login(b, user, org)
    resp = a.post(
        "/settings/password",
        data={"current": PASSWORD, "password": "a brand new pw", "confirm": "a brand new pw"},
    )
    assert_redirect(resp, "/settings")
    assert a.get("/requests/").status_code == 200  # this session continues
    assert_redirect(b.get("/requests/"), "/login")
    wrong = a.post(
        "/settings/password",
        data={"current": "nope nope nope", "password": "x" * 12, "confirm": "x" * 12},
    )
    assert b"The current password is wrong" in wrong.data


def test_login_is_rate_limited(client, factory, app):
    factory.user(email="target@example.org")
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    for _ in range(limit):
        client.post("/login", data={"email": "target@example.org", "password": "bad guess 123"})
    blocked = client.post("/login", data={"email": "target@example.org", "password": PASSWORD})
    assert blocked.status_code == 429
    assert b"Too many failed attempts" in blocked.data


def test_open_redirect_refused(client, factory):
    factory.user(email="r@example.org")
    resp = client.post(
        "/login?next=//evil.example/x", data={"email": "r@example.org", "password": PASSWORD}
    )
    assert resp.headers["Location"] in ("/", "http://records.test/")


def test_csrf_required_when_enabled(config, tmp_path, monkeypatch):
    from records import create_app

    monkeypatch.setenv("RECORDS_INSTANCE_PATH", str(tmp_path / "inst2"))
    app = create_app(config | {"WTF_CSRF_ENABLED": True})
    client = app.test_client()
    resp = client.post(
        "/register",
        data={
            "name": "X",
            "email": "x@example.org",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert resp.status_code == 400
    page = client.get("/register").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    ok = client.post(
        "/register",
        data={
            "csrf_token": token,
            "name": "X",
            "email": "x@example.org",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert_redirect(ok, "/orgs/new")
    app.extensions["db_engine"].dispose()


def test_security_headers_and_cookie_flags(client, factory):
    factory.user(email="h@example.org")
    resp = client.post("/login", data={"email": "h@example.org", "password": PASSWORD})
    csp = resp.headers["Content-Security-Policy"]
    assert (
        "frame-ancestors 'none'" in csp
        and "script-src 'self'" in csp
        and "unsafe-inline" not in csp
    )
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_revoked_token_is_refused(client, factory, db):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    login(client, user, org)
    tok = db.exec(select(ApiToken)).one()
    client.post(f"/settings/tokens/{tok.id}/revoke")
    assert client.get("/api/v1/requests", headers=bearer(token)).status_code == 401


def test_trusted_proxy_setting_takes_the_client_address(config, tmp_path, monkeypatch):
    """Behind one proxy, X-Forwarded-For names the client; without the setting it is ignored."""
    from flask import request as flask_request

    from records import create_app

    seen = {}

    def build(extra):
        monkeypatch.setenv("RECORDS_INSTANCE_PATH", str(tmp_path / f"inst{len(seen)}"))
        app = create_app(config | extra)

        @app.get("/_ip")
        def _ip():
            return flask_request.remote_addr or ""

        return app

    for hops in (0, 1):
        app = build({"TRUSTED_PROXIES": hops})
        seen[hops] = (
            app.test_client()
            .get("/_ip", headers={"X-Forwarded-For": "203.0.113.9"})
            .get_data(as_text=True)
        )
        app.extensions["db_engine"].dispose()
    assert seen[1] == "203.0.113.9"
    assert seen[0] != "203.0.113.9"

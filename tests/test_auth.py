"""Accounts: register, log in, log out everywhere, change password, rate limit, CSRF."""

from __future__ import annotations

import re
import statistics
import time

from sqlmodel import select

from records.core.models import ApiToken, LoginAttempt, Membership, User
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
    assert_redirect(resp, "/login")
    user = db.exec(select(User).where(User.email == "ana@example.org")).one()
    assert user.password_hash.startswith("$argon2")
    first = client.post("/login", data={"email": "ana@example.org", "password": "long enough pw"})
    assert_redirect(first, "/")
    assert_redirect(client.get("/"), "/orgs/new")  # no organization yet
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


def _register(client, email, password="long enough pw", name="Someone"):
    return client.post(
        "/register",
        data={"name": name, "email": email, "password": password, "confirm": password},
        follow_redirects=True,
    )


def test_register_answers_the_same_whether_or_not_the_address_is_taken(app, factory, db):
    owner = factory.user(email="taken@example.org")
    fresh = _register(app.test_client(), "fresh@example.org")
    taken = _register(app.test_client(), "Taken@Example.org", password="attacker's choice")
    assert fresh.status_code == taken.status_code == 200
    page = re.compile(r"<main.*</main>", re.S)
    assert page.search(fresh.get_data(as_text=True)).group(0) == page.search(
        taken.get_data(as_text=True)
    ).group(0)
    assert "exists" not in taken.get_data(as_text=True)
    # Nothing about the existing account changed, and no second account was made.
    assert db.get(User, owner.id).password_hash == owner.password_hash
    assert len(db.exec(select(User).where(User.email == "taken@example.org")).all()) == 1
    assert db.exec(select(User).where(User.email == "fresh@example.org")).one()


def _median_seconds(action, rounds: int = 5) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def test_unknown_email_takes_as_long_as_a_known_one(app, factory):
    app.config["LOGIN_MAX_ATTEMPTS"] = 1000  # measure the password check, not the limit
    factory.user(email="known@example.org")
    client = app.test_client()

    def attempt(email):
        resp = client.post("/login", data={"email": email, "password": "wrong password"})
        assert b"Email or password is wrong" in resp.data

    attempt("warm-up@example.org")
    known = _median_seconds(lambda: attempt("known@example.org"))
    unknown = _median_seconds(lambda: attempt("nobody@example.org"))
    # Generous bounds (the machine may be busy); without the dummy hash the ratio is about 0.02.
    assert 1 / 3 < unknown / known < 3, (unknown, known)

    counter = iter(range(1000))
    taken = _median_seconds(lambda: _register(app.test_client(), "known@example.org"))
    new = _median_seconds(lambda: _register(app.test_client(), f"n{next(counter)}@example.org"))
    assert 1 / 3 < taken / new < 3, (taken, new)


def test_register_then_log_in_follows_a_pending_invite(app, factory, db):
    org = factory.org()
    owner = factory.user(org)
    c = app.test_client()
    login(c, owner, org)
    c.post("/settings/invites", data={"role": "editor"})
    path = re.search(
        r"http://records\.test(/join/[\w-]+)", c.get("/settings").get_data(as_text=True)
    )
    path = path.group(1)
    newcomer = app.test_client()
    assert b"Log in or register" in newcomer.get(path, follow_redirects=True).data
    resp = newcomer.post(
        "/register",
        data={
            "name": "New",
            "email": "new@example.org",
            "password": "long enough pw",
            "confirm": "long enough pw",
        },
    )
    assert_redirect(resp, f"/login?next={path}")
    resp = newcomer.post(
        f"/login?next={path}", data={"email": "new@example.org", "password": "long enough pw"}
    )
    assert_redirect(resp, path)
    assert_redirect(newcomer.post(path), "/")
    user = db.exec(select(User).where(User.email == "new@example.org")).one()
    member = db.exec(select(Membership).where(Membership.user_id == user.id)).one()
    assert (member.org_id, member.role) == (org.id, "editor")


def test_failed_logins_are_pruned_after_the_window(app, factory, db, clock):
    from records.ops import scheduler

    factory.user(email="p@example.org")
    client = app.test_client()
    for _ in range(3):
        client.post("/login", data={"email": "p@example.org", "password": "bad guess 123"})
    assert len(db.exec(select(LoginAttempt)).all()) == 3
    clock.advance(seconds=app.config["LOGIN_WINDOW_SECONDS"] + 60)
    result = scheduler.tick(app, worker_id="test")
    assert result.jobs["prune_login_attempts"] == 3
    assert db.exec(select(LoginAttempt)).all() == []


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
    assert_redirect(ok, "/login")
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


def test_api_token_records_its_last_use_in_a_short_write_of_its_own(app, factory, db, clock):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    c = app.test_client()
    login(c, user, org)
    assert "never" in c.get("/settings").get_data(as_text=True)
    assert c.get("/api/v1/agencies", headers=bearer(token)).status_code == 200
    first = db.exec(select(ApiToken)).one().last_used_at
    assert first is not None
    assert first.strftime("%Y-%m-%d %H:%M UTC") in c.get("/settings").get_data(as_text=True)
    # Throttled: another call within minutes writes nothing; later calls move it on.
    c.post(
        "/api/v1/agencies", json={"name": "Sheriff", "jurisdiction": "AL"}, headers=bearer(token)
    )
    assert db.exec(select(ApiToken)).one().last_used_at == first
    clock.advance(minutes=10)
    assert c.get("/api/v1/agencies", headers=bearer(token)).status_code == 200
    assert db.exec(select(ApiToken)).one().last_used_at > first

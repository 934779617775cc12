"""Cross-organization access: every HTML and API route with an object id answers 404 to another
organization. The walk is driven by the URL map, so a new route is covered (or fails) automatically."""

from __future__ import annotations

import pytest

from tests.conftest import bearer, login

# Argument name -> which of the victim's objects it refers to.
ID_ARGS = {"request_id": "request", "agency_id": "agency"}
# Routes with ids that are not organization objects (own tokens/members are checked in their tests).
EXEMPT = {
    "orgs.join",
    "orgs.revoke_token",
    "orgs.change_role",
    "orgs.remove_member",
    "laws.show",
    "public.show",
    "static",
}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT or not rule.arguments:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.fixture
def victim(factory):
    org = factory.org("Victim Org")
    owner = factory.user(org)
    agency = factory.agency(org, name="Victim Agency")
    req = factory.request(org, owner, agency, title="Victim request", visibility="organization")
    return {"org": org, "request": req, "agency": agency}


def test_every_object_route_is_404_for_another_org(app, factory, victim):
    attacker_org = factory.org("Attacker Org")
    attacker = factory.user(attacker_org)
    token = factory.token(attacker, attacker_org)
    client = app.test_client()
    login(client, attacker, attacker_org)
    checked = []
    for rule, method in _routes(app):
        unknown = set(rule.arguments) - set(ID_ARGS)
        assert not unknown, f"{rule.rule}: add {unknown} to ID_ARGS or EXEMPT with a reason"
        values = {arg: getattr(victim[ID_ARGS[arg]], "id") for arg in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **values)
        headers = bearer(token) if rule.rule.startswith("/api/") else {}
        resp = client.open(
            url,
            method=method,
            headers=headers,
            json={} if rule.rule.startswith("/api/") and method != "GET" else None,
        )
        assert resp.status_code == 404, f"{method} {url} answered {resp.status_code}"
        assert b"Victim" not in resp.data
        checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 10


def test_lists_do_not_leak_other_orgs(app, factory, victim):
    org = factory.org()
    user = factory.user(org)
    client = app.test_client()
    login(client, user, org)
    for url in ("/", "/requests/", "/agencies/", "/requests/?q=Victim", "/agencies/?q=Victim"):
        assert (
            b"Victim request" not in client.get(url).data
            and b"Victim Agency" not in client.get(url).data
        ), url
    token = factory.token(user, org)
    for url in ("/api/v1/requests", "/api/v1/agencies"):
        assert client.get(url, headers=bearer(token)).json["total"] == 0


def test_anonymous_is_sent_to_login(client, victim):
    for url in (
        f"/requests/{victim['request'].id}",
        f"/agencies/{victim['agency'].id}",
        "/requests/",
        "/settings",
    ):
        resp = client.get(url)
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], url

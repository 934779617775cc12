"""Events and deadlines over the JSON API, and the `deadlines compute` / `laws list` commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import time_machine

from records.deadlines.engine import SUMMARY_KEYS
from tests.conftest import bearer

NOON = datetime(2026, 11, 24, 15, tzinfo=UTC)


@pytest.fixture
def api(factory):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org, name="ICE", level="federal", jurisdiction="US", component="DHS")
    req = factory.request(org, user, agency)
    return req, bearer(factory.token(user, org))


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOON, tick=False):
        yield


def test_post_event_returns_status_and_clocks(client, api):
    req, headers = api
    url = f"/api/v1/requests/{req.id}/events"
    resp = client.post(url, json={"type": "sent", "date": "2026-11-02", "note": "e-mail"},
                       headers=headers)  # fmt: skip
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["status"] == "sent"
    assert body["overdue"] is False
    response = next(d for d in body["deadlines"] if d["name"] == "response")
    # 20 working days after Mon 2026-11-02, skipping Nov 11 and Nov 26 -> Wed 2026-12-02.
    assert response["due"] == "2026-12-02"
    assert response["statutory"] is True
    assert response["citation"] == "5 U.S.C. § 552(a)(6)(A)(i)"
    assert "Veterans Day" in response["explanation"]
    assert set(response) >= {"name", "due", "rule", "citation", "explanation", "statutory"}

    got = client.get(f"/api/v1/requests/{req.id}", headers=headers).json
    assert got["status"] == "sent" and got["deadlines"] == body["deadlines"]

    events = client.get(url, headers=headers).json
    assert [(e["type"], e["date"], e["note"]) for e in events["items"]] == [
        ("sent", "2026-11-02", "e-mail")
    ]


def test_request_becomes_overdue_after_the_response_date(client, api):
    req, headers = api
    client.post(f"/api/v1/requests/{req.id}/events", json={"type": "sent", "date": "2026-10-01"},
                headers=headers)  # fmt: skip
    # 20 working days after Thu 2026-10-01: Oct 12 (Columbus Day) skipped -> Fri 2026-10-30,
    # long past on 2026-11-24.
    body = client.get(f"/api/v1/requests/{req.id}", headers=headers).json
    assert body["overdue"] is True
    assert next(d for d in body["deadlines"] if d["name"] == "response")["due"] == "2026-10-30"


def test_event_not_allowed_is_409_and_changes_nothing(client, api):
    req, headers = api
    url = f"/api/v1/requests/{req.id}/events"
    resp = client.post(url, json={"type": "denial", "date": "2026-11-02"}, headers=headers)
    assert resp.status_code == 409
    assert resp.json["error"]["code"] == "event_not_allowed"
    assert "draft" in resp.json["error"]["message"]
    assert client.get(url, headers=headers).json["items"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "bogus", "date": "2026-11-02"}, "type"),
        ({"type": "sent", "date": "2026-02-30"}, "date"),
        ({"type": "sent"}, "date"),
        ({"type": "sent", "date": "2026-11-02", "data": [1]}, "data"),
        ({"type": "sent", "date": "2026-11-02", "extra": 1}, "extra"),
    ],
)
def test_bad_event_input_is_422(client, api, body, field):
    req, headers = api
    resp = client.post(f"/api/v1/requests/{req.id}/events", json=body, headers=headers)
    assert resp.status_code == 422
    assert resp.json["error"]["field"] == field


def test_other_organization_gets_404_and_viewer_403(client, api, factory):
    req, _headers = api
    other = factory.org()
    stranger = bearer(factory.token(factory.user(other), other))
    url = f"/api/v1/requests/{req.id}/events"
    assert client.get(url, headers=stranger).status_code == 404
    body = {"type": "sent", "date": "2026-11-02"}
    assert client.post(url, json=body, headers=stranger).status_code == 404
    from records.core.models import Organization

    org = factory.db.get(Organization, req.org_id)
    viewer = bearer(factory.token(factory.user(org, role="viewer"), org))
    assert client.post(url, json=body, headers=viewer).status_code == 403


def test_corrects_replaces_an_event(client, api):
    req, headers = api
    url = f"/api/v1/requests/{req.id}/events"
    first = client.post(url, json={"type": "sent", "date": "2026-11-02"}, headers=headers).json
    event_id = first["event"]["id"]
    # Really sent Wed 2026-11-04: 20 working days -> Fri 2026-12-04 (see test_lifecycle).
    resp = client.post(url, json={"corrects": event_id, "date": "2026-11-04"}, headers=headers)
    assert resp.status_code == 201
    assert next(d for d in resp.json["deadlines"] if d["name"] == "response")["due"] == "2026-12-04"
    items = client.get(url, headers=headers).json["items"]
    assert [(e["date"], e["voided_at"] is not None, e["corrects_id"]) for e in items] == [
        ("2026-11-02", True, None),
        ("2026-11-04", False, event_id),
    ]
    again = client.post(url, json={"corrects": event_id, "date": "2026-11-03"}, headers=headers)
    assert again.status_code == 409
    for bad in (999999, 2**70):
        wrong = client.post(url, json={"corrects": bad, "date": "2026-11-03"}, headers=headers)
        assert wrong.status_code == 422 and wrong.json["error"]["field"] == "corrects"


def test_deadlines_endpoint(client, api):
    _req, headers = api
    resp = client.get("/api/v1/deadlines?law=US&start=2026-11-20&component=DHS", headers=headers)
    assert resp.status_code == 200
    # Received Fri 2026-11-20: 20 working days, Thanksgiving skipped -> Mon 2026-12-21
    # (docs/deadlines.md's worked example).
    assert resp.json["law"] == "US"
    assert resp.json["response_due"] == "2026-12-21"
    # One key per clock the engine computes (records.deadlines.engine.SUMMARY_KEYS).
    assert set(resp.json["explanations"]) == set(SUMMARY_KEYS)
    assert set(SUMMARY_KEYS) <= set(resp.json)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("law=XX&start=2026-11-20", "law"),
        ("start=2026-11-20", "law"),
        ("law=US&start=2026-13-01", "start"),
        ("law=US", "start"),
        ("law=US&start=2026-11-20&component=NASA", "component"),
    ],
)
def test_deadlines_endpoint_bad_input_is_400(client, api, query, field):
    _req, headers = api
    resp = client.get(f"/api/v1/deadlines?{query}", headers=headers)
    assert resp.status_code == 400
    assert resp.json["error"]["field"] == field


def test_cli_compute_prints_one_json_object(runner):
    result = runner.invoke(
        args=["deadlines", "compute", "--law", "us", "--start", "2026-11-20", "--component", "DOJ"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("law", "start", "acknowledgment_due", "response_due", "extended_due",
                "expedited_decision_due", "appeal_due", "explanations"):  # fmt: skip
        assert key in data
    assert data["response_due"] == "2026-12-21"
    assert data["acknowledgment_due"] is None  # the FOIA sets no acknowledgment period
    # DOJ: 90 calendar days after Fri 2026-11-20 (28 C.F.R. § 16.8(a)): Nov has 10 more days,
    # Dec 31, Jan 31 (72), Feb 18 -> Thu 2027-02-18.
    assert data["appeal_due"] == "2027-02-18"


@pytest.mark.parametrize(
    "args",
    [
        ["--law", "XX", "--start", "2026-11-20"],
        ["--law", "US", "--start", "2026-02-30"],
        ["--law", "US", "--start", "2026-11-20", "--component", "NASA"],
    ],
)
def test_cli_compute_bad_input_exits_2_with_one_line(runner, args):
    result = runner.invoke(args=["deadlines", "compute", *args])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_cli_laws_list_json(runner):
    result = runner.invoke(args=["laws", "list", "--json"])
    assert result.exit_code == 0
    laws = json.loads(result.output)
    assert len(laws) == 52
    us = next(law for law in laws if law["code"] == "US")
    assert us["periods"]["response"]["count"] == 20
    assert us["periods"]["response"]["source"]["citation"] == "5 U.S.C. § 552(a)(6)(A)(i)"
    plain = runner.invoke(args=["laws", "list"])
    assert plain.exit_code == 0 and len(plain.output.splitlines()) == 52

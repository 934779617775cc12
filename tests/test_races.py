"""Races between real processes: gunicorn workers on the test's database (SQLite or PostgreSQL)
answer simultaneous requests, and a single-use or limited thing stays single-use or limited."""

from __future__ import annotations

import io
import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import requests
from sqlmodel import select

from records.core.models import Invite, LoginAttempt, Membership
from records.filing.models import ProposedEvent
from records.lifecycle import service as lifecycle
from records.lifecycle.models import Event
from tests.conftest import PASSWORD, assert_redirect, bearer
from tests.filing_helpers import eml_bytes
from tests.live_server import browser_login, csrf_token, gunicorn, post_form

pytestmark = pytest.mark.slow
WORKERS, THREADS = 3, 4


def _all_at_once(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run ``fn(0..n-1)`` in threads released together; returns their results in order."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - reported in the result list
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_single_use_invite_admits_exactly_one_of_many_simultaneous_joins(app, factory, db):
    org = factory.org()
    owner = factory.user(org)
    joiners = [factory.user() for _ in range(WORKERS * THREADS)]
    with gunicorn(app, workers=WORKERS, threads=THREADS) as base:
        owner_http = browser_login(base, owner.email, PASSWORD)
        token = csrf_token(owner_http, f"{base}/settings")
        created = post_form(owner_http, f"{base}/settings/invites", {"role": "editor"}, token)
        assert_redirect(created, "/settings")
        link = re.search(r"/join/[\w-]+", owner_http.get(f"{base}/settings", timeout=60).text)
        assert link, "the settings page shows the new invite link once"
        url = base + link.group(0)
        sessions = [browser_login(base, user.email, PASSWORD) for user in joiners]
        tokens = [csrf_token(http, url) for http in sessions]  # every one sees a valid invite

        answers = _all_at_once(len(sessions), lambda i: post_form(sessions[i], url, {}, tokens[i]))
    results = [getattr(a, "status_code", a) for a in answers]
    assert Counter(results) == {302: 1, 404: len(joiners) - 1}, results
    (winner,) = [answer for answer, code in zip(answers, results, strict=True) if code != 404]
    assert_redirect(winner, "/")  # the one who joined lands on the dashboard
    joined = db.exec(
        select(Membership).where(Membership.org_id == org.id, Membership.role == "editor")
    ).all()
    assert len(joined) == 1
    invite = db.exec(select(Invite).where(Invite.org_id == org.id)).one()
    assert invite.used_at is not None


def test_login_limit_holds_under_simultaneous_wrong_passwords(app, factory, db):
    user = factory.user(email="target@example.org")
    limit = app.config["LOGIN_MAX_ATTEMPTS"]
    attempts = 40
    with gunicorn(app, workers=WORKERS, threads=THREADS) as base:
        clients = [requests.Session() for _ in range(attempts)]
        tokens = [csrf_token(http, f"{base}/login") for http in clients]

        def guess(i: int) -> int:
            return post_form(
                clients[i],
                f"{base}/login",
                {"email": user.email, "password": f"wrong guess {i}"},
                tokens[i],
            ).status_code

        results = _all_at_once(attempts, guess)
        # The right password is refused too now: the limit is per account and address.
        late = requests.Session()
        right = post_form(
            late,
            f"{base}/login",
            {"email": user.email, "password": PASSWORD},
            csrf_token(late, f"{base}/login"),
        )
    counts = Counter(results)
    assert set(counts) <= {200, 429}, results
    # 200 means the password was checked (and found wrong); never more than the limit.
    assert counts[200] <= limit, counts
    assert counts[429] >= attempts - limit
    assert right.status_code == 429
    recorded = db.exec(select(LoginAttempt).where(LoginAttempt.key.startswith(user.email))).all()
    assert len(recorded) == attempts + 1


def test_a_proposed_event_is_confirmed_once_by_simultaneous_editors(app, client, factory, db):
    org = factory.org()
    editors = [factory.user(org, role="editor") for _ in range(WORKERS * THREADS)]
    req = factory.request(org, editors[0])
    lifecycle.record_event(db, req, "sent", date(2026, 11, 2), actor_id=editors[0].id)
    db.commit()
    token = factory.token(editors[0], org)
    filed = client.post(
        f"/api/v1/requests/{req.id}/documents",
        data={"file": (io.BytesIO(eml_bytes()), "ack.eml")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert filed.status_code == 201, filed.json
    proposal = filed.json["proposed_events"][0]
    url_of = f"/proposed-events/{proposal['id']}/confirm"
    with gunicorn(app, workers=WORKERS, threads=THREADS) as base:
        sessions = [browser_login(base, user.email, PASSWORD) for user in editors]
        tokens = [csrf_token(http, f"{base}/requests/{req.id}") for http in sessions]
        results = _all_at_once(
            len(sessions),
            lambda i: (
                post_form(
                    sessions[i], base + url_of, {"kind": proposal["kind"]}, tokens[i]
                ).status_code
            ),
        )
    assert set(results) == {302}, results  # each is told what happened, none fails
    events = db.exec(
        select(Event).where(Event.request_id == req.id, Event.kind == "acknowledged")
    ).all()
    assert len(events) == 1
    assert db.get(ProposedEvent, proposal["id"]).state == "confirmed"

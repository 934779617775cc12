"""Concurrent web writes while the scheduler sweeps: no "database is locked" ever reaches a user."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

from records import scheduler
from records.models import RecordRequest
from records.models_ops import AuditLog

pytestmark = pytest.mark.slow
WRITERS = 8
OPS_PER_WRITER = 15
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def live(app) -> Iterator[str]:
    app.config.update(SERVER_NAME=None, PROPAGATE_EXCEPTIONS=False, TESTING=False)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_writes_and_sweeps_never_surface_lock_errors(app, live, factory, db):
    org = factory.org()
    owner = factory.user(org)
    agency = factory.agency(org)
    tokens = [factory.token(owner, org) for _ in range(WRITERS)]
    problems: list[str] = []
    created: list[int] = []
    stop = threading.Event()
    ticks = 0

    def writer(token: str) -> None:
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            for n in range(OPS_PER_WRITER):
                resp = http.post(
                    f"{live}/api/v1/requests",
                    json={"agency_id": agency.id, "title": f"Concurrent {n}"},
                    timeout=60,
                )
                if resp.status_code != 201:
                    problems.append(f"create {resp.status_code}: {resp.text[:200]}")
                    continue
                rid = resp.json()["id"]
                created.append(rid)
                resp = http.patch(
                    f"{live}/api/v1/requests/{rid}",
                    json={"tracking_number": f"T-{rid}"},
                    timeout=60,
                )
                if resp.status_code != 200:
                    problems.append(f"patch {resp.status_code}: {resp.text[:200]}")
                listing = http.get(f"{live}/api/v1/requests?per_page=5", timeout=60)
                if listing.status_code != 200:
                    problems.append(f"list {listing.status_code}: {listing.text[:200]}")

    def sweeper() -> None:
        nonlocal ticks
        while not stop.is_set():
            result = scheduler.tick(app, now=NOW + timedelta(seconds=ticks), worker_id="test")
            errors = {k: v for k, v in result.jobs.items() if isinstance(v, str)}
            if errors:
                problems.append(f"sweep job errors: {errors}")
            ticks += 1

    sweep = threading.Thread(target=sweeper)
    sweep.start()
    threads = [threading.Thread(target=writer, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    sweep.join()

    assert not problems, problems[:5]
    assert not any("locked" in p for p in problems)
    assert len(created) == WRITERS * OPS_PER_WRITER
    assert ticks >= 1
    total = db.exec(select(func.count()).select_from(RecordRequest)).one()[0]
    assert total == WRITERS * OPS_PER_WRITER
    # Each create and each patch was audited exactly once, in the same transaction.
    audited = db.exec(
        select(AuditLog.action, func.count())
        .where(AuditLog.object_type == "recordrequest")
        .group_by(AuditLog.action)
    ).all()
    assert dict(audited) == {"insert": total, "update": total}

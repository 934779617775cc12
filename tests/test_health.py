"""/healthz reports database, storage and scheduler; 503 when the app cannot serve writes."""

from __future__ import annotations

import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from records import create_app

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


@pytest.fixture
def fixed_now(clock):
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def heartbeat(monkeypatch):
    """A stand-in scheduler module whose last heartbeat the test chooses."""
    state: dict[str, datetime | None] = {"beat": None}
    fake = types.ModuleType("records.ops.scheduler")
    fake.last_heartbeat = lambda db: state["beat"]
    monkeypatch.setitem(sys.modules, "records.ops.scheduler", fake)
    return state


def test_healthy_instance(client, fixed_now, heartbeat):
    heartbeat["beat"] = NOW - timedelta(seconds=30)
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["storage"] == {"ok": True, "backend": "local"}
    assert body["scheduler"] == {"ok": True, "heartbeat_age_seconds": 30.0}
    assert resp.headers["Cache-Control"] == "no-store"


def test_stale_scheduler_is_degraded_but_serving(client, fixed_now, heartbeat):
    heartbeat["beat"] = NOW - timedelta(hours=2)
    resp = client.get("/healthz")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "degraded"
    assert body["scheduler"]["ok"] is False
    assert body["scheduler"]["heartbeat_age_seconds"] == 7200.0


def test_missing_heartbeat_is_reported(client, fixed_now, heartbeat):
    body = client.get("/healthz").get_json()
    assert body["scheduler"]["ok"] is False and body["scheduler"]["detail"] == "no heartbeat yet"


def test_unwritable_storage_is_503(config, tmp_path, fixed_now):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the storage folder should be")
    app = create_app(config | {"STORAGE_DIR": str(blocker / "storage")})
    resp = app.test_client().get("/healthz")
    app.extensions["db_engine"].dispose()
    assert resp.status_code == 503
    assert resp.get_json()["storage"]["ok"] is False
    assert resp.get_json()["status"] == "down"


def test_database_down_is_503(config, tmp_path, fixed_now):
    missing = tmp_path / "no" / "such" / "dir" / "records.db"
    app = create_app(config | {"DATABASE_URL": f"sqlite:///{missing}"})
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503
    body = resp.get_json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["status"] == "down"


def test_livez_needs_no_database(config, tmp_path):
    missing = tmp_path / "no" / "such" / "dir" / "records.db"
    app = create_app(config | {"DATABASE_URL": f"sqlite:///{missing}"})
    resp = app.test_client().get("/livez")
    assert resp.status_code == 200 and resp.get_data(as_text=True) == "ok\n"

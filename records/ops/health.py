"""Health checks: database reachable, storage writable, scheduler heartbeat age."""

from __future__ import annotations

import logging
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

log = logging.getLogger(__name__)
# A heartbeat older than this many sweep intervals means the scheduler is stuck or not running.
STALE_SWEEPS = 3


def check_database(engine: Engine) -> dict[str, Any]:
    """Run ``SELECT 1`` and time it."""
    start = time.perf_counter()
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # any driver error means "down"; the message says why
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "latency_ms": round((time.perf_counter() - start) * 1000, 1)}


def check_storage(app: Flask) -> dict[str, Any]:
    """Write and remove a probe in the storage backend."""
    if app.config.get("STORAGE_BACKEND") == "s3":
        try:
            from records.core.storage_s3 import S3Storage

            S3Storage.from_config(app.config).probe()
        except Exception as exc:  # the endpoint, bucket or credentials are wrong
            return {"ok": False, "backend": "s3", "error": type(exc).__name__}
        return {"ok": True, "backend": "s3"}
    folder = Path(app.config["STORAGE_DIR"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".healthz-", dir=folder)
        os.write(fd, b"ok")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return {"ok": False, "backend": "local", "error": exc.strerror or type(exc).__name__}
    return {"ok": True, "backend": "local"}


def check_scheduler(db: Session | None, now: datetime, sweep_seconds: int) -> dict[str, Any]:
    """Age of the scheduler's last heartbeat; stale past a few sweep intervals."""
    try:
        from records.ops.scheduler import last_heartbeat
    except ImportError:
        return {"ok": None, "detail": "scheduler not installed"}
    if db is None:
        return {"ok": None, "detail": "database unavailable"}
    try:
        beat = last_heartbeat(db)
    except Exception as exc:  # a missing table or a dropped connection
        return {"ok": None, "error": type(exc).__name__}
    if beat is None:
        return {"ok": False, "heartbeat_age_seconds": None, "detail": "no heartbeat yet"}
    age = max(0.0, (now - beat).total_seconds())
    return {
        "ok": age <= STALE_SWEEPS * max(sweep_seconds, 1),
        "heartbeat_age_seconds": round(age, 1),
    }


def report(app: Flask, engine: Engine, now: datetime) -> tuple[dict[str, Any], int]:
    """The /healthz body and status: 503 when the database or storage cannot be used."""
    database = check_database(engine)
    storage = check_storage(app)
    if database["ok"]:
        with Session(engine) as db:
            scheduler = check_scheduler(db, now, app.config["SWEEP_SECONDS"])
    else:
        scheduler = check_scheduler(None, now, app.config["SWEEP_SECONDS"])
    healthy = database["ok"] and storage["ok"]
    status = "ok" if healthy and scheduler["ok"] is not False else "degraded"
    if not healthy:
        status = "down"
    body = {"status": status, "database": database, "storage": storage, "scheduler": scheduler}
    return body, 200 if healthy else 503


OUTAGE_MESSAGE = (
    "The database cannot be reached right now. Nothing was saved; try again in a minute."
)


def init_app(app: Flask) -> None:
    """Answer 503 with a page that needs no database when the database cannot be reached.

    The regular error page extends the site layout, which reads the member's organization and
    notifications from the database: during an outage it would fail again, so this page is a
    standalone template rendered without the request's context processors.
    """
    from flask import request
    from sqlalchemy.exc import OperationalError

    @app.errorhandler(OperationalError)
    def _database_unavailable(_exc: Exception) -> Any:
        app.logger.exception("database unavailable")
        _discard_session()
        if request.path.startswith("/api/"):
            from records.api.errors import error_response

            resp = error_response(503, "temporarily_unavailable", OUTAGE_MESSAGE)
        else:
            html = app.jinja_env.get_template("health/unavailable.html").render()
            resp = app.response_class(html, status=503, mimetype="text/html")
        resp.headers["Retry-After"] = "30"
        resp.headers["Cache-Control"] = "no-store"
        return resp


def _discard_session() -> None:
    """Roll back the request's session so its broken connection goes back to the pool invalidated."""
    from flask import g

    session = g.pop("db_session", None)
    if session is not None:
        try:
            session.rollback()
        except Exception:  # the connection is already gone; closing below is enough
            log.debug("rollback after an outage failed", exc_info=True)
        finally:
            session.close()

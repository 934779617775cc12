"""``/healthz`` for load balancers and monitors, and ``/livez``, a trivial liveness answer."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from records.core.clock import utc_now
from records.core.db import get_engine
from records.ops.health import report

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Any:
    """Database, storage and scheduler state as JSON; 503 when the app cannot serve writes."""
    body, status = report(current_app, get_engine(), utc_now())
    resp = jsonify(body)
    resp.status_code = status
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/livez")
def livez() -> Any:
    """The process answers: no database, no template (also the benchmarks' baseline)."""
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}

"""Operating an instance: health checks, the audit trail's pages, backups, demo data.

``health`` (checks) <- ``health_views`` (``/healthz``, ``/livez``); ``audit_views`` (the audit
trail for owners; the trail itself is ``records.core.audit``); ``backup`` <- ``backup_cli``;
``demo`` (the demo data ``flask demo-data`` seeds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the health and audit pages and ``flask backup``. Runs after the other pages:
    the database-outage page replaces theirs."""
    from records.cli import add_lazy
    from records.ops import audit_views, health, health_views

    app.register_blueprint(audit_views.bp)
    audit_views.add_panels()
    app.register_blueprint(health_views.bp)
    add_lazy(app, "records.ops.backup_cli")
    health.init_app(app)

"""Records Desk: draft public-records requests, track statutory deadlines, file what comes back."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"


def _default_instance(paths: Any) -> str | None:
    """``instance/`` in a checkout; an installed wheel gets Flask's default (``<prefix>/var/...``)."""
    return None if paths.installed() else str(paths.CHECKOUT / "instance")


def _list_jobs() -> None:
    """The periodic jobs of the core features (packages list theirs in ``init_app``)."""
    from records import auth, clocks, extract, jobs, letter_batch, sharing, storage_sweep

    jobs.add("deadlines.deemed_denials", clocks.deemed_denials)
    jobs.add("extract_text", extract.extract_pending)
    jobs.add("letter_batches", letter_batch.run_pending_batches)
    jobs.add("prune_login_attempts", auth.prune_login_attempts)
    jobs.add("publish_embargoes", sharing.publish_due_embargoes)
    jobs.add("sweep_stored_files", storage_sweep.sweep)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, login, blueprints, CLI, and (optionally) the scheduler."""
    from records.core import paths

    app = Flask(
        __name__,
        instance_path=os.environ.get("RECORDS_INSTANCE_PATH") or _default_instance(paths),
        template_folder=str(paths.shipped("templates")),
        static_folder=str(paths.shipped("static")),
    )
    from records.config import load_settings

    settings = load_settings(Path(app.instance_path), config)
    app.config.update(settings)
    instance_cfg = Path(app.instance_path) / "config.py"
    if instance_cfg.exists() and not (config or {}).get("TESTING"):
        app.config.from_pyfile(str(instance_cfg))
    app.config.update(
        MAX_CONTENT_LENGTH=app.config["MAX_UPLOAD_MB"] * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    _configure_logging(app)
    from records.core import inputs

    inputs.init_app(app)  # NUL characters and hostile JSON are refused before any view runs
    if app.config["TRUSTED_PROXIES"] > 0:
        # Behind nginx: take the client address (audit log, login rate limit) and scheme from
        # the proxy's X-Forwarded-* headers, trusting exactly that many hops.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    # Ids are 32-bit: a larger number in a URL answers 404 before it reaches the database
    # driver, which cannot bind it.
    from werkzeug.exceptions import NotFound
    from werkzeug.routing import IntegerConverter

    from records.validation import MAX_ID

    class IdConverter(IntegerConverter):
        def to_python(self, value: str) -> int:
            number = super().to_python(value)
            if number > MAX_ID:
                raise NotFound()
            return number

    app.url_map.converters["int"] = IdConverter

    from records import (  # noqa: F401  (tables: every table on SQLModel.metadata)
        audit,
        auth,
        cli,
        db,
        links,
        search_index,
        security,
        storage_local,
        tables,
    )

    storage_local.install(app)  # large uploads spool where they will be stored: one write
    db.init_app(app)
    search_index.install()  # every write to an indexed row updates the search index
    audit.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    links.init_app(app)
    cli.init_app(app)
    _list_jobs()

    from records.api import api_bp
    from records.web import register_blueprints

    register_blueprints(app)
    from records import register

    register.init_app(app)  # the agreement register: before api_bp, which carries its routes
    from records import reports

    reports.init_app(app)  # report cards and exports: before api_bp too
    app.register_blueprint(api_bp)
    from records import inbound

    inbound.init_app(app)  # agency replies: holding pen, reply mailbox, `mail` commands, fetch job
    from records import health

    health.init_app(app)  # after the blueprints: its database-outage page replaces theirs

    from records import scheduler

    # Embedded reminder clock: only with SCHEDULER_ENABLED, never under tests, other CLI
    # commands or the reloader's watching parent (see records.scheduler.should_embed).
    scheduler.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        from records.logs import JsonFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("records")
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
    else:
        logging.getLogger("records").setLevel(logging.INFO)

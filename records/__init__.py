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


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings, database, login, blueprints, CLI, and (optionally) the scheduler."""
    from records.core import paths

    app = Flask(
        __name__,
        instance_path=os.environ.get("RECORDS_INSTANCE_PATH") or _default_instance(paths),
        template_folder=str(paths.shipped("templates")),
        static_folder=str(paths.shipped("static")),
    )
    from records.core.config import load_settings

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

    from records.core.validation import MAX_ID

    class IdConverter(IntegerConverter):
        def to_python(self, value: str) -> int:
            number = super().to_python(value)
            if number > MAX_ID:
                raise NotFound()
            return number

    app.url_map.converters["int"] = IdConverter

    # The infrastructure every capability uses.
    from records import cli
    from records.core import audit, auth, db, jobs, links, security, storage_local
    from records.schema import tables  # noqa: F401  (every table on SQLModel.metadata)
    from records.search import index as search_index

    storage_local.install(app)  # large uploads spool where they will be stored: one write
    db.init_app(app)
    search_index.install()  # every write to an indexed row updates the search index
    audit.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    links.init_app(app)
    cli.init_app(app)
    jobs.add("prune_login_attempts", auth.prune_login_attempts)

    # The product, one package per capability: each registers its pages, panels, JSON routes,
    # commands and jobs.
    from records import (
        accounts,
        deadlines,
        directory,
        filing,
        inbound,
        letters,
        lifecycle,
        notify,
        ops,
        projects,
        register,
        reports,
        requests,
        search,
        web,
    )
    from records.api import api_bp

    web.init_app(app)  # the dashboard, template globals and error pages
    accounts.init_app(app)  # register, log in, organizations, members, API tokens
    directory.init_app(app)  # the shared agency directory
    requests.init_app(app)  # requests, their list and bulk actions, "File again"
    projects.init_app(app)  # named groups of requests
    lifecycle.init_app(app)  # timelines, status and the stored deadlines
    deadlines.init_app(app)  # the law pages and the deadline calculator
    letters.init_app(app)  # drafting, editing, sending and batches of letters
    filing.init_app(app)  # documents, sharing, bundles and the public archive
    search.init_app(app)  # full-text search
    notify.init_app(app)  # reminders, the inbox and calendar feeds
    inbound.init_app(app)  # agency replies: holding pen, reply mailbox, `mail` commands
    register.init_app(app)  # the agreement register and forfeiture ledger
    reports.init_app(app)  # report cards and exports
    ops.init_app(app)  # health and the audit trail: last, its outage page replaces the others'
    app.register_blueprint(api_bp)  # after every package has added its routes

    from records.ops import scheduler

    # Embedded reminder clock: only with SCHEDULER_ENABLED, never under tests, other CLI
    # commands or the reloader's watching parent (see records.ops.scheduler.should_embed).
    scheduler.init_app(app)
    return app


def _configure_logging(app: Flask) -> None:
    if app.config.get("LOG_FORMAT") == "json":
        from records.core.logs import JsonFormatter

        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("records")
        root.handlers[:] = [handler]
        root.setLevel(logging.INFO)
    else:
        logging.getLogger("records").setLevel(logging.INFO)

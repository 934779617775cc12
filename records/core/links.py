"""The public address that links in emails and calendar feeds start with.

In order: ``BASE_URL`` when the operator set it; Flask's ``SERVER_NAME`` (with
``PREFERRED_URL_SCHEME`` and ``APPLICATION_ROOT``) when that is set; inside a request, the address
the request came to (``request.url_root``, which honours ``TRUSTED_PROXIES`` through ProxyFix);
for jobs with no request (the scheduler's reminder emails), the address the recipient last used
the app at, and failing that ``http://HOST:PORT``.

The last-used address is kept per user on purpose: a ``Host`` header is whatever the client
sends, so one shared "last seen" address would let any user point everybody's reminder emails
at a host of their choosing. Per user, a forged header only changes one's own links.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context, request, url_for
from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from records.core.db import get_engine, write_intent
from records.core.models import User

log = logging.getLogger(__name__)

MAX_URL = 300


def configured_base_url(config: Mapping[str, Any]) -> str:
    """``BASE_URL``, else one built from ``SERVER_NAME``; empty when neither is set."""
    base = str(config.get("BASE_URL") or "").strip()
    if base:
        return base.rstrip("/")
    server = str(config.get("SERVER_NAME") or "").strip()
    if server:
        scheme = config.get("PREFERRED_URL_SCHEME") or "http"
        root = str(config.get("APPLICATION_ROOT") or "/").rstrip("/")
        return f"{scheme}://{server}{root}"
    return ""


def _listen_address(config: Mapping[str, Any]) -> str:
    host = str(config.get("HOST") or "127.0.0.1")
    # A bind-all address is compared here, never bound, and is no link target.
    if host in ("0.0.0.0", "::", ""):  # noqa: S104  # nosec B104
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{config.get('PORT') or 5000}"


_PLAIN_PATH = re.compile(r"[A-Za-z0-9/._~-]*")


def request_base_url() -> str:
    """The address the current request reached the app at, without a trailing slash."""
    host, root = request.host, request.root_path
    if host.isascii() and "xn--" not in host and _PLAIN_PATH.fullmatch(root):
        # What ``url_root`` builds, without its IRI decoding (nothing here to decode): every
        # signed-in page asks.
        return f"{request.scheme}://{host}{root}".rstrip("/")
    return request.url_root.rstrip("/")


def base_url(user: User | None = None, config: Mapping[str, Any] | None = None) -> str:
    """Where links should point (see the module docstring for the order)."""
    config = current_app.config if config is None else config
    configured = configured_base_url(config)
    if configured:
        return configured
    if has_request_context():
        return request_base_url()
    if user is not None and user.last_seen_url:
        return user.last_seen_url
    return _listen_address(config)


def _note_address(response: Response) -> Response:
    """Note the address a logged-in user reached the app at, for links in their emails."""
    if request.method != "GET" or configured_base_url(current_app.config):
        return response
    # Only when Flask-Login already loaded the user for this request: no extra query per page.
    user = g.get("_login_user")
    if isinstance(user, User) and user.id is not None:
        address = request_base_url()
        if len(address) <= MAX_URL and address != user.last_seen_url:
            g.links_seen = (user.id, address)
    return response


def _remember_address(_exc: BaseException | None) -> None:
    """Store the noted address once the request's own session is closed.

    Its own short transaction, after the request's, so it never waits on a lock this request
    holds and never invalidates the request's SQLite read snapshot.
    """
    seen = g.pop("links_seen", None)
    if seen is None:
        return
    user_id, address = seen
    try:
        with write_intent(), get_engine().begin() as conn:
            conn.execute(
                update(User)
                .where(col(User.id) == user_id, col(User.last_seen_url) != address)
                .values(last_seen_url=address)
            )
    except SQLAlchemyError as exc:  # a missed update only means a staler link; try next time
        log.info("could not remember the address of user %s: %s", user_id, exc)


def init_app(app: Flask) -> None:
    """Record users' addresses and warn when production links have nothing to go by."""
    app.after_request(_note_address)
    # Teardown functions run last-registered first: at the front of the list, this one runs
    # after records.core.db has closed the request's session.
    app.teardown_appcontext_funcs.insert(0, _remember_address)
    if not configured_base_url(app.config) and not (app.debug or app.testing):
        log.warning(
            "BASE_URL is not set: links in calendar feeds follow the address each request came "
            "to, and reminder emails use the address each user last visited (or %s). Set "
            "BASE_URL to the public address, e.g. https://records.example.org.",
            _listen_address(app.config),
        )


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` that starts with :func:`base_url` (inside a request)."""
    path = url_for(endpoint, **values)
    root = request.script_root
    if root and path.startswith(root):
        path = path[len(root) :]  # base_url() already ends with the application's root
    return base_url() + path

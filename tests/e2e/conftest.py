"""End-to-end fixtures: the real app served over HTTP in a thread, and Debian's chromium.

The server runs with CSRF enabled so the browser submits real forms. It uses a temporary SQLite
file, or, when TEST_DATABASE_URL is set, a dedicated PostgreSQL schema of its own so it never
touches the tables the rest of the suite truncates.

The server, its data and the browser's logged-in sessions live for a whole test module, so the
clock is pinned once per module (``module_clock``) and each test's ``clock`` is that same clock:
re-pinning per test would make a session cookie signed by an earlier test look "from the future".
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import time_machine
from flask import Flask
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select
from werkzeug.serving import make_server

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records import create_app
from records.core.db import make_engine
from records.core.models import Agency, RecordRequest, Visibility
from records.core.storage_local import get_storage
from records.ops.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from tests.conftest import SUITE_NOW, SuiteClock

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Site:
    """A running server with the demo organization seeded."""

    base: str
    app: Flask
    email: str
    password: str
    request_id: int
    public_request_id: int
    agency_id: int

    def url(self, path: str) -> str:
        return self.base + path


def _database_url(tmp: Path) -> Iterator[str]:
    pg_url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not pg_url:
        url = f"sqlite:///{tmp / 'e2e.db'}"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        yield url
        return
    # A schema of our own: the unit tests truncate the public schema's tables concurrently.
    schema = f"e2e_{secrets.token_hex(4)}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    url = f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _seed(app: Flask) -> dict[str, int]:
    engine = app.extensions["db_engine"]
    with Session(engine, expire_on_commit=False) as db:
        seed_demo(db, get_storage(app))  # the demo documents need the server's file storage
        db.commit()
        public = db.exec(
            select(RecordRequest).where(RecordRequest.visibility == Visibility.PUBLIC)
        ).first()
        shown = db.exec(select(RecordRequest).order_by(RecordRequest.id)).first()
        agency = db.exec(select(Agency).order_by(Agency.id)).first()
        assert public is not None and shown is not None and agency is not None
        return {
            "request_id": shown.id,
            "public_request_id": public.id,
            "agency_id": agency.id,
        }


@pytest.fixture(scope="module", autouse=True)
def module_clock() -> Iterator[SuiteClock]:
    """The clock pinned at ``SUITE_NOW`` (ticking) before the module's server is built."""
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield SuiteClock(traveller)


@pytest.fixture(autouse=True)
def clock(module_clock: SuiteClock) -> SuiteClock:
    """Each test shares the module's clock (see the module docstring)."""
    return module_clock


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app on 127.0.0.1 and a free port, with real CSRF, served from a background thread."""
    tmp = tmp_path_factory.mktemp("e2e")
    old_instance = os.environ.get("RECORDS_INSTANCE_PATH")
    os.environ["RECORDS_INSTANCE_PATH"] = str(tmp / "instance")
    urls = _database_url(tmp)
    try:
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": next(urls),
                "SECRET_KEY": secrets.token_hex(16),
                "WTF_CSRF_ENABLED": True,
                "STORAGE_DIR": str(tmp / "storage"),
            }
        )
        ids = _seed(app)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield Site(
                base=f"http://127.0.0.1:{server.server_port}",
                app=app,
                email=DEMO_EMAIL,
                password=DEMO_PASSWORD,
                **ids,
            )
        finally:
            server.shutdown()
            thread.join(timeout=10)
            app.extensions["db_engine"].dispose()
    finally:
        urls.close()
        if old_instance is None:
            os.environ.pop("RECORDS_INSTANCE_PATH", None)
        else:
            os.environ["RECORDS_INSTANCE_PATH"] = old_instance


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's chromium through Playwright; missing chromium is a failure, never a skip."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail(
            "chromium is not installed, so the browser tests cannot run. "
            "Install it with: apt-get install chromium",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's browser bundle, installed from npm by `make test`."""
    if not AXE_JS.exists():
        pytest.fail(
            "node_modules/axe-core is missing: run `npm ci` (make test does it).", pytrace=False
        )
    return AXE_JS.read_text(encoding="utf-8")

"""Fixtures: a fresh app per test on SQLite (default) or on PostgreSQL when TEST_DATABASE_URL is set.

A set but unreachable TEST_DATABASE_URL fails the run: it is never silently skipped.

The clock is pinned for every test before anything else runs (``clock``, autouse): the suite's
"now" is ``SUITE_NOW`` whatever the machine's date, so logins, cookies, tokens and deadlines are
all made on the same day. Tests that need another moment move the clock forward from there.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records import create_app
from records.core.auth import issue_api_token
from records.core.db import make_engine
from records.core.models import (
    Agency,
    AgencyNote,
    Membership,
    Organization,
    RecordRequest,
    Role,
    User,
)
from records.core.security import hash_password
from records.directory.service import name_key
from tests.notify_support import SmtpSink

# Speed belongs to the benchmarks: no per-example time limit (the first example of a property may
# build a calendar cache, and the machines are noisy).
settings.register_profile("records", deadline=None)
settings.load_profile("records")

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# The suite's "now": Tuesday 2026-11-24, 12:00 UTC. Tests that move the clock only move it forward
# from here, so a cookie signed at the start of a test is never "from the future".
SUITE_NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
_counter = itertools.count(1)
PASSWORD = "correct horse battery"
_PW_HASH = hash_password(PASSWORD)


def pytest_report_header() -> str:
    return f"database: {'PostgreSQL ' + PG_URL.split('@')[-1] if PG_URL else 'SQLite'}"


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Any]:
    if not PG_URL:
        yield None
        return
    engine = make_engine(PG_URL)
    try:
        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # a configured database that does not answer is a failure
        pytest.fail(f"TEST_DATABASE_URL is set but unreachable: {exc}", pytrace=False)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate(engine: Any) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


class SuiteClock:
    """The test's clock: starts at ``SUITE_NOW`` and ticks; ``move_to``/``advance`` shift it."""

    def __init__(self, traveller: Any) -> None:
        self._traveller = traveller

    def now(self) -> datetime:
        return datetime.now(UTC)

    def move_to(self, when: datetime | date | str, *, hour: int = 15) -> datetime:
        """Jump to ``when`` (a date means ``hour``:00 UTC that day); it must not be in the past."""
        if isinstance(when, str):
            when = date.fromisoformat(when)
        if not isinstance(when, datetime):
            when = datetime(when.year, when.month, when.day, hour, tzinfo=UTC)
        if when < SUITE_NOW:
            raise ValueError(f"the suite's clock only moves forward from {SUITE_NOW.isoformat()}")
        self._traveller.move_to(when)
        return when

    def advance(self, **delta: float) -> datetime:
        """Move forward by a ``timedelta(**delta)``."""
        self._traveller.shift(timedelta(**delta))
        return self.now()


@pytest.fixture(autouse=True)
def clock() -> Iterator[SuiteClock]:
    """Pin the clock at ``SUITE_NOW`` (ticking) before any other fixture runs."""
    with time_machine.travel(SUITE_NOW, tick=True) as traveller:
        yield SuiteClock(traveller)


@pytest.fixture
def db_url(tmp_path: Path, pg_engine: Any) -> Iterator[str]:
    if pg_engine is not None:
        yield PG_URL
        _truncate(pg_engine)
        return
    url = f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    yield url


@pytest.fixture
def config(db_url: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "STORAGE_DIR": str(tmp_path / "storage"),
        "SERVER_NAME": "records.test",
    }


@pytest.fixture
def app(config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("RECORDS_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(config)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


class ReadCommittedSession(Session):
    """The tests' own session: each query sees what the app committed since the last one.

    SQLite read transactions keep a snapshot; the app's requests commit in other sessions, so a
    read-only transaction is ended before each query (PostgreSQL behaves this way already).
    """

    def _fresh(self) -> None:
        if self.in_transaction() and not (self.new or self.dirty or self.deleted):
            self.commit()

    def exec(self, *args: Any, **kwargs: Any) -> Any:
        self._fresh()
        return super().exec(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        self._fresh()
        kwargs.setdefault("populate_existing", True)
        return super().get(*args, **kwargs)


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    engine = make_engine(app.config["DATABASE_URL"], poolclass=NullPool)
    with ReadCommittedSession(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture
def today() -> date:
    """The suite's 'today' (the date of ``SUITE_NOW``); tests never read the real clock."""
    return SUITE_NOW.date()


class Factory:
    """Builds committed rows with sensible defaults."""

    def __init__(self, app: Flask, db: Session) -> None:
        self.app, self.db = app, db

    def _save(self, obj: Any) -> Any:
        self.db.add(obj)
        self.db.commit()
        self.db.refresh(obj)
        self.db.commit()  # end the read transaction so the next query sees other sessions' writes
        return obj

    def org(self, name: str | None = None) -> Organization:
        return self._save(Organization(name=name or f"Org {next(_counter)}", kind="newsroom"))

    def user(
        self, org: Organization | None = None, role: str = Role.OWNER, email: str | None = None
    ) -> User:
        n = next(_counter)
        user = self._save(
            User(email=email or f"user{n}@example.org", name=f"User {n}", password_hash=_PW_HASH)
        )
        if org is not None:
            self._save(Membership(org_id=org.id, user_id=user.id, role=role))
        return user

    def agency(self, org: Organization, **kw: Any) -> Agency:
        values = {"name": f"Agency {next(_counter)}", "level": "city", "jurisdiction": "AL"} | kw
        notes = values.pop("notes", "")
        agency = self._save(
            Agency(created_by_org_id=org.id, name_key=name_key(values["name"]), **values)
        )
        if notes:
            self._save(AgencyNote(org_id=org.id, agency_id=agency.id, notes=notes))
        return agency

    def request(
        self, org: Organization, user: User, agency: Agency | None = None, **kw: Any
    ) -> RecordRequest:
        agency = agency or self.agency(org)
        values = {
            "title": f"Request {next(_counter)}",
            "subject": "agreements",
            "visibility": "organization",
            "law_code": agency.jurisdiction,
        } | kw
        return self._save(
            RecordRequest(org_id=org.id, agency_id=agency.id, created_by=user.id, **values)
        )

    def token(self, user: User, org: Organization) -> str:
        with self.app.test_request_context():
            from records.core.db import get_session

            token = issue_api_token(user, org.id, "test")
            get_session().commit()
        return token


@pytest.fixture
def factory(app: Flask, db: Session) -> Factory:
    return Factory(app, db)


def login(client: FlaskClient, user: User, org: Organization | None = None) -> None:
    """Log ``user`` in by writing the Flask-Login session directly (skips slow hashing).

    The cookie is signed at the pinned clock's time, so it stays valid as the test moves forward.
    """
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        if org is not None:
            sess["org_id"] = org.id


@pytest.fixture
def member(factory: Factory, client: FlaskClient) -> tuple[Organization, User]:
    """An organization with a logged-in owner."""
    org = factory.org()
    user = factory.user(org)
    login(client, user, org)
    return org, user


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_redirect(resp: Any, path: str) -> None:
    """Assert ``resp`` redirects to ``path`` (the Location's path, query ignored unless given).

    Tests never check a redirect by its status alone: the login redirect would satisfy that too.
    """
    from urllib.parse import urlsplit

    assert resp.status_code in (301, 302, 303, 307, 308), (resp.status_code, resp.data[:300])
    where = urlsplit(resp.headers["Location"])
    got = f"{where.path}?{where.query}" if "?" in path else where.path
    assert got == path, f"redirected to {resp.headers['Location']!r}, expected {path!r}"


@pytest.fixture
def smtp(app: Flask) -> Iterator[SmtpSink]:
    """A real SMTP server (aiosmtpd) the app sends to; ``.messages`` holds what arrived. A test
    module that needs another kind of mail server defines its own ``smtp``."""
    sink = SmtpSink()
    sink.start()
    app.config.update(sink.config())
    yield sink
    sink.stop()

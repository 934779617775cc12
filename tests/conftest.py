"""Fixtures: a fresh app per test on SQLite (default) or on PostgreSQL when TEST_DATABASE_URL is set.

A set but unreachable TEST_DATABASE_URL fails the run: it is never silently skipped.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, SQLModel

import records.models  # noqa: F401
from records import create_app
from records.auth import issue_api_token
from records.db import make_engine
from records.models import Agency, Membership, Organization, RecordRequest, Role, User
from records.security import hash_password

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
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
    """The fixed 'today' of the suite; tests never read the real clock."""
    return date(2026, 11, 24)


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
        return self._save(Agency(org_id=org.id, **values))

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
            from records.db import get_session

            token = issue_api_token(user, org.id, "test")
            get_session().commit()
        return token


@pytest.fixture
def factory(app: Flask, db: Session) -> Factory:
    return Factory(app, db)


def login(client: FlaskClient, user: User, org: Organization | None = None) -> None:
    """Log ``user`` in by writing the Flask-Login session directly (skips slow hashing)."""
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

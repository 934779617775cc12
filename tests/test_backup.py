"""Backups round-trip a seeded instance exactly, verify their checksums, and stay consistent under writes."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel

from records import create_app
from records.core.db import make_engine
from tests.conftest import PG_URL, bearer


def _dump(engine) -> dict[str, list[tuple]]:
    """Every row of every application table, in primary-key order."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(*order))]
    return out


@contextmanager
def empty_instance(tmp_path: Path, config: dict, name: str):
    """A second instance with migrated but empty tables and an empty storage folder."""
    if PG_URL:
        dbname = f"restore_{uuid.uuid4().hex[:12]}"
        admin = make_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        url = make_url(PG_URL).set(database=dbname).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / (name + '.db')}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    app = create_app(
        config | {"DATABASE_URL": url, "STORAGE_DIR": str(tmp_path / f"{name}-storage")}
    )
    try:
        yield app
    finally:
        app.extensions["db_engine"].dispose()
        if PG_URL:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
            admin.dispose()


def _store(app, data: bytes) -> str:
    sha = hashlib.sha256(data).hexdigest()
    path = Path(app.config["STORAGE_DIR"]) / sha[:2] / sha
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return sha


def _seed(factory, app) -> None:
    for n in range(2):
        org = factory.org()
        owner = factory.user(org)
        viewer = factory.user(org, role="viewer")
        agency = factory.agency(org, name=f"Sheriff {n} — “ICE” 287(g)", jurisdiction="TX")
        factory.request(org, owner, agency, title=f"MOA {n}", visibility="private")
        factory.request(org, viewer, agency, title=f"Forfeiture {n}", date_from=None)
        factory.token(owner, org)
    _store(app, b"%PDF-1.4 signed agreement")
    _store(app, b"equitable sharing report " * 1000)


def test_round_trip_reproduces_every_row_and_file(app, factory, runner, tmp_path, config):
    _seed(factory, app)
    before = _dump(app.extensions["db_engine"])
    assert sum(len(rows) for rows in before.values()) > 10
    dest = tmp_path / "backup"
    result = runner.invoke(args=["backup", "create", str(dest)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((dest / "manifest.json").read_text())
    assert manifest["database"]["dialect"] == app.extensions["db_engine"].dialect.name
    assert len([k for k in manifest["files"] if k.startswith("files/")]) == 2

    verified = runner.invoke(args=["backup", "verify", str(dest)])
    assert verified.exit_code == 0 and "every file matches" in verified.output

    with empty_instance(tmp_path, config, "restored") as target:
        result = target.test_cli_runner().invoke(args=["backup", "restore", str(dest)])
        assert result.exit_code == 0, result.output
        assert _dump(target.extensions["db_engine"]) == before
        src_files = sorted(
            (p.relative_to(app.config["STORAGE_DIR"]), p.read_bytes())
            for p in Path(app.config["STORAGE_DIR"]).rglob("*")
            if p.is_file()
        )
        dst_files = sorted(
            (p.relative_to(target.config["STORAGE_DIR"]), p.read_bytes())
            for p in Path(target.config["STORAGE_DIR"]).rglob("*")
            if p.is_file()
        )
        assert dst_files == src_files
        # A second restore is refused: the instance is no longer empty.
        again = target.test_cli_runner().invoke(args=["backup", "restore", str(dest)])
        assert again.exit_code != 0 and "empty instance" in again.output


def test_verify_finds_tampering(app, factory, runner, tmp_path):
    _seed(factory, app)
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(dest)]).exit_code == 0
    blob = next(p for p in (dest / "files").rglob("*") if p.is_file())
    blob.write_bytes(b"altered")
    (dest / "files" / "extra.txt").write_text("slipped in")
    result = runner.invoke(args=["backup", "verify", str(dest)])
    assert result.exit_code != 0
    assert (
        "checksum mismatch" in result.output and "not in manifest: files/extra.txt" in result.output
    )


def test_refuses_non_empty_destination_and_foreign_folders(app, runner, tmp_path):
    dest = tmp_path / "busy"
    dest.mkdir()
    (dest / "something").write_text("x")
    result = runner.invoke(args=["backup", "create", str(dest)])
    assert result.exit_code != 0 and "not empty" in result.output
    result = runner.invoke(args=["backup", "verify", str(dest)])
    assert result.exit_code != 0 and "no manifest.json" in result.output


def test_restore_refuses_an_instance_with_data(app, factory, runner, tmp_path):
    _seed(factory, app)
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(dest)]).exit_code == 0
    result = runner.invoke(args=["backup", "restore", str(dest)])
    assert result.exit_code != 0 and "empty instance" in result.output


def test_snapshot_during_concurrent_writes_restores_consistently(
    app, factory, runner, tmp_path, config
):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org)
    token = factory.token(user, org)
    stop = threading.Event()
    written: list[int] = []
    errors: list[str] = []

    def writer() -> None:
        client = app.test_client()
        n = 0
        while not stop.is_set() and n < 400:
            n += 1
            resp = client.post(
                "/api/v1/requests",
                json={"agency_id": agency.id, "title": f"Concurrent {n}"},
                headers=bearer(token),
            )
            if resp.status_code == 201:
                written.append(resp.get_json()["id"])
            else:
                errors.append(f"{resp.status_code} {resp.get_data(as_text=True)[:200]}")

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20 and thread.is_alive():
            stop.wait(0.01)
        dest = tmp_path / "backup"
        result = runner.invoke(args=["backup", "create", str(dest)])
        during = len(written)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert not errors, errors[:3]

    with empty_instance(tmp_path, config, "restored") as target:
        assert target.test_cli_runner().invoke(args=["backup", "restore", str(dest)]).exit_code == 0
        engine = target.extensions["db_engine"]
        with engine.connect() as conn:
            ids = set(conn.execute(text("SELECT id FROM recordrequest")).scalars())
            audited = set(
                conn.execute(
                    text(
                        "SELECT object_id FROM auditlog WHERE object_type = 'recordrequest' "
                        "AND action = 'insert'"
                    )
                ).scalars()
            )
            if engine.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    # Each request and its audit row commit together: a torn snapshot would split them.
    assert {str(i) for i in ids} == audited
    assert 20 <= len(ids) <= len(written)
    assert ids <= set(written)
    assert during >= 20


@pytest.mark.skipif(not PG_URL, reason="pg_dump path runs when TEST_DATABASE_URL is set")
def test_postgres_backup_is_a_pg_dump_custom_archive(app, factory, runner, tmp_path):
    _seed(factory, app)
    dest = tmp_path / "backup"
    assert runner.invoke(args=["backup", "create", str(dest)]).exit_code == 0
    assert (dest / "database.dump").read_bytes()[:5] == b"PGDMP"

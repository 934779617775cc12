"""A server killed mid-upload leaves no half file and no row pointing at nothing, and what a kill
leaves behind (whole blobs no row names) is reclaimed by the storage sweep (real processes)."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, SQLModel, select

from records import create_app
from records.core.auth import issue_api_token
from records.core.db import get_session, make_engine
from records.core.models import Agency, Membership, Organization, RecordRequest, User
from records.core.storage_local import LocalStorage
from records.filing.models import Document, StoredFile
from tests import processes
from tests.filing_helpers import pdf_bytes, zip_bytes

pytestmark = pytest.mark.slow
BOUNDARY = "records-kill-test"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _prepare(tmp_path: Path) -> tuple[dict[str, str], int, str]:
    """A SQLite file with its schema, an org, an owner, a request and an API token."""
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "RECORDS_INSTANCE_PATH": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "storage"),
        "SECRET_KEY": "kill-test-secret",
        "SCHEDULER_ENABLED": "false",
    }
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": env["SECRET_KEY"], "STORAGE_DIR": env["STORAGE_DIR"]}
    )
    with app.test_request_context():
        db = get_session()
        org = Organization(name="Kill Test Newsroom")
        user = User(email="kill@example.org", name="Kill", password_hash="x")
        db.add_all([org, user])
        db.flush()
        db.add(Membership(org_id=org.id, user_id=user.id, role="owner"))
        agency = Agency(
            created_by_org_id=org.id, name="Sheriff", name_key="sheriff", jurisdiction="AL"
        )
        db.add(agency)
        db.flush()
        req = RecordRequest(org_id=org.id, agency_id=agency.id, created_by=user.id, title="Jail")
        db.add(req)
        db.flush()
        token = issue_api_token(user, org.id, "kill test")
        request_id = req.id
        db.commit()
    app.extensions["db_engine"].dispose()
    return env, request_id, token


def _start(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    flask = str(Path(sys.executable).with_name("flask"))
    proc = processes.popen(
        [flask, "--app", "app", "run", "--no-reload", "--port", str(port), "--host", "127.0.0.1"],
        env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError("the server did not start")


def _head(request_id: int, token: str, total: int, port: int) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.putrequest("POST", f"/api/v1/requests/{request_id}/documents")
    conn.putheader("Authorization", f"Bearer {token}")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(total))
    conn.endheaders()
    return conn


def _multipart(name: str, data: bytes) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def _check_consistent(env: dict[str, str]) -> list[Document]:
    storage = LocalStorage(env["STORAGE_DIR"])
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as db:
        docs = list(db.exec(select(Document)).all())
    engine.dispose()
    for doc in docs:
        assert storage.exists(doc.sha256), f"document {doc.id} points at a missing blob"
    assert list(storage.tmp.iterdir()) == [], "a partial upload was left in storage"
    return docs


def test_killed_upload_leaves_nothing_and_restart_works(tmp_path):
    env, request_id, token = _prepare(tmp_path)
    port = _free_port()
    server = _start(env, port)
    big = pdf_bytes("x" * 100)[:-6] + b"%" * (40 * 1024 * 1024) + b"\n%%EOF\n"
    body = _multipart("big.pdf", big)
    try:
        conn = _head(request_id, token, len(body), port)
        sent = 0
        for start in range(0, 8 * 1024 * 1024, 256 * 1024):  # a fifth of it, slowly
            conn.send(body[start : start + 256 * 1024])
            sent += 256 * 1024
            time.sleep(0.01)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        conn.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    assert sent < len(body)
    assert _check_consistent(env) == []

    server = _start(env, port)
    try:
        small = pdf_bytes("After the restart")
        body = _multipart("after.pdf", small)
        conn = _head(request_id, token, len(body), port)
        conn.send(body)
        resp = conn.getresponse()
        assert resp.status == 201, resp.read()
        resp.read()
        conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    docs = _check_consistent(env)
    assert [d.name for d in docs] == ["after.pdf"]


def _sweep(env: dict[str, str]) -> str:
    """One scheduler pass in its own process (as cron would run it), with no grace period."""
    flask = str(Path(sys.executable).with_name("flask"))
    out = processes.run(
        [flask, "--app", "app", "reminders", "sweep"],
        {**env, "BLOB_GRACE_MINUTES": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return out.stdout


def _storage_matches_database(env: dict[str, str]) -> tuple[set[str], set[str]]:
    storage = LocalStorage(env["STORAGE_DIR"])
    engine = make_engine(env["DATABASE_URL"])
    with Session(engine) as db:
        rows = set(db.exec(select(StoredFile.sha256)).all())
        docs = set(db.exec(select(Document.sha256)).all())
    engine.dispose()
    return set(storage.iter_all()), rows | docs


def test_killed_mid_unpack_leaves_orphans_that_the_sweep_reclaims(tmp_path):
    env, request_id, token = _prepare(tmp_path)
    storage = LocalStorage(env["STORAGE_DIR"])
    archive = zip_bytes({f"page-{n:03}.pdf": pdf_bytes(f"Detainer page {n}") for n in range(300)})
    port = _free_port()
    server = _start(env, port)
    try:
        body = _multipart("detainers.zip", archive)
        conn = _head(request_id, token, len(body), port)
        conn.send(body)
        deadline = time.monotonic() + 120
        while len(storage.iter_all()) < 12:  # the archive and some of its members are stored
            assert time.monotonic() < deadline, "the server never started unpacking"
            time.sleep(0.05)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(timeout=10)
        conn.close()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    blobs, referenced = _storage_matches_database(env)
    assert referenced == set() and len(blobs) >= 12  # what the crash left: blobs, no rows

    server = _start(env, port)  # a restart alone does not remove them (they are whole blobs)
    try:
        small = pdf_bytes("After the restart")
        body = _multipart("after.pdf", small)
        conn = _head(request_id, token, len(body), port)
        conn.send(body)
        resp = conn.getresponse()
        assert resp.status == 201, resp.read()
        resp.read()
        conn.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
    blobs, referenced = _storage_matches_database(env)
    assert len(blobs) > len(referenced) == 1

    out = _sweep(env)
    assert f"job sweep_stored_files: {len(blobs) - 1}" in out, out
    blobs, referenced = _storage_matches_database(env)
    assert blobs == referenced and len(blobs) == 1
    docs = _check_consistent(env)
    assert [d.name for d in docs] == ["after.pdf"]

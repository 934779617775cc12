"""PostgreSQL outage: the app answers 503 with a clear page, writes nothing partial, and recovers.

The app reaches PostgreSQL through a TCP proxy run in this process on loopback; cutting the proxy
makes the database unreachable without touching the shared server.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from records import create_app
from records.core.audit_models import AuditLog
from records.core.models import RecordRequest
from tests.conftest import PG_URL, bearer, login

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


class Proxy:
    """Forward 127.0.0.1:<port> to the database; ``cut()`` drops every connection and refuses more."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = threading.Event()
        self.up.set()
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.up.clear()
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self.sockets.clear()

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied(config, factory) -> Iterator[tuple]:
    url = make_url(PG_URL)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    proxied_url = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    app = create_app(config | {"DATABASE_URL": proxied_url})
    try:
        yield app, proxy
    finally:
        app.extensions["db_engine"].dispose()
        proxy.close()


def test_outage_gives_503_then_recovers_without_restart(proxied, factory, db):
    app, proxy = proxied
    org = factory.org()
    owner = factory.user(org)
    agency = factory.agency(org)
    token = factory.token(owner, org)
    client = app.test_client()
    login(client, owner, org)
    assert client.get("/requests/").status_code == 200

    proxy.cut()
    page = client.get("/requests/")
    assert page.status_code == 503
    assert "cannot be reached" in page.get_data(as_text=True)
    api = client.post(
        "/api/v1/requests", json={"agency_id": agency.id, "title": "during"}, headers=bearer(token)
    )
    assert api.status_code == 503 and api.is_json
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"]["ok"] is False

    proxy.restore()
    assert client.get("/requests/").status_code == 200
    assert client.get("/healthz").status_code == 200
    created = client.post(
        "/api/v1/requests", json={"agency_id": agency.id, "title": "after"}, headers=bearer(token)
    )
    assert created.status_code == 201
    titles = [title for (title,) in db.exec(select(RecordRequest.title)).all()]
    assert titles == ["after"]


def test_connection_lost_mid_write_leaves_nothing(proxied, factory, db):
    app, proxy = proxied
    org = factory.org()
    owner = factory.user(org)
    agency = factory.agency(org)
    token = factory.token(owner, org)
    client = app.test_client()
    fired = []

    def cut_after_flush(session: Session, _ctx: object) -> None:
        # The row and its audit entry are written but not committed when the database vanishes.
        if not fired and any(isinstance(o, RecordRequest) for o in session.new):
            fired.append(True)
            proxy.cut()

    event.listen(Session, "after_flush", cut_after_flush)
    try:
        resp = client.post(
            "/api/v1/requests",
            json={"agency_id": agency.id, "title": "half written"},
            headers=bearer(token),
        )
    finally:
        event.remove(Session, "after_flush", cut_after_flush)
        proxy.restore()
    assert fired and resp.status_code == 503
    assert db.exec(select(RecordRequest)).all() == []
    assert db.exec(select(AuditLog).where(AuditLog.object_type == "recordrequest")).all() == []
    again = client.post(
        "/api/v1/requests", json={"agency_id": agency.id, "title": "retry"}, headers=bearer(token)
    )
    assert again.status_code == 201

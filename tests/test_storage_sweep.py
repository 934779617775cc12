"""Stored files nothing references: deleting a request removes its files' rows and blobs, and
the periodic sweep reclaims what a crash or a recent deletion left, after the grace period."""

from __future__ import annotations

import io

from sqlmodel import select

from records.core.storage_local import LocalStorage
from records.filing.models import Document, StoredFile
from records.ops import scheduler
from tests.conftest import assert_redirect, bearer, login
from tests.filing_helpers import pdf_bytes


def _upload(client, token, req_id, name, data):
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.json
    return resp.json["sha256"]


def _state(app, db):
    blobs = set(LocalStorage(app.config["STORAGE_DIR"]).iter_all())
    rows = set(db.exec(select(StoredFile.sha256)).all())
    docs = set(db.exec(select(Document.sha256)).all())
    return blobs, rows, docs


def test_deleting_a_request_removes_its_files_but_not_shared_ones(app, client, factory, db, clock):
    org = factory.org()
    user = factory.user(org)
    doomed, kept = factory.request(org, user), factory.request(org, user)
    token = factory.token(user, org)
    own = _upload(client, token, doomed.id, "own.pdf", pdf_bytes("Only on the doomed request"))
    shared = _upload(client, token, doomed.id, "copy.pdf", pdf_bytes("Filed on both"))
    assert _upload(client, token, kept.id, "copy.pdf", pdf_bytes("Filed on both")) == shared
    clock.advance(minutes=app.config["BLOB_GRACE_MINUTES"] + 1)

    login(client, user, org)
    assert_redirect(client.post(f"/requests/{doomed.id}/delete"), "/requests/")
    blobs, rows, docs = _state(app, db)
    assert blobs == rows == docs == {shared}
    assert own not in blobs


def test_a_file_uploaded_moments_ago_goes_with_the_next_sweep_after_the_grace(
    app, client, factory, db, clock
):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    token = factory.token(user, org)
    sha = _upload(client, token, req.id, "fresh.pdf", pdf_bytes("Uploaded by mistake"))
    assert client.delete(f"/api/v1/requests/{req.id}", headers=bearer(token)).status_code == 204
    # The row is gone at once; the blob was put within the grace period, which is what keeps an
    # unfinished upload of the same bytes safe, so it waits for the sweep.
    assert _state(app, db) == ({sha}, set(), set())
    scheduler.tick(app, worker_id="test")
    assert _state(app, db) == ({sha}, set(), set())
    clock.advance(minutes=app.config["BLOB_GRACE_MINUTES"] + 1)
    result = scheduler.tick(app, worker_id="test")
    assert result.jobs["sweep_stored_files"] == 1
    assert _state(app, db) == (set(), set(), set())


def test_sweep_reclaims_blobs_without_rows_but_spares_one_put_again(app, factory, db, clock):
    storage = LocalStorage(app.config["STORAGE_DIR"])
    orphan = storage.store(io.BytesIO(b"left by a crash"), max_bytes=100)
    busy = storage.store(io.BytesIO(b"an upload in progress"), max_bytes=100)
    assert scheduler.tick(app, worker_id="test").jobs["sweep_stored_files"] == 0
    clock.advance(minutes=app.config["BLOB_GRACE_MINUTES"] + 1)
    # Another upload stores the same bytes now and has not committed its rows yet.
    again = storage.store(io.BytesIO(b"an upload in progress"), max_bytes=100)
    assert (again.sha256, again.created) == (busy.sha256, False)
    assert scheduler.tick(app, worker_id="test").jobs["sweep_stored_files"] == 1
    assert storage.iter_all() == [busy.sha256]
    assert not storage.exists(orphan.sha256)

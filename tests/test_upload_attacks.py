"""Hostile uploads (issue 7): a PDF whose page tree loops, names with path separators, control
characters and HTML, and a CSV posing as a PDF. Each is refused or defused with a clear reason,
never a 500, and leaves nothing behind when refused."""

from __future__ import annotations

import io
import time

import pytest
from sqlmodel import select

from records.core.storage_local import LocalStorage
from records.filing.models import Document
from tests.conftest import bearer, login
from tests.filing_helpers import build_pdf

# The page tree's only kid is the tree itself: a naive walker recurses forever.
LOOPING_PDF = build_pdf(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
    ]
)


@pytest.fixture
def setup(factory):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    return org, user, req, factory.token(user, org)


def _upload(client, token, req_id, name, data):
    return client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def test_looping_pdf_is_answered_promptly_without_a_server_error(client, setup, app, db):
    _org, _user, req, token = setup
    started = time.monotonic()
    resp = _upload(client, token, req.id, "loop.pdf", LOOPING_PDF)
    elapsed = time.monotonic() - started
    assert resp.status_code in (201, 422), resp.get_data(as_text=True)
    # The parser runs in a child process with a time limit; the request must come back.
    assert elapsed < app.config.get("PDF_CHECK_TIMEOUT", 60) + 30
    if resp.status_code == 422:
        assert resp.json["error"]["message"]
        assert LocalStorage(app.config["STORAGE_DIR"]).iter_all() == []
        assert db.exec(select(Document)).all() == []


@pytest.mark.parametrize(
    "name",
    [
        "../../../etc/passwd.csv",
        "..\\..\\windows\\system32\\evil.csv",
        "report\x1b[31m\x07\x7f.csv",
        '<img src=x onerror="alert(1)">.csv',
        "/absolute/path/leak.csv",
    ],
)
def test_hostile_names_are_sanitized_and_rendered_inert(client, setup, app, db, name):
    org, user, req, token = setup
    resp = _upload(client, token, req.id, name, b"a,b\n1,2\n")
    assert resp.status_code == 201, resp.get_data(as_text=True)
    stored = resp.json["name"]
    assert "/" not in stored and "\\" not in stored and ".." not in stored
    assert not any(ord(c) < 32 or ord(c) == 127 for c in stored)
    assert "<" not in stored and ">" not in stored
    # The blob lives under its hash, never under a user-chosen path.
    blobs = LocalStorage(app.config["STORAGE_DIR"]).iter_all()
    assert blobs == [resp.json["sha256"]]
    web = app.test_client()
    login(web, user, org)
    page = web.get(f"/documents/{resp.json['id']}").get_data(as_text=True)
    assert "<img src=x" not in page
    download = web.get(f"/documents/{resp.json['id']}/download")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "\n" not in download.headers["Content-Disposition"]
    download.close()


def test_csv_posing_as_pdf_is_refused(client, setup, app, db):
    _org, _user, req, token = setup
    resp = _upload(client, token, req.id, "scan.pdf", b"name,amount\nseized,100\n")
    assert resp.status_code == 422
    assert "PDF" in resp.json["error"]["message"]
    assert LocalStorage(app.config["STORAGE_DIR"]).iter_all() == []

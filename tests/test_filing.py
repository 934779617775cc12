"""Uploads: type from content, refusals leave nothing, ZIP and email handling, API shape."""

from __future__ import annotations

import io
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select

from records.core.storage import TooLarge
from records.core.storage_local import LocalStorage
from records.filing.models import Document, ProposedEvent, StoredFile
from records.filing.service import clean_exemptions, guess_event_kind, sanitize_name
from tests.conftest import bearer
from tests.filing_helpers import docx_bytes, eml_bytes, pdf_bytes, xlsx_bytes, zip_bytes


def _upload(client, token, req_id, name, data, **form):
    return client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name), **form},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


@pytest.fixture
def setup(factory):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    return org, user, req, factory.token(user, org)


def _blobs(app) -> list[str]:
    return LocalStorage(app.config["STORAGE_DIR"]).iter_all()


def test_pdf_upload_returns_document_with_hash_and_pages(client, setup, db, app):
    _org, _user, req, token = setup
    data = pdf_bytes()
    resp = _upload(
        client, token, req.id, "letter.pdf", data, exemptions="b6, (b)(7)(c), Ala. Code 36-12-40"
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    import hashlib

    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["pages"] == 1
    assert body["text_status"] == "pending"
    assert body["mime"] == "application/pdf"
    assert body["exemptions"] == ["(b)(6)", "(b)(7)(C)", "Ala. Code 36-12-40"]
    assert _blobs(app) == [body["sha256"]]
    listed = client.get(f"/api/v1/requests/{req.id}/documents", headers=bearer(token)).json
    assert [d["id"] for d in listed["items"]] == [body["id"]]
    dl = client.get(f"/api/v1/documents/{body['id']}/download", headers=bearer(token))
    assert dl.data == data
    dl.close()
    assert dl.headers["X-Content-Type-Options"] == "nosniff"
    assert dl.headers["Content-Disposition"].startswith("attachment")
    dl.close()


def test_same_bytes_are_stored_once(client, setup, app, db):
    _org, _user, req, token = setup
    data = docx_bytes()
    a = _upload(client, token, req.id, "a.docx", data).json
    b = _upload(client, token, req.id, "b.docx", data).json
    assert a["sha256"] == b["sha256"] and a["id"] != b["id"]
    assert len(_blobs(app)) == 1
    assert len(db.exec(select(StoredFile)).all()) == 1


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("report.pdf", b"PK\x03\x04 not really", "named as a PDF"),
        ("report.pdf", b"%PDF-1.4\n1 0 obj garbage", "incomplete"),
        ("report.pdf", b"%PDF-1.4\ngarbage garbage\n%%EOF\n", "could not be read"),
        ("sheet.xlsx", docx_bytes(), "named as an Excel workbook"),
        ("memo.docx", b"PK\x03\x04" + b"\x00" * 100, "named as a Word document"),
        ("memo.zip", b"PK\x03\x04" + b"\x00" * 100, "damaged"),
        ("notes.txt", b"\x00\x01\x02binary", "content is an unrecognised binary"),
        ("mail.eml", b"just some words, no headers", "not an email"),
        ("run.exe", b"MZ\x90\x00", "not accepted"),
        ("empty.csv", b"", "empty"),
    ],
)
def test_refused_files_leave_nothing_behind(client, setup, app, db, name, data, reason):
    _org, _user, req, token = setup
    resp = _upload(client, token, req.id, name, data)
    assert resp.status_code == 422
    assert reason in resp.json["error"]["message"]
    assert _blobs(app) == []
    assert db.exec(select(Document)).all() == []
    assert list((Path(app.config["STORAGE_DIR"]) / "tmp").iterdir()) == []


def test_zip_is_unpacked_into_documents(client, setup, db):
    _org, _user, req, token = setup
    data = zip_bytes({"release/a.pdf": pdf_bytes(), "b.xlsx": xlsx_bytes(), "__MACOSX/._a": b"x"})
    resp = _upload(client, token, req.id, "release.zip", data)
    assert resp.status_code == 201, resp.json
    names = sorted([resp.json["name"]] + [d["name"] for d in resp.json["also_filed"]])
    assert names == ["a.pdf", "b.xlsx"]
    assert {d.source for d in db.exec(select(Document)).all()} == {"zip:release.zip"}


def _zip_with(info: zipfile.ZipInfo, data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(info, data)
    return buf.getvalue()


def test_zip_slip_symlink_bomb_and_nesting_are_refused(client, setup, app, db):
    _org, _user, req, token = setup
    link = zipfile.ZipInfo("link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    cases = {
        "unsafe path": zip_bytes({"../../etc/evil.txt": b"x"}),
        "symbolic link": _zip_with(link, b"/etc/passwd"),
        "compressed suspiciously": zip_bytes({"zeros.txt": b"\0" * (20 * 1024 * 1024)}),
        "inside an archive": zip_bytes({"inner.zip": zip_bytes({"a.txt": b"hi"})}),
    }
    for reason, data in cases.items():
        resp = _upload(client, token, req.id, "x.zip", data)
        assert resp.status_code == 422, reason
        assert reason in resp.json["error"]["message"]
    assert _blobs(app) == []
    assert db.exec(select(Document)).all() == []


def test_eml_proposes_event_and_files_attachments(client, setup, db):
    _org, user, req, token = setup
    resp = _upload(client, token, req.id, "ack.eml", eml_bytes(attach=pdf_bytes()))
    assert resp.status_code == 201, resp.json
    assert resp.json["mime"] == "message/rfc822"
    assert [d["name"] for d in resp.json["also_filed"]] == ["letter.pdf"]
    proposed = db.exec(select(ProposedEvent)).one()
    assert proposed.kind == "acknowledged"
    assert proposed.on.isoformat() == "2026-11-10"
    assert "ice-foia@ice.dhs.gov" in proposed.sender


def test_confirming_a_proposed_event_adds_it_to_the_timeline(client, member, factory, db):
    """The confirmed email goes through the lifecycle: status and clocks follow it."""
    from datetime import date

    from records.core.models import RecordRequest
    from records.lifecycle import service as lifecycle
    from records.lifecycle.models import Event

    org, user = member
    req = factory.request(org, user)
    lifecycle.record_event(
        db, db.get(RecordRequest, req.id), "sent", date(2026, 11, 2), actor_id=user.id
    )
    db.commit()
    client.post(
        f"/requests/{req.id}/documents",
        data={"file": (io.BytesIO(eml_bytes("Fee estimate for your request")), "fee.eml")},
        content_type="multipart/form-data",
    )
    proposed = db.exec(select(ProposedEvent)).one()
    assert proposed.kind == "fee_estimate"
    page = client.get(f"/requests/{req.id}")
    assert b"Fee estimate for your request" in page.data
    client.post(f"/proposed-events/{proposed.id}/confirm", data={"kind": "fee_estimate"})
    event = db.exec(select(Event).where(Event.kind != "sent")).one()
    assert (event.kind, event.request_id, event.on.isoformat()) == (
        "fee_estimate",
        req.id,
        "2026-11-10",
    )
    assert db.get(ProposedEvent, proposed.id).state == "confirmed"
    assert db.get(RecordRequest, req.id).status == "awaiting_requester"


def test_confirming_an_impossible_event_changes_nothing(client, member, factory, db):
    from records.core.models import RecordRequest
    from records.lifecycle.models import Event

    org, user = member
    req = factory.request(org, user)  # still a draft: nothing was sent
    client.post(
        f"/requests/{req.id}/documents",
        data={"file": (io.BytesIO(eml_bytes("Your request is denied")), "denial.eml")},
        content_type="multipart/form-data",
    )
    proposed = db.exec(select(ProposedEvent)).one()
    resp = client.post(
        f"/proposed-events/{proposed.id}/confirm", data={"kind": "denial"}, follow_redirects=True
    )
    assert resp.status_code == 200
    assert db.exec(select(Event)).all() == []
    assert db.get(ProposedEvent, proposed.id).state == "proposed"
    assert db.get(RecordRequest, req.id).status == "draft"


def test_other_org_cannot_upload_or_read(client, setup, factory):
    _org, _user, req, token = setup
    doc = _upload(client, token, req.id, "a.pdf", pdf_bytes()).json
    other = factory.org()
    stranger = factory.token(factory.user(other), other)
    assert _upload(client, stranger, req.id, "a.pdf", pdf_bytes()).status_code == 404
    assert client.get(f"/api/v1/documents/{doc['id']}", headers=bearer(stranger)).status_code == 404
    dl = client.get(f"/api/v1/documents/{doc['id']}/download", headers=bearer(stranger))
    assert dl.status_code == 404


def test_viewer_cannot_upload(client, setup, factory):
    org, _user, req, _token = setup
    viewer = factory.user(org, role="viewer")
    resp = _upload(client, factory.token(viewer, org), req.id, "a.pdf", pdf_bytes())
    assert resp.status_code == 403


def test_storage_enforces_size_while_streaming(tmp_path):
    storage = LocalStorage(tmp_path)
    with pytest.raises(TooLarge):
        storage.put(io.BytesIO(b"x" * 3_000_000), max_bytes=2_000_000)
    assert storage.iter_all() == [] and list((tmp_path / "tmp").iterdir()) == []
    sha, size = storage.put(io.BytesIO(b"abc"), max_bytes=10)
    assert size == 3 and storage.path(sha).read_bytes() == b"abc"
    assert storage.path(sha).parent.parent.name == sha[:2]


def test_reclaim_spares_a_blob_put_again_since(tmp_path, clock):
    """A blob's last-put time moves on every put, also a deduplicated one; reclaim deletes only
    blobs not put since the given moment (what protects an upload that has not committed)."""
    storage = LocalStorage(tmp_path)
    first = storage.store(io.BytesIO(b"detainer log"), max_bytes=100)
    assert first.created
    clock.advance(seconds=5)
    again = storage.store(io.BytesIO(b"detainer log"), max_bytes=100)
    assert (again.sha256, again.created) == (first.sha256, False) and again.stamp > first.stamp
    assert storage.reclaim(first.sha256, put_before=first.stamp) is False  # put again since
    assert storage.exists(first.sha256)
    assert storage.reclaim(first.sha256, put_before=again.stamp) is True
    assert not storage.exists(first.sha256)
    assert storage.reclaim(first.sha256, put_before=again.stamp) is False  # already gone


def test_sweep_removes_temp_files_of_dead_processes(tmp_path):
    storage = LocalStorage(tmp_path)
    dead = tmp_path / "tmp" / "up-999999999-abc"
    dead.write_bytes(b"half")
    mine = tmp_path / "tmp" / f"up-{os.getpid()}-abc"
    mine.write_bytes(b"in flight")
    assert storage.sweep_temp() == 1
    assert not dead.exists() and mine.exists()


def test_names_and_exemptions_are_cleaned():
    assert sanitize_name("../../etc/pass\x00wd") == "passwd"
    assert sanitize_name("C:\\Users\\x\\<script>.pdf") == "_script_.pdf"
    assert sanitize_name("...") == "document"
    assert clean_exemptions("(b)(7)(E), b5, b5") == ["(b)(7)(E)", "(b)(5)"]
    assert guess_event_kind("Re: request", "Your request is denied under (b)(7)(E)") == "denial"
    assert guess_event_kind("Extension", "unusual circumstances apply") == "extension_claimed"
    assert guess_event_kind("Re: request", "We found no responsive records.") == (
        "final_response:no_records"
    )
    assert json.loads(json.dumps(clean_exemptions(["b10"]))) == ["b10"]


def _eml_with_attachments(count: int) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "Records Unit <records@sheriff.example.gov>"
    msg["Subject"] = "Responsive records"
    msg["Date"] = "Tue, 10 Nov 2026 09:30:00 -0500"
    msg.set_content("Attached are the responsive records.")
    for n in range(count):
        msg.add_attachment(
            f"row {n}\n".encode(), maintype="text", subtype="plain", filename=f"page-{n}.txt"
        )
    return msg.as_bytes()


def test_email_attachments_are_capped_like_zip_members(client, setup, db, app, monkeypatch):
    from records.filing import service as filing

    _org, _user, req, token = setup
    # 2,001 one-line attachments: under the test client's 500 KB spooling threshold.
    flood = _eml_with_attachments(filing.MAX_FILES + 1)
    assert len(flood) < 500 * 1024
    resp = _upload(client, token, req.id, "flood.eml", flood)
    assert resp.status_code == 422, resp.json
    message = resp.json["error"]["message"]
    assert f"{filing.MAX_FILES + 2} files" in message
    assert f"at most {filing.MAX_FILES} documents" in message
    assert db.exec(select(Document)).all() == [] and _blobs(app) == []
    assert db.exec(select(ProposedEvent)).all() == []
    # The same limit, wherever it is set, for archives and emails: at the limit it fits.
    monkeypatch.setattr(filing, "MAX_FILES", 4)
    archive = zip_bytes({f"{n}.txt": f"member {n}".encode() for n in range(5)})
    refused = _upload(client, token, req.id, "five.zip", archive)
    assert "more than 4 files" in refused.json["error"]["message"]
    assert _upload(client, token, req.id, "five.eml", _eml_with_attachments(4)).status_code == 422
    ok = _upload(client, token, req.id, "four.eml", _eml_with_attachments(3))
    assert ok.status_code == 201, ok.json
    assert len(db.exec(select(Document)).all()) == 4


def test_one_form_post_shares_the_file_budget(client, factory, db, app, monkeypatch):
    from records.filing import service as filing
    from tests.conftest import login

    monkeypatch.setattr(filing, "MAX_FILES", 3)
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    login(client, user, org)
    archive = zip_bytes({"a.txt": b"one", "b.txt": b"two"})
    resp = client.post(
        f"/requests/{req.id}/documents",
        data={"file": [(io.BytesIO(archive), "two.zip"), (io.BytesIO(archive + b""), "again.zip")]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = resp.get_data(as_text=True)
    assert "one upload files at most 3 documents" in page
    assert sorted(d.name for d in db.exec(select(Document)).all()) == ["a.txt", "b.txt"]
    too_many = client.post(
        f"/requests/{req.id}/documents",
        data={"file": [(io.BytesIO(f"{n}".encode()), f"{n}.txt") for n in range(4)]},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "4 files chosen; one upload files at most 3 documents" in too_many.get_data(as_text=True)
    assert len(db.exec(select(Document)).all()) == 2


def _spooled_upload(client, token, req_id, name, data):
    """A multipart body sent as a stream with its length, as a browser or curl sends it."""
    boundary = "spool-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/api/v1/requests/{req_id}/documents",
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=bearer(token),
    )


def test_a_large_upload_is_stored_from_its_spool_intact(client, setup, app):
    """Past 500 KB the file part is spooled inside the storage folder and linked into place:
    the stored bytes are the uploaded ones and nothing stays behind in its temporary folder."""
    import hashlib

    _org, _user, req, token = setup
    data = b"".join(b"detainer,release,%07d\n" % n for n in range(60_000))  # about 1.5 MB
    resp = _spooled_upload(client, token, req.id, "log.csv", data)
    assert resp.status_code == 201, resp.json
    assert resp.json["sha256"] == hashlib.sha256(data).hexdigest()
    assert resp.json["size"] == len(data)
    dl = client.get(f"/api/v1/documents/{resp.json['id']}/download", headers=bearer(token))
    assert dl.data == data
    dl.close()
    storage = LocalStorage(app.config["STORAGE_DIR"])
    assert list(storage.tmp.iterdir()) == []
    again = _spooled_upload(client, token, req.id, "copy.csv", data)  # the same bytes again
    assert again.status_code == 201 and again.json["sha256"] == resp.json["sha256"]
    assert _blobs(app) == [resp.json["sha256"]]
    assert list(storage.tmp.iterdir()) == []


def test_a_large_upload_over_the_limit_leaves_nothing(client, setup, app):
    _org, _user, req, token = setup
    app.config["MAX_UPLOAD_MB"] = 1  # the stored-file limit; the body limit stays larger
    data = b"x" * (1024 * 1024 + 10)
    resp = _spooled_upload(client, token, req.id, "big.csv", data)
    assert resp.status_code in (400, 413, 422), resp.status_code
    assert _blobs(app) == []
    assert list(LocalStorage(app.config["STORAGE_DIR"]).tmp.iterdir()) == []

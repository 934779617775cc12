"""Evidence bundles: a round trip loses nothing; tampered or hostile bundles are refused whole."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from records.core.db import get_session
from records.core.models import RecordRequest
from records.core.storage_local import LocalStorage
from records.filing.models import Document, ProposedEvent, SharingNote
from records.letters.models import StoredLetter
from records.lifecycle import service as lifecycle
from tests.conftest import bearer, login
from tests.filing_helpers import eml_bytes, pdf_bytes, xlsx_bytes


def _upload(client, token, req_id, name, data, **form):
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name), **form},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.json
    return resp.json


@pytest.fixture
def source(app, client, factory, db, today):
    """A request with events, documents, an email, a sent letter and a sharing note."""
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    agency = factory.agency(
        org, name="ICE FOIA Office", level="federal", jurisdiction="US", component="DHS"
    )
    req = factory.request(
        org, user, agency, title="287(g) agreements", description="MOA and amendments"
    )
    # The letter is drafted, edited and marked sent through the API: sending records "sent".
    drafted = client.post(
        f"/api/v1/requests/{req.id}/letters",
        json={
            "subject": "agreements",
            "items": ["moa_287g"],
            "date_from": "2025-01-20",
            "local_agency": "Madison County Sheriff",
        },
        headers=bearer(token),
    )
    assert drafted.status_code == 201, drafted.json
    letter_id = drafted.json["id"]
    edited = client.patch(
        f"/api/v1/letters/{letter_id}",
        json={"text": "Re: FOIA request: 287(g) agreements\n\nPlease send the 287(g) MOA."},
        headers=bearer(token),
    )
    assert edited.status_code == 200, edited.json
    sent = client.post(
        f"/api/v1/letters/{letter_id}/send",
        json={"method": "portal", "sent_on": "2026-11-02"},
        headers=bearer(token),
    )
    assert sent.status_code == 200, sent.json
    with app.test_request_context():
        s = get_session()
        live = s.get(RecordRequest, req.id)
        lifecycle.record_event(
            s,
            live,
            "acknowledged",
            date(2026, 11, 4),
            actor_id=user.id,
            data={"tracking_number": "2026-ICFO-1"},
        )
        s.commit()
    pdf = _upload(
        client,
        token,
        req.id,
        "release.pdf",
        pdf_bytes("Released detainer log"),
        exemptions="b6, (b)(7)(C), Ala. Code 36-12-40",
        date_received="2026-11-20",
        redaction_notes="names redacted",
        description="first release",
    )
    _upload(client, token, req.id, "ledger.xlsx", xlsx_bytes(), visibility="private")
    _upload(client, token, req.id, "ack.eml", eml_bytes(attach=pdf_bytes("Cover letter")))
    db.add(
        SharingNote(
            org_id=org.id,
            request_id=req.id,
            document_id=pdf["id"],
            on=date(2026, 11, 21),
            note="shared with partner",
        )
    )
    db.commit()
    return org, user, req, token


def _export(client, user, org, req_id) -> bytes:
    login(client, user, org)
    resp = client.get(f"/requests/{req_id}/bundle.zip")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    data = resp.data
    resp.close()
    return data


def _import(client, token, data: bytes):
    return client.post(
        "/api/v1/bundles",
        data={"file": (io.BytesIO(data), "bundle.zip")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def _normalized(request_json: dict[str, Any]) -> dict[str, Any]:
    """request.json with database ids replaced by positions, so two copies can be compared."""
    data = json.loads(json.dumps(request_json))
    ev = {e["ref"]: n for n, e in enumerate(data["events"])}
    docs = {d["ref"]: n for n, d in enumerate(data["documents"])}
    data["request"].pop("ref")
    for e in data["events"]:
        e["ref"], e["corrects"] = ev[e["ref"]], ev.get(e["corrects"])
        if "document_id" in e["data"]:
            e["data"]["document_id"] = docs.get(e["data"]["document_id"])
    for d in data["documents"]:
        d["ref"], d["event"] = docs[d["ref"]], ev.get(d["event"])
    for c in data["correspondence"]:
        c["document"], c["event"] = docs.get(c["document"]), ev.get(c["event"])
    for n in data["notes"]:
        n["document"] = docs.get(n["document"])
    return data


def _members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def test_round_trip_loses_nothing(app, client, factory, db, source):
    org, user, req, _token = source
    first = _export(client, user, org, req.id)
    files = _members(first)
    manifest = json.loads(files["manifest.json"])
    assert {f["path"] for f in manifest["files"]} == set(files) - {"manifest.json"}
    for entry in manifest["files"]:
        assert hashlib.sha256(files[entry["path"]]).hexdigest() == entry["sha256"]
    names = sorted(p for p in files if p.startswith("documents/"))
    assert names == [
        "documents/0001-release.pdf",
        "documents/0002-ledger.xlsx",
        "documents/0003-ack.eml",
        "documents/0004-letter.pdf",
    ]
    assert any(p.startswith("letters/") for p in files)
    assert any(p.startswith("correspondence/") for p in files)
    assert b"acknowledged" in files["timeline.csv"] and b"release.pdf" in files["timeline.csv"]

    partner = factory.org()
    editor = factory.user(partner, role="editor")
    resp = _import(client, factory.token(editor, partner), first)
    assert resp.status_code == 201, resp.json
    new_id = resp.json["request_id"]
    assert new_id != req.id and resp.json["status"] == "acknowledged"
    copy = db.get(RecordRequest, new_id)
    assert copy.org_id == partner.id and copy.tracking_number == "2026-ICFO-1"
    assert db.exec(select(Document).where(Document.org_id == partner.id)).all()

    second = _export(client, editor, partner, new_id)
    again = _members(second)
    assert set(again) == set(files)
    for path in files:
        if path not in ("request.json", "manifest.json"):
            assert again[path] == files[path], path
    assert _normalized(json.loads(again["request.json"])) == _normalized(
        json.loads(files["request.json"])
    )


def _rebuild(members: dict[str, bytes], *, change: dict[str, bytes] | None = None) -> bytes:
    """A bundle with some members replaced but the original manifest kept."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in {**members, **(change or {})}.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _with_manifest(members: dict[str, bytes], extra: zipfile.ZipInfo, data: bytes) -> bytes:
    """A bundle with one more member that the manifest honestly lists."""
    manifest = json.loads(members["manifest.json"])
    manifest["files"].append(
        {"path": extra.filename, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members.items():
            if name != "manifest.json":
                zf.writestr(name, body)
        zf.writestr(extra, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return buf.getvalue()


def test_tampered_and_hostile_bundles_are_refused_whole(app, client, factory, db, source):
    org, user, req, _token = source
    members = _members(_export(client, user, org, req.id))
    storage = LocalStorage(app.config["STORAGE_DIR"])
    blobs_before = storage.iter_all()
    link = zipfile.ZipInfo("documents/link.txt")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    zeros = zipfile.ZipInfo("documents/zeros.txt")
    zeros.compress_type = zipfile.ZIP_DEFLATED
    tampered_pdf = members["documents/0001-release.pdf"].replace(b"Released", b"Redacted")
    request_json = json.loads(members["request.json"])
    request_json["request"]["title"] = "x" * 400
    cases = {
        "does not match its SHA-256": _rebuild(
            members, change={"documents/0001-release.pdf": tampered_pdf}
        ),
        "unsafe path": _with_manifest(members, zipfile.ZipInfo("../../evil.txt"), b"x"),
        "symbolic link": _with_manifest(members, link, b"/etc/passwd"),
        "not listed in manifest.json": _rebuild(members, change={"extra.txt": b"hello"}),
        "compressed suspiciously": _with_manifest(members, zeros, b"\0" * (20 * 1024 * 1024)),
        "manifest.json is missing": _rebuild(
            {k: v for k, v in members.items() if k != "manifest.json"}
        ),
        "damaged": b"PK\x03\x04 not a zip at all",
        "title": _with_request_json(members, request_json),
    }
    partner = factory.org()
    token = factory.token(factory.user(partner, role="editor"), partner)
    for reason, data in cases.items():
        resp = _import(client, token, data)
        assert resp.status_code == 422, (reason, resp.json)
        message = resp.json["error"]["message"]
        assert "cannot be imported" in message and reason in message, (reason, message)
    assert db.exec(select(RecordRequest).where(RecordRequest.org_id == partner.id)).all() == []
    assert db.exec(select(Document).where(Document.org_id == partner.id)).all() == []
    assert db.exec(select(ProposedEvent).where(ProposedEvent.org_id == partner.id)).all() == []
    assert storage.iter_all() == blobs_before
    assert list((Path(app.config["STORAGE_DIR"]) / "tmp").iterdir()) == []


def _with_request_json(members: dict[str, bytes], request_json: dict[str, Any]) -> bytes:
    """A bundle whose request.json was edited and re-hashed: the content checks still apply."""
    body = json.dumps(request_json).encode()
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "request.json":
            entry["size"], entry["sha256"] = len(body), hashlib.sha256(body).hexdigest()
    return _rebuild(
        members, change={"request.json": body, "manifest.json": json.dumps(manifest).encode()}
    )


def test_a_new_blob_from_a_refused_bundle_is_removed(app, client, factory, db, source):
    org, user, req, _token = source
    members = _members(_export(client, user, org, req.id))
    request_json = json.loads(members["request.json"])
    # A valid new document first, then a malformed letter: the new blob must not stay behind.
    new_pdf = pdf_bytes("Only in this bundle")
    doc = dict(request_json["documents"][0])
    doc.update(
        ref=999,
        path="documents/0099-new.pdf",
        name="new.pdf",
        sha256=hashlib.sha256(new_pdf).hexdigest(),
    )
    request_json["documents"].append(doc)
    request_json["letters"][0]["path"] = "letters/missing.txt"
    members["documents/0099-new.pdf"] = new_pdf
    manifest = json.loads(members["manifest.json"])
    manifest["files"].append(
        {"path": "documents/0099-new.pdf", "size": len(new_pdf), "sha256": doc["sha256"]}
    )
    members["manifest.json"] = json.dumps(manifest).encode()
    data = _with_request_json(members, request_json)
    storage = LocalStorage(app.config["STORAGE_DIR"])
    before = storage.iter_all()
    partner = factory.org()
    resp = _import(client, factory.token(factory.user(partner), partner), data)
    assert resp.status_code == 422 and "letters/missing.txt" in resp.json["error"]["message"]
    assert storage.iter_all() == before


def test_viewer_cannot_import_and_outsider_cannot_export(client, factory, source):
    org, _user, req, _token = source
    viewer = factory.user(org, role="viewer")
    resp = _import(client, factory.token(viewer, org), b"PK")
    assert resp.status_code == 403
    other = factory.org()
    outsider = factory.user(other)
    login(client, outsider, other)
    assert client.get(f"/requests/{req.id}/bundle.zip").status_code == 404
    api = client.get(
        f"/api/v1/requests/{req.id}/bundle", headers=bearer(factory.token(outsider, other))
    )
    assert api.status_code == 404


def test_public_page_shows_sent_letters_only(client, factory, db, source):
    org, _user, req, _token = source
    db.add(
        StoredLetter(org_id=org.id, request_id=req.id, subject_line="Unsent draft", text="draft")
    )
    live = db.get(RecordRequest, req.id)
    live.visibility = "public"
    db.add(live)
    db.commit()
    page = client.get(f"/public/requests/{req.id}").data
    assert b"Please send the 287(g) MOA." in page
    assert b"Unsent draft" not in page

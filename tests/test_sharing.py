"""Sharing: public archive shows only published, unembargoed items; the embargo job publishes."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from sqlmodel import select

from records.core.models import RecordRequest
from records.filing.models import Document, RequestEmbargo, SharingNote
from records.filing.sharing import publish_due_embargoes
from tests.conftest import assert_redirect, bearer, login
from tests.filing_helpers import pdf_bytes


def _doc(client, token, req_id, name, **form):
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(pdf_bytes(name)), f"{name}.pdf"), **form},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_public_archive_never_shows_private_or_embargoed(client, factory, db, today):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    pub = factory.request(org, user, title="Published MOA", visibility="public")
    priv = factory.request(org, user, title="Secret draft", visibility="private")
    orgonly = factory.request(org, user, title="Org only", visibility="organization")
    embargoed = factory.request(org, user, title="Embargoed story", visibility="public")
    db.add(RequestEmbargo(request_id=embargoed.id, org_id=org.id, embargo_until=date(2026, 12, 1)))
    db.commit()
    open_doc = _doc(client, token, pub.id, "released", visibility="public")
    hidden_doc = _doc(client, token, pub.id, "internal", visibility="organization")
    held_doc = _doc(client, token, pub.id, "held", visibility="public", embargo_until="2099-01-01")
    other = factory.org()
    outsider = factory.user(other)

    for who in (None, outsider):
        if who is not None:
            login(client, who, other)
        index = client.get("/public/").data
        assert b"Published MOA" in index
        for title in (b"Secret draft", b"Org only", b"Embargoed story"):
            assert title not in index
        for req in (priv, orgonly, embargoed):
            assert client.get(f"/public/requests/{req.id}").status_code == 404
        page = client.get(f"/public/requests/{pub.id}").data
        assert b"released.pdf" in page and b"internal.pdf" not in page and b"held.pdf" not in page
        ok = client.get(f"/public/documents/{open_doc}/download")
        assert ok.status_code == 200 and ok.headers["X-Content-Type-Options"] == "nosniff"
        assert ok.headers["Content-Disposition"].startswith("attachment")
        ok.close()
        for doc_id in (hidden_doc, held_doc):
            assert client.get(f"/public/documents/{doc_id}/download").status_code == 404
        for q in ("secret", "embargoed", "internal", "held"):
            assert q.encode() not in client.get(f"/public/search?q={q}").data.lower().replace(
                f'value="{q}"'.encode(), b""
            ).replace(f"“{q}”".encode(), b"")
        if who is not None:
            assert client.get(f"/documents/{hidden_doc}").status_code == 404
            assert client.get(f"/api/v1/documents/{hidden_doc}").status_code == 401


def test_embargo_job_publishes_public_items_and_notes_it(client, factory, db):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    login(client, user, org)
    req = factory.request(org, user, title="Jail contract", visibility="public")
    resp = client.post(f"/requests/{req.id}/embargo", data={"embargo_until": "2026-12-01"})
    assert_redirect(resp, f"/requests/{req.id}")
    doc_id = _doc(
        client, token, req.id, "contract", visibility="public", embargo_until="2026-12-01"
    )
    # The visibility is kept as chosen; the embargo alone keeps it out of public view.
    assert db.get(Document, doc_id).visibility == "public"
    assert db.get(RecordRequest, req.id).visibility == "public"
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "appears in the public archive on 2026-12-01" in page
    assert "in the public archive from 2026-12-01" in page

    assert publish_due_embargoes(db, datetime(2026, 11, 30, 12, tzinfo=UTC)) == 0
    anonymous = client.application.test_client()
    assert anonymous.get(f"/public/requests/{req.id}").status_code == 404
    assert anonymous.get(f"/public/documents/{doc_id}/download").status_code == 404
    assert publish_due_embargoes(db, datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == 2
    assert publish_due_embargoes(db, datetime(2026, 12, 2, tzinfo=UTC)) == 0  # idempotent
    assert db.get(RecordRequest, req.id).visibility == "public"
    assert db.get(Document, doc_id).visibility == "public"
    notes = db.exec(select(SharingNote)).all()
    assert len(notes) == 2 and all(n.on == date(2026, 12, 1) for n in notes)
    page = anonymous.get(f"/public/requests/{req.id}").data
    assert b"contract.pdf" in page and b"its embargo ended" in page
    download = anonymous.get(f"/public/documents/{doc_id}/download")
    assert download.status_code == 200
    download.close()


def test_public_archive_lists_a_documents_exemptions(client, factory):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    req = factory.request(org, user, title="Jail audit", visibility="public")
    _doc(client, token, req.id, "withheld", visibility="public", exemptions="b5, (b)(7)(c)")
    _doc(client, token, req.id, "released", visibility="public")
    page = client.application.test_client().get(f"/public/requests/{req.id}").get_data(as_text=True)
    assert "<td>(b)(5), (b)(7)(C)</td>" in page
    assert "<td>—</td></tr>" in page  # the document that claims none

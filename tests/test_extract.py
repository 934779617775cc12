"""Text extraction runs in a child process, records its outcome and indexes the text."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from records.filing.extract import WorkerError, extract_pending, run_worker
from records.filing.models import Document
from tests.conftest import bearer
from tests.filing_helpers import docx_bytes, pdf_bytes, xlsx_bytes

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def _file(client, token, req_id, name, data):
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name)},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def test_job_extracts_pdf_docx_xlsx_text(app, client, factory, db):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    token = factory.token(user, org)
    ids = [
        _file(client, token, req.id, "a.pdf", pdf_bytes("Detainer log Madison")),
        _file(client, token, req.id, "b.docx", docx_bytes("Memorandum of Agreement")),
        _file(client, token, req.id, "c.xlsx", xlsx_bytes()),
    ]
    with app.app_context():
        from records.core.db import get_session

        assert extract_pending(get_session(), NOW) == 3
    texts = {i: db.get(Document, i) for i in ids}
    assert all(d.text_status == "done" and d.text_progress == 100 for d in texts.values())
    assert "Detainer log Madison" in texts[ids[0]].text
    assert "Memorandum of Agreement" in texts[ids[1]].text
    assert "equitable sharing\t1200" in texts[ids[2]].text
    hits = client.get("/api/v1/search?q=madison detainer", headers=bearer(token)).json["items"]
    assert [h["id"] for h in hits if h["kind"] == "document"] == [ids[0]]


def test_pdf_without_text_layer_is_marked(tmp_path):
    blank = pdf_bytes("").replace(b"BT /F1 12 Tf 72 720 Td () Tj ET", b"")
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_bytes(""))
    result = run_worker("text", path, "application/pdf", timeout=30)
    assert result["pages"] == 1 and not result["text"].strip()
    assert "without a text layer" in result["note"]
    assert blank  # the helper builds a page even with no words


def test_worker_time_limit_stops_a_hang(tmp_path):
    # A FIFO nobody writes to: the child blocks on open() forever, as a parser loop would.
    import os

    fifo = tmp_path / "stuck.pdf"
    os.mkfifo(fifo)
    started = datetime.now(UTC)
    try:
        run_worker("text", fifo, "application/pdf", timeout=2)
    except WorkerError as exc:
        assert "gave up" in str(exc)
    else:
        raise AssertionError("the worker should have timed out")
    assert (datetime.now(UTC) - started).total_seconds() < 10


def test_extraction_takes_organizations_in_turn(app, client, factory, db):
    """A tenant that filed thirty documents does not make another's one upload wait for all."""
    busy, quiet = factory.org(), factory.org()
    busy_user, quiet_user = factory.user(busy), factory.user(quiet)
    busy_req, quiet_req = factory.request(busy, busy_user), factory.request(quiet, quiet_user)
    busy_token, quiet_token = factory.token(busy_user, busy), factory.token(quiet_user, quiet)
    flood = [
        _file(client, busy_token, busy_req.id, f"{n}.txt", f"Booking log {n}".encode())
        for n in range(30)
    ]
    single = _file(client, quiet_token, quiet_req.id, "reply.txt", b"Our reply")
    with app.app_context():
        from records.core.db import get_session

        assert extract_pending(get_session(), NOW, limit=2) == 2
    assert db.get(Document, single).text_status == "done"
    assert db.get(Document, flood[0]).text_status == "done"  # the oldest of the busy one
    assert [db.get(Document, i).text_status for i in flood[1:]] == ["pending"] * 29

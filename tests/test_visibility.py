"""Privacy inside an organization: each leak the audit found, and the embargo rule.

Every test plants a private object through the product's own routes, reads it back as other
members (who must not see it) and as its owner (who must: the check is not vacuous).
``tests/test_visibility_walk.py`` then walks every read path with a private object of every kind.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlmodel import select

from records.core.models import RecordRequest, Role
from records.filing.extract import extract_pending
from records.filing.models import Document, ProposedEvent
from records.filing.sharing import publish_due_embargoes
from records.letters.models import BatchJob
from records.lifecycle.models import Event
from tests.conftest import assert_redirect, bearer, login
from tests.filing_helpers import eml_bytes, pdf_bytes

ROOT = Path(__file__).resolve().parent.parent
SUBJECT = "Denial of request 2026-ICFO-777 re informant Quintero"
SENDER = "Zqsender Halvorsen"
BODY = "Zqbody the informant's name is withheld"


@pytest.fixture
def team(app, factory):
    """One organization: an owner, an editor, a viewer and the author (an editor) who files
    private things; each has a logged-in client and an API token."""
    org = factory.org()
    people = {
        "owner": factory.user(org, role=Role.OWNER),
        "editor": factory.user(org, role=Role.EDITOR),
        "viewer": factory.user(org, role=Role.VIEWER),
        "author": factory.user(org, role=Role.EDITOR),
    }
    clients: dict[str, FlaskClient] = {}
    for name, person in people.items():
        clients[name] = app.test_client()
        login(clients[name], person, org)
    tokens = {name: factory.token(person, org) for name, person in people.items()}
    return {"org": org, "people": people, "clients": clients, "tokens": tokens}


def _upload(client, token, req_id, name, data, **form) -> dict[str, Any]:
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name), **form},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _private_email(client, token, req_id) -> dict[str, Any]:
    raw = eml_bytes(SUBJECT, attach=pdf_bytes("Attachment of the private email"))
    raw = raw.replace(b"ICE FOIA <", SENDER.encode() + b" <")
    raw = raw.replace(b"We received your request", BODY.encode())
    return _upload(client, token, req_id, "denial.eml", raw, visibility="private")


def _download(client, url, headers=None) -> bytes:
    with client.get(url, headers=headers or {}) as resp:
        assert resp.status_code == 200, (url, resp.status_code)
        return resp.get_data()


def _zip_text(data: bytes) -> tuple[list[str], str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        return names, "\n".join(zf.read(n).decode("utf-8", "replace") for n in names)


def _sent(client, req_id) -> None:
    resp = client.post(
        f"/requests/{req_id}/events", data={"kind": "sent", "on": "2026-11-02", "note": ""}
    )
    assert_redirect(resp, f"/requests/{req_id}")


# --- a private email on an organization request ---------------------------------------------


def test_private_email_stays_with_the_member_who_filed_it(app, team, factory, db):
    c, tok = team["clients"], team["tokens"]
    req = factory.request(team["org"], team["people"]["owner"], title="Jail contract")
    _sent(c["owner"], req.id)
    filed = _private_email(c["author"], tok["author"], req.id)
    proposal = filed["proposed_events"][0]["id"]

    for who in ("viewer", "editor", "owner"):
        assert c[who].get(f"/documents/{filed['id']}").status_code == 404
        page = c[who].get(f"/requests/{req.id}").get_data(as_text=True)
        assert "Events read from email" not in page
        assert SUBJECT not in page and "Zqsender" not in page, who
        for data in (
            _download(c[who], f"/requests/{req.id}/bundle.zip"),
            _download(app.test_client(), f"/api/v1/requests/{req.id}/bundle", bearer(tok[who])),
        ):
            names, text = _zip_text(data)
            assert not [n for n in names if n.startswith("correspondence/")], (who, names)
            assert "Quintero" not in text and "Zqbody" not in text and "Zqsender" not in text
            listed = json.loads(zipfile.ZipFile(io.BytesIO(data)).read("request.json"))
            assert listed["correspondence"] == [] and len(listed["documents"]) == 0

    # An editor who cannot see the email cannot confirm what it proposes, nor dismiss it.
    for action in ("confirm", "dismiss"):
        resp = c["editor"].post(f"/proposed-events/{proposal}/{action}", data={"kind": "denial"})
        assert resp.status_code == 404
    assert db.get(ProposedEvent, proposal).state == "proposed"
    assert db.exec(select(Event).where(Event.kind == "denial")).all() == []
    assert db.get(RecordRequest, req.id).status == "sent"

    # The author sees all of it.
    page = c["author"].get(f"/requests/{req.id}").get_data(as_text=True)
    assert SUBJECT in page and SENDER in page
    names, text = _zip_text(_download(c["author"], f"/requests/{req.id}/bundle.zip"))
    assert "correspondence/0001-email.txt" in names and BODY in text


def test_a_confirmed_private_email_keeps_its_details_off_the_shared_timeline(team, factory, db):
    c, tok = team["clients"], team["tokens"]
    req = factory.request(team["org"], team["people"]["owner"], title="Jail contract")
    _sent(c["owner"], req.id)
    proposal = _private_email(c["author"], tok["author"], req.id)["proposed_events"][0]["id"]
    page = html.unescape(c["author"].get(f"/requests/{req.id}").get_data(as_text=True))
    assert "the email's subject and sender stay private" in page  # the form says so first

    resp = c["author"].post(f"/proposed-events/{proposal}/confirm", data={"kind": "denial"})
    assert_redirect(resp, f"/requests/{req.id}")
    assert db.get(RecordRequest, req.id).status == "denied"  # status and clocks moved
    event = db.exec(select(Event).where(Event.kind == "denial")).one()
    assert "Quintero" not in event.note and "Zqsender" not in event.note
    for who in ("viewer", "editor"):
        page = c[who].get(f"/requests/{req.id}").get_data(as_text=True)
        assert "Quintero" not in page and "Zqsender" not in page
        events = c[who].get(f"/api/v1/requests/{req.id}/events", headers=bearer(tok[who]))
        assert "Quintero" not in events.get_data(as_text=True)
    # A shared email's event keeps its subject, as before.
    shared = _upload(
        c["editor"], tok["editor"], req.id, "ack.eml", eml_bytes("Appeal acknowledged 55")
    )
    resp = c["viewer"].get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Appeal acknowledged 55" in resp
    assert shared["proposed_events"]


# --- the audit trail --------------------------------------------------------------------------


def test_audit_trail_hides_private_documents_from_other_owners(app, client, factory, db, clock):
    org = factory.org()
    owner, author = factory.user(org), factory.user(org)  # two owners
    login(client, author, org)
    token = factory.token(author, org)
    req = factory.request(org, owner, title="Sheriff contract")
    doc = _upload(
        client,
        token,
        req.id,
        "Zqname informant-list.pdf",
        pdf_bytes("Zqtext confidential informant roster"),
        visibility="private",
        description="Zqdesc from our source",
    )
    proposal = _private_email(client, token, req.id)["proposed_events"][0]["id"]
    _sent(client, req.id)
    resp = client.post(f"/proposed-events/{proposal}/confirm", data={"kind": "acknowledged"})
    assert_redirect(resp, f"/requests/{req.id}")
    confirmed = db.exec(select(Event).where(Event.kind == "acknowledged")).one()
    with app.app_context():
        from records.core.db import get_session

        assert extract_pending(get_session(), clock.now()) == 3
    assert "roster" in db.get(Document, doc["id"]).text
    # A private request deleted by its author leaves its trail behind, still hidden.
    gone = factory.request(org, author, title="Zqgone source meeting", visibility="private")
    _upload(client, token, gone.id, "Zqgonedoc.pdf", pdf_bytes("x"))
    resp = client.post(f"/requests/{gone.id}/delete")
    assert_redirect(resp, "/requests/")

    markers = ("Zqname", "Zqtext", "Zqdesc", "Quintero", "Zqsender", "Zqbody", "Zqgone")
    login(client, owner, org)
    assert client.get(f"/documents/{doc['id']}").status_code == 404
    page = client.get("/audit/").get_data(as_text=True)
    csv_text = client.get("/audit/export.csv").get_data(as_text=True)
    for text in (page, csv_text):
        assert not [m for m in markers if m in text], [m for m in markers if m in text]
    assert "Private to another member: values hidden." in page
    assert "[private: values hidden]" in csv_text
    assert f"document {doc['id']}" in page  # the entry is listed; only its values are hidden
    # The event confirmed from the private email is on the shared timeline; its recorded
    # values (which once carried the email's subject) are not shown.
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    event_rows = [
        r for r in rows if (r["object_type"], r["object_id"]) == ("event", str(confirmed.id))
    ]
    assert event_rows and all(r["after"] == "[private: values hidden]" for r in event_rows)
    assert [
        r for r in rows if r["object_type"] == "event" and r["after"] != "[private: values hidden]"
    ]
    # The other owner, who filed them, reads every value.
    login(client, author, org)
    mine = client.get("/audit/export.csv").get_data(as_text=True)
    assert all(m in mine for m in markers), [m for m in markers if m not in mine]


# --- a request made private later ----------------------------------------------------------


def test_request_made_private_later_leaves_the_batch_zip(client, team, factory, db):
    c, tok = team["clients"], team["tokens"]
    for name in ("North", "South"):
        factory.agency(
            team["org"], name=f"{name} County Sheriff", level="sheriff", jurisdiction="TX"
        )
    resp = c["author"].post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff",
        data={"items": ["esac"], "date_from": "2020-01-01", "letter_date": "2026-11-24"},
    )
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    secret, other = batch.results
    text = c["author"].get(f"/letters/{secret['letter_id']}/download.txt").get_data(as_text=True)
    resp = c["author"].post(
        f"/letters/{secret['letter_id']}/edit", data={"text": text + "\nZqsecret source Lindqvist"}
    )
    assert_redirect(resp, f"/letters/{secret['letter_id']}")

    def zip_text(who: str) -> str:
        names, text = _zip_text(_download(c[who], f"/letters/batch/{batch.id}/letters.zip"))
        return "\n".join(names) + text

    assert "Lindqvist" in zip_text("viewer")  # shared for now
    resp = c["author"].patch(
        f"/api/v1/requests/{secret['request_id']}",
        json={"visibility": "private"},
        headers=bearer(tok["author"]),
    )
    assert resp.status_code == 200
    for who in ("viewer", "editor", "owner"):
        shown = zip_text(who)
        assert "Lindqvist" not in shown and secret["agency"] not in shown, who
        assert other["agency"] in shown  # the other letter is still there
        page = c[who].get(f"/letters/batch/{batch.id}").get_data(as_text=True)
        assert f'/letters/{secret["letter_id"]}"' not in page
        assert "private to another member" in page
    assert "Lindqvist" in zip_text("author")


# --- embargoes only ever narrow -------------------------------------------------------------


def test_an_embargo_never_widens_who_can_see(app, team, factory, db):
    c, tok = team["clients"], team["tokens"]
    owner = team["people"]["owner"]
    public = factory.request(team["org"], owner, title="Published contract", visibility="public")
    page = c["author"].get(f"/requests/{public.id}").get_data(as_text=True)
    assert "An embargo only ever narrows who can see a file, never widens it" in page
    until = {"embargo_until": "2026-12-01"}
    held = {
        vis: _upload(
            c["author"],
            tok["author"],
            public.id,
            f"{vis}-held.pdf",
            pdf_bytes(vis),
            visibility=vis,
            **until,
        )["id"]
        for vis in ("private", "organization", "public")
    }
    assert {db.get(Document, i).visibility for i in held.values()} == {
        "private",
        "organization",
        "public",
    }
    # Requests: a private and an organization request with an embargo, and a public one.
    reqs = {
        vis: factory.request(
            team["org"], team["people"]["author"], title=f"{vis} held", visibility=vis
        )
        for vis in ("private", "organization", "public")
    }
    for req in reqs.values():
        resp = c["author"].post(f"/requests/{req.id}/embargo", data=until)
        assert_redirect(resp, f"/requests/{req.id}")
    flashed = c["author"].get(f"/requests/{reqs['organization'].id}").get_data(as_text=True)
    assert "stays organization after that date too" in flashed

    anonymous = app.test_client()

    def public_sees_doc(doc_id: int) -> bool:
        resp = anonymous.get(f"/public/documents/{doc_id}/download")
        resp.close()
        return resp.status_code == 200

    assert not any(public_sees_doc(i) for i in held.values())  # before the day: nothing public
    assert publish_due_embargoes(db, datetime(2026, 12, 1, 0, 5, tzinfo=UTC)) == 6

    assert public_sees_doc(held["public"])
    assert not public_sees_doc(held["organization"]) and not public_sees_doc(held["private"])
    assert db.get(Document, held["private"]).visibility == "private"
    assert c["viewer"].get(f"/documents/{held['organization']}").status_code == 200
    for who in ("viewer", "editor", "owner"):
        assert c[who].get(f"/documents/{held['private']}").status_code == 404
        page = c[who].get(f"/requests/{public.id}").get_data(as_text=True)
        assert "private-held.pdf" not in page  # nor the job's note about it
    author_page = c["author"].get(f"/requests/{public.id}").get_data(as_text=True)
    assert "The embargo on document “private-held.pdf” ended; it stays private." in author_page

    assert anonymous.get(f"/public/requests/{reqs['public'].id}").status_code == 200
    for vis in ("private", "organization"):
        assert db.get(RecordRequest, reqs[vis].id).visibility == vis
        assert anonymous.get(f"/public/requests/{reqs[vis].id}").status_code == 404
    assert c["viewer"].get(f"/requests/{reqs['private'].id}").status_code == 404


# --- one predicate ----------------------------------------------------------------------------

# Comparisons of a ``.visibility`` attribute outside records/access/visibility.py, with the reason each
# is not an access decision.
WORDING_ONLY = {
    ("records/filing/views.py", "embargo"): "the flash message says what the embargo will do",
}


def test_only_the_visibility_module_compares_visibility():
    """Access is decided in records/access/visibility.py alone: no other module compares an object's
    ``visibility`` (in Python or in SQL) except to word a message."""
    found = []
    for path in sorted((ROOT / "records").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "records/access/visibility.py" or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(func):
                compares = isinstance(node, ast.Compare) and any(
                    isinstance(side, ast.Attribute) and side.attr == "visibility"
                    for side in [node.left, *node.comparators]
                )
                if compares and (rel, func.name) not in WORDING_ONLY:
                    found.append(f"{rel}:{node.lineno} in {func.name}()")
    assert not found, f"ask records.access.visibility instead: {found}"

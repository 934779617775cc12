"""Bundle import checks every value with the validators the API uses, and refuses the whole bundle.

A bundle is a file anyone can edit: its request.json may hold a ``javascript:`` link, an event
type or status the lifecycle does not know, or a list where a number belongs. Each is refused
with a reason naming the part of request.json, and nothing of the bundle is kept.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import struct
from typing import Any

import pytest
from sqlmodel import select

from records.core.models import Agency, RecordRequest
from tests.conftest import bearer, login
from tests.filing_helpers import eml_bytes
from tests.test_bundle import _export, _import, _members, _rebuild, _with_request_json


@pytest.fixture
def exported(app, client, factory, clock, runner) -> dict[str, Any]:
    """A bundle holding one of everything (text files only, so each import is quick), and an
    editor of another organization to import it."""
    org = factory.org()
    user = factory.user(org)
    h = bearer(factory.token(user, org))
    api = app.test_client()
    agency = api.post(
        "/api/v1/agencies",
        json={"name": "ICE FOIA Office", "level": "federal", "jurisdiction": "US"}
        | {"component": "DHS", "portal_url": "https://www.ice.gov/foia"},
        headers=h,
    ).json["id"]
    req = api.post("/api/v1/requests", json={"agency_id": agency, "title": "MOA"}, headers=h).json
    letter = api.post(
        f"/api/v1/requests/{req['id']}/letters",
        json={"subject": "agreements", "items": ["moa_287g"], "date_from": "2025-01-20"}
        | {"local_agency": "Madison County Sheriff"},
        headers=h,
    ).json["id"]
    sent = {"method": "portal", "sent_on": "2026-11-02"}
    assert api.post(f"/api/v1/letters/{letter}/send", json=sent, headers=h).status_code == 200
    events = f"/api/v1/requests/{req['id']}/events"
    ack = api.post(
        events,
        json={"type": "acknowledged", "date": "2026-11-04", "data": {"tracking_number": "T-1"}},
        headers=h,
    ).json["event"]["id"]
    fixed = api.post(
        events, json={"corrects": ack, "date": "2026-11-05", "note": "dated the 5th"}, headers=h
    )
    assert fixed.status_code == 201, fixed.json
    for name, data, form in (
        ("reply.txt", b"Records attached.\n", {"date_received": "2026-11-20", "exemptions": "b6"}),
        ("ack.eml", eml_bytes(), {}),
        (
            "later.txt",
            b"Published later.\n",
            {"visibility": "public", "embargo_until": "2026-11-25"},
        ),
    ):
        resp = api.post(
            f"/api/v1/requests/{req['id']}/documents",
            data={"file": (io.BytesIO(data), name), **form},
            headers=h,
            content_type="multipart/form-data",
        )
        assert resp.status_code == 201, resp.json
    clock.move_to("2026-11-26")  # the embargo lifts: the sweep writes a sharing note
    assert runner.invoke(args=["reminders", "sweep"]).exit_code == 0
    members = _members(_export(client, user, org, req["id"]))
    request_json = json.loads(members["request.json"])
    for part in ("events", "documents", "letters", "correspondence", "notes"):
        assert request_json[part], f"the bundle has no {part}"
    partner = factory.org()
    editor = factory.user(partner, role="editor")
    return {
        "members": members,
        "request_json": request_json,
        "partner": partner,
        "editor": editor,
        "token": factory.token(editor, partner),
    }


def _set(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b[0].c`` in a JSON document."""
    *parents, last = path.replace("[", ".").replace("]", "").split(".")
    for part in parents:
        data = data[int(part)] if part.isdigit() else data[part]
    data[int(last) if last.isdigit() else last] = value  # type: ignore[index]


def _refused(client, db, exported, request_json: dict[str, Any], case: str = "") -> str:
    """Import an edited bundle; it must be refused whole. Returns the reason."""
    resp = _import(client, exported["token"], _with_request_json(exported["members"], request_json))
    assert resp.status_code == 422, (case, resp.json)
    kept = db.exec(select(RecordRequest).where(RecordRequest.org_id == exported["partner"].id))
    assert kept.all() == []
    agencies = db.exec(
        select(Agency).where(Agency.created_by_org_id == exported["partner"].id)
    ).all()
    assert agencies == []
    return resp.json["error"]["message"]


# Lists and objects where request.json has numbers, text or dates.
WRONG_SHAPES = [
    ("events[0].ref", [1]),
    ("events[1].corrects", {"id": 1}),
    ("events[0].data", [1]),
    ("events[0].on", ["2026-11-02"]),
    ("events[0].kind", {"kind": "sent"}),
    ("events[0].created_at", {"at": 1}),
    ("documents[0].ref", {"id": 1}),
    ("documents[0].event", [1]),
    ("documents[0].date_received", [2026, 11, 20]),
    ("documents[0].description", ["first", "release"]),
    ("correspondence[0].document", [1]),
    ("correspondence[0].event", {"id": 1}),
    ("notes[0].document", [[1]]),
    ("notes[0].on", {"day": 1}),
    ("request.title", ["287(g)"]),
    ("request.subject", ["agreements"]),
    ("request.created_at", {"y": 2026}),
    ("request.law_code", ["US"]),
    ("agency.name", {"name": "ICE"}),
    ("agency.jurisdiction", ["US"]),
    ("letters[0].options", ["agreements"]),
    ("letters[0].options.items", {"moa_287g": True}),
    ("letters[0].warnings", {"w": 1}),
    ("letters[0].sent_on", [2026]),
    ("events", {"0": {}}),
    ("documents", "all of them"),
]


def test_lists_and_objects_where_scalars_belong_are_refused(client, db, exported):
    # One app for every case: each refused import leaves the database as it was.
    for path, value in WRONG_SHAPES:
        request_json = copy.deepcopy(exported["request_json"])
        _set(request_json, path, value)
        reason = _refused(client, db, exported, request_json, path)
        assert "request.json" in reason or "must be" in reason or "not a" in reason, (path, reason)


# Values of the right shape that the API itself would refuse.
REFUSED_VALUES = [
    ("agency.portal_url", "javascript:alert(document.cookie)", "portal_url must start with"),
    ("agency.foia_email", "not an address", "foia_email is not a valid email"),
    ("agency.level", "secret police", "level must be one of"),
    ("events[0].kind", "teleported", "unknown event type 'teleported'"),
    ("events[0].on", "2027-06-01", "is in the future"),
    ("events[0].data", {"colour": "red"}, "has no field 'colour'"),
    ("events[1].note", "bell \x07 in a note", "control characters"),
    ("request.law_code", "XX", "law_code must be US"),
    ("documents[0].date_received", "2026-02-30", "not a real date"),
    ("correspondence[0].kind", "free text kind", "kind must be one of"),
    ("letters[0].kind", "ransom note", "kind must be one of"),
    ("letters[0].options.fee_cap", "NaN", "fee_cap must be between"),
    ("letters[0].options.items", ["no_such_item"], "unknown item"),
    ("letters[0].sent_method", "pigeon", "sent_method must be one of"),
]


def test_values_the_api_refuses_are_refused_in_a_bundle(client, db, exported):
    for path, value, reason in REFUSED_VALUES:
        request_json = copy.deepcopy(exported["request_json"])
        _set(request_json, path, value)
        message = _refused(client, db, exported, request_json, path)
        assert reason in message, (path, message)
    # The unedited bundle imports: the refusals above came from the edited values.
    resp = _import(client, exported["token"], _rebuild(exported["members"]))
    assert resp.status_code == 201, resp.json


def test_a_free_text_status_is_refused_when_the_timeline_does_not_replay(client, db, exported):
    request_json = copy.deepcopy(exported["request_json"])
    # Only the acknowledgment survives: the lifecycle cannot replay it, so the exported status
    # would be used, and it must be one the lifecycle knows.
    request_json["events"] = [e for e in request_json["events"] if e["kind"] == "acknowledged"]
    request_json["documents"] = [dict(d, event=None) for d in request_json["documents"]]
    request_json["correspondence"] = [dict(c, event=None) for c in request_json["correspondence"]]
    request_json["request"]["status"] = "waiting for godot"
    assert "status 'waiting for godot'" in _refused(client, db, exported, request_json)
    request_json["request"]["status"] = "acknowledged"
    resp = _import(client, exported["token"], _with_request_json(exported["members"], request_json))
    assert resp.status_code == 201, resp.json
    login(client, exported["editor"], exported["partner"])
    assert client.get(f"/requests/{resp.json['request_id']}").status_code == 200


def test_a_deeply_nested_request_json_is_refused(client, db, exported):
    request_json = copy.deepcopy(exported["request_json"])
    request_json["request"]["description"] = "BOMB"
    bomb = "[" * 100_000 + "]" * 100_000
    body = json.dumps(request_json).replace('"BOMB"', bomb).encode()
    resp = _import(client, exported["token"], _with_raw_request_json(exported["members"], body))
    assert resp.status_code == 422, resp.json
    assert "nests deeper than 64 levels" in resp.json["error"]["message"]
    assert (
        db.exec(select(RecordRequest).where(RecordRequest.org_id == exported["partner"].id)).all()
        == []
    )


def _with_raw_request_json(members: dict[str, bytes], body: bytes) -> bytes:
    """A bundle with ``body`` as its request.json, re-hashed in the manifest."""
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "request.json":
            entry["size"], entry["sha256"] = len(body), hashlib.sha256(body).hexdigest()
    return _rebuild(
        members, change={"request.json": body, "manifest.json": json.dumps(manifest).encode()}
    )


def _understate(archive: bytes, name: str) -> bytes:
    """``archive`` with ``name``'s size in both its headers set to 10 bytes."""
    data = bytearray(archive)
    encoded = name.encode()
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(signature)
        while at != -1:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                struct.pack_into("<I", data, at + size_at, 10)
            at = data.find(signature, at + 1)
    return bytes(data)


def test_a_document_whose_header_understates_its_size_is_refused(client, db, exported):
    bundle = _rebuild(exported["members"])
    resp = _import(client, exported["token"], _understate(bundle, "documents/0001-reply.txt"))
    assert resp.status_code == 422, resp.json
    assert "lies about its size" in resp.json["error"]["message"]
    assert (
        db.exec(select(RecordRequest).where(RecordRequest.org_id == exported["partner"].id)).all()
        == []
    )

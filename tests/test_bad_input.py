"""Bad input gets a clear 4xx, never a 500, on SQLite and PostgreSQL alike.

Numbers nothing can bind, NaN and infinity, JSON nested too deep, NUL characters (PostgreSQL
cannot store them), archive members that lie about their size, and letters that cannot be sent
for the sender's own reasons. Each is refused by one shared mechanism (``validation.integer`` and
``validation.number``, the input layer in ``records.core.inputs``, ``filing.zip_member``), so the
tests try several entry points per mechanism.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from records.core import validation as v
from records.core.models import Agency, Membership, RecordRequest, User
from records.filing.models import Document
from records.letters.models import StoredLetter
from records.lifecycle.models import Event
from tests.conftest import assert_redirect, bearer, login
from tests.filing_helpers import zip_bytes

HUGE = "9999999999999999999999"


@pytest.fixture
def desk(app, client, factory):
    """An owner logged in on ``client``, their token, an agency with an email and a request."""
    org = factory.org()
    owner = factory.user(org)
    login(client, owner, org)
    token = factory.token(owner, org)
    api = app.test_client()
    agency = api.post(
        "/api/v1/agencies",
        json={"name": "Madison County Sheriff", "level": "sheriff", "jurisdiction": "CA"}
        | {"foia_email": "records@madison.example.org"},
        headers=bearer(token),
    ).get_json()["id"]
    req = api.post(
        "/api/v1/requests",
        json={"agency_id": agency, "title": "287(g) agreement", "subject": "agreements"},
        headers=bearer(token),
    ).get_json()["id"]
    return {"org": org, "owner": owner, "token": token, "api": api, "agency": agency, "req": req}


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


# --- numbers -------------------------------------------------------------------------------


def test_ids_too_large_for_the_database_are_not_found(client, desk, db):
    req = desk["req"]
    assert client.get(f"/requests/{req}/events/correct?event={HUGE}").status_code == 404
    assert client.post(f"/requests/{req}/events/correct?event={HUGE}").status_code == 404
    switched = client.post("/orgs/switch", data={"org_id": HUGE})
    assert switched.status_code == 404
    assert client.post("/orgs/switch", data={"org_id": "-1"}).status_code == 404
    # The session still points at the member's organization.
    assert client.get("/requests/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"/requests/?agency_id={HUGE}",
        f"/requests/?assignee_id={HUGE}",
        f"/requests/?page={HUGE}",
        f"/search/?agency_id={HUGE}",
        f"/search/?page={HUGE}",
        f"/audit/?actor_id={HUGE}",
        f"/audit/?page={HUGE}",
    ],
)
def test_query_numbers_out_of_range_are_a_clear_400(client, desk, url):
    resp = client.get(url)
    assert resp.status_code == 400, url
    assert b"out of range" in resp.data


@pytest.mark.parametrize(
    "url", [f"/agencies/?page={HUGE}", f"/public/?page={HUGE}", "/public/?page=x"]
)
def test_list_pages_fall_back_to_the_first_page(client, desk, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"agency_id": int(HUGE), "title": "x"},
        {"agency_id": 1e400, "title": "x"},  # JSON reads 1e400 as infinity
        {"agency_id": 1.5, "title": "x"},
        {"agency_id": HUGE * 200, "title": "x"},
    ],
)
def test_json_numbers_nothing_can_bind_are_422(desk, body):
    resp = desk["api"].post("/api/v1/requests", json=body, headers=bearer(desk["token"]))
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == "agency_id"


def test_api_paging_and_corrections_refuse_huge_numbers(desk):
    api, h = desk["api"], bearer(desk["token"])
    listed = api.get(f"/api/v1/requests?per_page={HUGE}", headers=h)
    assert listed.status_code == 422 and listed.get_json()["error"]["field"] == "per_page"
    corrected = api.post(
        f"/api/v1/requests/{desk['req']}/events",
        json={"corrects": int(HUGE), "date": "2026-11-02"},
        headers=h,
    )
    assert corrected.status_code == 422 and corrected.get_json()["error"]["field"] == "corrects"


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("extension_claimed", {"days": 1e400}),
        ("extension_claimed", {"days": True}),
        ("extension_claimed", {"days": HUGE}),
        ("extension_claimed", {"new_due": "9999-12-31"}),
        ("sent", {"received": "9999-12-31"}),
        ("sent", {"received": "0001-01-01"}),
    ],
)
def test_event_data_numbers_and_dates_out_of_range_are_refused(desk, db, kind, data):
    api, h, req = desk["api"], bearer(desk["token"]), desk["req"]
    if kind != "sent":
        api.post(
            f"/api/v1/requests/{req}/events", json={"type": "sent", "date": "2026-11-02"}, headers=h
        )
    before = _count(db, Event)
    resp = api.post(
        f"/api/v1/requests/{req}/events",
        json={"type": kind, "date": "2026-11-10", "data": data},
        headers=h,
    )
    assert resp.status_code == 409, resp.get_json()
    assert _count(db, Event) == before


def test_an_event_dated_in_year_one_is_refused_on_the_form(client, desk, db):
    resp = client.post(f"/requests/{desk['req']}/events", data={"kind": "sent", "on": "0001-01-01"})
    assert resp.status_code == 422 and b"too far in the past" in resp.data
    assert _count(db, Event) == 0


def test_a_form_date_outside_the_calendars_years_is_refused(client, desk, db):
    before = _count(db, RecordRequest)
    resp = client.post(
        "/requests/new",
        data={"title": "MOA", "agency_id": str(desk["agency"]), "subject": "agreements"}
        | {"date_from": "0001-01-01", "visibility": "organization"},
    )
    assert resp.status_code == 422 and b"Records from year 1 is out of range" in resp.data
    assert b'value="MOA"' in resp.data  # what was typed is kept
    assert _count(db, RecordRequest) == before


def test_integer_helper_accepts_whole_numbers_only():
    assert v.integer("42", "n") == 42 and v.integer(7.0, "n") == 7
    assert v.integer("0", "n", minimum=0) == 0
    for bad in ("4.5", "1e3", "٤٢", float("nan"), float("inf"), True, [1], {"a": 1}):
        with pytest.raises(v.ValidationError, match="whole number"):
            v.integer(bad, "n")
    for bad in (HUGE, "0", "-3", 2**31, "9" * 5000):
        with pytest.raises(v.ValidationError, match="out of range"):
            v.integer(bad, "n")


@pytest.mark.parametrize("cap", ["NaN", "nan", "sNaN", "inf", "-Infinity", "1e999999", "-1"])
def test_fee_cap_that_is_not_a_finite_amount_is_refused(client, desk, db, cap):
    body = {"subject": "agreements", "items": ["moa_287g"], "date_from": "2025-01-20"}
    resp = desk["api"].post(
        f"/api/v1/requests/{desk['req']}/letters",
        json=body | {"fee_cap": cap},
        headers=bearer(desk["token"]),
    )
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == "fee_cap"
    page = client.post(
        f"/requests/{desk['req']}/letters/new",
        data=body | {"fee_cap": cap, "letter_date": "2026-11-24"},
    )
    assert page.status_code == 422
    assert b"Fee limit must be between 0 and 100000" in page.data
    assert cap.encode() in page.data  # what the user typed is still in the form
    saved = client.post("/settings/letters/mail", data={"default_fee_cap": cap})
    assert saved.status_code == 400 and b"Not saved: Default fee limit" in saved.data
    assert cap.encode() in saved.data  # the settings form keeps what was typed
    assert _count(db, StoredLetter) == 0


def test_number_helper_checks_finiteness_before_range():
    for bad in ("NaN", "sNaN", "Infinity", float("nan"), float("-inf"), "12abc", [], True):
        with pytest.raises(v.ValidationError):
            v.number(bad, "n", minimum=Decimal(0), maximum=Decimal(10))
    assert v.number(" 2.50 ", "n", minimum=Decimal(0), maximum=Decimal(10)) == Decimal("2.50")


# --- JSON ----------------------------------------------------------------------------------


def test_json_nested_100000_deep_is_a_400_not_a_crash(desk):
    from records.core.inputs import MAX_JSON_DEPTH

    deep = "[" * 100_000 + "]" * 100_000
    for body in (deep, '{"name": ' + deep + "}", "{" * 100_000):
        resp = desk["api"].post(
            "/api/v1/agencies",
            data=body,
            headers=bearer(desk["token"]) | {"Content-Type": "application/json"},
        )
        assert resp.status_code == 400, resp.get_json()
        assert resp.get_json()["error"]["code"] == "malformed"
    message = resp.get_json()["error"]["message"]
    assert f"deeper than {MAX_JSON_DEPTH}" in message or "not valid JSON" in message


def test_json_depth_counts_brackets_outside_strings_only():
    from records.core.inputs import MAX_JSON_DEPTH, JsonRefused, loads_json

    assert loads_json('{"a": "[[[[[[[[[[[[[[[["}') == {"a": "[[[[[[[[[[[[[[[["}
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert loads_json(nested) is not None
    with pytest.raises(JsonRefused):
        loads_json("[" + nested + "]")
    with pytest.raises(JsonRefused):
        loads_json('{"a": "\\"", "b": ' + "[" * 100 + "]" * 100 + "}")


def test_json_body_larger_than_the_limit_is_413(desk):
    from records.core.inputs import MAX_JSON_BYTES

    body = b'{"name": "' + b"x" * MAX_JSON_BYTES + b'"}'
    resp = desk["api"].post(
        "/api/v1/agencies",
        data=body,
        headers=bearer(desk["token"]) | {"Content-Type": "application/json"},
    )
    assert resp.status_code == 413
    assert "JSON bodies are limited" in resp.get_json()["error"]["message"]


# --- NUL characters ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/public/?agency=a%00b",
        "/public/?jurisdiction=%00",
        "/public/search?q=%00",
        "/laws/US?x=%00",
    ],
)
def test_nul_in_an_anonymous_query_string_is_400(app, url):
    resp = app.test_client().get(url)
    assert resp.status_code == 400
    assert "contains a NUL character" in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "url", ["/agencies/?q=a%00b", "/requests/?q=%00", "/search/?q=%00", "/audit/?object_type=%00"]
)
def test_nul_in_a_member_query_string_is_400(client, desk, url):
    resp = client.get(url)
    assert resp.status_code == 400
    assert "contains a NUL character" in resp.get_data(as_text=True)


def test_nul_in_login_email_is_400_and_counts_no_attempt(app, db):
    resp = app.test_client().post(
        "/login", data={"email": "a\x00@example.org", "password": "correct horse battery"}
    )
    assert resp.status_code == 400
    assert "“email” contains a NUL character" in resp.get_data(as_text=True)


def test_nul_in_form_fields_saves_nothing(client, desk, db):
    req = desk["req"]
    events = _count(db, Event)
    resp = client.post(
        f"/requests/{req}/events", data={"kind": "sent", "on": "2026-11-02", "note": "a\x00b"}
    )
    assert resp.status_code == 400 and "“note”" in resp.get_data(as_text=True)
    assert _count(db, Event) == events
    agencies = _count(db, Agency)
    made = client.post(
        "/agencies/new", data={"name": "Clerk\x00", "level": "city", "jurisdiction": "CA"}
    )
    assert made.status_code == 400 and _count(db, Agency) == agencies
    upload = client.post(
        f"/requests/{req}/documents",
        data={"file": (io.BytesIO(b"hello\n"), "reply\x00.txt")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 400 and _count(db, Document) == 0


def test_nul_in_json_names_the_field(desk, db):
    api, h = desk["api"], bearer(desk["token"])
    resp = api.post(
        f"/api/v1/requests/{desk['req']}/events",
        json={"type": "sent", "date": "2026-11-02", "note": "ok", "data": {"received": "\x00"}},
        headers=h,
    )
    assert resp.status_code == 422
    assert resp.get_json()["error"]["field"] == "data.received"
    patched = api.patch(f"/api/v1/requests/{desk['req']}", json={"title": "a\x00"}, headers=h)
    assert patched.status_code == 422 and patched.get_json()["error"]["field"] == "title"
    assert db.get(RecordRequest, desk["req"]).title == "287(g) agreement"


def test_nul_in_an_agency_csv_is_reported_and_nothing_imported(client, desk, db):
    before = _count(db, Agency)
    csv = b"name,level,jurisdiction,parent,notes\nJail,jail,CA,She\x00riff,\nClerk,city,CA,,n\x00\n"
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(csv), "agencies.csv")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    assert b"the file contains a NUL character" in resp.data
    assert _count(db, Agency) == before


def test_nul_inside_an_email_is_dropped_not_fatal(desk, db):
    # The subject's encoded word and the base64 body both decode to text holding a NUL.
    body = (
        b"From: ICE FOIA <ice-foia@ice.dhs.gov>\r\nTo: reporter@example.org\r\n"
        b"Subject: Acknowledgment =?utf-8?b?b2sAbm90?=\r\n"
        b"Date: Tue, 10 Nov 2026 09:30:00 -0500\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.b64encode(b"We received\x00 your request.")
        + b"\r\n"
    )
    resp = desk["api"].post(
        f"/api/v1/requests/{desk['req']}/documents",
        data={"file": (io.BytesIO(body), "ack.eml")},
        headers=bearer(desk["token"]),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    proposed = resp.get_json()["proposed_events"][0]
    assert "\x00" not in proposed["subject"] and "ok not" in proposed["subject"]


def test_nul_in_text_extracted_from_a_file_is_dropped(desk, db, runner):
    # A CSV whose NUL comes after the first megabyte the upload check reads.
    data = b"a,b\n" + b"1,2\n" * 300_000 + b"x,\x00\n"
    # Encoded in memory: the test client would spool a body this large to an unclosed file.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(data), "big.csv")})
    resp = desk["api"].post(
        f"/api/v1/requests/{desk['req']}/documents",
        data=body,
        headers=bearer(desk["token"]),
        content_type=f"multipart/form-data; boundary={boundary}",
    )
    assert resp.status_code == 201, resp.get_json()
    assert runner.invoke(args=["reminders", "sweep"]).exit_code == 0
    doc = db.exec(select(Document).where(Document.name == "big.csv")).one()
    assert doc.text_status == "done" and "\x00" not in doc.text and doc.text.endswith("x,\n")


# --- archives ------------------------------------------------------------------------------


def _understated_zip() -> bytes:
    """A ZIP whose member's headers claim 10 bytes while its data inflates to 5000."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("reply.txt", b"A" * 5000)
    data = bytearray(buf.getvalue())
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, 10)  # local header
    struct.pack_into("<I", data, data.find(b"PK\x01\x02") + 24, 10)  # central directory
    return bytes(data)


def test_zip_member_understating_its_size_is_refused(client, desk, db):
    api = desk["api"].post(
        f"/api/v1/requests/{desk['req']}/documents",
        data={"file": (io.BytesIO(_understated_zip()), "release.zip")},
        headers=bearer(desk["token"]),
        content_type="multipart/form-data",
    )
    assert api.status_code == 422, api.get_json()
    assert "lies about its size" in api.get_json()["error"]["message"]
    page = client.post(
        f"/requests/{desk['req']}/documents",
        data={"file": (io.BytesIO(_understated_zip()), "release.zip")},
        content_type="multipart/form-data",
    )
    assert_redirect(page, f"/requests/{desk['req']}")
    shown = client.get(f"/requests/{desk['req']}").get_data(as_text=True)
    assert "lies about its size" in shown
    assert _count(db, Document) == 0


def test_a_good_zip_still_unpacks(desk, db):
    resp = desk["api"].post(
        f"/api/v1/requests/{desk['req']}/documents",
        data={"file": (io.BytesIO(zip_bytes({"a.txt": b"one\n", "b.txt": b"two\n"})), "r.zip")},
        headers=bearer(desk["token"]),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201 and _count(db, Document) == 2


# --- sending letters -----------------------------------------------------------------------


def _letter(desk, agency_id: int) -> int:
    api, h = desk["api"], bearer(desk["token"])
    req = api.post(
        "/api/v1/requests", json={"agency_id": agency_id, "title": "MOA"}, headers=h
    ).get_json()["id"]
    drafted = api.post(
        f"/api/v1/requests/{req}/letters",
        json={"subject": "agreements", "items": ["moa_287g"], "date_from": "2025-01-20"},
        headers=h,
    )
    assert drafted.status_code == 201, drafted.get_json()
    return drafted.get_json()["id"]


def test_sending_fails_with_the_senders_own_4xx(app, desk, db):
    api, h = desk["api"], bearer(desk["token"])
    no_email = api.post(
        "/api/v1/agencies",
        json={"name": "Austin Police", "level": "police", "jurisdiction": "TX"},
        headers=h,
    ).get_json()["id"]
    letter = _letter(desk, no_email)
    resp = api.post(f"/api/v1/letters/{letter}/send", json={"method": "email"}, headers=h)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"] == "no_address"
    assert "no FOIA email address" in resp.get_json()["error"]["message"]
    bad_to = api.post(
        f"/api/v1/letters/{letter}/send", json={"method": "email", "to": "nobody"}, headers=h
    )
    assert bad_to.status_code == 422 and bad_to.get_json()["error"]["field"] == "to"

    sent = api.post(
        f"/api/v1/letters/{letter}/send",
        json={"method": "mail", "sent_on": "2026-11-20"},
        headers=h,
    )
    assert sent.status_code == 200, sent.get_json()
    again = api.post(f"/api/v1/letters/{letter}/send", json={"method": "email"}, headers=h)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_sent"

    # The request was withdrawn: the timeline allows no "sent" event any more.
    other = _letter(desk, no_email)
    req_id = api.get(f"/api/v1/letters/{other}", headers=h).get_json()["request_id"]
    api.post(
        f"/api/v1/requests/{req_id}/events", json={"type": "sent", "date": "2026-11-02"}, headers=h
    )
    api.post(
        f"/api/v1/requests/{req_id}/events",
        json={"type": "withdrawn", "date": "2026-11-03"},
        headers=h,
    )
    refused = api.post(
        f"/api/v1/letters/{other}/send",
        json={"method": "portal", "sent_on": "2026-11-20"},
        headers=h,
    )
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["error"]["code"] == "not_allowed"


def test_a_mail_server_failure_is_still_a_502(app, desk):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=9)  # nothing listens there
    letter = _letter(desk, desk["agency"])
    resp = desk["api"].post(
        f"/api/v1/letters/{letter}/send", json={"method": "email"}, headers=bearer(desk["token"])
    )
    assert resp.status_code == 502, resp.get_json()
    assert resp.get_json()["error"]["code"] == "delivery"


# --- timestamps ----------------------------------------------------------------------------


def _timestamps(value: Any, path: str = "") -> list[tuple[str, str]]:
    """Every ``*_at`` string in a JSON document, with its path."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key.endswith("_at") and isinstance(child, str):
                found.append((f"{path}.{key}", child))
            found += _timestamps(child, f"{path}.{key}")
    elif isinstance(value, list):
        for n, child in enumerate(value):
            found += _timestamps(child, f"{path}[{n}]")
    return found


def test_every_api_timestamp_carries_its_utc_offset(desk, db):
    api, h, req = desk["api"], bearer(desk["token"]), desk["req"]
    api.post(
        f"/api/v1/requests/{req}/events", json={"type": "sent", "date": "2026-11-02"}, headers=h
    )
    api.post(
        f"/api/v1/requests/{req}/documents",
        data={"file": (io.BytesIO(b"reply\n"), "reply.txt")},
        headers=h,
        content_type="multipart/form-data",
    )
    _letter(desk, desk["agency"])
    seen = []
    for url in (
        f"/api/v1/requests/{req}",
        "/api/v1/requests",
        f"/api/v1/agencies/{desk['agency']}",
        f"/api/v1/requests/{req}/events",
        f"/api/v1/requests/{req}/documents",
        f"/api/v1/requests/{req}/letters",
    ):
        resp = api.get(url, headers=h)
        assert resp.status_code == 200, url
        for where, value in _timestamps(resp.get_json()):
            if value is None:
                continue
            moment = datetime.fromisoformat(value)
            assert moment.utcoffset() is not None and moment.utcoffset().total_seconds() == 0, (
                url,
                where,
                value,
            )
            seen.append(where)
    assert any(".created_at" in w for w in seen) and any("updated_at" in w for w in seen)


def test_timestamps_load_aware_from_the_database(desk, db):
    for model in (User, Membership, RecordRequest, Agency):
        row = db.exec(select(model)).first()
        for name, value in row.model_dump().items():
            if isinstance(value, datetime):
                assert value.tzinfo is not None and value.utcoffset().total_seconds() == 0, (
                    model.__name__,
                    name,
                )

"""Letter pages: draft from a request, edit, download; profile, templates, letterhead, seed."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from sqlmodel import select

from records.core.models import Agency, RecordRequest
from records.core.validation import ValidationError
from records.letters.models import OrgLetterSettings, RequesterProfile, StoredLetter
from records.letters.output import docx_paragraphs
from records.letters.service import validate_letterhead
from records.seed.federal import federal_agencies
from tests.conftest import assert_redirect, login


def _profile(db, org, user, **kw):
    values = {
        "name": "Jane Roe",
        "organization": "Border Desk News",
        "address": "PO Box 12\nAustin, TX 78701",
        "email": "jane@example.org",
        "phone": "555-0100",
        "fee_category": "news_media",
        "waiver_justification": "I report on local immigration enforcement.",
        "expedite_justification": "Urgent public debate over the agreement.",
        "state": "TX",
    } | kw
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, **values))
    db.commit()


def _draft(client, req, **form):
    data = {
        "items": ["moa_287g", "steering_committee"],
        "date_from": "2025-01-20",
        "fee_cap": "25",
        "format": "electronic",
        "letter_date": "2026-11-24",
    } | form
    return client.post(
        f"/requests/{req.id}/letters/new?subject=agreements&agency_kind=sheriff", data=data
    )


def test_draft_edit_download(client, db, factory, member, monkeypatch):
    from records.letters import views as letters_web
    from records.requests import views as requests_web

    # Only this feature's panel: the request page must offer drafting through it.
    mine = {
        k: p
        for k, p in requests_web.REQUEST_PANELS.items()
        if p.render is letters_web._request_panel
    }
    assert len(mine) == 1
    monkeypatch.setattr(requests_web, "REQUEST_PANELS", mine)
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, name="Travis County Sheriff", level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)

    page = client.get(f"/requests/{req.id}")
    assert b"Draft a letter" in page.data

    form = client.get(f"/requests/{req.id}/letters/new?subject=agreements")
    assert form.status_code == 200
    assert b"287(g) agreements" in form.data
    # Items a sheriff does not hold are not offered (governing body minutes are, data access is).
    assert b'value="data_access"' in form.data

    resp = _draft(client, req)
    stored = db.exec(select(StoredLetter).where(StoredLetter.request_id == req.id)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    assert "Travis County Sheriff" in stored.text
    assert "Tex. Gov't Code" in stored.text or "552" in stored.text
    assert "$25" in stored.text
    assert "steering committee" in stored.text

    show = client.get(resp.headers["Location"])
    assert show.status_code == 200
    assert b'<article class="letter">' in show.data
    assert b"LibreOffice is not installed" in show.data or b"download.pdf" in show.data

    edited = stored.text.replace("Dear", "Dear Madam or Sir, and dear") + "\nP.S. Edited by hand.\n"
    resp = client.post(f"/letters/{stored.id}/edit", data={"text": edited})
    assert_redirect(resp, f"/letters/{stored.id}")
    stored = db.get(StoredLetter, stored.id)
    assert "P.S. Edited by hand." in stored.text

    docx = client.get(f"/letters/{stored.id}/download.docx")
    assert docx.status_code == 200
    paragraphs = docx_paragraphs(docx.data)
    assert "P.S. Edited by hand." in paragraphs
    txt = client.get(f"/letters/{stored.id}/download.txt")
    assert txt.data.decode() == stored.text
    # The .docx and the text carry the same words.
    assert " ".join(paragraphs).split() == stored.text.split()


def test_draft_errors_are_shown_and_nothing_is_stored(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    resp = _draft(client, req, items=["nope"])
    assert resp.status_code == 422
    assert b"unknown item" in resp.data
    assert db.exec(select(StoredLetter)).all() == []


def test_letter_without_a_date_range_is_drafted(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    resp = _draft(client, req, date_from="", date_to="")
    stored = db.exec(select(StoredLetter)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    assert "at any time up to the date you conduct the search" in stored.text
    assert "from  through" not in stored.text and "\x00" not in stored.text


def test_federal_letter_with_expedite(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(
        org, name="ICE FOIA Office", level="federal", jurisdiction="US", component="DHS"
    )
    req = factory.request(org, user, agency, law_code="US")
    form = client.get(f"/requests/{req.id}/letters/new?subject=forfeiture")
    assert b"want_expedite" in form.data
    resp = client.post(
        f"/requests/{req.id}/letters/new?subject=forfeiture",
        data={
            "items": ["federal_payments"],
            "local_agency": "the Harris County Sheriff's Office",
            "date_from": "2024-01-01",
            "letter_date": "2026-11-24",
            "want_expedite": "1",
            "want_fee_waiver": "1",
        },
    )
    stored = db.exec(select(StoredLetter)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    text = stored.text
    assert "5 U.S.C. § 552" in text
    assert "Harris County Sheriff's Office" in text
    assert "552(a)(6)(E)" in text
    assert "6 C.F.R. § 5.11(k)" in text


def test_residency_warning_for_non_resident(client, db, factory, member):
    from records.laws import get_law, law_codes

    residents_only = [c for c in law_codes() if c != "US" and get_law(c).residents_only]
    assert residents_only, "the law library should mark at least one residents-only state"
    code = residents_only[0]
    org, user = member
    _profile(db, org, user, state="CA" if code != "CA" else "NY")
    agency = factory.agency(org, level="sheriff", jurisdiction=code)
    req = factory.request(org, user, agency)
    page = client.get(f"/requests/{req.id}/letters/new")
    assert b"Residents only" in page.data
    resp = _draft(client, req)
    stored = db.exec(select(StoredLetter)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    warnings = stored.warnings
    assert any("resident" in w for w in warnings)


def test_viewer_cannot_draft_and_other_org_cannot_see(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    resp = _draft(client, req)
    letter_id = db.exec(select(StoredLetter)).one().id
    assert_redirect(resp, f"/letters/{letter_id}")

    other_org = factory.org()
    stranger = factory.user(other_org)
    login(client, stranger, other_org)
    assert client.get(f"/letters/{letter_id}").status_code == 404
    assert client.get(f"/letters/{letter_id}/download.docx").status_code == 404

    viewer = factory.user(org, role="viewer")
    login(client, viewer, org)
    assert client.get(f"/letters/{letter_id}").status_code == 200
    assert _draft(client, req).status_code == 403
    assert client.post(f"/letters/{letter_id}/edit", data={"text": "x"}).status_code == 403


def test_profile_saved_and_validated(client, db, member):
    org, user = member
    resp = client.post(
        "/settings/letters/profile",
        data={
            "name": "Jane Roe",
            "email": "jane@example.org",
            "state": "tx",
            "fee_category": "other",
        },
    )
    assert_redirect(resp, "/settings/letters")
    profile = db.exec(select(RequesterProfile)).one()
    assert (profile.user_id, profile.state) == (user.id, "TX")
    client.post("/settings/letters/profile", data={"name": "J", "fee_category": "bribe"})
    assert db.exec(select(RequesterProfile)).one().fee_category == "other"
    assert client.get("/settings/letters").status_code == 200


def test_template_editor_names_line_and_placeholder(client, db, member):
    org, _user = member
    bad = "Dear {{ agency.attention }},\n\nSecret: {{ config.SECRET_KEY }}\n"
    resp = client.post("/settings/letters/templates/salutation", data={"source": bad})
    assert resp.status_code == 422
    assert b"Line 3" in resp.data
    assert b"{{ config.SECRET_KEY }}" in resp.data
    assert db.exec(select(OrgLetterSettings)).first() is None


@pytest.mark.parametrize(
    "source",
    [
        "{{ requester.__class__ }}",
        "{{ request.__init__.__globals__ }}",
        "{{ self }}",
        "{% for x in range(3) %}x{% endfor %}",
        "{{ config }}",
        "{{ ''.__class__.__mro__ }}",
        "{# comment #}",
        "{{ letter.date | upper }}",
    ],
)
def test_edited_template_cannot_reach_python(client, db, factory, member, source):
    org, user = member
    resp = client.post("/settings/letters/templates/opening", data={"source": source})
    assert resp.status_code == 422
    assert b"Nothing was saved" in resp.data
    assert b"test-secret-key" not in resp.data


def test_edited_template_is_used_and_values_are_not_rendered_again(client, db, factory, member):
    org, user = member
    _profile(db, org, user, name="{{ config.SECRET_KEY }}")
    ok = "Hello {{ agency.attention }}, this is {{ requester.name }}."
    resp = client.post("/settings/letters/templates/salutation", data={"source": ok})
    assert_redirect(resp, "/settings/letters/templates/salutation")
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    resp = _draft(client, req)
    stored = db.exec(select(StoredLetter)).one()
    assert_redirect(resp, f"/letters/{stored.id}")
    text = stored.text
    assert "Hello Records Custodian, this is {{ config.SECRET_KEY }}." in text
    assert "test-secret-key" not in text
    # Reset restores the default.
    client.post("/settings/letters/templates/salutation", data={"source": "", "reset": "1"})
    assert db.exec(select(OrgLetterSettings)).one().overrides == {}


def test_viewer_and_editor_cannot_edit_templates(client, factory, member):
    org, _ = member
    editor = factory.user(org, role="editor")
    login(client, editor, org)
    assert client.get("/settings/letters/templates/opening").status_code == 403


def _docx_with(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_letterhead_upload(client, db, factory, member):
    org, user = member
    resp = client.post(
        "/settings/letters/letterhead",
        data={"letterhead": (io.BytesIO(b"PK\x03\x04 not really"), "fake.docx")},
        content_type="multipart/form-data",
    )
    assert_redirect(resp, "/settings/letters")
    assert db.exec(select(OrgLetterSettings)).first() is None
    # Over 2 MB is refused (checked on the service: the test client leaks big upload files).
    big = _docx_with("x" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match="2 MB"):
        validate_letterhead(big + b"\0" * (2 * 1024 * 1024 - len(big) + 1))

    good = _docx_with("BORDER DESK NEWS LETTERHEAD")
    client.post(
        "/settings/letters/letterhead",
        data={"letterhead": (io.BytesIO(good), "head.docx")},
        content_type="multipart/form-data",
    )
    assert db.exec(select(OrgLetterSettings)).one().letterhead_name == "head.docx"
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    _draft(client, req)
    stored = db.exec(select(StoredLetter)).one()
    paragraphs = docx_paragraphs(client.get(f"/letters/{stored.id}/download.docx").data)
    assert paragraphs[0] == "BORDER DESK NEWS LETTERHEAD"
    assert any("Records Custodian" in p for p in paragraphs)


def test_add_federal_offices_is_idempotent(client, db, member):
    org, _ = member
    resp = client.post("/letters/seed-federal")
    assert_redirect(resp, "/agencies/?level=federal")
    rows = db.exec(select(Agency).where(Agency.created_by_org_id == org.id)).all()
    assert len(rows) == len(federal_agencies())
    ice = next(a for a in rows if a.name == "U.S. Immigration and Customs Enforcement")
    assert ice.parent_id is not None and ice.source and ice.last_verified
    client.post("/letters/seed-federal")
    assert len(db.exec(select(Agency).where(Agency.created_by_org_id == org.id)).all()) == len(rows)


def test_mark_sent_by_mail_records_event(client, db, factory, member, today):
    from records.lifecycle.models import Event

    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    _draft(client, req)
    stored = db.exec(select(StoredLetter)).one()
    future = client.post(
        f"/letters/{stored.id}/mark-sent", data={"method": "mail", "sent_on": "2026-12-01"}
    )
    assert_redirect(future, f"/letters/{stored.id}")
    assert db.exec(select(Event)).all() == []
    client.post(f"/letters/{stored.id}/mark-sent", data={"method": "mail", "sent_on": "2026-11-20"})
    event = db.exec(select(Event).where(Event.request_id == req.id)).one()
    assert (event.kind, event.on) == ("sent", date(2026, 11, 20))
    assert db.get(RecordRequest, req.id).status == "sent"
    stored = db.get(StoredLetter, stored.id)
    assert (stored.sent_method, stored.sent_on) == ("mail", date(2026, 11, 20))
    # A sent letter can no longer be edited or sent again.
    client.post(f"/letters/{stored.id}/edit", data={"text": "changed"})
    assert db.get(StoredLetter, stored.id).text != "changed\n"
    client.post(f"/letters/{stored.id}/mark-sent", data={"method": "fax", "sent_on": "2026-11-21"})
    assert len(db.exec(select(Event)).all()) == 1


def test_rejected_edit_keeps_the_typed_text_and_names_the_field(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    _draft(client, req)
    stored = db.exec(select(StoredLetter)).one()
    typed = "My edited opening paragraph.\n\n" + "x" * 200_001
    resp = client.post(f"/letters/{stored.id}/edit", data={"text": typed})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "My edited opening paragraph." in html
    assert "Letter text must be at most" in html
    db.expire_all()
    assert "My edited opening paragraph." not in db.get(StoredLetter, stored.id).text


def test_show_records_for_another_subject_keeps_what_was_typed(client, db, factory, member):
    org, user = member
    _profile(db, org, user)
    agency = factory.agency(org, level="sheriff", jurisdiction="TX")
    req = factory.request(org, user, agency)
    resp = client.post(
        f"/requests/{req.id}/letters/new",
        data={
            "subject": "forfeiture",
            "agency_kind": "sheriff",
            "show_records": "1",
            "description": "Every ESAC since 2019",
            "fee_cap": "75",
            "date_from": "2019-10-01",
            "letter_date": "2026-11-24",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Every ESAC since 2019" in html and 'value="75"' in html
    assert 'value="2019-10-01"' in html
    assert 'value="esac"' in html  # the checklist now shows the forfeiture records
    assert db.exec(select(StoredLetter)).all() == []

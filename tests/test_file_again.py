"""'File again': a request copied to other agencies, or to its agency for a new period, through
the form on the request page; the copies keep the description and the letter's items."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from records.core.models import RecordRequest, Role
from records.letters.models import RequesterProfile, StoredLetter
from tests.conftest import assert_redirect, login


def _source(client, db, factory, org, user):
    db.add(
        RequesterProfile(
            org_id=org.id,
            user_id=user.id,
            name="Jane Roe",
            organization="Border Desk News",
            address="PO Box 12\nAustin, TX 78701",
            email="jane@example.org",
            state="TX",
        )
    )
    db.commit()
    etowah = factory.agency(org, name="Etowah County Sheriff", level="sheriff", jurisdiction="AL")
    req = factory.request(
        org,
        user,
        etowah,
        title="Etowah 287(g) agreement",
        description="The MOA and every amendment.",
        date_from=date(2025, 1, 20),
        date_to=date(2025, 12, 31),
    )
    resp = client.post(
        f"/requests/{req.id}/letters/new?subject=agreements&agency_kind=sheriff",
        data={
            "items": ["moa_287g", "steering_committee"],
            "date_from": "2025-01-20",
            "date_to": "2025-12-31",
            "fee_cap": "25",
            "format": "electronic",
            "letter_date": "2026-11-24",
        },
    )
    letter = db.exec(select(StoredLetter).where(StoredLetter.request_id == req.id)).one()
    assert_redirect(resp, f"/letters/{letter.id}")
    return req


def test_file_again_to_other_agencies_keeps_items_and_description(client, db, factory, member):
    org, user = member
    req = _source(client, db, factory, org, user)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "File again" in page and f"/requests/{req.id}/file-again" in page
    mobile = factory.agency(org, name="Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    dallas = factory.agency(org, name="Dallas County Sheriff", level="sheriff", jurisdiction="TX")
    resp = client.post(
        f"/requests/{req.id}/file-again", data={"agency_ids": [str(mobile.id), str(dallas.id)]}
    )
    assert_redirect(resp, "/requests/")
    copies = db.exec(select(RecordRequest).where(RecordRequest.id != req.id)).all()
    assert {c.agency_id for c in copies} == {mobile.id, dallas.id}
    for copy in copies:
        assert (copy.title, copy.description, copy.status) == (
            "Etowah 287(g) agreement",
            "The MOA and every amendment.",
            "draft",
        )
        assert (copy.date_from, copy.date_to) == (date(2025, 1, 20), date(2025, 12, 31))
        letter = db.exec(select(StoredLetter).where(StoredLetter.request_id == copy.id)).one()
        assert letter.items == ["moa_287g", "steering_committee"]
    texas = next(c for c in copies if c.agency_id == dallas.id)
    assert texas.law_code == "TX"  # each copy under its own agency's law
    letter = db.exec(select(StoredLetter).where(StoredLetter.request_id == texas.id)).one()
    assert "Dallas County Sheriff" in letter.text and "Etowah" not in letter.text


def test_file_again_for_a_new_period_and_bad_input(client, db, factory, member):
    org, user = member
    req = _source(client, db, factory, org, user)
    nothing = client.post(f"/requests/{req.id}/file-again", data={})
    assert nothing.status_code == 422 and "new period" in nothing.get_data(as_text=True)
    bad = client.post(
        f"/requests/{req.id}/file-again",
        data={"date_from": "2026-13-01", "title": "Etowah 2026"},
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="Etowah 2026"' in html  # what was typed is kept
    unknown = client.post(f"/requests/{req.id}/file-again", data={"agency_ids": ["999999"]})
    assert unknown.status_code == 422 and "not in the directory" in unknown.get_data(as_text=True)
    assert db.exec(select(RecordRequest)).all() == [req]
    resp = client.post(
        f"/requests/{req.id}/file-again",
        data={"date_from": "2026-01-01", "date_to": "2026-12-31", "title": "Etowah 2026"},
    )
    copy = db.exec(select(RecordRequest).where(RecordRequest.id != req.id)).one()
    assert_redirect(resp, f"/requests/{copy.id}")
    assert (copy.agency_id, copy.title) == (req.agency_id, "Etowah 2026")
    assert (copy.date_from, copy.date_to) == (date(2026, 1, 1), date(2026, 12, 31))
    letter = db.exec(select(StoredLetter).where(StoredLetter.request_id == copy.id)).one()
    assert letter.variables["date_from"] == "2026-01-01"


def test_file_again_needs_an_editor_and_stays_in_the_organization(app, client, db, factory, member):
    org, user = member
    req = factory.request(org, user, title="Ours")
    viewer = factory.user(org, role=Role.VIEWER)
    other_org = factory.org()
    outsider = factory.user(other_org)
    c = app.test_client()
    login(c, viewer, org)
    assert "File again" not in c.get(f"/requests/{req.id}").get_data(as_text=True)
    assert (
        c.post(f"/requests/{req.id}/file-again", data={"date_from": "2026-01-01"}).status_code
        == 403
    )
    login(c, outsider, other_org)
    assert c.get(f"/requests/{req.id}/file-again").status_code == 404
    assert (
        c.post(f"/requests/{req.id}/file-again", data={"date_from": "2026-01-01"}).status_code
        == 404
    )
    assert len(db.exec(select(RecordRequest)).all()) == 1

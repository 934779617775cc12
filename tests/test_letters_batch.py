"""Batches: one draft to many agencies -> one request and letter each, own law, ZIP download."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import select

from records.core.models import Agency, RecordRequest
from records.laws import get_law
from records.letters.batch import create_batch, process_batch, run_pending_batches
from records.letters.models import BatchJob, RequesterProfile, StoredLetter
from records.letters.output import docx_paragraphs
from records.letters.service import parse_options
from tests.conftest import assert_redirect

STATES = ["AL", "CA", "FL", "NY", "TX"]


@pytest.fixture
def profile(db, member):
    org, user = member
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="TX"))
    db.commit()


def _form(**kw):
    return {
        "items": ["esac", "dag71", "ledgers_budgets"],
        "date_from": "2020-01-01",
        "letter_date": "2026-11-24",
    } | kw


def test_batch_by_filters_makes_request_and_letter_per_agency(client, db, factory, member, profile):
    org, _user = member
    for code in STATES:
        factory.agency(org, name=f"{code} County Sheriff", level="sheriff", jurisdiction=code)
    factory.agency(org, name="Springfield City Council", level="city", jurisdiction="IL")

    resp = client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff", data=_form(level="sheriff")
    )
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    assert (batch.total, batch.done, batch.failed, batch.state) == (5, 5, 0, "done")
    requests = db.exec(select(RecordRequest).where(RecordRequest.org_id == org.id)).all()
    assert sorted(r.law_code for r in requests) == sorted(STATES)
    assert len(db.exec(select(StoredLetter)).all()) == 5

    page = client.get(resp.headers["Location"])
    assert b"5 drafted, 0 failed" in page.data
    assert b"letters.zip" in page.data

    with client.get(f"/letters/batch/{batch.id}/letters.zip") as z:
        assert z.status_code == 200
        assert z.mimetype == "application/zip"
        data = z.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        docx_names = sorted(n for n in archive.namelist() if n.endswith(".docx"))
        assert len(docx_names) == 5
        for code in STATES:
            name = next(n for n in docx_names if n.startswith(f"{code}-County-Sheriff"))
            text = " ".join(docx_paragraphs(archive.read(name)))
            assert f"{code} County Sheriff" in text
            assert get_law(code).citation in text
            # No other state's citation leaks in.
            for other in STATES:
                if other != code and get_law(other).citation not in get_law(code).citation:
                    assert get_law(other).citation not in text


def test_batch_from_csv_adds_unknown_agencies(client, db, member, profile):
    org, _user = member
    csv_bytes = (
        b"name,jurisdiction,level,foia_email\n"
        b"Travis County Sheriff,TX,sheriff,records@travis.example.gov\n"
        b"Los Angeles County Sheriff,CA,sheriff,\n"
    )
    resp = client.post(
        "/letters/batch?subject=forfeiture",
        data=_form(csv=(io.BytesIO(csv_bytes), "agencies.csv")),
        content_type="multipart/form-data",
    )
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    names = sorted(
        a.name for a in db.exec(select(Agency).where(Agency.created_by_org_id == org.id))
    )
    assert names == ["Los Angeles County Sheriff", "Travis County Sheriff"]
    assert [r["law_code"] for r in batch.results] == ["TX", "CA"]


def test_bad_csv_starts_nothing(client, db, member, profile):
    resp = client.post(
        "/letters/batch?subject=forfeiture",
        data=_form(csv=(io.BytesIO(b"agency,state\nX,TX\n"), "a.csv")),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    assert b"name, jurisdiction" in resp.data
    assert db.exec(select(BatchJob)).all() == []


def test_failures_are_reported_per_agency(client, db, factory, member, profile):
    org, _user = member
    factory.agency(org, name="TX Sheriff", level="sheriff", jurisdiction="TX")
    factory.agency(org, name="Mystery Office", level="other", jurisdiction="TX")
    resp = client.post("/letters/batch?subject=forfeiture", data=_form(jurisdiction="TX"))
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    assert (batch.done, batch.failed) == (1, 1)
    failed = [r for r in batch.results if r["error"]]
    assert failed[0]["agency"] == "Mystery Office"
    assert "set its level in the directory" in failed[0]["error"]


def test_large_batch_is_processed_in_chunks_by_the_job(app, db, factory, member, profile, today):
    from datetime import UTC, datetime

    org, user = member
    ids = [
        factory.agency(org, name=f"Sheriff {i}", level="sheriff", jurisdiction=STATES[i % 5]).id
        for i in range(30)
    ]
    with app.app_context():
        from records.core.db import get_session

        session = get_session()
        options = parse_options(
            {"subject": "forfeiture", "items": ["esac"], "date_from": "2020-01-01"}
        )
        batch = create_batch(session, org.id, user.id, options, today, ids)
        assert process_batch(session, batch, limit=10) == 10
        session.commit()
        assert (batch.done, batch.state) == (10, "pending")
        assert run_pending_batches(session, datetime(2026, 11, 24, tzinfo=UTC)) == 20
        assert run_pending_batches(session, datetime(2026, 11, 24, tzinfo=UTC)) == 0
    done = db.get(BatchJob, batch.id)
    assert (done.done, done.failed, done.state) == (30, 0, "done")
    assert len(db.exec(select(StoredLetter)).all()) == 30


def test_other_org_cannot_see_batch(client, db, factory, member, profile):
    from tests.conftest import login

    org, _user = member
    factory.agency(org, name="TX Sheriff", level="sheriff", jurisdiction="TX")
    client.post("/letters/batch?subject=forfeiture", data=_form())
    batch = db.exec(select(BatchJob)).one()
    other = factory.org()
    login(client, factory.user(other), other)
    assert client.get(f"/letters/batch/{batch.id}").status_code == 404
    assert client.get(f"/letters/batch/{batch.id}/letters.zip").status_code == 404


def test_batch_with_fee_waiver_but_no_justification_is_refused_once(client, db, factory, member):
    org, user = member
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="AL"))
    db.commit()
    for n in range(12):
        factory.agency(org, name=f"County {n} Sheriff", level="sheriff", jurisdiction="AL")
    resp = client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff",
        data=_form(level="sheriff", want_fee_waiver="1"),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert html.count("fee-waiver justification") == 1
    assert "all 12 letters would fail" in html and "Nothing was queued" in html
    assert 'name="want_fee_waiver" value="1" checked' in html  # the typed choices are kept
    assert db.exec(select(BatchJob)).all() == []
    assert db.exec(select(RecordRequest)).all() == []


def test_preview_flags_existing_requests_and_rerun_skips_them(client, db, factory, member, profile):
    org, _user = member
    for code in ("AL", "TX"):
        factory.agency(org, name=f"{code} County Sheriff", level="sheriff", jurisdiction=code)
    first = client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff", data=_form(level="sheriff")
    )
    assert_redirect(first, f"/letters/batch/{db.exec(select(BatchJob)).one().id}")
    preview = client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff",
        data=_form(level="sheriff", preview="1", skip_existing="1"),
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Recipients (2)" in html
    assert "2 of these already have a request on this subject and period" in html
    assert len(db.exec(select(BatchJob)).all()) == 1  # a preview queues nothing
    again = client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff",
        data=_form(level="sheriff", skip_existing="1"),
    )
    assert again.status_code == 422
    assert "already have a request on this subject and period" in again.get_data(as_text=True)
    assert len(db.exec(select(StoredLetter)).all()) == 2


def test_failed_rows_can_be_retried_after_the_cause_is_fixed(client, db, factory, member):
    org, user = member
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="TX"))
    db.commit()
    sheriff = factory.agency(org, name="TX Sheriff", level="sheriff", jurisdiction="TX")
    unsorted = factory.agency(org, name="TX Task Force", level="other", jurisdiction="TX")
    resp = client.post("/letters/batch?subject=forfeiture", data=_form(jurisdiction="TX"))
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    assert (batch.done, batch.failed) == (1, 1)  # an "other" agency: which kind is it?
    page = client.get(f"/letters/batch/{batch.id}").get_data(as_text=True)
    assert "Retry the 1 failed letter" in page
    fixed = client.post(
        f"/agencies/{unsorted.id}/edit",
        data={"name": "TX Task Force", "level": "sheriff", "jurisdiction": "TX"},
    )
    assert_redirect(fixed, f"/agencies/{unsorted.id}")
    db.commit()  # end the test session's read snapshot
    db.refresh(unsorted)
    assert unsorted.level == "sheriff"
    resp = client.post(f"/letters/batch/{batch.id}/retry")
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    db.commit()
    db.refresh(batch)
    assert (batch.done, batch.failed, batch.state) == (2, 0, "done"), batch.results
    assert sheriff.id in {r["agency_id"] for r in batch.results}


def test_mark_every_batch_letter_sent_at_once(client, db, factory, member, profile):
    from records.lifecycle.models import Event

    org, _user = member
    for code in ("AL", "TX", "NY"):
        factory.agency(org, name=f"{code} County Sheriff", level="sheriff", jurisdiction=code)
    client.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff", data=_form(level="sheriff")
    )
    batch = db.exec(select(BatchJob)).one()
    resp = client.post(
        f"/letters/batch/{batch.id}/mark-sent", data={"method": "mail", "sent_on": "2026-11-24"}
    )
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    db.commit()
    letters = db.exec(select(StoredLetter)).all()
    assert [(s.sent_method, str(s.sent_on)) for s in letters] == [("mail", "2026-11-24")] * 3
    assert all("By first-class mail" in s.text for s in letters)
    assert len([e for e in db.exec(select(Event)).all() if e.kind == "sent"]) == 3
    again = client.post(
        f"/letters/batch/{batch.id}/mark-sent", data={"method": "mail", "sent_on": "2026-11-24"}
    )
    assert_redirect(again, f"/letters/batch/{batch.id}")
    assert "0 letters recorded as sent" in client.get(f"/letters/batch/{batch.id}").get_data(
        as_text=True
    )

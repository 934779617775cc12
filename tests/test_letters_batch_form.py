"""Letter forms never lose typed input: subject changes, kept CSV uploads, every error at once."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from records.core.models import Agency, Membership, RecordRequest
from records.letters import batch as letter_batch
from records.letters.models import BatchJob, RequesterProfile
from tests.conftest import assert_redirect, login

CSV = (
    b"name,jurisdiction,level,foia_email\n"
    b"Travis County Sheriff,TX,sheriff,records@travis.example.gov\n"
    b"Los Angeles County Sheriff,CA,sheriff,\n"
)


@pytest.fixture
def profile(db, member):
    org, user = member
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="TX"))
    db.commit()


def _form(**kw):
    return {
        "subject": "forfeiture",
        "items": ["esac", "dag71"],
        "date_from": "2020-01-01",
        "letter_date": "2026-11-24",
    } | kw


def _token(html: str) -> str:
    match = re.search(r'name="csv_token" value="([^"]+)"', html)
    assert match, "the page keeps no CSV"
    return match.group(1)


def _errors(html: str) -> str:
    match = re.search(r'<div class="flash error" role="alert">(.*?)</div>', html, re.S)
    assert match, "no error box"
    return match.group(1)


def test_show_records_keeps_everything_typed(client, db, member, profile):
    typed = _form(
        subject="agreements",
        agency_kind="sheriff",
        show_records="1",
        q="County",
        level="sheriff",
        jurisdiction="AL",
        description="The task-force agreement and its renewals.",
        fee_cap="75",
        format="paper",
        want_fee_waiver="1",
        delivery="mail",
        date_to="2025-06-30",
        letter_date="2026-11-30",
    )
    resp = client.post("/letters/batch", data=typed)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<option value="agreements" selected>' in html
    assert '<option value="sheriff" selected>' in html
    assert 'id="q" name="q" type="search" value="County"' in html
    assert 'id="jurisdiction" name="jurisdiction" maxlength="2" size="3" value="AL"' in html
    assert "The task-force agreement and its renewals.</textarea>" in html
    assert 'name="fee_cap" inputmode="decimal" value="75"' in html
    assert '<option value="paper" selected>' in html
    assert '<option value="mail" selected>' in html
    assert 'name="want_fee_waiver" value="1" checked' in html
    assert 'name="skip_existing" value="1" >' in html  # left unticked, so still unticked
    assert 'name="date_from" value="2020-01-01"' in html
    assert 'name="date_to" value="2025-06-30"' in html
    assert 'name="letter_date" value="2026-11-30"' in html
    assert 'class="flash error"' not in html  # nothing is checked on a subject change
    assert db.exec(select(BatchJob)).all() == []


def test_show_records_keeps_the_chosen_csv(client, db, member, profile):
    resp = client.post(
        "/letters/batch",
        data=_form(show_records="1", subject="agreements", csv=(io.BytesIO(CSV), "sheriffs.csv")),
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "sheriffs.csv" in html
    _token(html)
    assert db.exec(select(Agency)).all() == []  # nothing is added before a preview or draft


def test_csv_preview_then_draft_without_uploading_again(client, db, member, profile):
    org, _user = member
    preview = client.post(
        "/letters/batch",
        data=_form(preview="1", csv=(io.BytesIO(CSV), "sheriffs.csv")),
        content_type="multipart/form-data",
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html
    assert "Recipients (2)" in html
    assert "Travis County Sheriff" in html and "Los Angeles County Sheriff" in html
    assert db.exec(select(Agency)).all() == []  # a preview adds no agency
    token = _token(html)

    resp = client.post("/letters/batch", data=_form(csv_token=token))
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    assert (batch.total, batch.done, batch.failed) == (2, 2, 0)
    names = sorted(
        a.name for a in db.exec(select(Agency).where(Agency.created_by_org_id == org.id))
    )
    assert names == ["Los Angeles County Sheriff", "Travis County Sheriff"]


def test_a_refused_draft_keeps_the_csv(client, db, member, profile):
    first = client.post(
        "/letters/batch",
        data=_form(items=[], csv=(io.BytesIO(CSV), "sheriffs.csv")),
        content_type="multipart/form-data",
    )
    assert first.status_code == 422
    token = _token(first.get_data(as_text=True))
    resp = client.post("/letters/batch", data=_form(csv_token=token))
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    assert batch.total == 2


def _kept_token(client) -> str:
    resp = client.post(
        "/letters/batch",
        data=_form(preview="1", csv=(io.BytesIO(CSV), "sheriffs.csv")),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 200
    return _token(resp.get_data(as_text=True))


def _refused(client, db, token: str) -> None:
    resp = client.post("/letters/batch", data=_form(csv_token=token))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "CSV of agencies: the uploaded CSV is no longer available" in _errors(html)
    assert db.exec(select(BatchJob)).all() == []
    assert db.exec(select(RecordRequest)).all() == []
    assert db.exec(select(Agency)).all() == []


def test_another_member_cannot_use_a_kept_csv(client, db, factory, member, profile):
    org, _user = member
    token = _kept_token(client)
    colleague = factory.user(org, role="editor")
    db.add(RequesterProfile(org_id=org.id, user_id=colleague.id, name="Sam Poe", state="TX"))
    db.commit()
    login(client, colleague, org)
    _refused(client, db, token)


def test_another_organization_cannot_use_a_kept_csv(client, db, factory, member, profile):
    _org, user = member
    token = _kept_token(client)
    other = factory.org()
    db.add(Membership(org_id=other.id, user_id=user.id, role="owner"))
    db.add(RequesterProfile(org_id=other.id, user_id=user.id, name="Jane Roe", state="TX"))
    db.commit()
    login(client, user, other)  # the same person, working in their other organization
    _refused(client, db, token)


def test_an_altered_or_expired_kept_csv_is_refused(client, db, clock, member, profile):
    token = _kept_token(client)
    _refused(client, db, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    clock.advance(minutes=31)
    _refused(client, db, token)


def test_every_batch_error_shows_at_once_with_labels(client, db, member, profile):
    resp = client.post(
        "/letters/batch",
        data=_form(
            items=[],
            fee_cap="lots",
            letter_date="",
            date_from="2021-01-01",
            date_to="2020-01-01",
            description="Keep me",
        ),
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    errors = _errors(html)
    for label in ("Records to ask for", "Fee limit", "Letter date", "End of the date range"):
        assert label in errors, errors
    for internal in ("fee_cap", "letter_date", "date_to", "items"):
        assert internal not in errors, errors
    assert "Keep me</textarea>" in html
    assert 'name="fee_cap" inputmode="decimal" value="lots"' in html
    assert db.exec(select(BatchJob)).all() == []


def test_every_new_letter_error_shows_at_once_and_typed_values_stay(client, db, factory, member):
    org, user = member
    req = factory.request(org, user, factory.agency(org, level="sheriff", jurisdiction="TX"))
    resp = client.post(
        f"/requests/{req.id}/letters/new",
        data={
            "subject": "forfeiture",
            "agency_kind": "sheriff",
            "items": [],
            "fee_cap": "-3",
            "letter_date": "not a date",
            "description": "Typed description",
            "format": "paper",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    errors = _errors(html)
    assert "Records to ask for" in errors and "Fee limit" in errors and "Letter date" in errors
    assert "fee_cap" not in errors and "letter_date" not in errors
    assert "Typed description</textarea>" in html
    assert '<option value="paper" selected>' in html


def test_new_letter_subject_change_keeps_typed_values(client, db, factory, member):
    org, user = member
    req = factory.request(org, user, factory.agency(org, level="sheriff", jurisdiction="TX"))
    resp = client.post(
        f"/requests/{req.id}/letters/new",
        data={
            "subject": "communications",
            "agency_kind": "jail",
            "show_records": "1",
            "fee_cap": "12",
            "description": "Typed before the change",
            "want_fee_waiver": "1",
            "letter_date": "2026-11-27",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<option value="communications" selected>' in html
    assert 'name="fee_cap" inputmode="decimal" value="12"' in html
    assert "Typed before the change</textarea>" in html
    assert 'name="want_fee_waiver" value="1" checked' in html
    assert 'name="letter_date" value="2026-11-27"' in html


def test_refused_profile_keeps_what_was_typed_and_lists_every_error(client, db, member):
    org, user = member
    resp = client.post(
        "/settings/letters/profile",
        data={
            "scope": "user",
            "name": "",
            "email": "not-an-address",
            "address": "1 Main Street, Springfield",
            "phone": "555-0100",
            "state": "TX",
            "waiver_justification": "Published in our weekly paper.",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Profile not saved: Name is required" in html
    assert "Profile not saved: Email is not a valid email address" in html
    assert "1 Main Street, Springfield</textarea>" in html
    assert 'name="phone" value="555-0100"' in html
    assert 'name="email" value="not-an-address"' in html
    assert '<option value="TX" selected>' in html
    assert "Published in our weekly paper.</textarea>" in html
    assert db.exec(select(RequesterProfile)).all() == []


def test_a_csv_over_the_limit_is_refused_not_cut_short(client, db, member, profile, monkeypatch):
    # A smaller limit stands for the 5 MB one: the test client leaks large upload files.
    monkeypatch.setattr(letter_batch, "CSV_MAX_BYTES", len(CSV) - 1)
    resp = client.post(
        "/letters/batch",
        data=_form(description="Still here", csv=(io.BytesIO(CSV), "big.csv")),
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "CSV of agencies: the file is larger than the limit" in _errors(html)
    assert "Still here</textarea>" in html
    assert db.exec(select(Agency)).all() == []


def test_an_editor_cannot_save_the_organizations_default_profile(client, db, factory, member):
    org, _owner = member
    editor = factory.user(org, role="editor")
    login(client, editor, org)
    data = {"scope": "org", "name": "Editor Default", "email": "ed@example.org"}
    assert client.post("/settings/letters/profile", data=data).status_code == 403
    assert db.exec(select(RequesterProfile)).all() == []
    own = client.post("/settings/letters/profile", data=data | {"scope": "user"})
    assert_redirect(own, "/settings/letters")
    saved = db.exec(select(RequesterProfile)).one()
    assert (saved.user_id, saved.name) == (editor.id, "Editor Default")

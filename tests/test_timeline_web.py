"""Request page panel, recording events through forms, letters, dashboard, calendar, calculator."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine

from records.letters.output import docx_paragraphs
from tests.conftest import assert_redirect, login


def at(day: str):
    y, m, d = (int(p) for p in day.split("-"))
    return time_machine.travel(datetime(y, m, d, 15, tzinfo=UTC), tick=False)


@pytest.fixture
def ice(factory, member):
    org, user = member
    agency = factory.agency(
        org, name="ICE FOIA Office", level="federal", jurisdiction="US", component="DHS"
    )
    return factory.request(org, user, agency, title="287(g) agreements")


def post_event(client, req, kind, on, **data):
    form = {"kind": kind, "on": on, "note": ""} | {f"data_{k}": v for k, v in data.items()}
    return client.post(f"/requests/{req.id}/events", data=form)


def test_record_events_through_the_form(client, ice):
    with at("2026-11-24"):
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
        assert "Nothing recorded yet" in page and "Record what happened" in page
        form = client.get(f"/requests/{ice.id}/events/new?kind=acknowledged")
        assert 'name="data_tracking_number"' in form.get_data(as_text=True)
        resp = post_event(client, ice, "sent", "2026-11-02")
        assert_redirect(resp, f"/requests/{ice.id}")
        resp = post_event(client, ice, "acknowledged", "2026-11-05", tracking_number="ICE-1")
        assert_redirect(resp, f"/requests/{ice.id}")
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
    assert "Request sent" in page and "Acknowledged by the agency" in page
    assert "2026-12-02" in page  # response due (see test_clocks)
    assert "How we counted" in page and "Veterans Day" in page
    assert "ICE-1" in page


def test_refused_event_rerenders_with_the_error(client, ice):
    with at("2026-11-24"):
        resp = post_event(client, ice, "denial", "2026-11-02")
    assert resp.status_code == 422
    assert "not possible while the request is draft" in resp.get_data(as_text=True)


def test_viewer_cannot_record(client, factory, ice):
    from records.core.models import Organization

    org = factory.db.get(Organization, ice.org_id)
    login(client, factory.user(org, role="viewer"), org)
    with at("2026-11-24"):
        assert post_event(client, ice, "sent", "2026-11-02").status_code == 403
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
    assert "Record what happened" not in page


def test_correction_is_shown_as_such(client, ice, db):
    from records.lifecycle.service import request_events

    with at("2026-11-24"):
        post_event(client, ice, "sent", "2026-11-02")
        event = request_events(db, ice.id)[0]
        resp = client.post(
            f"/requests/{ice.id}/events/correct",
            data={"event": event.id, "on": "2026-11-04", "note": ""},
        )
        assert_redirect(resp, f"/requests/{ice.id}")
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
    assert "<del>Request sent</del>" in page
    assert "correction of the entry dated 2026-11-02" in page
    assert "Earlier values" in page


def _saved_letter(resp, db) -> int:
    from sqlmodel import select

    from records.letters.models import StoredLetter

    db.commit()  # end the test session's read snapshot
    letter_id = db.exec(select(StoredLetter.id).order_by(StoredLetter.id.desc())).first()
    assert_redirect(resp, f"/letters/{letter_id}")
    return letter_id


def test_overdue_banner_and_follow_up_letter(client, ice, db):
    with at("2026-12-10"):
        post_event(client, ice, "sent", "2026-11-02")  # response due Wed 2026-12-02
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
        assert "Overdue." in page and "Draft follow-up letter" in page
        letter = client.get(f"/requests/{ice.id}/letter?which=follow-up").get_data(as_text=True)
        assert "December 2, 2026" in letter
        assert "552(a)(6)(A)(i)" in letter
        text = re.search(r"<textarea[^>]*>(.*?)</textarea>", letter, re.S).group(1)
        assert "287(g) agreements" not in text  # the internal title stays out of the letter
        resp = client.post(
            f"/requests/{ice.id}/letter?which=follow-up", data={"text": "Dear officer,\n\nEdited."}
        )
        letter_id = _saved_letter(resp, db)
        shown = client.get(f"/letters/{letter_id}").get_data(as_text=True)
        docx = client.get(f"/letters/{letter_id}/download.docx")
        sent = client.post(
            f"/letters/{letter_id}/mark-sent", data={"method": "mail", "sent_on": "2026-12-10"}
        )
        assert_redirect(sent, f"/letters/{letter_id}")
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
    assert "Follow-up letter" in shown and "Edited." in shown
    assert docx_paragraphs(docx.data) == ["Dear officer,", "Edited."]
    assert "Follow-up sent" in page


def test_appeal_letter_after_denial_names_the_deadline(client, ice, db):
    from records.core.models import RecordRequest
    from records.lifecycle.clocks import current_deadlines

    with at("2026-12-21"):
        post_event(client, ice, "sent", "2026-11-02")
        post_event(client, ice, "denial", "2026-12-18", exemptions="(b)(6), (b)(7)(C)")
        page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
        assert "Draft appeal letter" in page
        letter = client.get(f"/requests/{ice.id}/letter?which=appeal").get_data(as_text=True)
        letter_id = _saved_letter(client.post(f"/requests/{ice.id}/letter?which=appeal"), db)
        sent = client.post(
            f"/letters/{letter_id}/mark-sent", data={"method": "mail", "sent_on": "2026-12-21"}
        )
        assert_redirect(sent, f"/letters/{letter_id}")
        shown = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    # DHS: 90 working days after Fri 2026-12-18 -> Thu 2027-04-29 (see test_clocks).
    assert "April 29, 2027" in letter
    assert "6 C.F.R. § 5.8(a)(1)" in letter
    assert "Exemption 6 " in letter and "Exemption 7(C) " in letter
    assert "Dear FOIA Appeals Officer" in letter
    assert "By first-class mail" in shown  # the delivery line follows the channel
    db.expire_all()
    assert db.get(RecordRequest, ice.id).status == "appealed"
    assert any(d.clock == "appeal_decision" for d in current_deadlines(db, ice.id))


def test_no_follow_up_letter_when_nothing_is_late(client, ice):
    with at("2026-11-24"):
        post_event(client, ice, "sent", "2026-11-02")
        resp = client.get(f"/requests/{ice.id}/letter?which=follow-up")
        bogus = client.get(f"/requests/{ice.id}/letter?which=threat")
    assert_redirect(resp, f"/requests/{ice.id}")
    assert bogus.status_code == 404


def test_dashboard_and_calendar(client, ice, factory, member):
    org, user = member
    waiting = factory.request(org, user, factory.agency(org, jurisdiction="NY"), title="Jail MOU")
    with at("2026-11-24"):
        post_event(client, ice, "sent", "2026-11-02")
        post_event(client, waiting, "sent", "2026-11-16")
        post_event(client, waiting, "clarification_requested", "2026-11-20")
        dash = client.get("/").get_data(as_text=True)
        cal = client.get("/calendar?month=2026-12").get_data(as_text=True)
        bad = client.get("/calendar?month=2026-99")
    assert "Waiting on us" in dash and "Jail MOU" in dash
    assert "Recently received" in dash and "Clarification requested" in dash
    assert "287(g) agreements" in cal and "2026-12-02" in cal
    assert bad.status_code == 200 and "YYYY-MM" in bad.get_data(as_text=True)


def test_a_calendar_day_lists_a_few_deadlines_and_links_to_the_rest(
    client, ice, factory, member, monkeypatch
):
    from records.lifecycle import views as lifecycle_views

    monkeypatch.setattr(lifecycle_views, "CALENDAR_PER_DAY", 2)
    org, user = member
    federal = {"level": "federal", "jurisdiction": "US", "component": "DHS"}
    same_day = [ice] + [
        factory.request(org, user, factory.agency(org, **federal), title=f"Also due {i}")
        for i in range(3)
    ]
    with at("2026-11-24"):
        for req in same_day:
            post_event(client, req, "sent", "2026-11-02")
        cal = client.get("/calendar?month=2026-12").get_data(as_text=True)
        more = re.search(r'href="([^"]*due_on=2026-12-02[^"]*)">2 more deadlines this day', cal)
        assert more, "the day's link to the rest"
        assert cal.count("Also due") + cal.count("287(g) agreements") == 2
        listed = client.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
        bad = client.get("/requests/?due_on=2026-02-30")
    for req in same_day:
        assert req.title in listed
    assert "With a deadline on" in listed and 'name="due_on" value="2026-12-02"' in listed
    assert bad.status_code == 400 and "due_on" in bad.get_data(as_text=True)


def test_law_page_calculator(client):
    page = client.get("/laws/US").get_data(as_text=True)
    assert "/laws/US/calculate" in page
    resp = client.get("/laws/US/calculate?start=2026-11-20&component=DHS")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    assert "2026-12-21" in text and "How we counted" in text
    assert client.get("/laws/US/calculate?start=2026-02-30").status_code == 400
    assert client.get("/laws/ZZ/calculate?start=2026-11-20").status_code == 404


def test_denial_under_a_law_without_appeal_offers_reconsideration(client, factory, member, db):
    org, user = member
    agency = factory.agency(
        org, name="Birmingham Police Department", level="police", jurisdiction="AL"
    )
    req = factory.request(org, user, agency, title="HSI MOU")
    with at("2026-12-21"):
        post_event(client, req, "sent", "2026-11-02")
        post_event(client, req, "denial", "2026-12-18", exemptions="Ala. Code § 36-12-40")
        page = client.get(f"/requests/{req.id}").get_data(as_text=True)
        assert "Draft a request for reconsideration" in page
        letter = client.get(f"/requests/{req.id}/letter?which=appeal").get_data(as_text=True)
        letter_id = _saved_letter(client.post(f"/requests/{req.id}/letter?which=appeal"), db)
        shown = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Request for reconsideration" in letter
    assert "provides no administrative appeal" in letter
    assert "Appeal letter" in shown and "Birmingham Police Department" in shown

"""Clock states that tell the truth: late answers, silence that acknowledgments do not end, no
appeal clock where the law has no appeal, and refusals that say what is wrong.

Dates were counted by hand from the statutes named; day 0 is the day of receipt.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from records.lifecycle.clocks import current_deadlines, deemed_denials, state_label
from records.lifecycle.service import record_event
from tests.conftest import assert_redirect, bearer

D = date.fromisoformat


@pytest.fixture
def ice(factory, member):
    org, user = member
    agency = factory.agency(
        org, name="ICE FOIA Office", level="federal", jurisdiction="US", component="DHS"
    )
    return factory.request(org, user, agency, title="287(g) agreements")


@pytest.fixture
def alabama(factory, member):
    org, user = member
    agency = factory.agency(org, name="Etowah County Sheriff", level="sheriff", jurisdiction="AL")
    return factory.request(org, user, agency, title="Detainer log")


def record(db, req, kind: str, day: str, **data) -> None:
    record_event(db, req, kind, D(day), actor_id=None, data=data or None)
    db.commit()


def clocks(db, req) -> dict:
    return {d.clock: d for d in current_deadlines(db, req.id)}


def test_an_answer_after_the_extended_date_is_answered_late(db, client, factory, ice) -> None:
    # 5 U.S.C. § 552(a)(6)(A)(i): 20 working days from Mon 2026-09-14: Sep 15-18 (4), 21-25 (9),
    # 28-30 (12), Oct 1-2 (14), 5-9 (19), Mon 12 is Columbus Day, Tue 13 (20).
    record(db, ice, "sent", "2026-09-14")
    assert clocks(db, ice)["response"].due == D("2026-10-13")
    # Ten more working days by notice of Tue 10-06 (§ 552(a)(6)(B)(i)): Oct 14-16 (3), 19-23
    # (8), 26 (9), Tue 27 (10).
    record(db, ice, "extension_claimed", "2026-10-06", days=10)
    assert clocks(db, ice)["extended_response"].due == D("2026-10-27")
    # The denial is recorded Mon 11-02: six days after Tue 10-27.
    record(db, ice, "denial", "2026-11-02")
    got = clocks(db, ice)
    late = got["extended_response"]
    assert (late.state, late.answered_on) == ("late", D("2026-11-02"))
    assert "6 days after the due date" in late.explanation
    assert got["response"].state == "closed"  # replaced by the extension
    assert state_label(late.clock, late.state, late.due, late.answered_on) == (
        "answered late, 6 days"
    )

    page = client.get(f"/requests/{ice.id}").get_data(as_text=True)
    assert "answered late, 6 days" in page
    org_id = ice.org_id
    from records.core.models import Organization

    org = db.get(Organization, org_id)
    token = factory.token(factory.user(org), org)
    body = client.get(f"/api/v1/requests/{ice.id}", headers=bearer(token)).json
    api = next(d for d in body["deadlines"] if d["name"] == "extended_response")
    assert (api["state"], api["answered_on"], api["days_late"]) == ("late", "2026-11-02", 6)


def test_an_answer_on_the_due_date_is_met(db, ice) -> None:
    # Same count as above: the extended date is Tue 2026-10-27, and the answer comes that day.
    record(db, ice, "sent", "2026-09-14")
    record(db, ice, "extension_claimed", "2026-10-06", days=10)
    record(db, ice, "final_response", "2026-10-27", outcome="full")
    met = clocks(db, ice)["extended_response"]
    assert (met.state, met.answered_on) == ("met", D("2026-10-27"))
    assert "after the due date" not in met.explanation


def test_alabama_acknowledgment_does_not_end_the_presumption(db, client, alabama) -> None:
    # Ala. Code § 36-12-44(a)(5)(a): denial is presumed "the earlier of 30 business days or 60
    # calendar days following acknowledgment". Sent Thu 2026-10-01, acknowledged Mon 10-05.
    # 30 business days (closed: Columbus Day Mon 10-12, Veterans Day Wed 11-11): Oct 6-9 (4),
    # 13-16 (8), 19-23 (13), 26-30 (18), Nov 2-6 (23), 9-10 (25), 12-13 (27), 16-18 (30):
    # Wed 2026-11-18. 60 calendar days: Fri 2026-12-04. The earlier is Wed 11-18.
    record(db, alabama, "sent", "2026-10-01")
    record(db, alabama, "acknowledged", "2026-10-05")
    deemed = clocks(db, alabama)["deemed_denial"]
    assert (deemed.due, deemed.state) == (D("2026-11-18"), "open")
    # The substantive response: 15 business days from Mon 10-05 (§ 36-12-44(a)(4)): Oct 6-9
    # (4), 13-16 (8), 19-23 (13), 26-27 (15): Tue 10-27. A denial on Fri 11-20 is late for both.
    record(db, alabama, "denial", "2026-11-20")
    got = clocks(db, alabama)
    assert (got["response"].state, got["response"].due) == ("late", D("2026-10-27"))
    assert got["deemed_denial"].state == "late"
    # The act has no administrative appeal: no appeal clock, and the page does not list one.
    assert "appeal" not in got
    page = client.get(f"/requests/{alabama.id}").get_data(as_text=True)
    assert "Appeal (ours to file)" not in page
    assert "answered late, 24 days" in page  # Tue 10-27 to Fri 11-20


def test_the_daily_job_counts_a_silent_denial_once_when_there_is_no_appeal(
    db, clock, alabama
) -> None:
    # Sent Mon 2026-11-23, acknowledged Tue 11-24. 30 business days from Tue 11-24 (closed:
    # Thanksgiving Thu 11-26, Christmas Fri 12-25, New Year's Day Fri 01-01): Nov 25 (1), 27
    # (2), 30 (3), Dec 1-4 (7), 7-11 (12), 14-18 (17), 21-24 (21), 28-31 (25), Jan 4-8 (30):
    # Fri 2027-01-08; 60 calendar days: Sat 2027-01-23. The earlier is Fri 01-08.
    record(db, alabama, "sent", "2026-11-23")
    record(db, alabama, "acknowledged", "2026-11-24")
    assert clocks(db, alabama)["deemed_denial"].due == D("2027-01-08")
    clock.move_to("2027-01-09")
    assert deemed_denials(db, datetime(2027, 1, 9, 12, tzinfo=UTC)) == 1
    assert clocks(db, alabama)["deemed_denial"].inputs["deemed_denial"] is True
    # No appeal clock to find the next day, but the request is not recomputed again.
    clock.move_to("2027-01-10")
    assert deemed_denials(db, datetime(2027, 1, 10, 12, tzinfo=UTC)) == 0


def test_alabama_calculator_shows_the_deemed_denial(client) -> None:
    # Received Fri 2026-11-20. Acknowledgment: 10 days, Mon 11-30 (§ 36-12-44(a)(3)). Counted
    # from it (provisionally): 30 business days (closed: Christmas Fri 12-25, New Year's Day Fri
    # 01-01, Mon 01-18): Dec 1-4 (4), 7-11 (9), 14-18 (14), 21-24 (18), 28-31 (22), Jan 4-8
    # (27), 11-13 (30): Wed 2027-01-13; 60 calendar days: Fri 2027-01-29. The earlier: Jan 13.
    page = client.get("/laws/AL/calculate?start=2026-11-20").get_data(as_text=True)
    assert "Deemed denial if the agency stays silent" in page
    assert "2027-01-13" in page
    assert "Appeal (counting" not in page
    assert "Holiday data" not in page and "holidays-0." not in page


def test_acknowledgment_dated_before_sending_says_so(client, ice) -> None:
    form = {"kind": "sent", "on": "2026-11-02", "note": ""}
    assert_redirect(client.post(f"/requests/{ice.id}/events", data=form), f"/requests/{ice.id}")
    form = {"kind": "acknowledged", "on": "2026-10-30", "note": "", "data_tracking_number": "X"}
    resp = client.post(f"/requests/{ice.id}/events", data=form)
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "dated 2026-10-30, before &#39;Request sent&#39; on 2026-11-02" in text
    assert "while the request is draft" not in text
    assert 'value="X"' in text  # nothing typed is lost

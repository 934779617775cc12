"""The issue-5 walk: requests taken through their whole life, every date worked out by hand.

Each expected date below was counted on a calendar from the statute or regulation cited, not
produced by running the code. Day 0 is the day of receipt (or of the determination, or of the
appeal); counting starts the next day.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import select

from records.core.models import RecordRequest
from records.lifecycle.clocks import (
    SummaryError,
    current_deadlines,
    deadline_history,
    recompute,
    summary,
)
from records.lifecycle.models import Deadline
from records.lifecycle.service import is_overdue, record_event

D = date.fromisoformat


@contextmanager
def on_day(day: str) -> Iterator[date]:
    """Freeze the clock at mid-day UTC on ``day``."""
    d = D(day)
    with time_machine.travel(datetime(d.year, d.month, d.day, 15, tzinfo=UTC), tick=False):
        yield d


def record(db, req, kind: str, day: str, **data):
    """Record an event as of ``day`` and commit, as a view would."""
    with on_day(day):
        event = record_event(db, req, kind, D(day), actor_id=None, data=data or None)
        db.commit()
    return event


def clocks(db, req) -> dict[str, tuple[str | None, str]]:
    return {
        d.clock: (d.due.isoformat() if d.due else None, d.state)
        for d in current_deadlines(db, req.id)
    }


@pytest.fixture
def ice_request(factory):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(
        org, name="ICE FOIA Office", level="federal", jurisdiction="US", component="DHS"
    )
    return factory.request(org, user, agency)


@pytest.fixture
def ny_request(factory):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org, name="Nassau County Police", level="county", jurisdiction="NY")
    return factory.request(org, user, agency)


def test_federal_dhs_walk(db, ice_request):
    req = ice_request
    # Federal closure days here: Veterans Day Wed 2026-11-11, Thanksgiving Thu 2026-11-26,
    # Christmas Fri 2026-12-25, New Year's Day Fri 2027-01-01, MLK Day Mon 2027-01-18,
    # Washington's Birthday Mon 2027-02-15 (5 U.S.C. § 6103(a)).

    # Sent (by e-mail, received the same day) Mon 2026-11-02. Response: 20 working days
    # (5 U.S.C. § 552(a)(6)(A)(i)): Nov 3,4,5,6 (4), 9,10 (6), 11 holiday, 12,13 (8),
    # 16-20 (13), 23,24,25 (16), 26 holiday, 27 (17), 30 (18), Dec 1 (19), Dec 2 (20).
    record(db, req, "sent", "2026-11-02")
    assert req.status == "sent"
    got = clocks(db, req)
    assert got["response"] == ("2026-12-02", "open")
    # If extended: 10 more working days after Dec 2 (§ 552(a)(6)(B)(i)): Dec 3,4,7,8,9,10,11,
    # 14,15,16 -> Wed 2026-12-16, shown as possible only.
    assert got["extended_response"] == ("2026-12-16", "possible")
    assert "appeal" not in got

    record(db, req, "acknowledged", "2026-11-05", tracking_number="2027-ICFO-00017")
    assert req.status == "acknowledged"
    assert req.tracking_number == "2027-ICFO-00017"

    # Clarification asked Mon Nov 9, answered Mon Nov 16: one information pause
    # (§ 552(a)(6)(A)(ii)(I)). Working days after Nov 9 up to Nov 16: 10, 12, 13, 16 = 4
    # (Nov 11 is Veterans Day). While it is open the response has no date.
    record(db, req, "clarification_requested", "2026-11-09")
    assert req.status == "awaiting_requester"
    assert clocks(db, req)["response"] == (None, "open")
    record(db, req, "clarification_answered", "2026-11-16")
    assert req.status == "in_progress"
    # Response: Dec 2 + 4 working days = Dec 3, 4, 7, 8 -> Tue 2026-12-08.
    assert clocks(db, req)["response"] == ("2026-12-08", "open")

    # Extension of 10 working days noticed Tue Dec 1 (before the Dec 8 due date): Dec 16
    # (untolled, above) + the 4 paused working days = Dec 17, 18, 21, 22 -> Tue 2026-12-22.
    # The extension replaces the response clock.
    record(db, req, "extension_claimed", "2026-12-01", days=10)
    got = clocks(db, req)
    assert got["extended_response"] == ("2026-12-22", "open")
    assert got["response"] == ("2026-12-08", "closed")
    with on_day("2026-12-21") as today:
        assert not is_overdue(db, req, today)

    # Denial Fri 2026-12-18 opens the DHS appeal clock: 90 working days after the date of the
    # response (6 C.F.R. § 5.8(a)(1)). Dec 21-24, 28-31 (8); Jan 2027 without Jan 1 and Jan 18:
    # 4-8, 11-15, 19-22, 25-29 (27); Feb without Feb 15: 1-5, 8-12, 16-19, 22-26 (46);
    # March 1-31, 23 weekdays (69); April 1-2 (71), 5-9 (76), 12-16 (81), 19-23 (86),
    # 26, 27, 28, 29 (90) -> Thu 2027-04-29.
    record(db, req, "denial", "2026-12-18", exemptions="(b)(6), (b)(7)(C)")
    assert req.status == "denied"
    got = clocks(db, req)
    assert got["appeal"] == ("2027-04-29", "open")
    assert got["extended_response"] == ("2026-12-22", "met")

    # Appeal filed Mon 2027-01-11: decision due in 20 working days (§ 552(a)(6)(A)(ii)):
    # Jan 12-15 (4), 18 holiday, 19-22 (8), 25-29 (13), Feb 1-5 (18), 8 (19), 9 (20) -> Tue Feb 9.
    record(db, req, "appeal_filed", "2027-01-11")
    assert req.status == "appealed"
    got = clocks(db, req)
    assert got["appeal"] == ("2027-04-29", "met")
    assert got["appeal_decision"] == ("2027-02-09", "open")
    record(db, req, "appeal_acknowledged", "2027-01-13")
    assert req.status == "appealed"

    record(db, req, "appeal_decided", "2027-02-08", outcome="denied")
    assert req.status == "denied"
    assert clocks(db, req)["appeal_decision"] == ("2027-02-09", "met")
    with on_day("2027-03-01") as today:
        assert not is_overdue(db, req, today)


def test_new_york_walk(db, ny_request):
    req = ny_request
    # New York closure days here (Gen. Constr. Law § 24): Election Day Tue 2026-11-03,
    # Veterans Day Wed 2026-11-11, Thanksgiving Thu 2026-11-26, Christmas Fri 2026-12-25,
    # New Year's Day Fri 2027-01-01, MLK Day Mon 2027-01-18.

    # Sent Mon 2026-11-02. Acknowledgment (grant, deny or acknowledge): five business days
    # (Pub. Off. Law § 89(3)(a)): Nov 3 is Election Day, so Nov 4, 5, 6, 9, 10 -> Tue Nov 10.
    # Silence past it is a denial (§ 89(4)(a)).
    record(db, req, "sent", "2026-11-02")
    got = clocks(db, req)
    assert got["acknowledgment"] == ("2026-11-10", "open")
    assert got["deemed_denial"] == ("2026-11-10", "open")
    # Grant or deny: twenty business days from the acknowledgment, provisionally from the last
    # day to acknowledge (Nov 10): Nov 12, 13 (2), 16-20 (7), 23-25 (10), 27 (11), 30 (12),
    # Dec 1-4 (16), 7-10 (20) -> Thu Dec 10.
    assert got["response"] == ("2026-12-10", "open")

    # Acknowledged Thu Nov 5: the five-day clock is met, silence never happened, and the
    # twenty days now run from Nov 5: Nov 6 (1), 9, 10 (3), 12, 13 (5), 16-20 (10),
    # 23-25 (13), 27 (14), 30 (15), Dec 1-4 (19), Mon Dec 7 (20).
    record(db, req, "acknowledged", "2026-11-05")
    got = clocks(db, req)
    assert got["acknowledgment"] == ("2026-11-10", "met")
    assert got["deemed_denial"][1] == "closed"
    assert got["response"] == ("2026-12-07", "open")

    # Clarification asked Fri Nov 6, answered Fri Nov 13. The law library has no tolling rule
    # for New York, so the pause is applied as recorded (and the explanation says so).
    # Business days after Nov 6 up to Nov 13: 9, 10, 12, 13 = 4 (Nov 11 closed), added back:
    # Dec 7 -> Dec 8, 9, 10, 11 -> Fri Dec 11.
    record(db, req, "clarification_requested", "2026-11-06")
    record(db, req, "clarification_answered", "2026-11-13")
    response = next(d for d in current_deadlines(db, req.id) if d.clock == "response")
    assert response.due == D("2026-12-11")
    assert "does not say whether this law allows pausing" in response.explanation

    # Denial Fri 2026-12-11. Appeal within thirty (calendar) days (§ 89(4)(a)): Dec 11 + 30 =
    # Sun 2027-01-10, which moves to Mon 2027-01-11 (Gen. Constr. Law § 25-a).
    record(db, req, "denial", "2026-12-11")
    assert clocks(db, req)["appeal"] == ("2027-01-11", "open")

    # Appeal filed Mon 2027-01-04: decision in ten business days (§ 89(4)(a)): Jan 5-8 (4),
    # 11-15 (9), 18 MLK Day, 19 (10) -> Tue 2027-01-19.
    record(db, req, "appeal_filed", "2027-01-04")
    assert clocks(db, req)["appeal_decision"] == ("2027-01-19", "open")
    record(db, req, "appeal_decided", "2027-01-15", outcome="partly_granted")
    assert req.status == "partially_fulfilled"
    assert clocks(db, req)["appeal_decision"] == ("2027-01-19", "met")


def test_silence_past_the_deemed_denial_date_opens_the_appeal_clock(db, factory):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org, name="Newark Police", jurisdiction="NJ")
    req = factory.request(org, user, agency)
    # N.J.S.A. 47:1A-5(i): no answer in seven business days is a denial. Sent Mon 2027-03-01:
    # Mar 2, 3, 4, 5, 8, 9, 10 -> Wed 2027-03-10 (no New Jersey holiday in between).
    record(db, req, "sent", "2027-03-01")
    assert clocks(db, req)["deemed_denial"] == ("2027-03-10", "open")
    assert "appeal" not in clocks(db, req)
    # Still silent on Fri Mar 12: the GRC complaint window (45 calendar days, "or the next
    # business day thereafter", N.J.S.A. 47:1A-6 as amended by P.L.2024, c.16) runs from Mar 10:
    # Mar 10 + 21 = Mar 31, + 24 = Sat 2027-04-24, which moves to Mon 2027-04-26.
    with on_day("2027-03-12") as today:
        recompute(db, req, reason="daily check", today=today)
        db.commit()
        assert is_overdue(db, req, today)
    appeal = next(d for d in current_deadlines(db, req.id) if d.clock == "appeal")
    assert appeal.due == D("2027-04-26")
    assert appeal.explanation.startswith("Deemed denied")


def test_the_daily_job_opens_deemed_denial_appeals(db, factory):
    from records.lifecycle.clocks import deemed_denials

    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user, factory.agency(org, jurisdiction="NJ"))
    record(db, req, "sent", "2027-03-01")
    assert deemed_denials(db, datetime(2027, 3, 10, 12, tzinfo=UTC)) == 0  # not past yet
    assert deemed_denials(db, datetime(2027, 3, 11, 12, tzinfo=UTC)) == 1
    assert clocks(db, req)["appeal"][0] is not None
    assert deemed_denials(db, datetime(2027, 3, 12, 12, tzinfo=UTC)) == 0  # once only


def test_a_missed_response_makes_the_request_overdue(db, ice_request):
    record(db, ice_request, "sent", "2026-11-02")  # response due Wed 2026-12-02 (above)
    with on_day("2026-12-02") as today:
        assert not is_overdue(db, ice_request, today)  # the last day is still in time
    with on_day("2026-12-03") as today:
        assert is_overdue(db, ice_request, today)


def test_agency_new_due_date_is_taken_as_given_and_warned_when_too_late(db, ice_request):
    record(db, ice_request, "sent", "2026-11-02")
    # The law allows at most 10 working days past Dec 2, i.e. Wed 2026-12-16 (above).
    record(db, ice_request, "extension_claimed", "2026-11-20", new_due="2027-01-15")
    ext = next(d for d in current_deadlines(db, ice_request.id) if d.clock == "extended_response")
    assert ext.due == D("2027-01-15")
    assert "later than the 10 business days the law allows" in ext.explanation


def test_changed_clock_keeps_history_and_unchanged_clock_keeps_its_row(db, ice_request):
    record(db, ice_request, "sent", "2026-11-02")
    before = {d.clock: d.id for d in current_deadlines(db, ice_request.id)}
    record(db, ice_request, "acknowledged", "2026-11-05")
    after = {d.clock: d.id for d in current_deadlines(db, ice_request.id)}
    assert after == before  # nothing moved: same rows (reminders keyed on them stay)
    record(db, ice_request, "clarification_requested", "2026-11-09")
    record(db, ice_request, "clarification_answered", "2026-11-16")
    old = [d for d in deadline_history(db, ice_request.id) if d.clock == "response"]
    # Dec 2 -> no date while paused -> Dec 8: three values, two superseded with their reasons.
    assert [d.due for d in old] == [D("2026-12-08"), None, D("2026-12-02")]
    assert old[0].superseded_at is None
    assert old[1].reason == "Clarification answered on 2026-11-16"
    assert old[2].reason == "Clarification requested on 2026-11-09"
    assert all(d.superseded_at is not None for d in old[1:])


def test_withdrawn_closes_every_clock(db, ice_request):
    record(db, ice_request, "sent", "2026-11-02")
    record(db, ice_request, "withdrawn", "2026-11-10")
    states = {state for _, state in clocks(db, ice_request).values()}
    assert states == {"closed"}
    with on_day("2027-01-04") as today:
        assert not is_overdue(db, ice_request, today)


def test_request_with_unknown_law_gets_no_clocks(db, factory):
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user, factory.agency(org), law_code="ZZ")
    record(db, req, "sent", "2026-11-02")
    assert req.status == "sent"
    assert db.exec(select(Deadline).where(Deadline.request_id == req.id)).all() == []
    assert db.get(RecordRequest, req.id).status == "sent"


def test_summary_rejects_bad_input():
    with pytest.raises(SummaryError) as err:
        summary("XX", "2026-11-20")
    assert err.value.field == "law"
    with pytest.raises(SummaryError) as err:
        summary("US", "2026-02-30")
    assert err.value.field == "start"
    with pytest.raises(SummaryError) as err:
        summary("US", "2026-11-20", "NASA")
    assert err.value.field == "component"
    with pytest.raises(SummaryError):
        summary("NY", "2026-11-20", "DHS")

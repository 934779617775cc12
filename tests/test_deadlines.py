"""The deadline engine: federal examples counted by hand, properties, and bad input."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from records.deadlines.engine import (
    SUMMARY_KEYS,
    ClockEvent,
    compute_clocks,
    compute_summary,
    operative_response,
)
from records.laws import UnknownLawError, get_law
from records.laws.calendars import (
    CALENDAR_VERSION,
    add_business_days,
    add_calendar_days,
    business_calendar,
    business_days_between,
)
from records.laws.model import Period, Source

US = get_law("US")
FEDERAL = business_calendar(US)


# --- Federal examples, counted by hand -------------------------------------------------------


def test_response_skips_thanksgiving() -> None:
    # Received Fri 2026-11-20 = day 0. Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 Thanksgiving
    # (skipped), Fri 27 (4); Nov 30-Dec 4 (5-9); Dec 7-11 (10-14); Dec 14-18 (15-19);
    # Mon Dec 21 (20).
    clock = compute_clocks(US, date(2026, 11, 20))["response"]
    assert clock.due == date(2026, 12, 21)
    assert clock.skipped == ((date(2026, 11, 26), "Thanksgiving Day"),)
    assert clock.unit == "business" and clock.count == 20 and clock.statutory
    assert clock.citation == "5 U.S.C. § 552(a)(6)(A)(i)"
    assert clock.explanation == (
        "20 business days after receipt on Fri 2026-11-20 (day 0); skipped Thanksgiving Day "
        "2026-11-26 → Mon 2026-12-21. Source: 5 U.S.C. § 552(a)(6)(A)(i)."
    )
    assert clock.calendar_version == CALENDAR_VERSION


def test_response_across_christmas_and_new_year_2027() -> None:
    # Received Wed 2027-12-15 = day 0. Dec 16 (1), 17 (2), 20 (3), 21 (4), 22 (5), 23 (6),
    # Fri Dec 24 closed (Christmas observed), Dec 27 (7), 28 (8), 29 (9), 30 (10),
    # Fri Dec 31 closed (New Year's Day 2028 observed), Jan 3 (11), 4 (12), 5 (13), 6 (14),
    # 7 (15), 10 (16), 11 (17), 12 (18), 13 (19), Fri Jan 14 2028 (20).
    clock = compute_clocks(US, date(2027, 12, 15))["response"]
    assert clock.due == date(2028, 1, 14)
    assert [d for d, _ in clock.skipped] == [
        date(2027, 12, 24),
        date(2027, 12, 25),
        date(2027, 12, 31),
        date(2028, 1, 1),
    ]
    assert "New Year's Day (observed) 2027-12-31" in clock.explanation


def test_dhs_appeal_is_90_working_days() -> None:
    # Determination Mon 2026-06-01 = day 0. Without holidays, day 90 would be 18 weeks later,
    # Mon 2026-10-05. Three holidays fall before it (Fri Jun 19, Fri Jul 3, Mon Sep 7), so
    # Oct 5 is day 87 and day 90 is Thu 2026-10-08 (Columbus Day, Oct 12, comes after).
    clock = compute_clocks(US, date(2026, 5, 1), component="DHS", determination=date(2026, 6, 1))
    appeal = clock["appeal"]
    assert appeal.due == date(2026, 10, 8)
    assert appeal.citation == "6 C.F.R. § 5.8(a)(1)"
    assert appeal.unit == "business" and appeal.count == 90


def test_doj_appeal_is_90_calendar_days_and_does_not_roll() -> None:
    # Determination Mon 2026-06-01: Jun 30 is +29, Jul 31 +60, Aug 30 +90, a Sunday.
    # 28 C.F.R. § 16.8(a) does not move a window ending on a weekend, and the federal entry's
    # roll_forward is "not_specified": the date stays, with a warning to file early.
    clocks = compute_clocks(US, date(2026, 5, 1), component="DOJ", determination=date(2026, 6, 1))
    appeal = clocks["appeal"]
    assert appeal.due == date(2026, 8, 30)
    assert appeal.citation == "28 C.F.R. § 16.8(a)"
    assert "Sunday" in appeal.explanation and "business day before" in appeal.explanation


def test_appeal_without_component_uses_statutory_floor() -> None:
    # 5 U.S.C. § 552(a)(6)(A)(i)(III)(aa): not less than 90 days; Jun 1 + 90 = Sun Aug 30.
    appeal = compute_clocks(US, date(2026, 5, 1), determination=date(2026, 6, 1))["appeal"]
    assert appeal.due == date(2026, 8, 30)
    assert appeal.citation == "5 U.S.C. § 552(a)(6)(A)(i)(III)(aa)"


def test_expedited_decision_is_10_calendar_days() -> None:
    # Received Fri 2026-11-20: +10 calendar days = Mon 2026-11-30 (Thanksgiving counts).
    clock = compute_clocks(US, date(2026, 11, 20), expedite_requested=True)["expedited_decision"]
    assert clock.due == date(2026, 11, 30)
    assert clock.unit == "calendar"


def test_expedited_decision_landing_on_saturday_is_flagged_not_moved() -> None:
    # Wed 2026-07-01 + 10 = Sat 2026-07-11; federal law does not say it moves.
    clock = compute_clocks(US, date(2026, 7, 1), expedite_requested=True)["expedited_decision"]
    assert clock.due == date(2026, 7, 11)
    assert "Saturday" in clock.explanation


def test_expedited_decision_runs_from_a_later_expedite_request() -> None:
    events = [ClockEvent("expedite_requested", date(2026, 7, 6))]
    clock = compute_clocks(US, date(2026, 7, 1), events=events)["expedited_decision"]
    assert clock.due == date(2026, 7, 16)


def test_no_expedited_clock_unless_requested() -> None:
    assert "expedited_decision" not in compute_clocks(US, date(2026, 7, 1))


def test_tolling_five_days_then_resume() -> None:
    # Received Fri 2026-11-20; the agency asks for information on Mon Nov 30 (day 5) and the
    # requester answers on Mon Dec 7. Paused business days Dec 1, 2, 3, 4, 7 = 5, added to the
    # untolled due date Mon Dec 21: Dec 22, 23, 24, (25 Christmas), 28, 29 -> Tue 2026-12-29.
    events = [
        ClockEvent("toll_start", date(2026, 11, 30), reason="information"),
        ClockEvent("toll_end", date(2026, 12, 7)),
    ]
    clock = compute_clocks(US, date(2026, 11, 20), events=events)["response"]
    assert clock.due == date(2026, 12, 29)
    assert clock.paused == ((date(2026, 11, 30), date(2026, 12, 7)),)
    assert "5 business day(s) added back" in clock.explanation


def test_second_information_toll_is_ignored_but_fee_tolls_count() -> None:
    # § 552(a)(6)(A)(ii)(I): one information pause; (II): fee pauses as needed.
    # First information pause as above (+5 -> Tue Dec 29). A second information pause
    # Dec 8-9 is ignored. A fee pause Dec 10 (start) to Dec 14 (end): Dec 11 and 14 are
    # 2 business days -> Dec 30, 31 -> Thu 2026-12-31.
    events = [
        ClockEvent("toll_start", date(2026, 11, 30), reason="information"),
        ClockEvent("toll_end", date(2026, 12, 7)),
        ClockEvent("toll_start", date(2026, 12, 8), reason="information"),
        ClockEvent("toll_end", date(2026, 12, 9)),
        ClockEvent("toll_start", date(2026, 12, 10), reason="fees"),
        ClockEvent("toll_end", date(2026, 12, 14)),
    ]
    clock = compute_clocks(US, date(2026, 11, 20), events=events)["response"]
    assert clock.due == date(2026, 12, 31)
    assert len(clock.paused) == 2
    assert "not counted" in clock.explanation


def test_unterminated_toll_leaves_no_due_date() -> None:
    events = [ClockEvent("toll_start", date(2026, 11, 30), reason="fees")]
    clock = compute_clocks(US, date(2026, 11, 20), events=events)["response"]
    assert clock.due is None
    assert "Paused since Mon 2026-11-30" in clock.explanation
    assert clock.paused == ((date(2026, 11, 30), None),)


def test_extension_adds_ten_working_days() -> None:
    # Response due Mon 2026-12-21; + 10 working days: Dec 22 (1), 23 (2), 24 (3), Christmas,
    # 28 (4), 29 (5), 30 (6), 31 (7), New Year's Day, Jan 4 (8), 5 (9), Wed 2027-01-06 (10).
    received = date(2026, 11, 20)
    before = compute_clocks(US, received)
    assert before["extended_response"].due == date(2027, 1, 6)
    assert before["extended_response"].provisional
    assert before["extended_response"].explanation.startswith("Latest possible date")
    assert operative_response(before) is before["response"]

    after = compute_clocks(US, received, events=[ClockEvent("extension", date(2026, 12, 10))])
    extended = after["extended_response"]
    assert extended.due == date(2027, 1, 6) and not extended.provisional
    assert operative_response(after) is extended


def test_extension_days_override_and_new_due() -> None:
    received = date(2026, 11, 20)
    # 5 working days after Mon Dec 21: Dec 22, 23, 24, 28, 29 -> Tue 2026-12-29.
    five = compute_clocks(US, received, events=[ClockEvent("extension", date(2026, 12, 1), 5)])
    assert five["extended_response"].due == date(2026, 12, 29)
    too_long = compute_clocks(
        US, received, events=[ClockEvent("extension", date(2026, 12, 1), new_due=date(2027, 2, 1))]
    )
    assert too_long["extended_response"].due == date(2027, 2, 1)
    assert (
        "later than the 10 business days the law allows"
        in too_long["extended_response"].explanation
    )


def test_late_extension_notice_is_flagged() -> None:
    events = [ClockEvent("extension", date(2026, 12, 22))]
    clock = compute_clocks(US, date(2026, 11, 20), events=events)["extended_response"]
    assert "came after the response was due" in clock.explanation


def test_appeal_decision_runs_from_appeal_filed() -> None:
    # Appeal received Mon 2026-06-01; 20 working days = 4 weeks -> Mon Jun 29, but Fri Jun 19
    # is Juneteenth, so day 20 is Tue 2026-06-30.
    events = [
        ClockEvent("determination", date(2026, 5, 20)),
        ClockEvent("appeal_filed", date(2026, 6, 1)),
    ]
    clocks = compute_clocks(US, date(2026, 5, 1), events=events)
    assert clocks["appeal_decision"].due == date(2026, 6, 30)
    assert "appeal" in clocks  # the determination event opened the appeal window


def test_dhs_closes_on_inauguration_day_2033() -> None:
    # Received Tue 2033-01-04. Federal: Jan 5-7 (3), 10-14 (8), Mon Jan 17 MLK Day,
    # Jan 18-21 (12), 24-28 (17), Jan 31, Feb 1, Feb 2 (20) -> Wed 2033-02-02.
    # DHS also loses Thu Jan 20 (Inauguration Day), so its day 20 is Thu 2033-02-03.
    received = date(2033, 1, 4)
    assert compute_clocks(US, received)["response"].due == date(2033, 2, 2)
    dhs = compute_clocks(US, received, component="DHS")["response"]
    assert dhs.due == date(2033, 2, 3)
    assert (date(2033, 1, 20), "Inauguration Day") in dhs.skipped


def test_federal_has_no_follow_up_target() -> None:
    assert "follow_up" not in compute_clocks(US, date(2026, 11, 20))


def promptly_law():
    """The federal entry rewritten to set no fixed response period."""
    response = Period(unit="none", text="promptly", source=Source("Test Code § 1"))
    return replace(US, code="ZP", periods={"response": response})


def test_follow_up_target_when_the_law_sets_no_period() -> None:
    # 10 business days after Fri 2026-11-20, skipping Thanksgiving: Mon Dec 7.
    clocks = compute_clocks(promptly_law(), date(2026, 11, 20))
    assert clocks["response"].due is None
    assert 'the law says "promptly"' in clocks["response"].explanation
    follow = clocks["follow_up"]
    assert follow.due == date(2026, 12, 7) and not follow.statutory
    assert "not a legal deadline" in follow.explanation
    custom = compute_clocks(promptly_law(), date(2026, 11, 20), follow_up_days=3)
    assert custom["follow_up"].due == date(2026, 11, 25)


def test_roll_forward_law_moves_calendar_deadline() -> None:
    law = replace(US, code="ZR", roll_forward="next_business_day")
    # Wed 2026-07-01 + 10 = Sat Jul 11 -> Mon Jul 13.
    clock = compute_clocks(law, date(2026, 7, 1), expedite_requested=True)["expedited_decision"]
    assert clock.due == date(2026, 7, 13)
    assert "moves to the next business day" in clock.explanation
    assert clock.skipped == ((date(2026, 7, 11), "Saturday"), (date(2026, 7, 12), "Sunday"))


def acknowledged_law(ack: bool = True):
    """The federal entry with a 5-calendar-day acknowledgment and clocks counted from it."""
    src = Source("Test Code § 2")
    periods = {
        "response": Period(unit="business", count=5, runs_from="acknowledgment", source=src),
        "deemed_denial": Period(
            unit="business",
            count=10,
            runs_from="acknowledgment",
            earlier_of=((9, "calendar"),),
            source=src,
        ),
    }
    if ack:
        periods["acknowledgment"] = Period(unit="calendar", count=5, source=src)
    return replace(US, code="ZA" if ack else "ZB", periods=periods)


def test_clock_from_acknowledgment_is_provisional_until_recorded() -> None:
    # Received Mon 2026-06-01; acknowledgment due Sat Jun 6 (5 calendar days, not moved).
    # Response: 5 business days after Sat Jun 6 -> Jun 8-12 -> Fri 2026-06-12, provisional.
    clocks = compute_clocks(acknowledged_law(), date(2026, 6, 1))
    assert clocks["response"].due == date(2026, 6, 12)
    assert clocks["response"].provisional
    assert clocks["response"].start == date(2026, 6, 6)
    # Acknowledged Wed Jun 3: Jun 4, 5, 8, 9, 10 -> Wed 2026-06-10, no longer provisional.
    ack = [ClockEvent("acknowledged", date(2026, 6, 3))]
    fixed = compute_clocks(acknowledged_law(), date(2026, 6, 1), events=ack)["response"]
    assert fixed.due == date(2026, 6, 10) and not fixed.provisional
    assert "after the acknowledgment on Wed 2026-06-03" in fixed.explanation


def test_late_acknowledgment_is_flagged_and_counted_from_its_date() -> None:
    ack = [ClockEvent("acknowledged", date(2026, 6, 9))]
    clock = compute_clocks(acknowledged_law(), date(2026, 6, 1), events=ack)["response"]
    # Tue Jun 9 + 5 business days: Jun 10, 11, 12, 15, 16.
    assert clock.due == date(2026, 6, 16)
    assert "came after it was due on Sat 2026-06-06" in clock.explanation


def test_acknowledgment_clock_without_an_acknowledgment_period_counts_from_receipt() -> None:
    clock = compute_clocks(acknowledged_law(ack=False), date(2026, 6, 1))["response"]
    assert clock.due == date(2026, 6, 8) and clock.provisional
    assert "counts from receipt" in clock.explanation


def test_earlier_of_two_lengths_takes_the_earlier() -> None:
    # Acknowledged Wed 2026-07-01. 10 business days: Jul 2 (1), Fri Jul 3 closed (observed),
    # Jul 6-10 (2-6), Jul 13-16 (7-10) -> Thu Jul 16. 9 calendar days: Fri Jul 10 -> earlier.
    ack = [ClockEvent("acknowledged", date(2026, 7, 1))]
    clock = compute_clocks(acknowledged_law(), date(2026, 7, 1), events=ack)["deemed_denial"]
    assert clock.due == date(2026, 7, 10)
    assert clock.unit == "calendar" and clock.count == 9
    assert clock.explanation.startswith(
        "The earlier of 10 business days (Thu 2026-07-16) or 9 calendar days (Fri 2026-07-10)"
    )


def test_earlier_of_keeps_the_business_count_when_it_is_earlier() -> None:
    # Acknowledged Mon 2026-06-01: 10 business days -> Mon Jun 15 (Juneteenth comes later);
    # with a 20-calendar-day alternative (Sun Jun 21) the business count is the earlier.
    law = acknowledged_law()
    deemed = replace(law.periods["deemed_denial"], earlier_of=((20, "calendar"),))
    law = replace(law, code="ZC", periods={**law.periods, "deemed_denial": deemed})
    ack = [ClockEvent("acknowledged", date(2026, 6, 1))]
    clock = compute_clocks(law, date(2026, 6, 1), events=ack)["deemed_denial"]
    assert clock.due == date(2026, 6, 15) and clock.unit == "business"


def test_federal_tolling_comes_from_the_law_library() -> None:
    # 5 U.S.C. § 552(a)(6)(A)(ii)(I)-(II): one information pause, any number of fee pauses.
    tolling = US.tolling
    assert tolling is not None
    assert tolling.information_limit == 1 and tolling.fees and tolling.allowed
    assert tolling.source.citation == "5 U.S.C. § 552(a)(6)(A)(ii)(I)-(II)"


def test_summary_shape() -> None:
    summary = compute_summary("us", date(2026, 11, 20), component="DHS")
    assert summary["law"] == "US"
    assert summary["start"] == "2026-11-20"
    assert summary["acknowledgment_due"] is None
    assert summary["response_due"] == "2026-12-21"
    assert summary["extended_due"] == "2027-01-06"
    assert summary["expedited_decision_due"] == "2026-11-30"
    assert summary["calendar_version"] == CALENDAR_VERSION
    # Every clock has a key, null where the law has no such clock (the FOIA has no deemed denial).
    assert set(summary["explanations"]) == set(SUMMARY_KEYS)
    assert (
        summary["deemed_denial_due"] is None
        and summary["explanations"]["deemed_denial_due"] is None
    )
    # The appeal decision counts START as the day the appeal arrived: 20 working days after
    # Fri 2026-11-20, skipping Thanksgiving -> Mon 2026-12-21 (5 U.S.C. § 552(a)(6)(A)(ii)).
    assert summary["appeal_decision_due"] == "2026-12-21"
    assert summary["explanations"]["response_due"].startswith("20 business days")


def test_summary_accepts_iso_string() -> None:
    assert compute_summary("US", "2026-11-20")["response_due"] == "2026-12-21"


# --- Bad input ---------------------------------------------------------------------------------


def test_bad_input_raises_clear_errors() -> None:
    received = date(2026, 11, 20)
    with pytest.raises(ValueError, match="before receipt"):
        compute_clocks(US, received, determination=date(2026, 11, 19))
    with pytest.raises(ValueError, match="negative days"):
        compute_clocks(US, received, events=[ClockEvent("extension", received, days=-1)])
    with pytest.raises(ValueError, match="toll_end on 2026-11-25 without a toll_start"):
        compute_clocks(US, received, events=[ClockEvent("toll_end", date(2026, 11, 25))])
    with pytest.raises(ValueError, match="has not ended"):
        compute_clocks(
            US,
            received,
            events=[
                ClockEvent("toll_start", date(2026, 11, 23)),
                ClockEvent("toll_start", date(2026, 11, 24)),
            ],
        )
    with pytest.raises(ValueError, match="unknown event kind"):
        compute_clocks(US, received, events=[ClockEvent("paused", received)])
    with pytest.raises(ValueError, match="follow_up_days must not be negative"):
        compute_clocks(US, received, follow_up_days=-2)
    with pytest.raises(ValueError, match="no component 'XYZ'"):
        compute_clocks(US, received, component="XYZ")
    with pytest.raises(ValueError, match="appeal filed on"):
        compute_clocks(
            US,
            received,
            determination=date(2026, 12, 1),
            events=[ClockEvent("appeal_filed", date(2026, 11, 25))],
        )
    with pytest.raises(UnknownLawError, match="unknown law code 'XX'"):
        compute_summary("XX", received)
    with pytest.raises(ValueError, match="not an ISO date"):
        compute_summary("US", "20/11/2026")


# --- Properties --------------------------------------------------------------------------------

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=260)


@given(start=dates, n=st.integers(min_value=1, max_value=260))
def test_business_result_is_a_business_day(start: date, n: int) -> None:
    due, skipped = add_business_days(start, n, FEDERAL)
    assert due.weekday() < 5
    assert FEDERAL.closure_name(due) is None
    assert business_days_between(start, due, FEDERAL) == n
    assert all(start < d < due for d, _ in skipped)


@given(start=dates, a=counts, b=counts)
def test_more_days_never_earlier(start: date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert add_business_days(start, lo, FEDERAL)[0] <= add_business_days(start, hi, FEDERAL)[0]
    assert (
        add_calendar_days(start, lo, "next_business_day", FEDERAL)[0]
        <= add_calendar_days(start, hi, "next_business_day", FEDERAL)[0]
    )


@given(start=dates, n=counts, roll=st.sampled_from(["next_business_day", "none", "not_specified"]))
def test_calendar_days_respect_roll_forward(start: date, n: int, roll: str) -> None:
    due, moved = add_calendar_days(start, n, roll, FEDERAL)
    plain = start + timedelta(days=n)
    if roll != "next_business_day":
        assert (due, moved) == (plain, ())
        return
    assert FEDERAL.is_business_day(due)
    assert plain <= due <= plain + timedelta(days=7)
    # Every day passed over on the way is closed, and each is reported.
    assert [d for d, _ in moved] == [plain + timedelta(days=i) for i in range((due - plain).days)]
    assert all(not FEDERAL.is_business_day(d) for d, _ in moved)


@settings(max_examples=60)
@given(
    received=dates,
    offset=st.integers(min_value=0, max_value=40),
    length=st.integers(min_value=0, max_value=40),
    reason=st.sampled_from(["information", "fees"]),
)
def test_tolling_never_makes_a_due_date_earlier(
    received: date, offset: int, length: int, reason: str
) -> None:
    start = received + timedelta(days=offset)
    events = [
        ClockEvent("toll_start", start, reason=reason),
        ClockEvent("toll_end", start + timedelta(days=length)),
    ]
    plain = compute_clocks(US, received)
    tolled = compute_clocks(US, received, events=events)
    for name in ("response", "extended_response"):
        assert plain[name].due is not None and tolled[name].due is not None
        assert tolled[name].due >= plain[name].due


def test_summary_says_which_dates_are_provisional() -> None:
    """Alabama's response runs from the acknowledgment (Ala. Code § 36-12-44), which is not known
    from a start date alone; a federal extended date is only the latest possible one."""
    al = compute_summary("AL", date(2026, 11, 20))
    assert al["provisional"]["response_due"] is True
    assert al["provisional"]["acknowledgment_due"] is False
    us = compute_summary("US", date(2026, 11, 20))
    assert us["provisional"]["response_due"] is False
    assert us["provisional"]["extended_due"] is True

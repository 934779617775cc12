"""Hand-worked deadline examples for the OH-DC law-library entries, and checks on the data.

Every expected date below was counted by hand from the statute text, not produced by the code.
Day 0 is the day of receipt; the count starts the next day. Business days skip Saturdays,
Sundays and the closure days the entry names. Thanksgiving 2026 is Thursday 2026-11-26; New
Year's Day 2027 is a Friday.
"""

from __future__ import annotations

from datetime import date

import pytest

from records.deadlines.engine import compute_clocks
from records.laws import get_law

CODES = [
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VA",
    "VT",
    "WA",
    "WI",
    "WV",
    "WY",
    "DC",
]

FRI_BEFORE_THANKSGIVING = date(2026, 11, 20)


# Entries re-read against their statutes on 2026-12-01; ``last_checked`` moves only on a re-read.
REREAD_2026_12_01 = {"OH", "OR", "SC", "UT", "VA", "WI"}
REREAD_2026_12_02 = {"OK", "RI", "SD", "VT", "WV", "WY"}


@pytest.mark.parametrize("code", CODES)
def test_entry_loads_with_a_citation_for_every_period(code: str) -> None:
    law = get_law(code)
    assert law.code == code
    if code in REREAD_2026_12_02:
        assert law.last_checked == date(2026, 12, 2)
    elif code in REREAD_2026_12_01:
        assert law.last_checked == date(2026, 12, 1)
    else:
        assert law.last_checked == date(2026, 11, 24)
    assert "response" in law.periods
    for clock, period in law.periods.items():
        assert period.source.citation, f"{code} [periods.{clock}] has no citation"
    if law.appeal.period is not None:
        assert law.appeal.period.source.citation
    assert law.appeal.source.citation
    assert law.roll_forward_source.citation
    assert law.calendar.source.citation
    assert law.calendar.subdiv == code


def test_tx_ten_business_days_across_thanksgiving() -> None:
    """Tex. Gov't Code §§ 552.221(d), 552.301(b), 552.0031: received Fri 2026-11-20.

    Day 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; Thu 11-26 (Thanksgiving, § 662.003(a)) and
    Fri 11-27 (Friday after Thanksgiving, § 662.003(b)(6)) are not business days; 4 Mon 11-30,
    5 Tue 12-01, 6 Wed 12-02, 7 Thu 12-03, 8 Fri 12-04, 9 Mon 12-07, 10 Tue 12-08.
    """
    clocks = compute_clocks(get_law("TX"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 8)


def test_tx_does_not_move_a_weekend_holiday() -> None:
    """Texas does not observe Sat 2026-07-04 on Friday 07-03 (§ 552.0031(e) is body-specific).

    Received Mon 2026-06-29: 1 Tue 06-30, 2 Wed 07-01, 3 Thu 07-02, 4 Fri 07-03 (a business
    day in Texas), 5 Mon 07-06, 6 Tue 07-07, 7 Wed 07-08, 8 Thu 07-09, 9 Fri 07-10, 10 Mon 07-13.
    """
    clocks = compute_clocks(get_law("TX"), date(2026, 6, 29))
    assert clocks["response"].due == date(2026, 7, 13)
    assert get_law("TX").calendar.observed == "none"


def test_tx_christmas_2027_weekend_holidays_do_not_move() -> None:
    """§ 552.0031(a), (e) with § 662.003(a)-(b): Dec 24, 25, 26 and Jan 1 are holidays on their
    own dates; none moves off a weekend. Received Mon 2027-12-20: 1 Tue 12-21, 2 Wed 12-22,
    3 Thu 12-23 (business day), Fri 12-24 Christmas Eve skipped, Sat 25 and Sun 26 weekend,
    4 Mon 12-27, 5 Tue 12-28, 6 Wed 12-29, 7 Thu 12-30, 8 Fri 12-31 (New Year's Day 2028 is a
    Saturday and is not moved), 9 Mon 2028-01-03, 10 Tue 2028-01-04.
    """
    clocks = compute_clocks(get_law("TX"), date(2027, 12, 20))
    assert clocks["response"].due == date(2028, 1, 4)


def test_pa_five_business_days_and_appeal() -> None:
    """65 P.S. §§ 67.901, 67.1101(a)(1): received Fri 2026-11-20.

    Response: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving) and Fri
    11-27 (day after Thanksgiving, a Commonwealth holiday); 4 Mon 11-30, 5 Tue 12-01. The
    request is deemed denied if no answer is sent by then.
    Appeal to the OOR: 15 business days from a denial mailed Tue 12-01: Dec 2, 3, 4, 7, 8, 9,
    10, 11, 14, 15, 16, 17, 18, 21 and the 15th, Tue 12-22 (no Pennsylvania closure in between).
    """
    law = get_law("PA")
    clocks = compute_clocks(law, FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 1))
    assert clocks["response"].due == date(2026, 12, 1)
    assert clocks["deemed_denial"].due == date(2026, 12, 1)
    assert clocks["appeal"].due == date(2026, 12, 22)


def test_ri_ten_business_days_day_after_thanksgiving_is_open() -> None:
    """R.I. Gen. Laws § 38-2-7: received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving); 4 Fri 11-27 (not a
    Rhode Island holiday); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03, 9 Fri 12-04,
    10 Mon 12-07.
    """
    clocks = compute_clocks(get_law("RI"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 7)
    assert clocks["deemed_denial"].due == date(2026, 12, 7)


def test_sc_ten_business_days_with_day_after_thanksgiving() -> None:
    """S.C. Code § 30-4-30(C) ('excepting Saturdays, Sundays, and legal public holidays').

    Received Fri 2026-11-20. 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 and Fri
    11-27 (Thanksgiving 'and the day after', § 53-5-10); 4 Mon 11-30, 5 Tue 12-01, 6 Wed 12-02,
    7 Thu 12-03, 8 Fri 12-04, 9 Mon 12-07, 10 Tue 12-08.
    """
    clocks = compute_clocks(get_law("SC"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 8)


def test_sd_ten_business_days_and_ninety_day_review() -> None:
    """SDCL 1-27-37(1), 1-27-38: received Fri 2026-11-20.

    Response: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26; 4 Fri 11-27 (not a South
    Dakota holiday); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03, 9 Fri 12-04, 10 Mon 12-07.
    Review: 90 calendar days from a denial on Tue 12-08: Dec 9-31 is 23 days, January 31 more
    (54), February 28 more (82), then March 1-8 (90): Mon 2027-03-08.
    """
    law = get_law("SD")
    clocks = compute_clocks(law, FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 8))
    assert clocks["response"].due == date(2026, 12, 7)
    assert clocks["appeal"].due == date(2027, 3, 8)


def test_tn_seven_business_days_across_new_year() -> None:
    """Tenn. Code § 10-7-503(a)(2)(B): received Tue 2026-12-29.

    1 Wed 12-30, 2 Thu 12-31 (New Year's Eve is not a Tennessee holiday); skip Fri 2027-01-01
    (New Year's Day); 3 Mon 01-04, 4 Tue 01-05, 5 Wed 01-06, 6 Thu 01-07, 7 Fri 01-08.
    """
    clocks = compute_clocks(get_law("TN"), date(2026, 12, 29))
    assert clocks["response"].due == date(2027, 1, 8)
    assert clocks["deemed_denial"].due == date(2027, 1, 8)


def test_ut_ten_business_days_and_thirty_day_appeal() -> None:
    """Utah Code §§ 63G-2-204(4)(b), 63G-2-401(1): received Fri 2026-11-20.

    Response: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26; 4 Fri 11-27 (not a Utah
    holiday); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03, 9 Fri 12-04, 10 Mon 12-07.
    Appeal: 30 calendar days after a denial sent Tue 12-01 is Thu 2026-12-31 (a weekday, not a
    Utah holiday, so nothing rolls forward).
    """
    law = get_law("UT")
    clocks = compute_clocks(law, FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 1))
    assert clocks["response"].due == date(2026, 12, 7)
    assert clocks["appeal"].due == date(2026, 12, 31)


def test_va_five_working_days_across_thanksgiving() -> None:
    """Va. Code § 2.2-3704(B): received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving) and Fri 11-27 (the
    Friday after, § 2.2-3300); 4 Mon 11-30, 5 Tue 12-01.
    """
    clocks = compute_clocks(get_law("VA"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 1)
    assert clocks["deemed_denial"].due == date(2026, 12, 1)


def test_vt_three_business_days_across_new_year() -> None:
    """1 V.S.A. § 318(a)(1): received Wed 2026-12-30.

    1 Thu 12-31; skip Fri 2027-01-01 (New Year's Day, 1 V.S.A. § 371); 2 Mon 01-04, 3 Tue 01-05.
    """
    clocks = compute_clocks(get_law("VT"), date(2026, 12, 30))
    assert clocks["response"].due == date(2027, 1, 5)
    assert clocks["deemed_denial"].due == date(2027, 1, 5)


def test_wa_five_business_days_across_native_american_heritage_day() -> None:
    """RCW 42.56.520(1): received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving) and Fri 11-27 (Native
    American Heritage Day, RCW 1.16.050); 4 Mon 11-30, 5 Tue 12-01.
    """
    clocks = compute_clocks(get_law("WA"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 1)


def test_wv_five_days_excluding_weekends_and_holidays() -> None:
    """W. Va. Code § 29B-1-3: received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 and Fri 11-27 (day after Thanksgiving,
    § 2-2-1); 4 Mon 11-30, 5 Tue 12-01.
    """
    clocks = compute_clocks(get_law("WV"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 1)


def test_wy_thirty_calendar_days_and_seven_business_day_notice() -> None:
    """Wyo. Stat. § 16-4-202(b), (c)(iii): acknowledged receipt Mon 2026-11-23.

    Release: 30 calendar days later is Wed 2026-12-23 (calendar days do not skip Thanksgiving).
    Notice of unavailability: 1 Tue 11-24, 2 Wed 11-25; skip Thu 11-26; 3 Fri 11-27 (not a
    Wyoming holiday); 4 Mon 11-30, 5 Tue 12-01, 6 Wed 12-02, 7 Thu 12-03.
    """
    clocks = compute_clocks(get_law("WY"), date(2026, 11, 23))
    assert clocks["response"].due == date(2026, 12, 23)
    assert clocks["acknowledgment"].due == date(2026, 12, 3)


def test_dc_fifteen_business_days_across_thanksgiving() -> None:
    """D.C. Code § 2-532(c)(1): received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving); 4 Fri 11-27 (not a
    District holiday); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03, 9 Fri 12-04,
    10 Mon 12-07, 11 Tue 12-08, 12 Wed 12-09, 13 Thu 12-10, 14 Fri 12-11, 15 Mon 12-14.
    """
    clocks = compute_clocks(get_law("DC"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 14)
    assert clocks["deemed_denial"].due == date(2026, 12, 14)


def test_dc_sunday_emancipation_day_closes_the_monday_after() -> None:
    """D.C. Code §§ 2-532(c)(1), 1-612.02(a)(11), (b)(1): received Thu 2028-04-13.

    D.C. Emancipation Day, April 16, 2028, is a Sunday, so Monday 04-17 is the holiday.
    1 Fri 04-14; Sat 15, Sun 16 weekend; skip Mon 04-17; 2 Tue 04-18, 3 Wed 04-19,
    4 Thu 04-20, 5 Fri 04-21, 6 Mon 04-24, 7 Tue 04-25, 8 Wed 04-26, 9 Thu 04-27, 10 Fri 04-28,
    11 Mon 05-01, 12 Tue 05-02, 13 Wed 05-03, 14 Thu 05-04, 15 Fri 05-05.
    """
    clocks = compute_clocks(get_law("DC"), date(2028, 4, 13))
    assert clocks["response"].due == date(2028, 5, 5)


def test_or_acknowledgment_and_completion() -> None:
    """ORS 192.329: received Fri 2026-11-20.

    Acknowledgment, 5 business days: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26;
    4 Fri 11-27 (not an Oregon holiday, ORS 187.010); 5 Mon 11-30.
    Completion, 10 more business days after that: 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03,
    9 Fri 12-04, 10 Mon 12-07, 11 Tue 12-08, 12 Wed 12-09, 13 Thu 12-10, 14 Fri 12-11,
    15 Mon 12-14.
    """
    clocks = compute_clocks(get_law("OR"), FRI_BEFORE_THANKSGIVING)
    assert clocks["acknowledgment"].due == date(2026, 11, 30)
    assert clocks["response"].due == date(2026, 12, 14)


@pytest.mark.parametrize("code", ["OH", "OK", "WI"])
def test_promptly_states_have_no_fixed_due_date(code: str) -> None:
    """R.C. 149.43(B)(1), 51 O.S. § 24A.5(6), Wis. Stat. § 19.35(4)(a) set no number of days."""
    clocks = compute_clocks(get_law(code), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due is None
    assert get_law(code).periods["response"].unit == "none"

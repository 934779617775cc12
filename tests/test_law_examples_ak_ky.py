"""Worked examples for the AK-KY law entries, each counted by hand from the statute text.

Conventions: the day of receipt is day 0 and is never counted. Thanksgiving 2026 is Thursday
2026-11-26; Christmas 2026 is Friday 2026-12-25. Weekends are 2026-11-21/22, 11-28/29,
12-05/06, 12-12/13, 12-19/20, 12-26/27.
"""

from __future__ import annotations

from datetime import date

import holidays
import pytest

from records.laws import get_law

CODES = (
    "AK",
    "AL",
    "AR",
    "AZ",
    "CA",
    "CO",
    "CT",
    "DE",
    "FL",
    "GA",
    "HI",
    "IA",
    "ID",
    "IL",
    "IN",
    "KS",
    "KY",
)

FRI_BEFORE_THANKSGIVING = date(2026, 11, 20)
TUE_BEFORE_THANKSGIVING = date(2026, 11, 24)
WED_BEFORE_THANKSGIVING = date(2026, 11, 25)


def clocks(code: str, received: date, **kwargs: object) -> dict:
    from records.deadlines.engine import compute_clocks

    return compute_clocks(get_law(code), received, **kwargs)


# --- every file loads, cites its numbers, and names real holidays -------------------------------


@pytest.mark.parametrize("code", CODES)
def test_entry_loads_and_cites_every_period(code: str) -> None:
    law = get_law(code)
    assert law.code == code
    assert law.last_checked >= date(2026, 11, 24)
    assert "response" in law.periods
    for name, period in law.periods.items():
        assert period.source.citation.strip(), f"{code} [periods.{name}] has no citation"
        assert period.unit in {"business", "calendar", "none"}
        if period.unit == "none":
            assert period.text, f"{code} [periods.{name}] must quote the law's words"
    assert law.appeal.source.citation.strip()
    if law.appeal.period is not None:
        assert law.appeal.period.source.citation.strip()
    assert law.roll_forward_source.citation.strip()
    assert law.calendar.source.citation.strip()
    assert law.calendar.subdiv == code


@pytest.mark.parametrize("code", CODES)
def test_closure_days_are_spelled_as_the_holidays_package_spells_them(code: str) -> None:
    law = get_law(code)
    cal = holidays.US(
        subdiv=code, years=range(2025, 2028), categories=holidays.US.supported_categories
    )
    known = {name for joined in cal.values() for name in joined.split("; ")}
    missing = [name for name in law.calendar.closure_days if name not in known]
    assert not missing, f"{code}: not in the holidays package for 2025-2027: {missing}"


def test_residency_limits_match_the_statutes() -> None:
    # Ala. Code § 36-12-40 "every citizen"; Ark. Code § 25-19-105(a) "any citizen of the State of
    # Arkansas"; 29 Del. C. § 10003(a) "any citizen of the State"; KRS 61.872 "resident".
    limited = {code for code in CODES if get_law(code).residents_only}
    assert limited == {"AL", "AR", "DE", "KY"}


# --- worked examples -----------------------------------------------------------------------------


def test_al_acknowledgment_ten_days_after_receipt() -> None:
    """Ala. Code § 36-12-44(a)(3): acknowledge within 10 days; plain days under § 1-1-4.

    Received Fri 2026-11-20 (day 0). Counting every day: day 10 is Mon 2026-11-30, an ordinary
    working day, so the acknowledgment is due 2026-11-30. Thanksgiving inside the period does not
    matter because plain days are counted; only a last day that is a holiday would move.
    """
    result = clocks("AL", FRI_BEFORE_THANKSGIVING)
    assert result["acknowledgment"].due == date(2026, 11, 30)


def test_al_response_and_presumed_denial_are_provisional_before_acknowledgment() -> None:
    """§ 36-12-44(a)(4)-(5) count from the acknowledgment; none recorded, so from its latest
    permissible date, Mon 2026-11-30 (day 0).

    15 business days: Dec 1-4 (1-4), 7-11 (5-9), 14-18 (10-14), Mon 21 (15) → 2026-12-21.
    30 business days: Dec 22, 23, 24 (16-18), Fri 25 Christmas skipped, 28-31 (19-22),
    Fri Jan 1 skipped, Jan 4-8 (23-27), 11, 12, 13 (28-30) → Wed 2027-01-13. 60 calendar days
    from Nov 30 is Fri 2027-01-29 (Dec 31 is +31, Jan 29 +60); the earlier is Jan 13.
    """
    result = clocks("AL", FRI_BEFORE_THANKSGIVING)
    assert result["response"].due == date(2026, 12, 21)
    assert result["response"].provisional
    assert "latest permissible acknowledgment" in result["response"].explanation
    assert result["deemed_denial"].due == date(2027, 1, 13)
    assert result["deemed_denial"].provisional


def test_al_clocks_run_from_the_recorded_acknowledgment() -> None:
    """Acknowledged Tue 2026-11-24 (day 0), Ala. Code § 36-12-44(a)(4)-(5).

    15 business days: Wed 25 (1), Thu 26 Thanksgiving skipped, Fri 27 (2; not an Alabama
    holiday under § 1-3-8), Nov 30-Dec 4 (3-7), Dec 7-11 (8-12), 14, 15, 16 (13-15)
    → Wed 2026-12-16.
    30 business days: Dec 17, 18 (16, 17), 21-24 (18-21), Fri 25 skipped, 28-31 (22-25),
    Fri Jan 1 skipped, Jan 4-8 (26-30) → Fri 2027-01-08. 60 calendar days: Nov 30 is +6,
    Dec 31 +37, Sat Jan 23 +60, moved by § 1-1-4 to Mon 2027-01-25. The earlier: Jan 8.
    """
    from records.deadlines.engine import ClockEvent

    result = clocks(
        "AL", FRI_BEFORE_THANKSGIVING, events=[ClockEvent("acknowledged", date(2026, 11, 24))]
    )
    assert result["response"].due == date(2026, 12, 16)
    assert not result["response"].provisional
    assert result["deemed_denial"].due == date(2027, 1, 8)
    assert not result["deemed_denial"].provisional
    assert "Mon 2027-01-25" in result["deemed_denial"].explanation


def test_al_acknowledgment_landing_on_christmas_moves_to_monday() -> None:
    """Received Tue 2026-12-15: day 10 is Fri 2026-12-25, Christmas (§ 1-3-8), so § 1-1-4 moves
    the last day to the next working day; Sat 12-26 and Sun 12-27 are not working days, so the
    acknowledgment is due Mon 2026-12-28."""
    assert clocks("AL", date(2026, 12, 15))["acknowledgment"].due == date(2026, 12, 28)


def test_ak_ten_working_days_across_thanksgiving() -> None:
    """2 AAC 96.325(a): 10th working day after receipt.

    Received Fri 11-20. Working days: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 Thanksgiving
    skipped, Fri 27 (4: not an Alaska closure), Mon 30 (5), Tue 12-01 (6), Wed 02 (7), Thu 03 (8),
    Fri 04 (9), Mon 07 (10). Due 2026-12-07.
    """
    assert clocks("AK", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 7)


def test_ar_three_working_days() -> None:
    """Ark. Code § 25-19-105(e): within three working days.

    Received Fri 11-20: Mon 23 (1), Tue 24 (2), Wed 25 (3). Due 2026-11-25.
    """
    assert clocks("AR", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 11, 25)


def test_az_promptly_has_no_fixed_date() -> None:
    """A.R.S. § 39-121.01(D)(1): 'promptly' -> no statutory due date."""
    assert clocks("AZ", FRI_BEFORE_THANKSGIVING)["response"].due is None


def test_ca_ten_days_landing_on_christmas_rolls_to_monday() -> None:
    """Gov. Code § 7922.535(a): 10 days from receipt, calendar days (CCP § 12).

    Received Tue 2026-12-15; day 10 is Fri 2026-12-25, Christmas. CCP § 12a extends to the next
    day that is not a holiday: Sat 12-26 is a holiday under § 12a, Sun 12-27 a holiday under
    Gov. Code § 6700, so the determination is due Mon 2026-12-28.
    """
    assert clocks("CA", date(2026, 12, 15))["response"].due == date(2026, 12, 28)


def test_ca_ten_days_across_thanksgiving_counts_every_day() -> None:
    """Received Fri 11-20; calendar day 10 is Mon 2026-11-30, a working day: due 11-30."""
    assert clocks("CA", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 11, 30)


def test_ca_ten_days_landing_on_lincoln_day_rolls_to_friday() -> None:
    """Lincoln Day (Feb 12) is a judicial holiday (CCP § 135, Gov. Code § 6700), so § 12a moves it.

    Received Mon 2026-02-02 (day 0); ten calendar days later is Thu 2026-02-12, Lincoln Day.
    State offices stay open, but CCP § 12a extends to the next day that is not a holiday:
    Fri 2026-02-13 (Presidents' Day is Mon 02-16). Due 2026-02-13.
    """
    assert clocks("CA", date(2026, 2, 2))["response"].due == date(2026, 2, 13)


def test_ca_ten_days_landing_on_juneteenth_rolls_past_the_weekend() -> None:
    """Juneteenth (June 19) is a § 6700 holiday and a judicial holiday since 2023 (AB 1655).

    Received Tue 2026-06-09 (day 0); day 10 is Fri 2026-06-19, Juneteenth. CCP § 12a: Sat 06-20
    is a holiday (every Saturday), Sun 06-21 a holiday (Gov. Code § 6700(a)(1)), so the
    determination is due Mon 2026-06-22.
    """
    assert clocks("CA", date(2026, 6, 9))["response"].due == date(2026, 6, 22)


def test_co_three_working_days_skip_thanksgiving_only() -> None:
    """C.R.S. § 24-72-203(3)(b): three working days.

    Received Tue 11-24: Wed 25 (1), Thu 26 Thanksgiving skipped, Fri 27 (2: the day after
    Thanksgiving is not a legal holiday, § 24-11-101(1); Cabrini Day is the first Monday in
    October), Mon 30 (3). Due 2026-11-30.
    """
    assert clocks("CO", TUE_BEFORE_THANKSGIVING)["response"].due == date(2026, 11, 30)


def test_ct_deemed_denial_after_four_business_days_and_thirty_day_appeal() -> None:
    """Conn. Gen. Stat. § 1-206(a): silence for 4 business days is a denial.

    Received Tue 11-24: Wed 25 (1), Thu 26 Thanksgiving skipped, Fri 27 (2: Connecticut offices
    are open), Mon 30 (3), Tue 12-01 (4). Deemed denial 2026-12-01.
    Appeal to the FOI Commission within 30 (calendar) days of the denial (§ 1-206(b)(1)):
    2026-12-01 + 30 days = Thu 2026-12-31, a working day.
    """
    result = clocks("CT", TUE_BEFORE_THANKSGIVING, determination=date(2026, 12, 1))
    assert result["response"].due is None
    assert result["deemed_denial"].due == date(2026, 12, 1)
    assert result["appeal"].due == date(2026, 12, 31)


def test_de_fifteen_business_days_skip_thanksgiving_and_the_day_after() -> None:
    """29 Del. C. § 10003(h)(1): within 15 business days.

    Received Fri 11-20: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 and Fri 27 skipped (both state
    holidays, 1 Del. C. § 501), Mon 30 (4), Tue 12-01 (5), Wed 02 (6), Thu 03 (7), Fri 04 (8),
    Mon 07 (9), Tue 08 (10), Wed 09 (11), Thu 10 (12), Fri 11 (13), Mon 14 (14), Tue 15 (15).
    Due 2026-12-15.
    """
    assert clocks("DE", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 15)


def test_fl_promptly_has_no_fixed_date() -> None:
    """Fla. Stat. § 119.07(1)(c): 'promptly' and in good faith -> no statutory due date."""
    result = clocks("FL", FRI_BEFORE_THANKSGIVING)
    assert result["response"].due is None
    assert result["acknowledgment"].due is None


def test_ga_three_business_days_skip_thanksgiving_and_state_holiday() -> None:
    """O.C.G.A. § 50-18-71(b)(1)(A): not to exceed three business days.

    Received Wed 11-25: Thu 26 Thanksgiving and Fri 27 'State Holiday' skipped, Mon 30 (1),
    Tue 12-01 (2), Wed 12-02 (3). Due 2026-12-02.
    """
    assert clocks("GA", WED_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 2)


def test_ga_federal_presidents_day_is_a_business_day() -> None:
    """O.C.G.A. § 50-18-71(b)(1)(A) with § 1-4-1(b): Georgia closes on the days the Governor
    names, and its "Washington's Birthday" is in December, so the federal holiday Mon 2026-02-16
    is a business day.

    Received Fri 02-13: Mon 16 (1), Tue 17 (2), Wed 18 (3). Due 2026-02-18.
    """
    result = clocks("GA", date(2026, 2, 13))
    assert result["response"].due == date(2026, 2, 18)
    assert result["response"].skipped == ()


def test_ga_washingtons_birthday_on_christmas_eve_is_skipped() -> None:
    """O.C.G.A. § 50-18-71(b)(1)(A). Received Tue 2026-12-22: Wed 23 (1); Thu 24 Washington's
    Birthday (observed by the state on that day) and Fri 25 Christmas skipped; Mon 28 (2),
    Tue 29 (3). Due 2026-12-29.
    """
    assert clocks("GA", date(2026, 12, 22))["response"].due == date(2026, 12, 29)


def test_hi_ten_business_days() -> None:
    """HAR § 2-71-13(a): within ten business days.

    Received Fri 11-20: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 skipped, Fri 27 (4: Hawaii
    offices open), Mon 30 (5), Tue 12-01 (6), Wed 02 (7), Thu 03 (8), Fri 04 (9), Mon 07 (10).
    Due 2026-12-07.
    """
    assert clocks("HI", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 7)


def test_ia_twenty_calendar_day_cap() -> None:
    """Iowa Code § 22.8(4)(d): never more than 20 calendar days.

    Received Fri 11-20; calendar day 20 is Thu 2026-12-10, a working day. Due 2026-12-10.
    """
    assert clocks("IA", FRI_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 10)


def test_id_three_working_days_and_deemed_denial_after_ten() -> None:
    """Idaho Code § 74-103(1)-(2).

    Received Wed 11-25: Thu 26 Thanksgiving skipped, Fri 27 (1: Idaho offices open), Mon 30 (2),
    Tue 12-01 (3) -> response due 2026-12-01. Continuing: Wed 02 (4), Thu 03 (5), Fri 04 (6),
    Mon 07 (7), Tue 08 (8), Wed 09 (9), Thu 10 (10) -> deemed denied 2026-12-10.
    """
    result = clocks("ID", WED_BEFORE_THANKSGIVING)
    assert result["response"].due == date(2026, 12, 1)
    assert result["deemed_denial"].due == date(2026, 12, 10)


def test_il_five_business_days_and_sixty_day_review_rolling_off_a_saturday() -> None:
    """5 ILCS 140/3(d): 5 business days; 140/9.5(a): review request within 60 days of denial.

    Received Fri 11-20: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 and Fri 27 skipped
    (Thanksgiving and the day after), Mon 30 (4), Tue 12-01 (5). Due 2026-12-01.
    Denial dated 2026-12-01: +60 days = Sat 2027-01-30 (30 days left in December, 30 more in
    January). 5 ILCS 70/1.11 excludes a last day on a Saturday or Sunday, so the request for
    review is due Mon 2027-02-01.
    """
    result = clocks("IL", FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 1))
    assert result["response"].due == date(2026, 12, 1)
    assert result["appeal"].due == date(2027, 2, 1)


def test_il_saturday_juneteenth_does_not_close_the_friday_before() -> None:
    """5 ILCS 490/63: a Saturday June 19 is not observed on the Friday (nor a Sunday one on Monday).

    Received Fri 2027-06-11 (day 0): Mon 06-14 (1), Tue 15 (2), Wed 16 (3), Thu 17 (4), Fri 18
    (5: a business day, since Juneteenth falls on Sat 06-19 and moves nowhere). Due 2027-06-18.
    """
    assert clocks("IL", date(2027, 6, 11))["response"].due == date(2027, 6, 18)


def test_in_seven_days_landing_on_lincolns_birthday_rolls_to_monday() -> None:
    """Ind. Code § 5-14-3-9(b): a mailed request is denied 7 days after receipt.

    Received Fri 11-20; calendar day 7 is Fri 11-27, which Indiana state offices observe as
    Lincoln's Birthday. Trial Rule 6(A) moves the last day past it and the weekend to Mon
    2026-11-30.
    """
    result = clocks("IN", FRI_BEFORE_THANKSGIVING)
    assert result["response"].due == date(2026, 11, 30)
    assert result["deemed_denial"].due == date(2026, 11, 30)


def test_in_seven_days_ending_on_federal_presidents_day_does_not_move() -> None:
    """Ind. Code § 5-14-3-9(b) with Trial Rule 6(A). Received Mon 2026-02-09; day 7 is Mon
    02-16, the federal Washington's Birthday, which Indiana observes on Thu 12-24 instead, so
    the day is not a legal holiday for state offices and the date stays Mon 2026-02-16.
    """
    result = clocks("IN", date(2026, 2, 9))
    assert result["response"].due == date(2026, 2, 16)
    assert result["deemed_denial"].due == date(2026, 2, 16)


def test_ks_end_of_third_business_day() -> None:
    """K.S.A. § 45-218(d): not later than the end of the third business day after receipt.

    Received Wed 11-25: Thu 26 skipped, Fri 27 (1: not a statutory Kansas closure), Mon 30 (2),
    Tue 12-01 (3). Due 2026-12-01.
    """
    assert clocks("KS", WED_BEFORE_THANKSGIVING)["response"].due == date(2026, 12, 1)


def test_ky_five_days_across_christmas_eve_and_christmas() -> None:
    """KRS 61.880(1): five days, excepting Saturdays, Sundays and legal holidays.

    Received Mon 2026-12-21: Tue 22 (1), Wed 23 (2), Thu 24 (3: Christmas Eve is the governor's
    "extra day" under KRS 18A.190(1)(j), not a fixed holiday, so it is not counted), Fri 25
    Christmas skipped, weekend skipped, Mon 28 (4), Tue 29 (5). Due 2026-12-29.
    """
    assert clocks("KY", date(2026, 12, 21))["response"].due == date(2026, 12, 29)


def test_ky_attorney_general_decides_in_twenty_business_days() -> None:
    """KRS 61.880(2)(a): 20 days excepting weekends and legal holidays, from the AG's receipt.

    Only the appeal-decision clock is asserted when present; it needs the appeal's receipt date,
    so here we check the entry states it in business days rather than a computed date.
    """
    period = get_law("KY").period("appeal_decision")
    assert period is not None
    assert (period.count, period.unit, period.runs_from) == (20, "business", "appeal_receipt")


def test_ca_last_day_on_native_american_day_moves_to_the_next_court_day() -> None:
    """Gov. Code § 7922.535(a): 10 calendar days, the first day excluded (Code Civ. Proc. § 12).
    Received Tue 2026-09-15: day 10 is Fri 2026-09-25, the fourth Friday in September, Native
    American Day (Gov. Code § 6700(a)), a judicial holiday (§ 135), so § 12a moves the last day
    past it and past Sat 09-26 and Sun 09-27 to Mon 2026-09-28."""
    assert clocks("CA", date(2026, 9, 15))["response"].due == date(2026, 9, 28)

"""Hand-worked deadline examples for the LA-NY law-library entries, and checks on the data.

Every expected date below was counted by hand from the statute text, not produced by the code.
Day 0 is the day of receipt; counting starts the next day. Business days skip Saturdays, Sundays
and the closure days each entry names. Useful anchors: Thanksgiving 2026 is Thu 2026-11-26,
Christmas 2026 is a Friday, New Year's Day 2027 is a Friday, General Election Day 2026 is
Tue 2026-11-03.
"""

from __future__ import annotations

from datetime import date

import pytest

from records.deadlines.engine import ClockEvent, compute_clocks
from records.laws import get_law

CODES = [
    "LA",
    "MA",
    "MD",
    "ME",
    "MI",
    "MN",
    "MO",
    "MS",
    "MT",
    "NC",
    "ND",
    "NE",
    "NH",
    "NJ",
    "NM",
    "NV",
    "NY",
]

FRI_BEFORE_THANKSGIVING = date(2026, 11, 20)
TUE_BEFORE_THANKSGIVING = date(2026, 11, 24)


@pytest.mark.parametrize("code", CODES)
def test_entry_loads_with_a_citation_for_every_period(code: str) -> None:
    law = get_law(code)
    assert law.code == code
    assert law.last_checked >= date(2026, 11, 24)
    assert "response" in law.periods
    for clock, period in law.periods.items():
        assert period.source.citation, f"{code} [periods.{clock}] has no citation"
        if period.unit == "none":
            assert period.text, f"{code} [periods.{clock}] must quote the law's words"
    assert law.appeal.source.citation
    if law.appeal.period is not None:
        assert law.appeal.period.source.citation
    if not law.appeal.available:
        assert law.appeal.note, f"{code}: say where to sue when there is no appeal"
    assert law.roll_forward_source.citation
    assert law.fee_waiver.source.citation
    assert law.silence.source.citation
    assert law.exemptions_citation
    assert law.calendar.source.citation
    assert law.calendar.subdiv == code


def test_nh_is_limited_to_citizens() -> None:
    """RSA 91-A:4, I gives the right to "every citizen"; the other entries have no such limit."""
    assert get_law("NH").residents_only
    assert not any(get_law(code).residents_only for code in CODES if code != "NH")


def test_no_fixed_response_period_where_the_law_sets_none() -> None:
    """LA "immediately" (La. R.S. 44:33(B)(1)), ME good-faith estimate (1 M.R.S. § 408-A(3)),
    MN "appropriately and promptly" (Minn. Stat. § 13.03, subd. 2(a)), MT "in a timely manner"
    for local agencies (Mont. Code Ann. § 2-6-1006(2)), NC "as promptly as possible" (N.C. Gen.
    Stat. § 132-6(a)), ND "within a reasonable time" (N.D. Cent. Code § 44-04-18(2)): no date.
    """
    for code in ("LA", "ME", "MN", "MT", "NC", "ND"):
        clocks = compute_clocks(get_law(code), FRI_BEFORE_THANKSGIVING)
        assert clocks["response"].due is None, code


def test_la_three_day_certificate_across_thanksgiving() -> None:
    """La. R.S. 44:33(B)(1): a day and hour "within three days, exclusive of Saturdays, Sundays,
    and legal public holidays". Received Tue 2026-11-24.

    1 Wed 11-25; Thu 11-26 (Thanksgiving, La. R.S. 1:55) skipped; 2 Fri 11-27 (not a Louisiana
    state holiday); Sat 11-28 and Sun 11-29 skipped; 3 Mon 11-30.
    """
    clocks = compute_clocks(get_law("LA"), TUE_BEFORE_THANKSGIVING)
    assert clocks["acknowledgment"].due == date(2026, 11, 30)


def test_ma_ten_business_days_and_ninety_day_appeal() -> None:
    """M.G.L. c. 66, § 10(a); 950 CMR 32.08(1); c. 4, § 9. Received Fri 2026-11-20.

    Response: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving); 4 Fri 11-27
    (open in Massachusetts); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02, 8 Thu 12-03, 9 Fri 12-04,
    10 Mon 12-07.
    Appeal: 90 calendar days from a response on Mon 12-07: Dec 8-31 is 24 days, January brings
    it to 55, February (28 days in 2027) to 83, and March 7 is day 90. Sun 2027-03-07 is not a
    business day, so c. 4, § 9 moves it to Mon 2027-03-08.
    """
    clocks = compute_clocks(get_law("MA"), FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 7))
    assert clocks["response"].due == date(2026, 12, 7)
    assert clocks["appeal"].due == date(2027, 3, 8)


def test_md_thirty_days_and_ten_working_days() -> None:
    """Md. Code, Gen. Prov. § 4-203(a)(1), (b)(2). Received Fri 2026-11-20.

    30 days: Nov 21-30 is 10 days, so day 30 is Sun 2026-12-20, which moves to Mon 12-21.
    10 working days: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving) and
    Fri 11-27 (American Indian Heritage Day, State Pers. & Pens. § 9-201); 4 Mon 11-30,
    5 Tue 12-01, 6 Wed 12-02, 7 Thu 12-03, 8 Fri 12-04, 9 Mon 12-07, 10 Tue 12-08.
    """
    clocks = compute_clocks(get_law("MD"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 21)
    assert clocks["acknowledgment"].due == date(2026, 12, 8)


def test_md_general_election_day_is_closed() -> None:
    """§ 4-203(b)(2) ten working days from Fri 2026-10-30, with Election Day Tue 11-03 closed.

    1 Mon 11-02; skip Tue 11-03 (general election day, SPP § 9-201); 2 Wed 11-04, 3 Thu 11-05,
    4 Fri 11-06, 5 Mon 11-09, 6 Tue 11-10; skip Wed 11-11 (Veterans Day); 7 Thu 11-12,
    8 Fri 11-13, 9 Mon 11-16, 10 Tue 11-17.
    """
    clocks = compute_clocks(get_law("MD"), date(2026, 10, 30))
    assert clocks["acknowledgment"].due == date(2026, 11, 17)


def test_me_five_working_day_acknowledgment() -> None:
    """1 M.R.S. § 408-A(3): acknowledge within 5 working days. Received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving, 4 M.R.S. § 1051);
    4 Fri 11-27 (not a Maine holiday); 5 Mon 11-30.
    """
    clocks = compute_clocks(get_law("ME"), FRI_BEFORE_THANKSGIVING)
    assert clocks["acknowledgment"].due == date(2026, 11, 30)


def test_mi_five_business_days_across_thanksgiving() -> None:
    """MCL 15.235(2), (3). Received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving, MCL 435.101(1)(k));
    4 Fri 11-27 (a Civil Service holiday, not a legal holiday under MCL 435.101); 5 Mon 11-30.
    Silence past that day is a final determination to deny, if either case of (3) applies.
    """
    clocks = compute_clocks(get_law("MI"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 11, 30)
    assert clocks["deemed_denial"].due == date(2026, 11, 30)
    assert clocks["deemed_denial"].condition.startswith("the failure to answer was willful")


def test_mi_five_business_days_across_christmas_and_new_year() -> None:
    """MCL 15.235(2). Received Tue 2026-12-22.

    1 Wed 12-23, 2 Thu 12-24 (Christmas Eve is not in MCL 435.101); skip Fri 12-25 (Christmas);
    3 Mon 12-28, 4 Tue 12-29, 5 Wed 12-30.
    """
    clocks = compute_clocks(get_law("MI"), date(2026, 12, 22))
    assert clocks["response"].due == date(2026, 12, 30)


def test_mo_end_of_third_business_day() -> None:
    """RSMo 610.023.3: "no later than the end of the third business day following the date the
    request is received". Received Wed 2026-11-25.

    Skip Thu 11-26 (Thanksgiving, RSMo 9.010); 1 Fri 11-27 (open in Missouri); 2 Mon 11-30,
    3 Tue 12-01.
    """
    clocks = compute_clocks(get_law("MO"), date(2026, 11, 25))
    assert clocks["response"].due == date(2026, 12, 1)


def test_mo_lincolns_birthday_is_closed() -> None:
    """RSMo 610.023.3 with Lincoln Day, Feb 12 (RSMo 9.010). Received Wed 2027-02-10.

    1 Thu 02-11; skip Fri 02-12 (Lincoln's Birthday); skip Mon 02-15 (Washington's Birthday);
    2 Tue 02-16, 3 Wed 02-17.
    """
    clocks = compute_clocks(get_law("MO"), date(2027, 2, 10))
    assert clocks["response"].due == date(2027, 2, 17)


def test_ms_seven_working_days() -> None:
    """Miss. Code § 25-61-5(1)(b): "within seven (7) working days". Received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving, § 3-3-7); 4 Fri 11-27
    (not a Mississippi holiday); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02.
    """
    clocks = compute_clocks(get_law("MS"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 2)


def test_nd_thirty_day_attorney_general_review() -> None:
    """N.D. Cent. Code § 44-04-21.1(1): an AG opinion "must be made within thirty days of the
    alleged violation" (ninety days only for a meeting held without notice).

    From a denial on Fri 2026-11-20: Nov 21-30 is 10 days, Dec 20 is day 30, a Sunday; § 1-02-15
    excludes a last day that is a holiday (Sunday is one, § 1-03-01(1)): Mon 2026-12-21.
    """
    clocks = compute_clocks(
        get_law("ND"), FRI_BEFORE_THANKSGIVING, determination=FRI_BEFORE_THANKSGIVING
    )
    assert clocks["appeal"].due == date(2026, 12, 21)


def test_ne_four_business_days_across_thanksgiving() -> None:
    """Neb. Rev. Stat. § 84-712(4): "not more than four business days after actual receipt".

    Received Fri 2026-11-20. 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26
    (Thanksgiving) and Fri 11-27 (day after Thanksgiving, § 62-301); 4 Mon 11-30.
    """
    clocks = compute_clocks(get_law("NE"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 11, 30)


def test_ne_arbor_day_is_closed() -> None:
    """§ 84-712(4) with Arbor Day, the last Friday in April (§ 62-301). Received Thu 2027-04-29.

    Skip Fri 04-30 (Arbor Day); 1 Mon 05-03, 2 Tue 05-04, 3 Wed 05-05, 4 Thu 05-06.
    """
    clocks = compute_clocks(get_law("NE"), date(2027, 4, 29))
    assert clocks["response"].due == date(2027, 5, 6)


def test_nh_five_business_days() -> None:
    """RSA 91-A:4, IV(b): "within 5 business days of a request". Received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving, RSA 288:1); 4 Fri
    11-27 (not a legal holiday in RSA 288:1: the earlier date is counted), 5 Mon 11-30.
    """
    clocks = compute_clocks(get_law("NH"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 11, 30)
    assert clocks["acknowledgment"].due == date(2026, 11, 30)


def test_nj_seven_business_days_and_deemed_denial() -> None:
    """N.J.S.A. 47:1A-5(i): seven business days, then deemed denied. Received Fri 2026-11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving, N.J.S.A. 36:1-1);
    4 Fri 11-27 (open in New Jersey); 5 Mon 11-30, 6 Tue 12-01, 7 Wed 12-02.
    """
    clocks = compute_clocks(get_law("NJ"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 2)
    assert clocks["deemed_denial"].due == date(2026, 12, 2)


def test_nj_grc_complaint_within_45_calendar_days() -> None:
    """N.J.S.A. 47:1A-6 as amended by P.L.2024, c.16: 45 calendar days, or the next business day.

    Denied Wed 2026-12-02 (day 0): Dec 31 is day 29, so day 45 is Sat 2027-01-16; Sun 01-17 and
    Mon 01-18 (Martin Luther King Jr. Day, N.J.S.A. 36:1-1) are passed over → Tue 2027-01-19.
    """
    clocks = compute_clocks(get_law("NJ"), FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 2))
    assert clocks["appeal"].count == 45 and clocks["appeal"].unit == "calendar"
    assert clocks["appeal"].due == date(2027, 1, 19)


def test_nj_lincolns_birthday_and_odd_year_election_day() -> None:
    """N.J.S.A. 47:1A-5(i) with N.J.S.A. 36:1-1 holidays.

    Received Wed 2027-02-10: 1 Thu 02-11; skip Fri 02-12 (Lincoln's Birthday) and Mon 02-15
    (Washington's Birthday); 2 Tue 02-16, 3 Wed 02-17, 4 Thu 02-18, 5 Fri 02-19, 6 Mon 02-22,
    7 Tue 02-23.
    Received Fri 2027-10-29: 1 Mon 11-01; skip Tue 11-02 (general election day, every year);
    2 Wed 11-03, 3 Thu 11-04, 4 Fri 11-05, 5 Mon 11-08, 6 Tue 11-09, 7 Wed 11-10.
    """
    law = get_law("NJ")
    assert compute_clocks(law, date(2027, 2, 10))["response"].due == date(2027, 2, 23)
    assert compute_clocks(law, date(2027, 10, 29))["response"].due == date(2027, 11, 10)


def test_nm_three_business_days_and_fifteen_days() -> None:
    """NMSA §§ 14-2-8(D), 14-2-11(A); § 12-2A-7. Received Tue 2026-11-24.

    Three business days (the statute's words): 1 Wed 11-25; skip Thu 11-26 (Thanksgiving);
    2 Fri 11-27 (not a legal holiday under § 12-5-2), 3 Mon 11-30.
    Fifteen days are calendar days (§ 12-2A-7(E) skips weekends only for periods under eleven
    days): Nov 25-30 is 6 days, so day 15 is Wed 2026-12-09, a business day.
    """
    clocks = compute_clocks(get_law("NM"), TUE_BEFORE_THANKSGIVING)
    assert clocks["acknowledgment"].due == date(2026, 11, 30)
    assert clocks["response"].due == date(2026, 12, 9)
    assert clocks["deemed_denial"].due == date(2026, 12, 9)


def test_nm_fifteen_days_ending_on_a_saturday_rolls_to_monday() -> None:
    """NMSA § 14-2-8(D) with § 12-2A-7(F). Received Fri 2026-11-20.

    Nov 21-30 is 10 days, so day 15 is Sat 2026-12-05; § 12-2A-7(F) moves a last day on a
    Saturday to the next day that is not a Saturday, Sunday or legal holiday: Mon 2026-12-07.
    """
    clocks = compute_clocks(get_law("NM"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 7)


def test_nv_five_business_days_across_family_day() -> None:
    """NRS 239.0107(1): "not later than the end of the fifth business day". Received Fri 11-20.

    1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26 (Thanksgiving) and Fri 11-27 (Family
    Day, NRS 236.015); 4 Mon 11-30, 5 Tue 12-01.
    """
    clocks = compute_clocks(get_law("NV"), FRI_BEFORE_THANKSGIVING)
    assert clocks["response"].due == date(2026, 12, 1)


def test_nv_nevada_day_is_closed() -> None:
    """NRS 239.0107(1) with Nevada Day, the last Friday in October. Received Wed 2026-10-28.

    1 Thu 10-29; skip Fri 10-30 (Nevada Day); 2 Mon 11-02, 3 Tue 11-03 (Election Day is not a
    Nevada closure), 4 Wed 11-04, 5 Thu 11-05.
    """
    clocks = compute_clocks(get_law("NV"), date(2026, 10, 28))
    assert clocks["response"].due == date(2026, 11, 5)


def test_ny_five_business_days_and_thirty_day_appeal() -> None:
    """N.Y. Pub. Off. Law § 89(3)(a), (4)(a); Gen. Constr. Law §§ 24, 25-a.

    Received Fri 2026-11-20: 1 Mon 11-23, 2 Tue 11-24, 3 Wed 11-25; skip Thu 11-26
    (Thanksgiving); 4 Fri 11-27 (not a New York public holiday); 5 Mon 11-30 = acknowledgment due.
    Grant or deny within twenty business days of the acknowledgment; none recorded, so counted
    from Mon 11-30 (provisional): Dec 1-4 (4), 7-11 (9), 14-18 (14), 21-24 (18), skip Fri 12-25
    (Christmas), Mon 12-28 (19), Tue 12-29 (20).
    Appeal within thirty days of a denial on Fri 2026-12-04: Dec 5-31 is 27 days, so day 30 is
    Sun 2027-01-03; § 25-a moves it to the next business day, Mon 2027-01-04.
    """
    clocks = compute_clocks(get_law("NY"), FRI_BEFORE_THANKSGIVING, determination=date(2026, 12, 4))
    assert clocks["acknowledgment"].due == date(2026, 11, 30)
    assert clocks["response"].due == date(2026, 12, 29)
    assert clocks["response"].provisional
    assert clocks["appeal"].due == date(2027, 1, 4)


def test_ny_response_runs_from_the_recorded_acknowledgment() -> None:
    """§ 89(3)(a): acknowledged Wed 2026-11-25. Twenty business days: skip Thu 11-26
    (Thanksgiving); Fri 11-27 (1), Nov 30-Dec 4 (6), 7-11 (11), 14-18 (16), 21-24 (20) =
    Thu 2026-12-24, no longer provisional."""
    clocks = compute_clocks(
        get_law("NY"),
        FRI_BEFORE_THANKSGIVING,
        events=[ClockEvent("acknowledged", date(2026, 11, 25))],
    )
    assert clocks["response"].due == date(2026, 12, 24)
    assert not clocks["response"].provisional


def test_ny_election_day_is_a_public_holiday() -> None:
    """§ 89(3)(a) with Gen. Constr. Law § 24 ("each general election day"). Received Fri 10-30.

    1 Mon 11-02; skip Tue 11-03 (Election Day); 2 Wed 11-04, 3 Thu 11-05, 4 Fri 11-06, 5 Mon 11-09.
    """
    clocks = compute_clocks(get_law("NY"), date(2026, 10, 30))
    assert clocks["acknowledgment"].due == date(2026, 11, 9)


def test_ny_saturday_holiday_is_not_moved_to_friday() -> None:
    """Gen. Constr. Law § 24 moves only Sunday holidays. Received Mon 2026-06-29.

    1 Tue 06-30, 2 Wed 07-01, 3 Thu 07-02, 4 Fri 07-03 (a business day: July 4 is a Saturday),
    5 Mon 07-06.
    """
    clocks = compute_clocks(get_law("NY"), date(2026, 6, 29))
    assert clocks["acknowledgment"].due == date(2026, 7, 6)


def test_ny_sunday_holiday_closes_the_monday() -> None:
    """Pub. Off. Law § 89(3)(a) with Gen. Constr. Law § 24: July 4 2027 is a Sunday, so Monday
    07-05 is a public holiday. Received Wed 2027-06-30: Thu 07-01 (1), Fri 07-02 (2), Mon 07-05
    skipped, Tue 07-06 (3), Wed 07-07 (4), Thu 07-08 (5).
    """
    clocks = compute_clocks(get_law("NY"), date(2027, 6, 30))
    assert clocks["acknowledgment"].due == date(2027, 7, 8)


def test_ma_sunday_holiday_closes_the_monday() -> None:
    """G.L. c. 66, § 10(a) with c. 4, § 7, cl. 18 (July fourth on a Sunday: the day following).
    Received Fri 2027-06-25: Jun 28 (1), 29 (2), 30 (3), Jul 1 (4), 2 (5); Mon 07-05 skipped;
    Jul 6 (6), 7 (7), 8 (8), 9 (9), Mon 07-12 (10).
    """
    clocks = compute_clocks(get_law("MA"), date(2027, 6, 25))
    assert clocks["response"].due == date(2027, 7, 12)

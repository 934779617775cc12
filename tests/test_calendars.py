"""Closure calendars: the federal observed holidays, Inauguration Day, state lists, extras."""

from dataclasses import replace
from datetime import date

import pytest

from records.laws import get_law
from records.laws.calendars import (
    CALENDAR_VERSION,
    BusinessCalendar,
    add_business_days,
    add_calendar_days,
    build_count,
    business_calendar,
    business_days_between,
    closure_days,
    inauguration_day,
)
from records.laws.model import Calendar, ExtraDay, Source


def weekday_closures(code: str, year: int, component: str | None = None) -> list[date]:
    law = get_law(code)
    return sorted(d for d in closure_days(law, year, component=component) if d.weekday() < 5)


def test_federal_observed_holidays_2026() -> None:
    # 5 U.S.C. § 6103(a); Sat Jul 4 is observed Fri Jul 3 (§ 6103(b)(1)).
    assert weekday_closures("US", 2026) == [
        date(2026, 1, 1),
        date(2026, 1, 19),
        date(2026, 2, 16),
        date(2026, 5, 25),
        date(2026, 6, 19),
        date(2026, 7, 3),
        date(2026, 9, 7),
        date(2026, 10, 12),
        date(2026, 11, 11),
        date(2026, 11, 26),
        date(2026, 12, 25),
    ]


def test_federal_observed_holidays_2027_include_new_year_observed_in_december() -> None:
    # Sat Jun 19 -> Fri Jun 18; Sun Jul 4 -> Mon Jul 5; Sat Dec 25 -> Fri Dec 24;
    # Sat 2028-01-01 -> Fri 2027-12-31, which belongs to the 2027 calendar.
    assert weekday_closures("US", 2027) == [
        date(2027, 1, 1),
        date(2027, 1, 18),
        date(2027, 2, 15),
        date(2027, 5, 31),
        date(2027, 6, 18),
        date(2027, 7, 5),
        date(2027, 9, 6),
        date(2027, 10, 11),
        date(2027, 11, 11),
        date(2027, 11, 25),
        date(2027, 12, 24),
        date(2027, 12, 31),
    ]
    assert closure_days(get_law("US"), 2027)[date(2027, 12, 31)] == "New Year's Day (observed)"


def test_federal_2028_has_no_weekday_new_year_and_moves_veterans_day() -> None:
    # Jan 1 2028 is a Saturday (observed in 2027); Sat Nov 11 2028 is observed Fri Nov 10.
    assert weekday_closures("US", 2028) == [
        date(2028, 1, 17),
        date(2028, 2, 21),
        date(2028, 5, 29),
        date(2028, 6, 19),
        date(2028, 7, 4),
        date(2028, 9, 4),
        date(2028, 10, 9),
        date(2028, 11, 10),
        date(2028, 11, 23),
        date(2028, 12, 25),
    ]


def test_federal_calendar_drops_package_extras() -> None:
    names = set(closure_days(get_law("US"), 2026).values())
    for optional in ("Christmas Eve", "New Year's Eve", "Halloween", "Good Friday"):
        assert optional not in names


def test_inauguration_day_dates() -> None:
    assert inauguration_day(2025) == date(2025, 1, 20)
    assert inauguration_day(2013) == date(2013, 1, 21)  # Jan 20 2013 was a Sunday
    assert inauguration_day(2029) == date(2029, 1, 20)  # a Saturday: no in-lieu Friday
    assert inauguration_day(2033) == date(2033, 1, 20)
    assert inauguration_day(2026) is None
    assert inauguration_day(1965) is None


def test_inauguration_closes_dhs_only() -> None:
    us = get_law("US")
    assert closure_days(us, 2033, component="DHS")[date(2033, 1, 20)] == "Inauguration Day"
    assert date(2033, 1, 20) not in closure_days(us, 2033, component="DOJ")
    assert date(2033, 1, 20) not in closure_days(us, 2033)


def test_inauguration_2029_on_saturday_adds_no_weekday_closure() -> None:
    us = get_law("US")
    dhs = closure_days(us, 2029, component="DHS")
    assert dhs[date(2029, 1, 20)] == "Inauguration Day"
    assert date(2029, 1, 19) not in dhs
    assert weekday_closures("US", 2029, "DHS") == weekday_closures("US", 2029)


def test_inauguration_2013_moves_to_monday_and_2025_shares_mlk_day() -> None:
    us = get_law("US")
    assert "Inauguration Day" in closure_days(us, 2013, component="DHS")[date(2013, 1, 21)]
    label_2025 = closure_days(us, 2025, component="DHS")[date(2025, 1, 20)]
    assert label_2025 == "Martin Luther King Jr. Day; Inauguration Day"


def test_unknown_component_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no component 'FBI'"):
        closure_days(get_law("US"), 2026, component="FBI")


def synthetic(calendar: Calendar):
    """The federal entry with a different calendar (and its own cache key)."""
    return replace(get_law("US"), code="ZZ", calendar=calendar)


def test_state_list_keeps_only_named_days_no_diwali() -> None:
    # The package's California list includes Diwali (2026-11-08) and other optional days;
    # a calendar naming only closures must leave them out.
    law = synthetic(
        Calendar(
            closure_days=("New Year's Day", "Cesar Chavez Day", "Day After Thanksgiving"),
            subdiv="CA",
            source=Source("test"),
        )
    )
    closed = closure_days(law, 2026)
    assert closed == {
        date(2026, 1, 1): "New Year's Day",
        date(2026, 3, 31): "Cesar Chavez Day",
        date(2026, 11, 27): "Day After Thanksgiving",
    }


def test_california_entry_has_no_diwali() -> None:
    closed = closure_days(get_law("CA"), 2026)
    assert date(2026, 11, 8) not in closed
    assert not any("Diwali" in name for name in closed.values())


def test_extra_days_fixed_rules_and_years() -> None:
    law = synthetic(
        Calendar(
            closure_days=(),
            source=Source("test"),
            extra=(
                ExtraDay(name="Lincoln's Birthday", date="02-12"),
                ExtraDay(name="Day after Thanksgiving", rule="thanksgiving+1"),
                ExtraDay(name="Election Day", rule="election-day", years="even"),
                ExtraDay(name="Day after Christmas", date="12-26", observed="all"),
            ),
        )
    )
    # 2026: Thanksgiving Nov 26 -> Nov 27; first Monday of Nov is the 2nd -> Election Tue Nov 3;
    # Dec 26 2026 is a Saturday -> observed Fri Dec 25.
    assert closure_days(law, 2026) == {
        date(2026, 2, 12): "Lincoln's Birthday",
        date(2026, 11, 3): "Election Day",
        date(2026, 11, 27): "Day after Thanksgiving",
        date(2026, 12, 25): "Day after Christmas (observed)",
    }
    # 2027 is odd: no Election Day; Dec 26 2027 is a Sunday -> Mon Dec 27.
    closed_2027 = closure_days(law, 2027)
    assert date(2027, 11, 2) not in closed_2027
    assert closed_2027[date(2027, 12, 27)] == "Day after Christmas (observed)"
    # Nov 1 2028 is a Wednesday: first Monday Nov 6, Election Day Tue Nov 7.
    assert closure_days(law, 2028)[date(2028, 11, 7)] == "Election Day"


def test_observed_false_keeps_weekend_holidays_on_their_day() -> None:
    law = synthetic(
        Calendar(closure_days=("Independence Day",), source=Source("test"), observed="none")
    )
    assert closure_days(law, 2026) == {date(2026, 7, 4): "Independence Day"}


def test_sunday_only_moves_sunday_holidays_and_leaves_saturday_ones() -> None:
    law = synthetic(
        Calendar(
            closure_days=("Independence Day", "Christmas Day"),
            source=Source("test"),
            observed="sunday_only",
        )
    )
    # Sat 2026-07-04 stays put (no Friday stand-in); Sun 2027-07-04 closes Mon 2027-07-05;
    # Sat 2027-12-25 stays put.
    assert closure_days(law, 2026) == {
        date(2026, 7, 4): "Independence Day",
        date(2026, 12, 25): "Christmas Day",
    }
    assert closure_days(law, 2027) == {
        date(2027, 7, 4): "Independence Day",
        date(2027, 7, 5): "Independence Day (observed)",
        date(2027, 12, 25): "Christmas Day",
    }


def test_sunday_only_extra_day() -> None:
    law = synthetic(
        Calendar(
            closure_days=(),
            source=Source("test"),
            extra=(ExtraDay(name="Lincoln's Birthday", date="02-12", observed="sunday_only"),),
        )
    )
    # Feb 12 2023 was a Sunday -> Mon Feb 13; Feb 12 2028 is a Saturday and does not move.
    assert closure_days(law, 2023) == {date(2023, 2, 13): "Lincoln's Birthday (observed)"}
    assert closure_days(law, 2028) == {date(2028, 2, 12): "Lincoln's Birthday"}


@pytest.mark.parametrize("code", ["NY", "MA"])
def test_ny_and_ma_close_the_monday_after_a_sunday_holiday_only(code: str) -> None:
    # N.Y. Gen. Constr. Law § 24 ("if any of such days except Flag day is Sunday, the next day
    # thereafter"); Mass. G.L. c. 4, § 7, cl. 18 ("or the day following when any of said days
    # occurs on Sunday"). Sun 2027-07-04 -> Mon 07-05 closed; Sat 2026-07-04 -> Fri 07-03 open;
    # Sat 2027-12-25 -> Fri 12-24 open; Sat 2028-01-01 -> Fri 2027-12-31 open.
    law = get_law(code)
    assert law.calendar.observed == "sunday_only"
    closed_2027 = closure_days(law, 2027)
    assert closed_2027[date(2027, 7, 5)] == "Independence Day (observed)"
    assert date(2027, 12, 24) not in closed_2027
    assert date(2027, 12, 31) not in closed_2027
    assert date(2026, 7, 3) not in closure_days(law, 2026)


def test_a_name_is_matched_only_in_its_own_category() -> None:
    # Georgia's "public" list has "Washington's Birthday" in December; the package's
    # "government" (federal) list has a day of the same name in February.
    def georgia(categories: tuple[tuple[str, str], ...]):
        return synthetic(
            Calendar(
                closure_days=("Washington's Birthday",),
                subdiv="GA",
                source=Source("test"),
                categories=categories,
            )
        )

    assert closure_days(georgia(()), 2026) == {date(2026, 12, 24): "Washington's Birthday"}
    federal = closure_days(georgia((("Washington's Birthday", "government"),)), 2026)
    assert federal == {date(2026, 2, 16): "Washington's Birthday"}


@pytest.mark.parametrize(
    ("code", "december", "february"),
    [
        # O.C.G.A. § 1-4-1(b): the Governor fixes the closure days; Georgia observes
        # Washington's Birthday on Thu 2026-12-24 and Thu 2027-12-23, not in February.
        ("GA", [date(2026, 12, 24), date(2027, 12, 23)], [date(2026, 2, 16), date(2027, 2, 15)]),
        # IC 1-1-9-1 and the Governor's schedule (State Personnel Department): the same dates.
        ("IN", [date(2026, 12, 24), date(2027, 12, 23)], [date(2026, 2, 16), date(2027, 2, 15)]),
    ],
)
def test_ga_and_in_washingtons_birthday_closes_in_december_only(
    code: str, december: list[date], february: list[date]
) -> None:
    law = get_law(code)
    for day in december:
        assert closure_days(law, day.year)[day] == "Washington's Birthday"
    for day in february:
        assert day not in closure_days(law, day.year), f"{code} closed on federal {day}"
    names = [n for y in (2026, 2027) for n in closure_days(law, y).values()]
    assert names.count("Washington's Birthday") == 2


def test_indiana_lincolns_birthday_is_the_day_after_thanksgiving_only() -> None:
    # Indiana observes Lincoln's Birthday on Fri 2026-11-27, not on Thu 2026-02-12.
    closed = closure_days(get_law("IN"), 2026)
    assert closed[date(2026, 11, 27)] == "Lincoln's Birthday"
    assert date(2026, 2, 12) not in closed


def test_calendars_are_built_once_and_cached() -> None:
    us = get_law("US")
    first = closure_days(us, 2031)
    before = build_count()
    assert closure_days(us, 2031) is first
    # DOJ has no inauguration flag, so it shares the federal calendar.
    assert closure_days(us, 2031, component="DOJ") is first
    assert build_count() == before
    assert business_calendar(us) is business_calendar(us, "DOJ")


def test_calendar_version_names_package_and_data() -> None:
    assert CALENDAR_VERSION.startswith("holidays-")
    assert "+laws-" in CALENDAR_VERSION


def test_business_days_day_zero_and_weekends() -> None:
    closed: dict[date, str] = {}
    friday = date(2026, 3, 6)
    assert add_business_days(friday, 0, closed) == (friday, ())
    # Day 0 is Friday; Saturday and Sunday do not count; Monday is day 1.
    assert add_business_days(friday, 1, closed) == (date(2026, 3, 9), ())
    assert add_business_days(friday, 5, closed) == (date(2026, 3, 13), ())


def test_business_days_report_named_closures() -> None:
    due, skipped = add_business_days(date(2026, 7, 1), 3, business_calendar(get_law("US")))
    # Wed Jul 1 day 0; Thu Jul 2 day 1; Fri Jul 3 closed (observed); Sat Jul 4 a holiday
    # on a weekend; Mon Jul 6 day 2; Tue Jul 7 day 3.
    assert due == date(2026, 7, 7)
    assert skipped == (
        (date(2026, 7, 3), "Independence Day (observed)"),
        (date(2026, 7, 4), "Independence Day"),
    )


def test_business_days_cross_years() -> None:
    cal = BusinessCalendar.from_mapping({})
    # Mon 2026-12-28 + 5 business days: Dec 29, 30, 31, Jan 1 (no closures here), Jan 4.
    assert add_business_days(date(2026, 12, 28), 5, cal)[0] == date(2027, 1, 4)
    assert business_days_between(date(2026, 12, 28), date(2027, 1, 4), cal) == 5


def test_negative_counts_are_rejected() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_business_days(date(2026, 1, 5), -1, {})
    with pytest.raises(ValueError, match="negative"):
        add_calendar_days(date(2026, 1, 5), -1, "next_business_day", {})


def test_calendar_days_roll_forward_only_when_the_law_says_so() -> None:
    cal = business_calendar(get_law("US"))
    # Wed Jul 1 2026 + 3 days = Sat Jul 4 (also Independence Day).
    assert add_calendar_days(date(2026, 7, 1), 3, "not_specified", cal) == (date(2026, 7, 4), ())
    due, moved = add_calendar_days(date(2026, 7, 1), 3, "next_business_day", cal)
    assert due == date(2026, 7, 6)
    assert moved == (
        (date(2026, 7, 4), "Independence Day (Saturday)"),
        (date(2026, 7, 5), "Sunday"),
    )


def test_nth_weekday_rule_and_its_validation() -> None:
    """ "nth-weekday:MM:N:DAY" names e.g. the fourth Friday in September; bad rules are refused."""
    from records.laws import LawDataError, _extra_day
    from records.laws.calendars import _nth_weekday

    assert _nth_weekday(2026, "nth-weekday:09:4:fri") == date(2026, 9, 25)
    assert _nth_weekday(2027, "nth-weekday:09:4:fri") == date(2027, 9, 24)
    assert _nth_weekday(2026, "nth-weekday:05:last:mon") == date(2026, 5, 25)
    for bad in ("nth-weekday:13:1:mon", "nth-weekday:09:6:fri", "nth-weekday:09:4:friday"):
        with pytest.raises(LawDataError, match="nth-weekday"):
            _extra_day({"name": "X", "rule": bad}, "test")

"""Each state's closure days against its holiday statute, and deadlines counted by hand.

``STATUTES`` is a second, independent reading of each state's legal-holiday statute, written
from the statute's words as quoted in the law entry's ``[calendar] text``: which days, and how a
holiday on a Saturday or Sunday moves. ``statute_days`` turns it into dates without the product's
calendar code, and the product's closure days must be exactly those weekdays, year after year.

Every expected date in the deadline tests was counted by hand on a calendar from the statute
named in the test, not produced by running the code. Day 0 is the day of receipt; counting starts
the next day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from records.deadlines.engine import compute_clocks
from records.laws import get_law
from records.laws.calendars import closure_days

D = date.fromisoformat
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
YEARS = range(2026, 2033)


@dataclass(frozen=True)
class Day:
    """One holiday as a statute names it: a fixed date or the Nth weekday of a month."""

    name: str
    month: int
    day: int | None = None  # a fixed date
    nth: int | None = None  # 1-5, or -1 for the last
    weekday: int | None = None
    after: int = 0  # days after the named weekday (the day after Thanksgiving: +1)
    easter: int | None = None  # days from Easter Sunday (Good Friday: -2); month is ignored
    # How this day moves off a weekend when it differs from the statute's general rule.
    moves: str | None = None
    years: str = "all"  # "even" / "odd" for biennial days


@dataclass(frozen=True)
class Statute:
    """A holiday statute: its days, and how a weekend holiday moves ("all", "sunday", "none")."""

    days: tuple[Day, ...]
    moves: str
    # When the general election day is a holiday: "all", "even" or "presidential" (years
    # divisible by four).
    election_day: str = ""
    # Days a statute moves in a way the other fields cannot say, listed by hand (ISO dates).
    dates: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _nth(year: int, month: int, nth: int, weekday: int) -> date:
    first = date(year, month, 1)
    if nth > 0:
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Easter Sunday (the anonymous Gregorian computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _moved(day: date, rule: str) -> date:
    if day.weekday() == SAT and rule == "all":
        return day - timedelta(days=1)
    if day.weekday() == SUN and rule in ("all", "sunday"):
        return day + timedelta(days=1)
    return day


def statute_days(statute: Statute, year: int) -> set[date]:
    """Weekdays in ``year`` that ``statute`` makes holidays (weekends are closed anyway)."""
    found: set[date] = set()
    for y in (year - 1, year, year + 1):
        for d in statute.days:
            if (d.years == "even" and y % 2) or (d.years == "odd" and not y % 2):
                continue
            if d.easter is not None:
                base = _easter(y) + timedelta(days=d.easter)
            elif d.day is not None:
                base = date(y, d.month, d.day)
            else:
                assert d.nth is not None and d.weekday is not None
                base = _nth(y, d.month, d.nth, d.weekday) + timedelta(days=d.after)
            found.add(_moved(base, d.moves or statute.moves))
        if (
            statute.election_day == "all"
            or (statute.election_day == "even" and not y % 2)
            or (statute.election_day == "presidential" and not y % 4)
        ):
            found.add(_nth(y, 11, 1, MON) + timedelta(days=1))
    found.update(D(d) for d in statute.dates)
    return {d for d in found if d.year == year and d.weekday() < SAT}


def product_days(code: str, year: int) -> set[date]:
    """The product's closure weekdays for ``code`` in ``year``."""
    return {d for d in closure_days(get_law(code), year) if d.weekday() < SAT}


NEW_YEAR = Day("New Year's Day", 1, 1)
MLK = Day("Martin Luther King Jr. Day", 1, nth=3, weekday=MON)
WASHINGTON = Day("Washington's Birthday", 2, nth=3, weekday=MON)
MEMORIAL = Day("Memorial Day", 5, nth=-1, weekday=MON)
JUNETEENTH = Day("Juneteenth", 6, 19)
INDEPENDENCE = Day("Independence Day", 7, 4)
LABOR = Day("Labor Day", 9, nth=1, weekday=MON)
COLUMBUS = Day("Columbus Day", 10, nth=2, weekday=MON)
VETERANS = Day("Veterans Day", 11, 11)
THANKSGIVING = Day("Thanksgiving Day", 11, nth=4, weekday=THU)
DAY_AFTER_THANKSGIVING = Day("Day after Thanksgiving", 11, nth=4, weekday=THU, after=1)
CHRISTMAS = Day("Christmas Day", 12, 25)
GOOD_FRIDAY = Day("Good Friday", 0, easter=-2)

STATUTES: dict[str, Statute] = {
    # AS 44.12.010(a)(1)-(11), Juneteenth added by SB 22 (2024); § 44.12.020: a Sunday holiday
    # makes the Monday a holiday too.
    "AK": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            Day("Seward's Day", 3, nth=-1, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Alaska Day", 10, 18),
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
    # Ark. Code Ann. § 1-5-101(a)(1)-(10) (the employee's birthday closes no office); (b): Saturday
    # to Friday, Sunday to Monday.
    "AR": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            Day("Christmas Eve", 12, 24),
            CHRISTMAS,
        ),
        moves="all",
    ),
    # 1 Del. C. § 501(a)-(b), Juneteenth as amended; Saturday to Friday, Sunday to Monday. Return
    # Day is a Sussex County half-day and closes no office for the whole day.
    "DE": Statute(
        days=(
            NEW_YEAR,
            MLK,
            GOOD_FRIDAY,
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="even",
    ),
    # Haw. Rev. Stat. § 8-1 (general election days are holidays; primary and special ones are
    # not); § 8-2: Saturday to Friday, Sunday to Monday.
    "HI": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            Day("Prince Jonah Kuhio Kalanianaole Day", 3, 26),
            GOOD_FRIDAY,
            MEMORIAL,
            Day("King Kamehameha I Day", 6, 11),
            INDEPENDENCE,
            Day("Statehood Day", 8, nth=3, weekday=FRI),
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="even",
    ),
    # Iowa Code § 1C.2(1), the days state offices close; (3): Saturday to Friday, Sunday to Monday.
    "IA": Statute(
        days=(
            NEW_YEAR,
            MLK,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # Idaho Code § 73-108: Saturday to Friday, Sunday to Monday.
    "ID": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # K.S.A. § 45-217: not a business day if Congress (5 U.S.C. § 6103(a), with § 6103(b)'s
    # weekend rule) or the Legislature (§ 35-107, all of them federal days too) designates it.
    "KS": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # KRS 18A.190(1) without the governor's three "extra" days and the Good Friday half day;
    # (h) presidential election day (KRS 2.190); (2): Saturday to Friday, Sunday to Monday.
    "KY": Statute(
        days=(
            NEW_YEAR,
            MLK,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="presidential",
    ),
    # La. R.S. 1:55(A)(1), the days of it that state offices close; no weekend rule was read.
    "LA": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            Day("Mardi Gras", 0, easter=-47),
            GOOD_FRIDAY,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="none",
    ),
    # Md. SPP § 9-201 as the entry records it (with American Indian Heritage Day and statewide
    # general election days); § 9-204(b): Saturday to Friday, Sunday to Monday.
    "MD": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="even",
    ),
    # 4 M.R.S. § 1051 (P.L. 2021, c. 140): a Sunday holiday is observed on the Monday after.
    "ME": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            Day("Patriot's Day", 4, nth=3, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Indigenous Peoples Day", 10, nth=2, weekday=MON),
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
    # Minn. Stat. § 645.44, subd. 5, less the two days each body chooses (Indigenous Peoples Day
    # and the Friday after Thanksgiving); the fixed-date holidays move off a weekend.
    "MN": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # Miss. Code § 3-3-7(1): a Sunday holiday makes the next day a holiday; Saturdays stay.
    "MS": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            Day("Confederate Memorial Day", 4, nth=-1, weekday=MON),
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
    # Mont. Code § 1-1-216(1)(b)-(l); (2): Saturday to Friday, Sunday to Monday.
    "MT": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="even",
    ),
    # NMSA 1978, § 12-5-2 (A-J); § 12-5-3: a Sunday holiday is kept on the Monday.
    "NM": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Washington's and Lincoln's birthday, President's day", 2, nth=3, weekday=MON),
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            Day("Indigenous Peoples' day", 10, nth=2, weekday=MON),
            Day("Armistice day and Veterans' day", 11, 11),
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
    # Va. Code Ann. § 2.2-3300: Election Day every year, the Friday after Thanksgiving; a Saturday
    # holiday is kept on the Friday before, a Sunday one on the Monday after.
    "VA": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("George Washington Day", 2, nth=3, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Columbus Day and Yorktown Victory Day", 10, nth=2, weekday=MON),
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        election_day="all",
    ),
    # Wis. Stat. § 230.35(4)(a): the nine days state offices close; January 1, July 4 and
    # December 25 move off a Sunday to the Monday, nothing moves off a Saturday.
    "WI": Statute(
        days=(
            NEW_YEAR,
            MLK,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            THANKSGIVING,
            Day("December 24", 12, 24, moves="none"),
            CHRISTMAS,
            Day("December 31", 12, 31, moves="none"),
        ),
        moves="sunday",
    ),
    # Or. Rev. Stat. § 187.010: no Columbus Day; Saturday holidays on the Friday, Sunday on Monday.
    "OR": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents Day", 2, nth=3, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # S.C. Code Ann. § 53-5-10: fixed dates and Mondays, none moved off a weekend.
    "SC": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("George Washington's birthday/President's Day", 2, nth=3, weekday=MON),
            Day("Confederate Memorial Day", 5, 10),
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            Day("December 24", 12, 24),
            CHRISTMAS,
            Day("December 26", 12, 26),
        ),
        moves="none",
    ),
    # NRS 236.015: Nevada Day (last Friday in October), Family Day; fixed dates move off weekends.
    "NV": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Washington's birthday", 2, nth=3, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Nevada Day", 10, nth=-1, weekday=FRI),
            VETERANS,
            THANKSGIVING,
            Day("Family Day", 11, nth=4, weekday=THU, after=1),
            CHRISTMAS,
        ),
        moves="all",
    ),
    # Utah Code Ann. § 63G-1-301: Pioneer Day; fixed dates move off weekends; Juneteenth is
    # handled apart (it moves to a Monday), see test_ut_juneteenth_is_kept_on_a_monday.
    "UT": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            MEMORIAL,
            INDEPENDENCE,
            Day("Pioneer Day", 7, 24),
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
        # Juneteenth under § 63G-1-301(2)(c)-(d), worked out by hand on a calendar: June 19 is
        # Fri 2026 (Mon before: 06-15), Sat 2027 (Mon after: 06-21), Mon 2028 (itself), Tue 2029
        # (06-18), Wed 2030 (06-17), Thu 2031 (06-16), Sat 2032 (06-21).
        dates=(
            "2026-06-15",
            "2027-06-21",
            "2028-06-19",
            "2029-06-18",
            "2030-06-17",
            "2031-06-16",
            "2032-06-21",
        ),
    ),
    # Ohio Rev. Code § 1.14: eleven days, Juneteenth among them; none moves off a Saturday.
    "OH": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Washington-Lincoln day", 2, nth=3, weekday=MON),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
    # N.D. Cent. Code § 1-03-01 (Good Friday; no Juneteenth, no Columbus Day); §§ 1-03-02 and
    # 1-03-02.1: the fixed-date holidays move Sunday to Monday and Saturday to Friday.
    "ND": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            GOOD_FRIDAY,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # Neb. Rev. Stat. § 84-1001(3)-(4): the days of § 25-2221 (Arbor Day, Juneteenth, the day
    # after Thanksgiving); Saturday to Friday, Sunday to Monday.
    "NE": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            Day("Arbor Day", 4, nth=-1, weekday=FRI),
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Indigenous Peoples' Day and Columbus Day", 10, nth=2, weekday=MON),
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # RSA 288:1, less Columbus Day (state offices are not known to close; the earlier date);
    # the biennial election day; no weekend rule.
    "NH": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="none",
        election_day="even",
    ),
    # 25 O.S. § 82.1(A): the day after Thanksgiving; Saturday to Friday, Sunday to Monday. For
    # Christmas the section names its own days: the Friday before a Saturday Christmas and the
    # Monday after a Sunday one are counted; the Thursday before, the Tuesday after and the
    # weekday-Christmas companion day the Governor picks cannot be written in the schema and
    # stay open (the earlier date), see test_ok_saturday_christmas.
    "OK": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            DAY_AFTER_THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # R.I. Gen. Laws § 25-1-1: Victory Day, even-year election day; January 1, July 4, November
    # 11 and December 25 on a Saturday or Sunday are kept on the following Monday. Only the
    # Sunday case can be written ("sunday"), so the Monday after a Saturday holiday stays open
    # (the earlier date). May 4 is left out: state offices are not known to close.
    "RI": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            INDEPENDENCE,
            Day("Victory Day", 8, nth=2, weekday=MON),
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
        election_day="even",
    ),
    # SDCL § 1-5-1 (Juneteenth since SL 2022, ch 1; Native Americans' Day); Saturday to Friday,
    # Sunday to Monday.
    "SD": Statute(
        days=(
            NEW_YEAR,
            MLK,
            WASHINGTON,
            MEMORIAL,
            JUNETEENTH,
            INDEPENDENCE,
            LABOR,
            Day("Native Americans' Day", 10, nth=2, weekday=MON),
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # 1 V.S.A. § 371(a)-(b): Town Meeting Day, Bennington Battle Day, Indigenous Peoples' Day;
    # Saturday to Friday, Sunday to Monday.
    "VT": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            Day("Town Meeting Day", 3, nth=1, weekday=TUE),
            MEMORIAL,
            INDEPENDENCE,
            Day("Bennington Battle Day", 8, 16),
            LABOR,
            Day("Indigenous Peoples' Day", 10, nth=2, weekday=MON),
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="all",
    ),
    # W. Va. Code § 2-2-1(a)(1)-(13), (b): West Virginia Day, Lincoln's Day, general election
    # day (even years; primary days are not counted); Saturday to Friday, Sunday to Monday.
    "WV": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Presidents' Day", 2, nth=3, weekday=MON),
            MEMORIAL,
            Day("West Virginia Day", 6, 20),
            INDEPENDENCE,
            LABOR,
            COLUMBUS,
            VETERANS,
            THANKSGIVING,
            Day("Lincoln's Day", 11, nth=4, weekday=THU, after=1),
            CHRISTMAS,
        ),
        moves="all",
        election_day="even",
    ),
    # Wyo. Stat. Ann. § 8-4-101(a)-(b): a Sunday New Year's Day, Independence Day, Christmas or
    # Veterans Day makes the Monday a holiday; nothing moves off a Saturday.
    "WY": Statute(
        days=(
            NEW_YEAR,
            MLK,
            Day("Washington's and Lincoln's birthdays", 2, nth=3, weekday=MON),
            MEMORIAL,
            INDEPENDENCE,
            LABOR,
            VETERANS,
            THANKSGIVING,
            CHRISTMAS,
        ),
        moves="sunday",
    ),
}


# Entries whose holiday statute was re-read on 2026-12-02; the others were read on 2026-12-01.
REREAD_ON = dict.fromkeys(("ND", "NE", "NH", "OK", "RI", "SD", "VT", "WV", "WY"), "2026-12-02")


@pytest.mark.parametrize("code", sorted(STATUTES))
def test_closure_days_are_the_holiday_statute_s(code: str) -> None:
    for year in YEARS:
        expected, actual = statute_days(STATUTES[code], year), product_days(code, year)
        assert actual == expected, (
            f"{code} {year}: closed but not in the statute {sorted(actual - expected)}; "
            f"in the statute but open {sorted(expected - actual)}"
        )


@pytest.mark.parametrize("code", sorted(STATUTES))
def test_weekend_rule_is_the_statute_s(code: str) -> None:
    moves = {"all": "all", "sunday": "sunday_only", "none": "none"}[STATUTES[code].moves]
    assert get_law(code).calendar.observed == moves
    assert get_law(code).calendar.text, f"{code}: quote the holiday statute"
    assert get_law(code).last_checked == D(REREAD_ON.get(code, "2026-12-01"))
    assert get_law(code).calendar.source.checked_on == get_law(code).last_checked


def due(code: str, start: str, clock: str = "response", **kw: object) -> date | None:
    return compute_clocks(get_law(code), D(start), **kw)[clock].due


def cli(runner, code: str, start: str) -> dict:
    """``flask deadlines compute`` for ``code`` from ``start``, as JSON."""
    result = runner.invoke(args=["deadlines", "compute", "--law", code, "--start", start])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# --- Alaska: 2 AAC 96.325; AS 44.12.010, 44.12.020 ---------------------------------------------


def test_ak_juneteenth_is_a_legal_holiday(runner) -> None:
    # Ten working days (2 AAC 96.325(a)) from Mon 2026-06-15: Tue 16 (1), Wed 17 (2), Thu 18 (3),
    # Fri 19 closed (Juneteenth), Mon 22 (4), Tue 23 (5), Wed 24 (6), Thu 25 (7), Fri 26 (8),
    # Mon 29 (9), Tue 30 (10).
    out = cli(runner, "AK", "2026-06-15")
    assert out["response_due"] == "2026-06-30"
    assert "Juneteenth" in out["explanations"]["response_due"]


def test_ak_saturday_holidays_do_not_close_the_friday() -> None:
    # Christmas is Sat 2027-12-25 and New Year's Day Sat 2028-01-01; § 44.12.020 moves only a
    # Sunday holiday. From Fri 2027-12-17: Mon 20 (1), Tue 21 (2), Wed 22 (3), Thu 23 (4), Fri 24
    # (5), Mon 27 (6), Tue 28 (7), Wed 29 (8), Thu 30 (9), Fri 31 (10). The extension adds ten
    # more: Mon 2028-01-03 (1) ... Fri 01-07 (5), Mon 10 (6) ... Fri 14 (10).
    clocks = compute_clocks(get_law("AK"), D("2027-12-17"))
    assert clocks["response"].due == D("2027-12-31")
    assert clocks["extended_response"].due == D("2028-01-14")


def test_ak_sunday_holiday_closes_the_monday() -> None:
    # Independence Day is Sun 2027-07-04, so Mon 07-05 is a holiday too. From Thu 07-01: Fri 02
    # (1), Mon 05 closed, Tue 06 (2) ... Fri 09 (5), Mon 12 (6) ... Thu 15 (9), Fri 16 (10).
    assert due("AK", "2027-07-01") == D("2027-07-16")


# --- Arkansas: Ark. Code Ann. §§ 25-19-105(e), 1-5-101 ---------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # § 1-5-101(a)(9) "Christmas Eve -- December 24". Three working days from Mon 2026-12-21:
        # Tue 22 (1), Wed 23 (2), Thu 24 and Fri 25 closed, Mon 28 (3).
        ("2026-12-21", "2026-12-28"),
        # Juneteenth is a memorial day, not a holiday: from Wed 2026-06-17, Thu 18 (1), Fri 19 (2),
        # Mon 22 (3).
        ("2026-06-17", "2026-06-22"),
        # § 1-5-101(b): Independence Day, Sat 2026-07-04, is kept on Fri 07-03. From Wed 07-01:
        # Thu 02 (1), Fri 03 closed, Mon 06 (2), Tue 07 (3).
        ("2026-07-01", "2026-07-07"),
    ],
)
def test_ar_three_working_days_follow_1_5_101(start: str, expected: str) -> None:
    assert due("AR", start) == D(expected)


# --- Delaware: 29 Del. C. § 10003(h)(1); 1 Del. C. § 501 --------------------------------------


def test_de_fifteen_business_days_around_election_and_return_day(runner) -> None:
    # § 501(a): "the day of the General Election as it biennially occurs" (Tue 2026-11-03) and
    # Veterans' Day (Wed 11-11) are holidays; Return Day (Thu 11-05) only after noon in Sussex.
    # From Fri 2026-10-30: Mon 11-02 (1), Tue 03 closed, Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon
    # 09 (5), Tue 10 (6), Wed 11 closed, Thu 12 (7), Fri 13 (8), Mon 16 (9) ... Fri 20 (13), Mon
    # 23 (14), Tue 24 (15).
    out = cli(runner, "DE", "2026-10-30")
    assert out["response_due"] == "2026-11-24"
    assert "Election Day" in out["explanations"]["response_due"]


def test_de_good_friday_and_saturday_juneteenth() -> None:
    # Good Friday is 2027-03-26. From Mon 03-22: Tue 23 (1), Wed 24 (2), Thu 25 (3), Fri 26
    # closed, Mon 29 (4) ... Fri 04-02 (8), Mon 05 (9) ... Fri 09 (13), Mon 12 (14), Tue 13 (15).
    assert due("DE", "2027-03-22") == D("2027-04-13")
    # Juneteenth is Sat 2027-06-19, so Fri 06-18 is a holiday (§ 501(a)). From Fri 06-11: Mon 14
    # (1) ... Thu 17 (4), Fri 18 closed, Mon 21 (5) ... Fri 25 (9), Mon 28 (10) ... Thu 07-01
    # (13), Fri 02 (14), Mon 05 closed (Independence Day, Sun 07-04), Tue 06 (15).
    assert due("DE", "2027-06-11") == D("2027-07-06")


# --- Hawaii: HAR § 2-71-13; HRS §§ 8-1, 8-2 -------------------------------------------------


def test_hi_kuhio_day_and_good_friday_fall_together_in_2027() -> None:
    # Prince Kuhio Day (Mar 26) is Good Friday in 2027: one closed day. Ten business days (HAR
    # § 2-71-13(a)) from Tue 2027-03-23: Wed 24 (1), Thu 25 (2), Fri 26 closed, Mon 29 (3) ... Fri
    # 04-02 (7), Mon 05 (8), Tue 06 (9), Wed 07 (10). The 20-day notice (§ 2-71-13(c)): Thu 08
    # (11) ... Fri 09 (12), Mon 12 (13) ... Fri 16 (17), Mon 19 (18), Tue 20 (19), Wed 21 (20).
    clocks = compute_clocks(get_law("HI"), D("2027-03-23"))
    assert clocks["response"].due == D("2027-04-07")
    assert clocks["extended_response"].due == D("2027-04-21")


def test_hi_statehood_day_and_general_election() -> None:
    # Statehood Day, the third Friday in August: Fri 2026-08-21. From Mon 08-17: Tue 18 (1),
    # Wed 19 (2), Thu 20 (3), Fri 21 closed, Mon 24 (4) ... Fri 28 (8), Mon 31 (9), Tue 09-01
    # (10).
    assert due("HI", "2026-08-17") == D("2026-09-01")
    # General election Tue 2026-11-03 and Veterans' Day Wed 11-11. From Fri 10-30: Mon 11-02
    # (1), Tue 03 closed, Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09 (5), Tue 10 (6), Wed 11
    # closed, Thu 12 (7), Fri 13 (8), Mon 16 (9), Tue 17 (10).
    assert due("HI", "2026-10-30") == D("2026-11-17")


# --- Iowa: Iowa Code §§ 22.8(4)(d), 4.1(34), 1C.2 -------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Twenty calendar days from Sun 2027-01-03 end on Sat 01-23; § 4.1(34) extends only a
        # Sunday for a period that is not a filing deadline, so the date stays Saturday.
        ("2027-01-03", "2027-01-23"),
        # From Fri 2026-11-06, Nov 7-26 is 20 days: Thanksgiving Thu 11-26 is not moved either.
        ("2026-11-06", "2026-11-26"),
    ],
)
def test_ia_twenty_calendar_days_do_not_roll_off_a_saturday_or_holiday(
    start: str, expected: str
) -> None:
    assert due("IA", start) == D(expected)


def test_ia_lincolns_birthday_is_not_a_closure() -> None:
    # § 1C.1 names February 12 a legal public holiday, but state offices stay open (§ 1C.2).
    assert D("2027-02-12") not in closure_days(get_law("IA"), 2027)
    assert D("2026-11-27") in closure_days(get_law("IA"), 2026)  # Friday after Thanksgiving


# --- Idaho: Idaho Code §§ 74-103, 73-108 ----------------------------------------------------


def test_id_columbus_day_is_a_holiday(runner) -> None:
    # § 73-108 "Second Monday in October (Columbus Day)": Mon 2026-10-12. Three working days
    # (§ 74-103(1)) from Fri 10-09: Tue 13 (1), Wed 14 (2), Thu 15 (3). Deemed denial after ten
    # (§ 74-103(2)): Fri 16 (4), Mon 19 (5) ... Fri 23 (9), Mon 26 (10).
    out = cli(runner, "ID", "2026-10-09")
    assert out["response_due"] == "2026-10-15"
    assert out["deemed_denial_due"] == "2026-10-26"
    assert "Columbus Day" in out["explanations"]["response_due"]


def test_id_juneteenth_is_a_working_day() -> None:
    # Not in § 73-108. From Wed 2026-06-17: Thu 18 (1), Fri 19 (2), Mon 22 (3).
    assert due("ID", "2026-06-17") == D("2026-06-22")


# --- Kansas: K.S.A. §§ 45-217, 45-218(d), 35-107 --------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        # Columbus Day, Mon 2026-10-12 (§ 35-107 and 5 U.S.C. § 6103). From Fri 10-09: Tue 13
        # (1), Wed 14 (2), Thu 15 (3).
        ("2026-10-09", "2026-10-15", "Columbus Day"),
        # Juneteenth, Fri 2026-06-19, designated by Congress. From Wed 06-17: Thu 18 (1), Mon 22
        # (2), Tue 23 (3).
        ("2026-06-17", "2026-06-23", "Juneteenth"),
        # President's Day, Mon 2027-02-15. From Thu 02-11: Fri 12 (1), Tue 16 (2), Wed 17 (3).
        ("2027-02-11", "2027-02-17", "Washington's Birthday"),
    ],
)
def test_ks_business_days_skip_federal_and_state_holidays(
    start: str, expected: str, why: str
) -> None:
    clock = compute_clocks(get_law("KS"), D(start))["response"]
    assert clock.due == D(expected)
    assert why in clock.explanation


# --- Kentucky: KRS 61.880(1), 18A.190 --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Presidential election day Tue 2028-11-07 (§ 18A.190(1)(h)) and Veterans Day, Sat 11-11,
        # kept on Fri 11-10 (§ 18A.190(2)). Five days (§ 61.880(1)) from Fri 2028-11-03: Mon 06
        # (1), Tue 07 closed, Wed 08 (2), Thu 09 (3), Fri 10 closed, Mon 13 (4), Tue 14 (5).
        ("2028-11-03", "2028-11-14"),
        # A midterm election day is a working day: from Fri 2026-10-30, Mon 11-02 (1), Tue 03
        # (2), Wed 04 (3), Thu 05 (4), Fri 06 (5).
        ("2026-10-30", "2026-11-06"),
        # The Friday after Thanksgiving is the governor's "extra day", not counted: from Tue
        # 2026-11-24, Wed 25 (1), Thu 26 closed, Fri 27 (2), Mon 30 (3), Tue 12-01 (4), Wed 02
        # (5).
        ("2026-11-24", "2026-12-02"),
    ],
)
def test_ky_five_days_follow_18a_190(start: str, expected: str) -> None:
    assert due("KY", start) == D(expected)


# --- Louisiana: La. R.S. 44:33(B)(1), 44:35(A), 1:55 ----------------------------------------


def test_la_mardi_gras_and_columbus_day() -> None:
    # Mardi Gras, Tue 2027-02-09 (§ 1:55(A)(1)). Three days (§ 44:33(B)(1)) from Mon 02-08:
    # Wed 10 (1), Thu 11 (2), Fri 12 (3).
    assert due("LA", "2027-02-08", "acknowledgment") == D("2027-02-12")
    # Columbus Day, Mon 2026-10-12, is a legal holiday on which state offices stay open: from
    # Fri 10-09, Mon 12 (1), Tue 13 (2), Wed 14 (3).
    assert due("LA", "2026-10-09", "acknowledgment") == D("2026-10-14")


def test_la_saturday_christmas_does_not_close_the_friday(runner) -> None:
    # Christmas is Sat 2027-12-25; no weekend rule moves it. Five days from the request (§
    # 44:35(A)) of Mon 2027-12-20: Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 (4), Mon 27 (5).
    assert cli(runner, "LA", "2027-12-20")["deemed_denial_due"] == "2027-12-27"


# --- Maryland: Gen. Prov. § 4-203; SPP §§ 9-201, 9-204 ---------------------------------------


def test_md_saturday_juneteenth_closes_the_friday_and_lincolns_birthday_does_not() -> None:
    # Juneteenth is Sat 2027-06-19, used on Fri 06-18 (§ 9-204(b)(1)). Ten working days
    # (§ 4-203(b)(2)) from Mon 06-14: Tue 15 (1), Wed 16 (2), Thu 17 (3), Fri 18 closed, Mon 21
    # (4) ... Fri 25 (8), Mon 28 (9), Tue 29 (10).
    assert due("MD", "2027-06-14", "acknowledgment") == D("2027-06-29")
    # Lincoln's Birthday, Fri 2027-02-12, is a legal holiday (Gen. Prov. § 1-111) but not a
    # state office closure. From Mon 02-08: Tue 09 (1) ... Fri 12 (4), Mon 15 closed (Presidents'
    # Day), Tue 16 (5) ... Fri 19 (8), Mon 22 (9), Tue 23 (10).
    assert due("MD", "2027-02-08", "acknowledgment") == D("2027-02-23")


# --- Maine: 1 M.R.S. § 408-A(3); 4 M.R.S. § 1051 ----------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Patriot's Day, the third Monday in April: Mon 2027-04-19. Five working days from Fri
        # 04-16: Tue 20 (1), Wed 21 (2), Thu 22 (3), Fri 23 (4), Mon 26 (5).
        ("2027-04-16", "2027-04-26"),
        # Juneteenth is Sat 2027-06-19; § 1051 moves only Sunday holidays. From Tue 06-15: Wed 16
        # (1), Thu 17 (2), Fri 18 (3), Mon 21 (4), Tue 22 (5).
        ("2027-06-15", "2027-06-22"),
        # The Friday after Thanksgiving is not in § 1051. From Tue 2026-11-24: Wed 25 (1), Thu 26
        # closed, Fri 27 (2), Mon 30 (3), Tue 12-01 (4), Wed 02 (5).
        ("2026-11-24", "2026-12-02"),
    ],
)
def test_me_five_working_day_acknowledgment_follows_1051(start: str, expected: str) -> None:
    assert due("ME", start, "acknowledgment") == D(expected)


# --- Minnesota: Minn. Stat. §§ 13.03, subd. 2(a), 645.44, subd. 5 ------------------------------


def test_mn_follow_up_counts_the_statute_s_holidays() -> None:
    # No day count in § 13.03, subd. 2(a): the follow-up target is 10 business days. Juneteenth
    # is Sat 2027-06-19, kept on Fri 06-18 (subd. 5). From Mon 06-14: Tue 15 (1), Wed 16 (2),
    # Thu 17 (3), Fri 18 closed, Mon 21 (4) ... Fri 25 (8), Mon 28 (9), Tue 29 (10).
    clocks = compute_clocks(get_law("MN"), D("2027-06-14"))
    assert clocks["response"].due is None
    assert clocks["follow_up"].due == D("2027-06-29")
    # The Friday after Thanksgiving is each body's choice and is not counted: from Tue
    # 2026-11-17, Wed 18 (1) ... Wed 25 (6), Thu 26 closed, Fri 27 (7), Mon 30 (8), Tue 12-01
    # (9), Wed 02 (10).
    assert due("MN", "2026-11-17", "follow_up") == D("2026-12-02")


# --- Mississippi: Miss. Code §§ 25-61-5(1)(b), 3-3-7 ------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected", "clock"),
    [
        # Christmas is Sat 2027-12-25 and New Year's Day Sat 2028-01-01; § 3-3-7 moves only a
        # Sunday holiday. Seven working days from Mon 2027-12-20: Tue 21 (1), Wed 22 (2), Thu 23
        # (3), Fri 24 (4), Mon 27 (5), Tue 28 (6), Wed 29 (7).
        ("2027-12-20", "2027-12-29", "response"),
        # Fourteen working days (the cap) from the same day: Thu 30 (8), Fri 31 (9), Mon
        # 2028-01-03 (10) ... Thu 06 (13), Fri 07 (14).
        ("2027-12-20", "2028-01-07", "extended_response"),
        # Confederate Memorial Day, the last Monday of April: Mon 2027-04-26. From Fri 04-23:
        # Tue 27 (1) ... Fri 30 (4), Mon 05-03 (5), Tue 04 (6), Wed 05 (7).
        ("2027-04-23", "2027-05-05", "response"),
    ],
)
def test_ms_working_days_follow_3_3_7(start: str, expected: str, clock: str) -> None:
    assert due("MS", start, clock) == D(expected)


# --- Montana: Mont. Code §§ 2-6-1006(2), 1-1-216 -------------------------------------------


def test_mt_follow_up_skips_election_day_and_indigenous_peoples_day() -> None:
    # Local agencies must answer "in a timely manner" (§ 2-6-1006(2)): no statutory date, a
    # five-business-day follow-up. From Fri 2026-10-09: Mon 12 closed (Indigenous Peoples' Day
    # and Columbus Day), Tue 13 (1) ... Fri 16 (4), Mon 19 (5).
    assert due("MT", "2026-10-09", "follow_up") == D("2026-10-19")
    # State general election day, Tue 2026-11-03, and Veterans' Day, Wed 11-11: from Fri 10-30,
    # Mon 11-02 (1), Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09 (5).
    assert due("MT", "2026-10-30", "follow_up") == D("2026-11-09")
    assert due("MT", "2026-10-30") is None


# --- North Carolina: N.C. Gen. Stat. §§ 132-6(a), 103-4; 25 NCAC 01E .0901 --------------------


def test_nc_counts_office_closures_not_every_legal_public_holiday() -> None:
    # § 103-4's legal public holidays that state offices do not close for are business days:
    # Washington's Birthday (Mon 2027-02-15), Halifax Resolves (Mon 2027-04-12), Columbus Day
    # (Mon 2027-10-11) and election day (Tue 2026-11-03).
    nc = get_law("NC")
    for day in ("2027-02-15", "2027-04-12", "2027-10-11"):
        assert D(day) not in closure_days(nc, 2027)
    assert D("2026-11-03") not in closure_days(nc, 2026)
    # No day count in § 132-6(a): a 10-business-day follow-up. Good Friday is 2027-03-26. From
    # Mon 03-22: Tue 23 (1), Wed 24 (2), Thu 25 (3), Fri 26 closed, Mon 29 (4) ... Fri 04-02 (8),
    # Mon 05 (9), Tue 06 (10).
    assert due("NC", "2027-03-22") is None
    assert due("NC", "2027-03-22", "follow_up") == D("2027-04-06")


# --- New Mexico: NMSA §§ 14-2-8(D), 14-2-11(A), 12-2A-7, 12-5-2 --------------------------------


def test_nm_presidents_day_in_february_is_a_legal_holiday(runner) -> None:
    # § 12-5-2(C): "Washington's and Lincoln's birthday, President's day, third Monday in
    # February" is Mon 2027-02-15. Three business days (§ 14-2-8(D)) from Thu 02-11: Fri 12 (1),
    # Mon 15 closed, Tue 16 (2), Wed 17 (3).
    out = cli(runner, "NM", "2027-02-11")
    assert out["acknowledgment_due"] == "2027-02-17"
    assert "Presidents' Day" in out["explanations"]["acknowledgment_due"]


def test_nm_day_after_thanksgiving_is_a_business_day() -> None:
    # Not in § 12-5-2. From Tue 2026-11-24: Wed 25 (1), Thu 26 closed (Thanksgiving), Fri 27 (2),
    # Mon 30 (3). Fifteen calendar days: Nov 25-30 (6), Dec 1-9 (15): Wed 2026-12-09.
    clocks = compute_clocks(get_law("NM"), D("2026-11-24"))
    assert clocks["acknowledgment"].due == D("2026-11-30")
    assert clocks["response"].due == D("2026-12-09")
    assert clocks["deemed_denial"].due == D("2026-12-09")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Juneteenth is not in § 12-5-2, and § 12-5-3 moves no Saturday holiday: from Thu
        # 2027-06-03, June 4-18 is 15 days; day 15 is Fri 06-18, a business day.
        ("2027-06-03", "2027-06-18"),
        # Christmas Day is Sat 2027-12-25; the Friday before is not a holiday. From Thu 12-09,
        # Dec 10-24 is 15 days: Fri 2027-12-24.
        ("2027-12-09", "2027-12-24"),
        # Independence Day is Sun 2027-07-04, kept on Mon 07-05 (§ 12-5-3). From Sat 06-19, day
        # 15 is Sun 07-04; § 12-2A-7(F) moves it past Sunday and the Monday holiday to Tue 07-06.
        ("2027-06-19", "2027-07-06"),
    ],
)
def test_nm_fifteen_days_and_weekend_holidays(start: str, expected: str) -> None:
    assert due("NM", start) == D(expected)


# --- Ohio: Ohio Rev. Code §§ 149.43(B)(1), 1.14 ----------------------------------------------


def test_oh_saturday_juneteenth_leaves_the_friday_a_business_day() -> None:
    # No fixed response period, so only the ten-business-day follow-up counts. Juneteenth is
    # Sat 2027-06-19 and § 1.14 moves no Saturday holiday. From Mon 06-14: Tue 15 (1), Wed 16 (2),
    # Thu 17 (3), Fri 18 (4), Mon 21 (5), Tue 22 (6), Wed 23 (7), Thu 24 (8), Fri 25 (9),
    # Mon 28 (10).
    clocks = compute_clocks(get_law("OH"), D("2027-06-14"))
    assert clocks["response"].due is None
    assert clocks["follow_up"].due == D("2027-06-28")


def test_oh_sunday_independence_day_closes_the_monday() -> None:
    # Independence Day is Sun 2027-07-04, kept on Mon 07-05. From Wed 06-30: Thu 07-01 (1),
    # Fri 02 (2), Mon 05 closed, Tue 06 (3), Wed 07 (4), Thu 08 (5), Fri 09 (6), Mon 12 (7),
    # Tue 13 (8), Wed 14 (9), Thu 15 (10).
    assert due("OH", "2027-06-30", "follow_up") == D("2027-07-15")


# --- Virginia: Va. Code Ann. §§ 2.2-3704(B), 2.2-3300 -----------------------------------------


def test_va_saturday_juneteenth_closes_the_friday() -> None:
    # Juneteenth is Sat 2027-06-19, kept on Fri 06-18. Five working days from Mon 06-14: Tue 15
    # (1), Wed 16 (2), Thu 17 (3), Fri 18 closed, Mon 21 (4), Tue 22 (5). The seven more work days
    # of § 2.2-3704(B)(4): Wed 23 (1), Thu 24 (2), Fri 25 (3), Mon 28 (4), Tue 29 (5), Wed 30 (6),
    # Thu 07-01 (7).
    clocks = compute_clocks(get_law("VA"), D("2027-06-14"))
    assert clocks["response"].due == D("2027-06-22")
    assert clocks["deemed_denial"].due == D("2027-06-22")
    assert clocks["extended_response"].due == D("2027-07-01")


def test_va_odd_year_election_day_and_thanksgiving_friday() -> None:
    # Election Day Tue 2027-11-02 is a holiday in an odd year too. From Fri 10-29: Mon 11-01 (1),
    # Tue 02 closed, Wed 03 (2), Thu 04 (3), Fri 05 (4), Mon 08 (5).
    assert due("VA", "2027-10-29") == D("2027-11-08")
    # From Mon 2027-11-22: Tue 23 (1), Wed 24 (2), Thu 25 and Fri 26 closed, Mon 29 (3),
    # Tue 30 (4), Wed 12-01 (5).
    assert due("VA", "2027-11-22") == D("2027-12-01")


# --- Wisconsin: Wis. Stat. §§ 19.35(4)(a), 230.35(4)(a) ----------------------------------------


def test_wi_saturday_independence_day_leaves_the_friday_open() -> None:
    # No fixed response period; the follow-up is ten business days. July 4 is Sat 2026-07-04 and
    # § 230.35(4)(a) does not close Fri 07-03. From Mon 06-29: Tue 30 (1), Wed 07-01 (2), Thu 02
    # (3), Fri 03 (4), Mon 06 (5), Tue 07 (6), Wed 08 (7), Thu 09 (8), Fri 10 (9), Mon 13 (10).
    assert due("WI", "2026-06-29", "follow_up") == D("2026-07-13")


def test_wi_christmas_eve_and_new_years_eve_close() -> None:
    # Christmas is Sat 2027-12-25: Fri 24 (December 24) is closed, Thu 23 is not. From Mon 12-20:
    # Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 closed, Mon 27 (4), Tue 28 (5), Wed 29 (6), Thu 30
    # (7), Fri 31 closed (December 31), Mon 2028-01-03 (8), Tue 04 (9), Wed 05 (10).
    assert due("WI", "2027-12-20", "follow_up") == D("2028-01-05")


# --- Oregon: Or. Rev. Stat. §§ 192.324(2), 192.329(5), 187.010 ------------------------------


def test_or_five_and_ten_business_days_around_columbus_and_veterans_day() -> None:
    # Columbus Day (Mon 2027-10-11) is a business day; Veterans Day is Thu 2027-11-11. From Fri
    # 10-08: acknowledgment by five business days, Mon 11 (1), Tue 12 (2), Wed 13 (3), Thu 14 (4),
    # Fri 15 (5). Ten more: Mon 18 (1), Tue 19 (2), Wed 20 (3), Thu 21 (4), Fri 22 (5), Mon 25
    # (6), Tue 26 (7), Wed 27 (8), Thu 28 (9), Fri 29 (10).
    clocks = compute_clocks(get_law("OR"), D("2027-10-08"))
    assert clocks["acknowledgment"].due == D("2027-10-15")
    assert clocks["response"].due == D("2027-10-29")


def test_or_saturday_juneteenth_closes_the_friday() -> None:
    # Juneteenth is Sat 2027-06-19, so Fri 06-18 is a legal holiday (§ 187.010(2)). From Mon
    # 06-14: Tue 15 (1), Wed 16 (2), Thu 17 (3), Fri 18 closed, Mon 21 (4), Tue 22 (5).
    assert due("OR", "2027-06-14", "acknowledgment") == D("2027-06-22")


# --- South Carolina: S.C. Code Ann. §§ 30-4-30(C), 53-5-10 ------------------------------------


def test_sc_saturday_independence_day_does_not_close_the_friday() -> None:
    # Ten days excepting Saturdays, Sundays and legal public holidays. July 4 is Sat 2026-07-04;
    # § 53-5-10 does not move it. From Mon 06-29: Tue 30 (1), Wed 07-01 (2), Thu 02 (3), Fri 03
    # (4), Mon 06 (5), Tue 07 (6), Wed 08 (7), Thu 09 (8), Fri 10 (9), Mon 13 (10).
    assert due("SC", "2026-06-29") == D("2026-07-13")


def test_sc_christmas_days_and_confederate_memorial_day() -> None:
    # From Mon 2026-12-21: Tue 22 (1), Wed 23 (2), Thu 24 and Fri 25 closed, Sat 26 is a weekend
    # day and not moved, Mon 28 (3), Tue 29 (4), Wed 30 (5), Thu 31 (6), Fri 2027-01-01 closed,
    # Mon 04 (7), Tue 05 (8), Wed 06 (9), Thu 07 (10).
    assert due("SC", "2026-12-21") == D("2027-01-07")
    # Confederate Memorial Day is Mon 2027-05-10. From Fri 05-07: Mon 10 closed, Tue 11 (1), Wed
    # 12 (2), Thu 13 (3), Fri 14 (4), Mon 17 (5), Tue 18 (6), Wed 19 (7), Thu 20 (8), Fri 21 (9),
    # Mon 24 (10).
    assert due("SC", "2027-05-07") == D("2027-05-24")


# --- Nevada: NRS 239.0107(1), 236.015 ---------------------------------------------------------


def test_nv_nevada_day_and_saturday_veterans_day() -> None:
    # Nevada Day is the last Friday in October, Fri 2027-10-29. From Wed 10-27: Thu 28 (1), Fri
    # 29 closed, Mon 11-01 (2), Tue 02 (3), Wed 03 (4), Thu 04 (5).
    assert due("NV", "2027-10-27") == D("2027-11-04")
    # Veterans' Day is Sat 2028-11-11, kept on Fri 11-10 (§ 236.015(3)(b)). From Tue 11-07: Wed
    # 08 (1), Thu 09 (2), Fri 10 closed, Mon 13 (3), Tue 14 (4), Wed 15 (5).
    assert due("NV", "2028-11-07") == D("2028-11-15")


# --- Utah: Utah Code Ann. §§ 63G-2-204(4), 63G-1-301 ------------------------------------------


def test_ut_juneteenth_is_kept_on_a_monday(runner) -> None:
    # June 19 is Fri 2026; § 63G-1-301(2)(c) makes Mon 06-15 the holiday and Fri 06-19 a business
    # day. Ten business days from Fri 06-12: Mon 15 closed, Tue 16 (1), Wed 17 (2), Thu 18 (3), Fri
    # 19 (4), Mon 22 (5), Tue 23 (6), Wed 24 (7), Thu 25 (8), Fri 26 (9), Mon 29 (10).
    out = cli(runner, "UT", "2026-06-12")
    assert out["response_due"] == "2026-06-29"
    # June 19 is Sat 2027: the Monday after, 06-21, is the holiday and Fri 06-18 is not. From Mon
    # 06-14: Tue 15 (1), Wed 16 (2), Thu 17 (3), Fri 18 (4), Mon 21 closed, Tue 22 (5), Wed 23
    # (6), Thu 24 (7), Fri 25 (8), Mon 28 (9), Tue 29 (10).
    assert due("UT", "2027-06-14") == D("2027-06-29")


def test_ut_saturday_pioneer_day_closes_the_friday() -> None:
    # Pioneer Day is Sat 2027-07-24, kept on Fri 07-23. Ten business days from Mon 07-19: Tue 20
    # (1), Wed 21 (2), Thu 22 (3), Fri 23 closed, Mon 26 (4), Tue 27 (5), Wed 28 (6), Thu 29 (7),
    # Fri 30 (8), Mon 08-02 (9), Tue 03 (10).
    assert due("UT", "2027-07-19") == D("2027-08-03")


# --- North Dakota: N.D. Cent. Code §§ 44-04-18(2), 44-04-21.1(1), 1-02-15, 1-03-01 -----------


def test_nd_thirty_day_review_crosses_new_year(runner) -> None:
    # § 44-04-21.1(1): "within thirty days of the alleged violation". From a denial on Fri
    # 2027-12-03: Dec 4-31 is 28 days, Sat 2028-01-01 day 29, Sun 01-02 day 30; § 1-02-15
    # excludes a last day that is a holiday (every Sunday, § 1-03-01(1)) and Mon 01-03 is open
    # (New Year's Day on a Saturday was kept on Fri 2027-12-31, § 1-03-02.1): Mon 2028-01-03.
    # No fixed response period; the five-business-day follow-up: Mon 6 (1) ... Fri 10 (5).
    out = cli(runner, "ND", "2027-12-03")
    assert out["response_due"] is None
    assert out["appeal_due"] == "2028-01-03"
    assert out["follow_up_due"] == "2027-12-10"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Christmas Sat 2027-12-25 is kept on Fri 12-24 (§ 1-03-02.1). From Mon 12-20: Tue 21
        # (1), Wed 22 (2), Thu 23 (3), Fri 24 closed, Mon 27 (4), Tue 28 (5).
        ("2027-12-20", "2027-12-28"),
        # Good Friday, Fri 2027-03-26 (§ 1-03-01(5)). From Wed 03-24: Thu 25 (1), Fri 26 closed,
        # Mon 29 (2), Tue 30 (3), Wed 31 (4), Thu 04-01 (5).
        ("2027-03-24", "2027-04-01"),
        # Juneteenth is not in § 1-03-01: from Tue 2026-06-16, Wed 17 (1), Thu 18 (2), Fri 19 (3),
        # Mon 22 (4), Tue 23 (5).
        ("2026-06-16", "2026-06-23"),
    ],
)
def test_nd_follow_up_counts_1_03_01(start: str, expected: str) -> None:
    assert due("ND", start, "follow_up") == D(expected)


# --- Nebraska: Neb. Rev. Stat. §§ 84-712(4), 84-1001, 25-2221 -------------------------------


def test_ne_juneteenth_closes_state_offices(runner) -> None:
    # § 25-2221 "Juneteenth National Independence Day, June 19", a paid holiday without regular
    # work (§ 84-1001(2)-(3)). Four business days (§ 84-712(4)) from Tue 2026-06-16: Wed 17 (1),
    # Thu 18 (2), Fri 19 closed, Mon 22 (3), Tue 23 (4).
    out = cli(runner, "NE", "2026-06-16")
    assert out["response_due"] == "2026-06-23"
    assert "Juneteenth" in out["explanations"]["response_due"]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Juneteenth Sat 2027-06-19 is kept on Fri 06-18 (§ 84-1001(4)). From Mon 06-14: Tue 15
        # (1), Wed 16 (2), Thu 17 (3), Fri 18 closed, Mon 21 (4).
        ("2027-06-14", "2027-06-21"),
        # Juneteenth Mon 2028-06-19. From Thu 06-15: Fri 16 (1), Mon 19 closed, Tue 20 (2), Wed
        # 21 (3), Thu 22 (4).
        ("2028-06-15", "2028-06-22"),
        # Christmas Sat 2027-12-25 is kept on Fri 12-24. From Tue 12-21: Wed 22 (1), Thu 23 (2),
        # Fri 24 closed, Mon 27 (3), Tue 28 (4).
        ("2027-12-21", "2027-12-28"),
    ],
)
def test_ne_four_business_days_follow_84_1001(start: str, expected: str) -> None:
    assert due("NE", start) == D(expected)


# --- New Hampshire: RSA 91-A:4, IV(b); RSA 288:1 ---------------------------------------------


def test_nh_sunday_independence_day_leaves_the_monday_open(runner) -> None:
    # RSA 288:1 moves no holiday: July 4 is Sun 2027-07-04 and Mon 07-05 is a business day.
    # Five business days from Tue 06-29: Wed 30 (1), Thu 07-01 (2), Fri 02 (3), Mon 05 (4),
    # Tue 06 (5).
    out = cli(runner, "NH", "2027-06-29")
    assert out["response_due"] == "2027-07-06"
    assert out["acknowledgment_due"] == "2027-07-06"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Christmas Sat 2027-12-25 and New Year's Day Sat 2028-01-01 leave both Fridays open.
        # From Mon 2027-12-20: Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 (4), Mon 27 (5).
        ("2027-12-20", "2027-12-27"),
        # "the day on which the biennial election is held", Tue 2026-11-03, and Veterans Day Wed
        # 11-11. From Fri 10-30: Mon 11-02 (1), Tue 03 closed, Wed 04 (2), Thu 05 (3), Fri 06
        # (4), Mon 09 (5).
        ("2026-10-30", "2026-11-09"),
        # Columbus Day, Mon 2026-10-12, is counted as a business day (the earlier date): from
        # Fri 10-09, Mon 12 (1), Tue 13 (2), Wed 14 (3), Thu 15 (4), Fri 16 (5).
        ("2026-10-09", "2026-10-16"),
    ],
)
def test_nh_five_business_days_follow_288_1(start: str, expected: str) -> None:
    assert due("NH", start) == D(expected)


# --- Oklahoma: 51 O.S. § 24A.5; 25 O.S. § 82.1 -------------------------------------------------


def test_ok_saturday_christmas(runner) -> None:
    # No fixed period ("prompt, reasonable access"): the ten-business-day follow-up. Christmas
    # Sat 2027-12-25: § 82.1(A) closes "the Thursday and Friday before"; the Friday (12-24) is
    # counted, the Thursday (12-23) cannot be written in the schema and is counted as open (the
    # earlier date). New Year's Day Sat 2028-01-01 closes Fri 2027-12-31. From Mon 12-20: Tue 21
    # (1), Wed 22 (2), Thu 23 (3), Fri 24 closed, Mon 27 (4), Tue 28 (5), Wed 29 (6), Thu 30 (7),
    # Fri 31 closed, Mon 2028-01-03 (8), Tue 04 (9), Wed 05 (10).
    out = cli(runner, "OK", "2027-12-20")
    assert out["response_due"] is None
    assert out["follow_up_due"] == "2028-01-05"
    assert D("2027-12-23") not in closure_days(get_law("OK"), 2027)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # "the day after Thanksgiving Day": Thu 2026-11-26 and Fri 27 closed. From Mon 11-23:
        # Tue 24 (1), Wed 25 (2), Mon 30 (3), Tue 12-01 (4), Wed 02 (5), Thu 03 (6), Fri 04 (7),
        # Mon 07 (8), Tue 08 (9), Wed 09 (10).
        ("2026-11-23", "2026-12-09"),
        # No Columbus Day in § 82.1: from Fri 2026-10-09, Mon 12 (1) ... Fri 16 (5), Mon 19 (6)
        # ... Fri 23 (10).
        ("2026-10-09", "2026-10-23"),
    ],
)
def test_ok_follow_up_counts_82_1(start: str, expected: str) -> None:
    assert due("OK", start, "follow_up") == D(expected)


# --- Rhode Island: R.I. Gen. Laws §§ 38-2-7, 38-2-3(e), 25-1-1 -----------------------------------


def test_ri_saturday_independence_day_leaves_the_friday_open(runner) -> None:
    # § 25-1-1 keeps a Saturday July 4 (2026) on the following Monday, not the Friday; the
    # schema cannot close that Monday, so both Fri 07-03 and Mon 07-06 are counted (the earlier
    # date). Ten business days (§ 38-2-7(a)) from Mon 06-29: Tue 30 (1), Wed 07-01 (2), Thu 02
    # (3), Fri 03 (4), Mon 06 (5), Tue 07 (6), Wed 08 (7), Thu 09 (8), Fri 10 (9), Mon 13 (10).
    out = cli(runner, "RI", "2026-06-29")
    assert out["response_due"] == "2026-07-13"
    assert out["deemed_denial_due"] == "2026-07-13"


def test_ri_election_day_veterans_day_and_extension() -> None:
    # Election day Tue 2026-11-03 (§ 25-1-1, state officers elected) and Veterans' Day Wed 11-11.
    # From Fri 10-30: Mon 11-02 (1), Tue 03 closed, Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09
    # (5), Tue 10 (6), Wed 11 closed, Thu 12 (7), Fri 13 (8), Mon 16 (9), Tue 17 (10). Twenty more
    # (§ 38-2-3(e)): Wed 18 (1), Thu 19 (2), Fri 20 (3), Mon 23 (4), Tue 24 (5), Wed 25 (6), Thu
    # 26 closed, Fri 27 (7, not a § 25-1-1 holiday), Mon 30 (8), Tue 12-01 (9), Wed 02 (10), Thu
    # 03 (11), Fri 04 (12), Mon 07 (13) ... Fri 11 (17), Mon 14 (18), Tue 15 (19), Wed 16 (20).
    clocks = compute_clocks(get_law("RI"), D("2026-10-30"))
    assert clocks["response"].due == D("2026-11-17")
    assert clocks["extended_response"].due == D("2026-12-16")


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # July 4 is Sun 2027-07-04, kept on Mon 07-05. From Mon 06-28: Tue 29 (1), Wed 30 (2),
        # Thu 07-01 (3), Fri 02 (4), Mon 05 closed, Tue 06 (5) ... Fri 09 (8), Mon 12 (9), Tue
        # 13 (10).
        ("2027-06-28", "2027-07-13"),
        # Juneteenth is not in § 25-1-1: from Mon 2026-06-15, Tue 16 (1) ... Fri 19 (4), Mon 22
        # (5) ... Fri 26 (9), Mon 29 (10).
        ("2026-06-15", "2026-06-29"),
        # Victory Day, the second Monday of August: Mon 2027-08-09. From Fri 08-06: Tue 10 (1)
        # ... Fri 13 (4), Mon 16 (5) ... Fri 20 (9), Mon 23 (10).
        ("2027-08-06", "2027-08-23"),
    ],
)
def test_ri_ten_business_days_follow_25_1_1(start: str, expected: str) -> None:
    assert due("RI", start) == D(expected)


# --- South Dakota: SDCL §§ 1-27-37, 1-27-38, 1-5-1 --------------------------------------------


def test_sd_juneteenth_is_a_legal_holiday(runner) -> None:
    # § 1-5-1 "the nineteenth day of June, commonly known as Juneteenth": Fri 2026-06-19. Ten
    # business days (§ 1-27-37(1)) from Mon 06-15: Tue 16 (1), Wed 17 (2), Thu 18 (3), Fri 19
    # closed, Mon 22 (4), Tue 23 (5), Wed 24 (6), Thu 25 (7), Fri 26 (8), Mon 29 (9), Tue 30 (10).
    out = cli(runner, "SD", "2026-06-15")
    assert out["response_due"] == "2026-06-30"
    assert out["deemed_denial_due"] == "2026-06-30"
    assert "Juneteenth" in out["explanations"]["response_due"]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Juneteenth Sat 2027-06-19 is kept on Fri 06-18. From Mon 06-14: Tue 15 (1), Wed 16 (2),
        # Thu 17 (3), Fri 18 closed, Mon 21 (4) ... Fri 25 (8), Mon 28 (9), Tue 29 (10).
        ("2027-06-14", "2027-06-29"),
        # July 4 Sat 2026 is kept on Fri 07-03. From Mon 06-29: Tue 30 (1), Wed 07-01 (2), Thu 02
        # (3), Fri 03 closed, Mon 06 (4) ... Fri 10 (8), Mon 13 (9), Tue 14 (10).
        ("2026-06-29", "2026-07-14"),
    ],
)
def test_sd_ten_business_days_follow_1_5_1(start: str, expected: str) -> None:
    assert due("SD", start) == D(expected)


def test_sd_ninety_days_from_the_denial() -> None:
    # § 1-27-38 "within ninety days of the denial". From Fri 2026-11-20: Nov 21-30 (10), Dec
    # (41), Jan (72), Feb 18 (90): Thu 2027-02-18.
    clocks = compute_clocks(get_law("SD"), D("2026-11-20"), determination=D("2026-11-20"))
    assert clocks["appeal"].due == D("2027-02-18")


# --- Vermont: 1 V.S.A. §§ 318(a)(1), 371 -------------------------------------------------------


def test_vt_town_meeting_day(runner) -> None:
    # § 371(a)(4) "Town Meeting Day, the first Tuesday in March": Tue 2027-03-02. Three business
    # days (§ 318(a)(1)) from Fri 02-26: Mon 03-01 (1), Tue 02 closed, Wed 03 (2), Thu 04 (3).
    out = cli(runner, "VT", "2027-02-26")
    assert out["response_due"] == "2027-03-04"
    assert "Town Meeting Day" in out["explanations"]["response_due"]


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        # Bennington Battle Day, Sun 2026-08-16, is kept on Mon 08-17 (§ 371(b)). From Fri 08-14:
        # Tue 18 (1), Wed 19 (2), Thu 20 (3).
        ("2026-08-14", "2026-08-20", "Bennington Battle Day"),
        # Bennington Battle Day Wed 2028-08-16. From Mon 08-14: Tue 15 (1), Thu 17 (2), Fri 18 (3).
        ("2028-08-14", "2028-08-18", "Bennington Battle Day"),
        # "Indigenous Peoples' Day, the second Monday in October": Mon 2027-10-11. From Fri 10-08:
        # Tue 12 (1), Wed 13 (2), Thu 14 (3).
        ("2027-10-08", "2027-10-14", "Indigenous Peoples' Day"),
    ],
)
def test_vt_three_business_days_follow_371(start: str, expected: str, why: str) -> None:
    clock = compute_clocks(get_law("VT"), D(start))["response"]
    assert clock.due == D(expected)
    assert why in clock.explanation


# --- West Virginia: W. Va. Code §§ 29B-1-3, 2-2-1 ----------------------------------------------


def test_wv_juneteenth_open_west_virginia_day_closed(runner) -> None:
    # Juneteenth (Mon 2028-06-19) is not in § 2-2-1(a); West Virginia Day is Tue 06-20. Five
    # days not counting weekends or holidays from Fri 06-16: Mon 19 (1), Tue 20 closed, Wed 21
    # (2), Thu 22 (3), Fri 23 (4), Mon 26 (5).
    out = cli(runner, "WV", "2028-06-16")
    assert out["response_due"] == "2028-06-26"
    assert "West Virginia Day" in out["explanations"]["response_due"]


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # Juneteenth Sat 2027-06-19: Fri 06-18 open; West Virginia Day Sun 06-20 is kept on Mon
        # 06-21 (§ 2-2-1(b)). From Wed 06-16: Thu 17 (1), Fri 18 (2), Mon 21 closed, Tue 22 (3),
        # Wed 23 (4), Thu 24 (5).
        ("2027-06-16", "2027-06-24"),
        # General election Tue 2026-11-03 (§ 2-2-1(a)(13)) and Veterans' Day Wed 11-11. From Fri
        # 10-30: Mon 11-02 (1), Tue 03 closed, Wed 04 (2), Thu 05 (3), Fri 06 (4), Mon 09 (5).
        ("2026-10-30", "2026-11-09"),
    ],
)
def test_wv_five_days_follow_2_2_1(start: str, expected: str) -> None:
    assert due("WV", start) == D(expected)


# --- Wyoming: Wyo. Stat. Ann. §§ 16-4-202, 8-4-101 ---------------------------------------------


def test_wy_saturday_independence_day_leaves_the_friday_open(runner) -> None:
    # § 8-4-101(b) moves July 4 only off a Sunday: Fri 2026-07-03 is a business day. Seven
    # business days (§ 16-4-202(c)(i)) from Mon 06-29: Tue 30 (1), Wed 07-01 (2), Thu 02 (3),
    # Fri 03 (4), Mon 06 (5), Tue 07 (6), Wed 08 (7). Thirty calendar days (§ 16-4-202(c)(iii)):
    # Jun 30 (1), Jul 1-29 (2-30): Wed 2026-07-29.
    out = cli(runner, "WY", "2026-06-29")
    assert out["acknowledgment_due"] == "2026-07-08"
    assert out["response_due"] == "2026-07-29"


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # July 4 is Sun 2027-07-04: Mon 07-05 is a holiday. From Wed 06-30: Thu 07-01 (1), Fri 02
        # (2), Mon 05 closed, Tue 06 (3), Wed 07 (4), Thu 08 (5), Fri 09 (6), Mon 12 (7).
        ("2027-06-30", "2027-07-12"),
        # Christmas Sat 2027-12-25 and New Year's Day Sat 2028-01-01 move nothing. From Mon
        # 12-20: Tue 21 (1), Wed 22 (2), Thu 23 (3), Fri 24 (4), Mon 27 (5), Tue 28 (6), Wed 29 (7).
        ("2027-12-20", "2027-12-29"),
    ],
)
def test_wy_seven_business_days_follow_8_4_101(start: str, expected: str) -> None:
    assert due("WY", start, "acknowledgment") == D(expected)

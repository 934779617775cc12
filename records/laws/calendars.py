"""Closure calendars and business-day arithmetic for the deadline engine.

A law's calendar is the ``holidays`` package's list for its subdivision, filtered to the closure
days the law-library entry names, plus the entry's own extra days. Each (law, year, variant)
calendar is built once and cached with a sorted array of business days, so counting N business
days is a couple of binary searches rather than a day-by-day walk.
"""

from __future__ import annotations

import calendar as _stdcal
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata as _metadata
from importlib import resources

from records.laws.model import Calendar, ExtraDay, Law

__all__ = [
    "CALENDAR_VERSION",
    "BusinessCalendar",
    "OfficeClosure",
    "add_business_days",
    "add_calendar_days",
    "build_count",
    "business_calendar",
    "business_days_between",
    "closure_days",
    "closures_in",
    "inauguration_day",
    "with_closures",
]

OBSERVED = " (observed)"
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _law_data_hash() -> str:
    digest = hashlib.sha256()
    data = resources.files("records.laws").joinpath("data")
    for entry in sorted(data.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            digest.update(entry.name.encode())
            digest.update(entry.read_bytes())
    return digest.hexdigest()[:12]


# Stored with every computed deadline: a later recomputation that differs can be traced to new
# holiday data (package upgrade) or an edited law entry (data hash).
# The package's version from its metadata: ``holidays`` itself (and dateutil under it) is
# imported when a year's calendar is first built, not when the app starts.
CALENDAR_VERSION = f"holidays-{_metadata.version('holidays')}+laws-{_law_data_hash()}"


def inauguration_day(year: int) -> date | None:
    """Inauguration Day in ``year`` (5 U.S.C. § 6103(c)), or None in other years."""
    # "January 20 of each fourth year after 1965"; when that is a Sunday, the next day.
    if year <= 1965 or (year - 1965) % 4:
        return None
    day = date(year, 1, 20)
    return day + timedelta(days=1) if day.weekday() == 6 else day


def _thanksgiving(year: int) -> date:
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + timedelta(weeks=3)


def _election_day(year: int) -> date:
    # The Tuesday after the first Monday in November (2 U.S.C. § 7 for federal elections).
    first = date(year, 11, 1)
    first_monday = first + timedelta(days=(0 - first.weekday()) % 7)
    return first_monday + timedelta(days=1)


def _shift_observed(day: date, rule: str = "all") -> date:
    """The weekday on which a holiday falling on ``day`` is observed under ``rule``."""
    if day.weekday() == 5 and rule == "all":
        return day - timedelta(days=1)
    if day.weekday() == 6 and rule in ("all", "sunday_only"):
        return day + timedelta(days=1)
    return day


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _nth_weekday(year: int, rule: str) -> date:
    """The day a rule "nth-weekday:MM:N:DAY" names in ``year`` (N may be "last")."""
    _, month_s, nth, dayname = rule.split(":")
    month, weekday = int(month_s), _DAYS.index(dayname)
    days = [
        date(year, month, d)
        for d in range(1, _stdcal.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return days[-1] if nth == "last" else days[int(nth) - 1]


def _extra_dates(extra: ExtraDay, year: int) -> list[tuple[date, str]]:
    """Dates in ``year`` (looking across the year boundary) on which ``extra`` closes offices."""
    found: list[tuple[date, str]] = []
    for y in (year - 1, year, year + 1):
        if (
            (extra.years == "even" and y % 2)
            or (extra.years == "odd" and not y % 2)
            or (extra.years == "presidential" and y % 4)
        ):
            continue
        if extra.rule == "thanksgiving+1":
            day = _thanksgiving(y) + timedelta(days=1)
        elif extra.rule == "election-day":
            day = _election_day(y)
        elif extra.rule == "june19-monday":
            june19 = date(y, 6, 19)
            wd = june19.weekday()
            # Tuesday-Friday: the Monday before; Saturday or Sunday: the Monday after.
            day = june19 - timedelta(days=wd) if wd < 5 else june19 + timedelta(days=7 - wd)
        elif extra.rule is not None and extra.rule.startswith("nth-weekday:"):
            day = _nth_weekday(y, extra.rule)
        else:
            assert extra.date is not None
            month, dom = (int(p) for p in extra.date.split("-"))
            if month == 2 and dom == 29 and not _stdcal.isleap(y):
                continue
            day = date(y, month, dom)
        label = extra.name
        shifted = _shift_observed(day, extra.observed)
        if shifted != day:
            day, label = shifted, extra.name + OBSERVED
        if day.year == year:
            found.append((day, label))
    return found


def _add(closed: dict[date, str], day: date, label: str) -> None:
    if label in closed.get(day, "").split("; "):
        return
    closed[day] = f"{closed[day]}; {label}" if day in closed else label


def _package_dates(cal: Calendar, year: int) -> list[tuple[date, str]]:
    """The package's days named in ``cal``, each looked up in its own category only."""
    wanted = set(cal.closure_days)
    found: list[tuple[date, str]] = []
    for category in sorted({cal.category_of(name) for name in wanted}):
        # A holiday observed across the year boundary (Sat 2028-01-01 observed Fri 2027-12-31)
        # belongs to the year it is observed in, so the neighbouring years are generated too.
        import holidays

        package = holidays.US(
            subdiv=cal.subdiv, years=(year - 1, year, year + 1), categories=(category,)
        )
        for day, names in sorted(package.items()):
            for label in names.split("; "):
                name = label.removesuffix(OBSERVED)
                if name not in wanted or cal.category_of(name) != category:
                    continue
                if label.endswith(OBSERVED):
                    # The package's stand-ins follow the federal Saturday and Sunday rule.
                    if cal.observed == "all":
                        found.append((day, label))
                    continue
                found.append((day, label))
                if cal.observed == "sunday_only" and day.weekday() == 6:
                    found.append((day + timedelta(days=1), label + OBSERVED))
    return [(day, label) for day, label in found if day.year == year]


def _build(cal: Calendar, inauguration: bool, year: int) -> dict[date, str]:
    """Closure days in ``year`` for one calendar definition, named."""
    closed: dict[date, str] = {}
    for day, label in sorted(_package_dates(cal, year)):
        _add(closed, day, label)
    for extra in cal.extra:
        for day, label in _extra_dates(extra, year):
            _add(closed, day, label)
    if inauguration:
        # No in-lieu day when it falls on a Saturday (OPM memo CPM 2000-16, citing 51 Comp.
        # Gen. 586 (1972)), so the date itself is the only closure.
        inaugurated = inauguration_day(year)
        if inaugurated is not None:
            _add(closed, inaugurated, "Inauguration Day")
    return dict(sorted(closed.items()))


_BUILDS: dict[tuple[str, Calendar, bool, int], dict[date, str]] = {}


def build_count() -> int:
    """How many year calendars have been built in this process (each is built once)."""
    return len(_BUILDS)


def _inauguration_flag(law: Law, component: str | None) -> bool:
    if component is None:
        return False
    try:
        return law.components[component].inauguration_day
    except KeyError:
        known = ", ".join(sorted(law.components)) or "none"
        raise ValueError(
            f"{law.code} has no component {component!r}; known components: {known}"
        ) from None


def closure_days(law: Law, year: int, *, component: str | None = None) -> dict[date, str]:
    """Days in ``year`` on which ``law``'s offices are closed, each with its holiday name."""
    key = (law.code, law.calendar, _inauguration_flag(law, component), year)
    if key not in _BUILDS:
        _BUILDS[key] = _build(law.calendar, key[2], year)
    return _BUILDS[key]


class BusinessCalendar:
    """Business days for one jurisdiction (and component), with per-year sorted arrays."""

    def __init__(self, closures_for_year: Callable[[int], Mapping[date, str]]) -> None:
        self._closures_for_year = closures_for_year
        self._years: dict[int, tuple[Mapping[date, str], list[int], list[int]]] = {}

    @classmethod
    def from_mapping(cls, closed: Mapping[date, str]) -> BusinessCalendar:
        """A calendar from an explicit ``{date: name}`` mapping (weekends are always closed)."""
        by_year: dict[int, dict[date, str]] = {}
        for day, name in closed.items():
            by_year.setdefault(day.year, {})[day] = name
        return cls(lambda year: by_year.get(year, {}))

    def _year(self, year: int) -> tuple[Mapping[date, str], list[int], list[int]]:
        cached = self._years.get(year)
        if cached is None:
            closed = self._closures_for_year(year)
            first, last = date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()
            business = [
                o
                for o in range(first, last + 1)
                if date.fromordinal(o).weekday() < 5 and date.fromordinal(o) not in closed
            ]
            cached = (closed, business, sorted(d.toordinal() for d in closed))
            self._years[year] = cached
        return cached

    def closure_name(self, day: date) -> str | None:
        """The closure's name when ``day`` is a named closure day, else None."""
        return self._year(day.year)[0].get(day)

    def is_business_day(self, day: date) -> bool:
        """True on weekdays that are not closure days."""
        return day.weekday() < 5 and day not in self._year(day.year)[0]

    def business_day_ordinals(self, year: int) -> list[int]:
        """Sorted ordinals of every business day in ``year``."""
        return self._year(year)[1]

    def closures_between(self, after: date, until: date) -> list[tuple[date, str]]:
        """Named closures strictly after ``after`` and up to and including ``until``."""
        found: list[tuple[date, str]] = []
        for year in range(after.year, until.year + 1):
            closed, _, ordinals = self._year(year)
            lo = bisect_right(ordinals, after.toordinal())
            hi = bisect_right(ordinals, until.toordinal())
            for o in ordinals[lo:hi]:
                day = date.fromordinal(o)
                found.append((day, closed[day]))
        return found


def _as_calendar(closed: BusinessCalendar | Mapping[date, str]) -> BusinessCalendar:
    if isinstance(closed, BusinessCalendar):
        return closed
    return BusinessCalendar.from_mapping(closed)


_CALENDARS: dict[tuple[str, Calendar, bool], BusinessCalendar] = {}


def business_calendar(law: Law, component: str | None = None) -> BusinessCalendar:
    """The cached business calendar for ``law`` (and ``component``)."""
    # Keyed by the closure rules, not the component, so components that close on the same
    # days share one calendar.
    key = (law.code, law.calendar, _inauguration_flag(law, component))
    cal = _CALENDARS.get(key)
    if cal is None:
        cal = BusinessCalendar(lambda year: closure_days(law, year, component=component))
        _CALENDARS[key] = cal
    return cal


def add_business_days(
    start: date, n: int, closed: BusinessCalendar | Mapping[date, str]
) -> tuple[date, tuple[tuple[date, str], ...]]:
    """The ``n``-th business day after ``start`` (day 0) and the named closures skipped."""
    if n < 0:
        raise ValueError(f"cannot count a negative number of business days ({n})")
    cal = _as_calendar(closed)
    if n == 0:
        return start, ()
    remaining, year, after = n, start.year, start.toordinal()
    while True:
        days = cal.business_day_ordinals(year)
        idx = bisect_right(days, after)
        available = len(days) - idx
        if remaining <= available:
            due = date.fromordinal(days[idx + remaining - 1])
            break
        remaining -= available
        year += 1
    return due, tuple(cal.closures_between(start, due))


def business_days_between(
    after: date, until: date, closed: BusinessCalendar | Mapping[date, str]
) -> int:
    """How many business days fall strictly after ``after`` and on or before ``until``."""
    if until <= after:
        return 0
    cal = _as_calendar(closed)
    total = 0
    for year in range(after.year, until.year + 1):
        days = cal.business_day_ordinals(year)
        lo = bisect_right(days, after.toordinal())
        hi = bisect_right(days, until.toordinal())
        total += hi - lo
    return total


def next_business_day(day: date, closed: BusinessCalendar | Mapping[date, str]) -> date:
    """``day`` itself when it is a business day, else the first business day after it."""
    cal = _as_calendar(closed)
    year = day.year
    while True:
        days = cal.business_day_ordinals(year)
        idx = bisect_left(days, day.toordinal())
        if idx < len(days):
            return date.fromordinal(days[idx])
        year += 1


def describe_non_business(day: date, closed: BusinessCalendar | Mapping[date, str]) -> str:
    """Why ``day`` is not a business day: its closure name and/or weekday."""
    name = _as_calendar(closed).closure_name(day)
    weekday = WEEKDAY_NAMES[day.weekday()]
    if name and day.weekday() >= 5:
        return f"{name} ({weekday})"
    return name or weekday


def add_calendar_days(
    start: date,
    n: int,
    roll_forward: str,
    closed: BusinessCalendar | Mapping[date, str],
) -> tuple[date, tuple[tuple[date, str], ...]]:
    """``start`` plus ``n`` days; rolled to the next business day only if the law says so.

    Returns the due date and, when it was moved, the days moved past with why each is closed.
    """
    if n < 0:
        raise ValueError(f"cannot count a negative number of calendar days ({n})")
    cal = _as_calendar(closed)
    due = start + timedelta(days=n)
    if roll_forward != "next_business_day" or cal.is_business_day(due):
        return due, ()
    moved_to = next_business_day(due, cal)
    passed = _days(due, moved_to)
    return moved_to, tuple((d, describe_non_business(d, cal)) for d in passed)


def _days(first: date, stop: date) -> Iterable[date]:
    day = first
    while day < stop:
        yield day
        day += timedelta(days=1)


@dataclass(frozen=True)
class OfficeClosure:
    """A day an office is closed that its law's calendar does not know.

    Exactly one of ``on`` (a one-off date, such as a weather closure), ``month_day``
    ("MM-DD", every year) or ``weekday`` (0 = Monday, every week) is set. ``scope`` is
    "agency" (recorded by an organization for one agency) or "statewide" (recorded by the
    instance's operator, e.g. a governor's emergency closure).
    """

    name: str
    source: str
    on: date | None = None
    month_day: str | None = None
    weekday: int | None = None
    scope: str = "agency"

    def dates_in(self, year: int) -> list[date]:
        """The days in ``year`` this closure covers."""
        if self.on is not None:
            return [self.on] if self.on.year == year else []
        if self.month_day is not None:
            month, day = (int(p) for p in self.month_day.split("-"))
            try:
                return [date(year, month, day)]
            except ValueError:  # 02-29 outside a leap year
                return []
        if self.weekday is not None:
            first = date(year, 1, 1)
            on = first + timedelta(days=(self.weekday - first.weekday()) % 7)
            found = []
            while on.year == year:
                found.append(on)
                on += timedelta(weeks=1)
            return found
        return []

    @property
    def label(self) -> str:
        kind = "office closure" if self.scope == "agency" else "statewide closure"
        return f"{self.name} ({kind})"

    def describe(self) -> str:
        """When it recurs, in words: "every year on 12-24", "every Friday", "on 2026-12-11"."""
        if self.on is not None:
            return f"on {self.on.isoformat()}"
        if self.month_day is not None:
            return f"every year on {self.month_day}"
        return f"every {WEEKDAY_NAMES[self.weekday or 0]}"


def closures_in(closures: Iterable[OfficeClosure], after: date, until: date) -> list[tuple]:
    """(day, closure) for each recorded closure day strictly after ``after``, up to ``until``."""
    found: list[tuple[date, OfficeClosure]] = []
    for closure in closures:
        for year in range(after.year, until.year + 1):
            found.extend((d, closure) for d in closure.dates_in(year) if after < d <= until)
    return sorted(found, key=lambda p: p[0])


def with_closures(base: BusinessCalendar, closures: Iterable[OfficeClosure]) -> BusinessCalendar:
    """``base`` with the recorded closure days closed too (weekends and holidays keep names)."""
    items = tuple(closures)
    if not items:
        return base

    def year_closures(year: int) -> Mapping[date, str]:
        closed = dict(base._closures_for_year(year))
        for closure in items:
            for day in closure.dates_in(year):
                if day.weekday() < 5:
                    closed.setdefault(day, closure.label)
        return closed

    return BusinessCalendar(year_closures)

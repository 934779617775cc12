"""Typed view of a law-library entry (one TOML file per jurisdiction in ``data/``).

Every number carries its own source. A period with ``unit = "none"`` means the law sets no
fixed period (e.g. "promptly"); the engine then shows no statutory due date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

Unit = Literal["business", "calendar", "none"]
RollForward = Literal["next_business_day", "none", "not_specified"]
CLOCKS = (
    "acknowledgment",
    "response",
    "extension",
    "expedited_decision",
    "appeal",
    "appeal_decision",
    "deemed_denial",
)


@dataclass(frozen=True)
class Source:
    citation: str
    url: str | None = None


@dataclass(frozen=True)
class Period:
    """A statutory period: ``count`` days of ``unit`` counted from ``runs_from``."""

    unit: Unit
    source: Source
    count: int | None = None
    runs_from: str = "receipt"
    text: str = ""  # the statute's own words, e.g. "promptly", "within 10 business days"
    note: str = ""

    @property
    def fixed(self) -> bool:
        return self.unit != "none" and self.count is not None


@dataclass(frozen=True)
class Appeal:
    available: bool
    source: Source
    to_whom: str = ""
    period: Period | None = None
    note: str = ""


@dataclass(frozen=True)
class Provision:
    text: str
    source: Source


ExtraRule = Literal["thanksgiving+1", "election-day"]
ExtraYears = Literal["all", "even", "odd"]
EXTRA_RULES: tuple[str, ...] = ("thanksgiving+1", "election-day")
EXTRA_YEARS: tuple[str, ...] = ("all", "even", "odd")


@dataclass(frozen=True)
class ExtraDay:
    """A closure day the ``holidays`` package lacks: a fixed ``MM-DD`` date or a named rule."""

    name: str
    date: str | None = None  # "MM-DD"
    rule: ExtraRule | None = None  # "thanksgiving+1" | "election-day"
    years: ExtraYears = "all"
    # Saturday dates move to Friday and Sunday dates to Monday, as most statutes do for
    # fixed-date holidays; off unless the entry says so, because not every law shifts.
    observed: bool = False
    note: str = ""


@dataclass(frozen=True)
class Calendar:
    """Closure days: ``holidays`` package entries for ``subdiv`` kept only when named here."""

    closure_days: tuple[str, ...]
    source: Source
    subdiv: str | None = None
    extra: tuple[ExtraDay, ...] = ()  # closure days not in the package
    # Whether the package's "(observed)" weekday stand-ins for weekend holidays close offices;
    # false for laws (e.g. Texas) that do not move a holiday falling on a weekend.
    observed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Tolling:
    """When the law lets the agency pause the response clock while it waits on the requester."""

    source: Source
    allowed: bool = True
    information_limit: int | None = None  # how many information pauses count; None = no limit
    fees: bool = True  # pauses to settle fees always count
    text: str = ""
    note: str = ""


@dataclass(frozen=True)
class Component:
    """A federal component whose regulation differs from the statute's floor."""

    code: str
    name: str
    appeal: Appeal
    inauguration_day: bool = False  # closes on Inauguration Day (DC area, 5 U.S.C. § 6103(c))


@dataclass(frozen=True)
class Law:
    code: str
    jurisdiction: str
    name: str
    citation: str
    source: Source
    last_checked: date
    periods: dict[str, Period]
    appeal: Appeal
    roll_forward: RollForward
    roll_forward_source: Source
    who_may_request: Provision
    residents_only: bool
    fees: Provision
    fee_waiver: Provision
    calendar: Calendar
    silence: Provision
    exemptions_citation: str = ""
    follow_up_business_days: int = 10
    components: dict[str, Component] = field(default_factory=dict)
    notes: str = ""
    tolling: Tolling | None = None

    def period(self, clock: str) -> Period | None:
        return self.periods.get(clock)

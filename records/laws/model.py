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
# Incoming timeline events a law may count as ending the agency's silence (``answered_by``);
# the same names as the lifecycle's incoming event kinds (a test keeps them in step).
ANSWER_KINDS = (
    "acknowledged",
    "extension_claimed",
    "fee_estimate",
    "clarification_requested",
    "interim_release",
    "partial_release",
    "final_response",
    "denial",
)
# Without ``answered_by`` any of these ends a deemed denial's silence: an acknowledgment alone
# is not an answer under most laws (Ala. Code § 36-12-44(a)(5); MCL 15.235(2)-(3)).
DEFAULT_ANSWERS = tuple(kind for kind in ANSWER_KINDS if kind != "acknowledged")
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
    """Where a rule comes from, and whether its quoted words were checked against that text."""

    citation: str
    url: str | None = None  # the official text (legislature, administrative code, eCFR)
    checked_on: date | None = None  # the day the quoted words were compared with the text
    read_at: str | None = None  # the copy actually read, when the official page could not be
    # Set when the words could not be confirmed: what is unconfirmed (for maintainers). The law
    # page then says the rule is unconfirmed and the engine counts to the earlier date.
    unverified: str = ""


@dataclass(frozen=True)
class Period:
    """A statutory period: ``count`` days of ``unit`` counted from ``runs_from``."""

    unit: Unit
    source: Source
    count: int | None = None
    runs_from: str = "receipt"
    text: str = ""  # the statute's own words, e.g. "promptly", "within 10 business days"
    note: str = ""  # plain words for users
    research: str = ""  # notes for maintainers: what was read, what is left; never shown
    # When the law attaches the consequence only in some cases, those cases in plain words
    # (Michigan's deemed denial, MCL 15.235(3)); the date is shown with this condition.
    condition: str = ""
    # For a deemed denial: the incoming events that end the silence. Empty means any answer
    # except an acknowledgment (most laws ask for a grant, a denial or an extension notice).
    answered_by: tuple[str, ...] = ()
    # Other (count, unit) lengths from the same start; the period ends at the earliest of all,
    # e.g. "the earlier of 30 business days or 60 calendar days" (Ala. Code § 36-12-44(a)(5)).
    earlier_of: tuple[tuple[int, Unit], ...] = ()

    @property
    def fixed(self) -> bool:
        return self.unit != "none" and self.count is not None


@dataclass(frozen=True)
class AppealOffice:
    """Where an appeal is sent, when the law or regulation names an office (letters use it)."""

    name: str
    address: str = ""
    email: str = ""
    attention: str = ""  # the salutation's addressee, e.g. "FOIA Appeals Officer"
    # Used for requests to an office whose name holds one of these "|"-separated words.
    for_agency: str = ""
    source: str = ""  # where the name and address were read
    unverified: str = ""  # what is not confirmed


@dataclass(frozen=True)
class Appeal:
    available: bool
    source: Source
    to_whom: str = ""
    period: Period | None = None
    note: str = ""
    research: str = ""
    # A separate window for appealing the agency's silence, counted from the request
    # (950 CMR 32.08(1)(d)).
    no_response: Period | None = None
    # For letters: the appeal authority as words for a sentence when ``to_whom`` reads badly
    # there, and the offices appeals are addressed to.
    letter_to_whom: str = ""
    offices: tuple[AppealOffice, ...] = ()


@dataclass(frozen=True)
class Provision:
    text: str  # plain words for users
    source: Source
    research: str = ""


ExtraRule = Literal["thanksgiving+1", "election-day", "june19-monday"]
# How a holiday on a weekend moves: "all" = Saturday to Friday and Sunday to Monday (5 U.S.C.
# § 6103(b) and most states); "sunday_only" = only Sunday to Monday (e.g. N.Y. Gen. Constr. Law
# § 24, Mass. G.L. c. 4, § 7, cl. 18); "none" = the holiday stays on its weekend day.
Observed = Literal["all", "sunday_only", "none"]
OBSERVED_RULES: tuple[str, ...] = ("all", "sunday_only", "none")
# The ``holidays`` package's categories; a state's own closures are in "public", while
# "government" holds the federal list and "unofficial" customary days such as Christmas Eve.
CATEGORIES: tuple[str, ...] = ("public", "government", "unofficial", "half_day")
# "presidential": years divisible by four, when presidential elections are held (KRS 2.190).
ExtraYears = Literal["all", "even", "odd", "presidential"]
# "june19-monday": June 19 kept on a Monday, the one before when it falls Tuesday to Friday and
# the one after when it falls on a weekend (Utah Code § 63G-1-301(2)(c)-(d)).
EXTRA_RULES: tuple[str, ...] = ("thanksgiving+1", "election-day", "june19-monday")
# Also accepted: "nth-weekday:MM:N:DAY", the Nth (1-5, or "last") DAY (mon..sun) of month MM,
# e.g. "nth-weekday:09:4:fri" for California's Native American Day (Gov. Code § 6700(a)).
NTH_WEEKDAY_RE = r"^nth-weekday:(0[1-9]|1[0-2]):([1-5]|last):(mon|tue|wed|thu|fri|sat|sun)$"
EXTRA_YEARS: tuple[str, ...] = ("all", "even", "odd", "presidential")


@dataclass(frozen=True)
class ExtraDay:
    """A closure day the ``holidays`` package lacks: a fixed ``MM-DD`` date or a named rule."""

    name: str
    date: str | None = None  # "MM-DD"
    rule: ExtraRule | None = None  # "thanksgiving+1" | "election-day" | "june19-monday"
    years: ExtraYears = "all"
    # Off unless the entry says how the law moves a weekend date, because not every law does.
    observed: Observed = "none"
    note: str = ""
    research: str = ""


@dataclass(frozen=True)
class Calendar:
    """Closure days: ``holidays`` package entries for ``subdiv`` kept only when named here.

    Names are looked up in the package's "public" category (the state's own list) unless
    ``categories`` names another category for them: one name can mean different days in
    different categories (Georgia's "Washington's Birthday" is in December, the federal one in
    February), so a name is only ever matched in one category.
    """

    closure_days: tuple[str, ...]
    source: Source
    subdiv: str | None = None
    extra: tuple[ExtraDay, ...] = ()  # closure days not in the package
    # How weekend holidays move: "all" keeps the package's "(observed)" stand-ins; "none" drops
    # them (Texas: § 552.0031(e)); "sunday_only" drops them and closes the Monday after a
    # Sunday holiday instead.
    observed: Observed = "all"
    categories: tuple[tuple[str, str], ...] = ()  # (closure name, package category) overrides
    note: str = ""
    research: str = ""
    text: str = ""  # the holiday statute's own words
    # True when the law's business days are the days the office is open, so a closure the
    # organization records for its agency (or an instance-wide closure) is not a business day
    # (Ala. Code § 36-12-43(b)(1)). Otherwise such closures are shown but not counted.
    office_closures: bool = False
    office_closures_source: Source | None = None
    office_closures_text: str = ""

    def category_of(self, name: str) -> str:
        """The package category in which closure ``name`` is looked up."""
        return dict(self.categories).get(name, "public")


@dataclass(frozen=True)
class Tolling:
    """When the law lets the agency pause the response clock while it waits on the requester."""

    source: Source
    allowed: bool = True
    information_limit: int | None = None  # how many information pauses count; None = no limit
    fees: bool = True  # pauses to settle fees always count
    text: str = ""
    note: str = ""
    research: str = ""


# How a request may reach an agency; the timeline's "sent" event records one of these.
CHANNELS: tuple[str, ...] = ("email", "portal", "fax", "mail", "hand")
ELECTRONIC_CHANNELS: tuple[str, ...] = ("email", "portal", "fax")
# What a law does with a request that arrives on a day the office is closed, or after hours:
# "next_business_day" moves receipt to the next business day; "same_day" keeps the day.
LateReceipt = Literal["next_business_day", "same_day"]
LATE_RECEIPT: tuple[str, ...] = ("next_business_day", "same_day")


@dataclass(frozen=True)
class Receipt:
    """When a request counts as received, by the channel it was sent through.

    ``electronic_business_days``: a request sent through one of ``delayed_channels`` counts as
    received that many business days after it was sent (MCL 15.235(1)). ``actual_receipt``:
    channels for which the law counts only the day the request actually arrived (Ala. Code
    § 36-12-45(b)(2): mail and hand delivery), so the date of arrival should be recorded.
    """

    text: str
    source: Source
    electronic_business_days: int = 0
    delayed_channels: tuple[str, ...] = ELECTRONIC_CHANNELS
    actual_receipt: tuple[str, ...] = ()
    closed_day: LateReceipt = "same_day"
    after_hours: LateReceipt = "same_day"
    note: str = ""
    research: str = ""


@dataclass(frozen=True)
class LawVersion:
    """An earlier (or later) text of the law: the clocks it set and the days it was in force.

    A request is counted under the version in force on the day it was received. ``periods``
    replace the entry's periods of the same name; ``without`` names the clocks that version
    did not have.
    """

    label: str
    source: Source
    in_force_from: date | None = None
    in_force_until: date | None = None  # the last day in force
    periods: dict[str, Period] = field(default_factory=dict)
    without: tuple[str, ...] = ()
    appeal: Appeal | None = None
    text: str = ""  # the words of that version that differ
    note: str = ""  # plain words for users
    research: str = ""


@dataclass(frozen=True)
class Component:
    """A federal component whose regulation differs from the statute's floor."""

    code: str
    name: str
    appeal: Appeal
    inauguration_day: bool = False  # closes on Inauguration Day (DC area, 5 U.S.C. § 6103(c))
    fee_waiver: Provision | None = None  # the component's fee-waiver regulation
    expedite: Provision | None = None  # the component's expedited-processing regulation


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
    notes: str = ""  # plain words for users, shown on the law page
    research: str = ""  # notes for maintainers, never shown
    tolling: Tolling | None = None
    receipt: Receipt | None = None
    # Laws that change: the entry above is the version in force from ``in_force_from``
    # (named ``version``); ``versions`` holds the others, each with its own dates.
    in_force_from: date | None = None
    version: str = ""
    version_source: Source | None = None
    versions: tuple[LawVersion, ...] = ()

    def period(self, clock: str) -> Period | None:
        return self.periods.get(clock)

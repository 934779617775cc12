"""The deadline engine: a law entry, a receipt date and what happened since -> dated clocks.

Pure: no Flask, no database, no clock reading. Every date comes with the sentence that explains
it and the law's citation, and with the calendar version it was computed against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from records.laws import get_law
from records.laws.calendars import (
    CALENDAR_VERSION,
    BusinessCalendar,
    OfficeClosure,
    add_business_days,
    add_calendar_days,
    business_calendar,
    business_days_between,
    closures_in,
    describe_non_business,
    next_business_day,
    with_closures,
)
from records.laws.model import CHANNELS, Law, Period

__all__ = [
    "CLOCK_NAMES",
    "SUMMARY_KEYS",
    "Clock",
    "ClockEvent",
    "CLOCK_EVENT_KINDS",
    "compute_clocks",
    "compute_summary",
    "law_in_force",
    "operative_response",
    "receipt_date",
    "received_from_sent",
]

# Every clock ``compute_clocks`` can return, in the order they happen. The CLI, the API and the
# calculator list each of them (``SUMMARY_KEYS``), so a new clock cannot be left out there.
CLOCK_NAMES = (
    "acknowledgment",
    "response",
    "extended_response",
    "expedited_decision",
    "deemed_denial",
    "appeal_no_response",
    "appeal",
    "appeal_decision",
    "follow_up",
)

CLOCK_EVENT_KINDS = (
    "acknowledged",
    "toll_start",
    "toll_end",
    "extension",
    "determination",
    "expedite_requested",
    "appeal_filed",
)


@dataclass(frozen=True)
class Clock:
    """One dated obligation, with the law's words and a sentence explaining the count."""

    name: str
    due: date | None
    statutory: bool
    rule: str
    citation: str
    url: str | None
    unit: str
    count: int | None
    start: date
    skipped: tuple[tuple[date, str], ...]
    paused: tuple[tuple[date, date | None], ...]
    explanation: str
    calendar_version: str
    # True when the date applies only if something happens (an extension not yet noticed).
    provisional: bool = False
    # The law's own condition for this consequence, in plain words ("" when unconditional).
    condition: str = ""
    # Which version of the law it was counted under ("" when the entry records no versions).
    version: str = ""


@dataclass(frozen=True)
class ClockEvent:
    """Something that happened to a request and moves its clocks."""

    kind: str
    on: date
    days: int | None = None
    new_due: date | None = None
    reason: str = ""


@dataclass
class _Toll:
    start: date
    end: date | None
    reason: str
    counts: bool = True
    why_not: str = ""


@dataclass
class _Ctx:
    law: Law
    cal: BusinessCalendar
    received: date
    # The date of the request (when it was sent), for laws that count from it; None when only
    # the receipt date is known.
    requested: date | None = None
    receipt_note: str = ""
    tolls: list[_Toll] = field(default_factory=list)
    toll_notes: list[str] = field(default_factory=list)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def fmt(day: date) -> str:
    """A date as "Fri 2026-11-20"."""
    # Not strftime("%a"): that is locale-dependent and slow in a hot loop.
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def _skipped_text(skipped: Sequence[tuple[date, str]], cal: BusinessCalendar) -> str:
    if not skipped:
        return "no holidays fell in the period"
    names = ", ".join(f"{describe_non_business(d, cal)} {d.isoformat()}" for d, _ in skipped)
    return f"skipped {names}"


REQUEST_DATE_NOTE = (
    "The law counts from the date of the request; the receipt date is used here, so if the "
    "request was dated earlier the deadline may be earlier too."
)


def _receipt_notes(period: Period, ctx: _Ctx) -> list[str]:
    if period.runs_from == "request_date":
        return [REQUEST_DATE_NOTE] if ctx.requested is None else []
    if period.runs_from == "receipt" and ctx.receipt_note:
        return [ctx.receipt_note]
    return []


def _start_of(period: Period, ctx: _Ctx) -> tuple[date, str]:
    """Where a period counted from the request (not the acknowledgment) starts, and its label."""
    if period.runs_from == "request_date" and ctx.requested is not None:
        return ctx.requested, "the request"
    return ctx.received, "receipt"


CHANNEL_WORDS = {
    "email": "e-mail",
    "portal": "the agency's online portal",
    "fax": "fax",
    "mail": "post",
    "hand": "hand delivery",
}


def law_calendar(
    law: Law, component: str | None = None, closures: Sequence[OfficeClosure] = ()
) -> BusinessCalendar:
    """The law's business calendar, with recorded closures closed where the law counts them."""
    cal = business_calendar(law, component)
    return with_closures(cal, closures) if law.calendar.office_closures else cal


def receipt_date(
    law: Law | str,
    sent: date,
    *,
    channel: str | None = None,
    received: date | None = None,
    after_hours: bool = False,
    component: str | None = None,
    closures: Sequence[OfficeClosure] = (),
) -> tuple[date, str]:
    """When a request sent on ``sent`` through ``channel`` counts as received, and why.

    ``received`` is the day it arrived when known (the agency's stamp, a certified-mail
    receipt); the law's rules for requests arriving on a closed day or after hours apply to it.
    Without a channel a request is treated as sent electronically, as before channels were
    recorded. The sentence is empty when nothing needed saying.
    """
    if isinstance(law, str):
        law = get_law(law)
    if channel is not None and channel not in CHANNELS:
        raise ValueError(f"channel {channel!r} is not one of {', '.join(CHANNELS)}")
    if received is not None and received < sent:
        raise ValueError(
            f"received {received.isoformat()} is before the request was sent {sent.isoformat()}"
        )
    rule = law.receipt
    cal = law_calendar(law, component, closures)
    how = CHANNEL_WORDS.get(channel or "", "")
    notes: list[str] = []
    day = sent
    if received is not None:
        day = received
        if received != sent:
            notes.append(f"Received on {fmt(received)}, as recorded.")
    elif (
        rule is not None
        and rule.electronic_business_days
        and (channel is None or channel in rule.delayed_channels)
    ):
        n = rule.electronic_business_days
        day, _ = add_business_days(sent, n, cal)
        sent_by = f"by {how}" if how else "electronically"
        notes.append(
            f"Sent {sent_by} on {fmt(sent)}, the request counts as received "
            f"{n} business day{'s' if n != 1 else ''} later, on {fmt(day)} "
            f"({rule.source.citation})."
        )
        if channel is None:
            notes.append(
                "If it was delivered by hand or arrived by post, record the day it arrived."
            )
        return day, " ".join(notes)
    elif channel in ("mail", "hand") or (rule is not None and channel in rule.actual_receipt):
        cite = (
            f" ({rule.source.citation})"
            if rule is not None and channel in rule.actual_receipt
            else ""
        )
        notes.append(
            f"Sent by {how} on {fmt(sent)}: the request is received the day it actually "
            f"arrives{cite}. No arrival date is recorded, so the sending date is used, the "
            "earliest it can have arrived; record the day it arrived to count from it."
        )
    if rule is not None and rule.closed_day == "next_business_day" and not cal.is_business_day(day):
        moved = next_business_day(day, cal)
        notes.append(
            f"{fmt(day)} is {_what_day(day, cal)}, so the request counts as received on the "
            f"next business day, {fmt(moved)} ({rule.source.citation})."
        )
        day = moved
    elif after_hours and rule is not None and rule.after_hours == "next_business_day":
        moved, _ = add_business_days(day, 1, cal)
        notes.append(
            f"It arrived after the office closed on {fmt(day)}, so it counts as received on the "
            f"next business day, {fmt(moved)} ({rule.source.citation})."
        )
        day = moved
    elif after_hours:
        notes.append(
            "It arrived after the office closed; the law library has no rule for that here, so "
            f"it is counted from the day it arrived, {fmt(day)} (the earlier date)."
        )
    return day, " ".join(notes)


def received_from_sent(
    law: Law | str, sent: date, component: str | None = None
) -> tuple[date, str]:
    """When a request e-mailed on ``sent`` counts as received (``receipt_date`` without a
    channel), and the sentence saying why."""
    return receipt_date(law, sent, component=component)


def law_in_force(law: Law, received: date) -> tuple[Law, str]:
    """The version of ``law`` in force on ``received``, and the sentence saying which it is.

    The sentence is empty for an entry that records no dates of force.
    """
    if law.in_force_from is None:
        return law, ""
    for v in law.versions:
        assert v.in_force_until is not None
        if (
            v.in_force_from is None or v.in_force_from <= received
        ) and received <= v.in_force_until:
            periods = {k: p for k, p in law.periods.items() if k not in v.without}
            periods.update(v.periods)
            used = replace(
                law,
                periods=periods,
                appeal=v.appeal or law.appeal,
                version=v.label,
                version_source=v.source,
            )
            since = f"from {v.in_force_from.isoformat()} " if v.in_force_from else ""
            return used, (
                f"Counted under {v.label} (in force {since}to {v.in_force_until.isoformat()}), "
                f"the text in force when the request was received on {fmt(received)} "
                f"({v.source.citation})."
            )
    label = law.version or "the current text"
    cite = f" ({law.version_source.citation})" if law.version_source else ""
    if received < law.in_force_from:
        return law, (
            f"Received on {fmt(received)}, before {label} took effect on "
            f"{law.in_force_from.isoformat()}{cite}; the library holds no text in force then, so "
            "the current one is used: check the law in force on that day."
        )
    return law, (
        f"Counted under {label}, in force from {law.in_force_from.isoformat()}{cite}: the text "
        f"in force when the request was received on {fmt(received)}."
    )


def _source_sentence(period: Period) -> str:
    return f"Source: {period.source.citation}."


def _validate(
    received: date,
    events: Sequence[ClockEvent],
    determination: date | None,
    follow_up: int | None,
    requested: date | None = None,
) -> list[ClockEvent]:
    """Check the inputs and return the events in date order."""
    if not isinstance(received, date):
        raise ValueError(f"received must be a date, not {received!r}")
    if requested is not None and requested > received:
        raise ValueError(
            f"the request date {requested.isoformat()} is after receipt {received.isoformat()}"
        )
    if determination is not None and determination < received:
        raise ValueError(
            f"determination date {determination.isoformat()} is before receipt "
            f"{received.isoformat()}"
        )
    if follow_up is not None and follow_up < 0:
        raise ValueError(f"follow_up_days must not be negative ({follow_up})")
    for event in events:
        if event.kind not in CLOCK_EVENT_KINDS:
            raise ValueError(f"unknown event kind {event.kind!r}; use one of {CLOCK_EVENT_KINDS}")
        if event.on < received:
            raise ValueError(
                f"{event.kind} event on {event.on.isoformat()} is before receipt "
                f"{received.isoformat()}"
            )
        if event.days is not None and event.days < 0:
            raise ValueError(f"{event.kind} event has negative days ({event.days})")
        if event.new_due is not None and event.new_due < received:
            raise ValueError(
                f"{event.kind} event new_due {event.new_due.isoformat()} is before receipt"
            )
    # Stable sort keeps the recorded order of events on the same day (end then start).
    return sorted(events, key=lambda e: e.on)


def _collect_tolls(ctx: _Ctx, events: Sequence[ClockEvent]) -> None:
    """Pair toll_start/toll_end events and decide which pauses the law lets count."""
    open_toll: _Toll | None = None
    for event in events:
        if event.kind == "toll_start":
            if open_toll is not None:
                raise ValueError(
                    f"toll_start on {event.on.isoformat()} while the pause that started "
                    f"{open_toll.start.isoformat()} has not ended"
                )
            open_toll = _Toll(start=event.on, end=None, reason=event.reason or "information")
            ctx.tolls.append(open_toll)
        elif event.kind == "toll_end":
            if open_toll is None:
                raise ValueError(f"toll_end on {event.on.isoformat()} without a toll_start")
            open_toll.end = event.on
            open_toll = None
    rule = ctx.law.tolling
    information_seen = 0
    for toll in ctx.tolls:
        if rule is None:
            continue
        if not rule.allowed:
            toll.counts, toll.why_not = (
                False,
                f"the law does not allow pausing ({rule.source.citation})",
            )
        elif toll.reason == "fees":
            if not rule.fees:
                toll.counts, toll.why_not = False, "the law does not pause for fee questions"
        else:
            information_seen += 1
            limit = rule.information_limit
            if limit is not None and information_seen > limit:
                toll.counts = False
                toll.why_not = (
                    f"only {limit} pause(s) for information count ({rule.source.citation})"
                )
    if rule is None and ctx.tolls:
        ctx.toll_notes.append(
            "The law library does not say whether this law allows pausing; "
            "the recorded pauses are applied as recorded."
        )


def _count(
    unit: str, start: date, n: int, ctx: _Ctx
) -> tuple[date, tuple[tuple[date, str], ...], date]:
    """Due date, days skipped or rolled past, and the unrolled date (calendar units)."""
    if unit == "business":
        due, skipped = add_business_days(start, n, ctx.cal)
        return due, skipped, due
    raw = start + timedelta(days=n)
    due, moved = add_calendar_days(start, n, ctx.law.roll_forward, ctx.cal)
    return due, moved, raw


def _what_day(day: date, cal: BusinessCalendar) -> str:
    """ "a Saturday", or the closure's name ("Independence Day (Saturday)")."""
    why = describe_non_business(day, cal)
    return f"a {why}" if why in ("Saturday", "Sunday") else why


def _roll_sentence(ctx: _Ctx, raw: date, due: date) -> str:
    law = ctx.law
    if due != raw:
        return (
            f"{fmt(raw)} is {_what_day(raw, ctx.cal)}, so it moves to the next "
            f"business day, {fmt(due)} ({law.roll_forward_source.citation})"
        )
    if ctx.cal.is_business_day(raw):
        return ""
    how = "does not move it" if law.roll_forward == "none" else "does not say it moves"
    return (
        f"{fmt(raw)} is {_what_day(raw, ctx.cal)} and the law {how} "
        f"({law.roll_forward_source.citation}): act by the business day before to be safe"
    )


def _apply_tolls(
    ctx: _Ctx, unit: str, raw_due: date
) -> tuple[date | None, list[tuple[date, date | None]], list[str]]:
    """Push an unrolled due date back by each counted pause that began before it ran out."""
    due: date | None = raw_due
    paused: list[tuple[date, date | None]] = []
    notes: list[str] = []
    for toll in ctx.tolls:
        if not toll.counts:
            notes.append(f"The pause from {fmt(toll.start)} is not counted: {toll.why_not}.")
            continue
        if due is None:
            break
        if toll.start > due:
            notes.append(
                f"The pause from {fmt(toll.start)} began after the due date, so it does not "
                "extend it."
            )
            continue
        paused.append((toll.start, toll.end))
        if toll.end is None:
            notes.append(
                f"Paused since {fmt(toll.start)} ({toll.reason}); no due date until "
                "the requester answers."
            )
            due = None
            continue
        if unit == "business":
            remaining = business_days_between(toll.start, due, ctx.cal)
            added = business_days_between(toll.start, toll.end, ctx.cal)
            due = (
                add_business_days(toll.end, remaining, ctx.cal)[0]
                if remaining
                else next_business_day(toll.end, ctx.cal)
            )
            notes.append(
                f"Paused from {fmt(toll.start)} to {fmt(toll.end)} ({toll.reason}): "
                f"{added} business day(s) added back → {fmt(due)}."
            )
        else:
            added = (toll.end - toll.start).days
            due = due + timedelta(days=added)
            notes.append(
                f"Paused from {fmt(toll.start)} to {fmt(toll.end)} ({toll.reason}): "
                f"{added} calendar day(s) added back → {fmt(due)}."
            )
    return due, paused, notes


def _condition_sentence(period: Period) -> str:
    if not period.condition:
        return ""
    return f"Only if {period.condition} ({period.source.citation}). "


def _unfixed_clock(
    name: str, period: Period, start: date, *, statutory: bool = True, provisional: bool = False
) -> Clock:
    words = period.text or period.note
    return Clock(
        name=name,
        due=None,
        statutory=statutory,
        rule=period.text,
        citation=period.source.citation,
        url=period.source.url,
        unit="none",
        count=None,
        start=start,
        skipped=(),
        paused=(),
        explanation=(
            f'{_condition_sentence(period)}No fixed period: the law says "{words}". '
            f"{_source_sentence(period)}"
        ),
        calendar_version=CALENDAR_VERSION,
        provisional=provisional,
        condition=period.condition,
    )


def _period_clock(
    name: str,
    period: Period,
    start: date,
    start_label: str,
    ctx: _Ctx,
    *,
    count: int | None = None,
    tolled: bool = False,
    provisional: bool = False,
    prefix: str = "",
    extra_notes: Sequence[str] = (),
) -> Clock:
    """A clock for ``count`` (default the period's) days of the period's unit after ``start``."""
    if not period.fixed and count is None:
        return _unfixed_clock(name, period, start, provisional=provisional)
    if period.earlier_of and count is None:
        return _earliest_clock(
            name,
            period,
            start,
            start_label,
            ctx,
            tolled=tolled,
            provisional=provisional,
            prefix=prefix,
            extra_notes=extra_notes,
        )
    n = period.count if count is None else count
    assert n is not None
    unit = period.unit if period.unit != "none" else "calendar"
    due, skipped, raw = _count(unit, start, n, ctx)
    sentences = [
        f"{prefix}{n} {unit} days after {start_label} on {fmt(start)} (day 0)"
        + (f"; {_skipped_text(skipped, ctx.cal)}" if unit == "business" else "")
        + f" → {fmt(due)}."
    ]
    paused: list[tuple[date, date | None]] = []
    final: date | None = due
    if tolled and ctx.tolls:
        tolled_raw, paused, notes = _apply_tolls(ctx, unit, raw)
        sentences.extend(notes + ctx.toll_notes)
        if tolled_raw is None:
            final = None
        elif unit == "business":
            final = tolled_raw
        else:
            final, skipped = add_calendar_days(tolled_raw, 0, ctx.law.roll_forward, ctx.cal)
            raw = tolled_raw
    if final is not None and unit == "calendar":
        roll = _roll_sentence(ctx, raw, final)
        if roll:
            sentences.append(roll[0].upper() + roll[1:] + ".")
    if final is not None and paused and unit == "business":
        skipped = tuple(
            (d, n_)
            for d, n_ in ctx.cal.closures_between(start, final)
            if not any(s < d <= (e or d) for s, e in paused)
        )
    sentences.extend(extra_notes)
    sentences.append(_source_sentence(period))
    return Clock(
        name=name,
        due=final,
        statutory=True,
        rule=period.text,
        citation=period.source.citation,
        url=period.source.url,
        unit=unit,
        count=n,
        start=start,
        skipped=skipped,
        paused=tuple(paused),
        explanation=_condition_sentence(period) + " ".join(sentences),
        calendar_version=CALENDAR_VERSION,
        provisional=provisional,
        condition=period.condition,
    )


def _earliest_clock(
    name: str,
    period: Period,
    start: date,
    start_label: str,
    ctx: _Ctx,
    **kwargs: object,
) -> Clock:
    """The clock for a period that ends at the earliest of several lengths."""
    lengths = [(period.count, period.unit), *period.earlier_of]
    candidates = [
        _period_clock(
            name,
            replace(period, count=n, unit=unit, earlier_of=()),
            start,
            start_label,
            ctx,
            **kwargs,  # type: ignore[arg-type]
        )
        for n, unit in lengths
    ]
    # A clock paused with no end has no date yet; it can only be the earliest if all are.
    chosen = min(candidates, key=lambda c: c.due or date.max)
    options = " or ".join(
        f"{c.count} {c.unit} days ({fmt(c.due) if c.due else 'paused'})" for c in candidates
    )
    condition = _condition_sentence(period)
    return replace(
        chosen,
        explanation=f"{condition}The earlier of {options}: "
        + chosen.explanation.removeprefix(condition),
    )


def _extended_clock(
    ctx: _Ctx, period: Period, response: Clock, base_due: date, extension: ClockEvent | None
) -> Clock:
    """The response clock after the law's extension, provisional until one is noticed."""
    from_receipt = period.runs_from in ("receipt", "request_date")
    start, label = (
        _start_of(period, ctx) if from_receipt else (base_due, "the original response due date")
    )
    notes: list[str] = _receipt_notes(period, ctx) if from_receipt else []
    if extension is not None and response.due is not None and extension.on > response.due:
        notes.append(
            f"The extension notice of {fmt(extension.on)} came after the response was due on "
            f"{fmt(response.due)}; a late notice may not extend the deadline."
        )
    if extension is not None and extension.new_due is not None:
        limit = None
        if period.fixed:
            assert period.count is not None
            limit, _, _ = _count(period.unit, start, period.count, ctx)
        if limit is not None and extension.new_due > limit:
            notes.append(
                f"That is later than the {period.count} {period.unit} days the law allows "
                f"({fmt(limit)})."
            )
        return Clock(
            name="extended_response",
            due=extension.new_due,
            statutory=True,
            rule=period.text,
            citation=period.source.citation,
            url=period.source.url,
            unit=period.unit,
            count=period.count,
            start=start,
            skipped=(),
            paused=(),
            explanation=" ".join(
                [
                    f"The agency's extension notice of {fmt(extension.on)} sets "
                    f"{fmt(extension.new_due)}.",
                    *notes,
                    _source_sentence(period),
                ]
            ),
            calendar_version=CALENDAR_VERSION,
        )
    count = extension.days if extension is not None and extension.days is not None else None
    if count is not None and not period.fixed:
        notes.append(
            "The law fixes no length or unit; the notice's days are counted as calendar days."
        )
    if count is not None and period.fixed and period.count is not None and count > period.count:
        notes.append(f"That is more than the {period.count} days the law allows.")
    if extension is None:
        prefix = "Latest possible date if the agency extends: "
    else:
        prefix = f"Extended by notice of {fmt(extension.on)}: "
    return _period_clock(
        "extended_response",
        period,
        start,
        label,
        ctx,
        count=count,
        tolled=True,
        provisional=extension is None,
        prefix=prefix,
        extra_notes=notes,
    )


def _appeal_period(law: Law, component: str | None) -> tuple[Period | None, str]:
    """The appeal window that applies: the component's regulation, else the law's."""
    if component is not None:
        comp = law.components[component]
        if comp.appeal.available and comp.appeal.period is not None:
            return comp.appeal.period, comp.appeal.note
    return law.appeal.period, law.appeal.note


def _last(events: Sequence[ClockEvent], kind: str) -> ClockEvent | None:
    found = [e for e in events if e.kind == kind]
    return found[-1] if found else None


def _follow_up_clock(ctx: _Ctx, received: date, n: int) -> Clock:
    due, skipped = add_business_days(received, n, ctx.cal)
    return Clock(
        name="follow_up",
        due=due,
        statutory=False,
        rule=f"follow up after {n} business days (a reminder, not a legal deadline)",
        citation="",
        url=None,
        unit="business",
        count=n,
        start=received,
        skipped=skipped,
        paused=(),
        explanation=(
            f"Follow-up target, not a legal deadline: the law sets no fixed period, so we "
            f"suggest following up {n} business days after receipt on {fmt(received)} "
            f"(day 0); {_skipped_text(skipped, ctx.cal)} → {fmt(due)}."
        ),
        calendar_version=CALENDAR_VERSION,
    )


ACK_PROVISIONAL_NOTE = (
    "Provisional: the law counts from the acknowledgment, which has not been recorded, so this "
    "counts from the latest day the agency may acknowledge; an earlier acknowledgment gives an "
    "earlier date. Record the acknowledgment date to fix it."
)


@dataclass
class _Starts:
    """Where a period starts: receipt, or the acknowledgment for laws that count from it."""

    ctx: _Ctx
    ack_clock: Clock | None
    ack_event: ClockEvent | None

    def __call__(self, period: Period) -> tuple[date, str, bool, list[str]]:
        """(start, label, provisional, notes) for ``period``."""
        received = self.ctx.received
        if period.runs_from != "acknowledgment":
            start, label = _start_of(period, self.ctx)
            return start, label, False, _receipt_notes(period, self.ctx)
        ack_due = self.ack_clock.due if self.ack_clock is not None else None
        if self.ack_event is not None:
            notes = []
            if ack_due is not None and self.ack_event.on > ack_due:
                notes.append(
                    f"The acknowledgment of {fmt(self.ack_event.on)} came after it was due on "
                    f"{fmt(ack_due)}."
                )
            return self.ack_event.on, "the acknowledgment", False, notes
        if ack_due is None:
            note = (
                "Provisional: the law counts from the acknowledgment, which has no fixed "
                "deadline and has not been recorded, so this counts from receipt."
            )
            return received, "receipt", True, [note]
        return ack_due, "the latest permissible acknowledgment", True, [ACK_PROVISIONAL_NOTE]


def compute_clocks(
    law: Law | str,
    received: date,
    *,
    component: str | None = None,
    events: Sequence[ClockEvent] = (),
    determination: date | None = None,
    expedite_requested: bool = False,
    follow_up_days: int | None = None,
    requested: date | None = None,
    receipt_note: str = "",
    closures: Sequence[OfficeClosure] = (),
) -> dict[str, Clock]:
    """Every clock that applies to a request received on ``received``, keyed by clock name.

    ``requested`` is the date of the request (when it was sent), for laws that count from it;
    ``receipt_note`` says how the receipt date was found and is added to clocks counted from it.
    The law is counted in the version in force on ``received``. ``closures`` are the office's
    own closure days and instance-wide closures: closed days where the law counts the days the
    office is open, and named in each explanation either way.
    """
    if isinstance(law, str):
        law = get_law(law)
    law, version_note = law_in_force(law, received)
    clocks = _compute_clocks(
        law,
        received,
        component=component,
        events=events,
        determination=determination,
        expedite_requested=expedite_requested,
        follow_up_days=follow_up_days,
        requested=requested,
        receipt_note=receipt_note,
        closures=closures,
    )
    return {name: _annotate(clock, law, version_note, closures) for name, clock in clocks.items()}


def _annotate(
    clock: Clock, law: Law, version_note: str, closures: Sequence[OfficeClosure]
) -> Clock:
    """Add which version of the law applied and the recorded closures in the clock's period."""
    extra: list[str] = []
    if version_note:
        extra.append(version_note)
    if closures and clock.due is not None:
        found = closures_in(closures, clock.start, clock.due)
        if found:
            days = "; ".join(
                f"{fmt(d)} {c.label}, {c.describe()} (source: {c.source})" for d, c in found
            )
            if law.calendar.office_closures:
                cite = law.calendar.office_closures_source
                extra.append(
                    f"Recorded closure days counted as closed, because the law counts the days "
                    f"the office is open ({cite.citation if cite else law.citation}): {days}."
                )
            else:
                extra.append(
                    f"Recorded closure days in this period, not counted: {law.name} sets its "
                    f"business days by statute, not by the office's own closures ({days}); the "
                    "agency may treat them as closed."
                )
    if not extra:
        return clock
    return replace(clock, explanation=f"{clock.explanation} {' '.join(extra)}", version=law.version)


def _compute_clocks(
    law: Law,
    received: date,
    *,
    component: str | None,
    events: Sequence[ClockEvent],
    determination: date | None,
    expedite_requested: bool,
    follow_up_days: int | None,
    requested: date | None,
    receipt_note: str,
    closures: Sequence[OfficeClosure],
) -> dict[str, Clock]:
    ordered = _validate(received, events, determination, follow_up_days, requested)
    ctx = _Ctx(
        law=law,
        cal=law_calendar(law, component, closures),
        received=received,
        requested=requested,
        receipt_note=receipt_note,
    )
    _collect_tolls(ctx, ordered)
    clocks: dict[str, Clock] = {}

    ack = law.period("acknowledgment")
    if ack is not None:
        ack_start, ack_label = _start_of(ack, ctx)
        clocks["acknowledgment"] = _period_clock(
            "acknowledgment", ack, ack_start, ack_label, ctx, extra_notes=_receipt_notes(ack, ctx)
        )
    start_for = _Starts(ctx, clocks.get("acknowledgment"), _last(ordered, "acknowledged"))

    response_period = law.periods["response"]
    start, label, provisional, notes = start_for(response_period)
    response = _period_clock(
        "response",
        response_period,
        start,
        label,
        ctx,
        tolled=True,
        provisional=provisional,
        extra_notes=notes,
    )
    clocks["response"] = response

    ext_period = law.period("extension")
    if ext_period is not None:
        extension = _last(ordered, "extension")
        if response_period.fixed:
            assert response_period.count is not None
            base_due, _, _ = _count(response_period.unit, start, response_period.count, ctx)
        else:
            base_due = received
        if ext_period.runs_from in ("receipt", "request_date") or response_period.fixed:
            clocks["extended_response"] = _extended_clock(
                ctx, ext_period, response, base_due, extension
            )

    expedite = _last(ordered, "expedite_requested")
    exp_period = law.period("expedited_decision")
    if exp_period is not None and (expedite_requested or expedite is not None):
        exp_start = expedite.on if expedite is not None else received
        label = "the expedite request" if expedite is not None else "the request"
        clocks["expedited_decision"] = _period_clock(
            "expedited_decision", exp_period, exp_start, label, ctx
        )

    deemed = law.period("deemed_denial")
    if deemed is not None:
        start, label, provisional, notes = start_for(deemed)
        clocks["deemed_denial"] = _period_clock(
            "deemed_denial",
            deemed,
            start,
            label,
            ctx,
            provisional=provisional,
            extra_notes=notes,
        )

    silent = law.appeal.no_response if law.appeal.available else None
    if silent is not None:
        # The window for appealing the agency's silence is fixed from the start (950 CMR
        # 32.08(1)(d)); it no longer matters once an answer comes.
        s_start, s_label = _start_of(silent, ctx)
        clocks["appeal_no_response"] = _period_clock(
            "appeal_no_response",
            silent,
            s_start,
            s_label,
            ctx,
            extra_notes=_receipt_notes(silent, ctx),
        )

    det_event = _last(ordered, "determination")
    decided = determination or (det_event.on if det_event is not None else None)
    # A law with no administrative appeal has no appeal clock: the law page says where to sue.
    if decided is not None and _has_appeal(law, component):
        clocks["appeal"] = _appeal_clock(ctx, component, decided)

    filed = _last(ordered, "appeal_filed")
    if filed is not None and decided is not None and filed.on < decided:
        raise ValueError(
            f"appeal filed on {filed.on.isoformat()} is before the determination of "
            f"{decided.isoformat()}"
        )
    decision_period = law.period("appeal_decision")
    if filed is not None and decision_period is not None:
        clocks["appeal_decision"] = _period_clock(
            "appeal_decision", decision_period, filed.on, "receipt of the appeal", ctx
        )

    if not response_period.fixed:
        n = law.follow_up_business_days if follow_up_days is None else follow_up_days
        clocks["follow_up"] = _follow_up_clock(ctx, received, n)
    return clocks


def _has_appeal(law: Law, component: str | None) -> bool:
    """True when the law (or the federal component's regulation) offers an administrative appeal."""
    if law.appeal.available:
        return True
    return component is not None and law.components[component].appeal.available


def _appeal_clock(ctx: _Ctx, component: str | None, decided: date) -> Clock:
    law = ctx.law
    period, note = _appeal_period(law, component)
    if period is None:
        return Clock(
            name="appeal",
            due=None,
            statutory=True,
            rule=law.appeal.note,
            citation=law.appeal.source.citation,
            url=law.appeal.source.url,
            unit="none",
            count=None,
            start=decided,
            skipped=(),
            paused=(),
            explanation=(
                f"The law sets no fixed appeal window. {note} Source: {law.appeal.source.citation}."
            ),
            calendar_version=CALENDAR_VERSION,
        )
    return _period_clock(
        "appeal",
        period,
        decided,
        "the determination",
        ctx,
        extra_notes=[note] if note else [],
    )


def operative_response(clocks: dict[str, Clock]) -> Clock:
    """The response clock in force: the noticed extension when there is one, else the original."""
    extended = clocks.get("extended_response")
    if extended is not None and not extended.provisional:
        return extended
    return clocks["response"]


# Summary key for each clock (``extended_due`` keeps its first name for scripts that use it).
SUMMARY_KEYS: dict[str, str] = {
    "acknowledgment_due": "acknowledgment",
    "response_due": "response",
    "extended_due": "extended_response",
    "expedited_decision_due": "expedited_decision",
    "deemed_denial_due": "deemed_denial",
    "appeal_if_no_response_due": "appeal_no_response",
    "appeal_due": "appeal",
    "appeal_decision_due": "appeal_decision",
    "follow_up_due": "follow_up",
}


def compute_summary(
    law_code: str,
    start: date | str | None,
    component: str | None = None,
    *,
    sent: date | None = None,
    channel: str | None = None,
    after_hours: bool = False,
    closures: Sequence[OfficeClosure] = (),
) -> dict:
    """JSON-ready due dates for every clock, counting each from ``start``.

    START is the receipt date; the appeal counts it as the date of the denial and the appeal
    decision as the day the appeal was received, so one date shows every window. With ``sent``
    (and ``channel``) the receipt date is worked out by the law's receipt rules instead, or
    checked against them when START is given too (the day the agency received it).
    """
    law = get_law(law_code)
    if isinstance(start, str):
        try:
            start = date.fromisoformat(start)
        except ValueError:
            raise ValueError(f"start {start!r} is not an ISO date (YYYY-MM-DD)") from None
    receipt_note = ""
    if sent is not None:
        start, receipt_note = receipt_date(
            law, sent, channel=channel, received=start, after_hours=after_hours,
            component=component, closures=closures,
        )  # fmt: skip
    if start is None:
        raise ValueError("start (the receipt date) or sent is required")
    clocks = compute_clocks(
        law,
        start,
        component=component,
        determination=start,
        expedite_requested=True,
        events=[ClockEvent("appeal_filed", start)],
        requested=sent,
        receipt_note=receipt_note,
        closures=closures,
    )
    summary: dict = {"law": law.code, "start": start.isoformat(), "component": component}
    summary["sent"] = sent.isoformat() if sent else None
    summary["channel"] = channel
    summary["receipt"] = receipt_note or None
    used, version_note = law_in_force(law, start)
    summary["version"] = used.version or None
    summary["version_note"] = version_note or None
    explanations: dict[str, str | None] = {}
    provisional: dict[str, bool] = {}
    conditions: dict[str, str | None] = {}
    for key, clock_name in SUMMARY_KEYS.items():
        clock = clocks.get(clock_name)
        summary[key] = clock.due.isoformat() if clock and clock.due else None
        explanations[key] = clock.explanation if clock else None
        # True where the date depends on an event not yet known (e.g. counted from the last day
        # the agency may acknowledge, or the latest date if the agency extends).
        provisional[key] = bool(clock and clock.provisional)
        conditions[key] = (clock.condition or None) if clock else None
    summary["explanations"] = explanations
    summary["provisional"] = provisional
    summary["conditions"] = conditions
    summary["calendar_version"] = CALENDAR_VERSION
    return summary

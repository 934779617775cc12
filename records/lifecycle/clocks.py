"""Glue between a request's timeline and the deadline engine, and the stored ``Deadline`` rows.

``plan`` maps lifecycle events to engine ``ClockEvent``s and decides each clock's state;
``recompute`` stores the result, keeping history: a clock whose due date changes gets a new row
and the old one is closed with the reason, while an unchanged clock keeps its row (reminders keyed
by due date stay stable).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import bindparam
from sqlmodel import Session, select

from records.core.clock import utc_now, utc_today
from records.core.db import cached_read
from records.core.models import Agency, RecordRequest
from records.deadlines.engine import Clock, ClockEvent, compute_clocks, fmt, receipt_date
from records.laws import UnknownLawError, get_law
from records.laws.calendars import OfficeClosure
from records.laws.model import DEFAULT_ANSWERS, Law
from records.lifecycle.event_log import active_events, event_data, request_events
from records.lifecycle.models import Deadline

log = logging.getLogger(__name__)

# Clocks the agency owes: passing one unmet makes the request overdue.
AGENCY_CLOCKS = frozenset(
    {"acknowledgment", "response", "extended_response", "expedited_decision", "appeal_decision"}
)
INCOMING = frozenset(
    {
        "acknowledged",
        "extension_claimed",
        "fee_estimate",
        "clarification_requested",
        "interim_release",
        "partial_release",
        "final_response",
        "denial",
    }
)
CLOCK_LABELS = {
    "acknowledgment": "Acknowledgment",
    "response": "Response",
    "extended_response": "Extended response",
    "expedited_decision": "Expedited-processing decision",
    "deemed_denial": "Deemed denial",
    "appeal_no_response": "Appeal if no answer comes (ours to file)",
    "appeal": "Appeal (ours to file)",
    "appeal_decision": "Appeal decision",
    "follow_up": "Follow-up target",
}
# Clocks that are ours to meet: passing one late means we filed late, not that they answered late.
OUR_CLOCKS = frozenset({"appeal", "appeal_no_response"})
# Stored states: open | met | late (answered or filed after the due date) | closed | possible
# (an extension the agency has not claimed).
STATES = ("open", "met", "late", "closed", "possible")


@dataclass(frozen=True)
class Planned:
    """A computed clock, its state (one of ``STATES``) and the day it was answered, if it was."""

    clock: Clock
    state: str
    explanation: str
    inputs: dict[str, Any]
    answered_on: date | None = None


def days_late(clock: str, due: date | None, answered_on: date | None) -> int | None:
    """Calendar days between the due date and the answer, when the answer came after it."""
    if due is None or answered_on is None or answered_on <= due:
        return None
    return (answered_on - due).days


def state_label(clock: str, state: str, due: date | None, answered_on: date | None) -> str:
    """The state as the request page shows it ("answered late, 6 days")."""
    if state == "late":
        days = days_late(clock, due, answered_on) or 0
        what = "filed" if clock in OUR_CLOCKS else "answered"
        return f"{what} late, {days} day{'s' if days != 1 else ''}"
    return {"possible": "if extended"}.get(state, state)


def clock_law(db: Session, req: RecordRequest) -> tuple[Law | None, str | None]:
    """The request's law (its ``law_code``, else its agency's jurisdiction) and component."""
    agency = db.get(Agency, req.agency_id)
    code = req.law_code or (agency.jurisdiction if agency else "")
    try:
        law = get_law(code)
    except UnknownLawError:
        return None, None
    comp = (agency.component or "").strip().upper() if agency else ""
    return law, (comp if comp in law.components else None)


def _data(event: Any) -> dict[str, Any]:

    return event_data(event)


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class _Timeline:
    received: date
    expedite: bool
    clock_events: list[ClockEvent]
    determination: date | None
    appeal_filed: date | None
    appeal_decided: date | None
    responded: date | None
    first_incoming: date | None
    withdrawn: bool
    lawsuit: bool
    sent: date | None = None
    receipt_note: str = ""
    incoming: list[tuple[str, date]] | None = None  # (kind, date) of every incoming event

    def first_of(self, kinds: Sequence[str]) -> date | None:
        """The date of the first incoming event of one of ``kinds``."""
        return next((on for kind, on in self.incoming or () if kind in kinds), None)


def _read_timeline(
    events: Sequence[Any],
    law: Law | None = None,
    component: str | None = None,
    closures: Sequence[OfficeClosure] = (),
) -> _Timeline | None:
    """Map lifecycle events (already in replay order) to what the engine needs."""
    sent = next((e for e in events if e.kind == "sent"), None)
    if sent is None:
        return None
    sent_data = _data(sent)
    stated = _as_date(sent_data.get("received"))
    receipt_note = ""
    if law is not None:
        # The law's receipt rule for the channel it went through (MCL 15.235(1): e-mail is
        # received a business day later; Ala. Code § 36-12-45(b)(2): mail on actual receipt).
        received, receipt_note = receipt_date(
            law,
            sent.on,
            channel=sent_data.get("channel") or None,
            received=stated,
            after_hours=bool(sent_data.get("after_hours")),
            component=component,
            closures=closures,
        )
    else:
        received = stated or sent.on
    if received < sent.on:
        raise ValueError(f"received {received.isoformat()} is before the request was sent")
    for e in events:
        if e.kind == "acknowledged" and _data(e).get("received"):
            received = date.fromisoformat(_data(e)["received"])
            if not sent.on <= received <= e.on:
                raise ValueError(
                    f"the stated receipt date {received.isoformat()} must fall between sending "
                    f"({sent.on.isoformat()}) and the acknowledgment ({e.on.isoformat()})"
                )
            receipt_note = ""  # the agency's own receipt date replaces the rule
    t = _Timeline(received, bool(_data(sent).get("expedite")), [], None, None, None, None, None,
                  False, False, sent.on, receipt_note, [])  # fmt: skip
    waiting: set[str] = set()
    for e in events:
        kind, data = e.kind, _data(e)
        if kind in INCOMING:
            assert t.incoming is not None
            t.incoming.append((kind, e.on))
        if kind in INCOMING and t.first_incoming is None:
            t.first_incoming = e.on
        if kind in ("clarification_requested", "fee_estimate"):
            reason = "information" if kind == "clarification_requested" else "fees"
            if not waiting:  # one pause at a time: it lasts while anything is outstanding
                t.clock_events.append(ClockEvent("toll_start", e.on, reason=reason))
            waiting.add(reason)
        elif kind in ("clarification_answered", "fees_agreed", "fees_paid"):
            reason = "information" if kind == "clarification_answered" else "fees"
            if reason in waiting:
                waiting.discard(reason)
                if not waiting:
                    t.clock_events.append(ClockEvent("toll_end", e.on))
        elif kind == "acknowledged":
            # Some laws count the response from the acknowledgment (Ala. Code § 36-12-44;
            # N.Y. Pub. Off. Law § 89(3)(a)).
            t.clock_events.append(ClockEvent("acknowledged", e.on))
        elif kind == "extension_claimed":
            t.clock_events.append(
                ClockEvent(
                    "extension", e.on, days=data.get("days"), new_due=_as_date(data.get("new_due"))
                )  # fmt: skip
            )
        if kind in ("interim_release", "partial_release", "final_response", "denial") and waiting:
            waiting.clear()  # the agency moved on without waiting for the answer
            t.clock_events.append(ClockEvent("toll_end", e.on))
        if kind in ("final_response", "denial") and t.responded is None:
            t.responded = e.on
        adverse = kind == "denial" or (
            kind == "final_response" and data.get("outcome") in ("partial", "no_records")
        )
        if adverse:
            t.determination, t.appeal_filed, t.appeal_decided = e.on, None, None
        elif kind == "appeal_filed":
            t.appeal_filed, t.appeal_decided = e.on, None
        elif kind == "appeal_decided":
            t.appeal_decided = e.on
        elif kind == "withdrawn":
            t.withdrawn = True
        elif kind == "lawsuit_filed":
            t.lawsuit = True
    return t


def _compute(
    law: Law,
    component: str | None,
    t: _Timeline,
    determination: date | None,
    closures: Sequence[OfficeClosure] = (),
) -> dict:
    events = list(t.clock_events)
    if t.appeal_filed is not None and (determination is None or t.appeal_filed >= determination):
        events.append(ClockEvent("appeal_filed", t.appeal_filed))
    return compute_clocks(
        law,
        t.received,
        component=component,
        events=events,
        determination=determination,
        expedite_requested=t.expedite,
        requested=t.sent,
        receipt_note=t.receipt_note,
        closures=closures,
    )


def _silence_ends(law: Law, t: _Timeline) -> date | None:
    """The day the agency's silence ended, under the law's deemed-denial rule."""
    period = law.period("deemed_denial")
    kinds = period.answered_by if period is not None and period.answered_by else DEFAULT_ANSWERS
    return t.first_of(kinds)


def _answered(name: str, law: Law, t: _Timeline) -> date | None:
    """The day the clock's obligation was met, late or not (None while it is not)."""
    if name in ("acknowledgment", "expedited_decision"):
        return t.first_incoming
    if name in ("response", "extended_response", "follow_up"):
        return t.responded
    if name == "deemed_denial":
        return _silence_ends(law, t)
    if name in ("appeal", "appeal_no_response"):
        return t.appeal_filed
    if name == "appeal_decision":
        return t.appeal_decided
    return None


def _state(name: str, clock: Clock, t: _Timeline, law: Law) -> tuple[str, date | None]:
    """The clock's state and the day it was answered."""
    answered = _answered(name, law, t)
    on_time = answered is not None and (clock.due is None or answered <= clock.due)
    if name == "extended_response" and clock.provisional:
        state = "closed" if t.responded is not None else "possible"
    elif name == "follow_up":
        state = "met" if answered is not None else "open"  # a reminder: never late
    elif name == "deemed_denial":
        # Answered in time: silence never became a denial. Answered after it: the denial was
        # deemed, and the answer came late.
        state = "open" if answered is None else ("closed" if on_time else "late")
    elif name == "appeal_no_response" and _silence_ends(law, t) is not None:
        state = "closed"  # an answer came: the appeal now runs from it
    else:
        state = "open" if answered is None else ("met" if on_time else "late")
    if state in ("open", "possible") and (t.withdrawn or (t.lawsuit and name in OUR_CLOCKS)):
        state = "closed"
    return state, answered


def plan_clocks(
    law: Law,
    component: str | None,
    events: Iterable[Any],
    today: date,
    closures: Sequence[OfficeClosure] = (),
) -> dict[str, Planned]:
    """Every clock for a timeline with its state (pure; raises ValueError on impossible dates)."""

    t = _read_timeline(active_events(events), law, component, closures)
    if t is None:
        return {}
    clocks = _compute(law, component, t, t.determination, closures)
    deemed_note = ""
    deemed = clocks.get("deemed_denial")
    silent_until = _silence_ends(law, t)
    if (
        t.determination is None
        and deemed is not None
        and deemed.due is not None
        and deemed.due < today
        and (silent_until is None or silent_until > deemed.due)
        and not t.withdrawn
        and (t.appeal_filed is None or t.appeal_filed >= deemed.due)
    ):
        # Silence past the deemed-denial date is a denial: the appeal clock runs from that last
        # day (the earliest reading, so the appeal date shown is never late).
        clocks = _compute(law, component, t, deemed.due, closures)
        condition = f" if {deemed.condition}" if deemed.condition else ""
        deemed_note = (
            f"Deemed denied{condition}: the agency had not answered by {fmt(deemed.due)} "
            f"({deemed.citation}), so the appeal window is counted from that day. "
        )
    extended = clocks.get("extended_response")
    replaced = extended is not None and not extended.provisional
    inputs = {
        "law": law.code,
        "component": component,
        "received": t.received.isoformat(),
        "events": [
            [e.kind, e.on.isoformat(), e.days, e.new_due and e.new_due.isoformat(), e.reason]
            for e in t.clock_events
        ],
        "determination": t.determination and t.determination.isoformat(),
        "deemed_denial": bool(deemed_note),
        "law_version": next((c.version for c in clocks.values() if c.version), ""),
        "closures": [[c.scope, c.name, c.describe()] for c in closures],
    }
    out: dict[str, Planned] = {}
    for name, clock in clocks.items():
        state, answered = _state(name, clock, t, law)
        explanation = clock.explanation
        if name == "appeal" and deemed_note:
            explanation = deemed_note + explanation
        if name == "response" and replaced:
            state = "closed"
            explanation += " Replaced by the agency's extension (see the extended response)."
        if state == "late" and answered is not None and clock.due is not None:
            what = "Filed" if name in OUR_CLOCKS else "Answered"
            days = (answered - clock.due).days
            explanation += (
                f" {what} on {fmt(answered)}: {days} day{'s' if days != 1 else ''} after the "
                "due date."
            )
        out[name] = Planned(clock, state, explanation, inputs, answered)
    return out


def plan(db: Session, req: RecordRequest, events: Iterable[Any], *, today: date) -> dict:
    """The clocks ``events`` would give ``req`` (nothing is written)."""
    from records.deadlines.closures import for_request

    law, component = clock_law(db, req)
    if law is None:
        return {}
    return plan_clocks(law, component, events, today, for_request(db, req, law.code))


def current_deadlines(db: Session, request_id: int) -> list[Deadline]:
    """The request's current clocks (not superseded), earliest due first.

    One query per page: the timeline, the overdue check and the letters panel share it until
    the session next writes (``records.core.db.cached_read``)."""

    def load() -> list[Deadline]:
        rows = db.exec(
            select(Deadline).where(
                Deadline.request_id == request_id,
                Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
            )
        ).all()
        return _earliest_first(rows)

    return list(cached_read(db, ("current_deadlines", request_id), load))


def _earliest_first(rows: Iterable[Deadline]) -> list[Deadline]:
    return sorted(rows, key=lambda d: (d.due is None, d.due or date.max, d.id or 0))


def deadlines_with_history(db: Session, request_id: int) -> tuple[list[Deadline], list[Deadline]]:
    """(current clocks earliest first, superseded values newest first) in one query; the
    current ones then serve ``current_deadlines`` for the rest of the page."""
    every = deadline_history(db, request_id)
    current = _earliest_first(d for d in every if d.superseded_at is None)
    cached_read(db, ("current_deadlines", request_id), lambda: current)
    return list(current), [d for d in every if d.superseded_at is not None]


_CURRENT_FOR = select(Deadline).where(
    Deadline.request_id.in_(bindparam("ids", expanding=True)),  # type: ignore[attr-defined]
    Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
)


def current_deadlines_for(db: Session, request_ids: list[int]) -> dict[int, list[Deadline]]:
    """Current clocks for many requests in one query: {request id: clocks, earliest first}."""
    out: dict[int, list[Deadline]] = {}
    if not request_ids:
        return out
    rows = db.exec(_CURRENT_FOR, params={"ids": request_ids}).all()
    for row in sorted(rows, key=lambda d: (d.due is None, d.due or date.max, d.id or 0)):
        out.setdefault(row.request_id, []).append(row)
    return out


def deadline_history(db: Session, request_id: int) -> list[Deadline]:
    """Every stored value of every clock, newest first (superseded ones included)."""
    return list(db.exec(_HISTORY, params={"request_id": request_id}).all())


_HISTORY = (
    select(Deadline)
    .where(Deadline.request_id == bindparam("request_id"))
    .order_by(Deadline.id.desc())  # type: ignore[union-attr]
)


def recompute(
    db: Session, req: RecordRequest, *, reason: str, today: date | None = None
) -> list[Deadline]:
    """Recompute the request's clocks and store the changes with ``reason``; flushes."""

    day = today or utc_today()
    request_id = cast(int, req.id)  # a stored request
    events = request_events(db, request_id, include_voided=False)
    planned = plan(db, req, events, today=day)
    now = utc_now()
    current = {d.clock: d for d in current_deadlines(db, request_id)}
    result: list[Deadline] = []
    for name, p in planned.items():
        row = current.pop(name, None)
        if row is not None and row.due == p.clock.due:
            row.state, row.explanation, row.answered_on = p.state, p.explanation, p.answered_on
            row.inputs = dict(p.inputs)
            row.statutory, row.rule, row.citation = (
                p.clock.statutory,
                p.clock.rule,
                p.clock.citation[:300],
            )
            db.add(row)
            result.append(row)
            continue
        if row is not None:
            _supersede(db, row, now, reason)
        new = Deadline(
            org_id=req.org_id,
            request_id=request_id,
            clock=name,
            due=p.clock.due,
            statutory=p.clock.statutory,
            state=p.state,
            answered_on=p.answered_on,
            rule=p.clock.rule,
            citation=p.clock.citation[:300],
            explanation=p.explanation,
            inputs=dict(p.inputs),
            calendar_version=p.clock.calendar_version[:100],
            reason=reason[:300],
            computed_at=now,
        )
        db.add(new)
        result.append(new)
    for row in current.values():  # clocks that no longer apply
        _supersede(db, row, now, reason)
    from records.reports.service import refresh

    refresh(db, req, events)  # the report cards' figures follow the same events
    db.flush()
    return sorted(result, key=lambda d: (d.due is None, d.due or date.max))


def _supersede(db: Session, row: Deadline, now: datetime, reason: str) -> None:
    row.superseded_at = now
    row.reason = reason[:300]
    db.add(row)
    log.info("deadline %s (%s) of request %s superseded: %s", row.id, row.clock, row.request_id,
             reason)  # fmt: skip


def deadline_json(d: Deadline) -> dict[str, Any]:
    """A stored clock as JSON."""
    return {
        "name": d.clock,
        "due": d.due.isoformat() if d.due else None,
        "state": d.state,
        "answered_on": d.answered_on.isoformat() if d.answered_on else None,
        "days_late": days_late(d.clock, d.due, d.answered_on),
        "rule": d.rule,
        "citation": d.citation,
        "explanation": d.explanation,
        "statutory": d.statutory,
    }


class SummaryError(ValueError):
    """Bad input to the calculator: names the field and says what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _day(value: str | None, name: str) -> date | None:
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise SummaryError(name, f"{name} {value!r} is not a real date; use YYYY-MM-DD") from None
    if not 1900 <= day.year <= 2200:
        raise SummaryError(name, f"{name} year {day.year} is out of range")
    return day


def summary(
    law_code: str,
    start: str | None,
    component: str | None = None,
    *,
    sent: str | None = None,
    channel: str | None = None,
    after_hours: bool = False,
    closures: Sequence[OfficeClosure] = (),
) -> dict[str, Any]:
    """``compute_summary`` with its input checked: unknown law, bad date or component -> error.

    START is the receipt date; with SENT (and CHANNEL) the law's receipt rules work it out.
    """
    from records.laws.model import CHANNELS

    if sent or channel:
        code = (law_code or "").strip().upper()
        if not code:
            raise SummaryError("law", "law is required (e.g. US, NY)")
        try:
            law = get_law(code)
        except UnknownLawError as exc:
            raise SummaryError("law", str(exc)) from None
        sent_day = _day(sent, "sent")
        if sent_day is None:
            raise SummaryError(
                "sent", "sent (the day the request went out) is required with channel"
            )
        chan = (channel or "").strip().lower() or None
        if chan is not None and chan not in CHANNELS:
            raise SummaryError(
                "channel", f"channel {channel!r} is not one of {', '.join(CHANNELS)}"
            )
        comp = (component or "").strip().upper() or None
        if comp is not None and comp not in law.components:
            known = ", ".join(law.components) or "none"
            raise SummaryError(
                "component", f"{law.code} has no component {comp!r} (components: {known})"
            )
        from records.deadlines.engine import compute_summary

        try:
            return compute_summary(
                law.code, _day(start, "start"), comp, sent=sent_day, channel=chan,
                after_hours=after_hours, closures=closures,
            )  # fmt: skip
        except ValueError as exc:
            raise SummaryError("start", str(exc)) from None
    return _summary(law_code, start or "", component, closures)


def _summary(
    law_code: str, start: str, component: str | None, closures: Sequence[OfficeClosure]
) -> dict[str, Any]:
    from records.deadlines.engine import compute_summary

    code = (law_code or "").strip().upper()
    if not code:
        raise SummaryError("law", "law is required (e.g. US, NY)")
    try:
        law = get_law(code)
    except UnknownLawError as exc:
        raise SummaryError("law", str(exc)) from None
    try:
        day = date.fromisoformat((start or "").strip())
    except ValueError:
        raise SummaryError("start", f"start {start!r} is not a real date; use YYYY-MM-DD") from None
    if not 1900 <= day.year <= 2200:
        raise SummaryError("start", f"start year {day.year} is out of range")
    comp = (component or "").strip().upper() or None
    if comp is not None and comp not in law.components:
        known = ", ".join(law.components) or "none"
        raise SummaryError(
            "component", f"{law.code} has no component {comp!r} (components: {known})"
        )
    try:
        return compute_summary(law.code, day, comp, closures=closures)
    except ValueError as exc:
        raise SummaryError("start", str(exc)) from None


def _was_deemed(row: Deadline) -> bool:
    return bool((row.inputs or {}).get("deemed_denial"))


def deemed_denials(db: Session, now: datetime) -> int:
    """Recompute requests whose deemed-denial date has passed in silence (opens the appeal clock)."""
    day = now.date()
    rows = db.exec(
        select(Deadline.request_id).where(
            Deadline.clock == "deemed_denial",
            Deadline.state == "open",
            Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
            Deadline.due < day,  # type: ignore[operator]
        )
    ).all()
    done = 0
    for request_id in sorted(set(rows)):
        req = db.get(RecordRequest, request_id)
        current = {d.clock: d for d in current_deadlines(db, request_id)}
        deemed = current.get("deemed_denial")
        # Already counted as deemed denied (the appeal runs from it, or the law has none).
        if req is None or "appeal" in current or (deemed and _was_deemed(deemed)):
            continue
        recompute(db, req, reason="deemed-denial date passed without an answer", today=day)
        done += 1
    db.commit()
    return done


__all__ = [
    "AGENCY_CLOCKS",
    "CLOCK_LABELS",
    "STATES",
    "current_deadlines",
    "days_late",
    "deadline_json",
    "plan",
    "recompute",
    "state_label",
]

"""Glue between a request's timeline and the deadline engine, and the stored ``Deadline`` rows.

``plan`` maps lifecycle events to engine ``ClockEvent``s and decides each clock's state;
``recompute`` stores the result, keeping history: a clock whose due date changes gets a new row
and the old one is closed with the reason, while an unchanged clock keeps its row (reminders keyed
by due date stay stable).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, select

from records.core.clock import utc_now, utc_today
from records.deadlines import Clock, ClockEvent, compute_clocks, fmt
from records.jobs import job
from records.laws import UnknownLawError, get_law
from records.laws.model import Law
from records.models import Agency, RecordRequest
from records.models_lifecycle import Deadline

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
    "appeal": "Appeal (ours to file)",
    "appeal_decision": "Appeal decision",
    "follow_up": "Follow-up target",
}


@dataclass(frozen=True)
class Planned:
    """A computed clock and its state: open | met | closed | possible (an unclaimed extension)."""

    clock: Clock
    state: str
    explanation: str
    inputs: dict[str, Any]


def law_for(db: Session, req: RecordRequest) -> tuple[Law | None, str | None]:
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
    from records.lifecycle import event_data

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


def _read_timeline(events: Sequence[Any]) -> _Timeline | None:
    """Map lifecycle events (already in replay order) to what the engine needs."""
    sent = next((e for e in events if e.kind == "sent"), None)
    if sent is None:
        return None
    received = _as_date(_data(sent).get("received")) or sent.on
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
    t = _Timeline(received, bool(_data(sent).get("expedite")), [], None, None, None, None, None,
                  False, False)  # fmt: skip
    waiting: set[str] = set()
    for e in events:
        kind, data = e.kind, _data(e)
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


def _compute(law: Law, component: str | None, t: _Timeline, determination: date | None) -> dict:
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
    )


def _state(name: str, clock: Clock, t: _Timeline) -> str:
    if name == "acknowledgment" or name == "expedited_decision":
        state = "met" if t.first_incoming is not None else "open"
    elif name in ("response", "follow_up", "deemed_denial"):
        state = "met" if t.responded is not None else "open"
        wrote = t.first_incoming
        if (
            name == "deemed_denial"
            and wrote is not None
            and (clock.due is None or wrote <= clock.due)
        ):
            state = "closed"  # the agency wrote: not silence
    elif name == "extended_response":
        if clock.provisional:
            state = "closed" if t.responded is not None else "possible"
        else:
            state = "met" if t.responded is not None else "open"
    elif name == "appeal":
        state = "met" if t.appeal_filed is not None else "open"
    elif name == "appeal_decision":
        state = "met" if t.appeal_decided is not None else "open"
    else:
        state = "open"
    if state in ("open", "possible") and (t.withdrawn or (t.lawsuit and name == "appeal")):
        state = "closed"
    return state


def plan_clocks(
    law: Law, component: str | None, events: Iterable[Any], today: date
) -> dict[str, Planned]:
    """Every clock for a timeline with its state (pure; raises ValueError on impossible dates)."""
    from records.lifecycle import active_events

    t = _read_timeline(active_events(events))
    if t is None:
        return {}
    clocks = _compute(law, component, t, t.determination)
    deemed_note = ""
    deemed = clocks.get("deemed_denial")
    silent_until = t.first_incoming
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
        clocks = _compute(law, component, t, deemed.due)
        deemed_note = (
            f"Deemed denied: the agency had not answered by {fmt(deemed.due)} "
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
    }
    out: dict[str, Planned] = {}
    for name, clock in clocks.items():
        state = _state(name, clock, t)
        explanation = clock.explanation
        if name == "appeal" and deemed_note:
            explanation = deemed_note + explanation
        if name == "response" and replaced:
            state = "closed"
            explanation += " Replaced by the agency's extension (see the extended response)."
        out[name] = Planned(clock, state, explanation, inputs)
    return out


def plan(db: Session, req: RecordRequest, events: Iterable[Any], *, today: date) -> dict:
    """The clocks ``events`` would give ``req`` (nothing is written)."""
    law, component = law_for(db, req)
    if law is None:
        return {}
    return plan_clocks(law, component, events, today)


def current_deadlines(db: Session, request_id: int) -> list[Deadline]:
    """The request's current clocks (not superseded), earliest due first."""
    rows = db.exec(
        select(Deadline).where(
            Deadline.request_id == request_id,
            Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    return sorted(rows, key=lambda d: (d.due is None, d.due or date.max, d.id or 0))


def current_deadlines_for(db: Session, request_ids: list[int]) -> dict[int, list[Deadline]]:
    """Current clocks for many requests in one query: {request id: clocks, earliest first}."""
    out: dict[int, list[Deadline]] = {}
    if not request_ids:
        return out
    rows = db.exec(
        select(Deadline).where(
            Deadline.request_id.in_(request_ids),  # type: ignore[attr-defined]
            Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        )
    ).all()
    for row in sorted(rows, key=lambda d: (d.due is None, d.due or date.max, d.id or 0)):
        out.setdefault(row.request_id, []).append(row)
    return out


def deadline_history(db: Session, request_id: int) -> list[Deadline]:
    """Every stored value of every clock, newest first (superseded ones included)."""
    stmt = select(Deadline).where(Deadline.request_id == request_id)
    return list(db.exec(stmt.order_by(Deadline.id.desc())).all())  # type: ignore[union-attr]


def recompute(
    db: Session, req: RecordRequest, *, reason: str, today: date | None = None
) -> list[Deadline]:
    """Recompute the request's clocks and store the changes with ``reason``; flushes."""
    from records.lifecycle import request_events

    day = today or utc_today()
    events = request_events(db, req.id, include_voided=False)
    planned = plan(db, req, events, today=day)
    now = utc_now()
    current = {d.clock: d for d in current_deadlines(db, req.id)}
    result: list[Deadline] = []
    for name, p in planned.items():
        row = current.pop(name, None)
        if row is not None and row.due == p.clock.due:
            row.state, row.explanation = p.state, p.explanation
            row.inputs = json.dumps(p.inputs, sort_keys=True)
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
            request_id=req.id,
            clock=name,
            due=p.clock.due,
            statutory=p.clock.statutory,
            state=p.state,
            rule=p.clock.rule,
            citation=p.clock.citation[:300],
            explanation=p.explanation,
            inputs=json.dumps(p.inputs, sort_keys=True),
            calendar_version=p.clock.calendar_version[:100],
            reason=reason[:300],
            computed_at=now,
        )
        db.add(new)
        result.append(new)
    for row in current.values():  # clocks that no longer apply
        _supersede(db, row, now, reason)
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


def summary(law_code: str, start: str, component: str | None = None) -> dict[str, Any]:
    """``compute_summary`` with its input checked: unknown law, bad date or component -> error."""
    from records.deadlines import compute_summary

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
        return compute_summary(law.code, day, comp)
    except ValueError as exc:
        raise SummaryError("start", str(exc)) from None


@job("deadlines.deemed_denials")
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
        current = {d.clock for d in current_deadlines(db, request_id)}
        if req is None or "appeal" in current:
            continue
        recompute(db, req, reason="deemed-denial date passed without an answer", today=day)
        done += 1
    db.commit()
    return done


__all__ = [
    "AGENCY_CLOCKS",
    "CLOCK_LABELS",
    "current_deadlines",
    "deadline_json",
    "plan",
    "recompute",
]

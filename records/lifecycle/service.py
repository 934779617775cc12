"""The request lifecycle: timeline events -> status. The one place that knows the state machine.

Status is never edited directly: it is replayed from the request's active events in date order
(ties in the order they were recorded). An event that makes no sense for the status it would
follow raises ``EventNotAllowed`` before anything is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlmodel import Session

from records.core.clock import utc_now, utc_today
from records.core.models import RecordRequest
from records.core.validation import max_length
from records.lifecycle import clocks
from records.lifecycle.event_log import (
    active_events as active_events,  # re-exported: callers read here
)
from records.lifecycle.event_log import event_data as event_data
from records.lifecycle.event_log import request_events as request_events
from records.lifecycle.inputs import EventInput
from records.lifecycle.models import Event

log = logging.getLogger(__name__)

STATUSES = (
    "draft",
    "sent",
    "acknowledged",
    "in_progress",
    "awaiting_requester",
    "partially_fulfilled",
    "fulfilled",
    "no_records",
    "denied",
    "appealed",
    "in_litigation",
    "withdrawn",
)
# The agency still owes an answer in these statuses.
OPEN = frozenset({"sent", "acknowledged", "in_progress", "awaiting_requester"})
# An adverse or partial answer has come: an appeal makes sense.
APPEALABLE = frozenset({"denied", "no_records", "partially_fulfilled"})
ACTIVE = OPEN | APPEALABLE | {"fulfilled", "appealed", "in_litigation"}

FINAL_OUTCOMES = ("full", "partial", "no_records")
APPEAL_OUTCOMES = ("granted", "partly_granted", "remanded", "denied")


class EventNotAllowed(ValueError):
    """The event makes no sense for the request's status (or its date); nothing was changed."""


@dataclass(frozen=True)
class DataField:
    """One extra value an event kind carries (shown as a form field)."""

    name: str
    label: str
    type: str = "text"  # text | int | date | choice | bool
    choices: tuple[str, ...] = ()
    required: bool = False
    help: str = ""


@dataclass(frozen=True)
class EventKind:
    """What an event kind is called, which way it goes, and the data it carries."""

    kind: str
    label: str
    direction: str  # outgoing | incoming
    fields: tuple[DataField, ...] = ()


_RECEIVED = DataField(
    "received",
    "Date the agency received it",
    "date",
    help="Leave empty when not known: the law's rule for the channel then decides (Michigan: "
    "an e-mailed request is received one business day after it is sent). For a request sent by "
    "post or delivered by hand, give the day it arrived.",
)
# How the request went out; the law's receipt rules depend on it (records.laws.model.CHANNELS).
_CHANNEL = DataField(
    "channel",
    "Sent by",
    "choice",
    ("email", "portal", "fax", "mail", "hand"),
    help="E-mail, the agency's portal, fax, post or hand delivery.",
)
_AFTER_HOURS = DataField(
    "after_hours",
    "Arrived after the office closed for the day",
    "bool",
    help="Some laws count a request arriving after hours as received the next business day.",
)

EVENT_KINDS: dict[str, EventKind] = {
    k.kind: k
    for k in (
        EventKind(
            "sent",
            "Request sent",
            "outgoing",
            (
                _CHANNEL,
                _RECEIVED,
                _AFTER_HOURS,
                DataField("expedite", "Expedited processing requested", "bool"),
            ),
        ),
        EventKind("follow_up_sent", "Follow-up sent", "outgoing"),
        EventKind("clarification_answered", "Clarification answered", "outgoing"),
        EventKind("fees_agreed", "Fees agreed", "outgoing"),
        EventKind("fees_paid", "Fees paid", "outgoing"),
        EventKind("appeal_filed", "Appeal filed", "outgoing"),
        EventKind("lawsuit_filed", "Lawsuit filed", "outgoing"),
        EventKind("withdrawn", "Request withdrawn", "outgoing"),
        EventKind(
            "acknowledged",
            "Acknowledged by the agency",
            "incoming",
            (
                DataField("tracking_number", "Tracking number"),
                DataField(
                    "received",
                    "Receipt date the agency states",
                    "date",
                    help="When the acknowledgment says the request was received; the clocks "
                    "then count from it.",
                ),
            ),
        ),
        EventKind(
            "extension_claimed",
            "Extension claimed",
            "incoming",
            (
                DataField("days", "Extra days claimed", "int"),
                DataField("new_due", "New due date given", "date"),
            ),
        ),
        EventKind(
            "fee_estimate", "Fee estimate received", "incoming", (DataField("amount", "Amount"),)
        ),
        EventKind("clarification_requested", "Clarification requested", "incoming"),
        EventKind("interim_release", "Interim release", "incoming"),
        EventKind("partial_release", "Partial release", "incoming"),
        EventKind(
            "final_response",
            "Final response",
            "incoming",
            (DataField("outcome", "Outcome", "choice", FINAL_OUTCOMES, required=True),),
        ),
        EventKind("denial", "Denial", "incoming", (DataField("exemptions", "Exemptions cited"),)),
        EventKind("appeal_acknowledged", "Appeal acknowledged", "incoming"),
        EventKind(
            "appeal_decided",
            "Appeal decided",
            "incoming",
            (DataField("outcome", "Outcome", "choice", APPEAL_OUTCOMES, required=True),),
        ),
    )
}


@dataclass
class Replay:
    """Where a request stands after replaying its events."""

    status: str = "draft"
    waiting_for: set[str] = field(default_factory=set)  # information | fees


def _waiting(reason: str) -> Callable[[Replay, Mapping[str, Any]], None]:
    def step(state: Replay, _data: Mapping[str, Any]) -> None:
        state.waiting_for.add(reason)
        state.status = "awaiting_requester"

    return step


def _answer(reason: str, *, optional: bool = False) -> Callable[[Replay, Mapping[str, Any]], None]:
    def step(state: Replay, _data: Mapping[str, Any]) -> None:
        if reason not in state.waiting_for:
            if optional:
                return
            raise EventNotAllowed(f"the agency has not asked for {reason}")
        state.waiting_for.discard(reason)
        if not state.waiting_for:
            state.status = "in_progress"

    return step


def _to(status: str) -> Callable[[Replay, Mapping[str, Any]], None]:
    def step(state: Replay, _data: Mapping[str, Any]) -> None:
        state.status = status

    return step


def _keep(state: Replay, _data: Mapping[str, Any]) -> None:
    return None


def _acknowledged(state: Replay, _data: Mapping[str, Any]) -> None:
    if state.status == "sent":
        state.status = "acknowledged"


def _extension(state: Replay, _data: Mapping[str, Any]) -> None:
    if state.status in ("sent", "acknowledged"):
        state.status = "in_progress"


def _release(state: Replay, _data: Mapping[str, Any]) -> None:
    if state.status not in ("in_litigation", "appealed"):
        state.status = "partially_fulfilled"
        state.waiting_for.clear()


def _final(state: Replay, data: Mapping[str, Any]) -> None:
    state.waiting_for.clear()
    if state.status == "in_litigation":
        return
    outcome = data.get("outcome")
    state.status = {"full": "fulfilled", "partial": "partially_fulfilled"}.get(
        str(outcome), "no_records"
    )


def _denial(state: Replay, _data: Mapping[str, Any]) -> None:
    state.waiting_for.clear()
    if state.status != "in_litigation":
        state.status = "denied"


def _appeal_decided(state: Replay, data: Mapping[str, Any]) -> None:
    state.status = {
        "granted": "in_progress",
        "remanded": "in_progress",
        "partly_granted": "partially_fulfilled",
    }.get(str(data.get("outcome")), "denied")


Step = Callable[[Replay, Mapping[str, Any]], None]
# kind -> (statuses it may follow, what it does). Anything else raises EventNotAllowed.
TRANSITIONS: dict[str, tuple[frozenset[str], Step]] = {
    "sent": (frozenset({"draft"}), _to("sent")),
    "follow_up_sent": (OPEN | {"partially_fulfilled", "appealed"}, _keep),
    "acknowledged": (OPEN, _acknowledged),
    "extension_claimed": (OPEN, _extension),
    "fee_estimate": (OPEN | {"partially_fulfilled"}, _waiting("fees")),
    "clarification_requested": (OPEN | {"partially_fulfilled"}, _waiting("information")),
    "clarification_answered": (frozenset({"awaiting_requester"}), _answer("information")),
    "fees_agreed": (frozenset({"awaiting_requester"}), _answer("fees")),
    "fees_paid": (OPEN | {"partially_fulfilled"}, _answer("fees", optional=True)),
    "interim_release": (OPEN | {"partially_fulfilled", "in_litigation"}, _release),
    "partial_release": (OPEN | {"partially_fulfilled", "in_litigation"}, _release),
    "final_response": (OPEN | {"partially_fulfilled", "in_litigation"}, _final),
    "denial": (OPEN | {"partially_fulfilled", "in_litigation"}, _denial),
    # Also from open statuses: an appeal of a deemed (silent) denial.
    "appeal_filed": (APPEALABLE | OPEN, _to("appealed")),
    "appeal_acknowledged": (frozenset({"appealed"}), _keep),
    "appeal_decided": (frozenset({"appealed"}), _appeal_decided),
    "lawsuit_filed": (ACTIVE - {"in_litigation"}, _to("in_litigation")),
    "withdrawn": (ACTIVE, _to("withdrawn")),
}


def replay(events: Iterable[Any]) -> Replay:
    """Replay events through the state machine; raises EventNotAllowed at the first bad one."""
    state = Replay()
    ordered = active_events(events)
    for index, event in enumerate(ordered):
        allowed = TRANSITIONS.get(event.kind)
        if allowed is None:
            raise EventNotAllowed(f"unknown event type {event.kind!r}")
        statuses, step = allowed
        if state.status not in statuses:
            raise EventNotAllowed(_why_not(ordered, index, state))
        step(state, event_data(event))
    return state


def _why_not(ordered: list[Any], index: int, state: Replay) -> str:
    """Why ``ordered[index]`` cannot follow the events before it, in the user's terms.

    When a later-dated event would have made it possible (an acknowledgment dated before the
    request was sent), the date is what is wrong, and the message says so.
    """
    event = ordered[index]
    label = EVENT_KINDS[event.kind].label
    statuses = TRANSITIONS[event.kind][0]
    trial = Replay(state.status, set(state.waiting_for))
    for later in ordered[index + 1 :]:
        spec = TRANSITIONS.get(later.kind)
        if spec is None or trial.status not in spec[0]:
            break
        try:
            spec[1](trial, event_data(later))
        except EventNotAllowed:
            break
        if trial.status in statuses:
            when = "the same day as" if later.on == event.on else "before"
            return (
                f"{label!r} is dated {event.on.isoformat()}, {when} "
                f"{EVENT_KINDS[later.kind].label!r} on {later.on.isoformat()}; it can only "
                "come after it. Check the dates."
            )
    return (
        f"{label!r} on {event.on.isoformat()} is not possible while the request is "
        f"{state.status.replace('_', ' ')}"
    )


def derive_status(events: Iterable[Any]) -> str:
    """The status the events lead to (pure; raises EventNotAllowed on an impossible sequence)."""
    return replay(events).status


def clean_data(kind: str, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check an event's data against its kind's fields; unknown or malformed values are refused."""
    spec = EVENT_KINDS[kind]
    fields = {f.name: f for f in spec.fields}
    out: dict[str, Any] = {}
    for name, value in (data or {}).items():
        if name not in fields:
            raise EventNotAllowed(f"{spec.label!r} has no field {name!r}")
        f = fields[name]
        if value in (None, ""):
            continue
        out[name] = _clean_value(f, value)
    for f in spec.fields:
        if f.required and f.name not in out:
            raise EventNotAllowed(f"{spec.label!r} needs {f.label.lower()} ({f.name})")
    return out


def _clean_value(f: DataField, value: Any) -> Any:
    from records.core import validation as v

    if f.type == "int":
        # The shared parser: 1e400 from JSON, True or a thousand digits are refused, not cast.
        try:
            return v.integer(value, f.name, maximum=365)
        except v.ValidationError:
            raise EventNotAllowed(f"{f.name} must be a whole number from 1 to 365") from None
    if f.type == "date":
        # The shared date check keeps years in 1900..2200, where the calendars can count.
        try:
            parsed = v.iso_date(value, f.name)
        except v.ValidationError as exc:
            raise EventNotAllowed(exc.message) from None
        return parsed.isoformat() if parsed else None
    if f.type == "choice":
        if value not in f.choices:
            raise EventNotAllowed(f"{f.name} must be one of: {', '.join(f.choices)}")
        return value
    if f.type == "bool":
        return value in (True, "1", "true", "on", "yes")
    text = str(value).strip()
    if len(text) > 500:
        raise EventNotAllowed(f"{f.name} must be at most 500 characters")
    return text


def _check_date(on: date, today: date) -> None:
    if not isinstance(on, date):
        raise EventNotAllowed("the event needs a date (YYYY-MM-DD)")
    if on.year < 1900:
        raise EventNotAllowed(f"{on.isoformat()} is too far in the past to count from")
    if on > today:
        raise EventNotAllowed(
            f"{on.isoformat()} is in the future; record events when they have happened"
        )


MAX_NOTE = max_length(EventInput, "note")


def clean_event(
    kind: str, on: Any, note: Any, data: Mapping[str, Any] | None, today: date
) -> tuple[str, dict[str, Any]]:
    """Check one event's type, date, note and data as every entry point must (form, API,
    bundle import); returns the cleaned (note, data) or raises EventNotAllowed."""
    from records.core import validation as v

    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        raise EventNotAllowed(f"unknown event type {kind!r}; use one of {', '.join(EVENT_KINDS)}")
    _check_date(on, today)
    try:
        clean_note = v.text(note, "note", max_len=MAX_NOTE)
    except v.ValidationError as exc:
        raise EventNotAllowed(exc.message) from None
    if data is not None and not isinstance(data, Mapping):
        raise EventNotAllowed("the event's data must be an object")
    return clean_note, clean_data(kind, data)


def _apply(
    db: Session, req: RecordRequest, events: list[Any], today: date, actor_id: int | None
) -> None:
    """Check the whole new timeline (state machine and clocks), then set the status."""

    state = replay(events)
    try:
        clocks.plan(db, req, events, today=today)
    except ValueError as exc:
        raise EventNotAllowed(str(exc)) from None
    if req.status != state.status:
        log.info("request %s status %s -> %s by user %s", req.id, req.status, state.status,
                 actor_id)  # fmt: skip
    req.status = state.status


def check_event(
    db: Session, req: RecordRequest, kind: str, on: date, data: dict[str, Any] | None = None
) -> None:
    """Raise ``EventNotAllowed`` if ``record_event`` would refuse this event; writes nothing."""

    if kind not in EVENT_KINDS:
        raise EventNotAllowed(f"unknown event type {kind!r}; use one of {', '.join(EVENT_KINDS)}")
    today = utc_today()
    _check_date(on, today)
    clean = clean_data(kind, data)
    event = Event(org_id=req.org_id, request_id=_id(req), kind=kind, on=on, data=dict(clean))
    events = [*request_events(db, _id(req), include_voided=False), event]
    replay(events)
    try:
        clocks.plan(db, req, events, today=today)
    except ValueError as exc:
        raise EventNotAllowed(str(exc)) from None


def record_event(
    db: Session,
    req: RecordRequest,
    kind: str,
    on: date,
    *,
    actor_id: int | None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Validate and store an event, update the status and recompute the clocks; flushes."""

    today = utc_today()
    note, clean = clean_event(kind, on, note, data, today)
    event = Event(
        org_id=req.org_id,
        request_id=_id(req),
        kind=kind,
        on=on,
        actor_id=actor_id,
        note=note,
        data=dict(sorted(clean.items())),
    )
    events = [*request_events(db, _id(req), include_voided=False), event]
    _apply(db, req, events, today, actor_id)  # raises before anything is written
    db.add(event)
    if kind == "acknowledged" and clean.get("tracking_number"):
        req.tracking_number = clean["tracking_number"][:100]
    db.flush()
    clocks.recompute(db, req, reason=f"{EVENT_KINDS[kind].label} on {on.isoformat()}", today=today)
    log.info("request %s: user %s recorded %s on %s", req.id, actor_id, kind, on)
    return event


def correct_event(
    db: Session,
    event: Event,
    *,
    on: date | None,
    note: str | None = None,
    actor_id: int | None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Replace an event entered by mistake: the old row is voided, a new one points at it."""

    if event.voided_at is not None:
        raise EventNotAllowed("this event was already corrected; correct the newer entry")
    req = db.get(RecordRequest, event.request_id)
    assert req is not None
    today = utc_today()
    new_on = on or event.on
    note, clean = clean_event(
        event.kind,
        new_on,
        event.note if note is None else note,
        event_data(event) if data is None else data,
        today,
    )
    new = Event(
        org_id=event.org_id,
        request_id=event.request_id,
        kind=event.kind,
        on=new_on,
        actor_id=actor_id,
        note=note,
        data=dict(sorted(clean.items())),
        corrects_id=event.id,
    )
    others = [e for e in request_events(db, _id(req), include_voided=False) if e.id != event.id]
    _apply(db, req, [*others, new], today, actor_id)
    event.voided_at = utc_now()
    db.add(new)
    db.add(event)
    if event.kind == "acknowledged" and clean.get("tracking_number"):
        req.tracking_number = clean["tracking_number"][:100]
    db.flush()
    what = EVENT_KINDS[event.kind].label
    reason = f"{what} corrected from {event.on.isoformat()} to {new_on.isoformat()}"
    if new_on == event.on:
        reason = f"{what} of {new_on.isoformat()} corrected"
    clocks.recompute(db, req, reason=reason, today=today)
    log.info("request %s: user %s corrected event %s -> %s", req.id, actor_id, event.id, new_on)
    return new


def is_overdue(db: Session, req: RecordRequest, today: date) -> bool:
    """True when a statutory clock the agency owes has passed without being met."""
    return overdue_from(req, clocks.current_deadlines(db, _id(req)), today)


def overdue_from(req: RecordRequest, deadlines: list[Any], today: date) -> bool:
    """``is_overdue`` for clocks already loaded (pure)."""

    # The clock states already say what is owed; these statuses owe nothing on the clock.
    if req.status in ("draft", "withdrawn", "in_litigation"):
        return False
    return any(
        d.state == "open"
        and d.statutory
        and d.due is not None
        and d.due < today
        and d.clock in clocks.AGENCY_CLOCKS
        for d in deadlines
    )


def _id(req: RecordRequest) -> int:
    """A stored request's id (set once the row is flushed)."""
    return cast(int, req.id)

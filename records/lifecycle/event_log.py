"""Reading a request's event log: the events in timeline order, the ones a correction has not
voided, and an event's data. Both the lifecycle (which writes events) and the clocks (which are
computed from them) read through here, so neither has to import the other to read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import bindparam
from sqlmodel import Session, select

from records.lifecycle.models import Event


def event_data(event: Any) -> dict[str, Any]:
    """An event's data as a dict (a copy: changing it does not change the event)."""
    raw = getattr(event, "data", None) or {}
    return dict(raw) if isinstance(raw, Mapping) else {}


def active_events(events: Iterable[Any]) -> list[Any]:
    """Events not voided by a correction, in replay order (date, then recording order)."""
    live = [e for e in events if getattr(e, "voided_at", None) is None]
    # Unsaved events (no id yet) sort after saved ones of the same day: they were recorded last.
    order = sorted(enumerate(live), key=lambda p: (p[1].on, p[1].id is None, p[1].id or 0, p[0]))
    return [e for _, e in order]


def request_events(db: Session, request_id: int, *, include_voided: bool = True) -> list[Event]:
    """Every event of a request in timeline order (corrected ones included unless asked not)."""
    stmt = _EVENTS if include_voided else _LIVE_EVENTS
    return list(db.exec(stmt, params={"request_id": request_id}).all())


# Built once: a request page and every recompute read them.
_EVENTS = (
    select(Event).where(Event.request_id == bindparam("request_id")).order_by(Event.on, Event.id)  # type: ignore[arg-type]
)
_LIVE_EVENTS = (
    select(Event)
    .where(Event.request_id == bindparam("request_id"), Event.voided_at.is_(None))  # type: ignore[union-attr]
    .order_by(Event.on, Event.id)  # type: ignore[arg-type]
)

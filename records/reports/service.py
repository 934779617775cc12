"""Report cards: keeping each request's figures current, and aggregating them per group.

``refresh`` runs whenever a request's clocks are recomputed (``records.lifecycle.clocks.recompute``), so
the figures always follow the same events and the same business-day calendar as the deadlines.
``build_cards`` aggregates with two indexed queries: the figures of the requests the viewer may
see, and their current statutory clocks.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from records.access import visibility
from records.core.models import Agency, RecordRequest
from records.deadlines.engine import law_calendar
from records.laws.calendars import business_days_between
from records.lifecycle.clocks import AGENCY_CLOCKS, CLOCK_LABELS, _read_timeline, clock_law
from records.lifecycle.event_log import active_events, event_data, request_events
from records.lifecycle.models import Deadline
from records.reports.figures import Figure, days_figure, share
from records.reports.models import RequestFigure

OUTCOMES = ("full", "partial", "no_records", "denied", "withdrawn")
OUTCOME_LABELS = {
    "full": "Released in full",
    "partial": "Released in part",
    "no_records": "No records",
    "denied": "Denied",
    "withdrawn": "Withdrawn",
}
APPEAL_OUTCOME_LABELS = {
    "granted": "Granted",
    "partly_granted": "Partly granted",
    "remanded": "Remanded",
    "denied": "Denied",
}
# The clocks a report card scores on time: what the agency owes, by statute.
SCORED_CLOCKS = tuple(c for c in CLOCK_LABELS if c in AGENCY_CLOCKS)
GROUPS = ("agency", "jurisdiction", "subject")  # "named" (name and state) is the public archive's
_NOT_OWED = ("draft", "withdrawn", "in_litigation")
# The statuses in which the agency still owes an answer: ``records.lifecycle.service.OPEN``, restated
# because the clocks (which refresh the figures) never import the lifecycle; a test keeps them equal.
OPEN = frozenset({"sent", "acknowledged", "in_progress", "awaiting_requester"})
_AMOUNT = re.compile(r"\d[\d,]*(?:\.\d{1,2})?")


def _cents(text: Any) -> int | None:
    match = _AMOUNT.search(str(text or ""))
    if match is None:
        return None
    return round(float(match.group().replace(",", "")) * 100)


def _exemptions(text: Any) -> list[str]:
    parts = re.split(r"[;,\n]+", str(text or ""))
    return [p.strip()[:60] for p in parts if p.strip()]


def figures_from(events: Sequence[Any], received: date, business: Any) -> dict[str, Any]:
    """A request's figures from its active events (replay order) and receipt day (pure)."""
    ack = next((e.on for e in events if e.kind in _INCOMING), None)
    answered = next((e.on for e in events if e.kind in ("final_response", "denial")), None)
    outcome, exemptions, appeal_on, appeal_outcome, fee = "", [], None, "", None
    for e in events:
        data = event_data(e)
        if e.kind == "final_response":
            outcome = str(data.get("outcome") or "")
        elif e.kind == "denial":
            outcome = "denied"
            exemptions += _exemptions(data.get("exemptions"))
        elif e.kind == "withdrawn" and not outcome:
            outcome = "withdrawn"
        elif e.kind == "appeal_filed" and appeal_on is None:
            appeal_on = e.on
        elif e.kind == "appeal_decided":
            appeal_outcome = str(data.get("outcome") or "")
        elif e.kind == "fee_estimate":
            cents = _cents(data.get("amount"))
            if cents is not None:
                fee = max(fee or 0, cents)

    def days(day: date | None) -> tuple[int | None, int | None]:
        if day is None:
            return None, None
        cal = max(0, (day - received).days)
        bus = business_days_between(received, day, business) if business is not None else None
        return cal, bus

    ack_cal, ack_bus = days(ack)
    ans_cal, ans_bus = days(answered)
    return {
        "received_on": received,
        "received_year": received.year,
        "acknowledged_on": ack,
        "answered_on": answered,
        "ack_calendar_days": ack_cal,
        "ack_business_days": ack_bus,
        "answer_calendar_days": ans_cal,
        "answer_business_days": ans_bus,
        "outcome": outcome,
        "exemptions": json.dumps(exemptions),
        "appeal_filed_on": appeal_on,
        "appeal_outcome": appeal_outcome,
        "fee_asked_cents": fee,
    }


_INCOMING = frozenset(
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


def refresh(db: Session, req: RecordRequest, events: Iterable[Any]) -> None:
    """Rewrite the request's figures from its events (removed while it was never sent)."""
    from records.deadlines.closures import for_request

    assert req.id is not None
    ordered = active_events(events)
    row = db.get(RequestFigure, req.id)
    law, component = clock_law(db, req)
    closures = for_request(db, req, law.code) if law is not None else []
    timeline = _read_timeline(ordered, law, component, closures) if ordered else None
    if timeline is None:
        if row is not None:
            db.delete(row)
        return
    cal = law_calendar(law, component, closures) if law is not None else None
    values = figures_from(ordered, timeline.received, cal)
    if row is None:
        row = RequestFigure(request_id=req.id, org_id=req.org_id, **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    db.add(row)


# ------------------------------------------------------------------------------------------
# Aggregates
# ------------------------------------------------------------------------------------------


@dataclass
class Card:
    """The figures of one group of requests (an agency, a jurisdiction or a subject)."""

    key: str
    label: str
    agency_id: int | None = None
    jurisdiction: str = ""
    level: str = ""
    filed: int = 0
    answered: int = 0
    pending: int = 0
    ack_calendar: list[int] = field(default_factory=list)
    ack_business: list[int] = field(default_factory=list)
    answer_calendar: list[int] = field(default_factory=list)
    answer_business: list[int] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    exemptions: Counter[str] = field(default_factory=Counter)
    appeals: int = 0
    appeal_outcomes: Counter[str] = field(default_factory=Counter)
    fees: list[int] = field(default_factory=list)
    on_time: dict[str, list[int]] = field(default_factory=dict)  # clock -> [met, late]
    on_time_by_year: dict[int, list[int]] = field(default_factory=dict)
    overdue_days: list[int] = field(default_factory=list)
    min_n: int = 0

    def days(self, which: str, pct: float | None = None) -> Figure:
        """Median (or ``pct`` percentile) of ``ack_calendar`` / ``answer_business`` / ..."""
        return days_figure(getattr(self, which), pct, self.min_n)

    def on_time_share(self, clock: str | None = None) -> Figure:
        """Share of scored clocks met on time (one clock, or all of them)."""
        pairs = [self.on_time.get(clock, [0, 0])] if clock else list(self.on_time.values())
        met = sum(p[0] for p in pairs)
        return share(met, met + sum(p[1] for p in pairs), self.min_n)

    def year_share(self, year: int) -> Figure:
        met, late = self.on_time_by_year.get(year, [0, 0])
        return share(met, met + late, self.min_n)

    @property
    def overdue(self) -> Figure:
        """Share of pending requests overdue now (``n`` = pending)."""
        return share(len(self.overdue_days), self.pending, self.min_n)

    def overdue_by(self, pct: float | None = None) -> Figure:
        return days_figure(self.overdue_days, pct, self.min_n)

    def fee(self, pct: float | None = None) -> Figure:
        return days_figure(self.fees, pct, self.min_n)

    def distribution(self) -> list[tuple[int, int]]:
        """(business days, how many final answers took that long), fastest first."""
        return sorted(Counter(self.answer_business).items())

    def count(self, n: int) -> Figure:
        """A count shown only when the card rests on enough requests."""
        return Figure(float(n), self.filed, hidden=self.filed < self.min_n)


def _key(group: str) -> Any:
    if group == "jurisdiction":
        return col(Agency.jurisdiction)
    if group == "subject":
        return col(RecordRequest.subject)
    if group == "named":  # the same agency as every organization names it
        return col(Agency.jurisdiction) + ":" + col(Agency.name)
    return col(Agency.id)


def viewer_clause(viewer: visibility.Viewer) -> ColumnElement[bool]:
    """The requests ``viewer`` may see (the rule lives in ``records.access.visibility``)."""
    return visibility.where(RecordRequest, viewer)


def _joined(stmt: Any, where: Sequence[ColumnElement[bool]]) -> Any:
    return (
        stmt.select_from(RequestFigure)
        .join(RecordRequest, col(RecordRequest.id) == col(RequestFigure.request_id))
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(*where)
    )


_DAY_LISTS: tuple[tuple[str, Any], ...] = (
    ("ack_calendar", RequestFigure.ack_calendar_days),
    ("ack_business", RequestFigure.ack_business_days),
    ("answer_calendar", RequestFigure.answer_calendar_days),
    ("answer_business", RequestFigure.answer_business_days),
    ("fees", RequestFigure.fee_asked_cents),
)


def agency_card(
    db: Session, where: Sequence[ColumnElement[bool]], agency: Agency, *, today: date
) -> Card:
    """One agency's card over the requests matching ``where`` (the caller's own: the directory
    is shared, the requests are not); an empty card when none match."""
    cards = build_cards(db, [*where, *filters(agency_id=agency.id)], today=today)
    card = cards[0] if cards else Card(str(agency.id), agency.name)
    card.jurisdiction, card.level = agency.jurisdiction, agency.level
    return card


def build_cards(
    db: Session,
    where: Sequence[ColumnElement[bool]],
    *,
    group: str = "agency",
    today: date,
    min_n: int = 0,
) -> list[Card]:
    """One card per group over the sent requests matching ``where`` (with the viewer's rule).

    Every query is grouped in the database (per group and value, with a count), so what comes
    back grows with the number of groups and of distinct day counts, not with the requests.
    """
    key = _key(group)
    conn = db.connection()
    is_open = case((col(RecordRequest.status).in_(OPEN), 1), else_=0)
    head = _joined(
        sa_select(
            key,
            func.min(col(Agency.name)),
            func.min(col(Agency.jurisdiction)),
            func.min(col(Agency.level)),
            func.count(),
            func.count(col(RequestFigure.answer_calendar_days)),
            func.sum(is_open),
            func.count(col(RequestFigure.appeal_filed_on)),
        ),
        where,
    ).group_by(key)
    cards: dict[Any, Card] = {}
    for k, name, juris, level, filed, answered, pending, appeals in conn.execute(head):
        if group == "agency":
            card = Card(str(k), name, agency_id=k, jurisdiction=juris, level=level)
        elif group == "named":
            card = Card(str(k), name, jurisdiction=juris, level=level)
        else:
            card = Card(str(k), str(k), jurisdiction=juris if group == "jurisdiction" else "")
        card.min_n = min_n
        card.filed, card.answered, card.pending = filed, answered, pending or 0
        card.appeals = appeals
        cards[k] = card
    for attr, column in _DAY_LISTS:
        stmt = _joined(sa_select(key, col(column), func.count()), [*where, col(column).isnot(None)])
        for k, value, n in conn.execute(stmt.group_by(key, col(column))):
            if k in cards:
                getattr(cards[k], attr).extend([value] * n)
    appealed = col(RequestFigure.appeal_filed_on).isnot(None)
    counted: list[tuple[str, Any, list[Any]]] = [
        ("outcomes", col(RequestFigure.outcome), []),
        ("appeal_outcomes", col(RequestFigure.appeal_outcome), [appealed]),
        ("exemptions", col(RequestFigure.exemptions), [col(RequestFigure.exemptions) != "[]"]),
    ]
    for attr, column, extra in counted:
        stmt = _joined(sa_select(key, column, func.count()), [*where, *extra, column != ""])
        for k, value, n in conn.execute(stmt.group_by(key, column)):
            found = cards.get(k)
            if found is None:
                continue
            if attr == "exemptions":
                for cited in set(json.loads(value)):
                    found.exemptions[cited] += n
            else:
                getattr(found, attr)[value] += n
    _clocks(db, where, key, cards, today)
    return list(cards.values())


def _clocks(
    db: Session, where: Sequence[ColumnElement[bool]], key: Any, cards: dict[Any, Card], today: date
) -> None:
    """On-time counts per clock and year, and today's overdue requests, from current clocks."""
    base = (
        sa_select(
            key,
            col(Deadline.clock),
            col(Deadline.state),
            col(RequestFigure.received_year),
            func.count(),
        )
        .join(RecordRequest, col(RecordRequest.id) == col(Deadline.request_id))
        .join(RequestFigure, col(RequestFigure.request_id) == col(Deadline.request_id))
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(
            *where,
            col(Deadline.superseded_at).is_(None),
            col(Deadline.statutory).is_(True),
            col(Deadline.clock).in_(SCORED_CLOCKS),
            col(Deadline.state).in_(("met", "late")),
        )
        .group_by(key, col(Deadline.clock), col(Deadline.state), col(RequestFigure.received_year))
    )
    for k, clock, state, year, n in db.connection().execute(base):
        card = cards.get(k)
        if card is None:
            continue
        slot = 0 if state == "met" else 1
        card.on_time.setdefault(clock, [0, 0])[slot] += n
        card.on_time_by_year.setdefault(year, [0, 0])[slot] += n
    per_request = (
        sa_select(key.label("k"), func.min(col(Deadline.due)).label("due"))
        .join(RecordRequest, col(RecordRequest.id) == col(Deadline.request_id))
        .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
        .where(
            *where,
            col(RecordRequest.status).not_in(_NOT_OWED),
            col(Deadline.superseded_at).is_(None),
            col(Deadline.statutory).is_(True),
            col(Deadline.clock).in_(SCORED_CLOCKS),
            col(Deadline.state) == "open",
            col(Deadline.due) < today,
        )
        .group_by(key, col(Deadline.request_id))
        .subquery()
    )
    overdue = sa_select(per_request.c.k, per_request.c.due, func.count()).group_by(
        per_request.c.k, per_request.c.due
    )
    for k, due, n in db.connection().execute(overdue):
        card = cards.get(k)
        if card is not None and due is not None:
            card.overdue_days.extend([(today - due).days] * n)


def merge(cards: Sequence[Card], key: str, label: str, min_n: int) -> Card:
    """All ``cards`` as one (an organization's overview of every agency)."""
    total = Card(key, label, min_n=min_n)
    for c in cards:
        total.filed += c.filed
        total.answered += c.answered
        total.pending += c.pending
        for name in ("ack_calendar", "ack_business", "answer_calendar", "answer_business",
                     "fees", "overdue_days"):  # fmt: skip
            getattr(total, name).extend(getattr(c, name))
        total.outcomes.update(c.outcomes)
        total.exemptions.update(c.exemptions)
        total.appeals += c.appeals
        total.appeal_outcomes.update(c.appeal_outcomes)
        for clock, (met, late) in c.on_time.items():
            slot = total.on_time.setdefault(clock, [0, 0])
            slot[0] += met
            slot[1] += late
        for year, (met, late) in c.on_time_by_year.items():
            slot = total.on_time_by_year.setdefault(year, [0, 0])
            slot[0] += met
            slot[1] += late
    return total


def filters(
    *,
    agency_id: int | None = None,
    jurisdiction: str = "",
    level: str = "",
    subject: str = "",
    name: str = "",
) -> list[ColumnElement[bool]]:
    """SQL conditions for a report card's scope."""
    out: list[ColumnElement[bool]] = []
    if agency_id is not None:
        out.append(col(Agency.id) == agency_id)
    if jurisdiction:
        out.append(col(Agency.jurisdiction) == jurisdiction)
    if level:
        out.append(col(Agency.level) == level)
    if subject:
        out.append(col(RecordRequest.subject) == subject)
    if name:
        out.append(col(Agency.name) == name)
    return out


def card_json(card: Card) -> dict[str, Any]:
    """A card as JSON: every figure with the n it rests on (hidden figures are null)."""

    def fig(f: Figure) -> dict[str, Any]:
        return {"value": f.value if f.shown else None, "n": f.n, "hidden": f.hidden}

    hidden = card.filed < card.min_n
    return {
        "key": card.key,
        "label": card.label,
        "jurisdiction": card.jurisdiction,
        "level": card.level,
        "filed": card.filed,
        "answered": None if hidden else card.answered,
        "pending": None if hidden else card.pending,
        "days_to_acknowledge": {
            kind: {
                "median": fig(card.days(f"ack_{kind}")),
                "p90": fig(card.days(f"ack_{kind}", 90)),
            }
            for kind in ("business", "calendar")
        },
        "days_to_answer": {
            kind: {
                "median": fig(card.days(f"answer_{kind}")),
                "p90": fig(card.days(f"answer_{kind}", 90)),
            }
            for kind in ("business", "calendar")
        },
        "on_time": {
            "all": fig(card.on_time_share()),
            **{c: fig(card.on_time_share(c)) for c in SCORED_CLOCKS if c in card.on_time},
        },
        "on_time_by_year": {str(y): fig(card.year_share(y)) for y in sorted(card.on_time_by_year)},
        "overdue_now": fig(card.overdue),
        "overdue_days": {"median": fig(card.overdue_by()), "max": fig(card.overdue_by(100))},
        "outcomes": None if hidden else {o: card.outcomes.get(o, 0) for o in OUTCOMES},
        "exemptions": None if hidden else dict(card.exemptions.most_common(10)),
        "appeals": None if hidden else card.appeals,
        "appeal_outcomes": None if hidden else dict(card.appeal_outcomes),
        "fees_asked": {
            "count": None if hidden else len(card.fees),
            "median_cents": fig(card.fee()),
        },
    }


def by_median_answer(cards: list[Card]) -> list[Card]:
    """Fastest first; cards without a shown median last, by name."""

    def rank(c: Card) -> tuple[bool, float, str]:
        f = c.days("answer_business")
        return (not f.shown, f.value if f.shown and f.value is not None else 0.0, c.label)

    return sorted(cards, key=rank)


def rebuild(db: Session, request_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of every sent request (after an upgrade); returns how many."""
    stmt = select(RecordRequest).where(RecordRequest.status != "draft")
    if request_ids is not None:
        stmt = stmt.where(col(RecordRequest.id).in_(list(request_ids)))
    done = 0
    for req in db.exec(stmt).all():
        assert req.id is not None
        refresh(db, req, request_events(db, req.id, include_voided=False))
        done += 1
    db.flush()
    return done

"""The state machine: events -> status, refused events change nothing, corrections keep history."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
import time_machine

from records.core.models import RecordRequest
from records.lifecycle.clocks import current_deadlines
from records.lifecycle.service import (
    EVENT_KINDS,
    STATUSES,
    TRANSITIONS,
    EventNotAllowed,
    correct_event,
    derive_status,
    record_event,
    request_events,
)

D = date.fromisoformat
NOON = datetime(2026, 11, 24, 15, tzinfo=UTC)  # the suite's "today", 2026-11-24


def ev(n: int, kind: str, on: str, **data):
    return SimpleNamespace(id=n, kind=kind, on=D(on), data=data, voided_at=None)


def test_kinds_and_statuses_match_the_issue():
    outgoing = {k for k, v in EVENT_KINDS.items() if v.direction == "outgoing"}
    incoming = {k for k, v in EVENT_KINDS.items() if v.direction == "incoming"}
    assert outgoing == {
        "sent", "follow_up_sent", "clarification_answered", "fees_agreed", "fees_paid",
        "appeal_filed", "lawsuit_filed", "withdrawn",
    }  # fmt: skip
    assert incoming == {
        "acknowledged", "extension_claimed", "fee_estimate", "clarification_requested",
        "interim_release", "partial_release", "final_response", "denial",
        "appeal_acknowledged", "appeal_decided",
    }  # fmt: skip
    assert set(TRANSITIONS) == set(EVENT_KINDS)
    assert len(STATUSES) == 12 and "overdue" not in STATUSES


@pytest.mark.parametrize(
    ("events", "status"),
    [
        ([], "draft"),
        ([ev(1, "sent", "2026-11-02")], "sent"),
        ([ev(1, "sent", "2026-11-02"), ev(2, "acknowledged", "2026-11-03")], "acknowledged"),
        (
            [ev(1, "sent", "2026-11-02"), ev(2, "fee_estimate", "2026-11-03", amount="$40")],
            "awaiting_requester",
        ),
        (
            [
                ev(1, "sent", "2026-11-02"),
                ev(2, "fee_estimate", "2026-11-03"),
                ev(3, "clarification_requested", "2026-11-04"),
                ev(4, "fees_agreed", "2026-11-05"),
            ],
            "awaiting_requester",  # still waiting on the clarification
        ),
        (
            [
                ev(1, "sent", "2026-11-02"),
                ev(2, "fee_estimate", "2026-11-03"),
                ev(3, "fees_paid", "2026-11-05"),
            ],
            "in_progress",
        ),
        (
            [ev(1, "sent", "2026-11-02"), ev(2, "interim_release", "2026-11-09")],
            "partially_fulfilled",
        ),
        (
            [ev(1, "sent", "2026-11-02"), ev(2, "final_response", "2026-11-09", outcome="full")],
            "fulfilled",
        ),
        (
            [
                ev(1, "sent", "2026-11-02"),
                ev(2, "final_response", "2026-11-09", outcome="no_records"),
            ],
            "no_records",
        ),
        (
            [ev(1, "sent", "2026-11-02"), ev(2, "final_response", "2026-11-09", outcome="partial")],
            "partially_fulfilled",
        ),
        ([ev(1, "sent", "2026-11-02"), ev(2, "denial", "2026-11-09")], "denied"),
        (
            [
                ev(1, "sent", "2026-11-02"),
                ev(2, "denial", "2026-11-09"),
                ev(3, "appeal_filed", "2026-11-10"),
            ],
            "appealed",
        ),
        (
            [
                ev(1, "sent", "2026-11-02"),
                ev(2, "denial", "2026-11-09"),
                ev(3, "appeal_filed", "2026-11-10"),
                ev(4, "appeal_decided", "2026-11-20", outcome="granted"),
            ],
            "in_progress",
        ),
        ([ev(1, "sent", "2026-11-02"), ev(2, "lawsuit_filed", "2026-12-09")], "in_litigation"),
        ([ev(1, "sent", "2026-11-02"), ev(2, "withdrawn", "2026-11-04")], "withdrawn"),
        # Events replay in date order, whatever order they were entered in.
        ([ev(2, "acknowledged", "2026-11-03"), ev(1, "sent", "2026-11-02")], "acknowledged"),
    ],
)
def test_derive_status(events, status):
    assert derive_status(events) == status


def test_voided_events_do_not_count():
    voided = ev(2, "denial", "2026-11-09")
    voided.voided_at = NOON
    assert derive_status([ev(1, "sent", "2026-11-02"), voided]) == "sent"


@pytest.mark.parametrize(
    "events",
    [
        [ev(1, "acknowledged", "2026-11-02")],  # nothing sent yet
        [ev(1, "sent", "2026-11-02"), ev(2, "sent", "2026-11-03")],
        [ev(1, "sent", "2026-11-02"), ev(2, "clarification_answered", "2026-11-03")],
        [ev(1, "sent", "2026-11-02"), ev(2, "fees_agreed", "2026-11-03")],
        [ev(1, "sent", "2026-11-02"), ev(2, "appeal_decided", "2026-11-03", outcome="denied")],
        [
            ev(1, "sent", "2026-11-02"),
            ev(2, "withdrawn", "2026-11-03"),
            ev(3, "denial", "2026-11-04"),
        ],
        [
            ev(1, "sent", "2026-11-02"),
            ev(2, "final_response", "2026-11-03", outcome="full"),
            ev(3, "appeal_filed", "2026-11-04"),
        ],  # fmt: skip
    ],
)
def test_impossible_sequences_are_refused(events):
    with pytest.raises(EventNotAllowed):
        derive_status(events)


@pytest.fixture
def sent_request(db, factory):
    org = factory.org()
    user = factory.user(org)
    agency = factory.agency(org, name="ICE", level="federal", jurisdiction="US", component="DHS")
    req = factory.request(org, user, agency)
    with time_machine.travel(NOON, tick=False):
        record_event(db, req, "sent", D("2026-11-02"), actor_id=user.id, note="by e-mail")
        db.commit()
    return req


def _snapshot(db, req):
    db.commit()
    fresh = db.get(RecordRequest, req.id)
    return (
        fresh.status,
        [(e.id, e.kind, e.on, e.voided_at) for e in request_events(db, req.id)],
        [(d.id, d.clock, d.due, d.state) for d in current_deadlines(db, req.id)],
    )


@pytest.mark.parametrize(
    ("kind", "on", "data", "message"),
    [
        (
            "appeal_decided",
            "2026-11-10",
            {"outcome": "denied"},
            "not possible while the request is sent",
        ),
        ("clarification_answered", "2026-11-10", None, "not possible while the request is sent"),
        ("sent", "2026-11-10", None, "not possible"),
        ("acknowledged", "2026-11-30", None, "in the future"),
        ("final_response", "2026-11-10", None, "needs outcome"),
        ("final_response", "2026-11-10", {"outcome": "maybe"}, "outcome must be one of"),
        ("extension_claimed", "2026-11-10", {"days": "ten"}, "whole number"),
        ("denial", "2026-11-10", {"color": "red"}, "has no field"),
        ("gossip", "2026-11-10", None, "unknown event type"),
        # A stated receipt date after the acknowledgment itself is impossible.
        ("acknowledged", "2026-11-10", {"received": "2026-11-12"}, "must fall between"),
        # A pause dated before the request was sent: the message names the date, not the status.
        (
            "clarification_requested",
            "2026-10-30",
            None,
            "dated 2026-10-30, before .Request sent. on 2026-11-02",
        ),
    ],
)
def test_refused_event_changes_nothing(db, sent_request, kind, on, data, message):
    before = _snapshot(db, sent_request)
    with time_machine.travel(NOON, tick=False), pytest.raises(EventNotAllowed, match=message):
        record_event(db, sent_request, kind, D(on), actor_id=None, data=data)
    db.rollback()
    assert _snapshot(db, sent_request) == before


def test_correction_keeps_both_entries_and_moves_the_clocks(db, sent_request):
    # Sent Mon 2026-11-02 -> response due Wed 2026-12-02 (see test_clocks). The request was
    # really sent Wed 2026-11-04: 20 working days from Nov 4 are Nov 5, 6, 9, 10, 12, 13, 16-20,
    # 23-25, 27, 30, Dec 1-4 -> Fri 2026-12-04 (Nov 11 and 26 closed).
    original = request_events(db, sent_request.id)[0]
    with time_machine.travel(NOON, tick=False):
        new = correct_event(db, original, on=D("2026-11-04"), actor_id=None)
        db.commit()
    events = request_events(db, sent_request.id)
    assert [(e.on, e.voided_at is not None, e.corrects_id) for e in events] == [
        (D("2026-11-02"), True, None),
        (D("2026-11-04"), False, original.id),
    ]
    assert new.note == "by e-mail"  # kept unless changed
    response = [d for d in current_deadlines(db, sent_request.id) if d.clock == "response"]
    assert response[0].due == D("2026-12-04")
    with time_machine.travel(NOON, tick=False), pytest.raises(EventNotAllowed, match="already"):
        correct_event(db, original, on=D("2026-11-03"), actor_id=None)


def test_correction_that_breaks_the_timeline_is_refused(db, sent_request):
    with time_machine.travel(NOON, tick=False):
        ack = record_event(db, sent_request, "acknowledged", D("2026-11-05"), actor_id=None)
        db.commit()
        sent = request_events(db, sent_request.id)[0]
        # Moving "sent" after the acknowledgment would make the acknowledgment come first.
        with pytest.raises(EventNotAllowed):
            correct_event(db, sent, on=D("2026-11-06"), actor_id=None)
    db.rollback()
    assert [e.voided_at for e in request_events(db, sent_request.id)] == [None, None]
    assert ack.id is not None

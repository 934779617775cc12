"""iCalendar feeds of open deadlines: per user, per organization (secret URLs), per request.

Each deadline is an all-day event whose UID names the request and clock, so calendar apps update
the same event when the date moves; SEQUENCE counts the times the clock was recomputed and
LAST-MODIFIED is when the current value was computed.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from records.access import visibility
from records.access.visibility import Viewer
from records.core.models import Membership, RecordRequest
from records.lifecycle.models import Deadline
from records.notify.content import clock_label
from records.notify.models import CalendarFeed

PRODID = "-//Records Desk//Deadlines//EN"


def uid(request_id: int, clock: str) -> str:
    """The stable UID of one request's clock."""
    return f"deadline-{request_id}-{clock}@records-desk"


def hash_feed_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_feed(
    db: Session, org_id: int, created_by: int, user_id: int | None
) -> tuple[CalendarFeed, str]:
    """A new secret feed (a user's own, or the organization's when ``user_id`` is None)."""
    token = "cal_" + secrets.token_urlsafe(32)
    feed = CalendarFeed(
        org_id=org_id,
        user_id=user_id,
        created_by=created_by,
        token_hash=hash_feed_token(token),
        prefix=token[:10],
    )
    db.add(feed)
    db.flush()
    return feed, token


def feed_for_token(db: Session, token: str) -> CalendarFeed | None:
    """The live feed for a secret token; None when unknown, revoked, or its user left the org."""
    feed = db.exec(
        select(CalendarFeed).where(CalendarFeed.token_hash == hash_feed_token(token))
    ).first()
    if feed is None or feed.revoked_at is not None:
        return None
    member_id = feed.user_id if feed.user_id is not None else feed.created_by
    member = db.exec(
        select(Membership.id).where(
            Membership.org_id == feed.org_id, Membership.user_id == member_id
        )
    ).first()
    return feed if member is not None else None


def feed_rows(db: Session, feed: CalendarFeed) -> list[tuple[Deadline, RecordRequest]]:
    """Open current deadlines the feed may show: what its user sees, or the org's non-private."""
    viewer = (
        Viewer.member(feed.org_id, feed.user_id)
        if feed.user_id is not None
        else Viewer.organization(feed.org_id)
    )
    return _open_deadlines(db, visibility.where(RecordRequest, viewer))


def request_rows(db: Session, req: RecordRequest) -> list[tuple[Deadline, RecordRequest]]:
    """Open current deadlines of one request (the caller checked access)."""
    return _open_deadlines(db, RecordRequest.id == req.id)


def _open_deadlines(db: Session, scope: object) -> list[tuple[Deadline, RecordRequest]]:
    return list(
        db.exec(
            select(Deadline, RecordRequest)
            .join(RecordRequest, col(RecordRequest.id) == Deadline.request_id)
            .where(
                scope,  # type: ignore[arg-type]
                Deadline.state == "open",
                col(Deadline.superseded_at).is_(None),
                col(Deadline.due).is_not(None),
            )
            .order_by(col(Deadline.due), col(Deadline.id))
        ).all()
    )


def _sequences(
    db: Session, rows: list[tuple[Deadline, RecordRequest]]
) -> dict[tuple[int, str], int]:
    """How many earlier values each (request, clock) had: the iCalendar SEQUENCE."""
    ids = sorted({d.request_id for d, _ in rows})
    out: dict[tuple[int, str], int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for request_id, clock, n in db.exec(
            select(Deadline.request_id, Deadline.clock, func.count())
            .where(col(Deadline.request_id).in_(chunk))
            .group_by(col(Deadline.request_id), col(Deadline.clock))
        ).all():
            out[(request_id, clock)] = max(n - 1, 0)
    return out


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def render(
    db: Session,
    rows: Iterable[tuple[Deadline, RecordRequest]],
    name: str,
    base_url: str,
    now: datetime,
) -> bytes:
    """An iCalendar document with one all-day event per deadline."""
    rows = list(rows)
    sequences = _sequences(db, rows)
    from icalendar import Calendar, Event  # (and dateutil) imported when a feed is served

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for deadline, req in rows:
        assert deadline.due is not None
        url = f"{base_url.rstrip('/')}/requests/{req.id}"
        event = Event()
        event.add("uid", uid(req.id, deadline.clock))  # type: ignore[arg-type]
        event.add("dtstamp", now)
        event.add("dtstart", deadline.due)
        event.add("dtend", deadline.due + timedelta(days=1))
        event.add("summary", f"{clock_label(deadline.clock)} due: {req.title}")
        details = [deadline.rule, deadline.citation, deadline.explanation, url]
        event.add("description", "\n\n".join(part for part in details if part))
        event.add("url", url)
        event.add("sequence", sequences.get((req.id, deadline.clock), 0))  # type: ignore[arg-type]
        event.add("last-modified", _aware(deadline.computed_at))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()

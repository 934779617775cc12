"""Reminder preferences (organization default, per-user override) and the in-app inbox queries."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, update
from sqlmodel import Session, col, select

from records.access import visibility
from records.access.visibility import Viewer
from records.core.db import cached_read
from records.core.models import RecordRequest
from records.notify.content import digest_for_reader, digest_request_ids
from records.notify.models import Notification, Reminder, ReminderPreference

log = logging.getLogger(__name__)

MAX_DAYS_BEFORE = 20  # business days; the planner's horizon is sized for this


@dataclass(frozen=True)
class Prefs:
    """What reminders one user gets in one organization."""

    days_before: int = 3
    on_day: bool = True
    when_passed: bool = True
    weekly_digest: bool = True
    email: bool = True
    scope: str = "mine"


DEFAULTS = Prefs()
FIELDS = tuple(asdict(DEFAULTS))


def _from_row(row: ReminderPreference) -> Prefs:
    return Prefs(**{name: getattr(row, name) for name in FIELDS})


def preference_rows(db: Session, org_ids: set[int]) -> dict[tuple[int, int | None], Prefs]:
    """Every stored preference of these organizations, keyed by (org_id, user_id or None)."""
    if not org_ids:
        return {}
    rows = db.exec(select(ReminderPreference).where(col(ReminderPreference.org_id).in_(org_ids)))
    return {(r.org_id, r.user_id): _from_row(r) for r in rows}


def resolve(table: dict[tuple[int, int | None], Prefs], org_id: int, user_id: int) -> Prefs:
    """The user's own settings, else the organization default, else the product default."""
    return table.get((org_id, user_id)) or table.get((org_id, None)) or DEFAULTS


def effective_preferences(db: Session, org_id: int, user_id: int) -> Prefs:
    """The settings that apply to ``user_id`` in ``org_id``."""
    return resolve(preference_rows(db, {org_id}), org_id, user_id)


def stored_preferences(db: Session, org_id: int, user_id: int | None) -> Prefs | None:
    """The row for exactly this level (user override or org default), or None."""
    return preference_rows(db, {org_id}).get((org_id, user_id))


def save_preferences(
    db: Session, org_id: int, user_id: int | None, prefs: Prefs, now: datetime
) -> None:
    """Store prefs for a user (or the org default when ``user_id`` is None) and replan."""
    if not 0 <= prefs.days_before <= MAX_DAYS_BEFORE:
        raise ValueError(f"days_before must be between 0 and {MAX_DAYS_BEFORE}")
    stmt = select(ReminderPreference).where(ReminderPreference.org_id == org_id)
    stmt = stmt.where(
        ReminderPreference.user_id == user_id
        if user_id is not None
        else col(ReminderPreference.user_id).is_(None)
    )
    row = db.exec(stmt).first() or ReminderPreference(org_id=org_id, user_id=user_id)
    for name in FIELDS:
        setattr(row, name, getattr(prefs, name))
    row.updated_at = now
    db.add(row)
    # Reminders not yet attempted were planned from the old settings; drop them so the next
    # sweep plans them again. Rows already attempted or in flight are left alone.
    pending = delete(Reminder).where(
        col(Reminder.org_id) == org_id,
        col(Reminder.delivered_at).is_(None),
        col(Reminder.cancelled_at).is_(None),
        col(Reminder.claimed_by).is_(None),
        col(Reminder.attempts) == 0,
    )
    if user_id is not None:
        pending = pending.where(col(Reminder.user_id) == user_id)
    db.execute(pending)
    log.info("reminder preferences for org %s user %s set to %s", org_id, user_id, prefs)


@cache
def _unread_stmt() -> Any:
    """The unread count for any member, built once (see ``Viewer.bound``)."""
    viewer = Viewer.bound()
    return (
        select(func.count())
        .select_from(Notification)
        .where(
            Notification.user_id == viewer.user_id,
            Notification.org_id == viewer.org_id,
            col(Notification.read_at).is_(None),
            visibility.where(Notification, viewer),
        )
    )


def unread_count(db: Session, org_id: int, user_id: int) -> int:
    """How many inbox rows the user has not read yet (counted once a page: the navigation and
    the dashboard panel share it)."""

    def load() -> int:
        params = Viewer.member(org_id, user_id).params()
        return int(db.connection().execute(_unread_stmt(), params).scalar_one())

    return cached_read(db, ("unread_count", org_id, user_id), load)


def inbox(db: Session, org_id: int, user_id: int, limit: int = 100) -> list[Any]:
    """The user's newest notifications in this organization, as read-only rows: none about a
    request they can no longer see (made private by someone else, or deleted), and digests
    without the entries about such requests."""
    viewer = Viewer.member(org_id, user_id)
    rows = list(
        db.exec(
            select(Notification)
            .where(
                Notification.user_id == user_id,
                Notification.org_id == org_id,
                visibility.where(Notification, viewer),
            )
            .order_by(col(Notification.id).desc())
            .limit(limit)
        )
    )
    named = set().union(*(digest_request_ids(n.body) for n in rows if n.request_id is None))
    visible = cast(  # stored requests' ids
        set[int],
        set(
            db.exec(
                select(RecordRequest.id).where(
                    col(RecordRequest.id).in_(named), visibility.where(RecordRequest, viewer)
                )
            )
        ),
    )
    out = []
    for n in rows:
        row = SimpleNamespace(**n.model_dump())  # a copy: the stored text is never changed
        if n.request_id is None:
            row.body = digest_for_reader(n.body, visible)
        out.append(row)
    return out


def mark_read(
    db: Session, org_id: int, user_id: int, now: datetime, ids: list[int] | None = None
) -> int:
    """Mark the given notifications (or all of them) read; returns how many changed."""
    stmt = update(Notification).where(
        col(Notification.user_id) == user_id,
        col(Notification.org_id) == org_id,
        col(Notification.read_at).is_(None),
    )
    if ids is not None:
        stmt = stmt.where(col(Notification.id).in_(ids))
    return cast(CursorResult[Any], db.execute(stmt.values(read_at=now))).rowcount


@visibility.prepared
def _problem_count(viewer: Viewer) -> Any:
    return (
        select(func.count())
        .select_from(Reminder)
        .where(
            Reminder.org_id == viewer.org_id,
            Reminder.user_id == viewer.user_id,
            visibility.where(Reminder, viewer),
            col(Reminder.delivered_at).is_(None),
            col(Reminder.cancelled_at).is_(None),
            Reminder.attempts > 0,
        )
    )


def delivery_problem_count(db: Session, org_id: int, user_id: int) -> int:
    """How many of the member's reminders ``delivery_problems`` lists (one statement built
    once: the dashboard asks on every visit)."""
    stmt, params = _problem_count(Viewer.member(org_id, user_id))
    return int(db.connection().execute(stmt, params).scalar_one())


def delivery_problems(
    db: Session, org_id: int, user_id: int | None = None, *, viewer: Viewer
) -> list[Reminder]:
    """Reminders (of ``user_id``, or everyone's) whose email failed at least once and is still
    waiting for a retry, about requests ``viewer`` may see."""
    stmt = select(Reminder).where(
        Reminder.org_id == org_id,
        visibility.where(Reminder, viewer),
        col(Reminder.delivered_at).is_(None),
        col(Reminder.cancelled_at).is_(None),
        Reminder.attempts > 0,
    )
    if user_id is not None:
        stmt = stmt.where(Reminder.user_id == user_id)
    return list(db.exec(stmt.order_by(col(Reminder.next_attempt_at))))

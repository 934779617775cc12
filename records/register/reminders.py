"""Reminders for the register's follow-ups: when a renewal or sharing request comes due, the
people who would draft it get it in their inbox and by email, through the reminder sweep.

The sweep (``records.notify.service``) plans these rows beside the deadline reminders and delivers them
the same way: once per person and follow-up (a unique index on kind, user, clock and day), with
the same retries. A row's ``clock`` names its follow-up (``followup:<id>``); it has no request.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from records.access.visibility import Viewer, can_see
from records.core.models import Membership
from records.notify.content import Content
from records.notify.models import Reminder
from records.notify.prefs import Prefs, preference_rows, resolve
from records.register.models import Agreement, FollowUp

KIND = "followup"
PREFIX = "followup:"
# A follow-up whose reminder day passed longer ago than this is not announced any more (it is
# still listed on the register page): an instance switched on late should not send a backlog.
LOOKBACK_DAYS = 14


def clock_of(follow_up_id: int) -> str:
    return f"{PREFIX}{follow_up_id}"


def _recipients(
    db: Session,
    entry: Agreement,
    members: set[int],
    prefs: dict[tuple[int, int | None], Prefs],
) -> set[int]:
    """Who made the entry (while still a member), plus members who follow everything; only
    members who may see the entry."""
    out = {entry.created_by} & members if entry.created_by is not None else set()
    out |= {u for u in members if resolve(prefs, entry.org_id, u).scope == "all"}
    return {u for u in out if can_see(db, Viewer.member(entry.org_id, u), entry)}


def plan(db: Session, now: datetime, send_at: Callable[[date], datetime]) -> list[dict[str, Any]]:
    """The reminder rows missing for follow-ups whose reminder day has come (``send_at(day)``
    gives the hour of the day reminders go out)."""
    today = now.date()
    rows = db.exec(
        select(FollowUp, Agreement)
        .join(Agreement, col(Agreement.id) == FollowUp.agreement_id)
        .where(
            FollowUp.state == "proposed",
            col(FollowUp.remind_on).is_not(None),
            col(FollowUp.remind_on) <= today,
            col(FollowUp.remind_on) >= today - timedelta(days=LOOKBACK_DAYS),
        )
    ).all()
    if not rows:
        return []
    org_ids = {entry.org_id for _, entry in rows}
    prefs = preference_rows(db, org_ids)
    members: dict[int, set[int]] = {}
    for org_id, user_id in db.exec(
        select(Membership.org_id, Membership.user_id).where(col(Membership.org_id).in_(org_ids))
    ).all():
        members.setdefault(org_id, set()).add(user_id)
    clocks = [clock_of(f.id) for f, _ in rows if f.id is not None]
    done = set(
        db.exec(
            select(Reminder.user_id, Reminder.clock).where(
                Reminder.kind == KIND, col(Reminder.clock).in_(clocks)
            )
        ).all()
    )
    out: list[dict[str, Any]] = []
    for follow, entry in rows:
        assert follow.id is not None and follow.remind_on is not None
        at = send_at(follow.remind_on)  # a day already past goes out with this sweep
        for user_id in _recipients(db, entry, members.get(entry.org_id, set()), prefs):
            if (user_id, clock_of(follow.id)) in done:
                continue
            out.append(
                {
                    "org_id": entry.org_id,
                    "request_id": None,
                    "user_id": user_id,
                    "clock": clock_of(follow.id),
                    "due": follow.remind_on,
                    "kind": KIND,
                    "send_at": at,
                    "next_attempt_at": at,
                    "attempts": 0,
                    "last_error": "",
                    "outcome": "",
                    "message_id": "",
                    "created_at": now,
                }
            )
    return out


def prepare(
    db: Session, org_id: int, user_id: int, clock: str, today: date, base_url: str
) -> tuple[str, Content | None]:
    """(reason to cancel, content) for one follow-up reminder, checked as it goes out."""
    try:
        follow = db.get(FollowUp, int(clock.removeprefix(PREFIX)))
    except ValueError:
        follow = None
    if follow is None or follow.org_id != org_id:
        return "the follow-up no longer exists", None
    if follow.state != "proposed":
        return f"the follow-up was {follow.state} already", None
    entry = db.get(Agreement, follow.agreement_id)
    if entry is None or not can_see(db, Viewer.member(org_id, user_id), follow):
        return "recipient can no longer see the register entry", None
    url = f"{base_url.rstrip('/')}/agreements/{entry.id}"
    if follow.kind == "renewal" and follow.due is not None:
        why = f"“{entry.title}” is up for renewal on {follow.due:%a %d %b %Y}"
        title = f"Ask for the renewal before {follow.due:%d %b %Y}: {entry.title}"
    else:
        why = f"“{entry.title}” promises a share of seized money and assets"
        title = f"Ask for the forfeiture-sharing records: {entry.title}"
    lines = [
        f"{why}. The register suggests a request now:",
        "",
        f"  {follow.title}",
        "",
        "Councils vote on renewals weeks ahead, and the agency may take weeks to answer."
        if follow.kind == "renewal"
        else "The sharing forms and payment records show how much was received.",
        "",
        f"Draft it from the register (nothing is sent until you send it): {url}",
    ]
    return "", Content(title=title[:300], body="\n".join(lines), url=url)

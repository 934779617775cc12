"""Reminders as rows: the planner inserts missing rows, the sweep claims and delivers due ones
(in-app notification, then email), retrying failed email with backoff.

The database is the schedule. A reminder row is claimed with a conditional UPDATE before it is
delivered, so two sweeps (threads, processes or machines) never deliver the same row; a claim
left by a process that died is taken over after ``CLAIM_TIMEOUT``.

The inbox row is made exactly once. Email is delivered at least once: no program can know whether
a mail server accepted a message when it died before reading the answer, so a process killed
after the hand-off and before recording it sends the message again when its claim is taken over.
The hand-off is recorded first (``HANDING_OFF``) and every attempt carries the same Message-ID,
so such a repeat is visible in the row's outcome and shows as one message in mail clients.
"""

from __future__ import annotations

import logging
import uuid
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, cast

from sqlalchemy import and_, func, insert, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from records.access import visibility
from records.access.visibility import Viewer, can_see
from records.core import links
from records.core.db import write_intent
from records.core.mailer import MailError, send, smtp_settings
from records.core.models import Membership, RecordRequest, User
from records.laws import UnknownLawError, get_law
from records.laws.calendars import BusinessCalendar, business_calendar
from records.lifecycle.models import Deadline
from records.notify import content as notify_content
from records.notify.models import Notification, Reminder
from records.notify.prefs import Prefs, preference_rows, resolve
from records.register import reminders as register_reminders

log = logging.getLogger(__name__)

SEND_HOUR_UTC = 13  # reminders for a day go out at 13:00 UTC: 8 a.m. Eastern, 5 a.m. Pacific
HORIZON_DAYS = 45  # plan this far ahead: covers 20 business days before plus closures
PASSED_LOOKBACK_DAYS = 14  # a date that passed longer ago than this gets no new "passed" row
CLAIM_TIMEOUT = timedelta(minutes=10)  # a claim older than this belonged to a dead process
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
BATCH = 100
DIGEST_LIMIT = 20  # entries of each kind in a digest; the rest are counted and linked
# A digest counts each kind up to here ("1,000+ overdue"), so writing one costs the same however
# long the backlog: the request list it links to counts on.
DIGEST_COUNT_CAP = 1000
# The outcome a row carries while its email is being handed to the mail server: still there when
# the row is claimed again, it means the process died mid-hand-off and the email may have gone.
HANDING_OFF = "handing the email to the mail server"
_WEEKDAYS = BusinessCalendar.from_mapping({})  # for laws the library does not know


@dataclass
class SweepResult:
    """What one sweep did."""

    planned: int = 0
    delivered: int = 0
    failed: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)


def send_at(day: date) -> datetime:
    """The moment reminders for ``day`` become due."""
    return datetime.combine(day, time(SEND_HOUR_UTC), UTC)


def backoff(attempts: int) -> timedelta:
    """Wait before retry number ``attempts`` (1, 2, 4, 8 ... minutes, at most 6 hours)."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_MAX)


def business_days_before(due: date, n: int, cal: BusinessCalendar) -> date:
    """The business day ``n`` business days before ``due`` (``due`` itself when n is 0)."""
    if n <= 0:
        return due
    year, target = due.year, due.toordinal()
    while True:
        days = cal.business_day_ordinals(year)
        idx = bisect_left(days, target)  # business days strictly before ``target``
        if idx >= n:
            return date.fromordinal(days[idx - n])
        n -= idx
        year -= 1
        target = date(year, 12, 31).toordinal() + 1


def _calendar(law_code: str) -> BusinessCalendar:
    try:
        return business_calendar(get_law(law_code))
    except UnknownLawError:
        return _WEEKDAYS


def _wanted(
    deadline: Deadline, prefs: Prefs, today: date, cal: BusinessCalendar
) -> list[tuple[str, date]]:
    """(kind, day to send) for each reminder this user wants about this deadline."""
    assert deadline.due is not None
    due = deadline.due
    out: list[tuple[str, date]] = []
    if due >= today:
        if prefs.days_before > 0:
            out.append(("before", business_days_before(due, prefs.days_before, cal)))
        if prefs.on_day:
            out.append(("on_day", due))
    if prefs.when_passed:
        out.append(("passed", due + timedelta(days=1)))
    return out


def plan_reminders(db: Session, now: datetime) -> int:
    """Insert the reminder rows that are missing for open deadlines near ``now``; returns how many."""
    today = now.date()
    lo, hi = today - timedelta(days=PASSED_LOOKBACK_DAYS), today + timedelta(days=HORIZON_DAYS)
    # Reads only deadlines inside the window, through ix_deadline_open_due (state, due).
    rows = db.exec(
        select(Deadline, RecordRequest)
        .join(RecordRequest, col(RecordRequest.id) == Deadline.request_id)
        .where(
            Deadline.state == "open",
            col(Deadline.due) >= lo,
            col(Deadline.due) <= hi,
            col(Deadline.superseded_at).is_(None),
        )
    ).all()
    org_ids = {req.org_id for _, req in rows}
    prefs = preference_rows(db, org_ids)
    members = _members(db, org_ids)
    candidates: dict[tuple[int, str, date, str, int], dict[str, Any]] = {}
    calendars: dict[str, BusinessCalendar] = {}
    for deadline, req in rows:
        if req.law_code not in calendars:
            calendars[req.law_code] = _calendar(req.law_code)
        cal = calendars[req.law_code]
        for user_id in _recipients(req, members, prefs):
            for kind, on in _wanted(deadline, resolve(prefs, req.org_id, user_id), today, cal):
                key = (req.id, deadline.clock, deadline.due, kind, user_id)
                candidates[key] = {  # type: ignore[index]
                    "org_id": req.org_id,
                    "request_id": req.id,
                    "user_id": user_id,
                    "clock": deadline.clock,
                    "due": deadline.due,
                    "kind": kind,
                    "send_at": send_at(on),
                    "next_attempt_at": send_at(on),
                    "attempts": 0,
                    "last_error": "",
                    "outcome": "",
                    "message_id": "",
                    "created_at": now,
                }
    request_ids = sorted({key[0] for key in candidates})
    for chunk in _chunks(request_ids, 500):
        for key in db.exec(
            select(  # type: ignore[call-overload]  # sqlmodel's select() stops at 4 columns
                Reminder.request_id, Reminder.clock, Reminder.due, Reminder.kind, Reminder.user_id
            ).where(col(Reminder.request_id).in_(chunk))
        ).all():
            candidates.pop(tuple(key), None)  # type: ignore[arg-type]
    missing = list(candidates.values()) + _digests(db, now, members, prefs)
    missing += register_reminders.plan(db, now, send_at)  # the register's follow-ups
    if missing:
        db.execute(_insert_ignore(db), missing)
        log.info("planned %d reminders", len(missing))
    return len(missing)


def _members(db: Session, org_ids: set[int]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    if org_ids:
        for org_id, user_id in db.exec(
            select(Membership.org_id, Membership.user_id).where(col(Membership.org_id).in_(org_ids))
        ).all():
            out.setdefault(org_id, set()).add(user_id)
    return out


def _recipients(
    req: RecordRequest, members: dict[int, set[int]], prefs: dict[tuple[int, int | None], Prefs]
) -> set[int]:
    """The person responsible (assignee, else creator), plus members who follow every request."""
    in_org = members.get(req.org_id, set())
    owner = req.assignee_id or req.created_by
    out = {owner} if owner in in_org else set()
    if can_see(None, Viewer.organization(req.org_id), req):  # "every request": never private ones
        out |= {u for u in in_org if resolve(prefs, req.org_id, u).scope == "all"}
    return out


def _digests(
    db: Session,
    now: datetime,
    members: dict[int, set[int]],
    prefs: dict[tuple[int, int | None], Prefs],
) -> list[dict[str, Any]]:
    """One digest row per member and week, planned from Monday's send time on."""
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    if now < send_at(monday):
        return []
    all_members = db.exec(select(Membership.org_id, Membership.user_id)).all()
    org_ids = {org_id for org_id, _ in all_members} - set(members)
    prefs = prefs | preference_rows(db, org_ids)
    done = set(
        db.exec(
            select(Reminder.org_id, Reminder.user_id).where(
                Reminder.kind == "digest", Reminder.due == monday
            )
        ).all()
    )
    return [
        {
            "org_id": org_id,
            "request_id": None,
            "user_id": user_id,
            "clock": "digest",
            "due": monday,
            "kind": "digest",
            "send_at": send_at(monday),
            "next_attempt_at": send_at(monday),
            "attempts": 0,
            "last_error": "",
            "outcome": "",
            "message_id": "",
            "created_at": now,
        }
        for org_id, user_id in all_members
        if (org_id, user_id) not in done and resolve(prefs, org_id, user_id).weekly_digest
    ]


def _insert_ignore(db: Session) -> Any:
    """INSERT that skips rows another planner inserted first (SQLite and PostgreSQL)."""
    table = Reminder.__table__  # type: ignore[attr-defined]
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing()
    if db.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    return insert(table)


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


_PENDING = and_(col(Reminder.delivered_at).is_(None), col(Reminder.cancelled_at).is_(None))


def claim_batch(engine: Engine, now: datetime, worker_id: str, limit: int = BATCH) -> list[int]:
    """Claim up to ``limit`` due reminders for this worker; returns the ids it won."""
    stale = now - CLAIM_TIMEOUT
    free = or_(col(Reminder.claimed_by).is_(None), col(Reminder.claimed_at) < stale)
    token = f"{worker_id}/{uuid.uuid4().hex[:12]}"
    with write_intent(), engine.begin() as conn:
        ids = list(
            conn.execute(
                select(Reminder.id)
                .where(_PENDING, col(Reminder.next_attempt_at) <= now, free)
                .order_by(col(Reminder.next_attempt_at))
                .limit(limit)
            ).scalars()
        )
        if not ids:
            return []
        # Conditional: a row another worker claimed (or finished) since the SELECT is skipped.
        conn.execute(
            update(Reminder)
            .where(col(Reminder.id).in_(ids), _PENDING, free)
            .values(claimed_by=token, claimed_at=now)
        )
        return list(conn.execute(select(Reminder.id).where(Reminder.claimed_by == token)).scalars())


def sweep(
    engine: Engine, now: datetime, worker_id: str, settings: Mapping[str, Any]
) -> SweepResult:
    """Plan missing reminders, then claim and deliver every due one. Safe to run concurrently."""
    result = SweepResult()
    with write_intent(), Session(engine, expire_on_commit=False) as db:
        result.planned = plan_reminders(db, now)
        db.commit()
    while True:
        ids = claim_batch(engine, now, worker_id)
        if not ids:
            break
        for outcome in deliver_batch(engine, ids, now, settings):
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def deliver(engine: Engine, reminder_id: int, now: datetime, settings: Mapping[str, Any]) -> str:
    """Deliver one claimed reminder; returns ``delivered``, ``failed`` or ``cancelled``."""
    return deliver_batch(engine, [reminder_id], now, settings)[0]


@dataclass
class _Batch:
    """What a batch of reminders needs, read in a fixed number of queries (not per reminder)."""

    users: dict[int, User]
    members: set[tuple[int, int]]
    prefs: dict[tuple[int, int | None], Prefs]
    requests: dict[int, RecordRequest]
    deadlines: dict[tuple[int, str], Deadline]  # the current value of each (request, clock)
    notified: set[int]  # reminders whose inbox row exists already


def _batch(db: Session, reminders: list[Reminder]) -> _Batch:
    user_ids = sorted({r.user_id for r in reminders})
    org_ids = {r.org_id for r in reminders}
    request_ids = sorted({r.request_id for r in reminders if r.request_id is not None})
    ids = [r.id for r in reminders]
    users = {
        cast(int, u.id): u  # stored users
        for u in db.exec(select(User).where(col(User.id).in_(user_ids))).all()
    }
    members = set(
        db.exec(
            select(Membership.org_id, Membership.user_id).where(
                col(Membership.org_id).in_(org_ids), col(Membership.user_id).in_(user_ids)
            )
        ).all()
    )
    requests: dict[int, RecordRequest] = {}
    deadlines: dict[tuple[int, str], Deadline] = {}
    if request_ids:
        requests = {
            r.id: r  # type: ignore[misc]
            for r in db.exec(
                select(RecordRequest).where(col(RecordRequest.id).in_(request_ids))
            ).all()
        }
        for d in db.exec(
            select(Deadline)
            .where(col(Deadline.request_id).in_(request_ids), col(Deadline.superseded_at).is_(None))
            .order_by(col(Deadline.id))
        ).all():
            deadlines.setdefault((d.request_id, d.clock), d)
    notified = set(
        db.exec(
            select(Notification.reminder_id).where(col(Notification.reminder_id).in_(ids))
        ).all()
    )
    return _Batch(
        users,
        members,
        preference_rows(db, org_ids),
        requests,
        deadlines,
        notified,  # type: ignore[arg-type]
    )


def deliver_batch(
    engine: Engine, ids: list[int], now: datetime, settings: Mapping[str, Any]
) -> list[str]:
    """Deliver claimed reminders; one outcome per id (``delivered``, ``failed``, ``cancelled``).

    The batch is read in a fixed number of queries, and every inbox row, cancellation and
    in-app-only delivery commits in one transaction (a process killed before it commits leaves
    the rows claimed, to be taken over: each inbox row is still made once). Each email is then
    handed off and recorded on its own, as before.
    """
    outcomes: dict[int, str] = {}
    emails: list[tuple[Reminder, str, notify_content.Content, User]] = []
    done: list[tuple[int, str, str]] = []
    smtp = smtp_settings(settings)
    with write_intent(), Session(engine, expire_on_commit=False) as db:
        reminders = list(db.exec(select(Reminder).where(col(Reminder.id).in_(ids))).all())
        batch = _batch(db, reminders)
        for reminder in reminders:
            assert reminder.id is not None
            token = reminder.claimed_by
            if token is None:
                outcomes[reminder.id] = "cancelled"
                continue
            user = batch.users.get(reminder.user_id)
            prefs = resolve(batch.prefs, reminder.org_id, reminder.user_id)
            why_not, content = _prepare(db, batch, reminder, user, prefs, now, settings)
            if why_not:
                reminder.cancelled_at, reminder.outcome = now, why_not
                db.add(reminder)
                outcomes[reminder.id] = "cancelled"
                done.append((reminder.id, "cancelled", why_not))
                continue
            assert content is not None and user is not None
            if reminder.id not in batch.notified:
                db.add(
                    Notification(
                        org_id=reminder.org_id,
                        user_id=reminder.user_id,
                        request_id=reminder.request_id,
                        reminder_id=reminder.id,
                        kind=reminder.kind,
                        title=content.title,
                        body=content.body,
                        url=content.url,
                        created_at=now,
                    )
                )
            in_app_only = ""
            if not prefs.email:
                in_app_only = "in-app only (email turned off)"
            elif not smtp.get("SMTP_HOST"):
                in_app_only = "in-app only (email not configured)"
            if in_app_only:
                # Nothing leaves the database, so the inbox row and "delivered" commit together.
                reminder.delivered_at, reminder.outcome, reminder.last_error = now, in_app_only, ""
                db.add(reminder)
                outcomes[reminder.id] = "delivered"
                done.append((reminder.id, "delivered", in_app_only))
            else:
                emails.append((reminder, token, content, user))
        db.commit()
    for reminder_id, outcome, why in done:
        log.info("reminder %s %s: %s", reminder_id, outcome, why)
    for reminder, token, content, user in emails:
        assert reminder.id is not None
        outcomes[reminder.id] = _email(engine, reminder, token, content, user, now, smtp)
    return [outcomes.get(i, "cancelled") for i in ids]


def _email(
    engine: Engine,
    reminder: Reminder,
    token: str,
    content: notify_content.Content,
    user: User,
    now: datetime,
    smtp: Mapping[str, Any],
) -> str:
    """Hand one reminder's email to the mail server and record the outcome."""
    assert reminder.id is not None
    message = notify_content.email_for(reminder, content, user.email)
    interrupted = reminder.outcome == HANDING_OFF
    if not _hand_off(engine, reminder.id, token, str(message["Message-ID"])):
        return "cancelled"
    try:
        message_id = send(message, smtp)
    except MailError as exc:
        return _failed(engine, reminder.id, token, now, str(exc))
    outcome = f"emailed to {user.email}"
    if interrupted:
        outcome += (
            "; sent again because an earlier attempt stopped while handing it to the mail "
            "server, so it may have arrived twice (same Message-ID)"
        )
    return _finish(engine, reminder.id, token, now, outcome, message_id)


def _hand_off(engine: Engine, reminder_id: int, token: str, message_id: str) -> bool:
    """Record, before the SMTP conversation, that this email is about to leave; False when the
    claim is no longer ours."""
    with write_intent(), engine.begin() as conn:
        return bool(
            conn.execute(
                update(Reminder)
                .where(col(Reminder.id) == reminder_id, col(Reminder.claimed_by) == token)
                .values(outcome=HANDING_OFF, message_id=message_id[:300])
            ).rowcount
        )


def _prepare(
    db: Session,
    batch: _Batch,
    reminder: Reminder,
    user: User | None,
    prefs: Prefs,
    now: datetime,
    settings: Mapping[str, Any],
) -> tuple[str, notify_content.Content | None]:
    """(reason to cancel, content): checks the reminder still makes sense right now."""
    today = now.date()
    if user is None or (reminder.org_id, reminder.user_id) not in batch.members:
        return "recipient is no longer a member", None
    base_url = links.base_url(user, settings)
    if reminder.kind == register_reminders.KIND:
        return register_reminders.prepare(
            db,
            reminder.org_id,
            cast(int, user.id),  # a stored user
            reminder.clock,
            today,
            base_url,
        )
    if reminder.kind == "digest":
        digest = digest_rows(db, reminder.org_id, user.id, today)  # type: ignore[arg-type]
        if not digest.rows:
            return "nothing due or overdue that week", None
        return "", notify_content.digest(
            digest.rows,
            reminder.due,
            today,
            base_url,
            digest.overdue,
            digest.coming,
            count_cap=DIGEST_COUNT_CAP,
        )
    req = batch.requests.get(reminder.request_id) if reminder.request_id else None
    if not can_see(db, Viewer.member(reminder.org_id, user.id), req):
        return "recipient can no longer see the request", None
    assert req is not None and req.id is not None
    deadline = batch.deadlines.get((req.id, reminder.clock))
    if deadline is None or deadline.state != "open":
        return f"the {reminder.clock} clock is no longer open", None
    if deadline.due != reminder.due:
        return f"the due date moved to {deadline.due}", None
    # A late "coming up" reminder would repeat (or contradict) a later one the user also gets.
    if reminder.kind in ("before", "on_day") and reminder.due < today and prefs.when_passed:
        return "the date passed before this went out; the passed-date reminder covers it", None
    if reminder.kind == "before" and reminder.due == today and prefs.on_day:
        return "the due date is today; the on-the-day reminder covers it", None
    return "", notify_content.request_reminder(reminder, req, deadline, today, base_url)


@dataclass
class Digest:
    """The digest's entries (the most urgent ``DIGEST_LIMIT`` of each kind) and the totals."""

    rows: list[tuple[Deadline, RecordRequest]]
    overdue: int
    coming: int


def digest_rows(db: Session, org_id: int, user_id: int, today: date) -> Digest:
    """Open dates this member may see: overdue and due within seven days, at most
    ``DIGEST_LIMIT`` of each (earliest first), with how many there are in all."""
    where = [
        col(Deadline.org_id) == org_id,
        col(Deadline.state) == "open",
        col(Deadline.superseded_at).is_(None),
        visibility.where(RecordRequest, Viewer.member(org_id, user_id)),
    ]
    late = [col(Deadline.due) < today]
    soon = [col(Deadline.due) >= today, col(Deadline.due) <= today + timedelta(days=7)]

    def first(extra: list[Any]) -> list[tuple[Deadline, RecordRequest]]:
        return list(
            db.exec(
                select(Deadline, RecordRequest)
                .join(RecordRequest, col(RecordRequest.id) == Deadline.request_id)
                .where(*where, *extra)
                .order_by(col(Deadline.due), col(Deadline.id))
                .limit(DIGEST_LIMIT)
            ).all()
        )

    def count(extra: list[Any]) -> int:  # up to the cap: past it the digest says "1,000+"
        found = (
            select(col(Deadline.id))
            .join(RecordRequest, col(RecordRequest.id) == Deadline.request_id)
            .where(*where, *extra)
            .limit(DIGEST_COUNT_CAP + 1)
        )
        return db.exec(select(func.count()).select_from(found.subquery())).one()

    overdue, coming = first(late), first(soon)
    return Digest(
        overdue + coming,
        count(late) if len(overdue) == DIGEST_LIMIT else len(overdue),
        count(soon) if len(coming) == DIGEST_LIMIT else len(coming),
    )


def _finish(
    engine: Engine, reminder_id: int, token: str, now: datetime, outcome: str, message_id: str
) -> str:
    with write_intent(), engine.begin() as conn:
        done = conn.execute(
            update(Reminder)
            .where(col(Reminder.id) == reminder_id, col(Reminder.claimed_by) == token)
            .values(delivered_at=now, outcome=outcome, message_id=message_id, last_error="")
        ).rowcount
    if done:
        log.info("reminder %s delivered: %s", reminder_id, outcome)
    return "delivered" if done else "cancelled"


def _failed(engine: Engine, reminder_id: int, token: str, now: datetime, error: str) -> str:
    with write_intent(), engine.begin() as conn:
        attempts = conn.execute(
            select(Reminder.attempts).where(Reminder.id == reminder_id)
        ).scalar_one()
        conn.execute(
            update(Reminder)
            .where(col(Reminder.id) == reminder_id, col(Reminder.claimed_by) == token)
            .values(
                attempts=attempts + 1,
                next_attempt_at=now + backoff(attempts + 1),
                last_error=error[:2000],
                outcome="",  # refused, or no answer (after a timeout it may still have it)
                claimed_by=None,
                claimed_at=None,
            )
        )
    log.warning("reminder %s email failed (attempt %d): %s", reminder_id, attempts + 1, error)
    return "failed"

"""Reminders: planning, delivery (inbox once, email at least once with one Message-ID), retries
with backoff, against a real SMTP server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlmodel import col, select

from records.laws import get_law
from records.laws.calendars import business_calendar
from records.notify import service as notify
from records.notify.models import Notification, Reminder
from records.notify.prefs import Prefs, effective_preferences, save_preferences
from tests import processes
from tests.conftest import assert_redirect, login
from tests.notify_support import SmtpSink, add_deadline, move_deadline

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday, after the 13:00 UTC send time


NO_DIGEST = Prefs(weekly_digest=False)


@pytest.fixture
def setup(factory, db):
    """An organization and its owner; the org default turns the weekly digest off so each
    test sees only the reminders it is about (the digest has its own test)."""
    org = factory.org()
    user = factory.user(org)
    save_preferences(db, org.id, None, NO_DIGEST, NOW)
    db.commit()
    return org, user


def _utc(moment):
    """Stored times as aware UTC (SQLite returns them naive, PostgreSQL in the session zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _engine(app):
    return app.extensions["db_engine"]


def _sweep(app, now, worker="w1"):
    return notify.sweep(_engine(app), now, worker, app.config)


def _reminders(db, **where):
    # populate_existing: rows loaded earlier in the test are refreshed, not served stale.
    stmt = select(Reminder).order_by(col(Reminder.id)).execution_options(populate_existing=True)
    for key, value in where.items():
        stmt = stmt.where(getattr(Reminder, key) == value)
    return db.exec(stmt).all()


# --- planning -------------------------------------------------------------------------------


def test_business_days_before_skips_weekends_and_the_law_s_closures():
    cal = business_calendar(get_law("US"))
    # Mon 30 Nov 2026: Fri 27 (1), Thu 26 is Thanksgiving (5 U.S.C. 6103), Wed 25 (2), Tue 24 (3).
    assert notify.business_days_before(date(2026, 11, 30), 3, cal) == date(2026, 11, 24)
    # Across New Year: Mon 4 Jan 2027 -> Thu 31 Dec (1), Wed 30 (2); 1 Jan 2027 is a holiday.
    assert notify.business_days_before(date(2027, 1, 4), 2, cal) == date(2026, 12, 30)
    assert notify.business_days_before(date(2027, 1, 4), 0, cal) == date(2027, 1, 4)


def test_plan_creates_each_reminder_once_and_only_near_due_dates(app, db, factory, setup):
    org, user = setup
    agency = factory.agency(org, jurisdiction="US", level="federal")
    near = factory.request(org, user, agency=agency)
    far = factory.request(org, user, agency=agency)
    add_deadline(db, near, date(2026, 11, 30))
    add_deadline(db, far, date(2027, 6, 1))
    planned = notify.plan_reminders(db, NOW)
    db.commit()
    rows = _reminders(db)
    assert planned == len(rows) == 3
    assert {r.request_id for r in rows} == {near.id}
    by_kind = {r.kind: r for r in rows}
    # 3 business days before Mon 30 Nov on the federal calendar is Tue 24 Nov (Thanksgiving).
    assert _utc(by_kind["before"].send_at) == datetime(2026, 11, 24, 13, tzinfo=UTC)
    assert _utc(by_kind["on_day"].send_at) == datetime(2026, 11, 30, 13, tzinfo=UTC)
    assert _utc(by_kind["passed"].send_at) == datetime(2026, 12, 1, 13, tzinfo=UTC)
    assert notify.plan_reminders(db, NOW) == 0  # idempotent
    db.commit()
    assert len(_reminders(db)) == 3


def test_reminders_go_to_the_assignee_and_members_who_follow_everything(app, db, factory, setup):
    org, creator = setup
    assignee = factory.user(org, role="editor")
    follower = factory.user(org, role="viewer")
    factory.user(org, role="viewer")  # default scope: only their own requests
    save_preferences(db, org.id, follower.id, Prefs(scope="all", weekly_digest=False), NOW)
    db.commit()
    shared = factory.request(org, creator, assignee_id=assignee.id)
    private = factory.request(org, creator, visibility="private")
    add_deadline(db, shared, date(2026, 12, 3))
    add_deadline(db, private, date(2026, 12, 3))
    notify.plan_reminders(db, NOW)
    db.commit()
    who = {(r.request_id, r.user_id) for r in _reminders(db)}
    assert who == {(shared.id, assignee.id), (shared.id, follower.id), (private.id, creator.id)}


# --- delivery -------------------------------------------------------------------------------


def test_sweep_delivers_in_app_and_by_email_once(app, db, factory, setup, smtp):
    org, user = setup
    req = factory.request(org, user, title="Sheriff 287(g) MOA")
    add_deadline(db, req, date(2026, 11, 24))  # due today
    result = _sweep(app, NOW)
    assert (result.delivered, result.failed) == (1, 0)
    assert len(smtp.messages) == 1
    msg = smtp.messages[0]
    assert msg["To"] == user.email
    assert "Sheriff 287(g) MOA" in msg["Subject"] and "due today" in msg["Subject"]
    notes = db.exec(select(Notification)).all()
    assert len(notes) == 1 and notes[0].user_id == user.id and notes[0].read_at is None
    (on_day,) = _reminders(db, kind="on_day")
    assert on_day.delivered_at is not None and on_day.message_id == msg["Message-ID"]
    # The next sweep (same moment or later) sends nothing more.
    assert _sweep(app, NOW + timedelta(minutes=1)).delivered == 0
    assert len(smtp.messages) == 1


def test_two_sweeps_racing_in_threads_deliver_each_reminder_once(app, db, factory, setup, smtp):
    org, user = setup
    for i in range(12):
        req = factory.request(org, user)
        add_deadline(db, req, date(2026, 11, 24) + timedelta(days=i % 3))
    notify.plan_reminders(db, NOW)
    db.commit()
    due = [r for r in _reminders(db) if _utc(r.next_attempt_at) <= NOW]
    assert len(due) >= 12
    barrier = threading.Barrier(2)
    results = []

    def run(name):
        barrier.wait()
        results.append(_sweep(app, NOW, name))

    threads = [threading.Thread(target=run, args=(f"t{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    delivered = sum(r.delivered for r in results)
    cancelled = sum(r.cancelled for r in results)
    assert delivered + cancelled == len(due)
    ids = smtp.handler.message_ids()
    assert len(ids) == len(set(ids)) == delivered
    counts = Counter(n.reminder_id for n in db.exec(select(Notification)).all())
    assert counts and max(counts.values()) == 1 and len(counts) == delivered


def test_downtime_past_the_due_date_catches_up_with_the_passed_reminder(
    app, db, factory, setup, smtp
):
    org, user = setup
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 25))
    notify.plan_reminders(db, NOW)  # planned while up ...
    db.commit()
    later = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # ... then down until two days after
    result = _sweep(app, later)
    kinds = {r.kind: r for r in _reminders(db)}
    assert kinds["passed"].delivered_at is not None
    # The earlier ones would now be wrong ("due in 1 day"); they are closed, with the reason.
    assert kinds["before"].cancelled_at is not None and "passed" in kinds["before"].outcome
    assert kinds["on_day"].cancelled_at is not None
    assert result.delivered == 1 and len(smtp.messages) == 1
    assert "passed 2 days ago" in smtp.messages[0]["Subject"]


def test_smtp_down_loses_nothing_and_retries_with_backoff(app, db, factory, setup, client):
    org, user = setup
    sink = SmtpSink()  # configured, not started: connections are refused
    app.config.update(sink.config())
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    first = _sweep(app, NOW)
    assert (first.delivered, first.failed) == (0, 1)
    (rem,) = _reminders(db, kind="on_day")
    assert rem.attempts == 1 and rem.delivered_at is None and rem.claimed_by is None
    assert "could not send" in rem.last_error
    assert _utc(rem.next_attempt_at) == NOW + timedelta(minutes=1)
    # The inbox already has it: email failing never hides the reminder.
    assert len(db.exec(select(Notification)).all()) == 1
    # Not retried before the backoff elapses; the second failure doubles the wait.
    assert _sweep(app, NOW + timedelta(seconds=30)).failed == 0
    assert _sweep(app, NOW + timedelta(minutes=1)).failed == 1
    rem = db.get(Reminder, rem.id)
    assert rem.attempts == 2
    assert _utc(rem.next_attempt_at) == NOW + timedelta(minutes=3)
    # The error is shown to the user.
    login(client, user, org)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Emails not delivered yet" in page and "could not send" in page
    sink.start()
    try:
        back = _sweep(app, NOW + timedelta(minutes=3))
        assert back.delivered == 1 and len(sink.messages) == 1
    finally:
        sink.stop()
    rem = db.get(Reminder, rem.id)
    assert rem.delivered_at is not None and rem.last_error == ""
    assert len(db.exec(select(Notification)).all()) == 1  # still one inbox row


def test_backoff_doubles_and_is_capped():
    assert [notify.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert notify.backoff(30) == timedelta(hours=6)


def test_a_moved_due_date_cancels_old_reminders_and_plans_new_ones(app, db, factory, setup, smtp):
    org, user = setup
    req = factory.request(org, user)
    old = add_deadline(db, req, date(2026, 11, 24))
    notify.plan_reminders(db, NOW - timedelta(hours=2))
    db.commit()
    move_deadline(db, old, date(2026, 12, 8), NOW - timedelta(hours=1))  # extension claimed
    result = _sweep(app, NOW)
    assert result.delivered == 0 and len(smtp.messages) == 0
    (cancelled,) = _reminders(db, kind="on_day", due=date(2026, 11, 24))
    assert cancelled.outcome == "the due date moved to 2026-12-08"
    assert {r.kind for r in _reminders(db, due=date(2026, 12, 8))} == {"before", "on_day", "passed"}


def test_a_met_deadline_sends_nothing(app, db, factory, setup, smtp):
    org, user = setup
    req = factory.request(org, user)
    row = add_deadline(db, req, date(2026, 11, 24))
    notify.plan_reminders(db, NOW - timedelta(hours=2))
    db.commit()
    row.state = "met"
    db.add(row)
    db.commit()
    assert _sweep(app, NOW).delivered == 0 and smtp.messages == []


def test_email_off_keeps_the_inbox(app, db, factory, setup, smtp):
    org, user = setup
    save_preferences(db, org.id, user.id, Prefs(email=False, weekly_digest=False), NOW)
    db.commit()
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    assert _sweep(app, NOW).delivered == 1
    assert smtp.messages == []
    (rem,) = _reminders(db, kind="on_day")
    assert rem.outcome == "in-app only (email turned off)"
    assert len(db.exec(select(Notification)).all()) == 1


def test_user_override_beats_org_default(app, db, factory, setup):
    org, user = setup
    other = factory.user(org, role="editor")
    save_preferences(db, org.id, None, Prefs(days_before=5, weekly_digest=False), NOW)
    save_preferences(db, org.id, user.id, Prefs(days_before=1), NOW)
    db.commit()
    assert effective_preferences(db, org.id, user.id).days_before == 1
    assert effective_preferences(db, org.id, other.id) == Prefs(days_before=5, weekly_digest=False)
    with pytest.raises(ValueError):
        save_preferences(db, org.id, user.id, Prefs(days_before=99), NOW)


def test_changing_preferences_replans_pending_reminders(app, db, factory, setup):
    org, user = setup
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 12, 10))  # Thursday
    notify.plan_reminders(db, NOW)
    db.commit()
    (before,) = _reminders(db, kind="before")
    assert before.send_at.date() == date(2026, 12, 7)  # 3 business days (AL calendar)
    save_preferences(
        db, org.id, user.id, Prefs(days_before=5, on_day=False, weekly_digest=False), NOW
    )
    db.commit()
    notify.plan_reminders(db, NOW)
    db.commit()
    kinds = {r.kind: r for r in _reminders(db)}
    assert set(kinds) == {"before", "passed"}
    assert kinds["before"].send_at.date() == date(2026, 12, 3)


def test_weekly_digest_lists_overdue_and_this_week(app, db, factory, setup, smtp):
    org, user = setup
    save_preferences(
        db, org.id, user.id, Prefs(days_before=0, on_day=False, when_passed=False), NOW
    )
    db.commit()
    late = factory.request(org, user, title="Jail IGSA")
    soon = factory.request(org, user, title="DAG-71 forms")
    add_deadline(db, late, date(2026, 11, 20))
    add_deadline(db, soon, date(2026, 11, 27))
    monday = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert _sweep(app, monday).delivered == 1
    (digest,) = _reminders(db, kind="digest")
    assert digest.due == date(2026, 11, 23) and digest.request_id is None
    body = smtp.messages[0].get_payload()
    assert "Jail IGSA" in body and "DAG-71 forms" in body
    assert "1 overdue, 1 due this week" in smtp.messages[0]["Subject"]
    assert _sweep(app, monday + timedelta(days=2)).delivered == 0  # one digest per week


def _digest_backlog(db, factory, setup, monkeypatch):
    """Digest only (no per-date reminders), two entries a kind, and a backlog of five dates
    passed long ago, the oldest first."""
    org, user = setup
    save_preferences(
        db, org.id, user.id, Prefs(days_before=0, on_day=False, when_passed=False), NOW
    )
    db.commit()
    monkeypatch.setattr(notify, "DIGEST_LIMIT", 2)
    for n in range(5):
        add_deadline(
            db, factory.request(org, user, title=f"Old jail log {n}"), date(2026, 6, 1 + n)
        )
    return org, user


def test_weekly_digest_lists_the_most_urgent_and_counts_and_links_the_rest(
    app, db, factory, setup, smtp, monkeypatch
):
    org, user = _digest_backlog(db, factory, setup, monkeypatch)
    add_deadline(db, factory.request(org, user, title="DAG-71 forms"), date(2026, 11, 27))
    monday = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert _sweep(app, monday).delivered == 1
    body = smtp.messages[0].get_payload()
    assert "Old jail log 0" in body and "Old jail log 1" in body
    assert "Old jail log 2" not in body and "Old jail log 4" not in body
    assert "And 3 more: " in body and "/requests/?due=overdue" in body
    assert "DAG-71 forms" in body and "?due=week" not in body
    assert "5 overdue, 1 due this week" in smtp.messages[0]["Subject"]
    (inbox,) = db.exec(select(Notification)).all()
    assert inbox.title.endswith("5 overdue, 1 due this week")


def test_a_digest_counts_a_long_backlog_only_up_to_its_cap(
    app, db, factory, setup, smtp, monkeypatch
):
    _digest_backlog(db, factory, setup, monkeypatch)
    monkeypatch.setattr(notify, "DIGEST_COUNT_CAP", 3)
    assert _sweep(app, datetime(2026, 11, 23, 13, 30, tzinfo=UTC)).delivered == 1
    body = smtp.messages[0].get_payload()
    assert "Old jail log 1" in body and "Old jail log 2" not in body
    assert "And 1+ more: " in body and "/requests/?due=overdue" in body
    assert "3+ overdue, 0 due this week" in smtp.messages[0]["Subject"]


def test_a_sweep_commits_per_batch_not_per_reminder(app, db, factory, setup):
    """In-app deliveries (no mail server configured) commit together: as many commits for
    twelve reminders as for two."""
    from sqlalchemy import event

    org, user = setup
    app.config["SMTP_HOST"] = ""

    def commits_for(count: int, day: date) -> tuple[int, int]:
        for n in range(count):
            add_deadline(db, factory.request(org, user, title=f"Contract {day} {n}"), day)
        seen: list[int] = []

        def on_commit(_conn):
            seen.append(1)

        event.listen(_engine(app), "commit", on_commit)
        try:
            result = _sweep(
                app, datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=14)
            )
        finally:
            event.remove(_engine(app), "commit", on_commit)
        return result.delivered, len(seen)

    few = commits_for(2, date(2026, 11, 25))
    many = commits_for(12, date(2026, 11, 26))
    # The second sweep also delivers the first two requests' "passed" reminders.
    assert few[0] == 2 and many[0] == 14, (few, many)
    assert many[1] == few[1], (few, many)
    delivered = _reminders(db, kind="on_day")
    assert len(delivered) == 14 and all(r.delivered_at is not None for r in delivered)
    assert len(db.exec(select(Notification)).all()) == 16


def test_inbox_unread_count_in_nav_and_mark_read(app, db, factory, client, member, smtp):
    org, user = member
    save_preferences(db, org.id, None, NO_DIGEST, NOW)
    db.commit()
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    _sweep(app, NOW)
    page = client.get("/notifications").get_data(as_text=True)
    assert "1 unread" in page
    with time_machine.travel(NOW, tick=False):
        resp = client.post("/notifications/read")
        assert_redirect(resp, "/notifications")
    assert db.exec(select(Notification)).one().read_at is not None
    assert "unread" not in client.get("/notifications").get_data(as_text=True)


def test_other_users_cannot_mark_my_notifications(app, db, factory, client, setup, smtp):
    org, owner = setup
    req = factory.request(org, owner)
    add_deadline(db, req, date(2026, 11, 24))
    _sweep(app, NOW)
    note = db.exec(select(Notification)).one()
    intruder_org = factory.org()
    intruder = factory.user(intruder_org)
    login(client, intruder, intruder_org)
    client.post(f"/notifications/{note.id}/read")
    assert db.get(Notification, note.id).read_at is None


def test_preferences_form_saves(app, db, client, member):
    org, user = member
    resp = client.post(
        "/notifications/preferences",
        data={"me-days_before": "4", "me-on_day": "y", "me-scope": "mine"},
    )
    assert_redirect(resp, "/notifications/preferences")
    prefs = effective_preferences(db, org.id, user.id)
    assert prefs == Prefs(
        days_before=4, on_day=True, when_passed=False, weekly_digest=False, email=False
    )
    assert "Reminder settings" in client.get("/notifications/preferences").get_data(as_text=True)


def test_sweep_command_with_now(app, db, factory, setup, runner, smtp):
    org, user = setup
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    out = runner.invoke(args=["reminders", "sweep", "--now", "2026-11-24T14:00:00"])
    assert out.exit_code == 0, out.output
    assert "delivered 1" in out.output and len(smtp.messages) == 1
    bad = runner.invoke(args=["reminders", "sweep", "--now", "next tuesday"])
    assert bad.exit_code != 0 and "ISO" in bad.output


# --- real processes -------------------------------------------------------------------------


def _env(app, smtp, tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["DATABASE_URL"],
        SECRET_KEY="test-secret-key",
        RECORDS_INSTANCE_PATH=str(tmp_path / "proc-instance"),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp.port),
        SCHEDULER_ENABLED="false",
    )
    return env


def _flask(*args):
    return [sys.executable, "-m", "flask", "--app", "app", *args]


@pytest.mark.slow
def test_two_sweep_processes_deliver_each_reminder_once(app, db, factory, setup, smtp, tmp_path):
    org, user = setup
    for i in range(10):
        req = factory.request(org, user)
        add_deadline(db, req, date(2026, 11, 24))
    smtp.handler.delay = 0.02  # keep both processes busy at the same time
    env = _env(app, smtp, tmp_path)
    procs = [
        processes.popen(
            _flask("reminders", "sweep", "--now", NOW.isoformat()),
            env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    ids = smtp.handler.message_ids()
    assert len(ids) == len(set(ids)) == 10, outputs
    assert all(r.delivered_at for r in _reminders(db, kind="on_day"))


@pytest.mark.slow
def test_killed_mid_sweep_then_restarted_delivers_each_once(
    app, db, factory, setup, smtp, tmp_path
):
    org, user = setup
    for _ in range(6):
        req = factory.request(org, user)
        add_deadline(db, req, date(2026, 11, 24))
    smtp.handler.delay = 5  # the first message hangs until the process is killed
    env = _env(app, smtp, tmp_path)
    proc = processes.popen(
        _flask("reminders", "sweep", "--now", NOW.isoformat()),
        env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert smtp.handler.started.wait(60), "the sweep never reached the SMTP server"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    smtp.handler.delay = 0
    time.sleep(0.2)  # let the server notice the dropped connection
    assert smtp.messages == []  # the message in flight was never accepted
    claimed = [r for r in _reminders(db, kind="on_day") if r.claimed_by]
    assert claimed and all(r.delivered_at is None for r in claimed)
    # A restart right away leaves the dead process's claims alone ...
    again = processes.run(
        _flask("reminders", "sweep", "--now", (NOW + timedelta(minutes=1)).isoformat()),
        env,
        capture_output=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    # ... and takes them over once they are stale.
    stale = NOW + notify.CLAIM_TIMEOUT + timedelta(minutes=2)
    last = processes.run(
        _flask("reminders", "sweep", "--now", stale.isoformat()),
        env,
        capture_output=True,
        timeout=120,
    )
    assert last.returncode == 0, last.stderr
    ids = smtp.handler.message_ids()
    assert len(ids) == len(set(ids)) == 6
    assert all(r.delivered_at for r in _reminders(db, kind="on_day"))


@pytest.mark.slow
def test_crash_after_the_mail_server_accepted_resends_once_with_the_same_message_id(
    app, db, factory, setup, smtp, tmp_path
):
    """The one repeat email delivery allows, and how it shows: the sweep process dies after the
    server kept the message but before the database heard; the takeover sends it again."""
    org, user = setup
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    proc = processes.popen(
        _flask("reminders", "sweep", "--now", NOW.isoformat()),
        _env(app, smtp, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def kill_sender() -> None:
        smtp.handler.on_accept = None
        os.kill(proc.pid, signal.SIGKILL)

    smtp.handler.on_accept = kill_sender
    proc.wait(120)
    assert proc.returncode == -signal.SIGKILL
    assert len(smtp.messages) == 1  # the server has it; the database does not know
    (row,) = _reminders(db, kind="on_day")
    assert row.delivered_at is None and row.outcome == notify.HANDING_OFF
    assert row.message_id == smtp.messages[0]["Message-ID"]

    _sweep(app, NOW + timedelta(minutes=1))  # the claim is not stale yet: nothing is re-sent
    assert len(smtp.messages) == 1
    result = _sweep(app, NOW + notify.CLAIM_TIMEOUT + timedelta(minutes=2))
    assert result.delivered == 1
    ids = smtp.handler.message_ids()
    assert len(ids) == 2 and ids[0] == ids[1] == row.message_id  # one message to mail clients
    (row,) = _reminders(db, kind="on_day")
    assert row.delivered_at is not None
    assert "may have arrived twice (same Message-ID)" in row.outcome
    assert len(db.exec(select(Notification).where(Notification.reminder_id == row.id)).all()) == 1
    # The documentation promises what this test shows, not more.
    for doc in (ROOT / "docs" / "reminders.md", ROOT / "README.md"):
        text = " ".join(doc.read_text().split())
        assert "at least once" in text and "delivered exactly once" not in text, doc


def test_dashboard_mentions_unread_and_failed_emails(app, db, factory, client, member):
    org, user = member
    save_preferences(db, org.id, None, NO_DIGEST, NOW)
    db.commit()
    app.config.update(SmtpSink().config())  # nothing listens there: the email fails
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    assert _sweep(app, NOW).failed == 1
    page = client.get("/").get_data(as_text=True)
    assert "1 unread notification" in page
    assert "1 reminder email not delivered yet" in page

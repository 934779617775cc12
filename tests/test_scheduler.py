"""The scheduler: ticks run the sweep and every registered job, leadership, heartbeat."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import text

from records.core import jobs
from records.notify.models import Reminder, SchedulerHeartbeat
from records.notify.prefs import Prefs, save_preferences
from records.ops import scheduler
from tests import processes
from tests.notify_support import add_deadline

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)


@pytest.fixture
def fresh_jobs(monkeypatch):
    """An empty job registry, restored afterwards."""
    monkeypatch.setattr(jobs, "JOBS", {})
    return jobs.JOBS


def test_tick_runs_every_job_and_writes_a_heartbeat(app, db, fresh_jobs):
    seen = []

    def first(session, now):
        seen.append(("first", now))
        return 2

    jobs.add("first", first)

    def broken(session, now):
        raise RuntimeError("boom")

    jobs.add("broken", broken)

    def last(session, now):
        seen.append(("last", now))
        return 0

    jobs.add("last", last)

    assert scheduler.last_heartbeat(db) is None
    result = scheduler.tick(app, NOW, "worker-a")
    # A failing job is reported and does not stop the others.
    assert result.jobs == {"broken": "error: boom", "first": 2, "last": 0}
    assert seen == [("first", NOW), ("last", NOW)]
    assert scheduler.last_heartbeat(db) == NOW
    later = datetime(2026, 11, 24, 14, 1, tzinfo=UTC)
    scheduler.tick(app, later, "worker-b")
    assert scheduler.last_heartbeat(db) == later
    assert db.get(SchedulerHeartbeat, "scheduler").worker_id == "worker-b"


def test_leader_lock_admits_one_holder_at_a_time(app):
    engine = app.extensions["db_engine"]
    first = scheduler.LeaderLock(engine, app.instance_path)
    second = scheduler.LeaderLock(engine, app.instance_path)
    try:
        assert first.try_acquire()
        assert first.try_acquire()  # still ours
        assert not second.try_acquire()  # standby
        first.release()
        assert second.try_acquire()  # takes over
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def test_embedding_rules(app):
    app.config["SCHEDULER_ENABLED"] = True
    assert not scheduler.should_embed(app)  # never under tests
    app.config["TESTING"] = False
    try:
        assert scheduler.should_embed(app)  # imported by a WSGI server
        app.config["SCHEDULER_ENABLED"] = False
        assert not scheduler.should_embed(app)
    finally:
        app.config["TESTING"] = True


def test_embedding_under_flask_run_skips_the_reloader_parent(app):
    import click
    from flask.cli import run_command

    app.config.update(SCHEDULER_ENABLED=True, TESTING=False)
    try:
        with click.Context(run_command) as ctx:
            ctx.params["reload"] = True
            assert not scheduler.should_embed(app, {})  # the parent only watches files
            assert scheduler.should_embed(app, {"WERKZEUG_RUN_MAIN": "true"})
            ctx.params["reload"] = False
            assert scheduler.should_embed(app, {})
        with click.Context(click.Command("upgrade")):
            assert not scheduler.should_embed(app, {})  # other CLI commands never start it
    finally:
        app.config["TESTING"] = True


def test_clock_catches_up_immediately_on_start(app, db, factory, smtp, fresh_jobs):
    org = factory.org()
    user = factory.user(org)
    save_preferences(db, org.id, None, Prefs(weekly_digest=False), NOW)
    db.commit()
    req = factory.request(org, user)
    add_deadline(db, req, date(2026, 11, 24))
    app.config["SWEEP_SECONDS"] = 3600  # only the start-up tick can run during the test
    ticked = threading.Event()
    with time_machine.travel(NOW, tick=True):
        clock = scheduler.Ticker(app, on_tick=lambda _result: ticked.set())
        clock.start()
        try:
            assert ticked.wait(30), "no tick at start"
        finally:
            clock.stop()
    assert len(smtp.messages) == 1
    assert scheduler.last_heartbeat(db) is not None


@pytest.mark.slow
def test_scheduler_run_standby_takes_over_when_the_leader_dies(app, db, tmp_path, fresh_jobs):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=app.config["DATABASE_URL"],
        SECRET_KEY="test-secret-key",
        RECORDS_INSTANCE_PATH=str(tmp_path / "sched-instance"),
        SWEEP_SECONDS="1",
        SMTP_HOST="",
    )
    cmd = [sys.executable, "-m", "flask", "--app", "app", "scheduler", "run"]
    leader = processes.popen(cmd, env, stderr=subprocess.DEVNULL)
    standby = None
    try:
        who = _wait_for_heartbeat(db, lambda w: w.endswith(f":{leader.pid}"))
        assert who, "the first scheduler never ticked"
        standby = processes.popen(cmd, env, stderr=subprocess.DEVNULL)
        time.sleep(2.5)
        assert _heartbeat_worker(db).endswith(f":{leader.pid}")  # the standby waits
        leader.send_signal(signal.SIGKILL)
        leader.wait(30)
        assert _wait_for_heartbeat(db, lambda w: w.endswith(f":{standby.pid}"))
    finally:
        for proc in (leader, standby):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(30)
    assert standby.returncode == 0  # SIGTERM stops it cleanly


def _heartbeat_worker(db):
    row = db.exec(text("SELECT worker_id FROM schedulerheartbeat WHERE name = 'scheduler'")).first()
    db.commit()
    return row[0] if row else ""


def _wait_for_heartbeat(db, accept, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        worker = _heartbeat_worker(db)
        if worker and accept(worker):
            return worker
        time.sleep(0.2)
    return None


def test_reminder_key_is_unique_in_the_database(app, db, factory):
    from sqlalchemy.exc import IntegrityError

    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user)
    row = dict(
        org_id=org.id,
        request_id=req.id,
        user_id=user.id,
        clock="response",
        due=date(2026, 12, 1),
        kind="before",
        send_at=NOW,
        next_attempt_at=NOW,
    )
    db.add(Reminder(**row))
    db.commit()
    db.add(Reminder(**row))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()

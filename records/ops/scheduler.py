"""APScheduler 3.x as a clock only: one interval job that re-queries the database.

Each tick the leader sweeps reminders (records.notify.service), runs every job in ``records.core.jobs.JOBS``
and writes a heartbeat. Leadership is a PostgreSQL advisory lock (or, on SQLite, an flock on a
file in the instance folder): a second copy keeps trying on every tick as a standby and takes
over when the first dies, because the lock dies with its connection or process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from flask import Flask
from sqlalchemy import text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from records.core import jobs
from records.core.clock import utc_now
from records.core.db import write_intent
from records.notify import service as notify
from records.notify.models import SchedulerHeartbeat

log = logging.getLogger(__name__)

HEARTBEAT = "scheduler"
ADVISORY_KEY = 0x52445343  # "RDSC": the one scheduler leader per database


def worker_name() -> str:
    """hostname:pid, shown in claims and the heartbeat."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass
class TickResult:
    """What one tick did: the reminder sweep and each registered job."""

    sweep: notify.SweepResult
    jobs: dict[str, int | str] = field(default_factory=dict)


def tick(app: Flask, now: datetime | None = None, worker_id: str | None = None) -> TickResult:
    """One pass: sweep reminders, run every registered job, write the heartbeat."""
    now = now or utc_now()
    worker_id = worker_id or worker_name()
    engine: Engine = app.extensions["db_engine"]
    with app.app_context():
        result = TickResult(sweep=notify.sweep(engine, now, worker_id, app.config))
        for name, fn in sorted(jobs.JOBS.items()):
            try:
                with write_intent(), Session(engine, expire_on_commit=False) as db:
                    result.jobs[name] = fn(db, now)
                    db.commit()
            except Exception as exc:  # one failing job must not stop reminders or the others
                log.exception("job %s failed", name)
                result.jobs[name] = f"error: {exc}"
        beat(engine, now, worker_id)
    return result


def beat(engine: Engine, now: datetime, worker_id: str) -> None:
    """Record that the scheduler ticked at ``now``."""
    with write_intent(), engine.begin() as conn:
        changed = conn.execute(
            update(SchedulerHeartbeat)
            .where(SchedulerHeartbeat.name == HEARTBEAT)  # type: ignore[arg-type]
            .values(beat_at=now, worker_id=worker_id)
        ).rowcount
        if changed:
            return
        try:
            with conn.begin_nested():
                conn.execute(
                    SchedulerHeartbeat.__table__.insert().values(  # type: ignore[attr-defined]
                        name=HEARTBEAT, beat_at=now, worker_id=worker_id
                    )
                )
        except IntegrityError:
            pass  # another process wrote the first heartbeat at the same moment


def last_heartbeat(db: Session) -> datetime | None:
    """When the scheduler last ticked (UTC), or None if it never has."""
    row = db.get(SchedulerHeartbeat, HEARTBEAT)
    if row is None:
        return None
    beat_at = row.beat_at
    # SQLite hands back naive datetimes; every stored time is UTC.
    return beat_at if beat_at.tzinfo else beat_at.replace(tzinfo=UTC)


class LeaderLock:
    """Non-blocking leadership: ``try_acquire`` is True while this process leads."""

    def __init__(self, engine: Engine, instance_path: str) -> None:
        self.engine = engine
        self.path = Path(instance_path) / "scheduler.lock"
        self._conn: Connection | None = None
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._conn is not None or self._file is not None

    def try_acquire(self) -> bool:
        """Take the lock if free; when held already, check it is still ours."""
        if self.engine.dialect.name == "postgresql":
            return self._pg()
        return self._flock()

    def _pg(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died, and the lock with it
                log.warning("scheduler lost its database connection; standing by")
                self.release()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        if got:
            self._conn = conn
            return True
        conn.close()
        return False

    def _flock(self) -> bool:
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = self.path.open("a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(worker_name())
        fh.flush()
        self._file = fh
        return True

    def release(self) -> None:
        """Give up leadership (closing the connection or file releases the lock)."""
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._conn.close()
            except Exception:
                log.debug("lock connection already gone")
            self._conn = None
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Ticker:
    """The APScheduler clock: one interval job; a tick runs only while this process leads."""

    def __init__(self, app: Flask, on_tick: Callable[[TickResult], None] | None = None) -> None:
        self.app = app
        self.lock = LeaderLock(app.extensions["db_engine"], app.instance_path)
        self.worker_id = worker_name()
        self.on_tick = on_tick
        # APScheduler is imported only by the process that runs the clock.
        from apscheduler.schedulers.background import BackgroundScheduler

        self.scheduler = BackgroundScheduler(timezone=UTC)
        self._was_leader = False
        self._standby_logged = False

    def _run(self) -> None:
        if not self.lock.try_acquire():
            if self._was_leader or not self._standby_logged:
                log.info("scheduler %s standing by: another copy holds the lock", self.worker_id)
                self._standby_logged = True
            self._was_leader = False
            return
        if not self._was_leader:
            log.info("scheduler %s is the leader; catching up", self.worker_id)
            self._was_leader = True
        try:
            result = tick(self.app, utc_now(), self.worker_id)
        except Exception:
            log.exception("scheduler tick failed; retrying next interval")
            return
        if self.on_tick is not None:
            self.on_tick(result)

    def start(self) -> None:
        """Start ticking; the first tick runs now, which delivers whatever fell due while down."""
        seconds = int(self.app.config.get("SWEEP_SECONDS") or 60)
        self.scheduler.add_job(
            self._run,
            "interval",
            seconds=seconds,
            id="tick",
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            next_run_time=utc_now(),
        )
        self.scheduler.start()

    def stop(self) -> None:
        """Stop ticking and release leadership."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        self.lock.release()


def run_forever(app: Flask, stop: threading.Event | None = None) -> None:
    """The ``scheduler run`` process: tick until ``stop`` is set (SIGTERM/SIGINT set it)."""
    stop = stop or threading.Event()
    clock = Ticker(app)
    clock.start()
    try:
        while not stop.wait(1):
            pass
    finally:
        clock.stop()


def should_embed(app: Flask, environ: dict[str, str] | None = None) -> bool:
    """Whether this process should run the scheduler inside the web server."""
    env = os.environ if environ is None else environ
    if not app.config.get("SCHEDULER_ENABLED") or app.config.get("TESTING"):
        return False
    import click
    from flask.cli import run_command

    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return True  # a WSGI server imported the app; the leader lock keeps one ticking
    if ctx.command is not run_command:
        return False  # another CLI command (db upgrade, scheduler run ...)
    reload = ctx.params.get("reload")
    if reload is None:
        reload = bool(ctx.params.get("debug")) or env.get("FLASK_DEBUG", "") in ("1", "true")
    # With the reloader the parent only watches files; the child (WERKZEUG_RUN_MAIN) serves.
    return not reload or env.get("WERKZEUG_RUN_MAIN") == "true"


def init_app(app: Flask) -> Any:
    """Start the embedded scheduler when this process should run it; returns the Ticker or None."""
    if not should_embed(app):
        return None
    import atexit

    clock = Ticker(app)
    clock.start()
    atexit.register(clock.stop)
    app.extensions["scheduler_clock"] = clock
    log.info("embedded scheduler started (every %s s)", app.config.get("SWEEP_SECONDS"))
    return clock

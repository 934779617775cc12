"""Periodic jobs the scheduler runs. Each is idempotent and re-queries the database.

``create_app`` (or a package's ``init_app``) lists each job, ``fn(db, now) -> int`` (how many
things it did), with ``add(name, fn)``; the scheduler calls every listed job on each tick, and
`flask reminders sweep` runs them once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

JobFn = Callable[[Session, datetime], int]
JOBS: dict[str, JobFn] = {}


def add(name: str, fn: JobFn) -> None:
    """List a job under ``name`` (listing it again replaces it: every app built lists the same)."""
    JOBS[name] = fn

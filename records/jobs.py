"""Periodic jobs the scheduler runs. Each is idempotent and re-queries the database.

A feature registers ``fn(db, now) -> int`` (how many things it did) with ``@job("name")``; the
scheduler calls every registered job on each tick, and `flask reminders sweep` runs them once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

JobFn = Callable[[Session, datetime], int]
JOBS: dict[str, JobFn] = {}


def job(name: str) -> Callable[[JobFn], JobFn]:
    def register(fn: JobFn) -> JobFn:
        JOBS[name] = fn
        return fn

    return register

"""The one place the product reads the clock.

Every timestamp the product stores comes from :func:`utc_now` (timezone-aware UTC) and every "today" a
deadline is compared with comes from :func:`utc_today`. Tests pin both by moving the process clock
(time-machine) before anything else runs; ``tests/test_clock_reads.py`` fails when a module under
``records/`` reads the clock any other way.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


def utc_today() -> date:
    """Today's date in UTC.

    UTC runs ahead of US time zones in the evening, so a date turns overdue a few hours early,
    never late: the safe direction for statutory deadlines.
    """
    return utc_now().date()


def epoch() -> float:
    """Seconds since the epoch, for comparing with file modification times."""
    return time.time()

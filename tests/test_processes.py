"""Child processes the tests start read the suite's clock, not the machine's."""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta

from tests import processes

PRINT_NOW = "from records.core.clock import utc_now; print(utc_now().isoformat())"


def _child_now() -> datetime:
    out = processes.run(
        [sys.executable, "-c", PRINT_NOW], dict(os.environ), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    return datetime.fromisoformat(out.stdout.strip())


def test_a_child_process_starts_at_the_suite_clock(clock):
    assert abs(_child_now() - clock.now()) < timedelta(seconds=30)


def test_a_child_process_follows_the_suite_clock_when_it_moves(clock):
    moved = clock.move_to("2027-03-15")
    seen = _child_now()
    assert seen.date().isoformat() == "2027-03-15"
    assert abs(seen - moved) < timedelta(seconds=30)

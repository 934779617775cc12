"""Loaded only by the far-clock run (`make test-clock` puts this folder on PYTHONPATH).

Under Debian's libfaketime 0.9.10 with FAKETIME_DONT_FAKE_MONOTONIC=1, ``time.sleep`` fails with
EINVAL (it sleeps with clock_nanosleep on the monotonic clock, which the library mishandles), while
``select`` waits correctly. Route ``time.sleep`` through ``select`` in every Python process of the
run, test servers included, so that only the wall clock differs from a normal run.
"""

from __future__ import annotations

import os
import select
import time

if os.environ.get("FAKETIME"):

    def _sleep(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            select.select([], [], [], left)

    time.sleep = _sleep

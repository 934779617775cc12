"""Start product processes (gunicorn, the flask CLI, the scheduler) on the suite's clock.

The suite pins its own clock with time_machine, which only reaches the test process. A server or
sweep started as a child would read the machine's real date instead, so a test could pass or fail
depending on the day it runs (a proposal dated "in the future" on the server's calendar). Each
child here runs under libfaketime with its wall clock starting at the suite clock's current
instant and ticking from there; the monotonic clock stays real, as in the far-clock run.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from records.core.clock import utc_now

ROOT = Path(__file__).resolve().parent.parent
SLEEP_FIX = str(ROOT / "tests" / "faketime")


@functools.cache
def _libfaketime() -> str:
    """The preload path the ``faketime`` wrapper uses. The tests preload it themselves, because
    the wrapper runs the program as its own child: the test would hold (and signal) the wrapper's
    pid instead of the server's."""
    faketime = shutil.which("faketime")
    assert faketime, "faketime is missing: run tools/system-deps (apt-get install faketime)"
    out = subprocess.run(  # noqa: S603 - fixed argv
        [faketime, "-f", "+0", "env"], capture_output=True, text=True, check=True
    )
    for line in out.stdout.splitlines():
        if line.startswith("LD_PRELOAD="):
            return line.removeprefix("LD_PRELOAD=")
    raise AssertionError("the faketime wrapper set no LD_PRELOAD")


def on_suite_clock(env: Mapping[str, str]) -> dict[str, str]:
    """``env`` for a process whose wall clock starts at the suite clock's now (UTC) and ticks."""
    start = utc_now().strftime("%Y-%m-%d %H:%M:%S")
    python_path = os.pathsep.join(p for p in (SLEEP_FIX, env.get("PYTHONPATH", "")) if p)
    # Under the far-clock run this process is itself under libfaketime, whose FAKETIME_SHARED
    # memory holds *its* start instant: a child attached to it would count from that instant.
    inherited = {key: value for key, value in env.items() if key != "FAKETIME_SHARED"}
    return {
        **inherited,
        "LD_PRELOAD": _libfaketime(),
        "FAKETIME": f"@{start}",
        "FAKETIME_DONT_RESET": "1",  # a server's forked or spawned children share its timeline
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",
        "TZ": "UTC",  # libfaketime reads the start time in the process's local zone
        "PYTHONPATH": python_path,
    }


def popen(argv: Sequence[str], env: Mapping[str, str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen`` on the suite's clock (cwd defaults to the project root)."""
    kwargs.setdefault("cwd", ROOT)
    return subprocess.Popen(list(argv), env=on_suite_clock(env), **kwargs)  # noqa: S603 - argv from the tests


def run(
    argv: Sequence[str], env: Mapping[str, str], **kwargs: Any
) -> subprocess.CompletedProcess[Any]:
    """``subprocess.run`` on the suite's clock (cwd defaults to the project root)."""
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(list(argv), env=on_suite_clock(env), **kwargs)  # noqa: S603 - argv from the tests

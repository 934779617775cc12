"""Benchmark: every clock for N requests across all jurisdictions, against plain date arithmetic.

Usage: python bench/bench_deadlines.py [--n N] [--seed S] [--quick]

Prints the engine's time per pass (warm, interleaved with a baseline that only adds
``timedelta``s to the same dates) and their ratio, with no target on it; the targets are on how
many year calendars were built: each jurisdiction-year at most once (a ceiling), none in later
passes over the same requests.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

from records.deadlines.engine import ClockEvent, compute_clocks  # noqa: E402
from records.laws import load_laws  # noqa: E402
from records.laws.calendars import build_count  # noqa: E402

Request = tuple[str, date, str | None, date, bool, tuple[ClockEvent, ...]]


def make_requests(n: int, seed: int) -> list[Request]:
    """Random but reproducible requests spread over every jurisdiction and 2024-2030."""
    rng = random.Random(seed)
    laws = load_laws()
    codes = sorted(laws)
    first = date(2024, 1, 1).toordinal()
    requests: list[Request] = []
    for _ in range(n):
        code = rng.choice(codes)
        received = date.fromordinal(first + rng.randrange(7 * 365))
        components = [None, *sorted(laws[code].components)]
        component = rng.choice(components)
        determination = received + timedelta(days=rng.randrange(1, 60))
        events: tuple[ClockEvent, ...] = ()
        if rng.random() < 0.2:
            toll = received + timedelta(days=rng.randrange(1, 10))
            events = (
                ClockEvent("toll_start", toll, reason="information"),
                ClockEvent("toll_end", toll + timedelta(days=rng.randrange(1, 15))),
            )
        requests.append((code, received, component, determination, rng.random() < 0.3, events))
    return requests


def baseline(requests: list[Request]) -> float:
    """Seconds to add the same kinds of offsets with plain ``date + timedelta``."""
    offsets = [timedelta(days=d) for d in (5, 28, 42, 10, 90, 28)]
    started = time.perf_counter()
    sink = 0
    for _code, received, _component, determination, _exp, _events in requests:
        for offset in offsets[:5]:
            sink += (received + offset).toordinal()
        sink += (determination + offsets[5]).toordinal()
    elapsed = time.perf_counter() - started
    assert sink  # keep the work from being optimised into nothing
    return elapsed


def engine(requests: list[Request]) -> tuple[float, int]:
    """Seconds to compute every clock for every request, and how many clocks came out."""
    laws = load_laws()
    started = time.perf_counter()
    total = 0
    for code, received, component, determination, expedite, events in requests:
        clocks = compute_clocks(
            laws[code],
            received,
            component=component,
            events=events,
            determination=determination,
            expedite_requested=expedite,
        )
        total += len(clocks)
    return time.perf_counter() - started, total


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its report."""
    parser = harness.parser(__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="requests to compute")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for the requests")
    args = parser.parse_args(argv)
    n = 10_000 if args.quick else args.n
    rounds = args.rounds or (3 if args.quick else 5)
    report = harness.Report("deadlines")

    laws = load_laws()
    requests = make_requests(n, args.seed)
    builds_before = build_count()
    first_pass, clocks = engine(requests)
    builds_first = build_count() - builds_before
    got = harness.interleave(
        {"engine": lambda: engine(requests), "arithmetic": lambda: baseline(requests)},
        rounds,
        warmup=0,
    )
    builds_second = build_count() - builds_before - builds_first

    years = {r[1].year for r in requests}
    variants = sum(
        1 + any(c.inauguration_day for c in law.components.values()) for law in laws.values()
    )
    # Clocks can reach into the year after the last receipt (appeals, year-end observances).
    ceiling = variants * (len(years) + 2)
    report.info(f"jurisdictions: {len(laws)}   requests: {n:,}   clocks computed: {clocks:,}")
    report.info(f"engine, first pass (builds the calendars): {n / first_pass:,.0f} requests/s")
    report.info(
        f"engine, warm: {got['engine'].show()} per pass; plain date + timedelta: "
        f"{got['arithmetic'].show()} per pass (no target: the engine does the law's work)"
    )
    report.info(
        f"engine / arithmetic: {harness.paired_ratio(got['engine'], got['arithmetic']):,.1f}x"
    )
    report.check(
        f"year calendars built in the first pass (ceiling {ceiling})", builds_first, ceiling
    )
    report.check("year calendars built in later passes", builds_second, 0)
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())

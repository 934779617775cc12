"""A reminder sweep over 1,000,000 open requests vs 10,000, the same 1,000 due in both.

Both databases are SQLite files built with bulk inserts in one organization; each request has
one open deadline, 1,000 of them fall inside the reminder window, and a backlog of old overdue
deadlines (``--backlog``, 5% of the requests by default: dates 30 to 400 days past) sits outside
it. The weekly digest is on (the default), and the sweep runs on a Tuesday, after Monday's send
time, so it also writes the digest. Its cost must follow the due rows, not the table size:
small and big are swept in turn (ABBA, each on a fresh copy) and the median wall time of the
big over the small must stay at or under 1.5. Prints both, the CPU ratio and the query plans.

    .venv/bin/python bench/bench_sweep.py [--big 1000000] [--small 10000] [--due 1000] [--quick]
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from sqlalchemy import insert  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import records.schema.tables  # noqa: E402,F401  (every table on SQLModel.metadata)
from records.core.db import make_engine  # noqa: E402
from records.core.models import Agency, Membership, Organization, User  # noqa: E402
from records.notify import service as notify  # noqa: E402

NOW = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
TODAY = NOW.date()
TS = "2026-11-01 00:00:00.000000"
SETTINGS = {"SMTP_HOST": "", "BASE_URL": "http://127.0.0.1:5000"}


def build(path: Path, requests: int, due: int, backlog: float) -> object:
    """``requests`` open requests: ``due`` with a deadline near today, a ``backlog`` share long
    overdue, the rest due next year. Reminder preferences are the defaults (digest on)."""
    engine = make_engine(f"sqlite:///{path}")
    SQLModel.metadata.create_all(engine)
    # The organization, its member and the agency through the models' own inserts, so the
    # bench follows their columns; the bulk rows below name only the columns the sweep reads.
    start = datetime(2026, 11, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Organization).values(id=1, name="Bench", kind="newsroom", created_at=start)
        )
        conn.execute(
            insert(User).values(
                id=1, email="bench@example.org", name="Bench", password_hash="x", created_at=start
            )
        )
        conn.execute(insert(Membership).values(org_id=1, user_id=1, role="owner", created_at=start))
        conn.execute(
            insert(Agency).values(
                id=1,
                created_by_org_id=1,
                name="County Sheriff",
                name_key="county sheriff",
                level="sheriff",
                jurisdiction="AL",
                mailing_address="",
                created_at=start,
                updated_at=start,
            )
        )
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("PRAGMA synchronous=OFF")  # building only; the sweep runs with the app's
        cur.execute("BEGIN")
        overdue_every = round(1 / backlog) if backlog > 0 else 0
        batch = 50_000
        for start in range(1, requests + 1, batch):
            ids = range(start, min(start + batch, requests + 1))
            cur.executemany(
                "INSERT INTO recordrequest (id, org_id, agency_id, created_by, subject, title, "
                "description, tracking_number, visibility, status, law_code, created_at, "
                "updated_at) VALUES (?, 1, 1, 1, 'agreements', ?, '', '', 'organization', "
                "'sent', 'AL', ?, ?)",
                [(i, f"Request {i}", TS, TS) for i in ids],
            )

            # The first ``due`` requests are due in two days; a backlog long overdue; the rest
            # next year.
            def day(i: int) -> date:
                if i <= due:
                    return TODAY + timedelta(days=2)
                if overdue_every and i % overdue_every == 0:
                    return TODAY - timedelta(days=30 + i % 370)
                return TODAY + timedelta(days=400)

            cur.executemany(
                "INSERT INTO deadline (org_id, request_id, clock, due, statutory, state, rule, "
                "citation, explanation, inputs, calendar_version, reason, computed_at) "
                "VALUES (1, ?, 'response', ?, 1, 'open', '', '', '', '{}', '', '', ?)",
                [(i, str(day(i)), TS) for i in ids],
            )
        cur.execute("COMMIT")
        cur.execute("ANALYZE")
    finally:
        raw.close()
    return engine


def plans(engine: object) -> list[str]:
    """EXPLAIN QUERY PLAN of the planner's read and the claim's read."""
    lo, hi = (
        TODAY - timedelta(days=notify.PASSED_LOOKBACK_DAYS),
        TODAY + timedelta(days=notify.HORIZON_DAYS),
    )
    queries = {
        "plan: open deadlines in the window": (
            "SELECT * FROM deadline JOIN recordrequest ON recordrequest.id = deadline.request_id "
            "WHERE deadline.state = 'open' AND deadline.due >= ? AND deadline.due <= ? "
            "AND deadline.superseded_at IS NULL",
            (str(lo), str(hi)),
        ),
        "claim: due pending reminders": (
            "SELECT id FROM reminder WHERE delivered_at IS NULL AND cancelled_at IS NULL "
            "AND next_attempt_at <= ? AND (claimed_by IS NULL OR claimed_at < ?) "
            "ORDER BY next_attempt_at LIMIT 100",
            ("2026-11-24 14:00:00.000000", "2026-11-24 13:50:00.000000"),
        ),
    }
    out = []
    raw = engine.raw_connection()  # type: ignore[attr-defined]
    try:
        for name, (sql, params) in queries.items():
            rows = raw.cursor().execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            out.append(f"{name}:\n" + "\n".join(f"    {r[-1]}" for r in rows))
    finally:
        raw.close()
    return out


def timed_sweep(engine: object) -> tuple[float, float, notify.SweepResult]:
    """(wall seconds, CPU seconds, result) of one sweep."""
    start, cpu = time.perf_counter(), time.process_time()
    result = notify.sweep(engine, NOW, "bench", SETTINGS)  # type: ignore[arg-type]
    return time.perf_counter() - start, time.process_time() - cpu, result


def main() -> int:
    parser = harness.parser(__doc__)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--backlog", type=float, default=0.05, help="share long overdue")
    args = parser.parse_args()
    big = 100_000 if args.quick else args.big
    rounds = args.rounds or (2 if args.quick else 4)
    report = harness.Report(f"sweep ({args.small:,} vs {big:,} requests, {args.due:,} due)")
    with harness.scratch() as tmp:
        bases = {}
        for label, n in (("small", args.small), ("big", big)):
            t0 = time.perf_counter()
            engine = build(tmp / f"{label}.db", n, args.due, args.backlog)
            if label == "big":
                print("\n".join(plans(engine)))
            engine.dispose()  # type: ignore[attr-defined]
            bases[label] = tmp / f"{label}.db"
            print(f"built {label}: {n:,} requests in {time.perf_counter() - t0:.1f} s")
        wall = {"small": harness.Stats(), "big": harness.Stats()}
        cpu = {"small": harness.Stats(), "big": harness.Stats()}
        for round_no in range(rounds):
            order = ("small", "big") if round_no % 2 == 0 else ("big", "small")
            for label in order:
                copy = tmp / f"{label}-run.db"
                shutil.copyfile(bases[label], copy)
                # Write the copy out first: otherwise the sweep's commits wait behind the
                # write-back of a large file and the big run is charged for the copy.
                os.sync()
                engine = make_engine(f"sqlite:///{copy}")
                seconds, cpu_seconds, result = timed_sweep(engine)
                engine.dispose()  # type: ignore[attr-defined]
                copy.unlink()
                wall[label].samples.append(seconds)
                cpu[label].samples.append(cpu_seconds)
                print(
                    f"round {round_no + 1} sweep {label}: {seconds:.3f} s, CPU {cpu_seconds:.3f} s"
                    f" (planned {result.planned}, delivered {result.delivered}, "
                    f"cancelled {result.cancelled})"
                )
    report.info(f"small: {wall['small'].show(1, 's')}, big: {wall['big'].show(1, 's')}")
    report.info(f"CPU small: {cpu['small'].show(1, 's')}, big: {cpu['big'].show(1, 's')}")
    report.check("sweep wall big / small", harness.paired_ratio(wall["big"], wall["small"]), 1.5)
    report.check("sweep CPU big / small", harness.paired_ratio(cpu["big"], cpu["small"]), 1.5)
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())

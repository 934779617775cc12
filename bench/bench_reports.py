"""The report-card page at 100,000 requests against the raw SQL it needs.

Run: .venv/bin/python bench/bench_reports.py [--requests 100000] [--rounds 7] [--database-url URL]

Builds a scratch SQLite database in the system temp dir (or uses ``--database-url``, emptied
first: give it a database of its own) with one organization, 200 agencies in 10 states and N sent
requests, each with its report-card figures and its current response clock, as the product's
write paths leave them. Then, in interleaved rounds:

- **page**: ``GET /reports/`` through the Flask test client, logged in as the organization's
  owner: every agency's report card and the organization's charts, rendered;
- **sql**: the SQL statements that very page ran (recorded from the engine), executed on a raw
  DBAPI cursor with ``fetchall`` and nothing else.

Prints each side's median and spread (min-max) and ``ratio = X (target ≤ 3): ok|MISSED``, the
ratio of the medians; exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert, text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from records import create_app  # noqa: E402
from records.core.models import Agency, Membership, Organization, RecordRequest, User  # noqa: E402
from records.lifecycle.models import Deadline  # noqa: E402
from records.reports.models import RequestFigure  # noqa: E402

TARGET = 3.0
STATES = ("AL", "VA", "FL", "TX", "GA", "NY", "CA", "OH", "MI", "PA")
LEVELS = ("sheriff", "police", "county", "city", "jail")
OUTCOMES = ("full", "partial", "no_records", "denied", "withdrawn", "")


def _populate(engine: Any, n: int, seed: int = 17) -> tuple[int, str]:
    """Rows as the write paths leave them; returns (organization id, the owner's login id)."""
    rng = random.Random(seed)
    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    with engine.begin() as conn:
        org_id = conn.execute(
            insert(Organization).values(name="Bench newsroom", kind="newsroom", created_at=now)
        ).inserted_primary_key[0]
        user_id = conn.execute(
            insert(User).values(
                email="bench@example.org",
                name="Bench",
                password_hash="x",
                session_version=1,
                created_at=now,
                last_seen_url="",
            )  # fmt: skip
        ).inserted_primary_key[0]
        conn.execute(
            insert(Membership).values(org_id=org_id, user_id=user_id, role="owner", created_at=now)
        )
        agencies = []
        for i in range(200):
            agencies.append(
                conn.execute(
                    insert(Agency).values(
                        created_by_org_id=org_id,
                        name=f"Agency {i:03d}",
                        name_key=f"agency {i:03d}",
                        level=LEVELS[i % len(LEVELS)],
                        jurisdiction=STATES[i % len(STATES)],
                        component="",
                        foia_email="",
                        portal_url="",
                        mailing_address="",
                        phone="",
                        source="",
                        created_at=now,
                        updated_at=now,
                    )  # fmt: skip
                ).inserted_primary_key[0]
            )
        batch = 5000
        for start in range(0, n, batch):
            reqs, figs, clocks = [], [], []
            for rid in range(start + 1, min(n, start + batch) + 1):
                agency = agencies[rid % len(agencies)]
                received = date(2023, 1, 2) + timedelta(days=rng.randrange(0, 1400))
                answered = rng.random() < 0.8
                ack = rng.randrange(0, 30)
                ans = ack + rng.randrange(0, 90) if answered else None
                outcome = rng.choice(OUTCOMES) if answered else ""
                status = "fulfilled" if answered else rng.choice(("sent", "acknowledged"))
                reqs.append(
                    {
                        "id": rid,
                        "org_id": org_id,
                        "agency_id": agency,
                        "created_by": user_id,
                        "subject": "agreements",
                        "title": f"Request {rid}",
                        "description": "",
                        "tracking_number": "",
                        "visibility": "organization",
                        "status": status,
                        "law_code": "",
                        "created_at": now,
                        "updated_at": now,
                    }  # fmt: skip
                )
                figs.append(
                    {
                        "request_id": rid,
                        "org_id": org_id,
                        "received_on": received,
                        "received_year": received.year,
                        "acknowledged_on": received + timedelta(days=ack),
                        "answered_on": received + timedelta(days=ans) if ans is not None else None,
                        "ack_calendar_days": ack,
                        "ack_business_days": ack * 5 // 7,
                        "answer_calendar_days": ans,
                        "answer_business_days": ans * 5 // 7 if ans is not None else None,
                        "outcome": outcome,
                        "exemptions": '["b(5)"]' if outcome == "denied" else "[]",
                        "appeal_filed_on": None,
                        "appeal_outcome": "",
                        "fee_asked_cents": 2500 if rid % 9 == 0 else None,
                    }  # fmt: skip
                )
                due = received + timedelta(days=28)
                state = ("met" if ans <= 28 else "late") if ans is not None else "open"
                clocks.append(
                    {
                        "org_id": org_id,
                        "request_id": rid,
                        "clock": "response",
                        "due": due,
                        "statutory": True,
                        "state": state,
                        "answered_on": received + timedelta(days=ans) if ans is not None else None,
                        "rule": "",
                        "citation": "",
                        "explanation": "",
                        "inputs": {},
                        "calendar_version": "",
                        "reason": "",
                        "computed_at": now,
                    }  # fmt: skip
                )
            conn.execute(insert(RecordRequest), reqs)
            conn.execute(insert(RequestFigure), figs)
            conn.execute(insert(Deadline), clocks)
    return org_id, f"{user_id}:1"


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    url = args.database_url or f"sqlite:///{scratch / 'bench.db'}"
    try:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": str(scratch)})
        engine = app.extensions["db_engine"]
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        t0 = time.perf_counter()
        org_id, login_id = _populate(engine, args.requests)
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                conn.execute(text("ANALYZE"))
            else:
                conn.execute(text("ANALYZE"))
        print(
            f"{args.requests} requests in {time.perf_counter() - t0:.1f}s ({engine.dialect.name})"
        )

        client = app.test_client()
        with client.session_transaction() as sess:
            sess["_user_id"] = login_id
            sess["_fresh"] = True
            sess["org_id"] = org_id

        recorded: list[tuple[str, Any]] = []

        def record(_conn: Any, _cursor: Any, statement: str, params: Any, *_a: Any) -> None:
            recorded.append((statement, params))

        event.listen(engine, "before_cursor_execute", record)
        first = client.get("/reports/")
        event.remove(engine, "before_cursor_execute", record)
        assert first.status_code == 200, first.status_code
        assert b"Agency 000" in first.data
        statements = [(s, p) for s, p in recorded if s.lstrip().upper().startswith("SELECT")]
        print(f"the page runs {len(statements)} SELECT statement(s)")

        def page() -> None:
            resp = client.get("/reports/")
            assert resp.status_code == 200
            resp.close()

        def raw_sql() -> None:
            conn = engine.raw_connection()
            try:
                cur = conn.cursor()
                for statement, params in statements:
                    cur.execute(statement, params)
                    cur.fetchall()
                cur.close()
            finally:
                conn.close()

        page()
        raw_sql()  # warm both
        pages, sqls = [], []
        for i in range(args.rounds):
            if i % 2:
                pages.append(_timed(page))
                sqls.append(_timed(raw_sql))
            else:
                sqls.append(_timed(raw_sql))
                pages.append(_timed(page))
        p_med, s_med = statistics.median(pages), statistics.median(sqls)
        print(f"page: median {p_med * 1000:.0f} ms (spread {min(pages) * 1000:.0f}-"
              f"{max(pages) * 1000:.0f} ms over {len(pages)} rounds)")  # fmt: skip
        print(f"sql:  median {s_med * 1000:.0f} ms (spread {min(sqls) * 1000:.0f}-"
              f"{max(sqls) * 1000:.0f} ms over {len(sqls)} rounds)")  # fmt: skip
        ratio = p_med / s_med
        ok = ratio <= TARGET

        # The streamed CSV export of every request: Python's memory while it is read.
        tracemalloc.start()
        resp = client.get("/reports/exports/requests.csv", buffered=False)
        rows = sum(chunk.count(b"\r\n") for chunk in resp.response) - 1
        resp.close()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"export: {rows} rows streamed, peak traced memory {peak:.1f} MiB")
        print(f"ratio = {ratio:.2f} (target ≤ {TARGET:g}): {'ok' if ok else 'MISSED'}")
        engine.dispose()
        return 0 if ok else 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: the list pages and the request page against the raw indexed SQL they need.

Usage: python bench/bench_requests.py [--rows 100000] [--pg URL] [--quick]

Seeds one organization (the measured member's) with ``--rows`` requests, each with an open
deadline, by bulk inserts, first a tenth of them and then all, and the shared directory with one
agency for every five requests (2,000 agencies at 10,000 requests, 20,000 at 100,000). At each size it times, through
the Flask test client and logged in, the request list, the API list, the dashboard, the agency
list, the public archive and one request page, each interleaved (ABBA) with a hand-written raw
DBAPI query returning the same rows (the floor any implementation pays). Targets: page/raw at
most 3 at full size; page time at full size at most 1.5x the tenth (flat). Prints the SQL
statements each page sends. ``--pg`` runs in a temporary schema of that PostgreSQL database.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
import seed  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

from records import create_app  # noqa: E402
from records.core.auth import issue_api_token  # noqa: E402
from records.core.clock import utc_today  # noqa: E402
from records.core.db import get_session, make_engine  # noqa: E402
from records.core.models import User  # noqa: E402
from records.filing.public_views import AGENCY_CHOICES  # noqa: E402
from records.lifecycle.service import STATUSES  # noqa: E402
from records.requests.service import (  # noqa: E402
    AGENCY_CHOICES_CAP,
    COUNT_CAP,
    DASHBOARD_COUNT_CAP,
)

PER_PAGE = 25
VISIBLE = (
    "r.org_id = :org AND (r.visibility != 'private' OR r.created_by = :me OR r.assignee_id = :me)"
)


def baselines(engine: Engine, s: seed.Seeded, request_id: int) -> dict[str, Callable[[], None]]:
    """Hand-written raw queries that return the rows each page shows (the fastest we know)."""
    raw = engine.raw_connection()
    pg = engine.dialect.name == "postgresql"
    user_table = '"user"'
    today = utc_today()
    p = {"org": s.org_id, "me": s.user_id, "today": today, "week": today.toordinal() + 7}
    p["week"] = today.fromordinal(p["week"])

    def q(sql: str, params: dict[str, Any]) -> list[Any]:
        cur = raw.cursor()
        if pg:
            import re

            sql = re.sub(r":(\w+)", r"%(\1)s", sql)
        cur.execute(sql, params)
        rows = cur.fetchall()
        cur.close()
        return rows

    def done() -> None:
        raw.commit()  # end the read transaction, as the app's session does

    def list_page(limit: int = PER_PAGE, count: bool = True) -> None:
        rows = q(
            f"SELECT r.id, r.title, r.status, r.tracking_number, r.updated_at, a.name, u.name "
            f"FROM recordrequest r JOIN agency a ON a.id = r.agency_id "
            f"LEFT JOIN {user_table} u ON u.id = r.assignee_id WHERE {VISIBLE} "
            f"ORDER BY r.updated_at DESC, r.id DESC LIMIT {limit}",
            p,
        )
        if count:  # counted up to the cap, as the list counts (past it: "1,000+")
            q(
                f"SELECT count(*) FROM (SELECT 1 FROM recordrequest r WHERE {VISIBLE} "
                f"LIMIT {COUNT_CAP + 1}) c",
                p,
            )
        ids = ",".join(str(r[0]) for r in rows) or "0"
        q(
            "SELECT request_id, clock, due FROM deadline WHERE request_id IN "
            f"({ids}) AND superseded_at IS NULL AND state = 'open' AND due IS NOT NULL",
            {},
        )

    def requests() -> None:
        list_page()
        # The agency filter's choices: the agencies written to, by the loose index scan the
        # page uses (it stops past the cap; past it the page lists none but the chosen one).
        q(
            "WITH RECURSIVE used(id) AS (SELECT min(agency_id) FROM recordrequest "
            "WHERE org_id = :org UNION ALL SELECT (SELECT min(r.agency_id) FROM recordrequest r "
            "WHERE r.org_id = :org AND r.agency_id > used.id) FROM used "
            "WHERE used.id IS NOT NULL) SELECT a.id, a.name FROM agency a JOIN (SELECT id FROM "
            f"used WHERE id IS NOT NULL LIMIT {AGENCY_CHOICES_CAP + 1}) u ON a.id = u.id "
            "ORDER BY a.name, a.id",
            p,
        )
        done()

    def api_list() -> None:
        # The API sends every column of the requests and all their current clocks.
        rows = q(
            f"SELECT r.* FROM recordrequest r WHERE {VISIBLE} "
            f"ORDER BY r.updated_at DESC, r.id DESC LIMIT {PER_PAGE}",
            p,
        )
        q(
            f"SELECT count(*) FROM (SELECT 1 FROM recordrequest r WHERE {VISIBLE} "
            f"LIMIT {COUNT_CAP + 1}) c",
            p,
        )
        ids = ",".join(str(r[0]) for r in rows) or "0"
        q(f"SELECT * FROM deadline WHERE request_id IN ({ids}) AND superseded_at IS NULL", {})
        done()

    def dashboard() -> None:
        # What the dashboard shows: the ten most recent, counts by status and of the overdue
        # and due-this-week requests up to the dashboard's cap (past it a count reads "100+"
        # and links to the list), the ten most urgent of each.
        cap = DASHBOARD_COUNT_CAP + 1
        list_page(10, count=False)
        q(
            "SELECT "
            + ", ".join(
                f"(SELECT count(*) FROM (SELECT 1 FROM recordrequest r WHERE {VISIBLE} "
                f"AND r.status = '{status}' LIMIT {cap}) c)"
                for status in STATUSES
            ),
            p,
        )
        for cond in ("d.due < :today", "d.due >= :today AND d.due <= :week"):
            q(
                "SELECT d.id, d.due, d.clock, r.id, r.title FROM deadline d "
                f"JOIN recordrequest r ON r.id = d.request_id WHERE d.org_id = :org AND {VISIBLE} "
                f"AND d.superseded_at IS NULL AND d.state = 'open' AND {cond} "
                "ORDER BY d.due, d.id LIMIT 10",
                p,
            )
            q(
                "SELECT count(*) FROM (SELECT DISTINCT d.request_id FROM deadline d "
                f"JOIN recordrequest r ON r.id = d.request_id WHERE d.org_id = :org AND {VISIBLE} "
                f"AND d.superseded_at IS NULL AND d.state = 'open' AND {cond} LIMIT {cap}) c",
                p,
            )
        done()

    def agencies() -> None:
        # The page's rows (name, level, jurisdiction, contact) in its order, and the count.
        q(
            "SELECT id, name, level, jurisdiction, foia_email, portal_url FROM agency "
            f"ORDER BY jurisdiction, name LIMIT {PER_PAGE}",
            {},
        )
        q("SELECT count(*) FROM agency", {})
        done()

    def public() -> None:
        q(
            "SELECT r.id, r.title, r.status, a.name, o.name FROM recordrequest r "
            "JOIN agency a ON a.id = r.agency_id JOIN organization o ON o.id = r.org_id "
            f"WHERE r.visibility = 'public' ORDER BY r.id DESC LIMIT {PER_PAGE + 1}",
            {},
        )
        # The agency filter: agencies with a public request in name order, up to the filter's
        # bound (past it the page asks for a typed name and lists none).
        q(
            "SELECT a.name, a.jurisdiction FROM agency a WHERE EXISTS (SELECT 1 FROM "
            "recordrequest r WHERE r.agency_id = a.id AND r.visibility = 'public') "
            f"ORDER BY a.name LIMIT {AGENCY_CHOICES + 1}",
            {},
        )
        done()

    def request_page() -> None:
        pr = {"id": request_id}
        q(
            "SELECT r.*, a.name FROM recordrequest r JOIN agency a ON a.id = r.agency_id "
            "WHERE r.id = :id",
            pr,
        )
        q("SELECT * FROM deadline WHERE request_id = :id AND superseded_at IS NULL", pr)
        q('SELECT * FROM event WHERE request_id = :id ORDER BY "on", id', pr)
        done()

    return {
        "request list": requests,
        "api list": api_list,
        "dashboard": dashboard,
        "agencies": agencies,
        "public archive": public,
        "request page": request_page,
    }


def pages(app: Flask, s: seed.Seeded, request_id: int) -> dict[str, Callable[[], None]]:
    """Each page through the test client, logged in as the measured member (asserts 200)."""
    client: FlaskClient = app.test_client()
    with app.test_request_context():
        db = get_session()
        user = db.get(User, s.user_id)
        assert user is not None
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
            sess["org_id"] = s.org_id
        token = issue_api_token(user, s.org_id, "bench")
        db.commit()
    bearer = {"Authorization": f"Bearer {token}"}
    urls = {
        "request list": ("/requests/", {}),
        "api list": (f"/api/v1/requests?per_page={PER_PAGE}", bearer),
        "dashboard": ("/", {}),
        "agencies": ("/agencies/", {}),
        "public archive": ("/public/", {}),
        "request page": (f"/requests/{request_id}", {}),
    }

    def getter(url: str, headers: dict[str, str]) -> Callable[[], None]:
        def get() -> None:
            resp = client.get(url, headers=headers)
            assert resp.status_code == 200, (url, resp.status_code)

        return get

    return {name: getter(url, h) for name, (url, h) in urls.items()}


def statement_counts(app: Flask, fns: dict[str, Callable[[], None]]) -> dict[str, int]:
    """SQL statements each page sends (SQLAlchemy's before_cursor_execute)."""
    engine = app.extensions["db_engine"]
    counts = {}
    for name, fn in fns.items():
        seen: list[str] = []

        def record(*args: Any, _seen: list[str] = seen) -> None:
            _seen.append(args[2])

        event.listen(engine, "before_cursor_execute", record)
        try:
            fn()
        finally:
            event.remove(engine, "before_cursor_execute", record)
        counts[name] = len(seen)
    return counts


def measure(
    app: Flask, engine: Engine, s: seed.Seeded, rounds: int
) -> dict[str, tuple[harness.Stats, harness.Stats]]:
    request_id = s.first_request
    apps = pages(app, s, request_id)
    raws = baselines(engine, s, request_id)
    out = {}
    for name in apps:
        got = harness.interleave({"app": apps[name], "raw": raws[name]}, rounds)
        out[name] = (got["app"], got["raw"])
        print(f"  {name:15s} app {got['app'].show()} | raw {got['raw'].show()}")
    counts = statement_counts(app, apps)
    print("  statements per page: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return out


def main() -> int:
    p = harness.parser(__doc__)
    p.add_argument("--rows", type=int, default=100_000, help="requests at full size")
    p.add_argument("--pg", default="", help="PostgreSQL URL (a temporary schema is used)")
    args = p.parse_args()
    rows = 5_000 if args.quick else args.rows
    rounds = args.rounds or (7 if args.quick else 21)
    report = harness.Report(f"pages ({'postgresql' if args.pg else 'sqlite'}, {rows:,} requests)")
    with harness.scratch() as tmp, harness.database(args.pg, tmp) as url:
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        os.environ["RECORDS_INSTANCE_PATH"] = str(tmp / "instance")
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": url,
                "SECRET_KEY": secrets.token_hex(16),
                "WTF_CSRF_ENABLED": False,
                "STORAGE_DIR": str(tmp / "storage"),
                "PAGE_SIZE": PER_PAGE,
            }
        )
        s = seed.base(engine)
        results = {}
        for size in (rows // 10, rows):
            seed.requests_up_to(engine, s, size)
            print(
                f"\n== {size:,} requests in the measured organization, {len(s.agencies):,} "
                f"agencies in the directory ({engine.dialect.name})"
            )
            results[size] = measure(app, engine, s, rounds)
        with Session(engine):
            pass
        print("\ntargets:")
        small, full = results[rows // 10], results[rows]
        for name, (page, raw) in full.items():
            report.check(f"{name} page/raw at {rows:,}", harness.paired_ratio(page, raw), 3)
            report.check(
                f"{name} growth {rows // 10:,} -> {rows:,}",
                page.median / small[name][0].median,
                1.5,
            )
        app.extensions["db_engine"].dispose()
        engine.dispose()
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: the request list through the app against the same SQL run directly.

Usage: python bench/bench_requests.py [--rows 100000] [--orgs 50] [--repeat 30] [--pg URL]

Seeds requests over many organizations with bulk inserts (executemany), then times, for one
member of one organization: (a) the HTML request list, page 1 and the last page, through the
Flask test client; (b) the JSON API list with a bearer token; (c) the very statements
``list_requests`` sends to the database, captured while it runs and replayed on the raw DBAPI
connection. It does this at a tenth of the rows and at all of them, and prints the app/raw
ratios, the growth between the two sizes, the query plans and the statements per HTTP request.
Targets: app/raw at most 3; no growth with the table's size. ``--pg`` runs on PostgreSQL in a
temporary schema of its own.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, insert, select, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import records.tables  # noqa: E402,F401  (every table on SQLModel.metadata)
from records import create_app  # noqa: E402
from records import record_requests as rr  # noqa: E402
from records.auth import issue_api_token  # noqa: E402
from records.db import get_session, make_engine  # noqa: E402
from records.models import Agency, Membership, Organization, RecordRequest, User  # noqa: E402
from records.security import hash_password  # noqa: E402

AGENCIES_PER_ORG = 20
MEMBERS_PER_ORG = 3
PER_PAGE = 25
SUBJECTS = ("agreements", "forfeiture", "communications", "other")
STATUSES = ("draft", "sent", "acknowledged", "in_progress", "fulfilled", "denied")
VISIBILITY = ("organization",) * 6 + ("private", "public")
START = datetime(2024, 1, 1, tzinfo=UTC)
Statements = list[tuple[str, Any]]


def timed(fn: Callable[[], Any], repeat: int) -> float:
    """Fastest wall time of ``fn`` in ms after two warm-up calls (the least disturbed by load)."""
    fn()
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return min(samples)


class Seeder:
    """Bulk inserts: organizations, members and agencies first, then requests round-robin."""

    def __init__(self, engine: Engine, orgs: int) -> None:
        self.engine = engine
        self.rng = random.Random(20261124)  # reproducible fake data
        self.org_ids: list[int] = []
        self.members: dict[int, list[int]] = {}
        self.agencies: dict[int, list[int]] = {}
        self.seeded = 0
        self._base(orgs)

    def _base(self, orgs: int) -> None:
        pw = hash_password("bench-password-1")
        with self.engine.begin() as conn:
            for n in range(orgs):
                org = insert(Organization).values(
                    name=f"Bench org {n}", kind="newsroom", created_at=START
                )
                org_id = conn.execute(org).inserted_primary_key[0]
                self.org_ids.append(org_id)
                users = [
                    conn.execute(
                        insert(User).values(
                            email=f"m{m}.org{n}@bench.example",
                            name=f"Member {m}",
                            password_hash=pw,
                            created_at=START,
                        )
                    ).inserted_primary_key[0]
                    for m in range(MEMBERS_PER_ORG)
                ]
                conn.execute(
                    insert(Membership),
                    [
                        {"org_id": org_id, "user_id": uid, "role": "owner", "created_at": START}
                        for uid in users
                    ],
                )
                self.members[org_id] = users
                conn.execute(
                    insert(Agency),
                    [
                        {
                            "org_id": org_id,
                            "name": f"Agency {a} of org {n}",
                            "level": "city",
                            "jurisdiction": "AL",
                            "mailing_address": "",
                            "notes": "",
                            "created_at": START,
                            "updated_at": START,
                        }
                        for a in range(AGENCIES_PER_ORG)
                    ],
                )
                ids = conn.execute(select(Agency.id).where(Agency.org_id == org_id)).scalars()
                self.agencies[org_id] = list(ids)

    def requests_up_to(self, total: int, batch: int = 5000) -> None:
        """Insert requests round-robin over the organizations until ``total`` exist."""
        rng = self.rng
        with self.engine.begin() as conn:
            while self.seeded < total:
                rows = []
                for i in range(self.seeded, min(total, self.seeded + batch)):
                    org_id = self.org_ids[i % len(self.org_ids)]
                    users = self.members[org_id]
                    stamp = START + timedelta(minutes=rng.randrange(0, 1_000_000))
                    rows.append(
                        {
                            "org_id": org_id,
                            "agency_id": rng.choice(self.agencies[org_id]),
                            "created_by": rng.choice(users),
                            "assignee_id": rng.choice([*users, None]),
                            "subject": rng.choice(SUBJECTS),
                            "title": f"Request {i}: 287(g) agreement records",
                            "description": "",
                            "tracking_number": f"2026-FOIA-{i:06d}",
                            "visibility": rng.choice(VISIBILITY),
                            "status": rng.choice(STATUSES),
                            "law_code": "AL",
                            "created_at": stamp,
                            "updated_at": stamp + timedelta(days=rng.randrange(0, 30)),
                        }
                    )
                conn.execute(insert(RecordRequest), rows)
                self.seeded += len(rows)
        if self.engine.dialect.name == "sqlite":
            with self.engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            return
        # What autovacuum does soon after a bulk load: statistics, and the visibility map that
        # lets PostgreSQL answer from the index alone.
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE recordrequest"))


@contextmanager
def capture(engine: Engine) -> Iterator[Statements]:
    """Record the statements ``engine`` executes inside the block."""
    seen: Statements = []

    def record(_conn: Any, _cur: Any, statement: str, params: Any, *_rest: Any) -> None:
        seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def logged_in_client(app: Flask, user: User, org_id: int) -> FlaskClient:
    """A test client whose session holds a logged-in member (as the login form would leave it)."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = user.get_id()
        sess["_fresh"] = True
        sess["org_id"] = org_id
    return client


def api_headers(app: Flask, user: User, org_id: int) -> dict[str, str]:
    with app.test_request_context():
        token = issue_api_token(user, org_id, "bench")
        get_session().commit()
    return {"Authorization": f"Bearer {token}"}


def raw_runner(engine: Engine, statements: Statements) -> Callable[[], None]:
    """Replay ``statements`` on one raw DBAPI connection, fetching every row."""
    raw = engine.raw_connection()

    def run() -> None:
        cur = raw.cursor()
        for sql, params in statements:
            cur.execute(sql, params)
            cur.fetchall()
        cur.close()
        raw.commit()  # end the read transaction, as the app's session does

    return run


def query_plans(engine: Engine, statements: Statements) -> list[str]:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of each statement."""
    sqlite = engine.dialect.name == "sqlite"
    raw = engine.raw_connection()
    out = []
    try:
        cur = raw.cursor()
        for sql, params in statements:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue  # BEGIN has no plan
            cur.execute(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + sql, params)
            out.append("\n".join(f"      {row[-1] if sqlite else row[0]}" for row in cur))
        raw.commit()
    finally:
        raw.close()
    return out


def orm_list(engine: Engine, org_id: int, user_id: int, page: int) -> None:
    """``list_requests`` itself, without HTTP, login or templates: the ORM's share."""
    with Session(engine) as db:
        rr.list_requests(db, org_id, user_id, rr.Filters(), page, PER_PAGE)


def measure(app: Flask, engine: Engine, org_id: int, user_id: int, repeat: int) -> dict[str, Any]:
    """Time page 1 and the last page: HTML list, API list and the raw SQL, for one member."""
    with Session(engine, expire_on_commit=False) as db:
        user = db.get(User, user_id)
        assert user is not None
        total = rr.list_requests(db, org_id, user_id, rr.Filters(), 1, PER_PAGE).total
    client = logged_in_client(app, user, org_id)
    headers = api_headers(app, user, org_id)
    last = max(1, -(-total // PER_PAGE))
    pages: dict[str, Any] = {}
    for label, page in (("page 1", 1), (f"page {last} (last)", last)):
        with Session(engine) as db, capture(engine) as statements:
            rr.list_requests(db, org_id, user_id, rr.Filters(), page, PER_PAGE)
        html_url = f"/requests/?page={page}"
        api_url = f"/api/v1/requests?page={page}&per_page={PER_PAGE}"
        assert client.get(html_url).status_code == 200
        api = client.get(api_url, headers=headers)
        assert api.status_code == 200 and api.get_json()["items"], api.status_code
        pages[label] = {
            "html": timed(lambda u=html_url: client.get(u), repeat),
            "api": timed(lambda u=api_url: client.get(u, headers=headers), repeat),
            "raw": timed(raw_runner(engine, statements), repeat),
            "orm": timed(lambda p=page: orm_list(engine, org_id, user_id, p), repeat),
            "statements": statements,
        }
    return {"visible": total, "pages": pages}


def statements_per_request(app: Flask, engine: Engine, org_id: int, user_id: int) -> dict[str, int]:
    """Statements per HTTP request: a small constant count means no N+1."""
    with Session(engine, expire_on_commit=False) as db:
        user = db.get(User, user_id)
        assert user is not None
    client = logged_in_client(app, user, org_id)
    headers = api_headers(app, user, org_id)
    counts = {}
    for name, url, hdrs in (
        ("html list", "/requests/", {}),
        ("api list", f"/api/v1/requests?per_page={PER_PAGE}", headers),
        ("dashboard", "/", {}),
    ):
        with capture(app.extensions["db_engine"]) as seen:
            assert client.get(url, headers=hdrs).status_code == 200
        counts[name] = len(seen)
    return counts


def report(size: int, m: dict[str, Any]) -> None:
    print(f"\n== {size:,} requests (the member sees {m['visible']:,} in the measured organization)")
    for label, p in m["pages"].items():
        print(
            f"  {label:>16}: raw {p['raw']:6.2f} ms ({len(p['statements'])} statements) | "
            f"orm {p['orm']:6.2f} ms x{p['orm'] / p['raw']:4.1f} | "
            f"html {p['html']:6.2f} ms x{p['html'] / p['raw']:5.1f} | "
            f"api {p['api']:6.2f} ms x{p['api'] / p['raw']:5.1f}"
        )


@contextmanager
def database(pg_url: str, tmp: Path) -> Iterator[str]:
    """A temporary SQLite file, or a temporary schema in the given PostgreSQL database."""
    if not pg_url:
        yield f"sqlite:///{tmp / 'bench.db'}"
        return
    schema = f"bench_{secrets.token_hex(4)}"
    admin = make_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_url else "?"
    try:
        yield f"{pg_url}{sep}options={quote(f'-csearch_path={schema}')}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def run(args: argparse.Namespace, url: str, tmp: Path) -> bool:
    """Seed, measure at both sizes and print the report; True when every target is met."""
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
    t0 = time.perf_counter()
    seeder = Seeder(engine, args.orgs)
    org_id = seeder.org_ids[0]
    user_id = seeder.members[org_id][0]
    small = args.rows // 10
    seeder.requests_up_to(small)
    print(f"database: {engine.dialect.name}; {args.orgs} organizations; {PER_PAGE} rows a page")
    print(f"seeded {small:,} requests in {time.perf_counter() - t0:.1f}s")
    at_small = measure(app, engine, org_id, user_id, args.repeat)
    report(small, at_small)

    t0 = time.perf_counter()
    seeder.requests_up_to(args.rows)
    print(f"\nseeded up to {args.rows:,} requests in {time.perf_counter() - t0:.1f}s")
    at_full = measure(app, engine, org_id, user_id, args.repeat)
    report(args.rows, at_full)

    print("\nquery plans at full size (page query, then the count):")
    for label, p in at_full["pages"].items():
        print(f"  {label}:")
        print("\n      --\n".join(query_plans(engine, p["statements"])))
    print("\nstatements per HTTP request (the same whatever a page holds: no N+1):")
    for name, n in statements_per_request(app, engine, org_id, user_id).items():
        print(f"  {name}: {n}")

    print("\nsummary (targets: app/raw <= 3; growth about 1.0x):")
    met = True
    for (label, full), base in zip(
        at_full["pages"].items(), at_small["pages"].values(), strict=True
    ):
        for kind in ("html", "api"):
            ratio, growth = full[kind] / full["raw"], full[kind] / base[kind]
            met &= ratio <= 3 and growth <= 1.5
            print(
                f"  {label:>16} {kind:4}: app/raw {ratio:5.1f}   "
                f"growth {small:,} -> {args.rows:,}: {growth:4.2f}x"
            )
        print(
            f"  {label:>16} orm : app/raw {full['orm'] / full['raw']:5.1f}   "
            f"growth {small:,} -> {args.rows:,}: {full['orm'] / base['orm']:4.2f}x"
        )
        print(f"  {label:>16} raw : growth {full['raw'] / base['raw']:4.2f}x")
    app.extensions["db_engine"].dispose()
    engine.dispose()
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="requests at full size")
    parser.add_argument("--orgs", type=int, default=50, help="organizations sharing them")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per measurement")
    parser.add_argument("--pg", default="", help="PostgreSQL URL (uses a temporary schema)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmpdir, database(args.pg, Path(tmpdir)) as url:
        met = run(args, url, Path(tmpdir))
    return 1 if args.strict and not met else 0


if __name__ == "__main__":
    sys.exit(main())

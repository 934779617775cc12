"""Bulk seeding for the page and throughput benchmarks: everything in one organization.

The measured member's organization holds the whole data set (not one organization among fifty),
so the pages see every row the sizes name. Each request has one open response deadline: about
one in ten is overdue, one in twenty due this week. One in eight requests is public.

The shared directory grows with the data, as an instance's does: one agency for every
``REQUESTS_PER_AGENCY`` requests (2,000 at 10,000 requests, 20,000 at 100,000; the United States
has about 18,000 state and local law-enforcement agencies), spread over the states and levels,
and each new request names any agency in the directory so far.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection, Engine

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records.core.models import Agency, Membership, Organization, RecordRequest, User
from records.core.security import hash_password
from records.core.validation import JURISDICTIONS
from records.lifecycle.models import Deadline

EMAIL, PASSWORD = "bench@example.org", "bench password 123"
AGENCIES = 200  # in the directory from the start (the federal offices and the first few states)
REQUESTS_PER_AGENCY = 5
STATES = tuple(j for j in JURISDICTIONS if j != "US")
KINDS = (
    ("sheriff", "County Sheriff's Office"),
    ("police", "Police Department"),
    ("jail", "County Jail"),
    ("city", "City Clerk"),
    ("county", "County Commission"),
    ("council_clerk", "Town Council Clerk"),
    ("state", "State Police"),
)
SUBJECTS = ("agreements", "forfeiture", "communications", "other")
STATUSES = ("draft", "sent", "acknowledged", "in_progress", "fulfilled", "denied")
VISIBILITY = ("organization",) * 6 + ("private", "public")
START = datetime(2024, 1, 1, tzinfo=UTC)
TODAY = date(2026, 11, 24)  # the suite's day; pages read the real clock, which only shifts the mix


@dataclass
class Seeded:
    """Ids the benchmarks need: the organization, its members and agencies, one request."""

    org_id: int
    user_id: int
    members: list[int]
    agencies: list[int]
    seeded: int = 0
    first_request: int = 0
    rng: random.Random = field(default_factory=lambda: random.Random(20261124))


def base(engine: Engine) -> Seeded:
    """One organization, three members (the first logs in with EMAIL/PASSWORD), the first
    ``AGENCIES`` agencies (in the shared directory, added by that organization)."""
    pw = hash_password(PASSWORD)
    with engine.begin() as conn:
        org_id = conn.execute(
            insert(Organization).values(name="Bench newsroom", kind="newsroom", created_at=START)
        ).inserted_primary_key[0]
        members = [
            conn.execute(
                insert(User).values(
                    email=EMAIL if m == 0 else f"m{m}@bench.example",
                    name=f"Member {m}",
                    password_hash=pw,
                    created_at=START,
                )
            ).inserted_primary_key[0]
            for m in range(3)
        ]
        conn.execute(
            insert(Membership),
            [
                {"org_id": org_id, "user_id": u, "role": "owner", "created_at": START}
                for u in members
            ],
        )
        s = Seeded(org_id, members[0], members, [])
        _agencies_up_to(conn, s, AGENCIES)
    return s


def _agencies_up_to(conn: Connection, s: Seeded, total: int) -> None:
    """Add agencies to the shared directory until it holds ``total`` (added by the measured
    organization), the first in a federal office's name and the rest across the states."""
    start = len(s.agencies)
    if start >= total:
        return
    rows = []
    for a in range(start, total):
        level, kind = KINDS[a % len(KINDS)]
        juris = "US" if a < 10 else STATES[(a // len(KINDS)) % len(STATES)]
        name = f"U.S. Federal Office {a}" if a < 10 else f"Place {a} {kind}"
        rows.append(
            {
                "created_by_org_id": s.org_id,
                "name": name,
                "name_key": name.lower().replace("'", "").replace(".", ""),
                "level": "federal" if a < 10 else level,
                "jurisdiction": juris,
                "foia_email": f"records{a}@agency.example" if a % 3 else "",
                "mailing_address": "",
                "created_at": START,
                "updated_at": START,
            }
        )
    for i in range(0, len(rows), 5000):
        conn.execute(insert(Agency), rows[i : i + 5000])
    s.agencies = list(conn.execute(select(Agency.id).order_by(Agency.id)).scalars())  # type: ignore[arg-type]


def requests_up_to(engine: Engine, s: Seeded, total: int, batch: int = 5000) -> None:
    """Insert requests (each with one open deadline) until ``total`` exist, the directory
    grown first to one agency for every ``REQUESTS_PER_AGENCY`` of them."""
    rng = s.rng
    with engine.begin() as conn:
        _agencies_up_to(conn, s, max(AGENCIES, total // REQUESTS_PER_AGENCY))
        while s.seeded < total:
            n = min(total, s.seeded + batch) - s.seeded
            rows = []
            for i in range(s.seeded, s.seeded + n):
                stamp = START + timedelta(minutes=rng.randrange(0, 1_000_000))
                rows.append(
                    {
                        "org_id": s.org_id,
                        "agency_id": rng.choice(s.agencies),
                        "created_by": rng.choice(s.members),
                        "assignee_id": rng.choice([*s.members, None]),
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
            ids = list(
                conn.execute(
                    select(RecordRequest.id)
                    .where(RecordRequest.org_id == s.org_id)
                    .order_by(RecordRequest.id.desc())  # type: ignore[union-attr]
                    .limit(n)
                ).scalars()
            )
            if not s.first_request:
                s.first_request = min(ids)

            def due() -> date:
                x = rng.random()
                if x < 0.1:
                    return TODAY - timedelta(days=rng.randrange(1, 400))
                if x < 0.15:
                    return TODAY + timedelta(days=rng.randrange(0, 7))
                return TODAY + timedelta(days=rng.randrange(8, 300))

            conn.execute(
                insert(Deadline),
                [
                    {
                        "org_id": s.org_id,
                        "request_id": rid,
                        "clock": "response",
                        "due": due(),
                        "statutory": True,
                        "state": "open",
                        "computed_at": START,
                    }
                    for rid in ids
                ],
            )
            s.seeded += n
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))

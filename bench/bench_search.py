"""Benchmark: full-text search through the app against the raw FTS query, in the same run.

Usage: python bench/bench_search.py [--n 100000] [--words 2000] [--repeat 40] [--pg URL]

Builds N documents of synthetic text (about ``--words`` words each, a Zipf-like vocabulary mixed
with the product's domain terms) once into ``bench/out/search-<n>-<words>.db`` (reused on later
runs; ``--rebuild`` starts over), then times for a logged-in member: (a) ``GET /search/?q=...``
through the Flask test client, with access rules, joins and highlighted snippets; (b) the bare FTS
query (``search.raw_fts_sqlite`` or ``search.raw_fts_postgres``). Prints p50 and p95 of each and the
app/raw ratio; target at most 1.5. ``--pg URL`` builds the data set in a schema of its own
(``bench_search``) in that PostgreSQL database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import records.models  # noqa: E402,F401  (registers every table)
from records import create_app, search  # noqa: E402
from records.db import get_session, make_engine  # noqa: E402
from records.models import Agency, Membership, Organization, RecordRequest, User  # noqa: E402
from records.models_filing import Document, SearchEntry, StoredFile  # noqa: E402

CREATED = datetime(2026, 1, 5, tzinfo=UTC)
OUT = Path(__file__).resolve().parent / "out"
DOCS_PER_REQUEST = 50
BATCH = 1000
DOMAIN = [
    "detainer",
    "ICE",
    "ERO",
    "HSI",
    "287(g)",
    "memorandum",
    "agreement",
    "jail",
    "sheriff",
    "booking",
    "release",
    "notification",
    "forfeiture",
    "equitable",
    "sharing",
    "DAG-71",
    "ledger",
    "warrant",
    "I-247A",
    "I-200",
    "I-205",
    "county",
    "council",
    "overtime",
    "reimbursement",
    "task",
    "force",
    "officer",
    "customs",
    "Madison",
    "Jefferson",
    "Pinellas",
]
QUERIES = ("detainer", "equitable sharing", "Pinellas warrant", "qarvel", "jail booking release")


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = {"".join(rng.choices(letters, k=rng.randint(3, 10))) for _ in range(20000)}
    vocab = sorted(words) + DOMAIN
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]
    rng.shuffle(weights)
    return vocab, weights


def build(url: str, n: int, words: int) -> None:
    """Create the schema and insert ``n`` synthetic documents with their index rows."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    rng = random.Random(6)
    vocab, weights = _vocabulary(rng)
    with Session(engine) as db:
        org = Organization(name="Bench Newsroom")
        user = User(email="bench@example.org", name="Bench", password_hash="x")
        db.add_all([org, user])
        db.flush()
        db.add(Membership(org_id=org.id, user_id=user.id, role="owner"))
        agencies = [Agency(org_id=org.id, name=f"Agency {i}", jurisdiction="AL") for i in range(10)]
        db.add_all(agencies)
        db.add(StoredFile(sha256="0" * 64, size=1, mime="text/plain"))
        db.flush()
        req_ids = []
        for i in range(max(1, n // DOCS_PER_REQUEST)):
            req = RecordRequest(
                org_id=org.id,
                agency_id=agencies[i % 10].id,
                created_by=user.id,
                title=f"Request {i} about {rng.choice(DOMAIN)}",
            )
            db.add(req)
            req_ids.append(req)
        db.flush()
        req_ids = [r.id for r in req_ids]
        db.commit()
        started = time.monotonic()
        for first in range(0, n, BATCH):
            docs, entries = [], []
            for i in range(first, min(n, first + BATCH)):
                body = " ".join(rng.choices(vocab, weights, k=words))
                doc_id = i + 1
                request_id = req_ids[i // DOCS_PER_REQUEST % len(req_ids)]
                docs.append(
                    {
                        "id": doc_id,
                        "org_id": org.id,
                        "request_id": request_id,
                        "sha256": "0" * 64,
                        "name": f"doc-{doc_id}.txt",
                        "mime": "text/plain",
                        "size": len(body),
                        "visibility": "organization",
                        "text_status": "done",
                        "text": body,
                        "exemptions": "[]",
                        "redaction_notes": "",
                        "description": "",
                        "source": "upload",
                        "text_progress": 100,
                        "text_error": "",
                        "created_at": CREATED,
                    }
                )
                entries.append(
                    {
                        "kind": "document",
                        "item_id": doc_id,
                        "org_id": org.id,
                        "request_id": request_id,
                        "title": f"doc-{doc_id}.txt",
                        "body": body,
                    }
                )
            db.exec(insert(Document), params=docs)
            db.exec(insert(SearchEntry), params=entries)
            db.commit()
            done = min(n, first + BATCH)
            print(f"  {done}/{n} documents ({time.monotonic() - started:.0f} s)", flush=True)
        if engine.dialect.name == "postgresql":
            db.exec(text("ANALYZE"))
            db.commit()
        if engine.dialect.name == "sqlite":
            db.exec(text("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('optimize')"))
            db.commit()
    engine.dispose()


def percentiles(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """p50 and p95 wall time of ``fn`` in ms, after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--words", type=int, default=2000, help="words per document")
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per query")
    parser.add_argument("--pg", help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached data set")
    args = parser.parse_args()

    if args.pg:
        url = args.pg + ("&" if "?" in args.pg else "?") + "options=-csearch_path%3Dbench_search"
        admin = make_engine(args.pg)
        with admin.begin() as conn:
            if args.rebuild:
                conn.execute(text("DROP SCHEMA IF EXISTS bench_search CASCADE"))
            conn.execute(text("CREATE SCHEMA IF NOT EXISTS bench_search"))
        admin.dispose()
        probe = make_engine(url)
        with probe.connect() as conn:
            exists = conn.execute(text("SELECT to_regclass('searchentry')")).scalar()
            count = conn.execute(text("SELECT count(*) FROM document")).scalar() if exists else 0
        probe.dispose()
        if count != args.n:
            print(f"building {args.n} documents in PostgreSQL schema bench_search ...")
            build(url, args.n, args.words)
    else:
        OUT.mkdir(exist_ok=True)
        path = OUT / f"search-{args.n}-{args.words}.db"
        if args.rebuild and path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
        if not path.exists():
            print(f"building {args.n} documents into {path.name} ...")
            build(url, args.n, args.words)

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": tmp, "TESTING": True}
        )
        client = app.test_client()
        with app.app_context():
            db = get_session()
            user_id, org_id = db.exec(text("SELECT user_id, org_id FROM membership")).first()
        with client.session_transaction() as sess:
            sess["_user_id"], sess["_fresh"], sess["org_id"] = f"{user_id}:1", True, org_id
        raw = search.raw_fts_postgres if args.pg else search.raw_fts_sqlite
        print(f"{args.n} documents, {args.words} words each; {args.repeat} runs per query")
        print(
            f"{'query':<24}{'hits':>6}{'app p50':>10}{'app p95':>10}{'raw p50':>10}"
            f"{'raw p95':>10}{'ratio':>8}"
        )
        ratios = []
        for q in QUERIES:

            def through_app(q: str = q) -> None:
                resp = client.get("/search/", query_string={"q": q})
                assert resp.status_code == 200, resp.status_code
                resp.close()

            with app.app_context():
                db = get_session()
                hits = len(raw(db, q))

                def bare(q: str = q, db: Any = db) -> None:
                    raw(db, q)

                raw50, raw95 = percentiles(bare, args.repeat)
            app50, app95 = percentiles(through_app, args.repeat)
            ratio = app50 / raw50 if raw50 else float("inf")
            ratios.append(ratio)
            print(
                f"{q:<24}{hits:>6}{app50:>10.2f}{app95:>10.2f}{raw50:>10.2f}{raw95:>10.2f}"
                f"{ratio:>8.2f}"
            )
        worst = max(ratios)
        print(f"worst p50 ratio app/raw: {worst:.2f} (target at most 1.5)")
        app.extensions["db_engine"].dispose()
    return 0 if worst <= 1.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: full-text search through the app against the best raw FTS query, in the same run.

Usage: python bench/bench_search.py [--n 100000] [--words 2000] [--rounds 15] [--pg URL]
                                    [--data-dir DIR] [--rebuild]

Builds N documents of synthetic text (about ``--words`` words each, a Zipf-like vocabulary mixed
with the product's domain terms) once into a scratch folder outside the repository
(``--data-dir``, default the system temporary folder; reused on later runs, ``--rebuild`` starts
over), then times, for a member with an API token, in interleaved rounds (app, raw, raw, app, …):

- **app**: ``GET /api/v1/search?q=…`` through the Flask test client: token check, access rules,
  ranking and highlighted snippets, serialized to JSON;
- **raw**: the best hand-written query for the same hits (``search.raw_fts_sqlite`` or
  ``search.raw_fts_postgres``: the organization's entries ranked by the engine, then the page's
  snippets), on the same connection pool;
- **page**: the results page ``GET /search/?q=…`` for the same member (signed in): the hits,
  facets by kind, jurisdiction, subject, status and year, and the HTML.

Queries cover a common term, rare terms and a term with no hits. Prints the medians and, per
query, ``ratio = app / raw (target ≤ 1.5)`` and ``page = page / raw (target ≤ 3)``, each ok or
MISSED; exits with status 1 on a miss. It also prints the **floor**: the same API request with
an empty query (token check, routing, JSON; no index work), and ``search work = (app − floor) /
raw``, the part of the ratio the search itself is responsible for. Where the raw query takes a
fraction of a millisecond (no hits), the floor alone exceeds 1.5 × raw: that ratio measures the
web stack, not the search. ``--pg URL`` builds the data set in a schema of its own
(``bench_search``) in that PostgreSQL database.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import records.schema.tables  # noqa: E402,F401  (every table on SQLModel.metadata)
from records import create_app  # noqa: E402
from records.core.auth import issue_api_token  # noqa: E402
from records.core.db import get_session, make_engine  # noqa: E402
from records.core.models import Agency, Membership, Organization, RecordRequest, User  # noqa: E402
from records.filing.models import Document, SearchEntry, StoredFile  # noqa: E402
from records.search import query as search  # noqa: E402

CREATED = datetime(2026, 1, 5, tzinfo=UTC)
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
QUERIES = (
    ("common", "detainer"),
    ("common", "equitable sharing"),
    ("rare", "Pinellas warrant"),
    ("rare", '"jail booking release"'),
    ("none", "qarvel"),
)


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
        req_ids: list[Any] = []
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
        # Requests were indexed by the product's own listener on flush.
        agency_of = {r.id: r.agency_id for r in req_ids}
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
                        "exemptions": [],
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
                        "agency_id": agency_of[request_id],
                        "on": CREATED.date(),
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
            # The steady state autovacuum keeps: statistics, and the GIN index's pending list
            # merged (freshly bulk-loaded, every scan also reads that list: about 1 ms a query).
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE searchentry"))
                conn.execute(text("ANALYZE"))
        if engine.dialect.name == "sqlite":
            db.exec(text("INSERT INTO searchentry_fts(searchentry_fts) VALUES ('optimize')"))
            db.commit()
    engine.dispose()


def pg_plan(db: Any, q: str, org_id: int) -> str:
    """PostgreSQL's plan for the app's ranked query (the organization's candidates)."""
    parsed = search.parse(q)
    tsq, params = search.pg_tsquery(parsed, "m")
    sql = search._candidates_sql("postgresql", tsq, search._shape(search.SearchFilters()))
    values = search._filter_values(search.SearchFilters())
    rows = db.connection().execute(
        text("EXPLAIN " + str(sql)), {**params, **values, "org": org_id, "n": 50}
    )
    return "\n".join(r[0] for r in rows)


def interleaved(app_fn: Any, raw_fn: Any, rounds: int) -> tuple[float, float]:
    """Medians (ms) of ``app_fn`` and ``raw_fn`` timed in alternating order, after warm-up."""
    for fn in (app_fn, raw_fn, app_fn, raw_fn):
        fn()
    app_t, raw_t = [], []
    for i in range(rounds):
        pair = ((app_fn, app_t), (raw_fn, raw_t))
        for fn, out in pair if i % 2 == 0 else reversed(pair):
            start = time.perf_counter()
            fn()
            out.append((time.perf_counter() - start) * 1000)
    return statistics.median(app_t), statistics.median(raw_t)


def _timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="documents (default 100,000)")
    parser.add_argument("--words", type=int, default=2000, help="words per document")
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds per query")
    parser.add_argument("--pg", help="PostgreSQL URL (postgresql+psycopg://...)")
    parser.add_argument("--data-dir", default=tempfile.gettempdir(), help="scratch folder")
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
            if exists:
                print("stale data set: pass --rebuild")
                return 2
            print(f"building {args.n} documents in PostgreSQL schema bench_search ...")
            build(url, args.n, args.words)
    else:
        folder = Path(args.data_dir)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"records-bench-search-{args.n}-{args.words}.db"
        if args.rebuild and path.exists():
            path.unlink()
        url = f"sqlite:///{path}"
        if not path.exists():
            print(f"building {args.n} documents into {path} ...")
            build(url, args.n, args.words)

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"DATABASE_URL": url, "SECRET_KEY": "bench", "STORAGE_DIR": tmp, "TESTING": True}
        )
        client = app.test_client()
        with app.test_request_context():
            db = get_session()
            user_id, org_id = db.exec(text("SELECT user_id, org_id FROM membership")).first()
            token = issue_api_token(db.get(User, user_id), org_id, "bench")
            db.commit()
        headers = {"Authorization": f"Bearer {token}"}
        browser = app.test_client()
        with app.app_context():
            user = get_session().get(User, user_id)
            session_id = user.get_id()
        with browser.session_transaction() as sess:  # signed in, as the login form leaves it
            sess["_user_id"] = session_id
            sess["_fresh"] = True
            sess["org_id"] = org_id
        raw = search.raw_fts_postgres if args.pg else search.raw_fts_sqlite
        engine = "PostgreSQL" if args.pg else "SQLite"
        print(f"{engine}: {args.n} documents, {args.words} words each; {args.rounds} rounds")
        missed = False

        def floor() -> None:
            resp = client.get("/api/v1/search", query_string={"q": ""}, headers=headers)
            assert resp.status_code == 200 and resp.json["items"] == [], resp.status_code
            resp.close()

        def empty_page() -> None:
            resp = browser.get("/search/")
            assert resp.status_code == 200, resp.status_code
            resp.close()

        for _ in range(20):
            floor()
            empty_page()
        floor_ms = statistics.median(_timed(floor) for _ in range(5 * args.rounds))
        page_floor_ms = statistics.median(_timed(empty_page) for _ in range(5 * args.rounds))
        if args.pg:
            with app.app_context():
                db = get_session()
                plan = pg_plan(db, QUERIES[0][1], org_id)
                db.rollback()
            uses_gin = "ix_searchentry_tsv" in plan
            missed |= not uses_gin
            print(
                f"{QUERIES[0][1]!r} is ranked on the stored tsvector through its GIN index: "
                f"{'ok' if uses_gin else 'MISSED'}"
            )
        print(f"{'query':<26}{'kind':<8}{'hits':>6}{'app ms':>10}{'raw ms':>10}{'page ms':>10}")
        for kind, q in QUERIES:

            def results_page(q: str = q) -> None:
                resp = browser.get("/search/", query_string={"q": q})
                assert resp.status_code == 200, resp.status_code
                resp.close()

            def through_app(q: str = q) -> Any:
                resp = client.get("/api/v1/search", query_string={"q": q}, headers=headers)
                assert resp.status_code == 200, resp.status_code
                items = resp.json["items"]
                resp.close()
                return items

            with app.app_context():
                db = get_session()
                same = raw(db, q, org_id)
                got = through_app()
                # Same hits in the same order, with the same snippets (the app answers with
                # item ids, the baseline with entry ids).
                ids = [i for i, _s in same] or [0]
                item = {
                    r[0]: (r[1], r[2])
                    for r in db.exec(
                        select(SearchEntry.id, SearchEntry.kind, SearchEntry.item_id).where(
                            SearchEntry.id.in_(ids)
                        )
                    ).all()
                }
                expected = [(*item[i], str(search.highlight(snip or ""))) for i, snip in same]
                answered = [(h["kind"], h["id"], h["snippet_html"]) for h in got]
                assert answered == expected, (q, answered[:3], expected[:3])
                db.rollback()

                def bare(q: str = q, db: Any = db) -> None:
                    raw(db, q, org_id)
                    db.rollback()  # end the read, as the app's request does

                app_ms, raw_ms = interleaved(through_app, bare, args.rounds)
                page_ms, page_raw_ms = interleaved(results_page, bare, max(5, args.rounds // 3))
            ratio = app_ms / raw_ms if raw_ms else float("inf")
            page_ratio = page_ms / page_raw_ms if page_raw_ms else float("inf")
            work = max(0.0, app_ms - floor_ms) / raw_ms if raw_ms else float("inf")
            ok, page_ok = ratio <= 1.5, page_ratio <= 3
            missed |= not (ok and page_ok)
            print(f"{q:<26}{kind:<8}{len(got):>6}{app_ms:>10.2f}{raw_ms:>10.2f}{page_ms:>10.2f}")
            print(
                f"    ratio = {ratio:.2f} (target ≤ 1.5): {'ok' if ok else 'MISSED'}; "
                f"search work = {work:.2f}; page = {page_ratio:.2f} (target ≤ 3): "
                f"{'ok' if page_ok else 'MISSED'}"
            )
        print(f"floor (the same API request, empty query, no index work): {floor_ms:.2f} ms")
        print(f"page floor (the search page without a query): {page_floor_ms:.2f} ms")
        app.extensions["db_engine"].dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())

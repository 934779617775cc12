"""Load benchmark: gunicorn + PostgreSQL on loopback, 16 concurrent clients.

Usage: python bench/bench_load.py [--db URL] [--clients 16] [--seconds 5] [--workers 4]

Creates a scratch database next to the one in ``--db`` (default: BENCH_DATABASE_URL, then
TEST_DATABASE_URL), seeds an organization with requests, starts gunicorn, logs in, and measures
requests per second for the dashboard, a request page and search against ``/livez`` (no database,
no template) on the same server in the same run. Prints each page's throughput as a ratio of the
baseline (target: at least 0.2) and the error count; exits 1 on any error. The scratch database is
dropped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import records.tables  # noqa: E402,F401  (every table on SQLModel.metadata)
from records.db import make_engine  # noqa: E402
from records.models import Agency, Membership, Organization, RecordRequest, User  # noqa: E402
from records.security import hash_password  # noqa: E402

EMAIL, PASSWORD = "bench@example.org", "bench password 123"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(url: str, n_requests: int) -> int:
    """One organization, 20 agencies and ``n_requests`` requests; returns one request id."""
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    with Session(engine) as db:
        org = Organization(name="Bench newsroom")
        user = User(email=EMAIL, name="Bench", password_hash=hash_password(PASSWORD))
        db.add_all([org, user])
        db.flush()
        db.add(Membership(org_id=org.id, user_id=user.id, role="owner"))
        agencies = [
            Agency(org_id=org.id, name=f"County Sheriff {i}", jurisdiction="TX", level="sheriff")
            for i in range(20)
        ]
        db.add_all(agencies)
        db.flush()
        reqs = [
            RecordRequest(
                org_id=org.id,
                agency_id=agencies[i % 20].id,
                created_by=user.id,
                title=f"287(g) agreement records {i}",
                description="Signed MOA, amendments, training records and statistics.",
                subject="agreements",
                law_code="TX",
            )
            for i in range(n_requests)
        ]
        db.add_all(reqs)
        db.commit()
        rid = reqs[0].id
    engine.dispose()
    return rid


def login(port: int) -> str:
    """Log in through the form (with its CSRF token); return the session cookie."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login")
    resp = conn.getresponse()
    page = resp.read().decode()
    cookie = (resp.getheader("Set-Cookie") or "").split(";")[0]
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    body = urlencode(
        {"email": EMAIL, "password": PASSWORD, "csrf_token": match.group(1) if match else ""}
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    conn.request("POST", "/login", body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    if resp.status != 302:
        raise SystemExit(f"login failed: {resp.status}")
    return (resp.getheader("Set-Cookie") or cookie).split(";")[0]


def hammer(port: int, path: str, cookie: str, clients: int, seconds: float) -> tuple[float, int]:
    """``clients`` threads on keep-alive connections for ``seconds``: (requests/s, errors)."""
    done = [0] * clients
    errors = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors[i] += 1
                done[i] += 1
            except (OSError, http.client.HTTPException):
                errors[i] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start), sum(errors)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL"),
        help="a PostgreSQL URL whose server may host a scratch database",
    )
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--requests", type=int, default=500)
    args = parser.parse_args()
    if not args.db or not args.db.startswith("postgresql"):
        print("bench_load: skipped; set BENCH_DATABASE_URL or TEST_DATABASE_URL to PostgreSQL")
        return 0
    base = make_url(args.db)
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(args.db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    port = free_port()
    server = None
    try:
        rid = seed(url, args.requests)
        instance = tempfile.mkdtemp(prefix="records-bench-")
        env = os.environ | {
            "DATABASE_URL": url,
            "RECORDS_INSTANCE_PATH": instance,
            "SECRET_KEY": uuid.uuid4().hex,
            "SCHEDULER_ENABLED": "false",
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        server = subprocess.Popen(  # noqa: S603
            [gunicorn, "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(instance) / "gunicorn.log", "wb"),  # noqa: SIM115
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        cookie = login(port)
        pages = {
            "hello (/livez)": "/livez",
            "dashboard": "/",
            "request page": f"/requests/{rid}",
            "search": "/search/?q=agreement",
        }
        for path in pages.values():  # warm every worker's caches and connections
            hammer(port, path, cookie, args.clients, 0.5)
        results = {label: hammer(port, path, cookie, args.clients, args.seconds)
                   for label, path in pages.items()}  # fmt: skip
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    hello = results["hello (/livez)"][0]
    total_errors = sum(err for _rps, err in results.values())
    print(f"gunicorn {args.workers} workers, {args.clients} clients, {args.seconds:.0f}s each")
    for label, (rps, err) in results.items():
        ratio = rps / hello if hello else 0.0
        verdict = "" if label.startswith("hello") else ("  ok" if ratio >= 0.2 else "  BELOW 1/5")
        print(f"  {label:16s} {rps:8.1f} req/s  ratio {ratio:5.2f}  errors {err}{verdict}")
    print(f"errors: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())

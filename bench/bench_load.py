"""Throughput: pages per second through gunicorn against a hello-world Flask app on the same settings.

Usage: python bench/bench_load.py [--rows 100000] [--pg URL] [--workers 2] [--connections 8]

Seeds one organization with a tenth of ``--rows`` requests and then all of them (SQLite file, or
a temporary schema of ``--pg``), measuring at each size;
starts the app and ``bench/hello_app.py`` under gunicorn with the same workers, and drives each
with the same keep-alive load generator (``--connections`` threads on http.client, a logged-in
session cookie or a bearer token). App page and hello-world are loaded in turn (ABBA rounds of
``--seconds`` each); the ratio is the median of the rounds' pages/s over hello-world's.
Target: every page at least 1/5 of hello-world. Exits 1 on a miss or on any error.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402
import seed  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from records.core.db import make_engine  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
        {
            "email": seed.EMAIL,
            "password": seed.PASSWORD,
            "csrf_token": match.group(1) if match else "",
        }
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    conn.request("POST", "/login", body=body, headers=headers)
    resp = conn.getresponse()
    resp.read()
    if resp.status != 302:
        raise SystemExit(f"login failed: {resp.status}")
    return (resp.getheader("Set-Cookie") or cookie).split(";")[0]


def load(
    port: int, path: str, headers: dict[str, str], conns: int, seconds: float
) -> tuple[float, int]:
    """``conns`` threads on keep-alive connections for ``seconds``: (responses/s, errors)."""
    done = [0] * conns
    errors = [0] * conns
    deadline = time.perf_counter() + seconds

    def client(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            try:
                conn.request("GET", path, headers=headers)
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
    threads = [threading.Thread(target=client, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.perf_counter() - start), sum(errors)


def serve(target: str, cwd: Path, env: dict[str, str], workers: int, log: Path) -> tuple[Any, int]:
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(  # noqa: S603 - fixed argv
        [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}", target],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115
    )
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gunicorn {target} did not start; see its log")


def main() -> int:
    p = harness.parser(__doc__)
    p.add_argument("--rows", type=int, default=100_000, help="requests at full size")
    p.add_argument("--pg", default="", help="PostgreSQL URL (a temporary schema is used)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=float, default=2.0)
    args = p.parse_args()
    rows = 1_000 if args.quick else args.rows
    sizes = (rows,) if args.quick else (rows // 10, rows)
    rounds = args.rounds or (2 if args.quick else 4)
    seconds = 1.0 if args.quick else args.seconds
    db_name = "postgresql" if args.pg else "sqlite"
    report = harness.Report(
        f"throughput ({db_name}, {' and '.join(f'{n:,}' for n in sizes)} requests)"
    )
    servers: list[Any] = []
    with harness.scratch() as tmp, harness.database(args.pg, tmp) as url:
        try:
            engine = make_engine(url)
            SQLModel.metadata.create_all(engine)
            s = seed.base(engine)
            seed.requests_up_to(engine, s, sizes[0])
            env = os.environ | {
                "DATABASE_URL": url,
                "RECORDS_INSTANCE_PATH": str(tmp / "instance"),
                "SECRET_KEY": secrets.token_hex(16),
                "SCHEDULER_ENABLED": "false",
                "STORAGE_DIR": str(tmp / "storage"),
            }
            from records import create_app
            from records.core.auth import issue_api_token
            from records.core.db import get_session
            from records.core.models import User

            app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "TESTING": True})
            with app.test_request_context():
                user = get_session().get(User, s.user_id)
                token = issue_api_token(user, s.org_id, "bench")
                get_session().commit()
            app.extensions["db_engine"].dispose()
            engine.dispose()
            app_proc, app_port = serve("app:app", ROOT, env, args.workers, tmp / "app.log")
            servers.append(app_proc)
            hello_proc, hello_port = serve("hello_app:app", BENCH, env, args.workers, tmp / "h.log")
            servers.append(hello_proc)
            cookie = {"Cookie": login(app_port)}
            pages = {
                "request list": ("/requests/", cookie),
                "request page": (f"/requests/{s.first_request}", cookie),
                "dashboard": ("/", cookie),
                "search": ("/search/?q=agreement", cookie),
                "api list": ("/api/v1/requests?per_page=25", {"Authorization": f"Bearer {token}"}),
            }
            n = args.connections
            load(hello_port, "/", {}, n, 0.5)
            errors = 0
            for size in sizes:
                seed.requests_up_to(engine, s, size)
                print(
                    f"\n== {size:,} requests: gunicorn {args.workers} workers, {n} connections, "
                    f"{seconds:g}s a turn, {db_name}"
                )
                for name, (path, headers) in pages.items():
                    load(app_port, path, headers, n, 0.5)  # warm each worker
                    app_rps: list[float] = []
                    hello_rps: list[float] = []
                    for r in range(rounds):
                        turns = [("app", app_port, path, headers), ("hello", hello_port, "/", {})]
                        for label, port, pth, hdr in turns if r % 2 == 0 else turns[::-1]:
                            rps, err = load(port, pth, hdr, n, seconds)
                            errors += err
                            (app_rps if label == "app" else hello_rps).append(rps)
                    ratios = harness.Stats([a / h for a, h in zip(app_rps, hello_rps, strict=True)])
                    report.info(
                        f"{name}: {harness.Stats(app_rps).median:.0f} pages/s, hello-world "
                        f"{harness.Stats(hello_rps).median:.0f}/s; ratio spread "
                        f"{min(ratios.samples):.3f}–{max(ratios.samples):.3f}"
                    )
                    report.check(
                        f"{name} throughput / hello-world at {size:,}",
                        ratios.median,
                        0.2,
                        at_most=False,
                    )
            report.check("errors", errors, 0)
        finally:
            for proc in servers:
                proc.terminate()
                proc.wait(timeout=30)
    return report.finish()


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark: peak memory of a large upload through the app, above the idle process.

Usage: python bench/bench_upload.py [--mb 200]

Runs in a child process: builds the app on a temporary SQLite database, reads its resident memory
(``VmRSS`` in /proc) when idle, streams a ``--mb`` megabyte file through ``POST
/api/v1/requests/<id>/documents`` with the Flask test client (the body is a file on disk, never a
bytes object), then reads the peak (``VmHWM``). Target: under 100 MB above idle.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _status(field: str) -> int:
    """A /proc/self/status memory field in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not found")


def child(mb: int) -> int:
    """Upload ``mb`` megabytes once and print idle RSS and peak RSS (kB)."""
    from sqlmodel import SQLModel

    import records.tables  # noqa: F401  (every table on SQLModel.metadata)
    from records import create_app
    from records.auth import issue_api_token
    from records.db import get_session, make_engine
    from records.models import Agency, Membership, Organization, RecordRequest, User

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        SQLModel.metadata.create_all(engine)
        engine.dispose()
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "STORAGE_DIR": f"{tmp}/storage",
                "TESTING": True,
                "MAX_UPLOAD_MB": mb + 10,
            }
        )
        with app.test_request_context():
            db = get_session()
            org, user = Organization(name="Bench"), User(email="b@example.org", password_hash="x")
            db.add_all([org, user])
            db.flush()
            db.add(Membership(org_id=org.id, user_id=user.id, role="owner"))
            agency = Agency(org_id=org.id, name="Sheriff", jurisdiction="AL")
            db.add(agency)
            db.flush()
            req = RecordRequest(org_id=org.id, agency_id=agency.id, created_by=user.id, title="x")
            db.add(req)
            db.flush()
            token, request_id = issue_api_token(user, org.id), req.id
            db.commit()
        source = Path(tmp) / "big.csv"
        with open(source, "wb") as out:
            row = b"detainer,release,notification," + b"x" * 993 + b"\n"
            for _ in range(mb * 1024):
                out.write(row)
        client = app.test_client()
        idle = _status("VmRSS")
        with open(source, "rb") as fh:
            resp = client.post(
                f"/api/v1/requests/{request_id}/documents",
                data={"file": (fh, "big.csv")},
                headers={"Authorization": f"Bearer {token}"},
                content_type="multipart/form-data",
            )
        assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
        peak = _status("VmHWM")
        print(f"{idle} {peak}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="upload size in MB (default 200)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.mb)
    out = subprocess.run(  # noqa: S603 - this script, fixed argv
        [sys.executable, __file__, "--child", "--mb", str(args.mb)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "SCHEDULER_ENABLED": "false"},
    )
    idle, peak = (int(x) for x in out.stdout.split()[-2:])
    above = (peak - idle) / 1024
    print(
        f"upload of {args.mb} MB: idle {idle / 1024:.1f} MB, peak {peak / 1024:.1f} MB, "
        f"{above:.1f} MB above idle (target under 100 MB)"
    )
    return 0 if above < 100 else 1


if __name__ == "__main__":
    raise SystemExit(main())

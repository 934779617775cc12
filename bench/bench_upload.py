"""Benchmark: a large upload through the app against a raw fsync'd copy of the same bytes.

Usage: python bench/bench_upload.py [--mb 200] [--rounds 3] [--quick]

Runs in a child process: builds the app on a temporary SQLite database and writes a ``--mb``
megabyte CSV and the multipart body that uploads it. Each round posts that body (streamed from
disk into ``POST /api/v1/requests/<id>/documents`` through the WSGI app: no client-side encoding
is timed) and, in turn (ABBA), copies the file with 1 MB reads and writes and an fsync, the
least any durable store of the upload does. Targets: median upload / copy at most 2; peak
resident memory (``VmHWM``) at most 100 MB above the idle process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

BOUNDARY = "records-bench-boundary"


def raw_copy(source: Path, target: Path) -> None:
    """Copy with 1 MB chunks and fsync the file (the baseline)."""
    with open(source, "rb") as src, open(target, "wb") as out:
        while chunk := src.read(1024 * 1024):
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    target.unlink()


def child(mb: int, rounds: int) -> int:
    """Upload ``mb`` megabytes ``rounds`` times, copy in turn; print the samples as JSON."""
    from sqlmodel import SQLModel

    import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
    from records import create_app
    from records.core.auth import issue_api_token
    from records.core.db import get_session, make_engine
    from records.core.models import Agency, Membership, Organization, RecordRequest, User

    with harness.scratch() as tmp:
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
        source = tmp / "big.csv"
        body = tmp / "body"
        with open(source, "wb") as out:
            for n in range(mb * 1024):
                # Each row differs, so every round's file is new to the content-addressed store.
                out.write(b"detainer,release,%08d," % n + b"x" * 1004 + b"\n")
        client = app.test_client()
        idle = harness.status_kb("VmRSS")

        def upload(r: int) -> None:
            with open(body, "wb") as out, open(source, "rb") as src:
                out.write(
                    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
                    f'filename="big{r}.csv"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                )
                out.write(f"round {r}\n".encode())  # a different file each round
                while chunk := src.read(1024 * 1024):
                    out.write(chunk)
                out.write(f"\r\n--{BOUNDARY}--\r\n".encode())
            size = body.stat().st_size
            with open(body, "rb") as fh:
                if os.environ.get("BENCH_PROFILE"):
                    import cProfile

                    prof = cProfile.Profile()
                    prof.enable()
                t0 = time.perf_counter()
                resp = client.post(
                    f"/api/v1/requests/{request_id}/documents",
                    input_stream=fh,
                    content_type=f"multipart/form-data; boundary={BOUNDARY}",
                    content_length=size,
                    headers={"Authorization": f"Bearer {token}"},
                )
                elapsed = time.perf_counter() - t0
                if os.environ.get("BENCH_PROFILE"):
                    prof.disable()
                    prof.dump_stats(os.environ["BENCH_PROFILE"])
            assert resp.status_code == 201, resp.get_data(as_text=True)[:300]
            samples["upload"].append(elapsed)

        def copy() -> None:
            os.sync()
            t0 = time.perf_counter()
            raw_copy(source, tmp / "copy")
            samples["copy"].append(time.perf_counter() - t0)

        samples: dict[str, list[float]] = {"upload": [], "copy": []}
        for r in range(rounds):
            for step in (upload, copy) if r % 2 == 0 else (copy, upload):
                if step is upload:
                    os.sync()
                    upload(r)
                else:
                    step()
        peak = harness.status_kb("VmHWM")
        print(json.dumps({"idle": idle, "peak": peak, **samples}))
    return 0


def main() -> int:
    p = harness.parser(__doc__)
    p.add_argument("--mb", type=int, default=200, help="upload size in MB (default 200)")
    p.add_argument("--child", action="store_true", help="(internal)")
    args = p.parse_args()
    mb = 50 if args.quick and args.mb == 200 else args.mb
    rounds = args.rounds or (2 if args.quick else 4)
    if args.child:
        return child(mb, rounds)
    out = subprocess.run(  # noqa: S603 - this script, fixed argv
        [sys.executable, __file__, "--child", "--mb", str(mb), "--rounds", str(rounds)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "SCHEDULER_ENABLED": "false"},
    )
    if out.returncode:
        print(out.stdout, out.stderr)
        return 1
    got = json.loads(out.stdout.strip().splitlines()[-1])
    up, cp = harness.Stats(got["upload"]), harness.Stats(got["copy"])
    report = harness.Report(f"upload ({mb} MB)")
    report.info(f"upload {up.show(1, 's')}; fsync'd copy {cp.show(1, 's')}")
    report.check("upload / fsync'd copy", harness.paired_ratio(up, cp), 2)
    report.check("peak RSS above idle (MB)", (got["peak"] - got["idle"]) / 1024, 100)
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())

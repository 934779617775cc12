"""Benchmark: cold start (a fresh interpreter importing the app and calling create_app) against
a bare Flask app (import flask, build ``Flask(__name__)`` with one route).

Usage: python bench/bench_coldstart.py [--rounds 15] [--quick]

Each sample is a new process, app and bare Flask in turn (ABBA); the ratio is the median of the
paired ratios. Target: at most 2. Also prints the modules the app's start imports that it could
leave until first use (python-docx, dateutil, holidays, APScheduler).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

APP = (
    "from records import create_app\n"
    "create_app({'TESTING': True, 'DATABASE_URL': 'sqlite://', 'SECRET_KEY': 'x',"
    " 'STORAGE_DIR': %r})\n"
)
BARE = "from flask import Flask\napp = Flask(__name__)\napp.add_url_rule('/', 'hi', lambda: 'hi')\n"
# The libraries every page needs, imported and nothing else: the floor of any start that builds
# the data layer up front (printed, no target).
LIBRARIES = "import flask, flask_login, flask_wtf, sqlalchemy.orm, sqlmodel\n"
HEAVY = ("docx", "dateutil", "holidays", "apscheduler", "lxml", "openpyxl", "pypdf", "boto3")


def runner(code: str, env: dict[str, str]) -> object:
    def run() -> None:
        subprocess.run([sys.executable, "-c", code], check=True, env=env)  # noqa: S603

    return run


def main() -> int:
    args = harness.parser(__doc__).parse_args()
    rounds = args.rounds or (5 if args.quick else 15)
    report = harness.Report("cold start")
    with harness.scratch() as tmp:
        # Both start from compiled bytecode, as an installed app does (pip compiles what it
        # installs): a checkout's own modules would otherwise be compiled on every start where
        # PYTHONDONTWRITEBYTECODE is set. The cache is scratch, written by the warm-up run.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"} | {
            "RECORDS_INSTANCE_PATH": str(tmp / "instance"),
            "SCHEDULER_ENABLED": "false",
            "PYTHONPATH": str(harness.ROOT),
            "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
        }
        app_code = APP % str(tmp / "storage")
        got = harness.interleave(
            {
                "app": runner(app_code, env),
                "bare": runner(BARE, env),
                "libraries": runner(LIBRARIES, env),
            },
            rounds,
            warmup=1,
        )
        probe = app_code + (
            f"import sys\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))\n"
        )
        loaded = subprocess.run(  # noqa: S603
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
    report.info(f"create_app {got['app'].show(1, 's')}; bare Flask {got['bare'].show(1, 's')}")
    report.info(f"heavy modules imported at start: {loaded or 'none'}")
    floor = harness.paired_ratio(got["libraries"], got["bare"])
    report.info(
        f"importing Flask, Flask-Login, Flask-WTF, SQLAlchemy's ORM and SQLModel alone "
        f"{got['libraries'].show(1, 's')}: {floor:.2f} × bare Flask"
    )
    report.check("cold start / bare Flask", harness.paired_ratio(got["app"], got["bare"]), 2)
    return report.finish()


if __name__ == "__main__":
    raise SystemExit(main())

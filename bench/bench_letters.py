"""Benchmark: batch letters (draft + .docx + streamed ZIP) against bare python-docx.

Run from the repository root with ``python bench/bench_letters.py [N]`` (with the project
installed, or ``PYTHONPATH=.``). It prints the time per letter for the whole
batch pipeline and for python-docx writing the same paragraphs into a blank document, both
measured in this run, and their ratio (target: at most 2). It then measures peak traced
memory for batches of 100 and N letters, which should be about the same: the ZIP is streamed.

Batch and baseline run in turn (ABBA rounds); the ratio is the median of the paired ratios.
``--rss`` also measures what the operating system sees instead: the resident set size a fresh
drafting process gains while the product's batch service drafts, stores and zips 100 letters
and 2,000 letters (each in its own process, read from /proc/self/status: VmHWM, the peak,
minus VmRSS before the batch). It prints both, their ratio, and the target (at most 1.5: flat).
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from docx import Document  # noqa: E402

from records.laws import law_codes  # noqa: E402
from records.letters.drafting import AgencyInfo, Letter, LetterRequest, Requester, draft_batch  # noqa: E402
from records.letters.output import write_batch_zip  # noqa: E402

REQUESTER = Requester(
    name="Jane Roe",
    organization="Border Desk News",
    email="jane@example.org",
    fee_category="news_media",
    waiver_justification="I will publish what the records show.",
    state="TX",
)
REQUEST = LetterRequest(
    subject="communications",
    items=["emails_ice", "detainers_i247a", "release_notifications", "policies_training"],
    letter_date=date(2026, 3, 2),
    variables={"date_from": date(2025, 1, 20)},
    want_fee_waiver=True,
)


def agencies(n: int) -> Iterator[AgencyInfo]:
    """``n`` sheriff's offices spread over every state in the law library."""
    states = [c for c in law_codes() if c != "US"]
    for i in range(n):
        code = states[i % len(states)]
        yield AgencyInfo(
            name=f"County {i} Sheriff's Office",
            level="sheriff",
            jurisdiction=code,
            mailing_address=f"{i} Main Street\nCounty Seat, {code}",
        )


def run_batch(n: int) -> float:
    """Seconds to draft ``n`` letters and stream them into a ZIP in a temporary file."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        write_batch_zip(draft_batch(REQUEST, REQUESTER, agencies(n)), out)
        return time.perf_counter() - start


def run_baseline(letters: list[Letter]) -> float:
    """Seconds for python-docx alone to write the same paragraphs into blank documents."""
    start = time.perf_counter()
    for letter in letters:
        doc = Document()
        for paragraph in letter.paragraphs:
            doc.add_paragraph(paragraph)
        doc.save(io.BytesIO())
    return time.perf_counter() - start


def peak_memory(n: int) -> int:
    """Peak traced bytes while streaming a batch of ``n`` letters."""
    tracemalloc.start()
    try:
        run_batch(n)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def run_service_batch(n: int) -> float:
    """Seconds for the product's batch service: ``n`` requests + stored letters + the ZIP.

    Uses a throwaway SQLite database, so it measures the database work the web batch does too.
    """
    from sqlmodel import SQLModel

    from records import create_app
    from records.access.visibility import Viewer
    from records.core.db import get_engine, get_session
    from records.core.models import Agency, Membership, Organization, User
    from records.letters.batch import create_batch, process_batch, write_zip
    from records.letters.models import RequesterProfile
    from records.letters.service import parse_options

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp}/bench.db", "SECRET_KEY": "bench"}
        )
        with app.app_context():
            SQLModel.metadata.create_all(get_engine())
            db = get_session()
            org = Organization(name="Bench")
            user = User(email="bench@example.org", name="Bench", password_hash="-")
            db.add_all([org, user])
            db.flush()
            db.add(Membership(org_id=org.id, user_id=user.id, role="owner"))
            db.add(
                RequesterProfile(
                    org_id=org.id,
                    user_id=user.id,
                    name=REQUESTER.name,
                    state="TX",
                    fee_category="news_media",
                    waiver_justification=REQUESTER.waiver_justification,
                )
            )
            rows = [
                Agency(
                    org_id=org.id,
                    name=a.name,
                    level=a.level,
                    jurisdiction=a.jurisdiction,
                    mailing_address=a.mailing_address,
                )
                for a in agencies(n)
            ]
            db.add_all(rows)
            db.commit()
            options = parse_options(
                {
                    "subject": REQUEST.subject,
                    "items": list(REQUEST.items),
                    "date_from": "2025-01-20",
                    "want_fee_waiver": True,
                }
            )
            start = time.perf_counter()
            batch = create_batch(
                db, org.id, user.id, options, REQUEST.letter_date, [r.id for r in rows]
            )
            while process_batch(db, batch, limit=100):
                db.commit()
            with tempfile.TemporaryFile() as out:
                write_zip(db, batch, out, Viewer.member(org.id, user.id))
            elapsed = time.perf_counter() - start
            assert batch.done == n, f"only {batch.done} of {n} letters drafted"
        app.extensions["db_engine"].dispose()
    return elapsed


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{key} not in /proc/self/status")


def rss_child(n: int) -> None:
    """In a fresh process: print the RSS growth (kB) of a service batch of ``n`` letters."""
    run_service_batch(5)  # import and warm everything the batch uses
    before = _status_kb("VmRSS")
    run_service_batch(n)
    print(_status_kb("VmHWM") - before)


def rss_growth(n: int) -> int:
    """RSS growth in kB of a fresh process drafting a batch of ``n`` letters."""
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--rss-child", str(n)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    return int(out.stdout.strip().splitlines()[-1])


def main_rss(report: harness.Report, small: int = 100, large: int = 2000) -> None:
    """Check the RSS a drafting process gains at ``small`` and ``large`` letters."""
    a, b = rss_growth(small), rss_growth(large)
    report.info(f"RSS growth: {small} letters {a / 1024:.1f} MB, {large} letters {b / 1024:.1f} MB")
    report.check(f"RSS growth {large} / {small} letters", b / max(a, 1), 1.5)


def main(n: int, rounds: int, report: harness.Report) -> None:
    """Time per letter against bare python-docx (interleaved rounds) and peak memory 100 vs n."""
    run_batch(5)  # warm caches (law library, templates, python-docx's default template)
    letters = list(draft_batch(REQUEST, REQUESTER, agencies(n)))
    got = harness.interleave(
        {"batch": lambda: run_batch(n), "docx": lambda: run_baseline(letters)}, rounds, warmup=0
    )
    per = 1000 / n
    report.info(
        f"{n} letters: batch pipeline {got['batch'].show(per)} a letter; "
        f"python-docx alone {got['docx'].show(per)} a letter"
    )
    report.check(
        "batch pipeline / python-docx alone", harness.paired_ratio(got["batch"], got["docx"]), 2
    )
    service = run_service_batch(n)
    report.info(
        f"batch service (requests + stored letters + ZIP): {service / n * 1000:.2f} ms/letter"
        f" ({service / got['docx'].median:.2f}x python-docx alone; no target)"
    )
    small, large = peak_memory(100), peak_memory(n)
    report.info(
        f"peak traced memory: 100 letters {small / 1e6:.1f} MB, {n} letters {large / 1e6:.1f} MB"
    )
    report.check(f"peak memory {n} / 100 letters", large / small, 1.5)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--rss-child"]:
        rss_child(int(sys.argv[2]))
        sys.exit(0)
    parser = harness.parser(__doc__)
    parser.add_argument("n", nargs="?", type=int, default=500, help="letters per batch")
    parser.add_argument("--rss", action="store_true", help="also measure RSS growth 100 vs 2,000")
    args = parser.parse_args()
    verdicts = harness.Report("letters")
    n = 200 if args.quick else args.n
    main(n, args.rounds or (3 if args.quick else 5), verdicts)
    if args.rss:
        main_rss(verdicts, 100, 500 if args.quick else 2000)
    sys.exit(verdicts.finish())

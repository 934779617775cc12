"""Batches: one draft to many agencies -> one request and one stored letter per agency.

A ``BatchJob`` row keeps the draft, the agencies still to do and each agency's result, so the
work can run in chunks (in the request that created it, from the progress page, or from the
periodic job) and survive a restart. Each agency is drafted under its own law.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import IO, Any

from sqlalchemy import func
from sqlmodel import Session, select

from records import directory
from records import validation as v
from records.core.clock import utc_now
from records.jobs import job
from records.laws import UnknownLawError, get_law
from records.letter_service import (
    DraftOptions,
    draft_for,
    letter_of,
    letter_settings,
    parse_options,
    store_letter,
)
from records.letters import DraftingError, Letter
from records.letters_docx import write_batch_zip
from records.models import Agency, RecordRequest, User
from records.models_letters import BatchJob, StoredLetter
from records.subjects import get_subject
from records.visibility import Viewer, can_see

log = logging.getLogger(__name__)

CHUNK = 25
MAX_AGENCIES = 5000
CSV_REQUIRED = ("name", "jurisdiction")


def agencies_by_filters(
    db: Session, org_id: int, *, q: str = "", level: str = "", jurisdiction: str = ""
) -> list[int]:
    """Ids of the org's agencies matching the directory filters."""
    stmt = directory.search_agencies(db, org_id, q=q, level=level, jurisdiction=jurisdiction)
    return [a.id for a in db.exec(stmt.limit(MAX_AGENCIES + 1)).all()]


def agencies_from_csv(db: Session, org_id: int, raw: bytes) -> tuple[list[int], list[str]]:
    """Agency ids for a CSV (columns as the directory import); unknown agencies are added.

    Returns (ids, errors); each error names the CSV line.
    """
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], ["the file is not UTF-8 text"]
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    missing = [c for c in CSV_REQUIRED if c not in fields]
    if missing:
        return [], [f"line 1: the header must include {', '.join(CSV_REQUIRED)}"]
    extra = [c for c in fields if c and c not in directory.CSV_COLUMNS]
    if extra:
        return [], [f"line 1: unknown column(s): {', '.join(extra)}"]
    ids: list[int] = []
    errors: list[str] = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        return [], [f"not a readable CSV file: {exc}"]
    for line, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        juris = (row.get("jurisdiction") or "").strip().upper()
        existing = db.exec(
            select(Agency).where(
                Agency.org_id == org_id,
                func.lower(Agency.name) == name.lower(),
                Agency.jurisdiction == juris,
            )
        ).first()
        if existing is not None:
            ids.append(existing.id)
            continue
        data = {
            k: (row.get(k) or "").strip()
            for k in directory.CSV_COLUMNS
            if k != "parent" and k in row
        }
        try:
            with db.begin_nested():
                agency = directory.create_agency(db, org_id, data)
        except v.ValidationError as exc:
            errors.append(f"line {line}: {exc.message}")
            continue
        ids.append(agency.id)
    return list(dict.fromkeys(ids)), errors


def create_batch(
    db: Session,
    org_id: int,
    user_id: int | None,
    options: DraftOptions,
    letter_date: date,
    agency_ids: Sequence[int],
) -> BatchJob:
    """Start a batch over ``agency_ids`` (in the org); nothing is drafted yet."""
    ids = list(dict.fromkeys(agency_ids))
    if not ids:
        raise v.ValidationError("agencies", "no agencies chosen: adjust the filters or the CSV")
    if len(ids) > MAX_AGENCIES:
        raise v.ValidationError("agencies", f"a batch may hold at most {MAX_AGENCIES} agencies")
    known = set(db.exec(select(Agency.id).where(Agency.org_id == org_id, Agency.id.in_(ids))).all())
    if len(known) != len(ids):
        raise v.ValidationError("agencies", "some agencies are not in this organization")
    batch = BatchJob(
        org_id=org_id,
        created_by=user_id,
        subject=options.subject,
        spec=json.dumps(options.as_json()),
        pending=json.dumps(ids),
        letter_date=letter_date,
        total=len(ids),
    )
    db.add(batch)
    db.flush()
    log.info("batch %s created by user %s for %s agencies", batch.id, user_id, len(ids))
    return batch


def results(batch: BatchJob) -> list[dict[str, Any]]:
    """Per-agency results: agency, law, request and letter ids, or the error."""
    return list(json.loads(batch.results or "[]"))


def _one(
    db: Session, batch: BatchJob, agency: Agency, user: User | None, options: DraftOptions
) -> dict[str, Any]:
    subject = get_subject(options.subject)
    law = get_law(agency.jurisdiction)
    req = RecordRequest(
        org_id=batch.org_id,
        agency_id=agency.id,
        created_by=batch.created_by or (user.id if user else None),
        subject=options.subject,
        title=f"{subject.label}: {agency.name}"[:300],
        date_from=options.variables.get("date_from"),
        date_to=options.variables.get("date_to"),
        law_code=law.code,
    )
    db.add(req)
    db.flush()
    letter = draft_for(db, req, agency, user, options, batch.letter_date)
    stored = store_letter(db, req, options, letter, req.created_by)
    return {
        "agency_id": agency.id,
        "agency": agency.name,
        "law_code": law.code,
        "request_id": req.id,
        "letter_id": stored.id,
        "warnings": letter.warnings,
        "error": "",
    }


def process_batch(
    db: Session, batch: BatchJob, *, limit: int = CHUNK, now: datetime | None = None
) -> int:
    """Draft up to ``limit`` pending agencies; each in its own savepoint. Returns how many."""
    if batch.state == "done":
        return 0
    pending: list[int] = json.loads(batch.pending or "[]")
    out = results(batch)
    options = parse_options(json.loads(batch.spec))
    user = db.get(User, batch.created_by) if batch.created_by else None
    handled = 0
    while pending and handled < limit:
        agency_id = pending.pop(0)
        handled += 1
        agency = db.get(Agency, agency_id)
        if agency is None or agency.org_id != batch.org_id:
            out.append({"agency_id": agency_id, "agency": "(deleted)", "error": "agency removed"})
            batch.failed += 1
            continue
        try:
            with db.begin_nested():
                out.append(_one(db, batch, agency, user, options))
            batch.done += 1
        except (DraftingError, UnknownLawError, KeyError, v.ValidationError) as exc:
            message = getattr(exc, "message", None) or str(exc).strip("'\"")
            out.append(
                {
                    "agency_id": agency.id,
                    "agency": agency.name,
                    "law_code": agency.jurisdiction,
                    "error": message,
                }
            )
            batch.failed += 1
    batch.pending = json.dumps(pending)
    batch.results = json.dumps(out)
    if not pending:
        batch.state = "done"
        batch.finished_at = now or utc_now()
    db.add(batch)
    db.flush()
    return handled


def visible_results(
    db: Session, batch: BatchJob, viewer: Viewer
) -> tuple[list[dict[str, Any]], int]:
    """The batch's results ``viewer`` may see, and how many were left out: a request made
    private since the batch ran (or deleted) takes its row and letter out of everyone else's view."""
    rows, hidden = [], 0
    for row in results(batch):
        if row.get("request_id") and not can_see(
            db, viewer, db.get(RecordRequest, row["request_id"])
        ):
            hidden += 1
            continue
        rows.append(row)
    return rows, hidden


def batch_letters(db: Session, batch: BatchJob, viewer: Viewer) -> Iterator[Letter]:
    """The batch's stored letters ``viewer`` may see, one at a time, in agency order."""
    for row in results(batch):
        if not row.get("letter_id"):
            continue
        stored = db.get(StoredLetter, row["letter_id"])
        if stored is None or stored.org_id != batch.org_id or not can_see(db, viewer, stored):
            continue
        yield letter_of(stored, recipient=f"{row['agency']} {row.get('law_code', '')}".strip())


def write_zip(db: Session, batch: BatchJob, fileobj: IO[bytes], viewer: Viewer) -> list[str]:
    """Write every letter of the batch ``viewer`` may see (.docx and .txt) into a ZIP."""
    settings = letter_settings(db, batch.org_id)
    return write_batch_zip(
        batch_letters(db, batch, viewer),
        fileobj,
        letterhead=settings.letterhead if settings else None,
    )


@job("letter_batches")
def run_pending_batches(db: Session, now: datetime) -> int:
    """Periodic job: advance every unfinished batch by one chunk."""
    handled = 0
    for batch in db.exec(select(BatchJob).where(BatchJob.state == "pending")).all():
        handled += process_batch(db, batch, now=now)
        db.commit()
    return handled

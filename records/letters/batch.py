"""Batches: one draft to many agencies -> one request and one stored letter per agency.

A ``BatchJob`` row keeps the draft, the agencies still to do and each agency's result, so the
work can run in chunks (in the request that created it, from the progress page, or from the
periodic job) and survive a restart. Each agency is drafted under its own law.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import IO, Any

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func
from sqlmodel import Session, select

from records.access.visibility import Viewer, can_see
from records.core import validation as v
from records.core.clock import utc_now
from records.core.models import Agency, RecordRequest, User
from records.core.storage import Storage
from records.directory import service as directory
from records.laws import UnknownLawError, get_law
from records.letters.drafting import DraftingError, Letter
from records.letters.models import BatchJob, StoredLetter
from records.letters.output import write_batch_zip
from records.letters.service import (
    DraftOptions,
    draft_for,
    effective_profile,
    letter_of,
    letter_settings,
    parse_options,
    requester_for,
    store_letter,
)
from records.subjects import get_subject

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


CSV_MAX_BYTES = 5 * 1024 * 1024
# How long an uploaded CSV is kept for the next step of the form (preview, then draft). The blob
# has no database row, so the storage sweep removes it once the grace period has passed.
CSV_KEEP = timedelta(minutes=30)
CSV_GONE = "the uploaded CSV is no longer available; choose the file again"


def _csv_signer(secret: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt="letter-batch-csv")


def keep_csv(
    storage: Storage,
    raw: bytes,
    filename: str,
    *,
    org_id: int,
    user_id: int,
    now: datetime,
    secret: str,
) -> str:
    """Store an uploaded agency CSV and return a signed token naming it for this user and
    organization only, so the next step of the batch form can reuse it without a new upload."""
    blob = storage.store(io.BytesIO(raw), max_bytes=CSV_MAX_BYTES)
    return _csv_signer(secret).dumps(
        {
            "sha": blob.sha256,
            "name": filename[:200],
            "org": org_id,
            "user": user_id,
            "at": int(now.timestamp()),
        }
    )


def kept_csv(
    storage: Storage,
    token: str,
    *,
    org_id: int,
    user_id: int,
    now: datetime,
    secret: str,
    keep: timedelta = CSV_KEEP,
) -> tuple[bytes, str]:
    """The bytes and file name of a CSV kept by ``keep_csv``; refuses a token of another user or
    organization, an altered or expired one, and a blob the sweep has removed."""
    try:
        data = _csv_signer(secret).loads(token[:2000])
    except BadSignature:
        raise v.ValidationError("csv", CSV_GONE) from None
    if not isinstance(data, dict) or data.get("org") != org_id or data.get("user") != user_id:
        raise v.ValidationError("csv", CSV_GONE)
    age = now.timestamp() - int(data.get("at", 0))
    sha = str(data.get("sha", ""))
    if not 0 <= age <= keep.total_seconds() or not storage.exists(sha):
        raise v.ValidationError("csv", CSV_GONE)
    with storage.open(sha) as fh:
        raw = fh.read(CSV_MAX_BYTES + 1)
    return raw, str(data.get("name", ""))


def agencies_by_ids(db: Session, org_id: int, raw: str) -> list[Agency]:
    """The directory's agencies named by a comma-separated list of ids (as the agreement
    register's filters pass them); ids no longer in the directory are left out."""
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if len(parts) > MAX_AGENCIES or not all(p.isdigit() and len(p) <= 12 for p in parts):
        raise v.ValidationError("agency_ids", "the list of chosen agencies is not valid")
    ids = list(dict.fromkeys(int(p) for p in parts))
    if not ids:
        return []
    stmt = select(Agency).where(Agency.id.in_(ids))  # type: ignore[attr-defined]
    return sorted(db.exec(stmt).all(), key=lambda a: (a.jurisdiction, a.name.lower()))


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
        existing = directory.find_duplicate(db, name, juris)
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
                agency = directory.create_agency(db, org_id, data, action="import")
        except v.ValidationError as exc:
            errors.append(f"line {line}: {exc.message}")
            continue
        ids.append(agency.id)
    return list(dict.fromkeys(ids)), errors


def validate_once(
    db: Session, org_id: int, user: User | None, options: DraftOptions, agency_ids: Sequence[int]
) -> None:
    """Refuse, with one message, what would fail every letter of the batch alike.

    Checked before anything is queued: a fee waiver or expedited processing asked for without
    the profile's justification, no signer at all.
    """
    try:
        requester = requester_for(effective_profile(db, org_id, user.id if user else None), user)
    except DraftingError as exc:
        raise v.ValidationError("profile", str(exc)) from None
    if options.want_fee_waiver and not requester.waiver_justification.strip():
        raise v.ValidationError(
            "want_fee_waiver",
            f"Fee waiver is ticked but the requester profile has no fee-waiver justification, "
            f"so all {len(agency_ids)} letters would fail. Add the justification "
            "(Settings → Requester profile) or untick the fee waiver. Nothing was queued.",
        )
    if options.want_expedite and not requester.expedite_justification.strip():
        federal = db.exec(
            select(func.count())
            .select_from(Agency)
            .where(Agency.id.in_(list(agency_ids)), Agency.level == "federal")
        ).one()
        if federal:
            raise v.ValidationError(
                "want_expedite",
                "Expedited processing is ticked but the requester profile has no "
                f"justification for it, so the {federal} federal letters would fail. Add it "
                "(Settings → Requester profile) or untick it. Nothing was queued.",
            )


def existing_requests(
    db: Session, org_id: int, options: DraftOptions, agency_ids: Sequence[int]
) -> dict[int, int]:
    """{agency id: request id} for agencies that already have a request on the same subject
    and period (the same date range, or both without one)."""
    if not agency_ids:
        return {}
    stmt = select(RecordRequest.agency_id, RecordRequest.id).where(
        RecordRequest.org_id == org_id,
        RecordRequest.agency_id.in_(list(agency_ids)),  # type: ignore[union-attr]
        RecordRequest.subject == options.subject,
    )
    for name in ("date_from", "date_to"):
        column = getattr(RecordRequest, name)
        given = options.variables.get(name)
        stmt = stmt.where(column == given if given else column.is_(None))
    out: dict[int, int] = {}
    for agency_id, request_id in db.exec(stmt).all():
        out.setdefault(agency_id, request_id)
    return out


def preview(
    db: Session, org_id: int, options: DraftOptions, agency_ids: Sequence[int]
) -> list[dict[str, Any]]:
    """Who the batch would write to: agency, law, and an existing request to flag."""
    ids = list(dict.fromkeys(agency_ids))[: MAX_AGENCIES + 1]
    existing = existing_requests(db, org_id, options, ids)
    rows = []
    for agency in db.exec(select(Agency).where(Agency.id.in_(ids))):  # type: ignore[attr-defined]
        try:
            law = get_law(agency.jurisdiction).name
        except UnknownLawError:
            law = ""
        rows.append(
            {
                "agency_id": agency.id,
                "agency": agency.name,
                "jurisdiction": agency.jurisdiction,
                "law": law,
                "existing_request": existing.get(agency.id),
            }
        )
    rows.sort(key=lambda r: (r["jurisdiction"], r["agency"].lower()))
    return rows


def create_batch(
    db: Session,
    org_id: int,
    user_id: int | None,
    options: DraftOptions,
    letter_date: date,
    agency_ids: Sequence[int],
    *,
    skip_existing: bool = False,
) -> BatchJob:
    """Start a batch over ``agency_ids`` (in the org); nothing is drafted yet.

    Everything that would fail every letter is refused first (``validate_once``); with
    ``skip_existing`` agencies that already have a request on the subject and period are left
    out, so re-running a batch does not draft second copies.
    """
    ids = list(dict.fromkeys(agency_ids))
    user = db.get(User, user_id) if user_id else None
    if ids:
        validate_once(db, org_id, user, options, ids)
    if skip_existing:
        existing = existing_requests(db, org_id, options, ids)
        ids = [i for i in ids if i not in existing]
        if not ids and existing:
            raise v.ValidationError(
                "agencies",
                f"all {len(existing)} agencies already have a request on this subject and "
                "period; nothing to draft",
            )
    if not ids:
        raise v.ValidationError("agencies", "no agencies chosen: adjust the filters or the CSV")
    if len(ids) > MAX_AGENCIES:
        raise v.ValidationError("agencies", f"a batch may hold at most {MAX_AGENCIES} agencies")
    known = set(db.exec(select(Agency.id).where(Agency.id.in_(ids))).all())  # type: ignore[attr-defined]
    if len(known) != len(ids):
        raise v.ValidationError("agencies", "some agencies are not in the directory")
    batch = BatchJob(
        org_id=org_id,
        created_by=user_id,
        subject=options.subject,
        spec=options.as_json(),
        pending=list(ids),
        letter_date=letter_date,
        total=len(ids),
    )
    db.add(batch)
    db.flush()
    log.info("batch %s created by user %s for %s agencies", batch.id, user_id, len(ids))
    return batch


def results(batch: BatchJob) -> list[dict[str, Any]]:
    """Per-agency results: agency, law, request and letter ids, or the error."""
    return list(batch.results or [])


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
    pending: list[int] = list(batch.pending or [])
    out = results(batch)
    options = parse_options(dict(batch.spec or {}))
    user = db.get(User, batch.created_by) if batch.created_by else None
    handled = 0
    while pending and handled < limit:
        agency_id = pending.pop(0)
        handled += 1
        agency = db.get(Agency, agency_id)
        if agency is None:
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
    batch.pending = pending
    batch.results = out
    if not pending:
        batch.state = "done"
        batch.finished_at = now or utc_now()
    db.add(batch)
    db.flush()
    return handled


def retry_failed(db: Session, batch: BatchJob) -> int:
    """Put the batch's failed rows back in the queue (after the cause was fixed)."""
    out = results(batch)
    failed = [r for r in out if r.get("error") and r.get("agency") != "(deleted)"]
    if not failed:
        return 0
    kept = [r for r in out if r not in failed]
    pending = [*(batch.pending or []), *(r["agency_id"] for r in failed)]
    batch.results = kept
    batch.pending = pending
    batch.failed -= len(failed)
    batch.state = "pending"
    batch.finished_at = None
    db.add(batch)
    db.flush()
    log.info("batch %s: %s failed rows queued again", batch.id, len(failed))
    return len(failed)


def mark_batch_sent(
    db: Session,
    batch: BatchJob,
    method: str,
    on: date,
    user_id: int | None,
    now: datetime,
    viewer: Viewer,
) -> tuple[int, list[str]]:
    """Record every unsent letter of the batch ``viewer`` may see as sent by ``method`` on
    ``on`` (each records its request's "sent" event). Returns (how many, problems)."""
    from records.letters.service import SendError, mark_sent

    count, problems = 0, []
    for row in results(batch):
        stored = db.get(StoredLetter, row["letter_id"]) if row.get("letter_id") else None
        if stored is None or stored.sent_on is not None or not can_see(db, viewer, stored):
            continue
        req = db.get(RecordRequest, stored.request_id)
        try:
            with db.begin_nested():
                mark_sent(db, stored, req, method, on, user_id, now)
        except (SendError, v.ValidationError) as exc:
            problems.append(f"{row['agency']}: {getattr(exc, 'message', None) or exc}")
            continue
        count += 1
    log.info("batch %s: %s letters marked sent by %s by user %s", batch.id, count, method, user_id)
    return count, problems


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


def run_pending_batches(db: Session, now: datetime) -> int:
    """Periodic job: advance every unfinished batch by one chunk."""
    handled = 0
    for batch in db.exec(select(BatchJob).where(BatchJob.state == "pending")).all():
        handled += process_batch(db, batch, now=now)
        db.commit()
    return handled

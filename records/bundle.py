"""Evidence bundles: a request exported as one ZIP, and imported into another organization.

A bundle holds ``request.json`` (the request, its agency, events, documents' details, letters,
correspondence and sharing notes), the documents' bytes under ``documents/``, letters under
``letters/``, imported emails under ``correspondence/``, a readable ``timeline.csv`` and
``manifest.json`` listing every other file with its size and SHA-256.

Import is checked like a ZIP upload (unsafe paths, links, bombs, encrypted members), then every
file is compared with the manifest; any mismatch refuses the whole bundle and nothing is kept.
Sharing settings are not carried over: the receiving organization decides what to publish.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session, select

from records import clocks, csvout, filing, search, visibility
from records import validation as v
from records.extract import blob_path
from records.models import Agency, AgencyLevel, RecordRequest, Subject, Visibility
from records.models_filing import Document, ProposedEvent, SharingNote, TextStatus
from records.models_lifecycle import Event
from records.storage_local import HEX64
from records.visibility import Viewer

log = logging.getLogger(__name__)

FORMAT = "records-desk-bundle"
VERSION = 1
MAX_JSON_BYTES = 20 * 1024 * 1024  # request.json, manifest.json, letters and emails are text
CHUNK = 1024 * 1024


class BundleRefused(filing.FileRefused):
    """A bundle that cannot be imported; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(f"the bundle cannot be imported: {message}")


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _loads(raw: str, default: Any) -> Any:
    try:
        return json.loads(raw or "null") or default
    except ValueError:
        return default


def _stored_letters(db: Session, request_id: int, viewer: Viewer) -> list[Any]:
    try:
        from records.models_letters import StoredLetter
    except ImportError:  # the letters feature is optional
        return []
    return visibility.visible_rows(db, StoredLetter, viewer, StoredLetter.request_id == request_id)


# ------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------


@dataclass
class _Writer:
    zf: zipfile.ZipFile
    files: list[dict[str, Any]]

    def text(self, path: str, content: str) -> None:
        data = content.encode("utf-8")
        self.zf.writestr(path, data)
        self.files.append(
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        )

    def stream(self, path: str, src: IO[bytes]) -> None:
        digest, size = hashlib.sha256(), 0
        with self.zf.open(path, "w", force_zip64=True) as out:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        self.files.append({"path": path, "size": size, "sha256": digest.hexdigest()})


def bundle_data(db: Session, req: RecordRequest, user_id: int) -> dict[str, Any]:
    """Everything about a request a member may see, as plain JSON values with file paths."""
    viewer = Viewer.member(req.org_id, user_id)
    agency = db.get(Agency, req.agency_id)
    docs = filing.documents_for(db, req, user_id)
    events = visibility.visible_rows(db, Event, viewer, Event.request_id == req.id)
    # Emails and notes go with the document they came from: none from another member's
    # private email.
    proposed = filing.proposals_for(db, req, viewer)
    doc_ids = {d.id for d in docs}
    notes = visibility.visible_rows(db, SharingNote, viewer, SharingNote.request_id == req.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "request": {
            "ref": req.id,
            "title": req.title,
            "description": req.description,
            "subject": req.subject,
            "date_from": _iso(req.date_from),
            "date_to": _iso(req.date_to),
            "tracking_number": req.tracking_number,
            "status": req.status,
            "law_code": req.law_code,
            "visibility": req.visibility,
            "created_at": _iso(req.created_at),
        },
        "agency": {
            k: getattr(agency, k)
            for k in (
                "name",
                "level",
                "jurisdiction",
                "component",
                "foia_email",
                "portal_url",
                "mailing_address",
                "phone",
            )
        }
        if agency is not None
        else None,
        "events": [
            {
                "ref": e.id,
                "kind": e.kind,
                "on": e.on.isoformat(),
                "note": e.note,
                "data": _loads(e.data, {}),
                "corrects": e.corrects_id,
                "voided_at": _iso(e.voided_at),
                "created_at": _iso(e.created_at),
            }
            for e in events
        ],
        "documents": [
            {
                "ref": d.id,
                "path": f"documents/{n:04d}-{d.name}",
                "sha256": d.sha256,
                "name": d.name,
                "mime": d.mime,
                "size": d.size,
                "pages": d.pages,
                "source": d.source,
                "event": d.event_id,
                "date_received": _iso(d.date_received),
                "exemptions": filing.exemptions_of(d),
                "redaction_notes": d.redaction_notes,
                "description": d.description,
                "visibility": d.visibility,
            }
            for n, d in enumerate(docs, start=1)
        ],
        "letters": [
            {
                "path": f"letters/{n:04d}-{s.kind}.txt",
                "kind": s.kind,
                "subject": s.subject,
                "items": _loads(s.items, []),
                "variables": _loads(s.variables, {}),
                "options": _loads(s.options, {}),
                "law_code": s.law_code,
                "subject_line": s.subject_line,
                "warnings": _loads(s.warnings, []),
                "created_at": _iso(s.created_at),
                "sent_at": _iso(s.sent_at),
                "sent_on": _iso(s.sent_on),
                "sent_method": s.sent_method,
                "sent_to": s.sent_to,
                "message_id": s.message_id,
            }
            for n, s in enumerate(_stored_letters(db, req.id, viewer), start=1)
        ],
        "correspondence": [
            {
                "path": f"correspondence/{n:04d}-email.txt",
                "kind": p.kind,
                "on": p.on.isoformat(),
                "sender": p.sender,
                "subject": p.subject,
                "state": p.state,
                "document": p.document_id if p.document_id in doc_ids else None,
                "event": p.event_id,
            }
            for n, p in enumerate(proposed, start=1)
        ],
        "notes": [
            {"on": n.on.isoformat(), "note": n.note, "document": n.document_id} for n in notes
        ],
    }


def timeline_csv(data: dict[str, Any]) -> str:
    """The request's history as CSV rows: events, documents received, letters sent, notes."""
    rows: list[tuple[str, str, str, str]] = []
    for e in data["events"]:
        state = "voided" if e["voided_at"] else ""
        rows.append((e["on"], f"event:{e['kind']}", e["note"], state))
    for d in data["documents"]:
        rows.append((d["date_received"] or "", "document", d["name"], d["sha256"]))
    for s in data["letters"]:
        if s["sent_on"]:
            rows.append((s["sent_on"], f"letter:{s['kind']}", s["subject_line"], s["sent_to"]))
    for n in data["notes"]:
        rows.append((n["on"], "sharing", n["note"], ""))
    return csvout.text(["date", "what", "detail", "extra"], sorted(rows, key=lambda r: r[0]))


def export_bundle(
    db: Session, storage: Any, req: RecordRequest, user_id: int, out: IO[bytes]
) -> dict[str, Any]:
    """Write the bundle ZIP for ``req`` (what ``user_id`` may see) to ``out``; return the manifest."""
    data = bundle_data(db, req, user_id)
    viewer = Viewer.member(req.org_id, user_id)
    letters = _stored_letters(db, req.id, viewer)
    proposed = filing.proposals_for(db, req, viewer)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zf:
        writer = _Writer(zf, [])
        writer.text("request.json", json.dumps(data, indent=2, ensure_ascii=False))
        writer.text("timeline.csv", timeline_csv(data))
        for entry in data["documents"]:
            with storage.open(entry["sha256"]) as src:
                writer.stream(entry["path"], src)
        for entry, letter in zip(data["letters"], letters, strict=True):
            writer.text(entry["path"], letter.text)
        for entry, p in zip(data["correspondence"], proposed, strict=True):
            writer.text(
                entry["path"],
                f"From: {p.sender}\nDate: {p.on.isoformat()}\nSubject: {p.subject}\n\n{p.body}",
            )
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "request_title": req.title,
            "files": writer.files,
        }
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    log.info("user %s exported request %s as a bundle", user_id, req.id)
    return manifest


# ------------------------------------------------------------------------------------------
# Import
# ------------------------------------------------------------------------------------------


def _read_small(zf: zipfile.ZipFile, name: str) -> bytes:
    with zf.open(name) as src:
        data = src.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise BundleRefused(f"{name} is too large")
    return data


def _manifest(zf: zipfile.ZipFile) -> dict[str, dict[str, Any]]:
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    if len(names) != len(set(names)):
        raise BundleRefused("the archive holds two files with the same name")
    if "manifest.json" not in names:
        raise BundleRefused("manifest.json is missing")
    try:
        manifest = json.loads(_read_small(zf, "manifest.json"))
    except ValueError:
        raise BundleRefused("manifest.json is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("this is not a Records Desk evidence bundle")
    if manifest.get("version") != VERSION:
        raise BundleRefused(f"bundle version {manifest.get('version')!r} is not supported")
    files: dict[str, dict[str, Any]] = {}
    for entry in manifest.get("files") or []:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise BundleRefused("manifest.json lists a file without a path")
        sha, size = entry.get("sha256"), entry.get("size")
        if not isinstance(sha, str) or not HEX64.match(sha) or not isinstance(size, int):
            raise BundleRefused(f"manifest.json has no valid hash or size for {entry['path']!r}")
        files[entry["path"]] = entry
    extra = set(names) - set(files) - {"manifest.json"}
    if extra:
        raise BundleRefused(f"{sorted(extra)[0]!r} is not listed in manifest.json")
    missing = set(files) - set(names)
    if missing:
        raise BundleRefused(f"{sorted(missing)[0]!r} is listed in manifest.json but missing")
    return files


def _checked_small(zf: zipfile.ZipFile, files: dict[str, dict[str, Any]], path: str) -> bytes:
    if path not in files:
        raise BundleRefused(f"{path!r} is not listed in manifest.json")
    data = _read_small(zf, path)
    entry = files[path]
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise BundleRefused(f"{path!r} does not match its SHA-256 in manifest.json")
    return data


def _checked_text(zf: zipfile.ZipFile, files: dict[str, dict[str, Any]], path: Any) -> str:
    if not isinstance(path, str):
        raise BundleRefused("request.json names a file without a path")
    try:
        return _checked_small(zf, files, path).decode("utf-8")
    except UnicodeDecodeError:
        raise BundleRefused(f"{path!r} is not UTF-8 text") from None


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BundleRefused(f"request.json: {what} is malformed")
    return value


def _list(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BundleRefused(f"request.json: {what} is malformed")
    return [_obj(item, what) for item in value]


def _ts_value(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise v.ValidationError(field, "not a date and time") from None


def _agency_for(db: Session, org_id: int, raw: Any) -> Agency:
    data = _obj(raw, "agency")
    name = v.text(data.get("name"), "agency.name", max_len=300, required=True)
    juris = v.jurisdiction(data.get("jurisdiction"), "agency.jurisdiction")
    found = db.exec(
        select(Agency).where(
            Agency.org_id == org_id, Agency.name == name, Agency.jurisdiction == juris
        )
    ).first()
    if found is not None:
        return found
    agency = Agency(
        org_id=org_id,
        name=name,
        jurisdiction=juris,
        level=v.choice(data.get("level"), "agency.level", AgencyLevel, default=AgencyLevel.OTHER),
        component=v.text(data.get("component"), "agency.component", max_len=20),
        foia_email=v.text(data.get("foia_email"), "agency.foia_email", max_len=254),
        portal_url=v.text(data.get("portal_url"), "agency.portal_url", max_len=500),
        mailing_address=v.text(data.get("mailing_address"), "agency.address", max_len=5000),
        phone=v.text(data.get("phone"), "agency.phone", max_len=50),
        source="imported from an evidence bundle",
    )
    db.add(agency)
    db.flush()
    return agency


def _visibility(value: Any) -> str:
    # Only "private" survives: publishing is the receiving organization's own decision.
    return Visibility.PRIVATE if value == Visibility.PRIVATE else Visibility.ORGANIZATION


def import_bundle(
    db: Session,
    storage: Any,
    org_id: int,
    user_id: int,
    path: Path,
    *,
    max_bytes: int,
    today: date,
) -> RecordRequest:
    """Recreate the bundle's request in ``org_id``; refuses with a reason and keeps nothing."""
    batch = filing.BlobBatch(storage)
    # Storing and checking the documents is slow: it runs before the import's write transaction.
    filing.end_read(db)
    try:
        filing.check_zip(path, max_total=max_bytes)
        with zipfile.ZipFile(path) as zf:
            files = _manifest(zf)
            staged = _stage_documents(batch, zf, files, max_bytes)
            req = _import(db, staged, zf, files, org_id, user_id, today)
        db.flush()
    except v.ValidationError as exc:
        db.rollback()
        batch.rollback()
        if isinstance(exc, BundleRefused):
            raise
        if isinstance(exc, filing.FileRefused):
            raise BundleRefused(exc.message) from None
        raise BundleRefused(f"{exc.field or 'a value'}: {exc.message}") from None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        db.rollback()
        batch.rollback()
        raise BundleRefused(f"the archive is damaged ({exc})") from None
    except BaseException:
        db.rollback()
        batch.rollback()
        raise
    log.info("user %s imported a bundle into org %s as request %s", user_id, org_id, req.id)
    return req


Staged = dict[tuple[str, str], tuple[str, int, str, int | None]]


def _stage_documents(
    batch: filing.BlobBatch, zf: zipfile.ZipFile, files: dict[str, dict[str, Any]], max_bytes: int
) -> Staged:
    """Store and check every document file request.json names; no database work happens here.

    Returns (path, name) -> (sha256, size, mime, pages). Malformed entries are left for
    ``_import``, which refuses them with the reason.
    """
    try:
        data = json.loads(_checked_small(zf, files, "request.json"))
    except ValueError:
        return {}
    raw = data.get("documents") if isinstance(data, dict) else None
    staged: Staged = {}
    for item in raw if isinstance(raw, list) else []:
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str) or path not in files:
            continue
        name = filing.sanitize_name(item.get("name"))
        if (path, name) in staged:
            continue
        with zf.open(path) as src:
            sha, size = batch.put(src, max_bytes)
        if sha != files[path]["sha256"] or size != files[path]["size"]:
            raise BundleRefused(f"{path!r} does not match its SHA-256 in manifest.json")
        with blob_path(batch.storage, sha) as blob:
            kind, mime, pages = filing.identify(blob, name, max_bytes)
        if kind == "zip":
            raise BundleRefused(f"“{name}”: archives inside a bundle are not accepted")
        staged[(path, name)] = (sha, size, mime, pages)
    return staged


def _import(
    db: Session,
    staged: Staged,
    zf: zipfile.ZipFile,
    files: dict[str, dict[str, Any]],
    org_id: int,
    user_id: int,
    today: date,
) -> RecordRequest:
    try:
        data = _obj(json.loads(_checked_small(zf, files, "request.json")), "the file")
    except ValueError:
        raise BundleRefused("request.json is not valid JSON") from None
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise BundleRefused("request.json is not from a supported bundle version")
    raw_req = _obj(data.get("request"), "request")
    agency = _agency_for(db, org_id, data.get("agency"))
    req = RecordRequest(
        org_id=org_id,
        agency_id=agency.id,
        created_by=user_id,
        title=v.text(raw_req.get("title"), "title", max_len=300, required=True),
        description=v.text(raw_req.get("description"), "description", max_len=100_000),
        subject=v.choice(raw_req.get("subject"), "subject", Subject, default=Subject.OTHER),
        date_from=v.iso_date(raw_req.get("date_from"), "date_from"),
        date_to=v.iso_date(raw_req.get("date_to"), "date_to"),
        tracking_number=v.text(raw_req.get("tracking_number"), "tracking_number", max_len=100),
        law_code=v.text(raw_req.get("law_code"), "law_code", max_len=4),
        visibility=_visibility(raw_req.get("visibility")),
    )
    created = _ts_value(raw_req.get("created_at"), "created_at")
    if created is not None:
        req.created_at = created
    db.add(req)
    db.flush()
    event_ids = _import_events(db, req, _list(data.get("events"), "events"))
    doc_ids = _import_documents(
        db, staged, files, req, user_id, _list(data.get("documents"), "documents")
    )
    _remap_event_documents(db, event_ids, doc_ids)
    for doc_ref, event_ref in _doc_event_links(data):
        doc = db.get(Document, doc_ids[doc_ref])
        if doc is not None and event_ref in event_ids:
            doc.event_id = event_ids[event_ref]
            db.add(doc)
    _import_letters(db, zf, files, req, user_id, _list(data.get("letters"), "letters"))
    _import_correspondence(
        db,
        zf,
        files,
        req,
        user_id,
        _list(data.get("correspondence"), "correspondence"),
        doc_ids,
        event_ids,
    )
    for raw in _list(data.get("notes"), "notes"):
        db.add(
            SharingNote(
                org_id=org_id,
                request_id=req.id,
                document_id=doc_ids.get(raw.get("document")),
                on=v.iso_date(raw.get("on"), "notes.on", required=True),
                note=v.text(raw.get("note"), "notes.note", max_len=500),
            )
        )
    db.flush()
    _settle(db, req, raw_req, today)
    search.index_request(db, req)
    for doc_id in doc_ids.values():
        search.index_document(db, db.get(Document, doc_id))
    return req


def _import_events(db: Session, req: RecordRequest, raw: list[dict[str, Any]]) -> dict[Any, int]:
    ids: dict[Any, int] = {}
    rows: list[tuple[Event, Any]] = []
    for item in raw:
        data = item.get("data") or {}
        if not isinstance(data, dict):
            raise BundleRefused("request.json: an event's data is malformed")
        event = Event(
            org_id=req.org_id,
            request_id=req.id,
            kind=v.text(item.get("kind"), "events.kind", max_len=40, required=True),
            on=v.iso_date(item.get("on"), "events.on", required=True),
            note=v.text(item.get("note"), "events.note", max_len=100_000),
            data=json.dumps(data, sort_keys=True),
            voided_at=_ts_value(item.get("voided_at"), "events.voided_at"),
        )
        created = _ts_value(item.get("created_at"), "events.created_at")
        if created is not None:
            event.created_at = created
        db.add(event)
        db.flush()
        if item.get("ref") in ids:
            raise BundleRefused("request.json: two events share one reference")
        ids[item.get("ref")] = event.id
        rows.append((event, item.get("corrects")))
    for event, corrects in rows:
        if corrects is not None:
            event.corrects_id = ids.get(corrects)
            db.add(event)
    return ids


def _import_documents(
    db: Session,
    staged: Staged,
    files: dict[str, dict[str, Any]],
    req: RecordRequest,
    user_id: int,
    raw: list[dict[str, Any]],
) -> dict[Any, int]:
    ids: dict[Any, int] = {}
    for item in raw:
        path = item.get("path")
        if not isinstance(path, str) or path not in files:
            raise BundleRefused(f"the document file {path!r} is not listed in manifest.json")
        name = filing.sanitize_name(item.get("name"))
        sha, size, mime, pages = staged[(path, name)]
        if sha != item.get("sha256"):
            raise BundleRefused(f"{path!r} does not match its SHA-256 in manifest.json")
        meta = filing.DocMeta(
            date_received=v.iso_date(item.get("date_received"), "documents.date_received"),
            exemptions=filing.clean_exemptions(item.get("exemptions")),
            redaction_notes=v.text(item.get("redaction_notes"), "redaction_notes", max_len=10000),
            description=v.text(item.get("description"), "description", max_len=10000),
            visibility=_visibility(item.get("visibility")),
        )
        source = v.text(item.get("source"), "documents.source", max_len=300) or "bundle"
        doc = filing.new_document(db, req, user_id, sha, size, mime, pages, name, source, meta)
        doc.text_status = TextStatus.PENDING  # text is extracted again, never taken on trust
        if item.get("ref") in ids:
            raise BundleRefused("request.json: two documents share one reference")
        ids[item.get("ref")] = doc.id
    return ids


def _doc_event_links(data: dict[str, Any]) -> list[tuple[Any, Any]]:
    return [
        (d.get("ref"), d.get("event"))
        for d in data.get("documents") or []
        if isinstance(d, dict) and d.get("event") is not None
    ]


def _remap_event_documents(db: Session, event_ids: dict[Any, int], doc_ids: dict[Any, int]) -> None:
    """Event data that names a document (an email's event) points at the imported copy."""
    for event_id in event_ids.values():
        event = db.get(Event, event_id)
        data = _loads(event.data, {}) if event is not None else {}
        if event is not None and "document_id" in data:
            data["document_id"] = doc_ids.get(data["document_id"])
            event.data = json.dumps(data, sort_keys=True)
            db.add(event)


def _import_letters(
    db: Session,
    zf: zipfile.ZipFile,
    files: dict[str, dict[str, Any]],
    req: RecordRequest,
    user_id: int,
    raw: list[dict[str, Any]],
) -> None:
    if not raw:
        return
    from records.models_letters import StoredLetter

    for item in raw:
        letter = StoredLetter(
            org_id=req.org_id,
            request_id=req.id,
            kind=v.text(item.get("kind"), "letters.kind", max_len=20) or "initial",
            subject=v.text(item.get("subject"), "letters.subject", max_len=30),
            items=json.dumps(item.get("items") or []),
            variables=json.dumps(item.get("variables") or {}),
            options=json.dumps(item.get("options") or {}),
            law_code=v.text(item.get("law_code"), "letters.law_code", max_len=4),
            subject_line=v.text(item.get("subject_line"), "letters.subject_line", max_len=300),
            text=_checked_text(zf, files, item.get("path")),
            warnings=json.dumps(item.get("warnings") or []),
            created_by=user_id,
            sent_at=_ts_value(item.get("sent_at"), "letters.sent_at"),
            sent_on=v.iso_date(item.get("sent_on"), "letters.sent_on"),
            sent_method=v.text(item.get("sent_method"), "letters.sent_method", max_len=10),
            sent_to=v.text(item.get("sent_to"), "letters.sent_to", max_len=254),
            message_id=v.text(item.get("message_id"), "letters.message_id", max_len=300),
        )
        created = _ts_value(item.get("created_at"), "letters.created_at")
        if created is not None:
            letter.created_at = created
        db.add(letter)


def _import_correspondence(
    db: Session,
    zf: zipfile.ZipFile,
    files: dict[str, dict[str, Any]],
    req: RecordRequest,
    user_id: int,
    raw: list[dict[str, Any]],
    doc_ids: dict[Any, int],
    event_ids: dict[Any, int],
) -> None:
    for item in raw:
        text = _checked_text(zf, files, item.get("path"))
        _head, _sep, body = text.partition("\n\n")
        state = item.get("state") if item.get("state") in ("confirmed", "dismissed") else "proposed"
        db.add(
            ProposedEvent(
                org_id=req.org_id,
                request_id=req.id,
                document_id=doc_ids.get(item.get("document")),
                kind=v.text(item.get("kind"), "correspondence.kind", max_len=40)
                or "correspondence",
                on=v.iso_date(item.get("on"), "correspondence.on", required=True),
                sender=v.text(item.get("sender"), "correspondence.sender", max_len=300),
                subject=v.text(item.get("subject"), "correspondence.subject", max_len=500),
                body=body[:50000],
                state=state,
                event_id=event_ids.get(item.get("event")),
                created_by=user_id,
            )
        )


def _settle(db: Session, req: RecordRequest, raw_req: dict[str, Any], today: date) -> None:
    """Status from the events (as the lifecycle would set it), then the clocks."""
    from records import lifecycle

    events = lifecycle.request_events(db, req.id, include_voided=False)
    try:
        req.status = lifecycle.derive_status(events)
    except lifecycle.EventNotAllowed:
        # A timeline from an older version: keep the exported status rather than refuse it.
        req.status = v.text(raw_req.get("status"), "status", max_len=30) or "draft"
    db.add(req)
    db.flush()
    try:
        clocks.recompute(db, req, reason="imported from an evidence bundle", today=today)
    except ValueError as exc:
        log.warning("request %s imported without clocks: %s", req.id, exc)


def import_upload(
    db: Session,
    storage: Any,
    org_id: int,
    user_id: int,
    stream: IO[bytes],
    *,
    max_bytes: int,
    today: date,
) -> RecordRequest:
    """Copy an uploaded bundle to a temporary file (within the size limit), then import it."""
    with tempfile.NamedTemporaryFile(prefix="records-bundle-", suffix=".zip") as tmp:
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise BundleRefused(f"it is larger than the limit of {max_bytes // CHUNK} MB")
            tmp.write(chunk)
        tmp.flush()
        if size == 0:
            raise BundleRefused("the file is empty")
        return import_bundle(
            db, storage, org_id, user_id, Path(tmp.name), max_bytes=max_bytes, today=today
        )


def export_response(db: Session, storage: Any, req: RecordRequest, user_id: int) -> Any:
    """A Flask response with the bundle as a ZIP attachment (built in a temporary file)."""
    from flask import send_file

    out = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it with the response
    export_bundle(db, storage, req, user_id, out)
    out.seek(0)
    resp = send_file(
        out,
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"request-{req.id}-bundle.zip",
        max_age=0,
    )
    resp.headers["X-Content-Type-Options"] = "nosniff"
    return resp

"""Evidence bundles: a request exported as one ZIP, and imported into another organization.

A bundle holds ``request.json`` (the request, its agency, events, documents' details, letters,
correspondence and sharing notes), the documents' bytes under ``documents/``, letters under
``letters/``, imported emails under ``correspondence/``, a readable ``timeline.csv``, the register
entries citing those documents in ``register.json`` (``records.register.bundle``) and
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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlmodel import Session

from records.access import visibility
from records.access.visibility import Viewer
from records.core import csvout
from records.core import validation as v
from records.core.inputs import JsonRefused, loads_json
from records.core.models import Agency, RecordRequest, Visibility
from records.core.storage_local import HEX64
from records.directory import service as directory
from records.filing import service as filing
from records.filing.extract import blob_path
from records.filing.models import Document, ProposedEvent, SharingNote, TextStatus
from records.lifecycle import clocks
from records.lifecycle import service as lifecycle
from records.lifecycle.models import Event
from records.register import bundle as register_bundle
from records.requests import service as rr

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


def _or(value: Any, default: Any) -> Any:
    return value or default


def _stored_letters(db: Session, request_id: int, viewer: Viewer) -> list[Any]:
    try:
        from records.letters.models import StoredLetter
    except ImportError:  # the letters feature is optional
        return []
    return visibility.visible_rows_by(db, StoredLetter, viewer, request_id=request_id)


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
    events = visibility.visible_rows_by(db, Event, viewer, request_id=req.id)
    # Emails and notes go with the document they came from: none from another member's
    # private email.
    proposed = filing.proposals_for(db, req, viewer)
    doc_ids = {d.id for d in docs}
    notes = visibility.visible_rows_by(db, SharingNote, viewer, request_id=req.id)
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
                "data": _or(e.data, {}),
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
                "items": _or(s.items, []),
                "variables": _or(s.variables, {}),
                "options": _or(s.options, {}),
                "law_code": s.law_code,
                "subject_line": s.subject_line,
                "warnings": _or(s.warnings, []),
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
        register = register_bundle.export_data(db, viewer, data["documents"])
        writer.text(register_bundle.PATH, json.dumps(register, indent=2, ensure_ascii=False))
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
    with filing.zip_member(zf, name) as src:
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
        manifest = loads_json(_read_small(zf, "manifest.json"), max_bytes=MAX_JSON_BYTES)
    except JsonRefused as exc:
        raise BundleRefused(f"manifest.json: {exc}") from None
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


def _obj(value: Any, what: str, file: str = "request.json") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise BundleRefused(f"{file}: {what} is malformed")
    return value


def _list(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise BundleRefused(f"request.json: {what} is malformed")
    return [_obj(item, what) for item in value]


def _ref(value: Any, what: str) -> int | str | None:
    """A cross-reference inside request.json (an exported id): a number or text, or nothing."""
    if value is None or (isinstance(value, (int, str)) and not isinstance(value, bool)):
        return value
    raise BundleRefused(f"request.json: {what} must be a number or text")


@contextmanager
def _part(what: str, file: str = "request.json") -> Iterator[None]:
    """Refuse the bundle naming the part of the file whose value the validators refused."""
    try:
        yield
    except BundleRefused:
        raise
    except lifecycle.EventNotAllowed as exc:
        raise BundleRefused(f"{file}: {what}: {exc}") from None
    except v.ValidationError as exc:
        raise BundleRefused(f"{file}: {what}: {exc.message}") from None


def _ts_value(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise v.ValidationError(field, f"{field} is not a date and time")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise v.ValidationError(field, f"{field} is not a date and time") from None


# The agency fields a bundle carries; they are checked by the directory's own validator.
AGENCY_KEYS = (
    "name",
    "level",
    "jurisdiction",
    "component",
    "foia_email",
    "portal_url",
    "mailing_address",
    "phone",
)


def _agency_for(
    db: Session, org_id: int, raw: Any, *, file: str = "request.json", what: str = "agency"
) -> Agency:
    """The directory's agency of that name, else a new one (validated like the API)."""
    data = _obj(raw, what, file)
    values = {k: data.get(k) for k in AGENCY_KEYS} | {"source": "imported from an evidence bundle"}
    with _part(what, file):
        cleaned = directory.clean_agency(values)
        found = directory.find_duplicate(db, cleaned["name"], cleaned["jurisdiction"])
        return found or directory.create_agency(db, org_id, values, action="import")


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


def _json_file(zf: zipfile.ZipFile, files: dict[str, dict[str, Any]], path: str) -> Any:
    raw = _checked_small(zf, files, path)  # a hash mismatch is named as such, not as bad JSON
    try:
        return loads_json(raw, max_bytes=MAX_JSON_BYTES)
    except JsonRefused as exc:
        raise BundleRefused(f"{path}: {exc}") from None
    except ValueError:
        raise BundleRefused(f"{path} is not valid JSON") from None


Staged = dict[tuple[str, str], tuple[str, int, str, int | None]]


def _stage_documents(
    batch: filing.BlobBatch, zf: zipfile.ZipFile, files: dict[str, dict[str, Any]], max_bytes: int
) -> Staged:
    """Store and check every document file request.json names; no database work happens here.

    Returns (path, name) -> (sha256, size, mime, pages). Malformed entries are left for
    ``_import``, which refuses them with the reason.
    """
    try:
        data = _json_file(zf, files, "request.json")
    except BundleRefused:
        return {}
    raw = data.get("documents") if isinstance(data, dict) else None
    staged: Staged = {}
    for item in raw if isinstance(raw, list) else []:
        path = item.get("path") if isinstance(item, dict) else None
        if not isinstance(path, str) or path not in files:
            continue
        name = filing.sanitize_name(item.get("name") if isinstance(item.get("name"), str) else "")
        if (path, name) in staged:
            continue
        with filing.zip_member(zf, path) as src:
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
    data = _obj(_json_file(zf, files, "request.json"), "the file")
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise BundleRefused("request.json is not from a supported bundle version")
    raw_req = _obj(data.get("request"), "request")
    agency = _agency_for(db, org_id, data.get("agency"))
    with _part("request"):
        # The API's own write path: the same checks as POST /api/v1/requests.
        req = rr.create_request(
            db,
            org_id,
            user_id,
            {
                "agency_id": agency.id,
                "visibility": _visibility(raw_req.get("visibility")),
                **{k: raw_req.get(k) for k in REQUEST_KEYS},
            },
        )
        if raw_req.get("law_code"):
            req.law_code = v.jurisdiction(raw_req.get("law_code"), "law_code")
        created = _ts_value(raw_req.get("created_at"), "created_at")
    if created is not None:
        req.created_at = created
    db.add(req)
    db.flush()
    event_ids = _import_events(db, req, _list(data.get("events"), "events"), today)
    doc_ids, doc_events = _import_documents(
        db, staged, files, req, user_id, _list(data.get("documents"), "documents"), today
    )
    for doc_ref, event_ref in doc_events:
        if event_ref in event_ids:
            doc = db.get(Document, doc_ids[doc_ref])
            if doc is not None:
                doc.event_id = event_ids[event_ref]
                db.add(doc)
    _import_letters(db, zf, files, req, user_id, _list(data.get("letters"), "letters"))
    _import_register(
        db, zf, files, req, user_id, _list(data.get("documents"), "documents"), doc_ids
    )
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
        with _part("notes"):
            db.add(
                SharingNote(
                    org_id=org_id,
                    request_id=req.id,
                    document_id=doc_ids.get(_ref(raw.get("document"), "a note's document")),
                    on=v.iso_date(raw.get("on"), "notes.on", required=True),
                    note=v.text(raw.get("note"), "notes.note", max_len=500),
                )
            )
    db.flush()
    _settle(db, req, raw_req, today)
    db.flush()  # the search index follows (records.search.index)
    return req


# Request fields a bundle carries (besides the agency and visibility, decided on import).
REQUEST_KEYS = (
    "title",
    "description",
    "subject",
    "date_from",
    "date_to",
    "tracking_number",
)


def _import_events(
    db: Session, req: RecordRequest, raw: list[dict[str, Any]], today: date
) -> dict[Any, int]:
    ids: dict[Any, int] = {}
    rows: list[tuple[Event, Any]] = []
    for item in raw:
        ref = _ref(item.get("ref"), "an event's ref")
        corrects = _ref(item.get("corrects"), "an event's corrects")
        with _part("events"):
            # The lifecycle's own checks: a known type, a past date, a clean note and data.
            on = v.iso_date(item.get("on"), "events.on", required=True)
            note, data = lifecycle.clean_event(
                item.get("kind"), on, item.get("note"), item.get("data") or {}, today
            )
            event = Event(
                org_id=req.org_id,
                request_id=req.id,
                kind=item["kind"],
                on=on,
                note=note,
                data=dict(sorted(data.items())),
                voided_at=_ts_value(item.get("voided_at"), "events.voided_at"),
            )
            created = _ts_value(item.get("created_at"), "events.created_at")
        if created is not None:
            event.created_at = created
        db.add(event)
        db.flush()
        if ref in ids:
            raise BundleRefused("request.json: two events share one reference")
        ids[ref] = event.id
        rows.append((event, corrects))
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
    today: date,
) -> tuple[dict[Any, int], list[tuple[Any, Any]]]:
    """Create each staged document; returns {ref: new id} and the (document ref, event ref) links."""
    ids: dict[Any, int] = {}
    links: list[tuple[Any, Any]] = []
    for item in raw:
        ref = _ref(item.get("ref"), "a document's ref")
        event_ref = _ref(item.get("event"), "a document's event")
        path = item.get("path")
        if not isinstance(path, str) or path not in files:
            raise BundleRefused(f"the document file {path!r} is not listed in manifest.json")
        name = filing.sanitize_name(item.get("name") if isinstance(item.get("name"), str) else "")
        if (path, name) not in staged:
            raise BundleRefused(f"{path!r} could not be read from the archive")
        sha, size, mime, pages = staged[(path, name)]
        if sha != item.get("sha256"):
            raise BundleRefused(f"{path!r} does not match its SHA-256 in manifest.json")
        with _part(f"document “{name}”"):
            # The upload form's and the API's own checks of a document's details.
            meta = filing.clean_meta(
                {
                    "date_received": item.get("date_received"),
                    "exemptions": item.get("exemptions"),
                    "redaction_notes": item.get("redaction_notes"),
                    "description": item.get("description"),
                    "visibility": _visibility(item.get("visibility")),
                },
                today,
            )
            source = v.text(item.get("source"), "source", max_len=300) or "bundle"
        doc = filing.new_document(db, req, user_id, sha, size, mime, pages, name, source, meta)
        doc.text_status = TextStatus.PENDING  # text is extracted again, never taken on trust
        if ref in ids:
            raise BundleRefused("request.json: two documents share one reference")
        ids[ref] = doc.id
        if event_ref is not None:
            links.append((ref, event_ref))
    return ids, links


def _import_register(
    db: Session,
    zf: zipfile.ZipFile,
    files: dict[str, dict[str, Any]],
    req: RecordRequest,
    user_id: int,
    raw_docs: list[dict[str, Any]],
    doc_ids: dict[Any, int],
) -> None:
    """Register entries citing the bundle's documents, re-pointed to the imported copies."""
    if register_bundle.PATH not in files:
        return  # a bundle from before the register
    documents: dict[str, tuple[int, str]] = {}
    for item in raw_docs:
        documents.setdefault(item["path"], (doc_ids[item.get("ref")], item["sha256"]))
    assert req.id is not None
    try:
        register_bundle.import_data(
            db,
            _json_file(zf, files, register_bundle.PATH),
            org_id=req.org_id,
            user_id=user_id,
            request_id=req.id,
            documents=documents,
            agency_for=_agency_for,
            visibility_for=_visibility,
        )
    except register_bundle.RegisterRefused as exc:
        raise BundleRefused(exc.message) from None


LETTER_KINDS = ("initial", "follow_up", "appeal")
SENT_METHODS = ("", "email", "mail", "portal", "fax")


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
    from records.letters import service as ls
    from records.letters.models import StoredLetter

    for item in raw:
        with _part("letters"):
            # The drafting options are checked as when the letter was first drafted.
            options = ls.parse_options(_obj(item.get("options"), "a letter's options"))
            kind = item.get("kind") or "initial"
            if kind not in LETTER_KINDS:
                raise v.ValidationError("kind", f"kind must be one of: {', '.join(LETTER_KINDS)}")
            method = item.get("sent_method") or ""
            if method not in SENT_METHODS:
                raise v.ValidationError(
                    "sent_method", f"sent_method must be one of: {', '.join(SENT_METHODS[1:])}"
                )
            warnings = item.get("warnings") or []
            if not isinstance(warnings, list):
                raise v.ValidationError("warnings", "warnings must be a list of text")
            letter = StoredLetter(
                org_id=req.org_id,
                request_id=req.id,
                kind=kind,
                subject=options.subject,
                items=list(options.items),
                variables=options.as_json()["variables"],
                options=options.as_json(),
                law_code=v.jurisdiction(item.get("law_code") or req.law_code, "law_code"),
                subject_line=v.text(item.get("subject_line"), "subject_line", max_len=300),
                text=_checked_text(zf, files, item.get("path")),
                warnings=[v.text(w, "warnings", max_len=2000) for w in warnings],
                created_by=user_id,
                sent_at=_ts_value(item.get("sent_at"), "sent_at"),
                sent_on=v.iso_date(item.get("sent_on"), "sent_on"),
                sent_method=method,
                sent_to=v.email(item.get("sent_to"), "sent_to"),
                message_id=v.text(item.get("message_id"), "message_id", max_len=300),
            )
            created = _ts_value(item.get("created_at"), "created_at")
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
        document = _ref(item.get("document"), "an email's document")
        event = _ref(item.get("event"), "an email's event")
        text = _checked_text(zf, files, item.get("path"))
        _head, _sep, body = text.partition("\n\n")
        state = item.get("state") if item.get("state") in ("confirmed", "dismissed") else "proposed"
        kind = item.get("kind") or "correspondence"
        with _part("correspondence"):
            if kind not in filing.PROPOSAL_LABELS:  # what confirming the email may record
                raise v.ValidationError(
                    "kind", f"kind must be one of: {', '.join(filing.PROPOSAL_LABELS)}"
                )
            proposed = ProposedEvent(
                org_id=req.org_id,
                request_id=req.id,
                document_id=doc_ids.get(document),
                kind=kind,
                on=v.iso_date(item.get("on"), "correspondence.on", required=True),
                sender=v.text(item.get("sender"), "sender", max_len=300),
                subject=v.text(item.get("subject"), "subject", max_len=500),
                body=v.storable(body)[:50000],
                state=state,
                event_id=event_ids.get(event),
                created_by=user_id,
            )
        db.add(proposed)


def _settle(db: Session, req: RecordRequest, raw_req: dict[str, Any], today: date) -> None:
    """Status from the events (as the lifecycle would set it), then the clocks."""
    events = lifecycle.request_events(db, req.id, include_voided=False)
    try:
        req.status = lifecycle.derive_status(events)
    except lifecycle.EventNotAllowed:
        # A timeline from an older version: keep the exported status rather than refuse it,
        # when it is one the lifecycle knows.
        status = raw_req.get("status") or "draft"
        if status not in lifecycle.STATUSES:
            raise BundleRefused(
                f"request.json: status {status!r} is not one of: {', '.join(lifecycle.STATUSES)}"
            ) from None
        req.status = status
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

"""Uploads -> stored files -> documents: type sniffing, ZIP unpacking, email import.

The type comes from the content; a file that is not what its name says, or that does not parse,
is refused with a reason and leaves no blob and no row behind. Email imports propose an event the
user confirms. Callers commit.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import filetype
from sqlmodel import Session

from records.access import visibility
from records.core import validation as v
from records.core.clock import utc_now, utc_today
from records.core.models import RecordRequest
from records.core.storage import TooLarge
from records.filing import sharing
from records.filing.extract import WorkerError, blob_path, email_body, run_worker
from records.filing.inputs import EXEMPTION_MAX, DocumentMetaInput
from records.filing.models import Document, ProposedEvent, StoredFile

log = logging.getLogger(__name__)

EXTENSIONS = {
    "pdf": "pdf",
    "docx": "docx",
    "xlsx": "xlsx",
    "csv": "csv",
    "txt": "text",
    "eml": "eml",
    "zip": "zip",
    "png": "image",
    "jpg": "image",
    "jpeg": "image",
    "gif": "image",
    "tif": "image",
    "tiff": "image",
    "webp": "image",
}
MIMES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
    "text": "text/plain",
    "eml": "message/rfc822",
    "zip": "application/zip",
}
LABELS = {
    "pdf": "a PDF",
    "docx": "a Word document (.docx)",
    "xlsx": "an Excel workbook (.xlsx)",
    "csv": "a CSV table",
    "text": "plain text",
    "eml": "an email message (.eml)",
    "zip": "a ZIP archive",
    "image": "an image",
    "binary": "an unrecognised binary file",
}
# The federal FOIA exemptions, 5 U.S.C. § 552(b)(1)-(9); (b)(7) has subparagraphs (A)-(F).
FEDERAL_EXEMPTIONS = tuple(f"(b)({n})" for n in range(1, 10)) + tuple(
    f"(b)(7)({c})" for c in "ABCDEF"
)
# What an agency email most likely is, as a lifecycle event kind (plus data), with the words that
# suggest it; the first match wins. "final_response:no_records" carries the outcome in the key.
EVENT_GUESSES = (
    ("denial", ("denied", "denial", "deny your", "withheld in full", "exempt from disclosure")),
    ("final_response:no_records", ("no records", "no responsive records", "unable to locate")),
    ("fee_estimate", ("fee estimate", "estimated fee", "estimated cost", "advance payment")),
    ("extension_claimed", ("extension", "unusual circumstances", "additional time", "extend the")),
    ("partial_release", ("partial release", "released in part", "interim release")),
    (
        "final_response:full",
        ("responsive records", "enclosed", "attached are", "final response", "released"),
    ),
    ("clarification_requested", ("clarify", "clarification", "narrow your request")),
    ("acknowledged", ("acknowledg", "received your request", "tracking number", "assigned")),
)
PROPOSAL_LABELS = {
    "denial": "Denial",
    "final_response:no_records": "Final response: no records",
    "fee_estimate": "Fee estimate",
    "extension_claimed": "Extension claimed",
    "partial_release": "Partial release",
    "final_response:full": "Final response: records released in full",
    "final_response:partial": "Final response: released in part",
    "interim_release": "Interim release",
    "clarification_requested": "Clarification requested",
    "acknowledged": "Acknowledged",
    "appeal_acknowledged": "Appeal acknowledged",
    "correspondence": "Other correspondence (file it, no timeline event)",
}


# The timeline note of an event confirmed from a private email (migration 0004 writes it too).
PRIVATE_EMAIL_NOTE = "Read from an email filed as private; its details stay with that document."

# One upload files at most this many documents: the members of a ZIP archive, the attachments of
# an email (the message counts too) and the files of one form post count alike, since each
# becomes a document and a text-extraction job.
MAX_FILES = 2000
# ZIP limits: a bomb, a symlink, a path escaping the folder or an archive inside an archive is
# refused outright, and so is one of more than MAX_FILES members.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FLOOR = 10 * 1024 * 1024  # small members may compress well (text); ratios count above
PDF_CHECK_TIMEOUT = 60.0


class FileRefused(v.ValidationError):
    """An upload that cannot be filed; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__("file", message, "refused")


@dataclass
class DocMeta:
    """What the user says about the files being filed."""

    event_id: int | None = None
    date_received: date | None = None
    exemptions: list[str] = field(default_factory=list)
    redaction_notes: str = ""
    description: str = ""
    visibility: str = "organization"
    embargo_until: date | None = None


@dataclass
class FilingResult:
    documents: list[Document]
    proposed: list[ProposedEvent] = field(default_factory=list)


def sanitize_name(name: str | None, fallback: str = "document") -> str:
    """A display name without folders, control characters or shell-hostile characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = re.sub(r'[<>:"|?*;`$]', "_", name).strip().lstrip(".").strip()
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) <= 9 else name[:200]
    return name or fallback


def clean_exemptions(raw: Any) -> list[str]:
    """Exemptions as a list: federal codes normalised to "(b)(6)", state ones kept as text."""
    if raw in (None, ""):
        return []
    raw_items = raw if isinstance(raw, list) else [raw]
    items = [part for item in raw_items for part in re.split(r"[,\n]", str(item))]
    out: list[str] = []
    for item in items:
        value = v.text(
            item if isinstance(item, str) else str(item),
            "exemptions",
            max_len=EXEMPTION_MAX,
        )
        if not value:
            continue
        compact = re.sub(r"[\s()]", "", value).lower()
        match = re.fullmatch(r"b([1-9])([a-f])?", compact)
        if match:
            code = f"(b)({match.group(1)})" + (
                f"({match.group(2).upper()})" if match.group(2) else ""
            )
            if code in FEDERAL_EXEMPTIONS:
                value = code
        if value not in out:
            out.append(value)
    most = v.max_length(DocumentMetaInput, "exemptions")
    if len(out) > most:
        raise v.ValidationError("exemptions", f"list at most {most} exemptions")
    return out


def clean_meta(data: Any, today: date) -> DocMeta:
    """Read document fields from a form or JSON; bad values raise ValidationError."""
    vis, until = sharing.clean_sharing(
        data.get("visibility") or "organization", data.get("embargo_until") or None, today
    )
    return DocMeta(
        event_id=v.integer(data.get("event_id"), "event_id"),
        date_received=v.iso_date(data.get("date_received"), "date_received"),
        exemptions=clean_exemptions(
            data.getlist("exemptions") if hasattr(data, "getlist") else data.get("exemptions")
        ),
        redaction_notes=v.model_text(DocumentMetaInput, data, "redaction_notes"),
        description=v.model_text(DocumentMetaInput, data, "description"),
        visibility=vis,
        embargo_until=until,
    )


# ------------------------------------------------------------------------------------------
# Sniffing and validation
# ------------------------------------------------------------------------------------------


def _claimed_kind(name: str) -> str | None:
    ext = PurePosixPath(name.lower()).suffix.lstrip(".")
    if not ext:
        return None
    if ext not in EXTENSIONS:
        raise FileRefused(
            f"files named .{ext} are not accepted; upload PDF, DOCX, XLSX, CSV, text, images, "
            "email (.eml) or ZIP"
        )
    return EXTENSIONS[ext]


def sniff(path: Path) -> tuple[str, str]:
    """(kind, mime) from the first bytes and, for ZIP containers, the member names."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"%PDF-"):
        return "pdf", MIMES["pdf"]
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError):
            return "zip", MIMES["zip"]  # refused later as a broken archive
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx", MIMES["docx"]
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx", MIMES["xlsx"]
        return "zip", MIMES["zip"]
    guess = filetype.guess(head)
    if guess is not None and guess.mime.startswith("image/"):
        return "image", guess.mime
    if guess is not None or b"\x00" in head:
        return "binary", "application/octet-stream"
    return "text", MIMES["text"]


def check_zip(path: Path, *, max_total: int) -> list[zipfile.ZipInfo]:
    """Refuse ZIP bombs, symlinks, encrypted members and paths that escape the folder."""
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(f"the ZIP archive is damaged ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_FILES:
            raise FileRefused(f"the archive holds more than {MAX_FILES} files")
        total = 0
        for info in infos:
            name = info.filename
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                raise FileRefused(f"the archive contains an unsafe path: {name!r}")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise FileRefused(f"the archive contains a symbolic link: {name!r}")
            if info.flag_bits & 0x1:
                raise FileRefused(f"the archive member {name!r} is encrypted")
            total += info.file_size
            if total > max_total:
                raise FileRefused("the archive unpacks to more than the upload size limit")
            if info.file_size > ZIP_RATIO_FLOOR and info.file_size > ZIP_MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise FileRefused(f"the archive member {name!r} is compressed suspiciously well")
        return infos


@contextmanager
def zip_member(zf: zipfile.ZipFile, member: zipfile.ZipInfo | str) -> Iterator[BinaryIO]:
    """Open an archive member for reading; data that contradicts its header is refused.

    A member whose header understates its size (or whose bytes are corrupt) fails its CRC or
    its decompression only once it is read, so the reads belong inside the ``with`` block.
    """
    name = member.filename if isinstance(member, zipfile.ZipInfo) else member
    try:
        with zf.open(member) as src:
            yield src  # type: ignore[misc]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise FileRefused(
            f"the archive member {name!r} is damaged or lies about its size ({exc})"
        ) from None


def _check_pdf(path: Path) -> int:
    with open(path, "rb") as fh:
        fh.seek(max(0, os.path.getsize(path) - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise FileRefused("the PDF is incomplete (no end-of-file marker); it may be truncated")
    try:
        info = run_worker("info", path, MIMES["pdf"], timeout=PDF_CHECK_TIMEOUT)
    except WorkerError as exc:
        raise FileRefused(f"the PDF could not be read: {exc}") from None
    return int(info.get("pages") or 0)


def _check_text(path: Path, kind: str) -> None:
    with open(path, "rb") as fh:
        head = fh.read(1024 * 1024)
    if b"\x00" in head:
        raise FileRefused(f"the file is not {LABELS[kind]}: it contains binary data")
    try:
        decoded = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # a multi-byte character cut at the read boundary is fine
            try:
                decoded = head.decode("cp1252")
            except UnicodeDecodeError:
                raise FileRefused(
                    f"the file is not {LABELS[kind]}: unknown text encoding"
                ) from None
        else:
            decoded = head[: exc.start].decode("utf-8-sig")
    if kind == "csv":
        try:
            for _ in zip(range(200), csv.reader(io.StringIO(decoded)), strict=False):
                pass
        except csv.Error as exc:
            raise FileRefused(f"the CSV could not be parsed ({exc})") from None
    if kind == "eml":
        msg = BytesParser(policy=policy.default).parsebytes(head, headersonly=True)
        if not msg.get("From") or not (msg.get("Date") or msg.get("Subject")):
            raise FileRefused("the file is not an email message: it has no From/Date headers")


def _check_office(path: Path, kind: str, max_total: int) -> None:
    check_zip(path, max_total=max_total)
    try:
        if kind == "docx":
            import docx

            docx.Document(str(path))
        else:
            from openpyxl import load_workbook

            # A file object: openpyxl judges a path by its extension, and blobs have none.
            with open(path, "rb") as fh:
                load_workbook(fh, read_only=True).close()
    except Exception as exc:  # noqa: BLE001 - any parser failure refuses the file
        raise FileRefused(
            f"the file cannot be read as {LABELS[kind]} ({type(exc).__name__})"
        ) from None


def identify(path: Path, name: str, max_total: int) -> tuple[str, str, int | None]:
    """(kind, mime, pages) for a stored file, or FileRefused with the reason."""
    claimed = _claimed_kind(name)
    kind, mime = sniff(path)
    if kind == "text" and claimed in ("csv", "eml", "text"):
        kind, mime = claimed, MIMES[claimed]
    if claimed is not None and claimed != kind:
        raise FileRefused(
            f"“{name}” is named as {LABELS[claimed]} but its content is {LABELS[kind]}"
        )
    if kind == "binary":
        raise FileRefused("this type of file is not accepted")
    pages: int | None = None
    if kind == "pdf":
        pages = _check_pdf(path)
    elif kind in ("docx", "xlsx"):
        _check_office(path, kind, max_total)
    elif kind == "zip":
        check_zip(path, max_total=max_total)
    elif kind in ("csv", "text", "eml"):
        _check_text(path, kind)
    return kind, mime, pages


# ------------------------------------------------------------------------------------------
# Filing
# ------------------------------------------------------------------------------------------


@dataclass
class BlobBatch:
    """Blobs stored during one upload, removed again if the upload is refused.

    It does not touch the database: storing, checking and unpacking are slow, and run before the
    upload's short write transaction (see ``file_upload``).
    """

    storage: Any
    # sha256 -> (this batch created the blob, the stamp of this batch's latest put of it)
    puts: dict[str, tuple[bool, float]] = field(default_factory=dict)

    def put(self, stream: BinaryIO, max_bytes: int) -> tuple[str, int]:
        """Store a stream, remembering what this batch created so a refusal can remove it."""
        try:
            blob = self.storage.store(stream, max_bytes=max_bytes)
        except TooLarge:
            raise FileRefused(
                f"the file is larger than the limit of {max_bytes // (1024 * 1024)} MB"
            ) from None
        created = self.puts[blob.sha256][0] if blob.sha256 in self.puts else blob.created
        self.puts[blob.sha256] = (created, blob.stamp)
        return blob.sha256, blob.size

    def discard(self, sha: str) -> None:
        """Remove one blob this batch created, unless another upload put the same bytes since."""
        created, stamp = self.puts.pop(sha, (False, 0.0))
        if created:
            self.storage.reclaim(sha, put_before=stamp)

    def rollback(self) -> None:
        """Remove the blobs this batch created (a blob it only found stored belongs to others)."""
        for sha in list(self.puts):
            self.discard(sha)


def end_read(db: Session) -> None:
    """End the session's transaction before slow work; it must hold no unsaved changes.

    On SQLite a POST's transaction is a writer from its first statement (BEGIN IMMEDIATE): held
    across slow work it would keep every other writer waiting, and past the busy timeout they
    fail with "database is locked".
    """
    if db.new or db.dirty or db.deleted:
        raise RuntimeError("end_read() with unsaved changes; commit them first")
    db.commit()


@dataclass
class Staged:
    """One file stored and checked, waiting for its Document row."""

    sha: str
    size: int
    mime: str
    pages: int | None
    name: str
    source: str
    email: EmailFacts | None = None  # set on an email message itself
    attachment: bool = False


@dataclass
class EmailFacts:
    subject: str
    sender: str
    on: date
    body: str
    dated: bool = True  # False when the message has no readable Date header


def file_upload(
    db: Session,
    storage: Any,
    req: RecordRequest,
    user_id: int,
    stream: BinaryIO,
    filename: str | None,
    meta: DocMeta,
    *,
    max_bytes: int,
    max_files: int | None = None,
) -> FilingResult:
    """File one uploaded file (a ZIP is unpacked, an email proposes an event); caller commits.

    The bytes are stored, checked and unpacked with no transaction open; the rows are then
    written in one short transaction. At most ``max_files`` documents (default ``MAX_FILES``).
    """
    if meta.event_id is not None:
        _check_event(db, req, meta.event_id)
    end_read(db)
    name = sanitize_name(filename)
    batch = BlobBatch(storage)
    try:
        staged = _stage(
            batch, stream, name, max_bytes, MAX_FILES if max_files is None else max_files
        )
        result = _record(db, req, user_id, staged, meta)
        db.flush()
    except BaseException:
        db.rollback()
        batch.rollback()
        raise
    log.info("user %s filed %s document(s) on request %s", user_id, len(result.documents), req.id)
    return result


def _stage(
    batch: BlobBatch, stream: BinaryIO, name: str, max_bytes: int, max_files: int
) -> list[Staged]:
    """Store and check the upload (and unpack it); no database work happens here."""
    if max_files < 1:
        raise FileRefused(f"one upload files at most {MAX_FILES} documents")
    sha, size = batch.put(stream, max_bytes)
    if size == 0:
        raise FileRefused("the file is empty")
    with blob_path(batch.storage, sha) as path:
        kind, mime, pages = identify(path, name, max_bytes)
        if kind == "zip":
            staged = _stage_zip(batch, path, name, max_bytes, max_files)
        else:
            staged = [Staged(sha, size, mime, pages, name, "upload")]
            if kind == "eml":
                staged += _stage_email(batch, path, staged[0], max_bytes, max_files)
    if kind == "zip":
        batch.discard(sha)  # the archive itself is not kept, only its files
    return staged


def _record(
    db: Session, req: RecordRequest, user_id: int, staged: list[Staged], meta: DocMeta
) -> FilingResult:
    """Write the Document rows (and an email's proposed event) for staged files."""
    result = FilingResult([])
    email_doc: Document | None = None
    for item in staged:
        item_meta = meta
        if item.email is not None:
            item_meta = replace(
                meta,
                description=meta.description
                or f"Email from {item.email.sender}: {item.email.subject}"[:10000],
                date_received=meta.date_received or item.email.on,
            )
        elif item.attachment and email_doc is not None:
            item_meta = replace(meta, date_received=email_doc.date_received)
        doc = new_document(
            db,
            req,
            user_id,
            item.sha,
            item.size,
            item.mime,
            item.pages,
            item.name,
            item.source,
            item_meta,
        )
        result.documents.append(doc)
        if item.email is not None:
            email_doc = doc
            proposed = ProposedEvent(
                org_id=req.org_id,
                request_id=req.id,
                document_id=doc.id,
                kind=guess_event_kind(item.email.subject, item.email.body),
                on=item.email.on if item.email.dated else meta.date_received or item.email.on,
                sender=item.email.sender,
                subject=item.email.subject,
                body=item.email.body[:50000],
                created_by=user_id,
            )
            db.add(proposed)
            db.flush()
            result.proposed.append(proposed)
    return result


def _check_event(db: Session, req: RecordRequest, event_id: int) -> None:
    from records.lifecycle.models import Event

    event = db.get(Event, event_id)
    if event is None or event.request_id != req.id:
        raise v.ValidationError("event_id", "the event is not on this request")


def new_document(
    db: Session,
    req: RecordRequest,
    user_id: int,
    sha: str,
    size: int,
    mime: str,
    pages: int | None,
    name: str,
    source: str,
    meta: DocMeta,
) -> Document:
    """Add a Document row (and its StoredFile row) for a stored blob; flushes."""
    _stored_file(db, sha, size, mime)
    doc = Document(
        org_id=req.org_id,
        request_id=req.id,
        event_id=meta.event_id,
        sha256=sha,
        name=name,
        mime=mime,
        size=size,
        pages=pages,
        source=source[:300],
        date_received=meta.date_received,
        exemptions=list(meta.exemptions),
        redaction_notes=meta.redaction_notes,
        description=meta.description,
        visibility=meta.visibility,
        embargo_until=meta.embargo_until,
        created_by=user_id,
    )
    db.add(doc)
    db.flush()
    return doc


def _stored_file(db: Session, sha: str, size: int, mime: str) -> None:
    """Make sure the StoredFile row exists, and lock it until this transaction ends.

    An upsert that always touches the row: a sweep deleting unreferenced rows at the same moment
    either runs first (and this inserts the row again) or waits for this transaction and then
    finds the new document referencing it.
    """
    table = StoredFile.__table__  # type: ignore[attr-defined]
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    stmt = upsert(table).values(sha256=sha, size=size, mime=mime, created_at=utc_now())
    db.exec(
        stmt.on_conflict_do_update(index_elements=["sha256"], set_={"size": stmt.excluded.size})
    )


def _store_member(
    batch: BlobBatch, stream: BinaryIO, name: str, max_bytes: int
) -> tuple[str, int, str, str, int | None]:
    sha, size = batch.put(stream, max_bytes)
    with blob_path(batch.storage, sha) as path:
        kind, mime, pages = identify(path, name, max_bytes)
    if kind in ("zip", "eml"):
        raise FileRefused(f"“{name}”: archives and emails inside an archive are not accepted")
    return sha, size, kind, mime, pages


def _stage_zip(
    batch: BlobBatch, path: Path, archive: str, max_bytes: int, max_files: int
) -> list[Staged]:
    staged: list[Staged] = []
    with zipfile.ZipFile(path) as zf:
        members = [i for i in zf.infolist() if not i.is_dir() and not _junk(i.filename)]
        if len(members) > max_files:
            raise FileRefused(_too_many("archive", len(members), max_files))
        for info in members:
            member = sanitize_name(info.filename)
            with zip_member(zf, info) as src:
                # The header's size is not trusted: storage counts the bytes it actually gets.
                sha, size, _kind, mime, pages = _store_member(batch, src, member, max_bytes)
            staged.append(Staged(sha, size, mime, pages, member, f"zip:{archive}"))
    if not staged:
        raise FileRefused("the archive holds no files")
    return staged


def _too_many(what: str, count: int, max_files: int) -> str:
    if max_files < MAX_FILES:
        return (
            f"the {what} holds {count} files, more than the {max_files} this upload has left "
            f"(one upload files at most {MAX_FILES} documents)"
        )
    return f"the {what} holds {count} files; one upload files at most {MAX_FILES} documents"


def _junk(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or base in (".DS_Store", "Thumbs.db") or not base


def guess_event_kind(subject: str, body: str) -> str:
    """The event an agency email most likely is (the user confirms or changes it)."""
    haystack = f"{subject}\n{body[:5000]}".lower()
    for kind, words in EVENT_GUESSES:
        if any(w in haystack for w in words):
            return kind
    return "correspondence"


def _stage_email(
    batch: BlobBatch, path: Path, eml: Staged, max_bytes: int, max_files: int
) -> list[Staged]:
    """Read the message's facts onto ``eml`` and store its attachments."""
    with open(path, "rb") as fh:
        msg = BytesParser(policy=policy.default).parse(fh)
    # Headers and body come from the sender, not the user: keep what can be stored and shown.
    subject = v.header_text(str(msg.get("Subject", "")), 500)
    sender = v.header_text(str(msg.get("From", "")), 300)
    dated = True
    try:
        on = parsedate_to_datetime(str(msg.get("Date", ""))).date()
    except (TypeError, ValueError, IndexError):
        on, dated = utc_today(), False  # only a proposal; the user confirms the date
    eml.email = EmailFacts(subject, sender, on, v.storable(email_body(msg)), dated)
    parts = list(msg.iter_attachments())
    # The message itself is a document too: attachments may fill the rest of the upload.
    if len(parts) > max_files - 1:
        raise FileRefused(
            _too_many("email", len(parts) + 1, max_files).replace(
                "holds", "and its attachments are"
            )
        )
    staged = []
    for part in parts:
        payload = part.get_payload(decode=True)
        if not payload:
            continue
        name = sanitize_name(part.get_filename(), fallback="attachment")
        sha, size, _kind, mime, pages = _store_member(batch, io.BytesIO(payload), name, max_bytes)
        staged.append(Staged(sha, size, mime, pages, name, f"email:{eml.name}", attachment=True))
    return staged


def confirm_proposed(
    db: Session, proposed: ProposedEvent, user_id: int, kind: str | None = None
) -> Any:
    """Turn a proposed event into a timeline event through the lifecycle (status and clocks
    follow); "correspondence" files the email without an event. Returns the event or None."""
    from records.core.models import RecordRequest
    from records.lifecycle import service as lifecycle

    if not visibility.can_see(db, visibility.Viewer.member(proposed.org_id, user_id), proposed):
        # Its email is private to someone else: the caller should have answered 404 already.
        raise v.ValidationError(None, "this proposal is not yours to handle")
    choice = kind or proposed.kind
    if choice not in PROPOSAL_LABELS:
        raise v.ValidationError("kind", f"choose one of: {', '.join(PROPOSAL_LABELS)}")
    _take_proposal(db, proposed, "confirmed")
    event = None
    if choice != "correspondence":
        event_kind, _, outcome = choice.partition(":")
        data: dict[str, Any] = {"outcome": outcome} if outcome else {}
        if choice == proposed.kind:
            data = _read_data(proposed, event_kind) | data
        req = db.get(RecordRequest, proposed.request_id)
        source = db.get(Document, proposed.document_id) if proposed.document_id else None
        if source is not None and visibility.narrower_than_request(source):
            # The timeline is seen by everyone who sees the request; a private email's subject
            # and sender stay on the email, which only its uploader can open.
            note = PRIVATE_EMAIL_NOTE
        else:
            note = f"{proposed.subject} (email from {proposed.sender})"[:2000]
        try:
            event = lifecycle.record_event(
                db, req, event_kind, proposed.on, actor_id=user_id, note=note, data=data
            )
        except lifecycle.EventNotAllowed as exc:
            raise v.ValidationError("kind", str(exc)) from None
    proposed.state, proposed.kind = "confirmed", choice
    proposed.event_id = event.id if event is not None else None
    db.add(proposed)
    if event is not None and proposed.document_id:
        doc = db.get(Document, proposed.document_id)
        if doc is not None and doc.event_id is None:
            doc.event_id = event.id
            db.add(doc)
    log.info("user %s confirmed %s from email on request %s", user_id, choice, proposed.request_id)
    return event


def _read_data(proposed: ProposedEvent, event_kind: str) -> dict[str, Any]:
    """The values read from the email that the event kind declares (the rest stay on the
    proposal): a tracking number, a new due date, an amount, the exemptions cited."""
    from records.lifecycle.service import EVENT_KINDS

    read = proposed.read_values()
    declared = (
        {f.name for f in EVENT_KINDS[event_kind].fields} if event_kind in EVENT_KINDS else set()
    )
    return {k: val for k, val in read.items() if k in declared and val not in ("", None, [])}


def dismiss_proposed(db: Session, proposed: ProposedEvent, user_id: int) -> None:
    """Dismiss a proposed event (the email stays filed); the caller commits."""
    _take_proposal(db, proposed, "dismissed")
    log.info("user %s dismissed a proposal on request %s", user_id, proposed.request_id)


def _take_proposal(db: Session, proposed: ProposedEvent, state: str) -> None:
    """Move a proposal out of "proposed" with a conditional UPDATE: of two people confirming at
    the same moment (other workers, other processes) one wins, the other is told it is handled."""
    from sqlalchemy import update

    changed = db.exec(
        update(ProposedEvent)
        .where(ProposedEvent.id == proposed.id, ProposedEvent.state == "proposed")
        .values(state=state)
    ).rowcount
    if changed != 1:
        raise v.ValidationError(None, "this proposal was already handled")
    proposed.state = state


def documents_for(db: Session, req: RecordRequest, user_id: int | None) -> list[Document]:
    """The request's documents a member (``user_id``) may see, oldest first."""
    viewer = visibility.Viewer.member(req.org_id, user_id)
    return visibility.visible_rows_by(db, Document, viewer, request_id=req.id)


def proposals_for(
    db: Session, req: RecordRequest, viewer: visibility.Viewer, *, state: str | None = None
) -> list[ProposedEvent]:
    """Events proposed from the request's emails that ``viewer`` may see, oldest first."""
    if state is None:
        return visibility.visible_rows_by(db, ProposedEvent, viewer, request_id=req.id)
    return visibility.visible_rows_by(db, ProposedEvent, viewer, request_id=req.id, state=state)


def exemptions_of(doc: Document) -> list[str]:
    """The document's exemptions as a list."""
    value = doc.exemptions
    return [str(x) for x in value] if isinstance(value, list) else []

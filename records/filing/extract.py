"""Text extraction, run in a child process with a time limit so a hostile file cannot hang the app.

``run_worker`` starts ``python -m records.filing.extract MODE PATH MIME``; the child prints progress lines
(``P done total``) and one result line (``R {json}``). The ``extract_text`` job claims pending
documents one by one, stores their text and progress, and indexes them for search.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from records.core.validation import storable

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 5_000_000
DEFAULT_TIMEOUT = 120.0
STALE_CLAIM = timedelta(minutes=30)
BATCH = 20


class WorkerError(RuntimeError):
    """The child process failed, timed out, or said the file cannot be read."""


# --------------------------------------------------------------------------------------------
# Parent side
# --------------------------------------------------------------------------------------------


def run_worker(
    mode: str,
    path: str | os.PathLike[str],
    mime: str,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Run the extraction child on ``path``; return its result or raise WorkerError."""
    cmd = [sys.executable, "-m", "records.filing.extract", mode, str(path), mime]
    proc = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
        cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    result: dict[str, Any] | None = None
    buf = b""
    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise WorkerError(f"gave up after {timeout:.0f} seconds")
            if not sel.select(timeout=min(left, 1.0)):
                continue
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line.startswith(b"P ") and on_progress is not None:
                    done, total = (int(x) for x in line[2:].split())
                    on_progress(done, total)
                elif line.startswith(b"R "):
                    result = json.loads(line[2:])
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise WorkerError(f"gave up after {timeout:.0f} seconds") from None
    finally:
        sel.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    if result is None:
        raise WorkerError("the file could not be read (the reader stopped unexpectedly)")
    if "error" in result:
        raise WorkerError(result["error"])
    return result


def tesseract_available() -> bool:
    """OCR runs only where the ``tesseract`` program is installed."""
    return shutil.which("tesseract") is not None


@contextlib.contextmanager
def blob_path(storage: Any, sha256: str) -> Iterator[Path]:
    """A filesystem path for a stored blob (copied to a temporary file for remote storage)."""
    local = getattr(storage, "local_path", None)
    if local is not None:
        yield local(sha256)
        return
    fd, name = tempfile.mkstemp(prefix="records-extract-")
    try:
        with os.fdopen(fd, "wb") as out, storage.open(sha256) as src:
            shutil.copyfileobj(src, out, 1024 * 1024)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def claim(db: Any, doc_id: int, now: datetime) -> bool:
    """Move one document from pending to running; False when another worker got it first."""
    from sqlalchemy import update
    from sqlmodel import col

    from records.filing.models import Document, TextStatus

    result = db.exec(
        update(Document)
        .where(col(Document.id) == doc_id, col(Document.text_status) == TextStatus.PENDING)
        .values(text_status=TextStatus.RUNNING, text_claimed_at=now, text_progress=0)
    )
    db.commit()
    return result.rowcount == 1


def extract_document(db: Any, storage: Any, doc: Any, *, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Extract one claimed document's text, store the outcome and reindex it; return the status.

    No transaction is open while the child process reads the file (it can take minutes): the
    document's facts are read first, progress goes out in short conditional UPDATEs, and the
    result is written in one short transaction at the end. On SQLite a transaction held across
    the extraction would keep every other writer out and make them fail with "database is
    locked".
    """
    from sqlalchemy import update
    from sqlmodel import col

    from records.filing.models import Document, TextStatus

    doc_id, sha256, mime = doc.id, doc.sha256, doc.mime
    db.commit()  # end the read: nothing is held while the child works
    shown = [0]

    def progress(done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if percent >= shown[0] + 10:
            shown[0] = percent
            db.exec(
                update(Document)
                .where(col(Document.id) == doc_id, col(Document.text_status) == TextStatus.RUNNING)
                .values(text_progress=percent)
            )
            db.commit()

    try:
        with blob_path(storage, sha256) as path:
            result: dict[str, Any] | None = run_worker(
                "text", path, mime, timeout=timeout, on_progress=progress
            )
        error = ""
    except (WorkerError, OSError) as exc:
        result, error = None, str(exc)[:500]
    doc = db.get(Document, doc_id, populate_existing=True)  # as it is now, after the wait
    if doc is None:
        db.commit()
        log.info("document %s was deleted during text extraction", doc_id)
        return TextStatus.FAILED
    if result is None:
        doc.text_status, doc.text_error = TextStatus.FAILED, error
    else:
        doc.text = storable(result.get("text", ""))[:MAX_TEXT_CHARS]
        if result.get("pages") is not None:
            doc.pages = result["pages"]
        doc.text_status = TextStatus.DONE if doc.text.strip() else TextStatus.NO_TEXT_LAYER
        doc.text_error = result.get("note", "")[:500]
    doc.text_progress = 100
    db.add(doc)
    if doc.text_status in (TextStatus.DONE, TextStatus.NO_TEXT_LAYER):
        from records.register import on_text_extracted

        on_text_extracted(db, doc)  # quotes waiting for this text; proposals, never facts
    db.commit()
    log.info("document %s text extraction: %s", doc.id, doc.text_status)
    return doc.text_status


def next_pending(db: Any, served: Counter[int]) -> int | None:
    """The next document to extract: the oldest pending one of the organization served least.

    Round-robin between organizations, so one that uploads thousands of files at once delays
    another's single upload by at most one document per organization waiting, not by all of
    its own. ``served`` counts the documents this run extracted per organization.
    """
    from sqlalchemy import func
    from sqlmodel import col, select

    from records.filing.models import Document, TextStatus

    heads = db.exec(
        select(Document.org_id, func.min(Document.id))
        .where(Document.text_status == TextStatus.PENDING)
        .group_by(col(Document.org_id))
    ).all()
    db.commit()
    if not heads:
        return None
    _org_id, doc_id = min(heads, key=lambda head: (served[head[0]], head[1]))
    return int(doc_id)


def extract_pending(db: Any, now: datetime, *, limit: int = BATCH) -> int:
    """Extract up to ``limit`` pending documents, taking organizations in turn; stale claims from
    dead workers are retried."""
    from flask import current_app
    from sqlalchemy import update
    from sqlmodel import col

    from records.core.storage_local import get_storage
    from records.filing.models import Document, TextStatus

    db.exec(
        update(Document)
        .where(
            col(Document.text_status) == TextStatus.RUNNING,
            col(Document.text_claimed_at) < now - STALE_CLAIM,
        )
        .values(text_status=TextStatus.PENDING)
    )
    db.commit()
    storage = get_storage(current_app)
    served: Counter[int] = Counter()
    done = 0
    for _ in range(limit):
        doc_id = next_pending(db, served)
        if doc_id is None:
            break
        if not claim(db, doc_id, now):
            continue  # another worker took it
        doc = db.get(Document, doc_id)
        if doc is not None:
            served[doc.org_id] += 1
            extract_document(db, storage, doc)
            done += 1
    return done


# --------------------------------------------------------------------------------------------
# Child side: plain functions over a path, no Flask and no database.
# --------------------------------------------------------------------------------------------


def _emit(prefix: str, payload: str) -> None:
    sys.stdout.write(f"{prefix} {payload}\n")
    sys.stdout.flush()


def _pdf(path: str, mode: str) -> dict[str, Any]:
    from pypdf import PdfReader

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001 - any failure means we cannot read it
            return {"error": "the PDF is encrypted with a password"}
    total = len(reader.pages)
    if mode == "info":
        return {"pages": total}
    parts = []
    for number, page in enumerate(reader.pages, start=1):
        parts.append(page.extract_text() or "")
        _emit("P", f"{number} {total}")
    text = "\n\f".join(parts)
    note = ""
    if not text.strip():
        note = "scanned PDF without a text layer" + (
            "" if tesseract_available() else "; OCR is not installed on this server"
        )
    return {"pages": total, "text": text, "note": note}


def _docx(path: str) -> dict[str, Any]:
    import docx

    document = docx.Document(path)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return {"text": "\n".join(lines)}


def _xlsx(path: str) -> dict[str, Any]:
    from openpyxl import load_workbook

    fh = open(path, "rb")  # noqa: SIM115 - openpyxl judges a path by its extension; blobs have none
    book = load_workbook(fh, read_only=True, data_only=True)
    lines: list[str] = []
    size = 0
    for sheet in book.worksheets:
        lines.append(f"# {sheet.title}")
        for row in sheet.iter_rows(values_only=True):
            line = "\t".join("" if v is None else str(v) for v in row).rstrip("\t")
            if line:
                lines.append(line)
                size += len(line)
            if size > MAX_TEXT_CHARS:
                break
    book.close()
    fh.close()
    return {"text": "\n".join(lines)}


def _eml(path: str) -> dict[str, Any]:
    from email import policy
    from email.parser import BytesParser

    with open(path, "rb") as fh:
        msg = BytesParser(policy=policy.default).parse(fh)
    head = f"From: {msg.get('From', '')}\nDate: {msg.get('Date', '')}\nSubject: {msg.get('Subject', '')}"
    return {"text": head + "\n\n" + email_body(msg)}


def email_body(msg: Any) -> str:
    """The readable body of an email message (plain text preferred, HTML reduced to text)."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_subtype() == "html":
        content = re.sub(r"(?is)<(script|style).*?</\1>", " ", content)
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
        content = re.sub(r"[ \t]+", " ", content)
    return str(content).strip()


def _plain(path: str) -> dict[str, Any]:
    with open(path, "rb") as fh:
        raw = fh.read(MAX_TEXT_CHARS)
    return {"text": raw.decode("utf-8", "replace")}


def _image(path: str) -> dict[str, Any]:
    if not tesseract_available():
        return {"text": "", "note": "image without text; OCR is not installed on this server"}
    exe = shutil.which("tesseract") or "tesseract"
    out = subprocess.run(  # noqa: S603 - fixed argv, resolved program
        [exe, path, "-"], capture_output=True, timeout=DEFAULT_TIMEOUT, check=False
    )
    return {"text": out.stdout.decode("utf-8", "replace"), "note": "text from OCR"}


def child_main(argv: list[str]) -> int:
    """Entry point of the child process."""
    mode, path, mime = argv
    try:
        import resource

        # A parser loop must not eat the machine: cap memory and CPU time of this child.
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))
        resource.setrlimit(resource.RLIMIT_CPU, (int(DEFAULT_TIMEOUT), int(DEFAULT_TIMEOUT) + 5))
    except (ImportError, ValueError, OSError):
        pass
    try:
        if mime == "application/pdf":
            result = _pdf(path, mode)
        elif mode == "info":
            result = {}
        elif mime.endswith("wordprocessingml.document"):
            result = _docx(path)
        elif mime.endswith("spreadsheetml.sheet"):
            result = _xlsx(path)
        elif mime == "message/rfc822":
            result = _eml(path)
        elif mime.startswith("text/"):
            result = _plain(path)
        elif mime.startswith("image/"):
            result = _image(path)
        else:
            result = {"text": ""}
    except Exception as exc:  # noqa: BLE001 - report any parser failure as a reason
        result = {"error": f"the file could not be parsed ({type(exc).__name__}: {exc})"[:400]}
    _emit("R", json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(child_main(sys.argv[1:]))

"""Stored files nothing references any more: rows without documents, blobs without rows.

Documents point at ``StoredFile`` rows, which name blobs in storage. A blob is left without a row
when a server dies after storing an upload's files but before its rows commit (kill -9 while
unpacking a ZIP); a row is left without documents when its request is deleted. Deleting a request
forgets its files at once (``forget_files`` and ``release_blobs``); the periodic ``sweep`` job
catches everything else.

Every blob put within the grace period (``BLOB_GRACE_MINUTES``) is spared, by its last-put time:
an upload stores its blobs before its rows commit, and one storing the same bytes again marks the
blob as just put, so an unfinished upload never loses a blob it is about to reference.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, exists
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from records.filing.models import Document, StoredFile

log = logging.getLogger(__name__)
CHUNK = 500
# When the storage was last listed, per backend and place: listing every blob is costly, and
# blobs without rows only come from crashes, so it runs at most once per grace period.
_listed: dict[str, datetime] = {}


def grace(config: Mapping[str, Any]) -> timedelta:
    """How long a blob is kept after it was last put, whatever references it."""
    return timedelta(minutes=int(config.get("BLOB_GRACE_MINUTES", 60)))


def _chunks(items: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _unreferenced() -> Any:
    return ~exists().where(col(Document.sha256) == col(StoredFile.sha256))


def forget_files(db: Session, shas: Iterable[str]) -> list[str]:
    """Delete the StoredFile rows among ``shas`` that no document references; returns their
    hashes (their blobs go with ``release_blobs`` after the commit). The caller commits."""
    gone: list[str] = []
    for chunk in _chunks(sorted(set(shas))):
        rows = list(
            db.exec(
                select(StoredFile.sha256).where(col(StoredFile.sha256).in_(chunk), _unreferenced())
            ).all()
        )
        for sha in rows:
            try:
                with db.begin_nested():
                    # Conditional again: a document filed since the SELECT keeps its row (on
                    # PostgreSQL a filing in progress holds the row, and this waits for it).
                    deleted = db.exec(
                        delete(StoredFile).where(col(StoredFile.sha256) == sha, _unreferenced())
                    ).rowcount
            except IntegrityError:  # a document committed in between references it
                deleted = 0
            if deleted:
                gone.append(sha)
    return gone


def release_blobs(
    storage: Any, shas: Iterable[str], now: datetime, config: Mapping[str, Any]
) -> int:
    """Remove the blobs of forgotten rows, sparing those put within the grace period (the sweep
    takes them later); returns how many were removed."""
    put_before = (now - grace(config)).timestamp()
    return sum(1 for sha in shas if storage.reclaim(sha, put_before=put_before))


def _blobs_without_rows(db: Session, storage: Any) -> list[str]:
    stored = storage.iter_all()
    orphans: list[str] = []
    for chunk in _chunks(stored):
        known = set(
            db.exec(select(StoredFile.sha256).where(col(StoredFile.sha256).in_(chunk))).all()
        )
        orphans += [sha for sha in chunk if sha not in known]
    db.commit()
    return orphans


def _storage_place(config: Mapping[str, Any]) -> str:
    if config.get("STORAGE_BACKEND") == "s3":
        return f"s3:{config.get('S3_ENDPOINT_URL')}/{config.get('S3_BUCKET')}"
    return f"local:{config.get('STORAGE_DIR')}"


def sweep(db: Session, now: datetime) -> int:
    """Periodic job: delete unreferenced StoredFile rows and reclaim blobs no row names (put
    before the grace period); returns rows deleted plus blobs removed."""
    from flask import current_app

    from records.core.storage_local import get_storage

    config = current_app.config
    storage = get_storage(current_app)
    rows = list(db.exec(select(StoredFile.sha256).where(_unreferenced())).all())
    gone = forget_files(db, rows)
    db.commit()
    removed = release_blobs(storage, gone, now, config)
    place, period = _storage_place(config), grace(config)
    last = _listed.get(place)
    if last is None or now - last >= period or now < last:
        _listed[place] = now
        removed += release_blobs(storage, _blobs_without_rows(db, storage), now, config)
    if gone or removed:
        log.info("storage sweep: %s unreferenced row(s), %s blob(s) removed", len(gone), removed)
    return len(gone) + removed

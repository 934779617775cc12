"""Content-addressed storage in a folder: ``<dir>/<aa>/<bb>/<sha256>``, written atomically.

Bytes stream into a temporary file under ``<dir>/tmp`` while they are hashed; the file is fsynced,
renamed into place and the directory fsynced, so a crash leaves either the whole blob or only a
temporary file. Temporary files carry the writer's process id and are swept when that process is
gone (on the next start) or when they are a day old.

A blob's modification time is its last-put time, set from the product clock on every put (also
when the bytes were stored already). ``reclaim`` deletes a blob only if it was not put since a
given moment; it and the last step of ``put`` hold an flock on ``<dir>/.lock`` (exclusive and
shared), so a put either finds the blob and marks it as just put, or stores it again.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from records.core.clock import epoch
from records.storage import Storage, Stored, TooLarge

log = logging.getLogger(__name__)
CHUNK = 1024 * 1024
HEX64 = re.compile(r"^[0-9a-f]{64}$")
STALE_SECONDS = 24 * 3600


class LocalStorage:
    """Blobs in a local folder."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.tmp = self.root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        """Where the blob for ``sha256`` lives (validated so a hash can never escape the folder)."""
        if not HEX64.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @contextlib.contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        with open(self.root / ".lock", "a") as fh:
            fcntl.flock(fh.fileno(), mode)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    def put(self, stream: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Stream bytes in; return (sha256, size). Raises TooLarge past max_bytes, leaving nothing."""
        blob = self.store(stream, max_bytes=max_bytes)
        return blob.sha256, blob.size

    def store(self, stream: BinaryIO, *, max_bytes: int) -> Stored:
        """Stream bytes in; say whether the blob is new. Either way it is marked as put now."""
        digest = hashlib.sha256()
        size = 0
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp, prefix=f"up-{os.getpid()}-")
        try:
            with os.fdopen(fd, "wb") as out:
                while True:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"larger than the limit of {max_bytes} bytes")
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            sha = digest.hexdigest()
            target = self.path(sha)
            with self._locked(fcntl.LOCK_SH):
                stamp = epoch()
                ns = _ns(stamp)
                if target.exists():
                    os.unlink(tmp_name)  # already stored: deduplicated, and marked as just put
                    os.utime(target, ns=(ns, ns))
                    return Stored(sha, size, False, stamp)
                target.parent.mkdir(parents=True, exist_ok=True)
                os.utime(tmp_name, ns=(ns, ns))
                os.replace(tmp_name, target)
                _fsync_dir(target.parent)
                return Stored(sha, size, True, stamp)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def reclaim(self, sha256: str, *, put_before: float) -> bool:
        """Delete the blob unless it was put after ``put_before``; True when it was deleted."""
        path = self.path(sha256)
        with self._locked(fcntl.LOCK_EX):
            try:
                if path.stat().st_mtime_ns > _ns(put_before):
                    return False
                path.unlink()
            except FileNotFoundError:
                return False
        return True

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored blob."""
        return open(self.path(sha256), "rb")  # noqa: SIM115 - the caller closes it

    def exists(self, sha256: str) -> bool:
        """True when the blob is stored."""
        try:
            return self.path(sha256).is_file()
        except ValueError:
            return False

    def delete(self, sha256: str) -> None:
        """Remove a blob (no error if it is already gone)."""
        with self._locked(fcntl.LOCK_EX), contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()

    def iter_all(self) -> list[str]:
        """Every stored hash (for backups and checks)."""
        found = []
        for path in self.root.glob("??/??/*"):
            if HEX64.match(path.name) and path.parent.parent.name == path.name[:2]:
                found.append(path.name)
        return sorted(found)

    def local_path(self, sha256: str) -> Path:
        """A filesystem path for tools that need one (text extraction)."""
        return self.path(sha256)

    def sweep_temp(self, *, now: float | None = None) -> int:
        """Delete temporary files left by dead processes or older than a day; return the count."""
        now = epoch() if now is None else now
        removed = 0
        for path in self.tmp.glob("up-*"):
            match = re.match(r"^up-(\d+)-", path.name)
            pid = int(match.group(1)) if match else 0
            try:
                old = now - path.stat().st_mtime > STALE_SECONDS
            except FileNotFoundError:
                continue
            if old or not _alive(pid):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        if removed:
            log.info("removed %s unfinished upload(s) from storage", removed)
        return removed


def _ns(seconds: float) -> int:
    return round(seconds * 1_000_000_000)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def get_storage(app: Any) -> Storage:
    """The app's storage backend (one per app), chosen by ``STORAGE_BACKEND``."""
    cached = app.extensions.get("records_storage")
    if cached is not None:
        return cached
    backend = app.config.get("STORAGE_BACKEND", "local")
    storage: Any
    if backend == "s3":
        from records.storage_s3 import S3Storage  # optional dependency, imported only when used

        storage = S3Storage.from_config(app.config)
    elif backend == "local":
        storage = LocalStorage(app.config["STORAGE_DIR"])
        storage.sweep_temp()
    else:
        raise ValueError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")
    app.extensions["records_storage"] = storage
    return storage

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
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from flask import Flask, Request, current_app

from records.core.clock import epoch
from records.core.storage import Storage, Stored, TooLarge

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
        """Stream bytes in; say whether the blob is new. Either way it is marked as put now.

        An upload already spooled into this storage's temporary folder (``Spool``) is hashed
        where it lies and renamed into place: its bytes are written to disk once, not twice.
        """
        if isinstance(stream, Spool) and stream.folder == self.tmp:
            stored = self._adopt(stream, max_bytes)
            if stored is not None:
                return stored
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
            return self._place(tmp_name, digest.hexdigest(), size)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def _adopt(self, spool: Spool, max_bytes: int) -> Stored | None:
        """Store a spooled upload by hashing it in place, fsyncing it and linking it into place
        (None when it cannot be linked: the caller then copies it)."""
        digest = hashlib.sha256()
        size = 0
        spool.flush()
        spool.seek(0)
        while chunk := spool.read(CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise TooLarge(f"larger than the limit of {max_bytes} bytes")
            digest.update(chunk)
        os.fsync(spool.fileno())
        spool.seek(0)  # readers after the store (unpacking, checks) start from the top
        try:
            name = spool.link()
        except OSError:  # no /proc, or the filesystem refuses: copy it instead
            return None
        return self._place(name, digest.hexdigest(), size)

    def _place(self, tmp_name: str, sha: str, size: int) -> Stored:
        """Move a written, fsynced temporary file to its content address (or drop it when the
        blob is stored already), marking the blob as put now."""
        try:
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


class Spool:
    """One uploaded file part, written by the form parser straight into the storage's temporary
    folder as an anonymous file (``O_TMPFILE``): it has no name until ``LocalStorage.store``
    links it in, so a process killed mid-upload leaves nothing behind."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        fd = os.open(folder, os.O_TMPFILE | os.O_RDWR, 0o600)
        self.file = os.fdopen(fd, "w+b")

    def link(self) -> str:
        """Give the file a temporary name in its folder (like every unfinished upload there)."""
        name = str(self.folder / f"up-{os.getpid()}-{secrets.token_hex(8)}")
        # linkat(AT_SYMLINK_FOLLOW) through /proc: Python calls plain link() unless a dir fd
        # is given, and link() does not follow the /proc entry to the anonymous file.
        proc = os.open("/proc/self/fd", os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.link(str(self.file.fileno()), name, src_dir_fd=proc, follow_symlinks=True)
        finally:
            os.close(proc)
        return name

    def write(self, data: bytes) -> int:
        return self.file.write(data)

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def flush(self) -> None:
        self.file.flush()

    def fileno(self) -> int:
        return self.file.fileno()

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self.file.closed

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.file)


SPOOL_AT = 500 * 1024  # smaller bodies stay in memory (Werkzeug's own threshold)


def spool_for(app: Any, total_content_length: int | None) -> Spool | None:
    """A ``Spool`` for a large upload when the app stores files locally, else None."""
    if total_content_length is None or total_content_length <= SPOOL_AT:
        return None
    storage = get_storage(app)
    if not isinstance(storage, LocalStorage):
        return None
    try:
        return Spool(storage.tmp)
    except (OSError, AttributeError):  # no O_TMPFILE here (filesystem or platform)
        return None


class SpoolingRequest(Request):
    """Flask's request, with large file parts spooled into the storage's temporary folder."""

    def _get_file_stream(
        self,
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None = None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        spool = spool_for(current_app, total_content_length)
        if spool is not None:
            return spool  # type: ignore[return-value]
        return super()._get_file_stream(
            total_content_length, content_type, filename, content_length
        )


def install(app: Flask) -> None:
    """Uploads of this app spool their files next to where they will be stored."""
    app.request_class = SpoolingRequest


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
        from records.core.storage_s3 import (
            S3Storage,  # optional dependency, imported only when used
        )

        storage = S3Storage.from_config(app.config)
    elif backend == "local":
        storage = LocalStorage(app.config["STORAGE_DIR"])
        storage.sweep_temp()
    else:
        raise ValueError(f"STORAGE_BACKEND must be local or s3, not {backend!r}")
    app.extensions["records_storage"] = storage
    return storage

"""Where uploaded bytes live. Files are content-addressed by SHA-256 and written atomically.

``Storage`` is the interface; ``LocalStorage`` (a folder) is the default. Another backend (for
example S3-compatible object storage) implements the same methods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO, Protocol


@dataclass(frozen=True)
class Stored:
    """One put: the blob's hash and size, whether this put created it (or found it stored), and
    the put's stamp (epoch seconds), which the blob keeps as its "last put" time."""

    sha256: str
    size: int
    created: bool
    stamp: float


class Storage(Protocol):
    def put(self, stream: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Stream bytes in; return (sha256, size). Raises TooLarge past max_bytes, leaving nothing."""

    def store(self, stream: BinaryIO, *, max_bytes: int) -> Stored:
        """Like ``put``, and say whether the blob is new; either way its last-put time is now."""

    def reclaim(self, sha256: str, *, put_before: float) -> bool:
        """Delete the blob unless it was put (written or deduplicated) after ``put_before``.

        An upload puts its blobs before its database rows commit; the last-put time is what keeps
        a blob that an unfinished upload is about to reference from being reclaimed.
        """

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored blob."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...

    def iter_all(self) -> list[str]:
        """Every stored hash (for backups and checks)."""


class TooLarge(ValueError):
    """The upload is larger than the configured limit."""

"""Where uploaded bytes live. Files are content-addressed by SHA-256 and written atomically.

``Storage`` is the interface; ``LocalStorage`` (a folder) is the default. Another backend (for
example S3-compatible object storage) implements the same methods.
"""

from __future__ import annotations

from typing import BinaryIO, Protocol


class StoredBlob(Protocol):
    sha256: str
    size: int


class Storage(Protocol):
    def put(self, stream: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Stream bytes in; return (sha256, size). Raises TooLarge past max_bytes, leaving nothing."""

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored blob."""

    def exists(self, sha256: str) -> bool: ...

    def delete(self, sha256: str) -> None: ...

    def iter_all(self) -> list[str]:
        """Every stored hash (for backups and checks)."""


class TooLarge(ValueError):
    """The upload is larger than the configured limit."""

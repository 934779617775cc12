"""S3-compatible object storage behind the ``records.core.storage.Storage`` interface.

Blobs are content-addressed like the local folder: key ``blobs/<first two hex>/<sha256>``. An
upload is hashed while it is spooled to a temporary file, so a blob appears under its final key
only once, complete, and an upload past the limit leaves nothing behind.

Each object carries its last-put time in the ``put-at`` metadata (refreshed by copying the object
onto itself when the same bytes are put again). S3 has no lock, so ``reclaim`` reads that time
and then deletes: the grace period of the sweep (``BLOB_GRACE_MINUTES``) is what protects an
unfinished upload here.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import Mapping
from typing import Any, BinaryIO

try:
    import boto3
    from botocore.exceptions import ClientError
except ModuleNotFoundError as exc:  # boto3 is the optional "s3" extra
    raise RuntimeError("S3 storage needs the s3 extra: pip install 'records-desk[s3]'") from exc

from records.core.clock import epoch
from records.core.storage import Stored, TooLarge

PREFIX = "blobs/"
CHUNK = 1024 * 1024
# Uploads stay in memory up to this size, then spill to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024


def _key(sha256: str) -> str:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{PREFIX}{sha256[:2]}/{sha256}"


class S3Storage:
    """Store blobs in one bucket of an S3-compatible service."""

    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> S3Storage:
        """Build from S3_BUCKET, S3_ENDPOINT_URL and S3_REGION; credentials come from boto3's chain."""
        if not config.get("S3_BUCKET"):
            raise ValueError("S3_BUCKET must be set when STORAGE_BACKEND is s3")
        client = boto3.client(
            "s3",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            region_name=config.get("S3_REGION") or "us-east-1",
        )
        return cls(config["S3_BUCKET"], client)

    def put(self, stream: BinaryIO, *, max_bytes: int) -> tuple[str, int]:
        """Stream bytes in; return (sha256, size). Raises TooLarge past max_bytes, leaving nothing."""
        blob = self.store(stream, max_bytes=max_bytes)
        return blob.sha256, blob.size

    def store(self, stream: BinaryIO, *, max_bytes: int) -> Stored:
        """Stream bytes in; say whether the blob is new. Either way it is marked as put now."""
        digest = hashlib.sha256()
        size = 0
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(f"upload exceeds {max_bytes} bytes")
                digest.update(chunk)
                spool.write(chunk)
            sha = digest.hexdigest()
            stamp = epoch()
            meta = {"put-at": repr(stamp)}
            if self.exists(sha):
                self.client.copy_object(
                    Bucket=self.bucket,
                    Key=_key(sha),
                    CopySource={"Bucket": self.bucket, "Key": _key(sha)},
                    Metadata=meta,
                    MetadataDirective="REPLACE",
                )
                return Stored(sha, size, False, stamp)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, _key(sha), ExtraArgs={"Metadata": meta})
        return Stored(sha, size, True, stamp)

    def reclaim(self, sha256: str, *, put_before: float) -> bool:
        """Delete the blob unless it was put after ``put_before``; True when it was deleted."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=_key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        try:
            put_at = float(head.get("Metadata", {}).get("put-at", ""))
        except ValueError:  # written before put times were kept
            put_at = head["LastModified"].timestamp()
        if put_at > put_before:
            return False
        self.client.delete_object(Bucket=self.bucket, Key=_key(sha256))
        return True

    def open(self, sha256: str) -> BinaryIO:
        """Read a stored blob; FileNotFoundError when it is missing."""
        try:
            obj = self.client.get_object(Bucket=self.bucket, Key=_key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(sha256) from exc
            raise
        return obj["Body"]

    def exists(self, sha256: str) -> bool:
        """True when the blob is stored."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=_key(sha256))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                return False
            raise
        return True

    def delete(self, sha256: str) -> None:
        """Remove a blob (no error when it is already gone)."""
        self.client.delete_object(Bucket=self.bucket, Key=_key(sha256))

    def iter_all(self, page_size: int = 1000) -> list[str]:
        """Every stored hash (for backups and checks), across as many listing pages as needed."""
        out: list[str] = []
        paginator = self.client.get_paginator("list_objects_v2")
        pages = paginator.paginate(
            Bucket=self.bucket, Prefix=PREFIX, PaginationConfig={"PageSize": page_size}
        )
        for page in pages:
            out.extend(item["Key"].rsplit("/", 1)[-1] for item in page.get("Contents", []))
        return sorted(out)

    def probe(self) -> None:
        """Write and delete a small object: raises when the bucket is not writable."""
        key = "healthz/probe"
        self.client.put_object(Bucket=self.bucket, Key=key, Body=io.BytesIO(b"ok"))
        self.client.delete_object(Bucket=self.bucket, Key=key)

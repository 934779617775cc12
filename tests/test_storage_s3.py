"""S3Storage against moto's S3 server, started as a real process on loopback."""

from __future__ import annotations

import hashlib
import io
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

from records.core.storage import TooLarge
from records.core.storage_s3 import S3Storage
from records.ops.health import check_storage

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = _free_port()
    exe = str(Path(sys.executable).parent / "moto_server")
    proc = subprocess.Popen(
        [exe, "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def storage(s3_endpoint, monkeypatch, request):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    bucket = f"records-{request.node.name.lower().replace('_', '-')[:40]}"
    boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").create_bucket(
        Bucket=bucket
    )
    return S3Storage.from_config(
        {"S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": "us-east-1"}
    )


def test_round_trip_is_content_addressed(storage):
    data = b"%PDF-1.4 memorandum of agreement\n" * 1000
    sha, size = storage.put(io.BytesIO(data), max_bytes=10**6)
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    assert storage.exists(sha)
    assert storage.open(sha).read() == data
    assert storage.put(io.BytesIO(data), max_bytes=10**6) == (sha, size)  # same bytes, same blob
    assert storage.iter_all() == [sha]


def test_too_large_leaves_nothing(storage):
    with pytest.raises(TooLarge):
        storage.put(io.BytesIO(b"x" * 5000), max_bytes=4096)
    assert storage.iter_all() == []


def test_delete_and_missing(storage):
    sha, _ = storage.put(io.BytesIO(b"reply letter"), max_bytes=100)
    storage.delete(sha)
    assert not storage.exists(sha)
    with pytest.raises(FileNotFoundError):
        storage.open(sha)
    with pytest.raises(ValueError):
        storage.open("../../etc/passwd")


def test_reclaim_spares_a_blob_put_again_since(storage, clock):
    first = storage.store(io.BytesIO(b"equitable sharing"), max_bytes=100)
    clock.advance(seconds=5)
    again = storage.store(io.BytesIO(b"equitable sharing"), max_bytes=100)
    assert (first.created, again.created) == (True, False) and again.stamp > first.stamp
    assert storage.reclaim(first.sha256, put_before=first.stamp) is False
    assert storage.exists(first.sha256)
    assert storage.reclaim(first.sha256, put_before=again.stamp) is True
    assert not storage.exists(first.sha256)


def test_listing_follows_every_page(storage):
    hashes = {storage.put(io.BytesIO(str(i).encode()), max_bytes=100)[0] for i in range(7)}
    # Pages of two keys: the listing must follow continuation tokens to find all seven.
    assert set(storage.iter_all(page_size=2)) == hashes
    assert len(storage.iter_all(page_size=2)) == 7


def test_health_check_uses_the_bucket(app, storage, s3_endpoint):
    app.config.update(STORAGE_BACKEND="s3", S3_BUCKET=storage.bucket, S3_ENDPOINT_URL=s3_endpoint)
    assert check_storage(app) == {"ok": True, "backend": "s3"}
    app.config["S3_BUCKET"] = "no-such-bucket"
    assert check_storage(app)["ok"] is False

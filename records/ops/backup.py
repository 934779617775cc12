"""Backups: a consistent database snapshot plus the stored files, with a manifest of SHA-256 sums.

SQLite is copied with its online backup API and PostgreSQL with ``pg_dump`` (custom format, one
serializable snapshot), so both can run while the app serves. The database is captured first and
the files after: stored files are content-addressed and never rewritten, so every file the
snapshot refers to is still there when the files are copied.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records.core.clock import utc_now

MANIFEST = "manifest.json"
FORMAT = "records-desk-backup"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
FILES_DIR = "files"


class BackupError(RuntimeError):
    """The backup cannot be written, read or restored; the message says why."""


@dataclass(frozen=True)
class Target:
    """Where an instance keeps its data."""

    engine: Engine
    config: Mapping[str, Any]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _run(args: list[str], engine: Engine) -> None:
    env = dict(os.environ)
    # The password goes through the environment, never onto the process list.
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    dbname = engine.url.set(drivername="postgresql", password=None)
    command = [*args, "--dbname", dbname.render_as_string(hide_password=False)]
    try:
        # Fixed program names; the only variable parts are our own paths and URL.
        subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(f"{args[0]} is not installed (Debian: postgresql-client)") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{args[0]} failed: {exc.stderr.strip()[-2000:]}") from exc


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per application table (tables the database does not have are left out)."""
    present = set(inspect(engine).get_table_names())
    out: dict[str, int] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in present:
                out[table.name] = conn.execute(select(func.count()).select_from(table)).scalar_one()
    return out


def _snapshot_database(target: Target, dest: Path) -> str:
    if target.dialect == "sqlite":
        path = make_url(str(target.engine.url)).database
        if not path or path == ":memory:":
            raise BackupError("an in-memory SQLite database cannot be backed up")
        src = sqlite3.connect(path, timeout=30)
        dst = sqlite3.connect(dest / SQLITE_FILE)
        try:
            # One step (pages=-1) copies from a single read snapshot; WAL writers keep going.
            src.backup(dst, pages=-1)
        finally:
            dst.close()
            src.close()
        return SQLITE_FILE
    if target.dialect == "postgresql":
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(dest / PG_FILE)],
            target.engine,
        )
        return PG_FILE
    raise BackupError(f"unsupported database: {target.dialect}")


def _storage_files(config: Mapping[str, Any]) -> list[tuple[str, Path]]:
    root = Path(config["STORAGE_DIR"])
    if not root.is_dir():
        return []
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        # Dot-names are probes and half-written temporary files, never stored blobs.
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out.append((rel.as_posix(), path))
    return out


def _copy_files(target: Target, dest: Path) -> None:
    files = dest / FILES_DIR
    files.mkdir()
    if target.config.get("STORAGE_BACKEND") == "s3":
        from records.core.storage_s3 import S3Storage

        storage = S3Storage.from_config(target.config)
        for sha in storage.iter_all():
            out = files / "s3" / sha
            out.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(sha) as src, out.open("wb") as fh:
                shutil.copyfileobj(src, fh)
        return
    for rel, path in _storage_files(target.config):
        out = files / "local" / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, out)
        except FileNotFoundError:
            continue  # deleted while we copied: the snapshot no longer refers to it


def create(target: Target, dest: Path, *, version: str, now: datetime | None = None) -> dict:
    """Write a snapshot into ``dest`` (new or empty); the manifest is written last."""
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise BackupError(f"{dest} is not empty")
    db_file = _snapshot_database(target, dest)
    _copy_files(target, dest)
    checksums = {
        p.relative_to(dest).as_posix(): sha256_file(p)
        for p in sorted(dest.rglob("*"))
        if p.is_file()
    }
    manifest = {
        "format": FORMAT,
        "version": 1,
        "app_version": version,
        "created_at": (now or utc_now()).isoformat(),
        "database": {"dialect": target.dialect, "file": db_file},
        "storage": {"backend": target.config.get("STORAGE_BACKEND") or "local"},
        "files": checksums,
    }
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True))
    os.replace(tmp, dest / MANIFEST)
    return manifest


def read_manifest(src: Path) -> dict:
    """The manifest, or BackupError when it is missing or not ours."""
    try:
        manifest = json.loads((src / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{src} has no {MANIFEST}: not a backup, or an unfinished one") from None
    except json.JSONDecodeError as exc:
        raise BackupError(f"{MANIFEST} is damaged: {exc}") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{src} is not a Records Desk backup")
    return manifest


def verify(src: Path) -> list[str]:
    """Problems found: missing, changed or unlisted files (empty when the backup is intact)."""
    manifest = read_manifest(src)
    problems = []
    listed = manifest.get("files", {})
    for rel, expected in sorted(listed.items()):
        path = src / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif sha256_file(path) != expected:
            problems.append(f"checksum mismatch: {rel}")
    for path in sorted(src.rglob("*")):
        rel = path.relative_to(src).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in listed:
            problems.append(f"not in manifest: {rel}")
    if manifest.get("database", {}).get("file") not in listed:
        problems.append("the database file is not listed")
    return problems


def _ensure_empty(target: Target) -> None:
    counts = row_counts(target.engine)
    used = {name: n for name, n in counts.items() if n}
    if used:
        raise BackupError(
            "restore needs an empty instance; the database has rows in: " + ", ".join(sorted(used))
        )
    if target.config.get("STORAGE_BACKEND") != "s3" and _storage_files(target.config):
        raise BackupError(f"restore needs an empty storage folder: {target.config['STORAGE_DIR']}")


def restore(target: Target, src: Path) -> dict[str, int]:
    """Restore a verified backup into an empty instance; returns rows per table afterwards."""
    problems = verify(src)
    if problems:
        raise BackupError("the backup does not verify: " + "; ".join(problems[:10]))
    manifest = read_manifest(src)
    dialect = manifest["database"]["dialect"]
    if dialect != target.dialect:
        raise BackupError(f"this backup is {dialect}; the instance uses {target.dialect}")
    _ensure_empty(target)
    target.engine.dispose()
    if dialect == "sqlite":
        path = cast(str, make_url(str(target.engine.url)).database)  # a file database
        src_conn = sqlite3.connect(src / SQLITE_FILE)
        dst_conn = sqlite3.connect(path, timeout=30)
        try:
            src_conn.backup(dst_conn, pages=-1)
        finally:
            dst_conn.close()
            src_conn.close()
    else:
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                str(src / PG_FILE),
            ],
            target.engine,
        )
    _restore_files(target, src / FILES_DIR)
    target.engine.dispose()
    return row_counts(target.engine)


def _restore_files(target: Target, files: Path) -> None:
    if target.config.get("STORAGE_BACKEND") == "s3":
        from records.core.storage_s3 import S3Storage

        storage = S3Storage.from_config(target.config)
        for path in sorted((files / "s3").glob("*")) if (files / "s3").is_dir() else []:
            with path.open("rb") as fh:
                sha, _size = storage.put(fh, max_bytes=path.stat().st_size)
            if sha != path.name:
                raise BackupError(f"stored file {path.name} does not match its name")
        return
    root = Path(target.config["STORAGE_DIR"])
    local = files / "local"
    if local.is_dir():
        root.mkdir(parents=True, exist_ok=True)
        shutil.copytree(local, root, dirs_exist_ok=True)

"""Every setting with its default and a one-line help; the README documents each (a test checks).

Settings come from the environment, then an optional ``instance/config.py``. ``SECRET_KEY`` is
generated into the instance folder on first run when it is not set.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("DATABASE_URL", None, "SQLAlchemy URL; default is SQLite in the instance folder."),
    Setting(
        "SECRET_KEY",
        None,
        "Signs sessions and CSRF tokens; generated into the instance folder when unset.",
    ),
    Setting("HOST", "127.0.0.1", "Address `make run` listens on."),
    Setting("PORT", 5000, "Port `make run` listens on.", int),
    Setting("STORAGE_DIR", None, "Folder for uploaded files; default `instance/storage`."),
    Setting("MAX_UPLOAD_MB", 250, "Largest accepted upload, in megabytes.", int),
    Setting(
        "BLOB_GRACE_MINUTES",
        60,
        "Stored files nothing references are removed once they were last uploaded this long ago.",
        int,
    ),
    Setting("PAGE_SIZE", 25, "Rows per page in lists.", int),
    Setting(
        "INSTANCE_ADMINS",
        "",
        "Comma-separated emails of the instance's administrators (may merge any two agencies).",
    ),
    Setting(
        "LOGIN_MAX_ATTEMPTS", 5, "Failed logins allowed per account and address per window.", int
    ),
    Setting("LOGIN_WINDOW_SECONDS", 900, "Window for counting failed logins.", int),
    Setting(
        "SESSION_COOKIE_SECURE",
        False,
        "Send the session cookie over HTTPS only (set in production).",
        bool,
    ),
    Setting(
        "SMTP_HOST", "", "SMTP server for sending letters and reminders; empty disables email."
    ),
    Setting("SMTP_PORT", 25, "SMTP port.", int),
    Setting("SMTP_USER", "", "SMTP user name (optional)."),
    Setting("SMTP_PASSWORD", "", "SMTP password (optional)."),
    Setting("SMTP_STARTTLS", False, "Use STARTTLS with the SMTP server.", bool),
    Setting("MAIL_FROM", "records-desk@localhost", "From address for reminders."),
    Setting(
        "SMTP_ALLOW_PRIVATE_HOSTS",
        False,
        "Let organizations' own SMTP settings reach loopback, private and link-local addresses.",
        bool,
    ),
    Setting("SMTP_TIMEOUT_SECONDS", 10, "Seconds to wait for an SMTP server at each step.", int),
    Setting(
        "SECRETS_KEY",
        "",
        "Key that encrypts stored mailbox and SMTP passwords; derived from SECRET_KEY when empty.",
    ),
    Setting(
        "INBOUND_POLL_SECONDS", 300, "Seconds between fetches of each organization's mailbox.", int
    ),
    Setting(
        "INBOUND_MAX_MB",
        0,
        "Largest incoming email kept, in megabytes; 0 means MAX_UPLOAD_MB.",
        int,
    ),
    Setting(
        "SCHEDULER_ENABLED", False, "Run the reminder scheduler inside this web process.", bool
    ),
    Setting("SWEEP_SECONDS", 60, "Seconds between reminder sweeps.", int),
    Setting(
        "BASE_URL",
        "",
        "Public URL used in emails and calendar feeds; unset, it is taken from the serving address.",
    ),
    Setting("LOG_FORMAT", "text", "`text` or `json` structured logs."),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Reverse proxies in front of the app whose X-Forwarded-* headers to trust.",
        int,
    ),
    Setting(
        "STORAGE_BACKEND", "local", "`local` (STORAGE_DIR) or `s3` (S3-compatible object storage)."
    ),
    Setting("S3_ENDPOINT_URL", "", "S3-compatible endpoint URL (empty for AWS)."),
    Setting("S3_BUCKET", "", "Bucket for stored files when STORAGE_BACKEND is s3."),
    Setting("S3_REGION", "us-east-1", "Region for the S3 bucket."),
)


def _coerce(setting: Setting, raw: str) -> Any:
    if setting.kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if setting.kind is int:
        try:
            return int(raw)
        except ValueError as exc:
            raise ValueError(f"setting {setting.name} must be an integer, got {raw!r}") from exc
    return raw


def load_settings(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Defaults, then environment, then explicit overrides (used by tests)."""
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = os.environ.get(setting.name)
        values[setting.name] = setting.default if raw is None else _coerce(setting, raw)
    values.update(overrides or {})
    instance_path.mkdir(parents=True, exist_ok=True)
    if not values.get("DATABASE_URL"):
        values["DATABASE_URL"] = f"sqlite:///{instance_path / 'records.db'}"
    if not values.get("STORAGE_DIR"):
        values["STORAGE_DIR"] = str(instance_path / "storage")
    if not values.get("SECRET_KEY"):
        values["SECRET_KEY"] = _instance_secret(instance_path)
    return values


def _instance_secret(instance_path: Path) -> str:
    """Read or create ``instance/secret_key`` (mode 0600) so sessions survive restarts."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key

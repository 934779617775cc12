"""Secrets at rest (mailbox and SMTP passwords): Fernet tokens under a key from the settings.

The key is ``SECRETS_KEY`` when set (a Fernet key, or any passphrase), otherwise derived from
``SECRET_KEY``. Stored values carry a ``fernet:`` prefix so a plain value left by an older
version is recognised (migration 0007 encrypts those). Nothing here logs a value.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

PREFIX = "fernet:"
_CONTEXT = b"records-desk secrets at rest v1\x00"


class SecretError(ValueError):
    """A stored secret cannot be read with this instance's key (the key changed)."""


def key_from(config: Mapping[str, Any]) -> bytes:
    """The Fernet key for this instance's settings."""
    material = str(config.get("SECRETS_KEY") or "") or str(config.get("SECRET_KEY") or "")
    if not material:
        raise SecretError("no SECRET_KEY or SECRETS_KEY is set")
    try:
        raw = base64.urlsafe_b64decode(material.encode())
        if len(raw) == 32 and config.get("SECRETS_KEY"):
            return material.encode()
    except (ValueError, TypeError):
        pass
    digest = hashlib.sha256(_CONTEXT + material.encode()).digest()
    return base64.urlsafe_b64encode(digest)


def is_sealed(value: str) -> bool:
    """Whether ``value`` is already an encrypted token."""
    return value.startswith(PREFIX)


def seal(value: str, config: Mapping[str, Any]) -> str:
    """Encrypt ``value`` (empty stays empty; a sealed value is returned as it is)."""
    if not value or is_sealed(value):
        return value
    return PREFIX + Fernet(key_from(config)).encrypt(value.encode()).decode()


def unseal(value: str, config: Mapping[str, Any]) -> str:
    """Decrypt a stored value; a plain value (not yet migrated) is returned unchanged."""
    if not value or not is_sealed(value):
        return value
    try:
        return Fernet(key_from(config)).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        raise SecretError(
            "a stored password cannot be decrypted with this server's key; enter it again"
        ) from None

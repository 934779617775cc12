"""Security headers, CSRF protection and password hashing."""

from __future__ import annotations

import base64
import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
_hasher = PasswordHasher()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """A hash in the hasher's own format and parameters, of random salt and digest: checking a
    password against it costs what checking a real one does and never succeeds. Built without
    hashing anything, so starting the app does not pay for one argon2 hash (about 0.1 s)."""

    def b64(n: int) -> str:
        return base64.b64encode(secrets.token_bytes(n)).decode().rstrip("=")

    h = _hasher
    params = f"m={h.memory_cost},t={h.time_cost},p={h.parallelism}"
    return f"$argon2{h.type.name.lower()}$v=19${params}${b64(h.salt_len)}${b64(h.hash_len)}"


def verify_password_or_dummy(password_hash: str | None, password: str) -> bool:
    """Verify ``password``; with no account (``None``) check it against a dummy hash and fail,
    so an unknown email takes as long to answer as a known one."""
    if password_hash is None:
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(password_hash, password)


def init_app(app: Flask) -> None:
    csrf.init_app(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        return response

"""The input layer every request passes: NUL characters and hostile JSON are refused up front.

PostgreSQL cannot store a NUL character in text, and SQLite keeps it where nobody expects it, so
a NUL in any query argument, form field or upload name is refused with a 400 that names the field
before a view (or the database driver) sees it. JSON bodies are parsed through ``loads_json``,
which refuses documents nested deeper than ``MAX_JSON_DEPTH`` or larger than ``MAX_JSON_BYTES``
before Python's recursive parser runs, and NUL characters inside them. Evidence bundles read their
JSON files through the same function.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

# Deeper than any document the product writes (a bundle's request.json is 4 levels deep).
MAX_JSON_DEPTH = 64
# JSON request bodies: the longest field (a letter's text) is 200,000 characters.
MAX_JSON_BYTES = 4 * 1024 * 1024
# Strings (escapes included) and the brackets outside them, to measure nesting without parsing.
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


class BadInput(BadRequest):
    """A request refused by the input layer; its description says what to change."""


class JsonRefused(ValueError):
    """A JSON document refused before or after parsing (too deep, too large, a NUL).

    ``field`` names where a NUL was found (``title``, ``data.note``), when that is known.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def json_depth(data: bytes) -> int:
    """How deeply the arrays and objects in ``data`` nest (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _JSON_TOKENS.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def _nul_path(value: Any) -> str | None:
    """Where a string (key or value) in a parsed JSON document holds a NUL character: its
    dotted path ("" for the top level), or None when there is none."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                if "\x00" in key:
                    return path
                stack.append((f"{path}.{key}" if path else key, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def loads_json(
    data: str | bytes, *, max_bytes: int = MAX_JSON_BYTES, max_depth: int = MAX_JSON_DEPTH
) -> Any:
    """Parse JSON, refusing (``JsonRefused``) what is too large, too deep or holds a NUL."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise JsonRefused(f"the JSON document is larger than {max_bytes // (1024 * 1024)} MB")
    if json_depth(raw) > max_depth:
        raise JsonRefused(f"the JSON document nests deeper than {max_depth} levels")
    value = json.loads(raw)
    where = _nul_path(value)
    if where is not None:
        raise JsonRefused(
            f"{where or 'the document'} contains a NUL character (\\u0000), which cannot be stored",
            where or None,
        )
    return value


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with ``loads_json``'s limits on every parsed body."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse a request body; a refused document makes ``get_json`` answer 400."""
        return loads_json(s)


def _nul_field() -> str | None:
    """The first query argument, form field or upload name holding a NUL character."""
    query = request.query_string
    sources = [request.args] if b"%00" in query or b"\x00" in query else []  # (how a NUL is spelt)
    has_body = bool(request.content_length or request.headers.get("Transfer-Encoding"))
    if has_body:  # a request without a body has no fields or uploads to read
        sources.append(request.form)
    for where in sources:
        for key, values in where.lists():
            if "\x00" in key or any("\x00" in value for value in values):
                return key.replace("\x00", "")
    if not has_body:
        return None
    for key, upload in request.files.items(multi=True):
        if "\x00" in key or "\x00" in (upload.filename or ""):
            return key.replace("\x00", "")
    return None


def _guard() -> None:
    if request.is_json and (request.content_length or 0) > MAX_JSON_BYTES:
        raise RequestEntityTooLarge(
            f"JSON bodies are limited to {MAX_JSON_BYTES // (1024 * 1024)} MB."
        )
    if "\x00" in request.path:
        raise BadInput("The address contains a NUL character; remove it and try again.")
    field = _nul_field()
    if field is not None:
        raise BadInput(
            f"The field “{field}” contains a NUL character (\\0), which cannot be stored. "
            "Go back, remove it and send again; nothing was saved."
        )


def init_app(app: Flask) -> None:
    """Install the guarded JSON parser and the NUL check (before any other request hook)."""
    app.json = GuardedJSONProvider(app)
    app.before_request_funcs.setdefault(None, []).insert(0, _guard)

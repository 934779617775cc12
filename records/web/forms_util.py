"""Glue between WTForms fields and domain ValidationErrors."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import abort, url_for
from flask_wtf import FlaskForm

from records.core import validation as v
from records.core.validation import ValidationError


def form_values(form: FlaskForm, names: tuple[str, ...]) -> dict[str, Any]:
    """Submitted values for ``names`` as strings/dates (empty select → None)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(form, name).data
        out[name] = None if value in ("", "None") else value
    return out


def labelled(exc: ValidationError, label: str | None) -> str:
    """The error's message with the internal field name ("foia_email") replaced by the label
    the user sees on the form ("FOIA email")."""
    message = exc.message
    if exc.field and label:
        # Only the first mention: "email is not a valid email address" names the field once.
        message = re.sub(rf"(?<![\w.]){re.escape(exc.field)}(?![\w])", label, message, count=1)
    return message


def attach_error(form: FlaskForm, exc: ValidationError) -> None:
    field = getattr(form, exc.field or "", None)
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        label = getattr(getattr(field, "label", None), "text", None)
        field.errors.append(labelled(exc, label))
    else:
        form.form_errors.append(exc.message)


def id_param(values: Any, name: str) -> int:
    """The id ``name`` from a query string or form; 404 when it is missing or cannot be an id."""
    try:
        ident = v.integer(values.get(name), name, required=True)
    except ValidationError:
        abort(404)
    assert ident is not None
    return ident


def page_param(values: Any, *, maximum: int = 100000) -> int:
    """The ``page`` argument of a list page; a bad or absent value shows the first page."""
    try:
        return v.integer(values.get("page"), "page", maximum=maximum) or 1
    except ValidationError:
        return 1


_SLOT = 987654321  # stands for the id while the URL is built


def id_url(endpoint: str, key: str, **values: Any) -> Callable[[Any], str]:
    """``url_for(endpoint, key=id)`` as a function of the id, built once: a list page links
    each of its rows without asking the URL map once a row."""
    head, _slot, tail = url_for(endpoint, **{**values, key: _SLOT}).rpartition(str(_SLOT))

    def url(ident: Any) -> str:
        return f"{head}{int(ident)}{tail}"

    return url

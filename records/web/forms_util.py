"""Glue between WTForms fields and domain ValidationErrors."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm

from records.validation import ValidationError


def form_values(form: FlaskForm, names: tuple[str, ...]) -> dict[str, Any]:
    """Submitted values for ``names`` as strings/dates (empty select → None)."""
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(form, name).data
        out[name] = None if value in ("", "None") else value
    return out


def attach_error(form: FlaskForm, exc: ValidationError) -> None:
    field = getattr(form, exc.field or "", None)
    if field is not None and hasattr(field, "errors"):
        if isinstance(field.errors, tuple):
            field.errors = list(field.errors)
        field.errors.append(exc.message)
    else:
        form.form_errors.append(exc.message)

"""Input checks shared by the HTML forms, the JSON API and the CSV import.

Each ``clean_*`` function takes raw values (strings or JSON), returns typed values, and raises
``ValidationError`` naming the field, so every entry point reports the same clear message.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

JURISDICTIONS = [
    "US",
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
]
EMAIL_RE = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


class ValidationError(ValueError):
    def __init__(self, field: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


def text(value: Any, field: str, *, max_len: int, required: bool = False) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(field, f"{field} must be text")
    value = value.strip()
    if required and not value:
        raise ValidationError(field, f"{field} is required", "required")
    if len(value) > max_len:
        raise ValidationError(field, f"{field} must be at most {max_len} characters", "too_long")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in value):
        raise ValidationError(field, f"{field} contains control characters")
    return value


def choice(value: Any, field: str, enum: type[StrEnum], *, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    allowed = [m.value for m in enum]
    if value not in allowed:
        raise ValidationError(field, f"{field} must be one of: {', '.join(allowed)}")
    return str(value)


def jurisdiction(value: Any, field: str = "jurisdiction") -> str:
    code = value.strip().upper() if isinstance(value, str) else ""
    if code not in JURISDICTIONS:
        raise ValidationError(
            field, f"{field} must be US (federal), DC or a state's two-letter postal code"
        )
    return code


def email(value: Any, field: str, *, required: bool = False) -> str:
    value = text(value, field, max_len=254, required=required)
    if value and not EMAIL_RE.match(value):
        raise ValidationError(field, f"{field} is not a valid email address")
    return value


def url(value: Any, field: str) -> str:
    value = text(value, field, max_len=500)
    if value and not re.match(r"^https?://[^\s]+$", value):
        raise ValidationError(field, f"{field} must start with http:// or https://")
    return value


def iso_date(value: Any, field: str, *, required: bool = False) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationError(field, f"{field} is required", "required")
        return None
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValidationError(field, f"{field} must be a date as YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            field, f"{field} {value!r} is not a real date; use YYYY-MM-DD"
        ) from None
    if not 1900 <= parsed.year <= 2200:
        raise ValidationError(field, f"{field} year {parsed.year} is out of range")
    return parsed


def integer(value: Any, field: str, *, required: bool = False) -> int | None:
    if value in (None, ""):
        if required:
            raise ValidationError(field, f"{field} is required", "required")
        return None
    if isinstance(value, bool):
        raise ValidationError(field, f"{field} must be a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(field, f"{field} must be a whole number") from None
    if not 0 < number < 2**31:
        raise ValidationError(field, f"{field} is out of range")
    return number

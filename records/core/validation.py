"""Input checks shared by the HTML forms, the JSON API and the CSV import.

Each ``clean_*`` function takes raw values (strings or JSON), returns typed values, and raises
``ValidationError`` naming the field, so every entry point reports the same clear message.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from pydantic import BaseModel

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
# Ids are 32-bit on both databases: a larger number cannot name a row (and cannot be bound).
MAX_ID = 2**31 - 1
_WHOLE = re.compile(r"[+-]?[0-9]+")


class ValidationError(ValueError):
    def __init__(self, field: str | None, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code


class ValidationErrors(ValidationError):
    """Several fields refused at once, so a form can show every error together.

    Where one error is expected (an API reply, a CLI message) it reads as the first one.
    """

    def __init__(self, errors: list[ValidationError]) -> None:
        first = errors[0]
        super().__init__(first.field, first.message, first.code)
        self.errors = errors


def each_error(exc: ValidationError) -> list[ValidationError]:
    """The errors ``exc`` stands for: its list when it holds several, else itself."""
    return list(exc.errors) if isinstance(exc, ValidationErrors) else [exc]


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


EMAIL_MAX = 254


def is_email(value: str) -> bool:
    """Whether ``value`` is an email address (syntax only: nothing is looked up)."""
    from email_validator import EmailNotValidError, validate_email  # its tables load on first use

    try:
        validate_email(
            value, check_deliverability=False, globally_deliverable=False, test_environment=True
        )
    except EmailNotValidError:
        return False
    return True


def email(value: Any, field: str, *, required: bool = False) -> str:
    value = text(value, field, max_len=EMAIL_MAX, required=required)
    if value and not is_email(value):
        raise ValidationError(field, f"{field} is not a valid email address")
    return value


def max_length(model: type[BaseModel], field: str) -> int:
    """The ``max_length`` an input model declares for ``field`` (the one place it is written)."""
    for meta in model.model_fields[field].metadata:
        limit = getattr(meta, "max_length", None)
        if limit is not None:
            return int(limit)
    raise KeyError(f"{model.__name__}.{field} declares no max_length")


def is_required(model: type[BaseModel], field: str) -> bool:
    return model.model_fields[field].is_required()


def model_text(
    model: type[BaseModel], data: dict[str, Any], field: str, *, required: bool | None = None
) -> str:
    """A text field checked with the limits its input model declares."""
    return text(
        data.get(field),
        field,
        max_len=max_length(model, field),
        required=is_required(model, field) if required is None else required,
    )


def url(value: Any, field: str, *, max_len: int = 500) -> str:
    value = text(value, field, max_len=max_len)
    if value and not re.match(r"^https?://[^\s]+$", value):
        raise ValidationError(field, f"{field} must start with http:// or https://")
    return value


def iso_date(value: Any, field: str, *, required: bool = False) -> date | None:
    """A date from text (YYYY-MM-DD) or a form's date, in the years the calendars can count."""
    if value in (None, ""):
        if required:
            raise ValidationError(field, f"{field} is required", "required")
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        parsed = value  # a form's DateField: already a date, the range still applies
    elif not isinstance(value, str):
        raise ValidationError(field, f"{field} must be a date as YYYY-MM-DD")
    else:
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                field, f"{field} {value!r} is not a real date; use YYYY-MM-DD"
            ) from None
    if not 1900 <= parsed.year <= 2200:
        raise ValidationError(field, f"{field} year {parsed.year} is out of range")
    return parsed


def integer(
    value: Any,
    field: str,
    *,
    required: bool = False,
    minimum: int = 1,
    maximum: int = MAX_ID,
) -> int | None:
    """A whole number from text or JSON within ``minimum``..``maximum`` (ids by default).

    Every id or count that comes from a query string, a form or a JSON body goes through here,
    so a number the database cannot bind (``9999999999999999999999``) is a clear error, never
    an overflow inside the driver.
    """
    if value in (None, ""):
        if required:
            raise ValidationError(field, f"{field} is required", "required")
        return None
    if isinstance(value, bool):
        raise ValidationError(field, f"{field} must be a whole number")
    if isinstance(value, float):
        # JSON numbers: 3.0 is a whole number, 3.5, NaN and infinity are not.
        if not value.is_integer():
            raise ValidationError(field, f"{field} must be a whole number")
        number = int(value)
    elif isinstance(value, int):
        number = value
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        # A thousand-digit string is out of range; int() on it would be slow or refused.
        number = int(value) if len(value.strip()) <= 20 else None
    else:
        raise ValidationError(field, f"{field} must be a whole number")
    if number is None or not minimum <= number <= maximum:
        raise ValidationError(
            field, f"{field} is out of range (from {minimum} to {maximum})", "out_of_range"
        )
    return number


def number(
    value: Any, field: str, *, minimum: Decimal, maximum: Decimal, default: Decimal | None = None
) -> Decimal:
    """A finite decimal number within ``minimum``..``maximum`` (NaN and infinity are refused)."""
    if value in (None, ""):
        if default is None:
            raise ValidationError(field, f"{field} is required", "required")
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValidationError(field, f"{field} must be a number")
    try:
        parsed = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError(field, f"{field} must be a number") from None
    # Check finiteness first: comparing a NaN Decimal raises instead of answering False.
    if not parsed.is_finite() or not minimum <= parsed <= maximum:
        raise ValidationError(field, f"{field} must be between {minimum} and {maximum}")
    return parsed


_HEADER_JUNK = re.compile(r"[\x00-\x1f\x7f]+")


def storable(value: str) -> str:
    """Text read out of a file, without NUL characters (PostgreSQL cannot store them)."""
    return value.replace("\x00", "")


def header_text(value: str, max_len: int) -> str:
    """A one-line value read out of a file (an email's subject or sender): control characters
    and line breaks become spaces, so it can be stored and shown like typed text."""
    return _HEADER_JUNK.sub(" ", value).strip()[:max_len]

"""File a request again: the same records asked of other agencies, or of one for a new period.

Each copy is a new draft request of the same organization with the source's title, subject,
description, visibility and assignee; its date range is the new period when one is given. When
the source has an initial letter, the copy gets one drafted afresh from the same items and
options, addressed to its own agency under its own law.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from records.core import validation as v
from records.core.clock import utc_today
from records.core.models import Agency, RecordRequest, User
from records.letters.models import StoredLetter
from records.requests import service as rr

log = logging.getLogger(__name__)

MAX_COPIES = 200


@dataclass
class Refiled:
    requests: list[RecordRequest] = field(default_factory=list)
    # Copies whose letter could not be drafted again (agency id -> reason); the request stands.
    letter_problems: dict[int, str] = field(default_factory=dict)


def clean(data: dict[str, Any]) -> tuple[list[int], date | None, date | None, str]:
    """Validate the form: agency ids, the new period and an optional new title."""
    raw = data.get("agency_ids") or []
    if isinstance(raw, str):
        raw = [p for p in raw.split(",") if p.strip()]
    ids = [v.integer(x, "agency_ids", required=True) for x in list(raw)[: MAX_COPIES + 1]]
    if len(ids) > MAX_COPIES:
        raise v.ValidationError("agency_ids", f"file again to at most {MAX_COPIES} agencies")
    start = v.iso_date(data.get("date_from"), "date_from")
    end = v.iso_date(data.get("date_to"), "date_to")
    title = v.text(data.get("title"), "title", max_len=300)
    return [i for i in dict.fromkeys(ids) if i is not None], start, end, title


def file_again(db: Session, source: RecordRequest, user_id: int, data: dict[str, Any]) -> Refiled:
    """Copy ``source`` to each chosen agency (or to its own agency for a new period)."""
    ids, start, end, title = clean(data)
    new_period = start is not None or end is not None
    if not ids:
        if not new_period:
            raise v.ValidationError(
                "agency_ids", "choose other agencies, or give the new period's dates"
            )
        ids = [source.agency_id]
    found = set(db.exec(select(Agency.id).where(col(Agency.id).in_(ids))).all())
    missing = [i for i in ids if i not in found]
    if missing:
        raise v.ValidationError("agency_ids", f"agency {missing[0]} is not in the directory")
    letter = db.exec(
        select(StoredLetter)
        .where(StoredLetter.request_id == source.id, StoredLetter.kind == "initial")
        .order_by(col(StoredLetter.id).desc())
    ).first()
    out = Refiled()
    user = db.get(User, user_id)
    for agency_id in ids:
        copy = rr.create_request(
            db,
            source.org_id,
            user_id,
            {
                "agency_id": agency_id,
                "subject": source.subject,
                "title": title or source.title,
                "description": source.description,
                "date_from": (start if new_period else source.date_from),
                "date_to": (end if new_period else source.date_to),
                "visibility": source.visibility,
                "assignee_id": source.assignee_id,
            },
        )
        out.requests.append(copy)
        if letter is not None:
            problem = _redraft(db, copy, letter, user)
            if problem:
                out.letter_problems[agency_id] = problem
    log.info(
        "request %s filed again as %s by user %s",
        source.id,
        [r.id for r in out.requests],
        user_id,
        extra={"action": "request.file_again", "target": source.id, "user_id": user_id},
    )
    return out


def _redraft(db: Session, copy: RecordRequest, letter: StoredLetter, user: User | None) -> str:
    """Draft the copy's initial letter from the source letter's items and options."""
    from records.letters import service as ls

    agency = db.get(Agency, copy.agency_id)
    assert agency is not None
    try:
        saved = dict(letter.options or {})
        saved["items"] = list(letter.items or [])
        saved["agency_kind"] = ""  # the new agency's own kind
        variables = dict(saved.get("variables") or {})
        for key in ("date_from", "date_to"):  # the letter asks for the copy's period
            value = getattr(copy, key)
            if value is not None:
                variables[key] = value.isoformat()
            else:
                variables.pop(key, None)
        saved["variables"] = variables
        options = ls.parse_options(saved)
        drafted = ls.draft_for(db, copy, agency, user, options, utc_today())
    except (v.ValidationError, ValueError, LookupError) as exc:
        return str(exc) or type(exc).__name__
    ls.store_letter(db, copy, options, drafted, user.id if user else None)
    return ""

"""Office closure days the law calendars do not know: an organization's for its agencies, and
instance-wide ones an operator adds (a governor's emergency closure).

The deadline engine counts them where the law counts the days an office is open (Ala. Code
§ 36-12-43(b)(1)) and names them in "how we counted" either way.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

from sqlmodel import Session, select

from records.core import validation as v
from records.core.models import Agency, RecordRequest
from records.laws.calendars import WEEKDAY_NAMES, OfficeClosure
from records.lifecycle.models import AgencyClosure, StatewideClosure

log = logging.getLogger(__name__)
MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
REPEATS = ("once", "yearly", "weekly")


def _check_month_day(value: str) -> str:
    if not MONTH_DAY.match(value):
        raise v.ValidationError("month_day", f"month_day {value!r} is not MM-DD (e.g. 12-24)")
    month, day = (int(p) for p in value.split("-"))
    try:
        date(2000, month, day)
    except ValueError:
        raise v.ValidationError("month_day", f"{value} is not a day of the year") from None
    return value


def clean_agency_closure(data: dict[str, Any]) -> dict[str, Any]:
    """Check a closure as typed: a name, a source, and when (once, every year or every week)."""
    name = v.text(data.get("name"), "name", max_len=200, required=True)
    source = v.text(data.get("source"), "source", max_len=500, required=True)
    repeats = (data.get("repeats") or "once").strip()
    if repeats not in REPEATS:
        raise v.ValidationError("repeats", f"repeats must be one of: {', '.join(REPEATS)}")
    out: dict[str, Any] = {"name": name, "source": source, "on": None, "month_day": None,
                           "weekday": None}  # fmt: skip
    if repeats == "once":
        out["on"] = v.iso_date(data.get("on"), "on", required=True)
    elif repeats == "yearly":
        raw = v.text(data.get("month_day"), "month_day", max_len=5, required=True)
        out["month_day"] = _check_month_day(raw)
    else:
        raw = str(data.get("weekday") or "").strip().lower()
        names = [d.lower() for d in WEEKDAY_NAMES[:5]]
        if raw.isdigit() and int(raw) < 5:
            out["weekday"] = int(raw)
        elif raw in names:
            out["weekday"] = names.index(raw)
        else:
            raise v.ValidationError("weekday", "weekday must be a weekday, Monday to Friday")
    return out


def add_agency_closure(
    db: Session, org_id: int, agency: Agency, data: dict[str, Any], *, actor_id: int | None
) -> AgencyClosure:
    """Record a closure the organization knows of at an agency; flushes. Raises ValidationError."""
    assert agency.id is not None
    row = AgencyClosure(
        org_id=org_id, agency_id=agency.id, created_by=actor_id, **clean_agency_closure(data)
    )
    db.add(row)
    db.flush()
    log.info("agency %s closure %s added by user %s", agency.id, row.id, actor_id)
    return row


def agency_closures(db: Session, org_id: int, agency_id: int) -> list[AgencyClosure]:
    """The organization's closures for one of its agencies (another organization gets none)."""
    stmt = select(AgencyClosure).where(
        AgencyClosure.org_id == org_id, AgencyClosure.agency_id == agency_id
    )
    rows = db.exec(stmt).all()
    return sorted(rows, key=lambda c: (c.on or date.min, c.month_day or "", c.weekday or 0))


def remove_agency_closure(db: Session, org_id: int, agency_id: int, closure_id: int) -> bool:
    """Delete one of the organization's closures; False when it is not theirs (or gone)."""
    row = db.get(AgencyClosure, closure_id)
    if row is None or row.org_id != org_id or row.agency_id != agency_id:
        return False
    db.delete(row)
    db.flush()
    log.info("agency %s closure %s removed", agency_id, closure_id)
    return True


def add_statewide(
    db: Session, jurisdiction: str, on: Any, name: str, source: str
) -> StatewideClosure:
    """An operator's one-off closure of every office under ``jurisdiction``'s law; flushes."""
    code = v.jurisdiction(jurisdiction)
    day = v.iso_date(on, "date", required=True)
    assert day is not None  # required=True raises instead
    clean_name = v.text(name, "name", max_len=200, required=True)
    clean_source = v.text(source, "source", max_len=500, required=True)
    existing = db.exec(
        select(StatewideClosure).where(
            StatewideClosure.jurisdiction == code, StatewideClosure.on == day
        )
    ).first()
    if existing is not None:
        raise v.ValidationError("date", f"{code} already has a closure on {day}: {existing.name}")
    row = StatewideClosure(jurisdiction=code, on=day, name=clean_name, source=clean_source)
    db.add(row)
    db.flush()
    log.info("statewide closure %s %s added", code, day)
    return row


def statewide(db: Session, jurisdiction: str | None = None) -> list[StatewideClosure]:
    """Instance-wide closures, for one jurisdiction or all, by date."""
    stmt = select(StatewideClosure)
    if jurisdiction:
        stmt = stmt.where(StatewideClosure.jurisdiction == jurisdiction.strip().upper())
    return sorted(db.exec(stmt).all(), key=lambda c: (c.on, c.jurisdiction))


def _as_engine(row: AgencyClosure) -> OfficeClosure:
    return OfficeClosure(
        name=row.name, source=row.source, on=row.on, month_day=row.month_day,
        weekday=row.weekday, scope="agency",
    )  # fmt: skip


def for_request(db: Session, req: RecordRequest, law_code: str) -> list[OfficeClosure]:
    """The closures that apply to ``req``: its organization's for its agency, and the
    instance-wide ones for its law's jurisdiction."""
    found = [_as_engine(r) for r in agency_closures(db, req.org_id, req.agency_id)]
    found += [
        OfficeClosure(name=r.name, source=r.source, on=r.on, scope="statewide")
        for r in statewide(db, law_code)
    ]
    return found


def statewide_for(db: Session, law_code: str) -> list[OfficeClosure]:
    """Instance-wide closures for one law's jurisdiction, as the engine takes them."""
    return [
        OfficeClosure(name=r.name, source=r.source, on=r.on, scope="statewide")
        for r in statewide(db, law_code)
    ]


def recompute_for_law(db: Session, code: str, reason: str) -> int:
    """Recount every sent request counted under ``code`` (after a statewide closure change)."""
    from sqlalchemy import and_, or_

    from records.lifecycle.clocks import recompute

    code = code.strip().upper()
    rows = db.exec(
        select(RecordRequest)
        .join(Agency, Agency.id == RecordRequest.agency_id)  # type: ignore[arg-type]
        .where(
            RecordRequest.status != "draft",
            or_(
                RecordRequest.law_code == code,  # type: ignore[arg-type]
                and_(RecordRequest.law_code == "", Agency.jurisdiction == code),  # type: ignore[arg-type]
            ),
        )
    ).all()
    for req in rows:
        recompute(db, req, reason=reason)
    return len(rows)

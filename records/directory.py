"""The agency directory: validation, search and CSV import with a per-row report."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from records import validation as v
from records.models import Agency, AgencyLevel

log = logging.getLogger(__name__)

AGENCY_FIELDS = (
    "name",
    "level",
    "jurisdiction",
    "parent_id",
    "component",
    "foia_email",
    "portal_url",
    "mailing_address",
    "phone",
    "notes",
    "source",
)
CSV_COLUMNS = (
    "name",
    "level",
    "jurisdiction",
    "parent",
    "foia_email",
    "portal_url",
    "mailing_address",
    "phone",
    "notes",
)


def clean_agency(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate agency fields; ``partial`` (PATCH) checks only the keys present."""
    unknown = set(data) - set(AGENCY_FIELDS) - {"last_verified"}
    if unknown:
        name = sorted(unknown)[0]
        raise v.ValidationError(name, f"unknown field {name!r}")
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("name"):
        out["name"] = v.text(data.get("name"), "name", max_len=300, required=True)
    if want("level"):
        out["level"] = v.choice(data.get("level"), "level", AgencyLevel, default="other")
    if want("jurisdiction"):
        out["jurisdiction"] = v.jurisdiction(data.get("jurisdiction"))
    if want("parent_id"):
        out["parent_id"] = v.integer(data.get("parent_id"), "parent_id")
    if want("component"):
        out["component"] = v.text(data.get("component"), "component", max_len=20).upper()
    if want("foia_email"):
        out["foia_email"] = v.email(data.get("foia_email"), "foia_email")
    if want("portal_url"):
        out["portal_url"] = v.url(data.get("portal_url"), "portal_url")
    for key, limit in (("mailing_address", 1000), ("phone", 50), ("notes", 10000), ("source", 500)):
        if want(key):
            out[key] = v.text(data.get(key), key, max_len=limit)
    if "last_verified" in data:
        out["last_verified"] = v.iso_date(data.get("last_verified"), "last_verified")
    return out


def check_parent(
    db: Session, org_id: int, parent_id: int | None, self_id: int | None = None
) -> None:
    if parent_id is None:
        return
    parent = db.get(Agency, parent_id)
    if parent is None or parent.org_id != org_id:
        raise v.ValidationError("parent_id", "parent agency not found in this organization")
    if self_id is not None and parent_id == self_id:
        raise v.ValidationError("parent_id", "an agency cannot be its own parent")


def check_unique(
    db: Session, org_id: int, name: str, jurisdiction: str, self_id: int | None = None
) -> None:
    stmt = select(Agency.id).where(
        Agency.org_id == org_id,
        func.lower(Agency.name) == name.lower(),
        Agency.jurisdiction == jurisdiction,
    )
    existing = db.exec(stmt).first()
    if existing is not None and existing != self_id:
        raise v.ValidationError("name", f"{name!r} ({jurisdiction}) is already in the directory")


def create_agency(db: Session, org_id: int, data: dict[str, Any]) -> Agency:
    cleaned = clean_agency(data)
    check_parent(db, org_id, cleaned.get("parent_id"))
    check_unique(db, org_id, cleaned["name"], cleaned["jurisdiction"])
    agency = Agency(org_id=org_id, **cleaned)
    db.add(agency)
    db.flush()
    log.info("agency created", extra={"action": "agency.create", "target": agency.id})
    return agency


def update_agency(db: Session, agency: Agency, data: dict[str, Any]) -> Agency:
    cleaned = clean_agency(data, partial=True)
    check_parent(db, agency.org_id, cleaned.get("parent_id"), agency.id)
    name = cleaned.get("name", agency.name)
    juris = cleaned.get("jurisdiction", agency.jurisdiction)
    check_unique(db, agency.org_id, name, juris, agency.id)
    for key, value in cleaned.items():
        setattr(agency, key, value)
    db.add(agency)
    db.flush()
    return agency


def search_agencies(
    db: Session, org_id: int, *, q: str = "", level: str = "", jurisdiction: str = ""
) -> Any:
    """A select() over the org's agencies matching the filters, ordered by name."""
    stmt = select(Agency).where(Agency.org_id == org_id)
    if q.strip():
        # Whole words, abbreviations and aliases through the search index ("ICE" is not
        # every "Sheriff's Office"); ``ranked`` orders a page of these by relevance.
        from records import search

        ids, _total = search.agencies(db, q, org_id, limit=100_000)
        stmt = stmt.where(col(Agency.id).in_(ids or [-1]))
    if level:
        stmt = stmt.where(Agency.level == level)
    if jurisdiction:
        stmt = stmt.where(Agency.jurisdiction == jurisdiction.upper())
    return stmt.order_by(Agency.jurisdiction, Agency.name)


def ranked(db: Session, stmt: Any, q: str, org_id: int, *, offset: int, limit: int) -> list[Any]:
    """One page of ``search_agencies`` results for a query, best match first."""
    from records import search

    ids, _total = search.agencies(db, q, org_id, limit=100_000)
    allowed = {a.id: a for a in db.exec(stmt).all()}
    order = [i for i in ids if i in allowed]
    return [allowed[i] for i in order[offset : offset + limit]]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_csv(db: Session, org_id: int, raw: bytes) -> ImportReport:
    """Import agencies; each good row is saved in its own savepoint, bad rows are reported.

    A ``parent`` column names an agency already in the directory or earlier in the file.
    """
    report = ImportReport()
    try:
        textdata = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.errors.append((0, "file", "the file is not UTF-8 text"))
        return report
    if "\x00" in textdata:
        # No cell may hold one (the database cannot store it), and a lookup by such a name
        # would fail inside the driver: refuse the file before reading any row.
        line = textdata.count("\n", 0, textdata.index("\x00")) + 1
        report.errors.append((line, "file", "the file contains a NUL character; remove it"))
        return report
    reader = csv.DictReader(io.StringIO(textdata))
    if not reader.fieldnames or "name" not in reader.fieldnames:
        report.errors.append(
            (1, "header", f"the first row must name the columns: {', '.join(CSV_COLUMNS)}")
        )
        return report
    extra = [c for c in reader.fieldnames if c and c not in CSV_COLUMNS]
    if extra:
        report.errors.append((1, "header", f"unknown column(s): {', '.join(extra)}"))
        return report
    try:
        rows = list(reader)
    except csv.Error as exc:
        report.errors.append((0, "file", f"not a readable CSV file: {exc}"))
        return report
    for index, row in enumerate(rows, start=2):
        data = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS if k != "parent"}
        parent_name = (row.get("parent") or "").strip()
        try:
            if None in row:
                raise v.ValidationError("row", "this row has more cells than the header")
            if parent_name:
                parent = db.exec(
                    select(Agency).where(
                        Agency.org_id == org_id, func.lower(Agency.name) == parent_name.lower()
                    )
                ).first()
                if parent is None:
                    raise v.ValidationError("parent", f"parent agency {parent_name!r} not found")
                data["parent_id"] = parent.id
            with db.begin_nested():
                agency = create_agency(db, org_id, data)
            report.created.append(agency.name)
        except v.ValidationError as exc:
            report.errors.append((index, exc.field or "", exc.message))
    return report

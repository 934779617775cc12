"""The agency directory, shared by every organization on the instance.

Agencies (name, level, parent, jurisdiction, contacts, portal, address) are one row each for the
whole instance, with who added them and from where, and every edit kept in ``AgencyRevision``.
What an organization writes about an agency stays its own (``AgencyNote``), as do its requests.
Duplicates are found by a normalized name within a jurisdiction (``name_key``) on create and on
import; two entries for one office can be merged without losing anything that points at them.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from records.core import validation as v
from records.core.models import Agency, AgencyLevel, AgencyNote, AgencyRevision
from records.directory.inputs import AGENCY_FIELDS as INPUT_FIELDS
from records.directory.inputs import AgencyInput

log = logging.getLogger(__name__)

# The fields an agency is written with (``last_verified`` is set by verifying, not typed).
AGENCY_FIELDS = tuple(f for f in INPUT_FIELDS if f != "last_verified")
# The shared facts an edit is recorded for (notes are the organization's own).
SHARED_FIELDS = tuple(f for f in AGENCY_FIELDS if f != "notes") + ("last_verified",)
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
    "source",
)

# Words spelled several ways in agency names, reduced to one before names are compared.
_SYNONYMS = {
    "dept": "department",
    "dep": "department",
    "pd": "police department",
    "so": "sheriff office",
    "sheriffs": "sheriff",
    "co": "county",
    "cnty": "county",
    "ofc": "office",
    "twp": "township",
    "&": "and",
}


def name_key(name: str) -> str:
    """The name as duplicates are compared: case, accents, punctuation and common
    abbreviations ("Dept.", "PD", "Sheriff's") do not make two agencies different."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", text)  # "P.D." -> "PD"
    text = text.replace("&", " and ").replace("'s ", " ").replace("’s ", " ")
    words = re.findall(r"[a-z0-9]+", text)
    out: list[str] = []
    for word in words:
        out.extend(_SYNONYMS.get(word, word).split())
    if out and out[0] == "the":
        out = out[1:]
    joined = " ".join(out)
    # "Sheriff's Office", "Sheriff's Department" and "Sheriff" name one office.
    joined = re.sub(r"\bsheriff (office|department)\b", "sheriff", joined)
    return joined[:300]


class DuplicateAgency(v.ValidationError):
    """The directory already holds this agency; ``existing`` is the entry to use instead."""

    def __init__(self, existing: Agency) -> None:
        super().__init__(
            "name",
            f"{existing.name} ({existing.jurisdiction}) is already in the directory "
            f"(agency {existing.id}); use it instead of adding a copy",
            "duplicate",
        )
        self.existing = existing


def clean_agency(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate agency fields against ``AgencyInput`` (its limits are the only ones);
    ``partial`` (PATCH) checks only the keys present."""
    unknown = set(data) - set(INPUT_FIELDS)
    if unknown:
        name = sorted(unknown)[0]
        raise v.ValidationError(name, f"unknown field {name!r}")
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("name"):
        out["name"] = v.model_text(AgencyInput, data, "name")
    if want("level"):
        out["level"] = v.choice(data.get("level"), "level", AgencyLevel, default="other")
    if want("jurisdiction"):
        out["jurisdiction"] = v.jurisdiction(data.get("jurisdiction"))
    if want("parent_id"):
        out["parent_id"] = v.integer(data.get("parent_id"), "parent_id")
    if want("component"):
        out["component"] = v.model_text(AgencyInput, data, "component").upper()
    if want("foia_email"):
        out["foia_email"] = v.email(data.get("foia_email"), "foia_email")
    if want("portal_url"):
        out["portal_url"] = v.url(
            data.get("portal_url"), "portal_url", max_len=v.max_length(AgencyInput, "portal_url")
        )
    for key in ("mailing_address", "phone", "notes", "source"):
        if want(key):
            out[key] = v.model_text(AgencyInput, data, key)
    if "last_verified" in data:
        out["last_verified"] = v.iso_date(data.get("last_verified"), "last_verified")
    return out


def check_parent(db: Session, parent_id: int | None, self_id: int | None = None) -> None:
    if parent_id is None:
        return
    if db.get(Agency, parent_id) is None:
        raise v.ValidationError("parent_id", "parent agency not found in the directory")
    if self_id is not None and parent_id == self_id:
        raise v.ValidationError("parent_id", "an agency cannot be its own parent")


def find_duplicate(
    db: Session, name: str, jurisdiction: str, self_id: int | None = None
) -> Agency | None:
    """The entry already standing for ``name`` in ``jurisdiction`` (normalized), if any."""
    stmt = (
        select(Agency)
        .where(Agency.name_key == name_key(name), Agency.jurisdiction == jurisdiction)
        .order_by(col(Agency.id))
    )
    for agency in db.exec(stmt).all():
        if agency.id != self_id:
            return agency
    return None


def check_unique(db: Session, name: str, jurisdiction: str, self_id: int | None = None) -> None:
    existing = find_duplicate(db, name, jurisdiction, self_id)
    if existing is not None:
        raise DuplicateAgency(existing)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def record_revision(
    db: Session,
    agency: Agency,
    action: str,
    changes: dict[str, Any],
    *,
    org_id: int | None,
    user_id: int | None,
) -> None:
    assert agency.id is not None
    db.add(
        AgencyRevision(
            agency_id=agency.id,
            org_id=org_id,
            user_id=user_id,
            action=action,
            # JSON values only: a date or a number kept as text, as it was shown.
            changes=json.loads(json.dumps(changes, sort_keys=True, default=str)),
        )
    )


def note_for(db: Session, org_id: int, agency_id: int) -> AgencyNote | None:
    """The organization's own notes on an agency (None when it wrote none)."""
    return db.exec(
        select(AgencyNote).where(AgencyNote.org_id == org_id, AgencyNote.agency_id == agency_id)
    ).first()


def notes_text(db: Session, org_id: int, agency_id: int) -> str:
    note = note_for(db, org_id, agency_id)
    return note.notes if note is not None else ""


def set_notes(
    db: Session, org_id: int, agency_id: int, notes: str, user_id: int | None = None
) -> None:
    """Write the organization's notes on an agency (no other organization ever reads them)."""
    notes = v.text(notes, "notes", max_len=v.max_length(AgencyInput, "notes"))
    note = note_for(db, org_id, agency_id)
    if note is None:
        if not notes:
            return
        note = AgencyNote(org_id=org_id, agency_id=agency_id)
    if note.notes == notes:
        return
    note.notes, note.updated_by = notes, user_id
    db.add(note)


def create_agency(
    db: Session,
    org_id: int,
    data: dict[str, Any],
    *,
    user_id: int | None = None,
    action: str = "create",
) -> Agency:
    """Add an agency to the shared directory; refuses a duplicate (``DuplicateAgency``)."""
    cleaned = clean_agency(data)
    notes = cleaned.pop("notes", "")
    check_parent(db, cleaned.get("parent_id"))
    check_unique(db, cleaned["name"], cleaned["jurisdiction"])
    agency = Agency(
        **cleaned,
        name_key=name_key(cleaned["name"]),
        created_by_org_id=org_id,
        created_by=user_id,
    )
    db.add(agency)
    db.flush()
    assert agency.id is not None
    record_revision(
        db,
        agency,
        action,
        {k: [None, _jsonable(getattr(agency, k))] for k in SHARED_FIELDS if getattr(agency, k)},
        org_id=org_id,
        user_id=user_id,
    )
    set_notes(db, org_id, agency.id, notes, user_id)
    db.flush()
    log.info("agency created", extra={"action": "agency.create", "target": agency.id})
    return agency


def update_agency(
    db: Session,
    agency: Agency,
    data: dict[str, Any],
    *,
    org_id: int,
    user_id: int | None = None,
) -> Agency:
    """Edit the shared facts (kept in the history) and the organization's own notes."""
    cleaned = clean_agency(data, partial=True)
    check_parent(db, cleaned.get("parent_id"), agency.id)
    name = cleaned.get("name", agency.name)
    juris = cleaned.get("jurisdiction", agency.jurisdiction)
    check_unique(db, name, juris, agency.id)
    if "notes" in cleaned:
        set_notes(db, org_id, agency.id or 0, cleaned.pop("notes"), user_id)
    changes = {
        key: [_jsonable(getattr(agency, key)), _jsonable(value)]
        for key, value in cleaned.items()
        if getattr(agency, key) != value
    }
    for key, value in cleaned.items():
        setattr(agency, key, value)
    agency.name_key = name_key(agency.name)
    if changes:
        record_revision(db, agency, "edit", changes, org_id=org_id, user_id=user_id)
        log.info("agency edited", extra={"action": "agency.edit", "target": agency.id})
    db.add(agency)
    db.flush()
    return agency


def history(db: Session, agency_id: int) -> list[AgencyRevision]:
    """The agency's revisions, newest first."""
    return list(
        db.exec(
            select(AgencyRevision)
            .where(AgencyRevision.agency_id == agency_id)
            .order_by(col(AgencyRevision.at).desc(), col(AgencyRevision.id).desc())
        ).all()
    )


def search_agencies(
    db: Session, org_id: int, *, q: str = "", level: str = "", jurisdiction: str = ""
) -> Any:
    """A select() over the directory's agencies matching the filters, ordered by name."""
    stmt = select(Agency)
    if q.strip():
        # Whole words, abbreviations and aliases through the search index ("ICE" is not
        # every "Sheriff's Office"); ``ranked`` orders a page of these by relevance.
        from records.search import query as search

        ids = search.agencies(db, q, org_id, limit=100_000)
        stmt = stmt.where(col(Agency.id).in_(ids or [-1]))
    if level:
        stmt = stmt.where(Agency.level == level)
    if jurisdiction:
        stmt = stmt.where(Agency.jurisdiction == jurisdiction.upper())
    return stmt.order_by(Agency.jurisdiction, Agency.name)


# What the directory's list shows of each agency, read as plain rows (no entities to build).
_AGENCY = Agency.__table__.c  # type: ignore[attr-defined]
LIST_COLUMNS = (
    _AGENCY.id,
    _AGENCY.name,
    _AGENCY.level,
    _AGENCY.jurisdiction,
    _AGENCY.foia_email,
    _AGENCY.portal_url,
)

_LIST_BY_ID: Any = sa_select(*LIST_COLUMNS).where(_AGENCY.id.in_(bindparam("ids", expanding=True)))


@cache
def _list_statements(level: bool, jurisdiction: bool) -> tuple[Any, Any, Any]:
    """The list's statements for one combination of filters, built once with bind parameters:
    a page in name order (read from ``ix_agency_juris_name``), the count, and the ids among a
    search's matches."""
    conds = []
    if level:
        conds.append(_AGENCY.level == bindparam("level"))
    if jurisdiction:
        conds.append(_AGENCY.jurisdiction == bindparam("jurisdiction"))
    page = (
        sa_select(*LIST_COLUMNS)
        .where(*conds)
        .order_by(_AGENCY.jurisdiction, _AGENCY.name)
        .limit(bindparam("limit"))
        .offset(bindparam("offset"))
    )
    count = sa_select(func.count()).select_from(Agency.__table__).where(*conds)  # type: ignore[attr-defined]
    among = sa_select(_AGENCY.id).where(_AGENCY.id.in_(bindparam("ids", expanding=True)), *conds)
    return page, count, among


def list_page(
    db: Session,
    org_id: int,
    *,
    q: str = "",
    level: str = "",
    jurisdiction: str = "",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[Any], int]:
    """One page of the directory matching the filters (rows of ``LIST_COLUMNS``) and how many
    match: in jurisdiction and name order, or with a query best match first (through the search
    index, as ``search_agencies``)."""
    page, count, among = _list_statements(bool(level), bool(jurisdiction))
    params: dict[str, Any] = {"level": level, "jurisdiction": jurisdiction.upper()}
    if not q.strip():
        total = db.exec(count, params=params).scalar_one()
        rows = db.exec(page, params={**params, "limit": limit, "offset": offset}).all()
        return list(rows), total
    from records.search import query as search

    ids = search.agencies(db, q, org_id, limit=100_000)
    allowed = set(db.exec(among, params={**params, "ids": ids or [-1]}).scalars())
    order = [i for i in ids if i in allowed]
    wanted = order[offset : offset + limit]
    found = {r.id: r for r in db.exec(_LIST_BY_ID, params={"ids": wanted or [-1]})}
    return [found[i] for i in wanted if i in found], len(order)


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    # Rows naming an agency already in the directory: (line, name in the file, existing entry).
    matched: list[tuple[int, str, Agency]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (line, field, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_rows(
    db: Session,
    org_id: int,
    rows: list[tuple[int, dict[str, Any]]],
    report: ImportReport,
    *,
    user_id: int | None = None,
) -> ImportReport:
    """Add each row (line, agency fields) in its own savepoint; a duplicate is matched to
    the entry already there (and the row's notes kept as the organization's notes on it)."""
    for line, data in rows:
        parent_name = str(data.pop("parent", "") or "").strip()
        try:
            if parent_name:
                parent = db.exec(
                    select(Agency)
                    .where(Agency.name_key == name_key(parent_name))
                    .order_by(col(Agency.id))
                ).first()
                if parent is None:
                    raise v.ValidationError("parent", f"parent agency {parent_name!r} not found")
                data["parent_id"] = parent.id
            with db.begin_nested():
                agency = create_agency(db, org_id, data, user_id=user_id, action="import")
            report.created.append(agency.name)
        except DuplicateAgency as dup:
            report.matched.append((line, str(data.get("name", "")), dup.existing))
            if data.get("notes") and not notes_text(db, org_id, dup.existing.id or 0):
                set_notes(db, org_id, dup.existing.id or 0, str(data["notes"]), user_id)
        except v.ValidationError as exc:
            report.errors.append((line, exc.field or "", exc.message))
    db.flush()
    return report


def import_csv(db: Session, org_id: int, raw: bytes, *, user_id: int | None = None) -> ImportReport:
    """Import agencies from the directory's own CSV; bad rows are reported, good ones kept.

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
    good: list[tuple[int, dict[str, Any]]] = []
    for index, row in enumerate(rows, start=2):
        if None in row:
            report.errors.append((index, "row", "this row has more cells than the header"))
            continue
        data = {k: (row.get(k) or "").strip() for k in CSV_COLUMNS if k in row}
        good.append((index, data))
    return import_rows(db, org_id, good, report, user_id=user_id)


@dataclass
class MergeResult:
    kept: Agency
    merged_name: str
    moved: dict[str, int] = field(default_factory=dict)  # table -> rows moved


def merge_agencies(
    db: Session, keep: Agency, drop: Agency, *, org_id: int, user_id: int | None
) -> MergeResult:
    """Merge ``drop`` into ``keep``: every request, letter, closure day, register entry, ledger
    line, sharing request, follow-up, child office, note and revision that pointed at ``drop`` points at
    ``keep``; then ``drop`` is deleted. Nothing is lost: a ledger line both entries hold for
    the same organization, year, fund and line refuses the merge (ValidationError).

    Each moved organization-owned row is audited (the ORM writes it); the merge itself is
    recorded in ``keep``'s history and in the acting organization's audit trail.
    """
    from records.core.audit_models import AuditLog
    from records.core.models import RecordRequest
    from records.filing.models import SearchEntry
    from records.lifecycle.models import AgencyClosure
    from records.register.models import Agreement, FollowUp, LedgerFigure, SharingRequest

    if keep.id is None or drop.id is None or keep.id == drop.id:
        raise v.ValidationError("merge_id", "choose another agency to merge into this one")
    keep_id, drop_id = keep.id, drop.id
    clash_stmt = select(func.count()).select_from(LedgerFigure)
    other = LedgerFigure.__table__.alias("other")  # type: ignore[attr-defined]
    clash = db.exec(
        clash_stmt.where(
            LedgerFigure.agency_id == drop_id,
            select(other.c.id)
            .where(
                other.c.agency_id == keep_id,
                other.c.org_id == LedgerFigure.org_id,
                other.c.fiscal_year == LedgerFigure.fiscal_year,
                other.c.fund == LedgerFigure.fund,
                other.c.line == LedgerFigure.line,
            )
            .exists(),
        )
    ).one()
    if clash:
        raise v.ValidationError(
            "merge_id",
            "both agencies hold a forfeiture-ledger figure for the same year, fund and line; "
            "the merge would lose one of them, so it was not made",
        )
    moved: dict[str, int] = {}

    def move(model: Any, column: str) -> None:
        attr = getattr(model, column)
        rows = db.exec(select(model).where(attr == drop_id)).all()
        for row in rows:
            setattr(row, column, keep_id)
            db.add(row)
        if rows:
            moved[f"{model.__tablename__}.{column}"] = len(rows)

    for model, column in (
        (RecordRequest, "agency_id"),
        (AgencyClosure, "agency_id"),
        (Agreement, "agency_id"),
        (Agreement, "federal_agency_id"),
        (LedgerFigure, "agency_id"),
        (FollowUp, "agency_id"),
        (SharingRequest, "agency_id"),
        (Agency, "parent_id"),
        (AgencyRevision, "agency_id"),
    ):
        move(model, column)
    # Notes: an organization with notes on both keeps both texts.
    for note in db.exec(select(AgencyNote).where(AgencyNote.agency_id == drop_id)).all():
        mine = note_for(db, note.org_id, keep_id)
        if mine is None:
            note.agency_id = keep_id
            db.add(note)
        else:
            mine.notes = "\n\n".join(t for t in (mine.notes, note.notes) if t)[:10000]
            db.add(mine)
            db.delete(note)
        moved["agencynote"] = moved.get("agencynote", 0) + 1
    if keep.parent_id == drop_id:
        keep.parent_id = drop.parent_id if drop.parent_id != keep_id else None
    # Entries of documents, letters and events carry their request's agency.
    db.flush()
    table = SearchEntry.__table__  # type: ignore[attr-defined]
    db.exec(
        table.update()
        .where(table.c.agency_id == drop_id, table.c.kind != "agency")
        .values(agency_id=keep_id)
    )
    # Contacts the kept entry lacks are taken from the merged one.
    filled: dict[str, Any] = {}
    for key in ("foia_email", "portal_url", "mailing_address", "phone", "component", "source"):
        if not getattr(keep, key) and getattr(drop, key):
            filled[key] = [getattr(keep, key), getattr(drop, key)]
            setattr(keep, key, getattr(drop, key))
    snapshot = {k: _jsonable(getattr(drop, k)) for k in SHARED_FIELDS}
    snapshot["id"] = drop_id
    record_revision(
        db,
        keep,
        "merge",
        {"merged": [snapshot, None], **filled},
        org_id=org_id,
        user_id=user_id,
    )
    from records.core.audit import current_actor
    from records.core.clock import utc_now

    actor, ip = current_actor()
    db.add(
        AuditLog(
            org_id=org_id,
            actor_id=actor if actor is not None else user_id,
            ip=ip,
            at=utc_now(),
            action="agency.merge",
            object_type="agency",
            object_id=str(keep_id),
            before={"merged": snapshot},
            after={"kept": keep_id, "moved": moved},
        )
    )
    name = drop.name
    db.delete(drop)
    db.add(keep)
    db.flush()
    log.info(
        "agency %s merged into %s by user %s",
        drop_id,
        keep_id,
        user_id,
        extra={"action": "agency.merge", "target": keep_id, "user_id": user_id},
    )
    return MergeResult(kept=keep, merged_name=name, moved=moved)


def import_287g(
    db: Session, org_id: int, raw: bytes, filename: str = "", *, user_id: int | None = None
) -> ImportReport:
    """Import ICE's list of 287(g) participating agencies (its .xlsx, or a CSV with its
    columns): new agencies are added with the list as their source, agencies already in the
    directory are matched, rows that do not validate are reported."""
    from records.directory import ice287g

    parsed = ice287g.parse(raw, filename[:200])
    report = ImportReport(errors=list(parsed.errors))
    return import_rows(db, org_id, parsed.rows, report, user_id=user_id)


# A form's agency list offers the whole directory while it is small; past this many entries it
# offers the agencies the form already names and those the caller prefers (the organization's
# own), and the typeahead (``static/agency-picker.js``, on ``/agencies/suggest``) finds any
# other. The country has some 18,000 law-enforcement agencies: a list of all of them is a
# megabyte of HTML on every form.
AGENCY_OPTIONS_CAP = 200


@dataclass(frozen=True)
class AgencyOptions:
    """(id, name, jurisdiction) rows by name; ``complete`` when they are the whole directory."""

    rows: list[tuple[int, str, str]]
    complete: bool


_DIRECTORY_SIZE = sa_select(func.count()).select_from(
    sa_select(col(Agency.id)).limit(bindparam("cap")).subquery()
)
_OPTION_COLUMNS = (col(Agency.id), col(Agency.name), col(Agency.jurisdiction))


def agency_options(
    db: Session, keep: Any = (), prefer: Any = (), order: str = "name"
) -> AgencyOptions:
    """The agencies a form lists (see ``AGENCY_OPTIONS_CAP``): every one while the directory
    holds at most the cap, else those in ``keep`` (ids the form names; bad values ignored)
    and up to the cap of ``prefer``. ``order`` is "name" or "jurisdiction" (then name)."""
    by = (
        (Agency.jurisdiction, Agency.name, Agency.id)
        if order == "jurisdiction"
        else (Agency.name, Agency.id)
    )
    size = db.execute(_DIRECTORY_SIZE, {"cap": AGENCY_OPTIONS_CAP + 1}).scalar_one()
    if size <= AGENCY_OPTIONS_CAP:
        stmt = sa_select(*_OPTION_COLUMNS).order_by(*by)
        return AgencyOptions(_option_rows(db.execute(stmt)), True)
    ids = {i for i in (_as_id(x) for x in keep) if i is not None}
    ids |= {i for i in list(prefer)[:AGENCY_OPTIONS_CAP] if isinstance(i, int)}
    if not ids:
        return AgencyOptions([], False)
    stmt = sa_select(*_OPTION_COLUMNS).where(col(Agency.id).in_(ids)).order_by(*by)
    return AgencyOptions(_option_rows(db.execute(stmt)), False)


def _option_rows(rows: Any) -> list[tuple[int, str, str]]:
    return [(int(i), str(n), str(j)) for i, n, j in rows]


def _as_id(value: Any) -> int | None:
    try:
        ident = int(str(value).strip())
    except ValueError:
        return None
    return ident if 0 < ident <= v.MAX_ID else None

"""Records requests: validation, creation, updates and the filtered, sorted, paginated list."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Date, Integer, and_, bindparam, exists, func, or_, text
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, select

from records.access import visibility
from records.core import validation as v
from records.core.clock import utc_now, utc_today
from records.core.db import capped_count
from records.core.models import Agency, Membership, RecordRequest, Subject, User, Visibility
from records.lifecycle.models import Deadline
from records.requests.inputs import EDITABLE as EDITABLE
from records.requests.inputs import RequestInput

log = logging.getLogger(__name__)

MAX_PAGE = 1_000_000
SORTS: dict[str, Any] = {
    "updated": RecordRequest.updated_at,
    "created": RecordRequest.created_at,
    "title": RecordRequest.title,
    "status": RecordRequest.status,
    "tracking": RecordRequest.tracking_number,
    "agency": Agency.name,
    "assignee": User.name,
    "due": None,  # the next open deadline (see ``_next_due``)
}
# Who must act next, by status: the list's "waiting on us" and "waiting on the agency" filters.
WAITING = {
    "us": ("draft", "awaiting_requester"),
    "agency": ("sent", "acknowledged", "in_progress", "appealed"),
}
DUE_FILTERS = ("overdue", "week")
# Clocks the agency owes (records.lifecycle.clocks.AGENCY_CLOCKS): passing one unmet makes a request overdue.
_OWED = ("acknowledgment", "response", "extended_response", "expedited_decision", "appeal_decision")
_NOT_OWED_STATUSES = ("draft", "withdrawn", "in_litigation")


def clean_request(data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    unknown = set(data) - set(EDITABLE)
    if unknown:
        name = sorted(unknown)[0]
        raise v.ValidationError(name, f"unknown or read-only field {name!r}")
    out: dict[str, Any] = {}

    def want(key: str) -> bool:
        return not partial or key in data

    if want("agency_id"):
        out["agency_id"] = v.integer(data.get("agency_id"), "agency_id", required=True)
    if want("subject"):
        out["subject"] = v.choice(data.get("subject"), "subject", Subject, default="other")
    if want("title"):
        out["title"] = v.model_text(RequestInput, data, "title")
    if want("description"):
        out["description"] = v.model_text(RequestInput, data, "description")
    if want("date_from"):
        out["date_from"] = v.iso_date(data.get("date_from"), "date_from")
    if want("date_to"):
        out["date_to"] = v.iso_date(data.get("date_to"), "date_to")
    if want("tracking_number"):
        out["tracking_number"] = v.model_text(RequestInput, data, "tracking_number")
    if want("assignee_id"):
        out["assignee_id"] = v.integer(data.get("assignee_id"), "assignee_id")
    if want("visibility"):
        out["visibility"] = v.choice(
            data.get("visibility"), "visibility", Visibility, default="organization"
        )
    return out


def _check_refs(
    db: Session, org_id: int, values: dict[str, Any], current: RecordRequest | None
) -> None:
    if "agency_id" in values:
        agency = db.get(Agency, values["agency_id"])
        if agency is None:  # the directory is shared: any agency in it
            raise v.ValidationError("agency_id", "agency not found in the directory")
        values["law_code"] = agency.jurisdiction
    if values.get("assignee_id") is not None:
        member = db.exec(
            select(Membership).where(
                Membership.org_id == org_id, Membership.user_id == values["assignee_id"]
            )
        ).first()
        if member is None:
            raise v.ValidationError(
                "assignee_id", "the assignee must be a member of this organization"
            )
    start = values.get("date_from", current.date_from if current else None)
    end = values.get("date_to", current.date_to if current else None)
    if start and end and end < start:
        raise v.ValidationError("date_to", "the date range ends before it starts")


def create_request(db: Session, org_id: int, user_id: int, data: dict[str, Any]) -> RecordRequest:
    values = clean_request(data)
    _check_refs(db, org_id, values, None)
    req = RecordRequest(org_id=org_id, created_by=user_id, **values)
    db.add(req)
    db.flush()
    log.info("request %s created by user %s", req.id, user_id)
    return req


def update_request(
    db: Session, req: RecordRequest, data: dict[str, Any], user_id: int
) -> RecordRequest:
    values = clean_request(data, partial=True)
    _check_refs(db, req.org_id, values, req)
    for key, value in values.items():
        setattr(req, key, value)
    req.updated_at = utc_now()
    db.add(req)
    db.flush()
    log.info("request %s updated by user %s: %s", req.id, user_id, sorted(values))
    return req


def delete_request(db: Session, req: RecordRequest) -> list[str]:
    """Delete a request with everything filed on it (the database cascades its documents) and
    the StoredFile rows no other document references. Returns those rows' hashes: once the
    caller has committed, ``storage_sweep.release_blobs`` removes their blobs."""
    from records.filing import storage_sweep
    from records.filing.models import Document

    shas = list(db.exec(select(Document.sha256).where(Document.request_id == req.id)).all())
    db.delete(req)
    db.flush()
    gone = storage_sweep.forget_files(db, shas)
    log.info("request %s deleted with %s document(s)", req.id, len(shas))
    return gone


def visible_clause(org_id: int, user_id: int) -> ColumnElement[bool]:
    """Requests of ``org_id`` this member may see (the rule lives in ``records.access.visibility``)."""
    return visibility.where(RecordRequest, visibility.Viewer.member(org_id, user_id))


def can_see(req: RecordRequest, org_id: int, user_id: int) -> bool:
    """True when this member of ``org_id`` may see ``req`` (see ``records.access.visibility``)."""
    return visibility.can_see(None, visibility.Viewer.member(org_id, user_id), req)


@dataclass
class Filters:
    status: str = ""
    agency_id: int | None = None
    jurisdiction: str = ""
    subject: str = ""
    assignee_id: int | None = None
    q: str = ""
    due: str = ""  # overdue | week
    due_on: date | None = None  # an open deadline falls on that day (the calendar's "more")
    waiting: str = ""  # us | agency
    sort: str = "updated"
    direction: str = "desc"


@dataclass(frozen=True)
class NextDue:
    """A request's next open deadline: the day, which clock, and how many days it is overdue."""

    due: date
    clock: str
    days_overdue: int


@dataclass(frozen=True, slots=True)
class ListedRequest:
    """What a list's row shows of a request, read as plain columns: building ORM objects for a
    page's rows cost more than the query that found them."""

    id: int
    title: str
    status: str
    visibility: str
    tracking_number: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ListedAgency:
    id: int
    name: str
    jurisdiction: str


@dataclass(frozen=True, slots=True)
class ListedUser:
    id: int
    name: str
    email: str


_LISTED = (
    (ListedRequest, ("id", "title", "status", "visibility", "tracking_number", "updated_at")),
    (ListedAgency, ("id", "name", "jurisdiction")),
    (ListedUser, ("id", "name", "email")),
)


def _listed_columns() -> list[Any]:
    return [
        getattr(model, name).label(f"{model.__name__}_{name}")
        for model, (_cls, names) in zip((RecordRequest, Agency, User), _LISTED, strict=True)
        for name in names
    ]


def _listed(row: Any) -> tuple[ListedRequest, ListedAgency, ListedUser | None]:
    """One row of ``_listed_columns`` as (request, agency, assignee or None)."""
    out: list[Any] = []
    start = 0
    for cls, names in _LISTED:
        values = row[start : start + len(names)]
        start += len(names)
        out.append(None if values[0] is None else cls(*values))
    return out[0], out[1], out[2]


@dataclass
class Page:
    rows: list[tuple[ListedRequest, ListedAgency, ListedUser | None]]
    page: int
    per_page: int
    total: int
    next_due: dict[int, NextDue] = field(default_factory=dict)
    total_capped: bool = False  # more rows than ``total`` (see ``list_requests``)

    @property
    def total_shown(self) -> str:
        """The total as the page prints it: "1,025+" when the count stopped there."""
        return f"{self.total:,}+" if self.total_capped else f"{self.total:,}"

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def parse_filters(args: Any) -> Filters:
    """Read list filters from query args; bad values raise ValidationError."""
    sort = args.get("sort", "updated") or "updated"
    if sort not in SORTS:
        raise v.ValidationError("sort", f"sort must be one of: {', '.join(SORTS)}")
    direction = args.get("dir", "desc") or "desc"
    if direction not in ("asc", "desc"):
        raise v.ValidationError("dir", "dir must be asc or desc")
    subject = args.get("subject", "")
    if subject:
        v.choice(subject, "subject", Subject)
    juris = args.get("jurisdiction", "")
    due = args.get("due", "") or ""
    if due and due not in DUE_FILTERS:
        raise v.ValidationError("due", "due must be overdue or week")
    waiting = args.get("waiting", "") or ""
    if waiting and waiting not in WAITING:
        raise v.ValidationError("waiting", "waiting must be us or agency")
    return Filters(
        status=v.text(args.get("status", ""), "status", max_len=30),
        agency_id=v.integer(args.get("agency_id"), "agency_id"),
        jurisdiction=v.jurisdiction(juris) if juris else "",
        subject=subject,
        assignee_id=v.integer(args.get("assignee_id"), "assignee_id"),
        q=v.text(args.get("q", ""), "q", max_len=200),
        due=due,
        due_on=v.iso_date(args.get("due_on", ""), "due_on"),
        waiting=waiting,
        sort=sort,
        direction=direction,
    )


def _open_deadlines() -> list[ColumnElement[bool]]:
    return [
        Deadline.request_id == RecordRequest.id,
        Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        Deadline.state == "open",
        Deadline.due.is_not(None),  # type: ignore[union-attr]
    ]


def _overdue_deadline(today: Any) -> list[ColumnElement[bool]]:
    """An open deadline's conditions for a statutory clock the agency owes, past its day."""
    return [
        Deadline.statutory.is_(True),  # type: ignore[attr-defined]
        Deadline.clock.in_(_OWED),  # type: ignore[attr-defined]
        Deadline.due < today,  # type: ignore[operator]
    ]


def _week_deadline(today: Any, week_end: Any = None) -> list[ColumnElement[bool]]:
    """An open deadline's conditions for a day from today to seven days from now (``today``
    and ``week_end`` may be bound parameters)."""
    return [
        Deadline.due >= today,  # type: ignore[operator]
        Deadline.due <= (today + timedelta(days=7) if week_end is None else week_end),  # type: ignore[operator]
    ]


def overdue_clause(today: date) -> ColumnElement[bool]:
    """Requests with a statutory clock the agency owes past its day (``lifecycle.overdue_from``)."""
    return and_(
        RecordRequest.status.not_in(_NOT_OWED_STATUSES),  # type: ignore[attr-defined]
        exists().where(*_open_deadlines(), *_overdue_deadline(today)),
    )


def due_week_clause(today: Any, week_end: Any) -> ColumnElement[bool]:
    """Requests with an open deadline from ``today`` to ``week_end`` (days or bind parameters)."""
    return exists().where(*_open_deadlines(), *_week_deadline(today, week_end))


# The list's count stops this far past its page's offset ("1,025+ requests").
COUNT_CAP = 1000
# The dashboard's counts stop here: past it a count reads "100+" and links to the filtered list
# (which counts on to COUNT_CAP). Each counted row is a probe of the request's row for its
# visibility and status: at 100,000 requests counting to 1,000 cost the dashboard 12 ms.
DASHBOARD_COUNT_CAP = 100


def shown_count(n: int) -> str:
    """A dashboard count as the page shows it: "100+" past ``DASHBOARD_COUNT_CAP``."""
    return f"{DASHBOARD_COUNT_CAP:,}+" if n > DASHBOARD_COUNT_CAP else f"{n:,}"


@lru_cache(maxsize=256)
def _status_counts_stmt(org_id: int, user_id: int, statuses: tuple[str, ...], cap: int) -> Any:
    """``status_counts``'s statement for one member (built once: it has a subquery a status)."""
    visible = visible_clause(org_id, user_id)
    columns = [
        select(func.count())
        .select_from(
            select(RecordRequest.id)
            .where(visible, RecordRequest.status == status)
            .limit(cap + 1)
            .subquery()
        )
        .scalar_subquery()
        .label(f"n{i}")
        for i, status in enumerate(statuses)
    ]
    return select(*columns)


def status_counts(
    db: Session, org_id: int, user_id: int, statuses: tuple[str, ...]
) -> dict[str, int]:
    """Visible requests in each status (those with any), each counted up to the dashboard's
    cap, in one statement: each count reads at most ``DASHBOARD_COUNT_CAP + 1`` entries of
    ix_request_org_status_updated."""
    row = db.exec(_status_counts_stmt(org_id, user_id, statuses, DASHBOARD_COUNT_CAP)).one()
    return {status: n for status, n in zip(statuses, row, strict=True) if n}


@lru_cache(maxsize=256)
def _due_count_stmt(org_id: int, user_id: int, due: str, cap: int) -> Any:
    """``due_count``'s statement for one member and filter, the days bound at execution."""
    day, week_end = bindparam("day", type_=Date), bindparam("week_end", type_=Date)
    extra = (
        [
            *_overdue_deadline(day),
            RecordRequest.status.not_in(_NOT_OWED_STATUSES),  # type: ignore[attr-defined]
        ]
        if due == "overdue"
        else _week_deadline(day, week_end)
    )
    ids = (
        select(Deadline.request_id)
        .distinct()
        .join(RecordRequest, RecordRequest.id == Deadline.request_id)
        .where(
            Deadline.org_id == org_id,
            Deadline.state == "open",
            Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
            Deadline.due.is_not(None),  # type: ignore[union-attr]
            visible_clause(org_id, user_id),
            *extra,
        )
    )
    return capped_count(ids, cap + 1)


def due_count(db: Session, org_id: int, user_id: int, due: str, today: date) -> int:
    """Visible requests the ``due`` filter (overdue | week) lists, counted up to the dashboard's
    cap (``DASHBOARD_COUNT_CAP``).

    Read from the open deadlines in that window, not from every request: the same requests as
    ``filter_clauses``, at a cost bounded by the cap."""
    stmt = _due_count_stmt(org_id, user_id, due, DASHBOARD_COUNT_CAP)
    return db.exec(stmt, params={"day": today, "week_end": today + timedelta(days=7)}).one()


def _next_due() -> Any:
    return (
        select(func.min(Deadline.due))
        .where(*_open_deadlines())
        .correlate(RecordRequest)
        .scalar_subquery()
    )


# Filters whose value is bound into the list's statement (built once per shape; see _list_stmts).
_BOUND = {
    "status": lambda: RecordRequest.status == bindparam("f_status"),
    "agency_id": lambda: RecordRequest.agency_id == bindparam("f_agency"),
    "jurisdiction": lambda: Agency.jurisdiction == bindparam("f_jurisdiction"),
    "subject": lambda: RecordRequest.subject == bindparam("f_subject"),
    "assignee_id": lambda: RecordRequest.assignee_id == bindparam("f_assignee"),
    "due_on": lambda: exists().where(
        *_open_deadlines(), Deadline.due == bindparam("f_due_on", type_=Date)
    ),
    "q": lambda: or_(
        func.lower(RecordRequest.title).like(bindparam("f_like")),
        func.lower(RecordRequest.tracking_number).like(bindparam("f_like")),
    ),
}


@dataclass(frozen=True)
class _Shape:
    """What a list's statement depends on besides bound values: which filters are set, the
    "waiting" and "due" choices and the order."""

    set_filters: tuple[str, ...]
    waiting: str
    due: str
    sort: str
    direction: str


def _shape(filters: Filters) -> _Shape:
    return _Shape(
        tuple(name for name in _BOUND if getattr(filters, name)),
        filters.waiting,
        filters.due,
        filters.sort,
        filters.direction,
    )


def _bound_values(org_id: int, user_id: int, filters: Filters, today: date) -> dict[str, Any]:
    """The bind parameters of ``_bound_clauses`` for these filters."""
    return visibility.Viewer.member(org_id, user_id).params() | {
        "f_status": filters.status,
        "f_agency": filters.agency_id,
        "f_jurisdiction": filters.jurisdiction,
        "f_subject": filters.subject,
        "f_assignee": filters.assignee_id,
        "f_due_on": filters.due_on,
        "f_like": f"%{filters.q.lower()}%",
        "day": today,
        "week_end": today + timedelta(days=7),
    }


def _bound_clauses(shape: _Shape) -> list[ColumnElement[bool]]:
    """The list's conditions (visibility first) with every value a bind parameter."""
    where = [visibility.where(RecordRequest, visibility.Viewer.bound())]
    where += [_BOUND[name]() for name in shape.set_filters]
    if shape.waiting:
        where.append(RecordRequest.status.in_(WAITING[shape.waiting]))  # type: ignore[attr-defined]
    day = bindparam("day", type_=Date)
    if shape.due == "overdue":
        where.append(overdue_clause(day))  # type: ignore[arg-type]
    elif shape.due == "week":
        where.append(due_week_clause(day, bindparam("week_end", type_=Date)))
    return where


def filter_clauses(
    org_id: int, user_id: int, filters: Filters, today: date
) -> list[ColumnElement[bool]]:
    """The list's conditions (visibility first), values filled in; a jurisdiction filter needs
    Agency joined."""
    values = _bound_values(org_id, user_id, filters, today)
    return [c.params(values) for c in _bound_clauses(_shape(filters))]


@lru_cache(maxsize=256)
def _list_stmts(shape: _Shape) -> tuple[Any, Any, Any]:
    """The list's page (with agencies and assignees, and of requests alone) and count
    statements for one shape of filters, built once per process:
    building them (the visibility rule, the deferred join, the next-deadline subquery) cost
    more than running them. Values, the offset and the count's bound are parameters."""
    where = _bound_clauses(shape)
    desc = shape.direction == "desc"
    column = _next_due() if shape.sort == "due" else SORTS[shape.sort]
    if shape.sort == "due":  # requests with no open deadline last, either way
        order = [
            column.is_(None),
            column.desc() if desc else column.asc(),
            RecordRequest.id.desc() if desc else RecordRequest.id.asc(),
        ]
    else:
        order = (
            [column.desc(), RecordRequest.id.desc()]
            if desc
            else [column.asc(), RecordRequest.id.asc()]
        )
    # Find the page's ids first, then load only those rows: the skipped rows of a deep page are
    # walked inside ix_request_org_updated and never fetched or joined (a "deferred join").
    ids = select(RecordRequest.id).where(*where)
    if "jurisdiction" in shape.set_filters or shape.sort == "agency":
        ids = ids.join(Agency, Agency.id == RecordRequest.agency_id)
    if shape.sort == "assignee":
        ids = ids.outerjoin(User, User.id == RecordRequest.assignee_id)
    offset, limit = bindparam("offset", type_=Integer), bindparam("limit", type_=Integer)
    outer = list(order)
    if shape.sort == "due":  # the outer query orders by the day the page query found
        page_ids = (
            ids.add_columns(column.label("due"))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
            .subquery()
        )
        outer = [
            page_ids.c.due.is_(None),
            page_ids.c.due.desc() if desc else page_ids.c.due.asc(),
            order[-1],
        ]
    else:
        page_ids = ids.order_by(*order).offset(offset).limit(limit).subquery()
    page = (
        select(*_listed_columns())
        .join(page_ids, page_ids.c.id == RecordRequest.id)
        .join(Agency, Agency.id == RecordRequest.agency_id)
        .outerjoin(User, User.id == RecordRequest.assignee_id)
        .order_by(*outer)
    )
    requests_only = (
        select(RecordRequest).join(page_ids, page_ids.c.id == RecordRequest.id).order_by(*outer)
    )
    counted = select(RecordRequest.id).where(*where)
    if "jurisdiction" in shape.set_filters:
        counted = counted.join(Agency, Agency.id == RecordRequest.agency_id)
    return page, requests_only, capped_count(counted, bindparam("count_limit", type_=Integer))


def list_requests(
    db: Session,
    org_id: int,
    user_id: int,
    filters: Filters,
    page: int,
    per_page: int,
    *,
    count: bool = True,
) -> Page:
    """One indexed query for the page (agency and assignee joined: no N+1), one bounded count
    and one query for the page's next deadlines.

    The count reads at most ``COUNT_CAP`` entries past the page's offset, so the list costs the
    same whatever the organization holds: past that ``total_capped`` is set and ``total`` is a
    lower bound ("1,000+"; the pager offers the pages up to it, and counts on from a deeper
    page). ``count=False`` skips the count for a page that shows no total: ``total`` is then
    the rows found."""
    today = utc_today()
    page_stmt, _requests_only, count_stmt = _list_stmts(_shape(filters))
    offset, params = _page_params(org_id, user_id, filters, today, page, per_page)
    rows = [_listed(row) for row in db.exec(page_stmt, params=params)]
    total, capped = _count(db, count_stmt, params, offset) if count else (len(rows), False)
    return Page(
        rows=rows,
        page=page,
        per_page=per_page,
        total=total,
        next_due=next_due_of(db, [r.id for r, _a, _u in rows], today),
        total_capped=capped,
    )


def _page_params(
    org_id: int, user_id: int, filters: Filters, today: date, page: int, per_page: int
) -> tuple[int, dict[str, Any]]:
    """(offset, bind parameters) of one page of the list's statements."""
    offset = (page - 1) * per_page
    values = _bound_values(org_id, user_id, filters, today)
    return offset, values | {"offset": offset, "limit": per_page}


def _count(db: Session, count_stmt: Any, params: dict[str, Any], offset: int) -> tuple[int, bool]:
    """(total up to ``COUNT_CAP`` past ``offset``, whether more match)."""
    bound = offset + COUNT_CAP
    total = db.exec(count_stmt, params=params | {"count_limit": bound + 1}).one()
    return min(total, bound), total > bound


@dataclass
class RequestsPage:
    """A page of the list's requests alone (the API's list: no agency or assignee rows)."""

    requests: list[RecordRequest]
    total: int
    total_capped: bool


def list_requests_only(
    db: Session, org_id: int, user_id: int, filters: Filters, page: int, per_page: int
) -> RequestsPage:
    """``list_requests``' page and bounded count, loading the requests alone."""
    _page, requests_only, count_stmt = _list_stmts(_shape(filters))
    offset, params = _page_params(org_id, user_id, filters, utc_today(), page, per_page)
    found = list(db.exec(requests_only, params=params).all())
    total, capped = _count(db, count_stmt, params, offset)
    return RequestsPage(found, total, capped)


_NEXT_DUE = (
    select(Deadline.request_id, Deadline.clock, Deadline.due)
    .where(
        Deadline.request_id.in_(bindparam("ids", expanding=True)),  # type: ignore[attr-defined]
        Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        Deadline.state == "open",
        Deadline.due.is_not(None),  # type: ignore[union-attr]
    )
    .order_by(Deadline.request_id, Deadline.due, Deadline.id)  # type: ignore[arg-type]
)


# The agencies an organization wrote to, for the list and search filters: a loose scan of
# ix_request_org_agency, one probe per agency used (a plain IN or DISTINCT reads every request's
# index entry), stopping past AGENCY_CHOICES_CAP. The organization is bound; built once.
AGENCY_CHOICES_CAP = 100
_AGENCIES_USED = text(
    "WITH RECURSIVE used(id) AS ("
    "SELECT min(agency_id) FROM recordrequest WHERE org_id = :org "
    "UNION ALL SELECT (SELECT min(r.agency_id) FROM recordrequest r "
    "WHERE r.org_id = :org AND r.agency_id > used.id) FROM used WHERE used.id IS NOT NULL) "
    "SELECT agency.id, agency.name FROM agency "
    "JOIN (SELECT id FROM used WHERE id IS NOT NULL LIMIT :cap) u ON agency.id = u.id "
    "ORDER BY agency.name, agency.id"
)


def agencies_written_to(db: Session, org_id: int) -> list[int]:
    """The ids of ``agency_choices`` (none past its cap): the agencies a form prefers to list."""
    return [agency_id for agency_id, _name in agency_choices(db, org_id)]


def agency_choices(db: Session, org_id: int, picked: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the agencies the organization wrote to, by name, for a filter's list, and
    ``picked`` (the agency filtered by) in any case; when it wrote to more than
    ``AGENCY_CHOICES_CAP``, only ``picked`` (the directory typeahead, ``static/agency-picker.js``,
    finds the others). Costs one index probe per agency listed."""
    rows = [
        (int(i), str(n))
        for i, n in db.connection().execute(
            _AGENCIES_USED, {"org": org_id, "cap": AGENCY_CHOICES_CAP + 1}
        )
    ]
    if len(rows) > AGENCY_CHOICES_CAP:
        rows = []
    if picked is None or any(agency_id == picked for agency_id, _name in rows):
        return rows
    agency = db.get(Agency, picked)  # chosen, though not written to: the form still shows it
    if agency is None:
        return rows
    return sorted([*rows, (picked, agency.name)], key=lambda row: (row[1], row[0]))


def next_due_of(db: Session, request_ids: list[int], today: date) -> dict[int, NextDue]:
    """Each request's next open deadline (earliest day; the clock named), in one query."""
    if not request_ids:
        return {}
    found: dict[int, NextDue] = {}
    for request_id, clock, due in db.exec(_NEXT_DUE, params={"ids": request_ids}).all():
        if request_id not in found:
            found[request_id] = NextDue(due, clock, max(0, (today - due).days))
    return found


def page_number(args: Any) -> int:
    """The ``page`` query argument (1 when absent); bad values raise ValidationError."""
    return v.integer(args.get("page") or "1", "page", maximum=MAX_PAGE) or 1

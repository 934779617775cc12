"""Request timeline pages: record what happened, correct it, see every clock, draft the letters
an overdue or denied request calls for, and a month calendar of open deadlines."""

from __future__ import annotations

import calendar as month_cal
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Date, and_, bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from records.access import visibility
from records.core.auth import current_org_id, has_role, login_required_with_org, require_role
from records.core.clock import utc_today
from records.core.db import capped_count, get_session
from records.core.models import RecordRequest, Role, User
from records.core.validation import ValidationError
from records.letters import service as ls
from records.letters.drafting import DraftingError, Letter
from records.lifecycle.clocks import (
    AGENCY_CLOCKS,
    CLOCK_LABELS,
    deadlines_with_history,
    state_label,
)
from records.lifecycle.models import Deadline, Event
from records.lifecycle.service import (
    EVENT_KINDS,
    TRANSITIONS,
    EventNotAllowed,
    correct_event,
    event_data,
    is_overdue,
    record_event,
    request_events,
)
from records.requests import service as rr
from records.requests.views import request_or_404
from records.web import panels
from records.web.forms import EmptyForm
from records.web.forms_util import id_param, id_url, labelled
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS

bp = Blueprint("timeline", __name__)


def _allowed_kinds(status: str) -> list[str]:
    return [k for k, (statuses, _) in TRANSITIONS.items() if status in statuses]


def _overdue_clock(deadlines: list[Deadline], day: date) -> Deadline | None:
    late = [
        d
        for d in deadlines
        if d.state == "open" and d.statutory and d.clock in AGENCY_CLOCKS and d.due and d.due < day
    ]
    return min(late, key=lambda d: d.due) if late else None  # type: ignore[arg-type,return-value]


def _appeal_clock(deadlines: list[Deadline]) -> Deadline | None:
    return next((d for d in deadlines if d.clock == "appeal" and d.state == "open"), None)


def _timeline_panel(req: RecordRequest) -> tuple[str, dict[str, Any]]:
    db = get_session()
    day = utc_today()
    request_id = cast(int, req.id)  # a stored request
    deadlines, history = deadlines_with_history(db, request_id)
    events = request_events(db, request_id)
    by_id = {e.id: e for e in events}
    ctx = {
        "req": req,
        "events": events,
        "by_id": by_id,
        "event_data": event_data,
        "kinds": EVENT_KINDS,
        "allowed": _allowed_kinds(req.status),
        "deadlines": deadlines,
        "history": history,
        "labels": CLOCK_LABELS,
        "state_label": state_label,
        "overdue": is_overdue(db, req, day),
        "overdue_clock": _overdue_clock(deadlines, day),
        "appeal_clock": _appeal_clock(deadlines),
        "today": day,
        "can_edit": has_role(Role.EDITOR),
    }
    return "timeline/panel.html", ctx


DASHBOARD_LIMIT = 10  # the most urgent items; the counts link to the full, filtered lists


@cache
def _dashboard_stmts() -> dict[str, Any]:
    """The dashboard panel's statements, built once for any member (``Viewer.bound``); the day
    and the week's end are bound too."""
    viewer = visibility.Viewer.bound()
    day, week_end = bindparam("day", type_=Date), bindparam("week_end", type_=Date)
    visible = visibility.where(RecordRequest, viewer)
    current = [
        Deadline.org_id == viewer.org_id,
        Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        Deadline.state == "open",
        Deadline.due.is_not(None),  # type: ignore[union-attr]
        visible,
    ]
    late = [
        Deadline.due < day,
        Deadline.statutory.is_(True),  # type: ignore[attr-defined]
        Deadline.clock.in_(AGENCY_CLOCKS),  # type: ignore[attr-defined]
        RecordRequest.status.not_in(("draft", "withdrawn", "in_litigation")),  # type: ignore[attr-defined]
    ]
    soon = [Deadline.due >= day, Deadline.due <= week_end]

    # Plain columns, not ORM objects: the panel shows a day, a clock and a title.
    def first(extra: list[Any]) -> Any:
        return (
            sa_select(
                col(Deadline.due),
                col(Deadline.clock),
                col(Deadline.statutory),
                col(RecordRequest.id).label("request_id"),
                col(RecordRequest.title),
            )
            .join(RecordRequest, col(RecordRequest.id) == col(Deadline.request_id))
            .where(*current, *extra)
            .order_by(col(Deadline.due), col(Deadline.id))
            .limit(DASHBOARD_LIMIT)
        )

    waiting = and_(col(RecordRequest.status) == "awaiting_requester", visible)
    incoming = [k for k, v in EVENT_KINDS.items() if v.direction == "incoming"]
    return {
        "overdue": first(late),
        "week": first(soon),
        "waiting": select(col(RecordRequest.id).label("request_id"), col(RecordRequest.title))
        .where(waiting)
        .order_by(RecordRequest.updated_at.desc())  # type: ignore[attr-defined]
        .limit(DASHBOARD_LIMIT),
        "waiting_count": capped_count(
            select(RecordRequest.id).where(waiting), rr.DASHBOARD_COUNT_CAP + 1
        ),
        "received": select(
            col(Event.on),
            col(Event.kind),
            col(RecordRequest.id).label("request_id"),
            col(RecordRequest.title),
        )
        .join(RecordRequest, col(RecordRequest.id) == col(Event.request_id))
        .where(
            Event.org_id == viewer.org_id,
            col(Event.kind).in_(incoming),
            col(Event.voided_at).is_(None),
            col(Event.on) >= bindparam("since", type_=Date),
            visible,
        )
        .order_by(col(Event.on).desc(), col(Event.id).desc())
        .limit(10),
    }


def _dashboard_panel(org_id: int, user_id: int) -> tuple[str, dict[str, Any]]:
    db = get_session()
    day = utc_today()
    stmts = _dashboard_stmts()
    params = visibility.Viewer.member(org_id, user_id).params() | {
        "day": day,
        "week_end": day + timedelta(days=7),
        "since": day - timedelta(days=14),
    }
    overdue = list(db.execute(stmts["overdue"], params).all())
    week = list(db.execute(stmts["week"], params).all())
    waiting = db.exec(stmts["waiting"], params=params).all()
    # Counted up to a cap (the lists they link to count them all).
    counts = {
        "overdue": rr.due_count(db, org_id, user_id, "overdue", day),
        "week": rr.due_count(db, org_id, user_id, "week", day),
        "waiting": db.exec(stmts["waiting_count"], params=params).one(),
    }
    received = db.exec(stmts["received"], params=params).all()
    ctx = {
        "overdue": overdue,
        "week": week,
        "waiting": waiting,
        "counts": counts,
        "shown_count": rr.shown_count,
        "received": received,
        "labels": CLOCK_LABELS,
        "kinds": EVENT_KINDS,
        "today": day,
        "request_url": id_url("requests.show", "request_id"),
    }
    return "timeline/dashboard.html", ctx


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 20, _timeline_panel)
    panels.add(DASHBOARD_PANELS, 10, _dashboard_panel)


def _form_data(kind: str) -> dict[str, Any]:
    return {f.name: request.form.get(f"data_{f.name}", "") for f in EVENT_KINDS[kind].fields}


def _form_date(name: str = "on") -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, "").strip())
    except ValueError:
        return None


@bp.route("/requests/<int:request_id>/events/new")
@login_required_with_org
def new_event(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    kind = request.args.get("kind", "")
    if kind not in EVENT_KINDS:
        abort(404)
    return render_template(
        "timeline/record.html",
        req=req,
        kind=EVENT_KINDS[kind],
        values={},
        on=utc_today().isoformat(),
        note="",
        error=None,
        empty=EmptyForm(),
        action=url_for("timeline.create_event", request_id=req.id),
    )


@bp.route("/requests/<int:request_id>/events", methods=["POST"])
@login_required_with_org
def create_event(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    if not EmptyForm().validate_on_submit():
        abort(400)
    kind = request.form.get("kind", "")
    if kind not in EVENT_KINDS:
        abort(400)
    db = get_session()
    on = _form_date()
    data = _form_data(kind)
    note = request.form.get("note", "")
    try:
        if on is None:
            raise EventNotAllowed("give the date it happened as YYYY-MM-DD")
        record_event(db, req, kind, on, actor_id=current_user.id, note=note, data=data)
    except EventNotAllowed as exc:
        db.rollback()
        return render_template(
            "timeline/record.html",
            req=req,
            kind=EVENT_KINDS[kind],
            values=data,
            on=request.form.get("on", ""),
            note=note,
            error=str(exc),
            empty=EmptyForm(),
            action=url_for("timeline.create_event", request_id=req.id),
        ), 422
    db.commit()
    flash(f"{EVENT_KINDS[kind].label} recorded; status and deadlines updated.", "success")
    return redirect(url_for("requests.show", request_id=req.id) + "#timeline-h")


def _event_or_404(req: RecordRequest, event_id: int) -> Event:
    event = get_session().get(Event, event_id)
    if event is None or event.request_id != req.id:
        abort(404)
    return event


@bp.route("/requests/<int:request_id>/events/correct", methods=["GET", "POST"])
@login_required_with_org
def correct(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    event = _event_or_404(req, id_param(request.values, "event"))
    kind = EVENT_KINDS[event.kind]
    values: dict[str, Any] = event_data(event)
    on, note, error = event.on.isoformat(), event.note, None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        db = get_session()
        values, note = _form_data(event.kind), request.form.get("note", "")
        on = request.form.get("on", "")
        try:
            new_on = _form_date()
            if new_on is None:
                raise EventNotAllowed("give the date it happened as YYYY-MM-DD")
            correct_event(db, event, on=new_on, note=note, actor_id=current_user.id, data=values)
        except EventNotAllowed as exc:
            db.rollback()
            error = str(exc)
        else:
            db.commit()
            flash("Correction saved; the original entry stays in the timeline.", "success")
            return redirect(url_for("requests.show", request_id=req.id) + "#timeline-h")
    return render_template(
        "timeline/record.html",
        req=req,
        kind=kind,
        values=values,
        on=on,
        note=note,
        error=error,
        empty=EmptyForm(),
        correcting=event,
        action=url_for("timeline.correct", request_id=req.id, event=event.id),
    ), (422 if error else 200)


_KINDS = {"follow-up": "follow_up", "appeal": "appeal"}


def _draft(req: RecordRequest, which: str) -> Letter:
    """The follow-up or appeal letter, drafted by the letter service like every other letter
    (organization templates, requester profile, the law's appeal authority)."""
    db = get_session()
    user: User = current_user
    if which == "follow-up":
        return ls.draft_follow_up_for(db, req, user, utc_today())
    return ls.draft_appeal_for(db, req, user, utc_today())


@bp.route("/requests/<int:request_id>/letter", methods=["GET", "POST"])
@login_required_with_org
def letter(request_id: int) -> Any:
    """``?which=follow-up`` or ``?which=appeal``: preview the drafted letter; POST saves it as a
    letter of the request (editable, sendable, on the timeline once sent)."""
    which = request.values.get("which", "")
    if which not in _KINDS:
        abort(404)
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    db = get_session()
    try:
        drafted = _draft(req, which)
    except DraftingError as exc:
        flash(f"No {which} letter to draft: {exc}.", "warning")
        return redirect(url_for("requests.show", request_id=req.id))
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        stored = ls.store_drafted(db, req, _KINDS[which], drafted, current_user.id)
        edited = request.form.get("text", "")
        if edited.strip() and edited.replace("\r\n", "\n").strip() != drafted.text().strip():
            try:
                ls.update_text(db, stored, edited, current_user.id)
            except ValidationError as exc:
                db.rollback()
                flash(f"Not saved: {labelled(exc, 'Letter text')}", "error")
                return render_template(
                    "timeline/letter.html",
                    req=req,
                    which=which,
                    letter=drafted,
                    text=edited,
                    empty=EmptyForm(),
                ), 422
        db.commit()
        flash("Letter saved. Read it, edit it if needed, then send it.", "success")
        return redirect(url_for("letters.show", letter_id=stored.id))
    return render_template(
        "timeline/letter.html",
        req=req,
        which=which,
        letter=drafted,
        text=drafted.text(),
        empty=EmptyForm(),
    )


# A day of the calendar lists at most this many deadlines, then how many more there are, with
# a link to the request list of that day: a month of a large organization is thousands.
CALENDAR_PER_DAY = 15


@dataclass(frozen=True)
class CalendarDay:
    day: date
    items: list[Any]  # (due, clock, statutory, request id, title) rows
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _calendar_days(org_id: int, first: date, last: date) -> list[CalendarDay]:
    """The month's open deadlines the member may see, by day: each day's first
    ``CALENDAR_PER_DAY`` by request title, and each day's count (one statement)."""
    ranked = (
        select(
            col(Deadline.id).label("id"),
            func.row_number()
            .over(
                partition_by=col(Deadline.due),
                order_by=(col(RecordRequest.title), col(Deadline.id)),
            )
            .label("n"),
            func.count().over(partition_by=col(Deadline.due)).label("total"),
        )
        .join(RecordRequest, col(RecordRequest.id) == col(Deadline.request_id))
        .where(
            Deadline.org_id == org_id,
            Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
            Deadline.state == "open",
            Deadline.due >= first,  # type: ignore[operator]
            Deadline.due <= last,  # type: ignore[operator]
            rr.visible_clause(org_id, current_user.id),
        )
        .subquery()
    )
    stmt = (
        sa_select(
            col(Deadline.due),
            col(Deadline.clock),
            col(Deadline.statutory),
            col(RecordRequest.id),
            col(RecordRequest.title),
            ranked.c.total,
        )
        .join(ranked, ranked.c.id == col(Deadline.id))
        .join(RecordRequest, col(RecordRequest.id) == col(Deadline.request_id))
        .where(ranked.c.n <= CALENDAR_PER_DAY)
        .order_by(col(Deadline.due), ranked.c.n)
    )
    days: dict[date, CalendarDay] = {}
    for due, clock, statutory, request_id, title, total in get_session().execute(stmt):
        entry = days.setdefault(due, CalendarDay(due, [], total))
        entry.items.append((due, clock, statutory, request_id, title))
    return list(days.values())


@bp.route("/calendar")
@login_required_with_org
def month() -> Any:
    day = utc_today()
    raw: str | None = request.args.get("month", "")
    try:
        first = date.fromisoformat(f"{raw}-01") if raw else day.replace(day=1)
    except ValueError:
        first, raw = day.replace(day=1), None
    if raw is None or not 1900 <= first.year <= 2200:
        flash("Give the month as YYYY-MM.", "error")
        first = day.replace(day=1)
    last = first.replace(day=month_cal.monthrange(first.year, first.month)[1])
    days = _calendar_days(current_org_id(), first, last)
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render_template(
        "timeline/calendar.html",
        first=first,
        days=days,
        request_url=id_url("requests.show", "request_id"),
        labels=CLOCK_LABELS,
        prev_month=prev_month.strftime("%Y-%m"),
        next_month=next_month.strftime("%Y-%m"),
        today=day,
    )

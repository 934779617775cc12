"""Request timeline pages: record what happened, correct it, see every clock, draft the letters
an overdue or denied request calls for, and a month calendar of open deadlines."""

from __future__ import annotations

import calendar as month_cal
import json
from datetime import date, timedelta
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import select

from records import record_requests as rr
from records.auth import current_org_id, has_role, login_required_with_org, require_role
from records.clocks import (
    AGENCY_CLOCKS,
    CLOCK_LABELS,
    current_deadlines,
    deadline_history,
    law_for,
    state_label,
)
from records.core.clock import utc_today
from records.db import get_session
from records.forms import EmptyForm
from records.letters import (
    AgencyInfo,
    DraftingError,
    Letter,
    Requester,
    draft_appeal,
    draft_follow_up,
)
from records.letters_docx import safe_filename, to_docx
from records.lifecycle import (
    EVENT_KINDS,
    TRANSITIONS,
    EventNotAllowed,
    correct_event,
    event_data,
    is_overdue,
    record_event,
    request_events,
)
from records.models import Agency, Organization, RecordRequest, Role, User
from records.models_lifecycle import Deadline, Event
from records.web.forms_util import id_param
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS, Panel
from records.web.requests import request_or_404

bp = Blueprint("timeline", __name__)
# The law library names the extension period "extension"; the stored clock is "extended_response".
_PERIOD_OF_CLOCK = {"extended_response": "extension"}


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
    deadlines = current_deadlines(db, req.id)
    events = request_events(db, req.id)
    by_id = {e.id: e for e in events}
    ctx = {
        "req": req,
        "events": events,
        "by_id": by_id,
        "event_data": event_data,
        "kinds": EVENT_KINDS,
        "allowed": _allowed_kinds(req.status),
        "deadlines": deadlines,
        "history": [d for d in deadline_history(db, req.id) if d.superseded_at is not None],
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


def _dashboard_panel(org_id: int, user_id: int) -> tuple[str, dict[str, Any]]:
    db = get_session()
    day = utc_today()
    visible = rr.visible_clause(org_id, user_id)
    current = [
        Deadline.org_id == org_id,
        Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
        Deadline.state == "open",
        Deadline.due.is_not(None),  # type: ignore[union-attr]
        visible,
    ]
    late = [
        Deadline.due < day,  # type: ignore[operator]
        Deadline.statutory.is_(True),  # type: ignore[attr-defined]
        Deadline.clock.in_(AGENCY_CLOCKS),  # type: ignore[attr-defined]
        RecordRequest.status.not_in(("draft", "withdrawn", "in_litigation")),  # type: ignore[attr-defined]
    ]
    soon = [
        Deadline.due >= day,  # type: ignore[operator]
        Deadline.due <= day + timedelta(days=7),  # type: ignore[operator]
    ]

    def first(extra: list[Any]) -> list[Any]:
        return list(
            db.exec(
                select(Deadline, RecordRequest)
                .join(RecordRequest, RecordRequest.id == Deadline.request_id)
                .where(*current, *extra)
                .order_by(Deadline.due, Deadline.id)  # type: ignore[arg-type]
                .limit(DASHBOARD_LIMIT)
            ).all()
        )

    def requests_with(clause: Any) -> int:
        return db.exec(select(func.count()).select_from(RecordRequest).where(visible, clause)).one()

    overdue, week = first(late), first(soon)
    waiting_clause = RecordRequest.status == "awaiting_requester"
    waiting = db.exec(
        select(RecordRequest)
        .where(waiting_clause, visible)
        .order_by(RecordRequest.updated_at.desc())  # type: ignore[attr-defined]
        .limit(DASHBOARD_LIMIT)
    ).all()
    counts = {
        "overdue": requests_with(rr.overdue_clause(day)),
        "week": requests_with(rr.due_week_clause(day)),
        "waiting": requests_with(waiting_clause),
    }
    incoming = [k for k, v in EVENT_KINDS.items() if v.direction == "incoming"]
    received = db.exec(
        select(Event, RecordRequest)
        .join(RecordRequest, RecordRequest.id == Event.request_id)
        .where(
            Event.org_id == org_id,
            Event.kind.in_(incoming),  # type: ignore[attr-defined]
            Event.voided_at.is_(None),  # type: ignore[union-attr]
            Event.on >= day - timedelta(days=14),  # type: ignore[operator]
            visible,
        )
        .order_by(Event.on.desc(), Event.id.desc())  # type: ignore[attr-defined]
        .limit(10)
    ).all()
    ctx = {
        "overdue": overdue,
        "week": week,
        "waiting": waiting,
        "counts": counts,
        "received": received,
        "labels": CLOCK_LABELS,
        "kinds": EVENT_KINDS,
        "today": day,
    }
    return "timeline/dashboard.html", ctx


REQUEST_PANELS.append(Panel(20, _timeline_panel))
DASHBOARD_PANELS.append(Panel(10, _dashboard_panel))


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


def _requester() -> Requester:
    org = get_session().get(Organization, current_org_id())
    user: User = current_user  # type: ignore[assignment]
    return Requester(
        name=user.name or user.email, organization=org.name if org else "", email=user.email
    )


def _agency_info(agency: Agency) -> AgencyInfo:
    return AgencyInfo(
        name=agency.name,
        level=agency.level,
        jurisdiction=agency.jurisdiction,
        mailing_address=agency.mailing_address,
        email=agency.foia_email,
        component=agency.component,
    )


def _draft(req: RecordRequest, which: str) -> Letter:
    """The follow-up (overdue) or appeal (denied / deemed denied) letter for ``req``."""
    db = get_session()
    law, _component = law_for(db, req)
    agency = db.get(Agency, req.agency_id)
    if law is None or agency is None:
        raise DraftingError("this request has no law in the library")
    events = request_events(db, req.id, include_voided=False)
    sent = next((e for e in events if e.kind == "sent"), None)
    if sent is None:
        raise DraftingError("record when the request was sent first")
    deadlines = current_deadlines(db, req.id)
    day = utc_today()
    if which == "follow-up":
        clock = _overdue_clock(deadlines, day)
        if clock is None or clock.due is None:
            raise DraftingError("no statutory deadline has passed, so there is nothing to cite")
        return draft_follow_up(
            _requester(),
            _agency_info(agency),
            law,
            sent_on=sent.on,
            due=clock.due,
            letter_date=day,
            summary=req.title,
            clock=_PERIOD_OF_CLOCK.get(clock.clock, clock.clock),
            reference=req.tracking_number,
        )
    appeal = _appeal_clock(deadlines)
    if appeal is None or appeal.due is None:
        raise DraftingError("there is no open appeal deadline (no denial or deemed denial)")
    denial = next(
        (
            e
            for e in reversed(events)
            if e.kind == "denial"
            or (e.kind == "final_response" and event_data(e).get("outcome") != "full")
        ),
        None,
    )
    decided = denial.on if denial is not None else _deemed_date(appeal)
    if decided is None:
        raise DraftingError("the determination date is not recorded")
    grounds = (
        "The records are public and no exemption justifies withholding them in full; "
        "the agency must release every reasonably segregable part."
    )
    if denial is None:
        grounds = "The agency did not answer within the time the law allows, which is a denial."
    return draft_appeal(
        _requester(),
        _agency_info(agency),
        law,
        sent_on=sent.on,
        determination_date=decided,
        appeal_deadline=appeal.due,
        letter_date=day,
        summary=(denial.note if denial and denial.note else "The request was denied."),
        grounds=grounds,
        reference=req.tracking_number,
    )


def _deemed_date(appeal: Deadline) -> date | None:
    inputs = json.loads(appeal.inputs or "{}")
    if not inputs.get("deemed_denial"):
        return None
    db = get_session()
    deemed = next(
        (d for d in current_deadlines(db, appeal.request_id) if d.clock == "deemed_denial"), None
    )
    return deemed.due if deemed else None


@bp.route("/requests/<int:request_id>/letter", methods=["GET", "POST"])
@login_required_with_org
def letter(request_id: int) -> Any:
    """``?which=follow-up`` or ``?which=appeal``: the drafted letter as editable text."""
    which = request.values.get("which", "")
    if which not in ("follow-up", "appeal"):
        abort(404)
    return _letter(request_id, which)


def _letter(request_id: int, which: str) -> Any:
    """Show the drafted letter as editable text; POST the edited text back to get a .docx."""
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        edited = Letter.from_text(request.form.get("text", ""), kind=which)
        if not edited.paragraphs:
            abort(400)
        name = safe_filename(f"{which}-{req.id}-{req.title}") + ".docx"
        return Response(
            to_docx(edited),
            mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
    try:
        drafted = _draft(req, which)
    except DraftingError as exc:
        flash(f"No {which} letter to draft: {exc}.", "warning")
        return redirect(url_for("requests.show", request_id=req.id))
    return render_template(
        "timeline/letter.html", req=req, which=which, letter=drafted, empty=EmptyForm()
    )


@bp.route("/calendar")
@login_required_with_org
def month() -> Any:
    day = utc_today()
    raw = request.args.get("month", "")
    try:
        first = date.fromisoformat(f"{raw}-01") if raw else day.replace(day=1)
    except ValueError:
        first, raw = day.replace(day=1), None
    if raw is None or not 1900 <= first.year <= 2200:
        flash("Give the month as YYYY-MM.", "error")
        first = day.replace(day=1)
    last = first.replace(day=month_cal.monthrange(first.year, first.month)[1])
    org_id = current_org_id()
    rows = (
        get_session()
        .exec(
            select(Deadline, RecordRequest)
            .join(RecordRequest, RecordRequest.id == Deadline.request_id)
            .where(
                Deadline.org_id == org_id,
                Deadline.superseded_at.is_(None),  # type: ignore[union-attr]
                Deadline.state == "open",
                Deadline.due >= first,  # type: ignore[operator]
                Deadline.due <= last,  # type: ignore[operator]
                rr.visible_clause(org_id, current_user.id),
            )
            .order_by(Deadline.due, RecordRequest.title)  # type: ignore[arg-type]
        )
        .all()
    )
    days: dict[date, list[tuple[Deadline, RecordRequest]]] = {}
    for d, r in rows:
        days.setdefault(d.due, []).append((d, r))  # type: ignore[arg-type]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render_template(
        "timeline/calendar.html",
        first=first,
        days=sorted(days.items()),
        labels=CLOCK_LABELS,
        prev_month=prev_month.strftime("%Y-%m"),
        next_month=next_month.strftime("%Y-%m"),
        today=day,
    )

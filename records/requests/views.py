"""Request pages: the filtered list and its bulk actions, create, show, edit, delete."""

from __future__ import annotations

import logging
from typing import Any, cast

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam
from sqlmodel import col, select

from records.core import csvout
from records.core import validation as v
from records.core.auth import current_org_id, login_required_with_org, require_role
from records.core.clock import utc_now, utc_today
from records.core.db import get_session
from records.core.models import Agency, Membership, RecordRequest, Role, User, Visibility
from records.core.storage_local import get_storage
from records.core.validation import ValidationError
from records.directory import service as directory
from records.filing import storage_sweep
from records.lifecycle.clocks import CLOCK_LABELS
from records.lifecycle.service import STATUSES, EventNotAllowed, record_event
from records.requests import service as rr
from records.web.forms import EmptyForm, RequestForm
from records.web.forms_util import attach_error, form_values, id_url
from records.web.panels import REQUEST_PANELS, collect

bp = Blueprint("requests", __name__, url_prefix="/requests")
log = logging.getLogger(__name__)
FIELDS = (
    "title",
    "agency_id",
    "subject",
    "description",
    "date_from",
    "date_to",
    "tracking_number",
    "assignee_id",
    "visibility",
)


def request_or_404(request_id: int) -> RecordRequest:
    req = get_session().get(RecordRequest, request_id)
    if req is None or not rr.can_see(req, current_org_id(), current_user.id):
        abort(404)
    return req


def _choices(form: RequestForm, org_id: int) -> bool:
    """Fill the form's lists: the agencies (the whole directory while it is small, else the
    one chosen and those the organization wrote to) and the members. True when the agency
    list is the whole directory."""
    db = get_session()
    options = directory.agency_options(
        db, keep=[form.agency_id.data], prefer=rr.agencies_written_to(db, org_id)
    )
    form.agency_id.choices = [("", "— choose an agency —")] + [
        (str(i), f"{n} ({j})") for i, n, j in options.rows
    ]
    # The typeahead (static/agency-picker.js) enhances this list when scripts run.
    form.agency_id.render_kw = {
        "data-suggest-url": url_for("agencies.suggest"),
        "data-none": "No agency matches; add it below.",
    }
    form.assignee_id.choices = [("", "— nobody —")] + [
        (str(u.id), u.name or u.email) for u in _members(org_id)
    ]
    return options.complete


_MEMBERS = (
    select(User.id, User.name, User.email)
    .join(Membership, col(Membership.user_id) == col(User.id))
    .where(Membership.org_id == bindparam("org_id"))
    .order_by(User.name)
)


def _members(org_id: int) -> list[Any]:
    """The organization's members as (id, name, email) rows, for the assignee choices."""
    return list(get_session().exec(_MEMBERS, params={"org_id": org_id}).all())


@bp.route("/")
@login_required_with_org
def index() -> Any:
    org_id = current_org_id()
    db = get_session()
    error = None
    try:
        filters = rr.parse_filters(request.args)
        page_no = rr.page_number(request.args)
    except ValidationError as exc:
        error = exc.message
        filters, page_no = rr.Filters(), 1
    page = rr.list_requests(
        db, org_id, current_user.id, filters, page_no, current_app.config["PAGE_SIZE"]
    )
    agencies = rr.agency_choices(db, org_id, filters.agency_id)
    return render_template(
        "requests/index.html",
        page=page,
        filters=filters,
        error=error,
        agencies=agencies,
        members=_members(org_id),
        statuses=STATUSES,
        labels=CLOCK_LABELS,
        bulk_actions=BULK_ACTIONS,
        request_url=id_url("requests.show", "request_id"),
    ), (400 if error else 200)


BULK_ACTIONS = {
    "mark_sent": "Mark sent today",
    "assign": "Assign to",
    "visibility": "Change visibility to",
    "project": "Add to project",
    "export": "Export to CSV",
    "delete": "Delete",
}
MAX_BULK = 500
CSV_HEADER = (
    "id",
    "title",
    "agency",
    "jurisdiction",
    "status",
    "tracking_number",
    "assignee",
    "next_due",
    "clock",
    "days_overdue",
    "visibility",
)


def _selected(db: Any) -> list[RecordRequest]:
    """The checked requests this member may see (others are ignored, never revealed)."""
    raw = request.form.getlist("ids")[:MAX_BULK]
    ids = [v.integer(i, "ids") for i in raw if i.strip()]
    if not ids:
        raise ValidationError("ids", "select at least one request")
    return list(
        db.exec(
            select(RecordRequest)
            .where(
                col(RecordRequest.id).in_(ids),
                rr.visible_clause(current_org_id(), current_user.id),
            )
            .order_by(col(RecordRequest.id))
        ).all()
    )


@bp.route("/bulk", methods=["POST"])
@login_required_with_org
def bulk() -> Any:
    """Act on the checked requests: mark sent, assign, change visibility, add to a project,
    export, delete."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    back = request.form.get("back", "") or url_for("requests.index")
    if not back.startswith("/requests/"):
        back = url_for("requests.index")
    db = get_session()
    try:
        if action not in BULK_ACTIONS:
            raise ValidationError("action", "choose what to do with the selected requests")
        reqs = _selected(db)
        if action == "export":
            return _export(db, reqs)
        require_role(Role.EDITOR)
        if action == "delete":
            return _bulk_delete(db, reqs, back)
        done = _bulk_project(db, reqs) if action == "project" else _bulk_apply(db, reqs, action)
    except ValidationError as exc:
        db.rollback()
        flash(exc.message, "error")
        return redirect(back)
    db.commit()
    flash(f"{BULK_ACTIONS[action]}: {done} of {len(reqs)} request(s) changed.", "success")
    return redirect(back)


def _bulk_apply(db: Any, reqs: list[RecordRequest], action: str) -> int:
    done = 0
    if action == "mark_sent":
        for req in reqs:
            if req.status != "draft":
                continue  # already sent: its clocks run from that day
            try:
                record_event(db, req, "sent", utc_today(), actor_id=current_user.id)
            except EventNotAllowed:
                continue
            done += 1
        return done
    if action == "assign":
        assignee = request.form.get("assignee_id", "")
        value: Any = v.integer(assignee, "assignee_id") if assignee else None
        key = "assignee_id"
    else:
        value = request.form.get("visibility", "")
        v.choice(value, "visibility", Visibility)
        key = "visibility"
    for req in reqs:
        if getattr(req, key) != value:
            rr.update_request(db, req, {key: value}, current_user.id)
            done += 1
    log.info("user %s bulk %s on %s request(s)", current_user.id, action, done)
    return done


def _bulk_project(db: Any, reqs: list[RecordRequest]) -> int:
    from records.projects import service as projects

    raw = request.form.get("project_id", "")[:12].strip()
    project = projects.project_of(db, current_org_id(), raw) if raw.isdigit() else None
    if project is None:
        raise ValidationError("project_id", "choose one of your organization's projects")
    return projects.add_requests(db, project, reqs, current_user.id)


def _bulk_delete(db: Any, reqs: list[RecordRequest], back: str) -> Any:
    """Ask first; delete only when the confirmation form comes back."""
    if request.form.get("confirm") != "yes":
        return render_template("requests/bulk_delete.html", reqs=reqs, back=back)
    forgotten: list[str] = []
    for req in reqs:
        forgotten += rr.delete_request(db, req)
        log.info("request %s deleted by user %s (bulk)", req.id, current_user.id)
    db.commit()
    storage_sweep.release_blobs(get_storage(current_app), forgotten, utc_now(), current_app.config)
    flash(f"Deleted {len(reqs)} request(s).", "success")
    return redirect(back)


def _export(db: Any, reqs: list[RecordRequest]) -> Any:
    agencies = {
        a.id: a
        for a in db.exec(
            select(Agency).where(col(Agency.id).in_({r.agency_id for r in reqs}))
        ).all()
    }
    people = {m.id: m for m in _members(current_org_id())}
    due = rr.next_due_of(db, [cast(int, r.id) for r in reqs], utc_today())  # stored requests
    rows = []
    for r in reqs:
        a, n, who = (
            agencies.get(r.agency_id),
            due.get(cast(int, r.id)),
            people.get(r.assignee_id or 0),
        )
        rows.append(
            (
                r.id,
                r.title,
                a.name if a else "",
                a.jurisdiction if a else "",
                r.status,
                r.tracking_number,
                (who.name or who.email) if who else "",
                n.due.isoformat() if n else "",
                n.clock if n else "",
                n.days_overdue if n else "",
                r.visibility,
            )
        )
    return current_app.response_class(
        csvout.stream(CSV_HEADER, rows),
        mimetype=csvout.MIMETYPE,
        headers={"Content-Disposition": "attachment; filename=requests.csv"},
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required_with_org
def new() -> Any:
    require_role(Role.EDITOR)
    org_id = current_org_id()
    form = RequestForm()
    if request.method == "GET" and request.args.get("agency_id"):
        form.agency_id.data = request.args["agency_id"]
    complete = _choices(form, org_id)
    if form.validate_on_submit():
        db = get_session()
        try:
            req = rr.create_request(db, org_id, current_user.id, form_values(form, FIELDS))
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash("Request created. Draft its letter or record when you sent it.", "success")
            return redirect(url_for("requests.show", request_id=req.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "requests/form.html", form=form, req=None, agencies_complete=complete
    ), status


@bp.route("/<int:request_id>")
@login_required_with_org
def show(request_id: int) -> Any:
    req = request_or_404(request_id)
    db = get_session()
    agency = db.get(Agency, req.agency_id)
    assignee = db.get(User, req.assignee_id) if req.assignee_id else None
    return render_template(
        "requests/show.html",
        req=req,
        agency=agency,
        assignee=assignee,
        empty=EmptyForm(),
        panels=collect(REQUEST_PANELS, req),
    )


@bp.route("/<int:request_id>/edit", methods=["GET", "POST"])
@login_required_with_org
def edit(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    form = RequestForm(obj=req)
    if request.method == "GET":
        form.agency_id.data = str(req.agency_id)
        form.assignee_id.data = str(req.assignee_id or "")
    complete = _choices(form, req.org_id)
    if form.validate_on_submit():
        db = get_session()
        try:
            rr.update_request(db, req, form_values(form, FIELDS), current_user.id)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash("Request saved.", "success")
            return redirect(url_for("requests.show", request_id=req.id))
    return render_template("requests/form.html", form=form, req=req, agencies_complete=complete)


@bp.route("/<int:request_id>/delete", methods=["POST"])
@login_required_with_org
def delete(request_id: int) -> Any:
    req = request_or_404(request_id)
    require_role(Role.EDITOR)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    forgotten = rr.delete_request(db, req)
    db.commit()
    storage_sweep.release_blobs(get_storage(current_app), forgotten, utc_now(), current_app.config)
    log.info("request %s deleted by user %s", request_id, current_user.id)
    flash("Request deleted.", "success")
    return redirect(url_for("requests.index"))

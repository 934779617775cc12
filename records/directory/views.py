"""Agency directory pages: list with search and filters, create, edit, notes, history, merge,
imports (the directory CSV and ICE's 287(g) list).

The directory is shared by the instance; notes, closure days and the track record shown here
are the current organization's own.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import col, select

from records.access import visibility
from records.access.visibility import current_viewer
from records.core import validation as v
from records.core.auth import (
    can_merge_agencies,
    current_org_id,
    login_required_with_org,
    require_role,
)
from records.core.db import get_session, valid_id
from records.core.models import Agency, Organization, RecordRequest, Role, User
from records.core.validation import ValidationError
from records.deadlines import closures
from records.directory import service as directory
from records.search import query as search
from records.web.forms import LEVEL_CHOICES, AgencyForm, AgencyImportForm, EmptyForm
from records.web.forms_util import attach_error, form_values, id_url, page_param

bp = Blueprint("agencies", __name__, url_prefix="/agencies")
FIELDS = (
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
)


def agency_or_404(agency_id: int) -> Agency:
    """A directory entry (shared by every organization: any member may read it)."""
    current_org_id()  # a member of some organization, or 404
    agency = get_session().get(Agency, agency_id)
    if agency is None:
        abort(404)
    return agency


def _parent_choices(keep: Any = None, exclude: int | None = None) -> list[tuple[str, str]]:
    """The parent agency list: the whole directory while it is small, else the parent the
    form names (``keep``), the typeahead finding any other (``directory.agency_options``)."""
    options = directory.agency_options(get_session(), keep=[keep])
    return [("", "— none —")] + [(str(i), f"{n} ({j})") for i, n, j in options.rows if i != exclude]


@bp.route("/")
@login_required_with_org
def index() -> Any:
    org_id = current_org_id()
    q = request.args.get("q", "")[:200]
    level = request.args.get("level", "")[:20]
    juris = request.args.get("jurisdiction", "")[:2]
    page = page_param(request.args)
    per = current_app.config["PAGE_SIZE"]
    rows, total = directory.list_page(
        get_session(),
        org_id,
        q=q,
        level=level,
        jurisdiction=juris,
        offset=(page - 1) * per,
        limit=per,
    )
    return render_template(
        "agencies/index.html",
        LEVEL_CHOICES=LEVEL_CHOICES,
        rows=rows,
        agency_url=id_url("agencies.show", "agency_id"),
        q=q,
        level=level,
        jurisdiction=juris,
        page=page,
        pages=max(1, -(-total // per)),
        total=total,
    )


@bp.route("/suggest")
@login_required_with_org
def suggest() -> Any:
    """Typeahead for agency pickers: the best matches for what was typed so far, as JSON."""
    q = request.args.get("q", "")[:200]
    db = get_session()
    ids = search.agencies(db, q, current_org_id(), limit=10, prefix=True)
    found = (
        {a.id: a for a in db.exec(select(Agency).where(col(Agency.id).in_(ids))).all()}
        if ids
        else {}
    )
    return {
        "q": q,
        "items": [
            {"id": i, "name": found[i].name, "jurisdiction": found[i].jurisdiction}
            for i in ids
            if i in found
        ],
    }


@bp.route("/new", methods=["GET", "POST"])
@login_required_with_org
def new() -> Any:
    require_role(Role.EDITOR)
    org_id = current_org_id()
    form = AgencyForm()
    form.parent_id.choices = _parent_choices(form.parent_id.data)
    form.parent_id.render_kw = {"data-suggest-url": url_for("agencies.suggest")}
    duplicate = None
    if form.validate_on_submit():
        db = get_session()
        try:
            agency = directory.create_agency(
                db, org_id, form_values(form, FIELDS), user_id=current_user.id
            )
        except directory.DuplicateAgency as exc:
            db.rollback()
            duplicate = exc.existing
            attach_error(form, exc)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash(f"Added {agency.name}.", "success")
            if request.args.get("next") == "request":  # "Add a new agency" on the request form
                return redirect(url_for("requests.new", agency_id=agency.id))
            return redirect(url_for("agencies.show", agency_id=agency.id))
    return render_template(
        "agencies/form.html", form=form, agency=None, duplicate=duplicate
    ), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/<int:agency_id>")
@login_required_with_org
def show(agency_id: int) -> Any:
    return _show(agency_or_404(agency_id))


def _show(agency: Agency, *, error: str | None = None, values: dict[str, str] | None = None) -> Any:
    from records.laws import UnknownLawError, get_law

    db = get_session()
    parent = db.get(Agency, agency.parent_id) if agency.parent_id else None
    children = db.exec(
        select(Agency).where(Agency.parent_id == agency.id).order_by(Agency.name)
    ).all()
    # The organization's own track record with this agency: the requests this member may see.
    by_status = dict(
        db.exec(
            select(RecordRequest.status, func.count())
            .where(
                RecordRequest.agency_id == agency.id,
                visibility.where(RecordRequest, current_viewer()),
            )
            .group_by(RecordRequest.status)
        ).all()
    )
    n_requests = sum(by_status.values())
    org_id = current_org_id()
    try:
        law = get_law(agency.jurisdiction)
    except UnknownLawError:
        law = None
    return render_template(
        "agencies/show.html",
        agency=agency,
        parent=parent,
        children=children,
        n_requests=n_requests,
        by_status=sorted(by_status.items()),
        notes=directory.notes_text(db, org_id, agency.id or 0),
        # Which organization added an entry is shown to that organization only: to another,
        # it would tell who is looking into the agency.
        added_by_us=agency.created_by_org_id == org_id,
        closures=closures.agency_closures(db, org_id, agency.id or 0),
        law=law,
        empty=EmptyForm(),
        closure_error=error,
        closure_values=values or {},
        can_merge=can_merge_agencies(),
    ), (422 if error else 200)


CLOSURE_FIELDS = ("name", "source", "repeats", "on", "month_day", "weekday")


@bp.route("/<int:agency_id>/closures", methods=["POST"])
@login_required_with_org
def add_closure(agency_id: int) -> Any:
    """Record a day this agency's office is closed (only the organization's own agencies)."""
    agency = agency_or_404(agency_id)
    require_role(Role.EDITOR)
    if not EmptyForm().validate_on_submit():
        abort(400)
    values = {k: request.form.get(k, "")[:600] for k in CLOSURE_FIELDS}
    db = get_session()
    try:
        closures.add_agency_closure(db, current_org_id(), agency, values, actor_id=current_user.id)
    except ValidationError as exc:
        db.rollback()
        return _show(agency, error=exc.message, values=values)
    _recompute_agency(db, agency)
    db.commit()
    flash(f"Closure added: {values['name'].strip()}.", "success")
    return redirect(url_for("agencies.show", agency_id=agency.id))


@bp.route("/<int:agency_id>/closures/<int:closure_id>/delete", methods=["POST"])
@login_required_with_org
def remove_closure(agency_id: int, closure_id: int) -> Any:
    agency = agency_or_404(agency_id)
    require_role(Role.EDITOR)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    if not closures.remove_agency_closure(db, current_org_id(), agency.id or 0, closure_id):
        abort(404)
    _recompute_agency(db, agency)
    db.commit()
    flash("Closure removed.", "success")
    return redirect(url_for("agencies.show", agency_id=agency.id))


def _recompute_agency(db: Any, agency: Agency) -> None:
    """Recount the clocks of the organization's requests to this agency."""
    from records.lifecycle.clocks import recompute

    rows = db.exec(
        select(RecordRequest).where(
            RecordRequest.agency_id == agency.id, RecordRequest.org_id == current_org_id()
        )
    ).all()
    for req in rows:
        recompute(db, req, reason="office closure days changed")


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required_with_org
def edit(agency_id: int) -> Any:
    agency = agency_or_404(agency_id)
    require_role(Role.EDITOR)
    org_id = current_org_id()
    form = AgencyForm(obj=agency)
    db = get_session()
    if request.method == "GET":
        form.parent_id.data = str(agency.parent_id or "")
        form.notes.data = directory.notes_text(db, org_id, agency.id or 0)
    form.parent_id.choices = _parent_choices(form.parent_id.data, exclude=agency.id)
    form.parent_id.render_kw = {"data-suggest-url": url_for("agencies.suggest")}
    duplicate = None
    if form.validate_on_submit():
        try:
            data = form_values(form, FIELDS)
            directory.update_agency(db, agency, data, org_id=org_id, user_id=current_user.id)
        except directory.DuplicateAgency as exc:
            db.rollback()
            duplicate = exc.existing
            attach_error(form, exc)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash("Agency saved.", "success")
            return redirect(url_for("agencies.show", agency_id=agency.id))
    return render_template("agencies/form.html", form=form, agency=agency, duplicate=duplicate)


@bp.route("/import", methods=["GET", "POST"])
@login_required_with_org
def import_csv() -> Any:
    require_role(Role.EDITOR)
    form = AgencyImportForm()
    report = None
    if form.validate_on_submit():
        db = get_session()
        raw = form.file.data.read(5 * 1024 * 1024 + 1)
        if len(raw) > 5 * 1024 * 1024:
            flash("The file is larger than 5 MB; split it and import the parts.", "error")
        elif form.kind.data == "287g":
            report = directory.import_287g(
                db,
                current_org_id(),
                raw,
                str(form.file.data.filename or ""),
                user_id=current_user.id,
            )
        else:
            report = directory.import_csv(db, current_org_id(), raw, user_id=current_user.id)
        if report is not None:
            db.commit()
            if report.created:
                flash(f"Imported {len(report.created)} agencies.", "success")
            if report.matched:
                flash(f"{len(report.matched)} row(s) were already in the directory.", "info")
            if report.errors:
                flash(f"{len(report.errors)} row(s) were rejected; see the report below.", "error")
    return render_template(
        "agencies/import.html", form=form, report=report, columns=directory.CSV_COLUMNS
    )


@bp.route("/<int:agency_id>/history")
@login_required_with_org
def history_page(agency_id: int) -> Any:
    """Every edit of the shared entry: who, from which organization, when, old and new values."""

    agency = agency_or_404(agency_id)
    db = get_session()
    revisions = directory.history(db, agency.id or 0)
    people = {
        u.id: u
        for u in db.exec(
            select(User).where(col(User.id).in_({r.user_id for r in revisions if r.user_id}))
        ).all()
    }
    orgs = {
        o.id: o
        for o in db.exec(
            select(Organization).where(
                col(Organization.id).in_({r.org_id for r in revisions if r.org_id})
            )
        ).all()
    }
    # Who made an edit is shown to the editor's own organization; others read "another
    # organization" (the history is shared, an organization's interest in an agency is not).
    org_id = current_org_id()
    rows = [
        (
            r,
            people.get(r.user_id) if r.org_id == org_id else None,
            orgs.get(r.org_id) if r.org_id == org_id else None,
            r.org_id is not None and r.org_id != org_id,
            dict(r.changes or {}),
        )
        for r in revisions
    ]
    return render_template("agencies/history.html", agency=agency, rows=rows)


@bp.route("/<int:agency_id>/merge", methods=["GET", "POST"])
@login_required_with_org
def merge(agency_id: int) -> Any:
    """Merge a duplicate entry into this one (an owner, or an instance administrator)."""
    keep = agency_or_404(agency_id)
    if not can_merge_agencies():
        abort(403)
    db = get_session()
    error = None
    raw = request.values.get("merge_id", "")[:20]
    other = None
    if raw:
        try:
            other_id = v.integer(raw, "merge_id", required=True)
        except ValidationError as exc:
            error = exc.message
        else:
            other = db.get(Agency, other_id) if other_id and valid_id(other_id) else None
            if other is None:
                error = f"agency {raw} is not in the directory"
    if request.method == "POST" and error is None:
        if not EmptyForm().validate_on_submit():
            abort(400)
        if other is None:
            error = "choose the duplicate to merge into this agency"
        else:
            try:
                result = directory.merge_agencies(
                    db, keep, other, org_id=current_org_id(), user_id=current_user.id
                )
            except ValidationError as exc:
                db.rollback()
                error = exc.message
            else:
                db.commit()
                flash(f"Merged {result.merged_name} into {keep.name}.", "success")
                return redirect(url_for("agencies.show", agency_id=keep.id))
    candidates = [
        a
        for a in db.exec(
            select(Agency)
            .where(Agency.jurisdiction == keep.jurisdiction, Agency.id != keep.id)
            .order_by(Agency.name)
        ).all()
    ]
    key = directory.name_key(keep.name)
    likely = [a for a in candidates if directory.name_key(a.name) == key]
    return render_template(
        "agencies/merge.html",
        agency=keep,
        other=other,
        likely=likely,
        candidates=candidates,
        error=error,
        merge_id=raw,
        empty=EmptyForm(),
    ), (422 if error else 200)

"""Agency directory pages: list with search and filters, create, edit, CSV import."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func
from sqlmodel import col, select

from records import closures, directory, search, visibility
from records.auth import current_org_id, login_required_with_org, require_role
from records.db import get_session
from records.forms import LEVEL_CHOICES, AgencyForm, AgencyImportForm, EmptyForm
from records.models import Agency, RecordRequest, Role
from records.validation import ValidationError
from records.visibility import current_viewer
from records.web.forms_util import attach_error, form_values, page_param

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
    agency = get_session().get(Agency, agency_id)
    if agency is None or agency.org_id != current_org_id():
        abort(404)
    return agency


def _parent_choices(org_id: int, exclude: int | None = None) -> list[tuple[str, str]]:
    rows = (
        get_session()
        .exec(
            select(Agency.id, Agency.name, Agency.jurisdiction)
            .where(Agency.org_id == org_id)
            .order_by(Agency.name)
        )
        .all()
    )
    return [("", "— none —")] + [(str(i), f"{n} ({j})") for i, n, j in rows if i != exclude]


@bp.route("/")
@login_required_with_org
def index() -> Any:
    org_id = current_org_id()
    q = request.args.get("q", "")[:200]
    level = request.args.get("level", "")[:20]
    juris = request.args.get("jurisdiction", "")[:2]
    page = page_param(request.args)
    per = current_app.config["PAGE_SIZE"]
    db = get_session()
    stmt = directory.search_agencies(db, org_id, q=q, level=level, jurisdiction=juris)
    total = db.exec(select(func.count()).select_from(stmt.subquery())).one()
    if q.strip():  # ranked by the search index: whole words, abbreviations, name first
        rows = directory.ranked(db, stmt, q, org_id, offset=(page - 1) * per, limit=per)
    else:
        rows = db.exec(stmt.offset((page - 1) * per).limit(per)).all()
    return render_template(
        "agencies/index.html",
        LEVEL_CHOICES=LEVEL_CHOICES,
        rows=rows,
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
    ids, _total = search.agencies(db, q, current_org_id(), limit=10, prefix=True)
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
    form.parent_id.choices = _parent_choices(org_id)
    if form.validate_on_submit():
        db = get_session()
        try:
            agency = directory.create_agency(db, org_id, form_values(form, FIELDS))
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash(f"Added {agency.name}.", "success")
            if request.args.get("next") == "request":  # "Add a new agency" on the request form
                return redirect(url_for("requests.new", agency_id=agency.id))
            return redirect(url_for("agencies.show", agency_id=agency.id))
    return render_template(
        "agencies/form.html", form=form, agency=None
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
    n_requests = db.exec(  # the requests this member may see, as the linked list shows
        select(func.count())
        .select_from(RecordRequest)
        .where(
            RecordRequest.agency_id == agency.id,
            visibility.where(RecordRequest, current_viewer()),
        )
    ).one()
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
        closures=closures.agency_closures(get_session(), agency.org_id, agency.id or 0),
        law=law,
        empty=EmptyForm(),
        closure_error=error,
        closure_values=values or {},
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
        closures.add_agency_closure(db, agency, values, actor_id=current_user.id)
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
    if not closures.remove_agency_closure(db, agency.org_id, agency.id or 0, closure_id):
        abort(404)
    _recompute_agency(db, agency)
    db.commit()
    flash("Closure removed.", "success")
    return redirect(url_for("agencies.show", agency_id=agency.id))


def _recompute_agency(db: Any, agency: Agency) -> None:
    """Recount the clocks of the organization's requests to this agency."""
    from records.clocks import recompute

    rows = db.exec(
        select(RecordRequest).where(
            RecordRequest.agency_id == agency.id, RecordRequest.org_id == agency.org_id
        )
    ).all()
    for req in rows:
        recompute(db, req, reason="office closure days changed")


@bp.route("/<int:agency_id>/edit", methods=["GET", "POST"])
@login_required_with_org
def edit(agency_id: int) -> Any:
    agency = agency_or_404(agency_id)
    require_role(Role.EDITOR)
    form = AgencyForm(obj=agency)
    form.parent_id.choices = _parent_choices(agency.org_id, exclude=agency.id)
    if request.method == "GET":
        form.parent_id.data = str(agency.parent_id or "")
    if form.validate_on_submit():
        db = get_session()
        try:
            data = form_values(form, FIELDS)
            directory.update_agency(db, agency, data)
        except ValidationError as exc:
            attach_error(form, exc)
        else:
            db.commit()
            flash("Agency saved.", "success")
            return redirect(url_for("agencies.show", agency_id=agency.id))
    return render_template("agencies/form.html", form=form, agency=agency)


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
            flash("The CSV is larger than 5 MB; split it and import the parts.", "error")
        else:
            report = directory.import_csv(db, current_org_id(), raw)
            db.commit()
            if report.created:
                flash(f"Imported {len(report.created)} agencies.", "success")
            if report.errors:
                flash(f"{len(report.errors)} row(s) were rejected; see the report below.", "error")
    return render_template(
        "agencies/import.html", form=form, report=report, columns=directory.CSV_COLUMNS
    )

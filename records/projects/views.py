"""Project pages: the organization's projects, one project's requests, progress and deadlines."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from records.access.visibility import current_viewer
from records.core.auth import (
    current_membership,
    current_org_id,
    login_required_with_org,
    require_role,
)
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import Role
from records.core.validation import ValidationError
from records.projects import service as projects
from records.projects.models import Project
from records.web.forms import EmptyForm

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.app_context_processor
def _project_choices() -> dict[str, Any]:
    """``project_choices()`` for the request list's bulk form (queried only where it is used)."""

    def project_choices() -> list[Any]:
        if current_membership() is None:
            return []
        return projects.project_names(get_session(), current_org_id())

    return {"project_choices": project_choices}


def project_or_404(project_id: int) -> Project:
    project = projects.project_of(get_session(), current_org_id(), project_id)
    if project is None:
        abort(404)
    return project


@bp.route("/", methods=["GET", "POST"])
@login_required_with_org
def index() -> Any:
    """The organization's projects; an editor adds one with the form below the list."""
    db = get_session()
    error = None
    values = {"name": "", "description": ""}
    if request.method == "POST":
        require_role(Role.EDITOR)
        if not EmptyForm().validate_on_submit():
            abort(400)
        values = {
            "name": request.form.get("name", "")[:400],
            "description": request.form.get("description", "")[:20000],
        }
        try:
            project = projects.create_project(db, current_org_id(), current_user.id, values)
        except ValidationError as exc:
            db.rollback()
            error = exc.message
        else:
            db.commit()
            flash(f"Project {project.name} created.", "success")
            return redirect(url_for("projects.show", project_id=project.id))
    return render_template(
        "projects/index.html",
        rows=projects.summaries(db, current_org_id(), current_viewer()),
        values=values,
        error=error,
        empty=EmptyForm(),
    ), (422 if error else 200)


@bp.route("/<int:project_id>")
@login_required_with_org
def show(project_id: int) -> Any:
    project = project_or_404(project_id)
    db = get_session()
    return render_template(
        "projects/show.html",
        project=project,
        progress=projects.progress(db, project, current_viewer(), utc_today()),
        empty=EmptyForm(),
    )


@bp.route("/<int:project_id>/requests/<int:request_id>/remove", methods=["POST"])
@login_required_with_org
def remove(project_id: int, request_id: int) -> Any:
    project = project_or_404(project_id)
    require_role(Role.EDITOR)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    if not projects.remove_request(db, project, request_id):
        abort(404)
    db.commit()
    flash("Removed from the project (the request itself is unchanged).", "success")
    return redirect(url_for("projects.show", project_id=project.id))

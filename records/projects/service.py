"""Projects: named groups of an organization's requests, with their progress and deadlines.

A project belongs to one organization. What a member sees of it is what they may see of its
requests (``records.access.visibility``): another member's private request in a project is neither
listed nor counted for them.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import Session, col, select

from records.access import visibility
from records.core import validation as v
from records.core.models import Agency, RecordRequest
from records.projects.inputs import ProjectInput
from records.projects.models import Project, ProjectRequest
from records.requests import service as rr

log = logging.getLogger(__name__)

MAX_PROJECT_REQUESTS = 5000


def clean_project(data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(ProjectInput.model_fields)
    if unknown:
        name = sorted(unknown)[0]
        raise v.ValidationError(name, f"unknown field {name!r}")
    return {
        "name": v.model_text(ProjectInput, data, "name"),
        "description": v.model_text(ProjectInput, data, "description"),
    }


def create_project(db: Session, org_id: int, user_id: int | None, data: dict[str, Any]) -> Project:
    values = clean_project(data)
    taken = db.exec(
        select(Project.id).where(
            Project.org_id == org_id, func.lower(Project.name) == values["name"].lower()
        )
    ).first()
    if taken is not None:
        raise v.ValidationError("name", f"a project named {values['name']!r} already exists")
    project = Project(org_id=org_id, created_by=user_id, **values)
    db.add(project)
    db.flush()
    log.info("project %s created by user %s", project.id, user_id)
    return project


_PROJECTS_OF = select(Project).where(Project.org_id == bindparam("org_id")).order_by(Project.name)


def projects_of(db: Session, org_id: int) -> list[Project]:
    return list(db.exec(_PROJECTS_OF, params={"org_id": org_id}).all())


_PROJECT_NAMES = (
    select(Project.id, Project.name)
    .where(Project.org_id == bindparam("org_id"))
    .order_by(Project.name)
)


def project_names(db: Session, org_id: int) -> list[Any]:
    """The organization's projects as (id, name) rows, by name: a form's choices."""
    return list(db.exec(_PROJECT_NAMES, params={"org_id": org_id}).all())


def project_of(db: Session, org_id: int, project_id: Any) -> Project | None:
    """The organization's project with that id (None for another organization's)."""
    ident = v.integer(project_id, "project_id", required=True)
    project = db.get(Project, ident) if ident and ident <= v.MAX_ID else None
    return project if project is not None and project.org_id == org_id else None


def add_requests(
    db: Session, project: Project, requests: list[RecordRequest], user_id: int | None
) -> int:
    """Put the organization's ``requests`` in ``project``; returns how many were new to it."""
    ids = [r.id for r in requests if r.org_id == project.org_id and r.id is not None]
    already = set(
        db.exec(
            select(ProjectRequest.request_id).where(
                ProjectRequest.project_id == project.id,
                col(ProjectRequest.request_id).in_(ids),
            )
        ).all()
    )
    count = db.exec(
        select(func.count())
        .select_from(ProjectRequest)
        .where(ProjectRequest.project_id == project.id)
    ).one()
    new = [i for i in dict.fromkeys(ids) if i not in already]
    if count + len(new) > MAX_PROJECT_REQUESTS:
        raise v.ValidationError(
            "project_id", f"a project holds at most {MAX_PROJECT_REQUESTS} requests"
        )
    assert project.id is not None
    for request_id in new:
        db.add(ProjectRequest(org_id=project.org_id, project_id=project.id, request_id=request_id))
    db.flush()
    log.info("user %s added %s request(s) to project %s", user_id, len(new), project.id)
    return len(new)


def remove_request(db: Session, project: Project, request_id: int) -> bool:
    row = db.exec(
        select(ProjectRequest).where(
            ProjectRequest.project_id == project.id, ProjectRequest.request_id == request_id
        )
    ).first()
    if row is None:
        return False
    db.delete(row)
    db.flush()
    return True


@dataclass
class Progress:
    """What a member sees of a project: its requests, counts by status, next deadlines."""

    rows: list[tuple[RecordRequest, Agency]] = field(default_factory=list)
    by_status: list[tuple[str, int]] = field(default_factory=list)
    next_due: dict[int, rr.NextDue] = field(default_factory=dict)
    upcoming: list[tuple[RecordRequest, rr.NextDue]] = field(default_factory=list)
    overdue: int = 0

    @property
    def total(self) -> int:
        return len(self.rows)


def progress(db: Session, project: Project, viewer: visibility.Viewer, today: date) -> Progress:
    """The project's requests this viewer may see, with counts by status and the next
    deadlines (soonest first)."""
    rows = list(
        db.exec(
            select(RecordRequest, Agency)
            .join(ProjectRequest, col(ProjectRequest.request_id) == col(RecordRequest.id))
            .join(Agency, col(Agency.id) == col(RecordRequest.agency_id))
            .where(
                ProjectRequest.project_id == project.id,
                visibility.where(RecordRequest, viewer),
            )
            .order_by(col(Agency.jurisdiction), col(Agency.name), col(RecordRequest.id))
        ).all()
    )
    out = Progress(rows=[(r, a) for r, a in rows])
    out.by_status = sorted(Counter(r.status for r, _a in rows).items())
    out.next_due = rr.next_due_of(db, [r.id for r, _a in rows if r.id is not None], today)
    by_id = {r.id: r for r, _a in rows}
    out.upcoming = sorted(
        ((by_id[i], d) for i, d in out.next_due.items()), key=lambda pair: pair[1].due
    )
    out.overdue = sum(1 for d in out.next_due.values() if d.days_overdue > 0)
    return out


def summaries(db: Session, org_id: int, viewer: visibility.Viewer) -> list[tuple[Project, int]]:
    """Each of the organization's projects with how many of its requests the viewer sees."""
    counts = dict(
        db.exec(
            select(ProjectRequest.project_id, func.count())
            .join(RecordRequest, col(RecordRequest.id) == col(ProjectRequest.request_id))
            .where(ProjectRequest.org_id == org_id, visibility.where(RecordRequest, viewer))
            .group_by(col(ProjectRequest.project_id))
        ).all()
    )
    return [(p, counts.get(p.id or 0, 0)) for p in projects_of(db, org_id)]

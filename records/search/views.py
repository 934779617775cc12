"""Search pages: the organization's search and the shared argument parsing."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from records.core import validation as v
from records.core.auth import current_org_id, login_required_with_org
from records.core.db import get_session
from records.core.models import Subject
from records.core.validation import ValidationError
from records.requests import service as rr
from records.search import query as search

bp = Blueprint("search", __name__, url_prefix="/search")
PER_PAGE = 20
FACET_LABELS = {
    "kind": "Kind",
    "jurisdiction": "Jurisdiction",
    "subject": "Subject",
    "status": "Status",
    "year": "Year",
}


def parse_search_args(args: Any) -> tuple[str, search.SearchFilters, int]:
    """Query, filters and page from query args; bad values raise ValidationError."""
    query = v.text(args.get("q", ""), "q", max_len=500)
    subject = args.get("subject", "")
    if subject:
        v.choice(subject, "subject", Subject)
    kind = args.get("kind", "")
    if kind not in ("", *search.KINDS):
        raise ValidationError("kind", f"kind must be one of: {', '.join(search.KINDS)}")
    juris = args.get("jurisdiction", "")
    page = v.integer(args.get("page") or 1, "page") or 1
    if page > 500:
        raise ValidationError("page", "page is out of range")
    filters = search.SearchFilters(
        agency_id=v.integer(args.get("agency_id"), "agency_id"),
        jurisdiction=v.jurisdiction(juris) if juris else "",
        subject=subject,
        status=v.text(args.get("status", ""), "status", max_len=30),
        date_from=v.iso_date(args.get("date_from"), "date_from"),
        date_to=v.iso_date(args.get("date_to"), "date_to"),
        kind=kind,
    )
    return query, filters, page


@bp.route("/")
@login_required_with_org
def index() -> Any:
    org_id = current_org_id()
    db = get_session()
    error = None
    results = search.Results([], {})
    query, page, picked = "", 1, None
    try:
        query, filters, page = parse_search_args(request.args)
        picked = filters.agency_id
        scope = search.Scope.member(org_id, current_user.id)
        results = search.search_page(
            db, query, scope, filters, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE
        )
    except ValidationError as exc:
        error = exc.message
    agencies = rr.agency_choices(db, org_id, picked)
    return render_template(
        "search/index.html",
        q=query,
        hits=results.hits[:PER_PAGE],
        more=len(results.hits) > PER_PAGE,
        page=page,
        error=error,
        facets=results.facets,
        facets_partial=results.facets_partial,
        facet_pool=search.FACET_POOL,
        facet_labels=FACET_LABELS,
        agencies=agencies,
        args=request.args,
        public=False,
    ), (400 if error else 200)

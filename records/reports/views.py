"""Report-card pages (an organization's own, and the public archive's), charts and exports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user
from sqlmodel import Session

from records.access import visibility
from records.core import csvout
from records.core.auth import current_org_id, login_required_with_org
from records.core.clock import utc_today
from records.core.db import get_engine, get_or_404, get_session
from records.core.models import SUBJECT_LABELS, Agency, AgencyLevel
from records.core.validation import JURISDICTIONS, ValidationError
from records.laws import UnknownLawError, get_law
from records.lifecycle.clocks import CLOCK_LABELS
from records.reports import exports, service
from records.reports.figures import PUBLIC_MIN_N, fmt_days
from records.requests import service as rr

bp = Blueprint("reports", __name__, url_prefix="/reports")
public_bp = Blueprint("public_reports", __name__, url_prefix="/public/reports")
PUBLIC = visibility.Viewer.public()
LEVELS = {m.value for m in AgencyLevel}


def law_deadline(code: str) -> int | None:
    """The law's response period in business days, when it sets a fixed one."""
    try:
        period = get_law(code).period("response")
    except UnknownLawError:
        return None
    if period is None or not period.fixed or period.unit != "business":
        return None
    return period.count


def chart_set(card: service.Card, prefix: str) -> dict[str, str]:
    """The three charts of one card (hidden figures stay out of the charts too)."""
    from records.reports import charts  # pygal (and lxml) load with the first chart

    out: dict[str, str] = {}
    if card.filed == 0 or card.filed < card.min_n:
        return out
    deadline = law_deadline(card.jurisdiction) if card.jurisdiction else None
    out["distribution"] = charts.histogram(
        f"{prefix}-days", "Business days to a final answer", card.answer_business,
        deadline=deadline,
    )  # fmt: skip
    years = sorted(card.on_time_by_year)
    out["years"] = charts.on_time_by_year(
        f"{prefix}-years",
        "Share answered on time, by year received",
        [(y, card.year_share(y).value if card.year_share(y).shown else None) for y in years],
    )
    out["outcomes"] = charts.outcomes(
        f"{prefix}-outcomes",
        "How the requests ended",
        [(service.OUTCOME_LABELS[o], card.outcomes.get(o, 0)) for o in service.OUTCOMES],
    )
    return out


def _common() -> dict[str, Any]:
    return {
        "fmt_days": fmt_days,
        "outcomes": service.OUTCOMES,
        "outcome_labels": service.OUTCOME_LABELS,
        "appeal_labels": service.APPEAL_OUTCOME_LABELS,
        "scored_clocks": service.SCORED_CLOCKS,
        "subject_labels": SUBJECT_LABELS,
        "min_public": PUBLIC_MIN_N,
        "clock_labels": CLOCK_LABELS,
        "today": utc_today(),
    }


def _member_where() -> list[Any]:
    return [service.viewer_clause(visibility.current_viewer())]


def _level(raw: str) -> str:
    level = (raw or "").strip()
    if level and level not in LEVELS:
        raise ValidationError("level", f"level must be one of: {', '.join(sorted(LEVELS))}")
    return level


# ------------------------------------------------------------------------------------------
# An organization's own report cards
# ------------------------------------------------------------------------------------------


@bp.route("/")
@login_required_with_org
def index() -> Any:
    """Every agency (or jurisdiction, or subject) of the organization side by side."""
    group = request.args.get("group", "agency")
    error = None
    if group not in service.GROUPS:
        error, group = "group must be agency, jurisdiction or subject", "agency"
    db = get_session()
    cards = service.build_cards(db, _member_where(), group=group, today=utc_today())
    total = service.merge(cards, "all", "All agencies", 0)
    return render_template(
        "reports/index.html",
        cards=service.by_median_answer(cards),
        total=total,
        group=group,
        error=error,
        charts=chart_set(total, "all"),
        public=False,
        **_common(),
    ), (400 if error else 200)


@bp.route("/agencies/<int:agency_id>")
@login_required_with_org
def agency(agency_id: int) -> Any:
    """One agency's report card, built from every request the member may see."""
    found = get_or_404(Agency, agency_id)  # the directory is shared; the requests are not
    card = service.agency_card(get_session(), _member_where(), found, today=utc_today())
    return render_template(
        "reports/card.html",
        card=card,
        agency=found,
        charts=chart_set(card, "agency"),
        public=False,
        deadline=law_deadline(found.jurisdiction),
        **_common(),
    )


@bp.route("/agencies/<int:agency_id>/card.pdf")
@login_required_with_org
def agency_pdf(agency_id: int) -> Any:
    """The agency's report card as a PDF (LibreOffice), for an appeal or a court filing."""
    from records.letters.output import to_pdf
    from records.reports.printout import card_docx

    found = get_or_404(Agency, agency_id)
    card = service.agency_card(get_session(), _member_where(), found, today=utc_today())
    docx = card_docx(
        card,
        title=f"Report card: {found.name} ({found.jurisdiction})",
        built_on=utc_today(),
        scope="From every request of the organization the member who printed it may see.",
        clock_labels=CLOCK_LABELS,
        outcome_labels=service.OUTCOME_LABELS,
    )
    pdf = to_pdf(docx)
    if pdf is None:
        msg = "PDF needs LibreOffice on the server; print the report card page instead.\n"
        return Response(msg, 503, mimetype="text/plain")
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="report-card-{agency_id}.pdf"'
    return resp


@bp.route("/states/<code>")
@login_required_with_org
def state(code: str) -> Any:
    """Agencies of one kind in one state side by side, fastest first."""
    return _state_page(code, _member_where(), public=False, min_n=0)


def _state_page(code: str, where: list[Any], *, public: bool, min_n: int) -> Any:
    from records.reports import charts

    code = code.upper()
    if code not in JURISDICTIONS:
        abort(404)
    error = None
    try:
        level = _level(request.args.get("level", ""))
    except ValidationError as exc:
        error, level = exc.message, ""
    group = "named" if public else "agency"
    cards = service.build_cards(
        get_session(),
        [*where, *service.filters(jurisdiction=code, level=level)],
        group=group,
        today=utc_today(),
        min_n=min_n,
    )
    cards = service.by_median_answer(cards)
    deadline = law_deadline(code)
    kind = level.replace("_", " ") if level else "all kinds of"
    rows = [
        (c.label, c.days("answer_business").value if c.days("answer_business").shown else None)
        for c in cards
    ]
    compare_svg = (
        charts.comparison(
            "state-compare",
            f"{code}: {kind} agencies, median business days to answer",
            rows,
            deadline=deadline,
        )  # fmt: skip
        if rows
        else ""
    )
    return render_template(
        "reports/state.html",
        code=code,
        level=level,
        levels=sorted(LEVELS),
        cards=cards,
        compare_svg=compare_svg,
        deadline=deadline,
        error=error,
        public=public,
        **_common(),
    ), (400 if error else 200)


# ------------------------------------------------------------------------------------------
# Exports of the request list's current filter
# ------------------------------------------------------------------------------------------


def _export_where() -> tuple[list[Any], rr.Filters]:
    try:
        filters = rr.parse_filters(request.args)
    except ValidationError as exc:
        abort(Response(exc.message + "\n", 400, mimetype="text/plain"))
    where = exports.request_where(current_org_id(), current_user.id, filters, utc_today())
    return where, filters


def stream_session() -> Session:
    """A session of the stream's own: the request's is closed before a streamed body is written."""
    return Session(get_engine(), expire_on_commit=False)


def _ended(db: Session, chunks: Iterator[str]) -> Iterator[str]:
    """The chunks, then the session closed, also when the download is cut short.

    The request's own teardown has already run when a streamed body is written, so the stream
    reads with a session of its own, closed here (its transaction would otherwise stay open).
    """
    try:
        yield from chunks
    finally:
        db.close()


def _stream(db: Session, chunks: Iterator[str], mimetype: str, filename: str) -> Response:
    resp = Response(stream_with_context(_ended(db, chunks)), mimetype=mimetype)
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return resp


@bp.route("/exports/requests.<ext>")
@login_required_with_org
def export_requests(ext: str) -> Any:
    """The request list's current filter, with every request's current clocks (CSV or JSON)."""
    where, filters = _export_where()
    db = stream_session()
    if ext == "csv":
        return _stream(
            db, exports.requests_csv(db, where, filters), csvout.MIMETYPE, "requests.csv"
        )
    if ext == "json":
        return _stream(db, exports.requests_json(db, where, filters), "application/json",
                       "requests.json")  # fmt: skip
    abort(404)


@bp.route("/exports/events.<ext>")
@login_required_with_org
def export_events(ext: str) -> Any:
    """Every event of the requests the list's current filter shows (CSV or JSON)."""
    where, _filters = _export_where()
    db = stream_session()
    if ext == "csv":
        return _stream(db, exports.events_csv(db, where), csvout.MIMETYPE, "events.csv")
    if ext == "json":
        return _stream(db, exports.events_json(db, where), "application/json", "events.json")
    abort(404)


@bp.route("/exports/documents.<ext>")
@login_required_with_org
def export_documents(ext: str) -> Any:
    """The metadata of the documents of the requests the list's current filter shows."""
    where, _filters = _export_where()
    viewer = visibility.current_viewer()
    db = stream_session()
    if ext == "csv":
        return _stream(db, exports.documents_csv(db, where, viewer), csvout.MIMETYPE,
                       "documents.csv")  # fmt: skip
    if ext == "json":
        return _stream(db, exports.documents_json(db, where, viewer), "application/json",
                       "documents.json")  # fmt: skip
    abort(404)


# ------------------------------------------------------------------------------------------
# The public archive's report cards: public requests only, figures under PUBLIC_MIN_N hidden
# ------------------------------------------------------------------------------------------


def _public_where() -> list[Any]:
    return [service.viewer_clause(PUBLIC)]


@public_bp.route("/")
def public_index() -> Any:
    """Agencies with public requests, each with the figures enough public requests support."""
    cards = service.build_cards(
        get_session(), _public_where(), group="named", today=utc_today(), min_n=PUBLIC_MIN_N
    )
    return render_template(
        "reports/index.html",
        cards=service.by_median_answer(cards),
        total=service.merge(cards, "all", "All agencies", PUBLIC_MIN_N),
        group="agency",
        error=None,
        charts={},
        public=True,
        **_common(),
    )


@public_bp.route("/agency")
def public_agency() -> Any:
    """One agency's public report card (``?name=...&jurisdiction=XX``)."""
    name = request.args.get("name", "")[:300]
    juris = request.args.get("jurisdiction", "").upper()
    if not name or juris not in JURISDICTIONS:
        return redirect(url_for("public_reports.public_index"))  # pick an agency there
    where = [*_public_where(), *service.filters(name=name, jurisdiction=juris)]
    cards = service.build_cards(
        get_session(), where, group="named", today=utc_today(), min_n=PUBLIC_MIN_N
    )
    if not cards:
        abort(404)
    card = cards[0]
    return render_template(
        "reports/card.html",
        card=card,
        agency=None,
        charts=chart_set(card, "agency"),
        public=True,
        deadline=law_deadline(juris),
        **_common(),
    )


@public_bp.route("/states/<code>")
def public_state(code: str) -> Any:
    return _state_page(code, _public_where(), public=True, min_n=PUBLIC_MIN_N)


@public_bp.route("/charts.css")
def chart_css() -> Any:
    """The chart colours pygal would write inline (served here for the CSP)."""
    from records.reports import charts

    resp = Response(charts.stylesheet(), mimetype="text/css")
    resp.headers["Cache-Control"] = "public, max-age=86400"
    return resp

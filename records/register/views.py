"""Register pages: members' register, entry pages, assisted entry beside the page, the ledger; and
the public archive's register (table, map by state, CSV and JSON, stable ids)."""

from __future__ import annotations

import logging
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from sqlmodel import col, select

from records.access import visibility
from records.access.visibility import Viewer, current_viewer
from records.core import csvout
from records.core.auth import login_required_with_org, require_role
from records.core.clock import utc_today
from records.core.db import get_session
from records.core.models import Agency, RecordRequest, Role, Subject
from records.core.validation import JURISDICTIONS, ValidationError
from records.directory import service as directory
from records.filing.models import Document
from records.register import charts, extract, service, usmap
from records.register.models import (
    Agreement,
    FollowUp,
    RegisterFact,
    RegisterProposal,
    SharingRequest,
)
from records.requests import service as rr

log = logging.getLogger(__name__)
bp = Blueprint("register", __name__, url_prefix="/agreements")
public_bp = Blueprint("public_register", __name__, url_prefix="/public")
PUBLIC = Viewer.public()
LABELS = {
    "signed": "Signed",
    "effective": "Effective",
    "expires": "Expires",
    "renewed": "Renewed",
    "amended": "Amended",
    "rescinded": "Rescinded",
    "terminated": "Terminated",
    "vote": "Council or commission vote",
    "resolution": "Resolution",
    "ordinance": "Ordinance",
    "officers": "Officers designated",
    "scope": "Scope",
    "exclusions": "Exclusions",
    "sharing": "Forfeiture-sharing clause",
    "retention": "Data retention",
    "reporting": "Reporting duties",
    "local_party": "Local party",
    "federal_party": "Federal party",
    "kind": "Kind of agreement",
    "fiscal_year": "Fiscal year",
    "sharing_request": "Sharing request (DAG-71 or TD F 92-22.46)",
    **extract.LEDGER_LINES,
    **extract.SPENDING_LINES,
}


def _globals() -> dict[str, Any]:
    return {
        "KINDS": extract.KINDS,
        "FACT_LABELS": LABELS,
        "LEDGER_LINES": extract.LEDGER_LINES,
        "SPENDING_LINES": extract.SPENDING_LINES,
        "SHARING_FORMS": extract.SHARING_FORMS,
        "SHARING_DECISIONS": extract.SHARING_DECISIONS,
    }


bp.app_context_processor(_globals)


def entry_or_404(agreement_id: int) -> Agreement:
    db = get_session()
    entry = db.get(Agreement, agreement_id)
    if not visibility.can_see(db, current_viewer(), entry):
        abort(404)
    return entry  # type: ignore[return-value]


def _form() -> dict[str, Any]:
    return {k: v for k, v in request.form.items() if k != "csrf_token"}


@bp.route("/")
@login_required_with_org
def index() -> Any:
    return _index_page()


def _index_page(**form_state: Any) -> Any:
    db, viewer = get_session(), current_viewer()
    state = request.args.get("state", "").upper()
    state = state if state in JURISDICTIONS else ""
    kind = request.args.get("kind", "")
    kind = kind if kind in extract.KINDS else ""
    rows = service.entries(db, viewer, state=state, kind=kind)
    facts = service.facts_by_entry(db, viewer, [a.id for a, _ in rows])  # type: ignore[misc]
    copy = request.args.get("copy", "")
    if copy == "missing":
        rows = service.without_copy(rows, facts)
    else:
        copy = ""
    # The shared directory: all of it while it is small, else the register's own agencies,
    # those the organization wrote to and the one the form names.
    agencies = directory.agency_options(
        db,
        keep=[form_state.get("create_values", {}).get("agency_id")],
        prefer=[*service.agency_ids_of(rows), *_used_agencies(db, viewer)],
    )
    batch_url = None
    if rows and (state or kind or copy):
        batch_url = url_for(
            "letters.batch_new",
            subject=Subject.AGREEMENTS.value,
            agency_ids=",".join(str(i) for i in service.agency_ids_of(rows)),
        )
    return render_template(
        "register/index.html",
        rows=rows,
        copy=copy,
        batch_url=batch_url,
        batch_count=len(service.agency_ids_of(rows)),
        summaries={k: service.summary(v) for k, v in facts.items()},
        follow_ups=service.follow_ups(db, viewer),
        agencies=agencies,
        today=utc_today(),
        state=state,
        kind=kind,
        **({"create_values": {}, "create_error": None} | form_state),
    )


@bp.route("/new", methods=["POST"])
@login_required_with_org
def create() -> Any:
    require_role(Role.EDITOR)
    db, viewer = get_session(), current_viewer()
    values = _form()
    try:
        entry = service.create_agreement(db, viewer.org_id, viewer.user_id, values)  # type: ignore[arg-type]
    except ValidationError as exc:
        db.rollback()
        return _index_page(create_values=values, create_error=exc), 400
    db.commit()
    return redirect(url_for("register.show", agreement_id=entry.id))


@bp.route("/<int:agreement_id>")
@login_required_with_org
def show(agreement_id: int) -> Any:
    return _entry_page(entry_or_404(agreement_id))


def _entry_page(entry: Agreement, **form_state: Any) -> Any:
    """The entry page; ``form_state`` carries a refused form's values and error."""
    db, viewer = get_session(), current_viewer()
    facts = service.facts_of(db, viewer, entry)
    docs = db.exec(
        select(Document)
        .where(visibility.where(Document, viewer), Document.org_id == entry.org_id)
        .order_by(Document.id.desc())  # type: ignore[union-attr]
        .limit(200)
    ).all()
    return render_template(
        "register/show.html",
        entry=entry,
        agency=db.get(Agency, entry.agency_id),
        facts=facts,
        sources=service.sources_of(db, viewer, facts),
        blockers=service.public_blockers(db, entry),
        follow_ups=[f for f in service.follow_ups(db, viewer) if f.agreement_id == entry.id],
        docs=docs,
        names=service.KIND_OF_NAME,
        **(
            {"fact_values": {}, "fact_error": None, "sharing_values": {}, "sharing_error": None}
            | form_state
        ),
    )


@bp.route("/<int:agreement_id>/facts", methods=["POST"])
@login_required_with_org
def add_fact(agreement_id: int) -> Any:
    entry = entry_or_404(agreement_id)
    require_role(Role.EDITOR)
    db, values = get_session(), _form()
    try:
        service.add_fact(db, entry, current_viewer(), values)
    except ValidationError as exc:
        db.rollback()
        return _entry_page(entry, fact_values=values, fact_error=exc), 400
    db.commit()
    flash("Fact added.", "success")
    return redirect(url_for("register.show", agreement_id=entry.id))


@bp.route("/<int:agreement_id>/facts/<int:fact_id>/delete", methods=["POST"])
@login_required_with_org
def delete_fact(agreement_id: int, fact_id: int) -> Any:
    entry = entry_or_404(agreement_id)
    require_role(Role.EDITOR)
    db = get_session()
    fact = db.get(RegisterFact, fact_id)
    if (
        fact is None
        or fact.agreement_id != entry.id
        or not visibility.can_see(db, current_viewer(), fact)
    ):
        abort(404)
    service.delete_fact(db, fact)
    db.commit()
    flash("Fact removed.", "success")
    return redirect(url_for("register.show", agreement_id=entry.id))


@bp.route("/<int:agreement_id>/sharing", methods=["POST"])
@login_required_with_org
def sharing(agreement_id: int) -> Any:
    entry = entry_or_404(agreement_id)
    require_role(Role.EDITOR)
    db, values = get_session(), _form()
    try:
        service.set_sharing(db, entry, values)
    except ValidationError as exc:
        db.rollback()
        return _entry_page(entry, sharing_values=values, sharing_error=exc), 400
    db.commit()
    flash("Sharing saved.", "success")
    return redirect(url_for("register.show", agreement_id=entry.id))


@bp.route("/documents/<int:doc_id>")
@login_required_with_org
def review(doc_id: int) -> Any:
    """A document's pages, each beside the facts proposed from it."""
    db, viewer = get_session(), current_viewer()
    doc = db.get(Document, doc_id)
    if not visibility.can_see(db, viewer, doc):
        abort(404)
    proposals = service.proposals_for(db, viewer, doc)  # type: ignore[arg-type]
    pages = extract.pages_of(doc.text)  # type: ignore[union-attr]
    by_page: dict[int, list[RegisterProposal]] = {}
    for p in proposals:
        by_page.setdefault(p.page, []).append(p)
    entries = service.entries(db, viewer)
    return render_template(
        "register/review.html",
        doc=doc,
        req=db.get(RecordRequest, doc.request_id),  # type: ignore[union-attr]
        pages=pages,
        by_page=by_page,
        entries=entries,
        made_here=[a for a, _ in entries if a.request_id == doc.request_id],  # type: ignore[union-attr]
        sharing={p.id: service.proposed_sharing(p) for p in proposals if p.target == "sharing"},
    )


@bp.route("/proposals/<int:proposal_id>", methods=["POST"])
@login_required_with_org
def decide(proposal_id: int) -> Any:
    db, viewer = get_session(), current_viewer()
    proposal = db.get(RegisterProposal, proposal_id)
    if not visibility.can_see(db, viewer, proposal):
        abort(404)
    require_role(Role.EDITOR)
    assert proposal is not None
    back = url_for("register.review", doc_id=proposal.document_id)
    if request.form.get("action") == "dismiss":
        service.dismiss_proposal(db, proposal, viewer.user_id)
        db.commit()
        flash("Proposal dismissed.", "success")
        return redirect(back)
    try:
        result = service.confirm_proposal(db, proposal, viewer, _form())
    except ValidationError as exc:
        db.rollback()
        flash(f"{exc.field}: {exc.message}", "error")
        return redirect(back)
    db.commit()
    if isinstance(result, Agreement):
        flash(f"Confirmed into the register: {result.title}.", "success")
    elif isinstance(result, SharingRequest):
        flash("Confirmed into the forfeiture ledger's sharing requests.", "success")
    else:
        flash("Confirmed into the forfeiture ledger.", "success")
    return redirect(back)


@bp.route("/follow-ups/<int:follow_up_id>", methods=["POST"])
@login_required_with_org
def follow_up(follow_up_id: int) -> Any:
    db, viewer = get_session(), current_viewer()
    follow = db.get(FollowUp, follow_up_id)
    if not visibility.can_see(db, viewer, follow):
        abort(404)
    require_role(Role.EDITOR)
    assert follow is not None
    if request.form.get("action") == "dismiss":
        service.dismiss_follow_up(db, follow)
        db.commit()
        return redirect(url_for("register.index"))
    try:
        req = service.accept_follow_up(db, follow, viewer.user_id)  # type: ignore[arg-type]
    except ValidationError as exc:
        flash(exc.message, "error")
        return redirect(url_for("register.index"))
    db.commit()
    flash("Request drafted from the register; review it and send it.", "success")
    return redirect(url_for("requests.show", request_id=req.id))


@bp.route("/ledger")
@login_required_with_org
def ledger() -> Any:
    return _ledger_page(get_session(), current_viewer(), "register/ledger.html")


@bp.route("/ledger", methods=["POST"])
@login_required_with_org
def add_figure() -> Any:
    return _ledger_write(service.add_figure, "figure", "Figure saved.")


@bp.route("/ledger/sharing-requests", methods=["POST"])
@login_required_with_org
def add_sharing_request() -> Any:
    return _ledger_write(service.add_sharing_request, "sharing", "Sharing request saved.")


def _ledger_write(write: Any, form: str, done: str) -> Any:
    """Save one ledger form; a refused one shows the page again with what was typed (400)."""
    require_role(Role.EDITOR)
    db, viewer = get_session(), current_viewer()
    values = _form()
    try:
        write(db, viewer.org_id, viewer, values)
    except ValidationError as exc:
        db.rollback()
        state = {f"{form}_values": values, f"{form}_error": exc}
        return _ledger_page(db, viewer, "register/ledger.html", **state), 400
    db.commit()
    flash(done, "success")
    return redirect(url_for("register.ledger"))


def _used_agencies(db: Any, viewer: Viewer) -> list[int]:
    """The agencies the viewer's organization wrote to (none for the public)."""
    if viewer.is_public or viewer.org_id is None:
        return []
    return rr.agencies_written_to(db, viewer.org_id)


def _ledger_page(db: Any, viewer: Viewer, template: str, **form_state: Any) -> Any:
    years = service.ledger(db, viewer)
    sharing = service.sharing_requests(db, viewer)
    by_year = service.ledger_by_year(db, viewer)
    ids = {y.agency_id for y in years} | {r.agency_id for r in sharing} | set(by_year["agency"])
    agencies = (
        {a.id: a for a in db.exec(select(Agency).where(col(Agency.id).in_(ids))).all()}
        if ids
        else {}
    )
    choices = (
        directory.agency_options(
            db,
            keep=[
                form_state.get(f"{f}_values", {}).get("agency_id") for f in ("figure", "sharing")
            ],
            prefer=[*ids, *_used_agencies(db, viewer)],
        )
        if not viewer.is_public
        else directory.AgencyOptions([], True)
    )
    agency_charts = [
        charts.bar_chart(
            f"agency-{ident}",
            f"{agencies[ident].name} ({agencies[ident].jurisdiction})",
            per_year,
        )
        for ident, per_year in sorted(
            by_year["agency"].items(), key=lambda kv: agencies[kv[0]].name.lower()
        )
    ]
    state_charts = [
        charts.bar_chart(f"state-{st}", f"State: {st}", per_year)
        for st, per_year in sorted(by_year["state"].items())
    ]
    blank: dict[str, Any] = {
        "figure_values": {},
        "figure_error": None,
        "sharing_values": {},
        "sharing_error": None,
    }
    return render_template(
        template,
        years=years,
        agencies=agencies,
        sums=service.ledger_sums(db, viewer),
        spending=service.spending_breakdown(years),
        sharing=sharing,
        sharing_sums=service.sharing_sums(
            sharing, {ident: a.jurisdiction for ident, a in agencies.items()}
        ),
        agency_charts=agency_charts,
        state_charts=state_charts,
        choices=choices,
        funds=extract.FUNDS,
        **(blank | form_state),
    )


# ------------------------------------------------------------------------------------------
# Public archive
# ------------------------------------------------------------------------------------------


def _public_rows() -> list[tuple[Agreement, Agency]]:
    state = request.args.get("state", "").upper()
    kind = request.args.get("kind", "")
    return service.entries(
        get_session(),
        PUBLIC,
        state=state if state in JURISDICTIONS else "",
        kind=kind if kind in extract.KINDS else "",
    )


def _public_url(entry: Agreement) -> str:
    return url_for("public_register.entry", uid=entry.uid, _external=True)


@public_bp.route("/agreements/")
def public_index() -> Any:
    db = get_session()
    rows = _public_rows()
    every = service.entries(db, PUBLIC)
    counts: dict[str, int] = {}
    for _a, agency in every:
        counts[agency.jurisdiction] = counts.get(agency.jurisdiction, 0) + 1
    facts = service.facts_by_entry(db, PUBLIC, [a.id for a, _ in rows])  # type: ignore[misc]
    return render_template(
        "register/public_index.html",
        rows=rows,
        summaries={k: service.summary(v) for k, v in facts.items()},
        counts=counts,
        states=usmap.states(),
        viewbox=usmap.VIEWBOX,
        state=request.args.get("state", "").upper(),
        kinds=extract.KINDS,
    )


@public_bp.route("/agreements/<uid>")
def entry(uid: str) -> Any:
    db = get_session()
    found = db.exec(select(Agreement).where(Agreement.uid == uid[:20])).first()
    if not visibility.can_see(db, PUBLIC, found):
        abort(404)
    assert found is not None
    facts = service.facts_of(db, PUBLIC, found)
    return render_template(
        "register/public_entry.html",
        entry=found,
        agency=db.get(Agency, found.agency_id),
        facts=facts,
        sources=service.sources_of(db, PUBLIC, facts),
    )


@public_bp.route("/agreements.csv")
def public_csv() -> Any:
    db = get_session()
    rows = service.csv_rows(db, PUBLIC, _public_rows(), _public_url)
    resp = Response(
        stream_with_context(csvout.stream(service.CSV_HEADER, rows)), mimetype=csvout.MIMETYPE
    )
    resp.headers["Content-Disposition"] = 'attachment; filename="agreement-register.csv"'
    return resp


@public_bp.route("/agreements.json")
def public_json() -> Any:
    db = get_session()
    rows = _public_rows()
    facts = service.facts_by_entry(db, PUBLIC, [a.id for a, _ in rows])  # type: ignore[misc]
    return {
        "agreements": [
            service.entry_json(a, ag, facts.get(a.id, []), _public_url(a))  # type: ignore[arg-type]
            for a, ag in rows
        ]
    }


@public_bp.route("/ledger")
def public_ledger() -> Any:
    return _ledger_page(get_session(), PUBLIC, "register/public_ledger.html")

"""The register's write paths and reads: entries, cited facts, ledger figures, proposals, follow-ups.

Functions take a session and flush; the view, API route or CLI command commits once.
The rule this module keeps: a public entry or figure cites only documents the public can see,
checked when a fact is added, when an entry is made public, and again on every public read (the
visibility rules hide a fact whose document has since become private).
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, select

from records.access import visibility
from records.access.visibility import Viewer
from records.core import validation as v
from records.core.clock import utc_today
from records.core.models import Agency, RecordRequest, Subject, Visibility
from records.filing.models import Document, TextStatus
from records.register import extract
from records.register.models import (
    QUOTE_CHECKED,
    QUOTE_NO_TEXT,
    QUOTE_NOT_FOUND,
    QUOTE_PENDING,
    Agreement,
    FollowUp,
    LedgerFigure,
    RegisterFact,
    RegisterProposal,
    SharingRequest,
)

log = logging.getLogger(__name__)
PUBLIC = Viewer.public()
FACT_KINDS: dict[str, tuple[str, ...]] = {
    "date": extract.DATE_FACTS,
    "approval": extract.APPROVAL_FACTS,
    "term": extract.TERM_FACTS,
    "party": extract.PARTY_FACTS,
}
KIND_OF_NAME = {name: kind for kind, names in FACT_KINDS.items() for name in names}
# How long before an expiry or renewal the next request is proposed: councils put renewals on an
# agenda weeks ahead, and a state records law may allow weeks to answer.
LEAD_DAYS = 120


def _visibility(value: Any) -> str:
    return v.choice(value, "visibility", Visibility, default=Visibility.ORGANIZATION)


def _agency(db: Session, org_id: int, agency_id: Any, field: str, *, required: bool) -> int | None:
    ident = v.integer(agency_id, field, required=required)
    if ident is None:
        return None
    if db.get(Agency, ident) is None:  # the directory is shared by the instance
        raise v.ValidationError(field, "choose an agency from the directory")
    return ident


def create_agreement(
    db: Session, org_id: int, user_id: int | None, data: dict[str, Any]
) -> Agreement:
    """A new register entry (no facts yet)."""
    kind = v.text(data.get("kind"), "kind", max_len=30, required=True)
    if kind not in extract.KINDS:
        raise v.ValidationError("kind", "choose one of the listed kinds of agreement")
    agency_id = _agency(db, org_id, data.get("agency_id"), "agency_id", required=True)
    assert agency_id is not None  # required
    federal_id = _agency(
        db, org_id, data.get("federal_agency_id"), "federal_agency_id", required=False
    )
    title = v.text(data.get("title"), "title", max_len=300) or extract.KINDS[kind]
    request_id = v.integer(data.get("request_id"), "request_id")
    if request_id is not None:
        req = db.get(RecordRequest, request_id)
        if req is None or req.org_id != org_id:
            raise v.ValidationError("request_id", "no such request")
    entry = Agreement(
        org_id=org_id,
        kind=kind,
        title=title,
        agency_id=agency_id,
        federal_agency_id=federal_id,
        federal_component=v.text(data.get("federal_component"), "federal_component", max_len=100),
        request_id=request_id,
        notes=v.text(data.get("notes"), "notes", max_len=5000),
        visibility=Visibility.PRIVATE
        if _visibility(data.get("visibility")) == "private"
        else "organization",
        created_by=user_id,
    )
    db.add(entry)
    db.flush()
    log.info("agreement %s (%s) created by user %s", entry.uid, kind, user_id)
    return entry


def public_blockers(db: Session, entry: Agreement) -> list[RegisterFact]:
    """The entry's facts whose documents the public cannot see (they keep it from going public)."""
    facts = db.exec(select(RegisterFact).where(RegisterFact.agreement_id == entry.id)).all()
    return [
        f
        for f in facts
        if f.document_id is not None
        and not visibility.can_see(db, PUBLIC, db.get(Document, f.document_id))
    ]


def set_sharing(db: Session, entry: Agreement, data: dict[str, Any]) -> Agreement:
    """Change who sees an entry; Public is refused while a fact cites a non-public document."""
    chosen = _visibility(data.get("visibility"))
    until = v.iso_date(data.get("embargo_until"), "embargo_until")
    if chosen == Visibility.PUBLIC:
        blockers = public_blockers(db, entry)
        if blockers:
            pages = ", ".join(
                f"{f.name} (document {f.document_id}, page {f.page})" for f in blockers
            )
            raise v.ValidationError(
                "visibility",
                f"this entry cites documents that are not public: {pages}. Publish those "
                "documents first, or remove the facts.",
            )
    entry.visibility, entry.embargo_until = chosen, until
    db.add(entry)
    db.flush()
    log.info("agreement %s visibility %s (embargo %s)", entry.uid, chosen, until)
    return entry


def _cited(
    db: Session, org_id: int, viewer: Viewer, data: dict[str, Any], *, public: bool
) -> tuple[int | None, int | None, str, str]:
    """(document id, page, quote, quote state) of a fact, checked: the member sees the document,
    the page exists, the quoted words are on it, and a public entry cites only a public document.
    A document whose text is still being read gets its quote checked when the text is in
    (``recheck_quotes``)."""
    quote = v.text(data.get("quote"), "quote", max_len=2000)
    doc_id = v.integer(data.get("document_id"), "document_id")
    page = (
        v.integer(data.get("page"), "page", minimum=1)
        if data.get("page") not in (None, "")
        else None
    )
    if doc_id is None:
        return None, None, quote, QUOTE_CHECKED  # unsourced: allowed, and shown as unsourced
    doc = db.get(Document, doc_id)
    if doc is None or doc.org_id != org_id or not visibility.can_see(db, viewer, doc):
        raise v.ValidationError("document_id", "no such document")
    if public and not visibility.can_see(db, PUBLIC, doc):
        raise v.ValidationError(
            "document_id",
            "this entry is public and the document is not: publish the document first",
        )
    if page is None:
        page = 1
    state = _quote_state(doc, page, quote)
    if state == QUOTE_NOT_FOUND:
        pages = extract.pages_of(doc.text)
        if page > len(pages):
            raise v.ValidationError("page", f"the document has {len(pages)} page(s)")
        raise v.ValidationError("quote", f"these words are not on page {page} of the document")
    return doc_id, page, quote, state


def _quote_state(doc: Document, page: int, quote: str) -> str:
    """Whether ``quote`` is on ``page`` of the document's text (spacing and case aside)."""
    if doc.text_status in (TextStatus.PENDING, TextStatus.RUNNING):
        return QUOTE_PENDING if quote or page > 1 else QUOTE_CHECKED
    pages = extract.pages_of(doc.text)
    if not pages:
        return QUOTE_NO_TEXT if quote else QUOTE_CHECKED
    if page > len(pages):
        return QUOTE_NOT_FOUND
    if not quote:
        return QUOTE_CHECKED
    flat = " ".join(pages[page - 1].split()).lower()
    found = " ".join(quote.rstrip("…").split()).lower() in flat
    return QUOTE_CHECKED if found else QUOTE_NOT_FOUND


CITING: tuple[type[RegisterFact] | type[LedgerFigure] | type[SharingRequest], ...] = (
    RegisterFact,
    LedgerFigure,
    SharingRequest,
)


def recheck_quotes(db: Session, doc: Document) -> int:
    """Check the citations of ``doc`` that waited for its text (a bundle import brings facts
    before their documents are read); returns how many quotes were not found on their page."""
    missing = 0
    for model in CITING:
        rows: list[Any] = list(
            db.exec(
                select(model).where(model.document_id == doc.id, model.quote_state == QUOTE_PENDING)
            ).all()
        )
        for row in rows:
            row.quote_state = _quote_state(doc, row.page or 1, row.quote)
            missing += row.quote_state == QUOTE_NOT_FOUND
            db.add(row)
    db.flush()
    if missing:
        log.warning("document %s: %s cited quotes not found on their page", doc.id, missing)
    return missing


def check_citation(
    db: Session, org_id: int, viewer: Viewer, data: dict[str, Any]
) -> tuple[int | None, int | None, str]:
    """A citation checked as a fact's would be, without writing anything."""
    return _cited(db, org_id, viewer, data, public=False)[:3]


def add_fact(db: Session, entry: Agreement, viewer: Viewer, data: dict[str, Any]) -> RegisterFact:
    """Add one cited fact to an entry (and plan the next requests it suggests)."""
    name = v.text(data.get("name"), "name", max_len=30, required=True)
    kind = KIND_OF_NAME.get(name)
    if kind is None:
        raise v.ValidationError("name", "choose one of the listed facts")
    on = v.iso_date(data.get("on"), "on", required=kind == "date")
    value = v.text(data.get("value"), "value", max_len=5000)
    tally = v.text(data.get("tally"), "tally", max_len=20)
    if name == "vote":
        tally = tally or value
        if not tally or not re.fullmatch(r"\d{1,2}-\d{1,2}", tally):
            raise v.ValidationError("tally", "write the tally as ayes-noes, for example 3-2")
    if kind == "date":
        value = value or on.isoformat()  # type: ignore[union-attr]
    elif not value:
        raise v.ValidationError("value", "write the fact")
    doc_id, page, quote, quote_state = _cited(
        db, entry.org_id, viewer, data, public=visibility.marked_public(entry)
    )
    assert entry.id is not None
    fact = RegisterFact(
        org_id=entry.org_id,
        agreement_id=entry.id,
        kind=kind,
        name=name,
        value=value,
        on=on,
        tally=tally,
        document_id=doc_id,
        page=page,
        quote=quote,
        quote_state=quote_state,
        created_by=viewer.user_id,
    )
    db.add(fact)
    db.flush()
    plan_follow_ups(db, entry, fact)
    log.info(
        "agreement %s: fact %s %s added by user %s", entry.uid, name, value[:40], viewer.user_id
    )
    return fact


def delete_fact(db: Session, fact: RegisterFact) -> None:
    db.delete(fact)
    db.flush()


def add_figure(db: Session, org_id: int, viewer: Viewer, data: dict[str, Any]) -> LedgerFigure:
    """Record one ESAC number (replacing the same line of the same agency, year and fund)."""
    agency_id = _agency(db, org_id, data.get("agency_id"), "agency_id", required=True)
    year = v.integer(
        data.get("fiscal_year"), "fiscal_year", required=True, minimum=1980, maximum=2100
    )
    fund = v.text(data.get("fund"), "fund", max_len=10, required=True)
    if fund not in extract.FUNDS:
        raise v.ValidationError("fund", "choose Justice or Treasury funds")
    line = v.text(data.get("line"), "line", max_len=30, required=True)
    if line not in extract.LEDGER_LINES and line not in extract.SPENDING_LINES:
        raise v.ValidationError("line", "choose one of the form's lines")
    raw = data.get("amount_cents")
    if raw in (None, "") and data.get("amount") not in (None, ""):
        raw = extract.parse_amount(str(data.get("amount")))
        if raw is None:
            raise v.ValidationError("amount", "write the amount in dollars, for example 12,345.67")
    cents = v.integer(raw, "amount_cents", required=True, minimum=-(10**12), maximum=10**12)
    assert agency_id is not None and year is not None and cents is not None  # all required
    chosen = _visibility(data.get("visibility"))
    doc_id, page, quote, quote_state = _cited(
        db, org_id, viewer, data, public=chosen == Visibility.PUBLIC
    )
    figure = db.exec(
        select(LedgerFigure).where(
            LedgerFigure.org_id == org_id,
            LedgerFigure.agency_id == agency_id,
            LedgerFigure.fiscal_year == year,
            LedgerFigure.fund == fund,
            LedgerFigure.line == line,
        )
    ).first() or LedgerFigure(
        org_id=org_id,
        agency_id=agency_id,
        fiscal_year=year,
        fund=fund,
        line=line,
        amount_cents=cents,
    )
    figure.amount_cents, figure.document_id, figure.page, figure.quote = cents, doc_id, page, quote
    figure.quote_state = quote_state
    figure.visibility, figure.created_by = chosen, viewer.user_id
    db.add(figure)
    db.flush()
    log.info(
        "ledger: agency %s FY%s %s %s = %s by user %s",
        agency_id,
        year,
        fund,
        line,
        cents,
        viewer.user_id,
    )
    return figure


def _money(data: dict[str, Any], field: str) -> int | None:
    """Cents from ``<field>_cents`` or dollars typed as ``<field>`` ("12,345.67"); None if blank."""
    raw = data.get(f"{field}_cents")
    if raw in (None, "") and data.get(field) not in (None, ""):
        raw = extract.parse_amount(str(data.get(field)))
        if raw is None:
            raise v.ValidationError(field, "write the amount in dollars, for example 12,345.67")
    return v.integer(raw, f"{field}_cents", minimum=0, maximum=10**12)


_PERCENT = re.compile(r"\d{1,3}(?:\.\d{1,2})?")


def add_sharing_request(
    db: Session, org_id: int, viewer: Viewer, data: dict[str, Any]
) -> SharingRequest:
    """Record one DAG-71 or TD F 92-22.46: the case, the asset, what was asked and what was paid."""
    agency_id = _agency(db, org_id, data.get("agency_id"), "agency_id", required=True)
    form = v.text(data.get("form"), "form", max_len=10, required=True)
    if form not in extract.SHARING_FORMS:
        raise v.ValidationError("form", "choose the DAG-71 or the TD F 92-22.46")
    case_number = v.text(data.get("case_number"), "case_number", max_len=100)
    asset_id = v.text(data.get("asset_id"), "asset_id", max_len=100)
    if not case_number and not asset_id:
        raise v.ValidationError(
            "case_number", "write the case number or the asset id the form gives"
        )
    share = v.text(data.get("share_percent"), "share_percent", max_len=10).rstrip("%").strip()
    if share and (not _PERCENT.fullmatch(share) or float(share) > 100):
        raise v.ValidationError("share_percent", "write the share asked as a percentage, 0-100")
    decision = v.text(data.get("decision"), "decision", max_len=20) or "pending"
    if decision not in extract.SHARING_DECISIONS:
        raise v.ValidationError("decision", "choose one of the listed decisions")
    requested = _money(data, "amount_requested")
    received = _money(data, "amount_received")
    if received and decision in ("denied", "withdrawn", "pending"):
        raise v.ValidationError("amount_received", f"a {decision} request has no amount received")
    seized_on = v.iso_date(data.get("seized_on"), "seized_on")
    forfeited_on = v.iso_date(data.get("forfeited_on"), "forfeited_on")
    if seized_on and forfeited_on and forfeited_on < seized_on:
        raise v.ValidationError("forfeited_on", "the forfeiture cannot come before the seizure")
    assert agency_id is not None
    if same_sharing_request(db, org_id, agency_id, form, case_number, asset_id) is not None:
        raise v.ValidationError(
            "case_number",
            f"this agency already has a {extract.SHARING_FORMS[form]} for this case and asset",
        )
    chosen = _visibility(data.get("visibility"))
    doc_id, page, quote, quote_state = _cited(
        db, org_id, viewer, data, public=chosen == Visibility.PUBLIC
    )
    row = SharingRequest(
        org_id=org_id,
        agency_id=agency_id,
        form=form,
        seizing_agency=v.text(data.get("seizing_agency"), "seizing_agency", max_len=100),
        case_number=case_number,
        asset_id=asset_id,
        asset=v.text(data.get("asset"), "asset", max_len=2000),
        share_percent=share,
        amount_requested_cents=requested,
        decision=decision,
        amount_received_cents=received,
        document_id=doc_id,
        page=page,
        quote=quote,
        quote_state=quote_state,
        visibility=chosen,
        created_by=viewer.user_id,
        seized_on=seized_on,
        forfeited_on=forfeited_on,
        filed_on=v.iso_date(data.get("filed_on"), "filed_on"),
        paid_on=v.iso_date(data.get("paid_on"), "paid_on"),
    )
    db.add(row)
    db.flush()
    log.info(
        "ledger: %s %s for agency %s by user %s",
        form,
        case_number or asset_id,
        agency_id,
        viewer.user_id,
    )
    return row


def same_sharing_request(
    db: Session, org_id: int, agency_id: int, form: str, case_number: str, asset_id: str
) -> int | None:
    """The id of the organization's record of the same form for the same case and asset."""
    return db.exec(
        select(SharingRequest.id).where(
            SharingRequest.org_id == org_id,
            SharingRequest.agency_id == agency_id,
            SharingRequest.form == form,
            SharingRequest.case_number == case_number,
            SharingRequest.asset_id == asset_id,
        )
    ).first()


def sharing_requests(
    db: Session, viewer: Viewer, agency_id: int | None = None
) -> list[SharingRequest]:
    """The DAG-71 and TD F 92-22.46 records the viewer may see, by agency, then newest filed."""
    stmt = select(SharingRequest).where(visibility.where(SharingRequest, viewer))
    if agency_id is not None:
        stmt = stmt.where(SharingRequest.agency_id == agency_id)
    return list(
        db.exec(
            stmt.order_by(
                col(SharingRequest.agency_id),
                col(SharingRequest.filed_on).desc().nulls_last(),
                col(SharingRequest.id),
            )
        ).all()
    )


def sharing_sums(
    rows: list[SharingRequest], states: dict[int, str]
) -> dict[str, dict[tuple[Any, str], dict[str, int]]]:
    """Per agency and form, and per state and form (``states``: agency id -> jurisdiction): how
    many requests, cents asked (where stated) and cents received."""
    out: dict[str, dict[tuple[Any, str], dict[str, int]]] = {"agency": {}, "state": {}}
    for r in rows:
        for group, key in (("agency", r.agency_id), ("state", states.get(r.agency_id, ""))):
            s = out[group].setdefault((key, r.form), {"count": 0, "requested": 0, "received": 0})
            s["count"] += 1
            s["requested"] += r.amount_requested_cents or 0
            s["received"] += r.amount_received_cents or 0
    return out


@dataclass
class LedgerYear:
    agency_id: int
    fiscal_year: int
    figures: dict[tuple[str, str], LedgerFigure]

    def amount(self, fund: str, line: str) -> int | None:
        f = self.figures.get((fund, line))
        return f.amount_cents if f is not None else None


def ledger(db: Session, viewer: Viewer, agency_id: int | None = None) -> list[LedgerYear]:
    """The figures the viewer may see, grouped by agency and fiscal year."""
    stmt = select(LedgerFigure).where(visibility.where(LedgerFigure, viewer))
    if agency_id is not None:
        stmt = stmt.where(LedgerFigure.agency_id == agency_id)
    groups: dict[tuple[int, int], LedgerYear] = {}
    for f in db.exec(
        stmt.order_by(col(LedgerFigure.agency_id), col(LedgerFigure.fiscal_year))
    ).all():
        year = groups.setdefault(
            (f.agency_id, f.fiscal_year), LedgerYear(f.agency_id, f.fiscal_year, {})
        )
        year.figures[(f.fund, f.line)] = f
    return list(groups.values())


def ledger_sums(db: Session, viewer: Viewer) -> dict[str, dict[Any, dict[str, int]]]:
    """Receipts, interest and spending summed per agency and per state, per fund (cents)."""
    by_agency: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_state: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    summed = ("receipts", "transfers_in", "interest", "spent")
    rows = db.exec(
        select(LedgerFigure, Agency.jurisdiction)
        .join(Agency, col(Agency.id) == col(LedgerFigure.agency_id))
        .where(visibility.where(LedgerFigure, viewer), LedgerFigure.line.in_(summed))  # type: ignore[attr-defined]
    ).all()
    for f, state in rows:
        for key in (f"{f.fund}_{f.line}", f"total_{f.line}"):
            by_agency[f.agency_id][key] += f.amount_cents
            by_state[state][key] += f.amount_cents
    return {
        "agency": {k: dict(x) for k, x in by_agency.items()},
        "state": {k: dict(x) for k, x in by_state.items()},
    }


RECEIVED_LINES = ("receipts", "transfers_in", "interest")


def ledger_by_year(db: Session, viewer: Viewer) -> dict[str, dict[Any, dict[int, dict[str, int]]]]:
    """Per agency and per state, each fiscal year's money received (sharing receipts, transfers
    from other agencies and interest) and spent, both funds together (cents)."""
    out: dict[str, dict[Any, dict[int, dict[str, int]]]] = {"agency": {}, "state": {}}
    rows = db.exec(
        select(LedgerFigure, Agency.jurisdiction)
        .join(Agency, col(Agency.id) == col(LedgerFigure.agency_id))
        .where(
            visibility.where(LedgerFigure, viewer),
            col(LedgerFigure.line).in_((*RECEIVED_LINES, "spent")),
        )
    ).all()
    for f, state in rows:
        series = "spent" if f.line == "spent" else "received"
        for group, key in (("agency", f.agency_id), ("state", state)):
            year = (
                out[group]
                .setdefault(key, {})
                .setdefault(f.fiscal_year, {"received": 0, "spent": 0})
            )
            year[series] += f.amount_cents
    return out


def spending_breakdown(years: list[LedgerYear]) -> list[tuple[LedgerYear, str]]:
    """The (agency-year, fund) pairs that report spending by the form's categories."""
    return [
        (y, fund)
        for y in years
        for fund in extract.FUNDS
        if any((fund, line) in y.figures for line in extract.SPENDING_LINES)
    ]


# ------------------------------------------------------------------------------------------
# Assisted entry: proposals read from filed documents.
# ------------------------------------------------------------------------------------------


def propose_for_document(db: Session, doc: Document) -> int:
    """Read the document's text and (re)write its open proposals; returns how many."""
    for old in db.exec(
        select(RegisterProposal).where(
            RegisterProposal.document_id == doc.id, RegisterProposal.state == "proposed"
        )
    ).all():
        db.delete(old)
    assert doc.id is not None
    names = db.exec(select(Agency.name)).all()
    found = extract.propose(doc.text or "", names)
    for p in found:
        db.add(
            RegisterProposal(
                org_id=doc.org_id,
                request_id=doc.request_id,
                document_id=doc.id,
                target=p.target,
                name=p.name,
                value=p.value,
                on=p.on,
                tally=p.tally,
                fund=p.fund,
                fiscal_year=p.fiscal_year,
                amount_cents=p.amount_cents,
                page=p.page,
                quote=p.quote,
            )
        )
    db.flush()
    if found:
        log.info("document %s: %s register facts proposed", doc.id, len(found))
    return len(found)


def proposals_for(db: Session, viewer: Viewer, doc: Document) -> list[RegisterProposal]:
    return list(
        db.exec(
            select(RegisterProposal)
            .where(
                visibility.where(RegisterProposal, viewer),
                RegisterProposal.document_id == doc.id,
                RegisterProposal.state == "proposed",
            )
            .order_by(col(RegisterProposal.page), col(RegisterProposal.id))
        ).all()
    )


SHARING_FIELDS = (
    "form",
    "seizing_agency",
    "case_number",
    "asset_id",
    "asset",
    "seized_on",
    "forfeited_on",
    "filed_on",
    "share_percent",
    "decision",
    "paid_on",
)


def proposed_sharing(proposal: RegisterProposal) -> dict[str, Any]:
    """A sharing-form proposal's fields (amounts in dollars, as the member edits them)."""
    try:
        fields = dict(json.loads(proposal.value or "{}"))
    except ValueError:
        fields = {}
    for name in ("amount_requested", "amount_received"):
        cents = fields.pop(f"{name}_cents", None)
        if isinstance(cents, int):
            fields[name] = f"{cents / 100:,.2f}"
    return fields


def confirm_proposal(
    db: Session, proposal: RegisterProposal, viewer: Viewer, data: dict[str, Any]
) -> Agreement | LedgerFigure | SharingRequest:
    """Turn a proposal into a register fact, with the member's corrections; nothing enters the
    register any other way from a document's text."""
    if proposal.state != "proposed":
        raise v.ValidationError("state", "this proposal was already decided")
    req = db.get(RecordRequest, proposal.request_id)
    assert req is not None
    cite = {
        "document_id": proposal.document_id,
        "page": data.get("page") or proposal.page,
        "quote": data.get("quote", proposal.quote),
    }
    result: Agreement | LedgerFigure | SharingRequest
    if proposal.target == "sharing":
        read = proposed_sharing(proposal)
        values = {
            name: data[name] if name in data else read.get(name)
            for name in (*SHARING_FIELDS, "amount_requested", "amount_received")
        }
        result = add_sharing_request(
            db,
            proposal.org_id,
            viewer,
            {
                **values,
                "agency_id": data.get("agency_id") or req.agency_id,
                "visibility": "organization",
                **cite,
            },
        )
    elif proposal.target == "ledger":
        if proposal.name == "fiscal_year":
            raise v.ValidationError("name", "the fiscal year is confirmed with each figure")
        year = data.get("fiscal_year") or proposal.fiscal_year
        amount = data.get("amount")
        result = add_figure(
            db,
            proposal.org_id,
            viewer,
            {
                "agency_id": data.get("agency_id") or req.agency_id,
                "fiscal_year": year,
                "fund": data.get("fund") or proposal.fund,
                "line": proposal.name,
                "amount": amount if amount not in (None, "") else None,
                "amount_cents": None if amount not in (None, "") else proposal.amount_cents,
                "visibility": "organization",
                **cite,
            },
        )
    elif proposal.name == "kind":
        entry = create_agreement(
            db,
            proposal.org_id,
            viewer.user_id,
            {
                "kind": data.get("value") or proposal.value,
                "agency_id": data.get("agency_id") or req.agency_id,
                "title": data.get("title"),
                "request_id": req.id,
            },
        )
        result = entry
    else:
        entry = agreement_for_member(db, viewer, data.get("agreement_id"))
        value = data.get("value", proposal.value)
        add_fact(
            db,
            entry,
            viewer,
            {
                "name": proposal.name,
                "value": "" if proposal.name in extract.DATE_FACTS else value,
                "on": data.get("on") or (proposal.on.isoformat() if proposal.on else None),
                "tally": data.get("tally") or proposal.tally,
                **cite,
            },
        )
        result = entry
    proposal.state, proposal.decided_by = "confirmed", viewer.user_id
    db.add(proposal)
    db.flush()
    return result


def dismiss_proposal(db: Session, proposal: RegisterProposal, user_id: int | None) -> None:
    proposal.state, proposal.decided_by = "dismissed", user_id
    db.add(proposal)
    db.flush()


def agreement_for_member(db: Session, viewer: Viewer, ident: Any) -> Agreement:
    """An entry the member may see, chosen by id; a clear error otherwise."""
    agreement_id = v.integer(ident, "agreement_id", required=True)
    entry = db.get(Agreement, agreement_id)
    if not visibility.can_see(db, viewer, entry):
        raise v.ValidationError("agreement_id", "choose an agreement in your register")
    return entry  # type: ignore[return-value]


# ------------------------------------------------------------------------------------------
# The next request: an expiry or renewal proposes one before it; a sharing clause proposes the
# forfeiture-distribution request to the same agency.
# ------------------------------------------------------------------------------------------


def plan_follow_ups(db: Session, entry: Agreement, fact: RegisterFact) -> FollowUp | None:
    agency = db.get(Agency, entry.agency_id)
    assert agency is not None
    if fact.name in ("expires", "renewed") and fact.on is not None:
        kind, due = "renewal", fact.on
        title = (
            f"{agency.name}: renewal of the {extract.KINDS[entry.kind]} (before {due.isoformat()})"
        )
        description = (
            f"Any renewal, extension or amendment of the {entry.title} between {agency.name} and "
            f"{entry.federal_component or 'the federal agency'}, the council or commission agenda "
            f"items, staff reports and votes on it, and correspondence about it, from "
            f"{(due - timedelta(days=365)).isoformat()} to the date of search."
        )
        subject, remind_on = Subject.AGREEMENTS, due - timedelta(days=LEAD_DAYS)
    elif fact.name == "sharing":
        kind, due, remind_on = "sharing", None, utc_today()
        title = f"{agency.name}: forfeiture distributions under the {extract.KINDS[entry.kind]}"
        description = (
            f"Equitable Sharing Agreement and Certification forms, DAG-71 and TD F 92-22.46 "
            f"sharing requests, and payment records for money or property shared with "
            f"{agency.name} under or in connection with the {entry.title}."
        )
        subject = Subject.FORFEITURE
    else:
        return None
    exists = db.exec(
        select(FollowUp).where(
            FollowUp.agreement_id == entry.id, FollowUp.kind == kind, FollowUp.due == due
        )
        if due is not None
        else select(FollowUp).where(FollowUp.agreement_id == entry.id, FollowUp.kind == kind)
    ).first()
    if exists is not None:
        return None
    assert entry.id is not None
    follow = FollowUp(
        org_id=entry.org_id,
        agreement_id=entry.id,
        agency_id=entry.agency_id,
        kind=kind,
        due=due,
        remind_on=remind_on,
        title=title[:300],
        description=description,
        subject=subject,
    )
    db.add(follow)
    db.flush()
    log.info("agreement %s: %s follow-up proposed (remind on %s)", entry.uid, kind, remind_on)
    return follow


def follow_ups(db: Session, viewer: Viewer, *, due_by: date | None = None) -> list[FollowUp]:
    stmt = select(FollowUp).where(visibility.where(FollowUp, viewer), FollowUp.state == "proposed")
    if due_by is not None:
        stmt = stmt.where(FollowUp.remind_on <= due_by)  # type: ignore[operator]
    return list(db.exec(stmt.order_by(col(FollowUp.remind_on), col(FollowUp.id))).all())


def accept_follow_up(db: Session, follow: FollowUp, user_id: int) -> RecordRequest:
    """Draft the suggested request (a draft: the member reviews and sends it)."""
    from records.requests.service import create_request

    if follow.state != "proposed":
        raise v.ValidationError("state", "this suggestion was already decided")
    req = create_request(
        db,
        follow.org_id,
        user_id,
        {
            "agency_id": follow.agency_id,
            "subject": follow.subject,
            "title": follow.title,
            "description": follow.description,
            "visibility": "organization",
        },
    )
    follow.state, follow.request_id = "accepted", req.id
    db.add(follow)
    db.flush()
    return req


def dismiss_follow_up(db: Session, follow: FollowUp) -> None:
    follow.state = "dismissed"
    db.add(follow)
    db.flush()


# ------------------------------------------------------------------------------------------
# Reads
# ------------------------------------------------------------------------------------------


def entries(
    db: Session, viewer: Viewer, *, state: str = "", kind: str = ""
) -> list[tuple[Agreement, Agency]]:
    stmt = (
        select(Agreement, Agency)
        .join(Agency, col(Agency.id) == col(Agreement.agency_id))
        .where(visibility.where(Agreement, viewer))
    )
    if state:
        stmt = stmt.where(Agency.jurisdiction == state)
    if kind:
        stmt = stmt.where(Agreement.kind == kind)
    return list(
        db.exec(stmt.order_by(col(Agency.jurisdiction), col(Agency.name), col(Agreement.id))).all()
    )


ENDED = ("rescinded", "terminated")


def without_copy(
    rows: list[tuple[Agreement, Agency]], facts: dict[int, list[RegisterFact]]
) -> list[tuple[Agreement, Agency]]:
    """The entries still in force (no rescinded or terminated date) of which the register holds
    no copy: none of the facts the viewer sees cites a filed document."""
    kept = []
    for entry, agency in rows:
        known = facts.get(entry.id, [])  # type: ignore[arg-type]
        if any(f.kind == "date" and f.name in ENDED for f in known):
            continue
        if any(f.document_id is not None for f in known):
            continue
        kept.append((entry, agency))
    return kept


def agency_ids_of(rows: list[tuple[Agreement, Agency]]) -> list[int]:
    """Each agency of the rows once, in the rows' order."""
    return list(dict.fromkeys(agency.id for _, agency in rows if agency.id is not None))


def facts_of(db: Session, viewer: Viewer, entry: Agreement) -> list[RegisterFact]:
    return list(
        db.exec(
            select(RegisterFact)
            .where(visibility.where(RegisterFact, viewer), RegisterFact.agreement_id == entry.id)
            .order_by(col(RegisterFact.kind), col(RegisterFact.on), col(RegisterFact.id))
        ).all()
    )


def facts_by_entry(db: Session, viewer: Viewer, ids: list[int]) -> dict[int, list[RegisterFact]]:
    out: dict[int, list[RegisterFact]] = defaultdict(list)
    if not ids:
        return out
    for f in db.exec(
        select(RegisterFact)
        .where(visibility.where(RegisterFact, viewer), RegisterFact.agreement_id.in_(ids))  # type: ignore[attr-defined]
        .order_by(col(RegisterFact.on), col(RegisterFact.id))
    ).all():
        out[f.agreement_id].append(f)
    return out


def sources_of(
    db: Session, viewer: Viewer, facts: list[RegisterFact]
) -> list[tuple[Document, RecordRequest]]:
    """The documents behind the facts (as the viewer may see them), with their requests."""
    ids = sorted({f.document_id for f in facts if f.document_id is not None})
    out = []
    for ident in ids:
        doc = db.get(Document, ident)
        if visibility.can_see(db, viewer, doc):
            req = db.get(RecordRequest, doc.request_id)  # type: ignore[union-attr]
            out.append((doc, req))
    return out  # type: ignore[return-value]


def summary(facts: list[RegisterFact]) -> dict[str, RegisterFact]:
    """The latest fact of each name (the register table's columns)."""
    out: dict[str, RegisterFact] = {}
    for f in facts:
        out[f.name] = f
    return out


CSV_HEADER = (
    "id",
    "kind",
    "title",
    "agency",
    "state",
    "federal_component",
    "signed",
    "effective",
    "expires",
    "renewed",
    "rescinded",
    "terminated",
    "vote",
    "officers",
    "sharing_clause",
    "sources",
    "url",
)


def csv_rows(
    db: Session, viewer: Viewer, rows: list[tuple[Agreement, Agency]], url_for_entry: Any
) -> list[list[Any]]:
    facts = facts_by_entry(db, viewer, [a.id for a, _ in rows])  # type: ignore[misc]
    out = []
    for entry, agency in rows:
        mine = facts.get(entry.id, [])  # type: ignore[arg-type]
        s = summary(mine)

        def cell(name: str, s: dict[str, RegisterFact] = s) -> str:
            f = s.get(name)
            if f is None:
                return ""
            return f.on.isoformat() if f.on and f.kind == "date" else (f.tally or f.value)

        cites = "; ".join(
            f"document {f.document_id} p. {f.page}" if f.document_id else f"{f.name}: unsourced"
            for f in mine
        )
        out.append(
            [
                entry.uid,
                extract.KINDS.get(entry.kind, entry.kind),
                entry.title,
                agency.name,
                agency.jurisdiction,
                entry.federal_component,
                *(
                    cell(n)
                    for n in (
                        "signed",
                        "effective",
                        "expires",
                        "renewed",
                        "rescinded",
                        "terminated",
                        "vote",
                        "officers",
                    )
                ),
                "yes" if "sharing" in s else "",
                cites,
                url_for_entry(entry),
            ]
        )
    return out


def entry_json(
    entry: Agreement, agency: Agency, facts: list[RegisterFact], url: str
) -> dict[str, Any]:
    return {
        "id": entry.uid,
        "kind": entry.kind,
        "kind_label": extract.KINDS.get(entry.kind, entry.kind),
        "title": entry.title,
        "agency": {"name": agency.name, "state": agency.jurisdiction, "level": agency.level},
        "federal_component": entry.federal_component,
        "visibility": entry.visibility,
        "url": url,
        "facts": [
            {
                "kind": f.kind,
                "name": f.name,
                "value": f.value,
                "on": f.on.isoformat() if f.on else None,
                "tally": f.tally or None,
                "source": (
                    {"document_id": f.document_id, "page": f.page, "quote": f.quote}
                    if f.document_id is not None
                    else None
                ),
            }
            for f in facts
        ],
    }

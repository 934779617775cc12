"""Register entries in evidence bundles: ``register.json``, written on export and read on import.

Export carries the entries (and ledger figures and sharing requests) whose facts cite the bundle's documents, as the
exporting member sees them; each citation names the bundled file by its path and SHA-256. Import
recreates them through the register service's own write paths (the same checks as the register's
pages), for the importing organization, citing the imported documents. An entry comes in private
when it was private, otherwise organization-wide: publishing is the importer's decision.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session, col, select

from records.access import visibility
from records.access.visibility import Viewer
from records.core import validation as v
from records.core.models import Agency
from records.register import service
from records.register.models import Agreement, LedgerFigure, RegisterFact, SharingRequest

log = logging.getLogger(__name__)

PATH = "register.json"
AGENCY_KEYS = (
    "name",
    "level",
    "jurisdiction",
    "component",
    "foia_email",
    "portal_url",
    "mailing_address",
    "phone",
)


class RegisterRefused(v.ValidationError):
    """register.json holds a value the register would refuse; the message names where."""


def _agency(db: Session, agency_id: int | None) -> dict[str, Any] | None:
    agency = db.get(Agency, agency_id) if agency_id is not None else None
    return {k: getattr(agency, k) for k in AGENCY_KEYS} if agency is not None else None


def _citation(
    document_id: int | None, page: int | None, docs: dict[int, dict[str, Any]]
) -> dict[str, Any] | None:
    if document_id is None:
        return None
    doc = docs[document_id]
    return {"path": doc["path"], "sha256": doc["sha256"], "page": page}


def export_data(db: Session, viewer: Viewer, documents: list[dict[str, Any]]) -> dict[str, Any]:
    """The entries and ledger figures citing the bundle's ``documents`` (request.json's list),
    limited to what ``viewer`` sees; a fact citing a document outside the bundle is left out."""
    docs = {d["ref"]: d for d in documents}
    ids = list(docs)
    cited = db.exec(
        select(RegisterFact.agreement_id).where(
            visibility.where(RegisterFact, viewer), col(RegisterFact.document_id).in_(ids)
        )
    ).all()
    entries = db.exec(
        select(Agreement)
        .where(visibility.where(Agreement, viewer), col(Agreement.id).in_(sorted(set(cited))))
        .order_by(col(Agreement.id))
    ).all()
    facts = service.facts_by_entry(db, viewer, [e.id for e in entries if e.id is not None])
    figures = db.exec(
        select(LedgerFigure)
        .where(visibility.where(LedgerFigure, viewer), col(LedgerFigure.document_id).in_(ids))
        .order_by(col(LedgerFigure.id))
    ).all()
    sharing = db.exec(
        select(SharingRequest)
        .where(visibility.where(SharingRequest, viewer), col(SharingRequest.document_id).in_(ids))
        .order_by(col(SharingRequest.id))
    ).all()
    return {
        "agreements": [
            {
                "id": e.uid,
                "kind": e.kind,
                "title": e.title,
                "agency": _agency(db, e.agency_id),
                "federal_agency": _agency(db, e.federal_agency_id),
                "federal_component": e.federal_component,
                "notes": e.notes,
                "visibility": e.visibility,
                "facts": [
                    {
                        "kind": f.kind,
                        "name": f.name,
                        "value": f.value,
                        "on": f.on.isoformat() if f.on else None,
                        "tally": f.tally,
                        "citation": _citation(f.document_id, f.page, docs),
                        "quote": f.quote,
                    }
                    for f in facts.get(e.id, [])  # type: ignore[arg-type]
                    if f.document_id is None or f.document_id in docs
                ],
            }
            for e in entries
        ],
        "ledger": [
            {
                "agency": _agency(db, f.agency_id),
                "fiscal_year": f.fiscal_year,
                "fund": f.fund,
                "line": f.line,
                "amount_cents": f.amount_cents,
                "visibility": f.visibility,
                "citation": _citation(f.document_id, f.page, docs),
                "quote": f.quote,
            }
            for f in figures
        ],
        "sharing_requests": [
            {
                "agency": _agency(db, r.agency_id),
                **{name: getattr(r, name) for name in SHARING_TEXT},
                "decision": r.decision,
                **{name: _iso(getattr(r, name)) for name in SHARING_DATES},
                "amount_requested_cents": r.amount_requested_cents,
                "amount_received_cents": r.amount_received_cents,
                "visibility": r.visibility,
                "citation": _citation(r.document_id, r.page, docs),
                "quote": r.quote,
            }
            for r in sharing
        ],
    }


SHARING_TEXT = ("form", "seizing_agency", "case_number", "asset_id", "asset", "share_percent")
SHARING_DATES = ("seized_on", "forfeited_on", "filed_on", "paid_on")


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


@contextmanager
def _part(what: str) -> Iterator[None]:
    """Name the part of register.json whose value the register's validators refused."""
    try:
        yield
    except RegisterRefused:
        raise
    except v.ValidationError as exc:
        raise RegisterRefused(exc.field, f"{PATH}: {what}: {exc.message}") from None


def _obj(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise RegisterRefused(None, f"{PATH}: {what} is malformed")
    return value


def _list(value: Any, what: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise RegisterRefused(None, f"{PATH}: {what} is malformed")
    return [_obj(item, what) for item in value]


def _cite(raw: Any, documents: dict[str, tuple[int, str]], what: str) -> dict[str, Any]:
    """The service's citation fields, pointing at the imported copy of the bundled document."""
    if raw is None:
        return {"document_id": None, "page": None}
    cite = _obj(raw, f"{what}: the citation")
    path = cite.get("path")
    if not isinstance(path, str) or path not in documents:
        raise RegisterRefused(
            "document", f"{PATH}: {what} cites {path!r}, which is not a document of this bundle"
        )
    doc_id, sha = documents[path]
    if cite.get("sha256") != sha:
        raise RegisterRefused(
            "document", f"{PATH}: {what} cites {path!r} with a SHA-256 that is not the file's"
        )
    return {"document_id": doc_id, "page": cite.get("page")}


def import_data(
    db: Session,
    raw: Any,
    *,
    org_id: int,
    user_id: int,
    request_id: int,
    documents: dict[str, tuple[int, str]],
    agency_for: Callable[..., Agency],
    visibility_for: Callable[[Any], str],
) -> int:
    """Recreate register.json's entries and figures in ``org_id``; returns how many entries.

    ``documents`` maps a bundled path to (imported document id, SHA-256). ``agency_for(db,
    org_id, raw, file=, what=)`` finds or creates an agency in the importer's directory, ``visibility_for`` picks the imported
    visibility (never public). Any refused value raises; the caller keeps nothing.
    """
    data = _obj(raw, "the file")
    viewer = Viewer.member(org_id, user_id)
    entries = _list(data.get("agreements"), "agreements")
    for n, item in enumerate(entries, start=1):
        what = f"agreement {n}"
        local = agency_for(db, org_id, item.get("agency"), file=PATH, what=f"{what}: agency")
        federal = (
            agency_for(
                db, org_id, item.get("federal_agency"), file=PATH, what=f"{what}: federal agency"
            )
            if item.get("federal_agency") is not None
            else None
        )
        with _part(what):
            entry = service.create_agreement(
                db,
                org_id,
                user_id,
                {
                    "kind": item.get("kind"),
                    "title": item.get("title"),
                    "agency_id": local.id,
                    "federal_agency_id": federal.id if federal is not None else None,
                    "federal_component": item.get("federal_component"),
                    "notes": item.get("notes"),
                    "request_id": request_id,
                    "visibility": visibility_for(item.get("visibility")),
                },
            )
        for m, fact in enumerate(_list(item.get("facts"), f"{what}: facts"), start=1):
            where = f"{what}, fact {m} ({str(fact.get('name'))[:30]})"
            cite = _cite(fact.get("citation"), documents, where)
            with _part(where):
                service.add_fact(
                    db,
                    entry,
                    viewer,
                    {
                        "name": fact.get("name"),
                        "value": fact.get("value"),
                        "on": fact.get("on"),
                        "tally": fact.get("tally"),
                        "quote": fact.get("quote"),
                        **cite,
                    },
                )
    skipped = 0
    for n, item in enumerate(_list(data.get("ledger"), "ledger"), start=1):
        what = f"ledger figure {n}"
        agency = agency_for(db, org_id, item.get("agency"), file=PATH, what=f"{what}: agency")
        cite = _cite(item.get("citation"), documents, what)
        with _part(what):
            values = {
                "agency_id": agency.id,
                "fiscal_year": item.get("fiscal_year"),
                "fund": item.get("fund"),
                "line": item.get("line"),
                "amount_cents": item.get("amount_cents"),
                "visibility": visibility_for(item.get("visibility")),
                "quote": item.get("quote"),
                **cite,
            }
            if _kept(db, org_id, values):
                # add_figure replaces a line: an import never overwrites the importer's figure.
                service.check_citation(db, org_id, viewer, values)
                skipped += 1
                continue
            service.add_figure(db, org_id, viewer, values)
    for n, item in enumerate(_list(data.get("sharing_requests"), "sharing_requests"), start=1):
        what = f"sharing request {n}"
        agency = agency_for(db, org_id, item.get("agency"), file=PATH, what=f"{what}: agency")
        cite = _cite(item.get("citation"), documents, what)
        with _part(what):
            values = {
                "agency_id": agency.id,
                **{name: item.get(name) for name in (*SHARING_TEXT, *SHARING_DATES)},
                "decision": item.get("decision"),
                "amount_requested_cents": item.get("amount_requested_cents"),
                "amount_received_cents": item.get("amount_received_cents"),
                "visibility": visibility_for(item.get("visibility")),
                "quote": item.get("quote"),
                **cite,
            }
            if _same_sharing(db, org_id, values):
                service.check_citation(db, org_id, viewer, values)
                skipped += 1
                continue
            service.add_sharing_request(db, org_id, viewer, values)
    if skipped:
        log.info("register: %s ledger rows kept as the organization had them", skipped)
    log.info("register: %s entries imported from a bundle into org %s", len(entries), org_id)
    return len(entries)


def _same_sharing(db: Session, org_id: int, values: dict[str, Any]) -> bool:
    """Whether the organization already records this form for this case and asset."""
    text = {
        name: v.text(values.get(name), name, max_len=100)
        for name in ("form", "case_number", "asset_id")
    }
    return service.same_sharing_request(db, org_id, values["agency_id"], **text) is not None


def _kept(db: Session, org_id: int, values: dict[str, Any]) -> bool:
    """Whether the organization already has a figure for this agency, year, fund and line."""
    year = v.integer(values["fiscal_year"], "fiscal_year", required=True)
    v.integer(values["amount_cents"], "amount_cents", required=True)
    return (
        db.exec(
            select(LedgerFigure.id).where(
                LedgerFigure.org_id == org_id,
                LedgerFigure.agency_id == values["agency_id"],
                LedgerFigure.fiscal_year == year,
                LedgerFigure.fund == values["fund"],
                LedgerFigure.line == values["line"],
            )
        ).first()
        is not None
    )

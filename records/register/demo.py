"""Demo register entries: the seeds' stories, each fact cited to a demo document's page.

The documents are written for the demo and say so on every page ("DEMO MATERIAL"): they imitate
the wording of such records, and their numbers and dates only follow the public reporting the
seeds are drawn from. Called by ``records.ops.demo.seed_demo`` after the requests exist.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from sqlmodel import Session, select

from records.access.visibility import Viewer
from records.core.clock import utc_today
from records.core.models import Agency, RecordRequest, User
from records.directory.service import find_duplicate, name_key
from records.filing.models import Document, TextStatus
from records.register import extract, service

log = logging.getLogger(__name__)
MARK = "DEMO MATERIAL: written for the Records Desk demo; not a real record."

BPD_MOU = f"""{MARK}
MEMORANDUM OF UNDERSTANDING BETWEEN HOMELAND SECURITY INVESTIGATIONS AND THE BIRMINGHAM POLICE DEPARTMENT
This Memorandum of Understanding is entered into by Homeland Security Investigations (HSI) and the Birmingham Police Department under which BPD officers are designated as Title 19 customs officers serving as Task Force Officers.
Designated officers may enforce federal customs law, excluding administrative violations of immigration law.
The Birmingham Police Department will assign up to eight officers to the task force.
\f{MARK}
Task force cases may lead to the possible distribution of some seized money and assets to the Birmingham Police Department through equitable sharing.
This MOU is effective December 1, 2018. It shall remain in effect until November 30, 2021.
Signed on November 14, 2018.
"""
BPD_RESOLUTION = f"""{MARK}
CITY OF BIRMINGHAM RESOLUTION
A resolution authorizing the extension of the Memorandum of Understanding between the Birmingham Police Department and Homeland Security Investigations for up to three years.
BE IT RESOLVED that the Memorandum of Understanding is extended through November 30, 2024.
ADOPTED by the Council on December 7, 2021, by a vote of 6-2.
"""
MIAMI_MOA = f"""{MARK}
MEMORANDUM OF AGREEMENT, 287(g) TASK FORCE MODEL
This Memorandum of Agreement is between U.S. Immigration and Customs Enforcement (ICE) and the City of Miami Police Department under Section 287(g) of the Immigration and Nationality Act, under the Task Force Model.
The City of Miami Police Department will nominate up to 25 officers for training.
This MOA will remain in effect until March 31, 2027.
\f{MARK}
The City Commission approved it 3-2 on March 13, 2025.
Signed on March 20, 2025.
"""
OAKLAND_RESOLUTION = f"""{MARK}
OAKLAND CITY COUNCIL RESOLUTION RESCINDING THE MEMORANDUM OF UNDERSTANDING BETWEEN THE OAKLAND POLICE DEPARTMENT AND HOMELAND SECURITY INVESTIGATIONS DESIGNATING OPD OFFICERS AS U.S. CUSTOMS TITLE 19 TASK FORCE OFFICERS
BE IT RESOLVED: That the Council rescinds the Memorandum of Understanding effective July 18, 2017.
PASSED by a vote of 8-0.
"""
BERNALILLO_ACCESS = f"""{MARK}
INFORMATION ACCESS AGREEMENT BETWEEN THE BERNALILLO COUNTY METROPOLITAN DETENTION CENTER AND U.S. IMMIGRATION AND CUSTOMS ENFORCEMENT, ENFORCEMENT AND REMOVAL OPERATIONS
The Bernalillo County Metropolitan Detention Center will grant ICE Enforcement and Removal Operations personnel read-only access to the jail management system.
ICE shall not retain exports of detention center records for more than 30 days.
This agreement is effective January 1, 2019.
"""
BPD_ESAC = f"""{MARK}
EQUITABLE SHARING AGREEMENT AND CERTIFICATION
Agency Name: Birmingham Police Department
Fiscal Year End Date: 09/30/2023
Department of Justice Program Funds
Beginning Equitable Sharing Fund Balance $412,380.55
Federal Sharing Funds Received $96,120.00
Interest Income $3,184.21
Total Expenditures $151,006.40
Ending Equitable Sharing Fund Balance $360,678.36
\f{MARK}
Department of the Treasury Program Funds
Beginning Equitable Sharing Fund Balance $88,410.00
Federal Sharing Funds Received $204,500.00
Interest Income $1,020.15
Total Expenditures $97,300.00
Ending Equitable Sharing Fund Balance $196,630.15
"""
BPD_TDF = f"""{MARK}
REQUEST FOR TRANSFER OF PROPERTY SEIZED/FORFEITED BY A TREASURY FORFEITURE FUND PARTICIPATING AGENCY
TD F 92-22.46
Requesting Agency: Birmingham Police Department
Seizing Agency: Homeland Security Investigations
Seizure Number: 2023-1901-000456-01
Case type: joint investigation (task force officer)
Date of Seizure: March 14, 2023
Date of Forfeiture: August 2, 2023
Property: $61,800.00 U.S. Currency
Percentage of Property Requested: 20%
Decision: approved. Amount transferred: $12,360.00.
"""

# (request title, document name, text, document visibility, entry kind, title, federal
#  component, entry visibility, facts to take from the text)
STORIES: list[tuple[str, str, str, str, str, str, str, str, tuple[str, ...]]] = [
    (
        "Birmingham PD – HSI task force (Title 19) MOU and renewals",
        "DEMO bpd-hsi-mou-2018.txt",
        BPD_MOU,
        "organization",
        "hsi_title19",
        "Birmingham PD – HSI task force MOU",
        "Homeland Security Investigations",
        "organization",
        ("signed", "effective", "expires", "officers", "exclusions", "sharing"),
    ),
    (
        "Birmingham PD – HSI task force (Title 19) MOU and renewals",
        "DEMO birmingham-resolution-2021.txt",
        BPD_RESOLUTION,
        "organization",
        "",  # adds to the entry above
        "",
        "",
        "",
        ("renewed", "vote"),
    ),
    (
        "Miami 287(g) agreement, nominations and training",
        "DEMO miami-287g-moa.txt",
        MIAMI_MOA,
        "public",
        "287g_tfm",
        "City of Miami 287(g) task force agreement",
        "U.S. Immigration and Customs Enforcement",
        "public",
        ("signed", "expires", "vote", "officers"),
    ),
    (
        "Oakland PD – HSI Title 19 MOU and its rescission",
        "DEMO oakland-rescission-2017.txt",
        OAKLAND_RESOLUTION,
        "public",
        "hsi_title19",
        "Oakland PD – HSI Title 19 task force MOU (rescinded)",
        "Homeland Security Investigations",
        "public",
        ("rescinded", "vote"),
    ),
    (
        "Jail communications with ICE and ICE access to the inmate database",
        "DEMO mdc-ice-access-agreement.txt",
        BERNALILLO_ACCESS,
        "private",
        "database_access",
        "Bernalillo County MDC – ICE access to the jail management system",
        "Enforcement and Removal Operations",
        "private",
        ("effective", "retention"),
    ),
]


def _document(
    db: Session, storage: Any, req: RecordRequest, user: User, name: str, text: str, vis: str
) -> Document:
    from records.filing.service import DocMeta, new_document

    raw = text.encode()
    sha, size = storage.put(io.BytesIO(raw), max_bytes=len(raw) + 1)
    meta = DocMeta(
        date_received=utc_today(),
        exemptions=[],
        redaction_notes="",
        description=MARK,
        visibility=vis,
        embargo_until=None,
        event_id=None,
    )
    doc = new_document(db, req, user.id, sha, size, "text/plain", None, name, "demo", meta)  # type: ignore[arg-type]
    doc.text, doc.text_status, doc.text_progress = text, TextStatus.DONE, 100
    doc.pages = len(extract.pages_of(text))
    db.add(doc)
    db.flush()
    return doc


def seed(db: Session, org_id: int, user: User, storage: Any = None) -> None:
    """Add the register's demo entries to the demo organization (its requests exist). Without a
    file storage there can be no demo documents, so there are no entries either."""
    if storage is None:
        log.info("demo register entries skipped: no file storage to keep their documents")
        return
    viewer = Viewer.member(org_id, user.id)
    agencies = {a.name: a for a in db.exec(select(Agency)).all()}
    oakland = find_duplicate(db, "Oakland Police Department", "CA") or Agency(
        created_by_org_id=org_id,
        name="Oakland Police Department",
        name_key=name_key("Oakland Police Department"),
        level="police",
        jurisdiction="CA",
        mailing_address="455 7th Street, Oakland, CA 94607",
    )
    db.add(oakland)
    db.flush()
    agencies[oakland.name] = oakland
    assert oakland.id is not None and user.id is not None
    db.add(
        RecordRequest(
            org_id=org_id,
            agency_id=oakland.id,
            created_by=user.id,
            assignee_id=user.id,
            subject="agreements",
            title="Oakland PD – HSI Title 19 MOU and its rescission",
            description="The 2016 memorandum of understanding designating OPD officers as customs task force officers and the council resolution rescinding it.",
            visibility="public",
            law_code="CA",
        )
    )
    db.flush()
    requests = {
        r.title: r
        for r in db.exec(select(RecordRequest).where(RecordRequest.org_id == org_id)).all()
    }
    entry = None
    names = list(agencies)
    for title, doc_name, text, doc_vis, kind, entry_title, component, entry_vis, wanted in STORIES:
        req = requests[title]
        doc = _document(db, storage, req, user, doc_name, text, doc_vis)
        if kind:
            entry = service.create_agreement(
                db,
                org_id,
                user.id,
                {
                    "kind": kind,
                    "agency_id": req.agency_id,
                    "title": entry_title,
                    "federal_component": component,
                    "request_id": req.id,
                    "visibility": "private" if entry_vis == "private" else "organization",
                },
            )
        assert entry is not None
        found = {p.name: p for p in extract.propose(text, names) if p.target == "agreement"}
        for name in wanted:
            p = found[name]
            service.add_fact(
                db,
                entry,
                viewer,
                {
                    "name": name,
                    "value": "" if name in extract.DATE_FACTS else p.value,
                    "on": p.on.isoformat() if p.on else None,
                    "tally": p.tally,
                    "document_id": doc.id,
                    "page": p.page,
                    "quote": p.quote,
                },
            )
        if entry_vis == "public":
            service.set_sharing(db, entry, {"visibility": "public"})
    esac_req = requests["Birmingham PD equitable sharing certifications FY2019–FY2025"]
    esac = _document(
        db, storage, esac_req, user, "DEMO bpd-esac-fy2023.txt", BPD_ESAC, "organization"
    )
    for p in extract.propose(BPD_ESAC):
        if p.name == "fiscal_year":
            continue
        service.add_figure(
            db,
            org_id,
            viewer,
            {
                "agency_id": esac_req.agency_id,
                "fiscal_year": p.fiscal_year,
                "fund": p.fund,
                "line": p.name,
                "amount_cents": p.amount_cents,
                "document_id": esac.id,
                "page": p.page,
                "quote": p.quote,
                "visibility": "organization",
            },
        )
    tdf = _document(
        db, storage, esac_req, user, "DEMO bpd-tdf-92-22-46.txt", BPD_TDF, "organization"
    )
    service.add_sharing_request(
        db,
        org_id,
        viewer,
        {
            "agency_id": esac_req.agency_id,
            "form": "tdf9222",
            "seizing_agency": "HSI",
            "asset_id": "2023-1901-000456-01",
            "asset": "$61,800.00 U.S. Currency",
            "seized_on": "2023-03-14",
            "forfeited_on": "2023-08-02",
            "share_percent": "20",
            "amount_requested_cents": 1_236_000,
            "decision": "approved",
            "amount_received_cents": 1_236_000,
            "document_id": tdf.id,
            "page": 1,
            "quote": "Seizure Number: 2023-1901-000456-01",
            "visibility": "organization",
        },
    )

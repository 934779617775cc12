"""Demo data that tells the real story this product exists for. ``seed_demo`` is idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from sqlmodel import Session, select

from records.core.clock import utc_today
from records.core.models import Agency, Membership, Organization, RecordRequest, Role, User
from records.core.security import hash_password
from records.directory.service import find_duplicate, name_key
from records.lifecycle import service as lifecycle

DEMO_ORG = "Gulf South Records Project"
DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "demo-records-desk"  # noqa: S105 - the public demo login printed by `make run`

AGENCIES = [
    # name, level, jurisdiction, component, parent, email, portal, address
    (
        "U.S. Department of Homeland Security",
        "federal",
        "US",
        "DHS",
        None,
        "foia@hq.dhs.gov",
        "https://www.dhs.gov/foia",
        "245 Murray Lane SW, Washington, DC 20528-0655",
    ),
    (
        "U.S. Immigration and Customs Enforcement (ICE) FOIA Office",
        "federal",
        "US",
        "DHS",
        "U.S. Department of Homeland Security",
        "ice-foia@ice.dhs.gov",
        "https://www.ice.gov/foia",
        "500 12th Street SW, Stop 5009, Washington, DC 20536-5009",
    ),
    (
        "U.S. Department of Justice, Criminal Division FOIA/PA Unit",
        "federal",
        "US",
        "DOJ",
        None,
        "crm.foia@usdoj.gov",
        "https://www.justice.gov/criminal/criminal-foia",
        "950 Pennsylvania Avenue NW, Washington, DC 20530-0001",
    ),
    (
        "Birmingham Police Department",
        "city",
        "AL",
        "",
        None,
        "",
        "",
        "1710 1st Avenue North, Birmingham, AL 35203",
    ),
    (
        "Birmingham City Clerk",
        "city",
        "AL",
        "",
        None,
        "",
        "",
        "710 20th Street North, Birmingham, AL 35203",
    ),
    (
        "City of Miami Police Department",
        "city",
        "FL",
        "",
        None,
        "",
        "",
        "400 NW 2nd Avenue, Miami, FL 33128",
    ),
    (
        "Bernalillo County Metropolitan Detention Center",
        "jail",
        "NM",
        "",
        None,
        "",
        "",
        "100 John Dantis Drive SW, Albuquerque, NM 87151",
    ),
]

# What has happened to each demo request, in days before the day the demo is seeded, so the
# dashboard always shows a live mix: waiting, acknowledged, extended, overdue and denied.
TIMELINES: dict[str, list[tuple[int, str, dict[str, object]]]] = {
    "Birmingham PD – HSI task force (Title 19) MOU and renewals": [
        (30, "sent", {}),
        (26, "acknowledged", {"tracking_number": "ORR-2026-0412"}),
    ],
    "Miami 287(g) agreement, nominations and training": [(6, "sent", {})],
    "Birmingham PD equitable sharing certifications FY2019–FY2025": [
        (60, "sent", {}),
        (55, "acknowledged", {}),
        (20, "partial_release", {}),
    ],
    "Jail communications with ICE and ICE access to the inmate database": [(24, "sent", {})],
    "ICE: 287(g) agreements with Florida agencies": [
        (40, "sent", {}),
        (38, "acknowledged", {"tracking_number": "2026-ICFO-31337"}),
        (12, "extension_claimed", {}),
    ],
    "DOJ: equitable sharing payments to Birmingham PD": [
        (75, "sent", {}),
        (70, "acknowledged", {"tracking_number": "CRM-300112233"}),
        (9, "denial", {"exemptions": "(b)(7)(A), (b)(7)(C)"}),
    ],
}

REQUESTS = [
    (
        "Birmingham Police Department",
        "agreements",
        "Birmingham PD – HSI task force (Title 19) MOU and renewals",
        "The memorandum of understanding between the Birmingham Police Department and Homeland Security Investigations designating BPD officers as task force officers (customs cross-designation), every renewal and amendment, the council resolution approving the 2021 extension, and provisions on sharing of seized money and assets.",
        date(2016, 1, 1),
        None,
        "organization",
    ),
    (
        "City of Miami Police Department",
        "agreements",
        "Miami 287(g) agreement, nominations and training",
        "The 287(g) memorandum of agreement with ICE, the model chosen (task force or warrant service officer), nomination letters for participating officers, training completion records, and steering-committee minutes.",
        date(2025, 1, 20),
        None,
        "public",
    ),
    (
        "Birmingham Police Department",
        "forfeiture",
        "Birmingham PD equitable sharing certifications FY2019–FY2025",
        "Annual Equitable Sharing Agreement and Certification forms with attachments, DAG-71 and TD F 92-22.46 sharing requests, and ledger detail for the equitable-sharing fund.",
        date(2018, 10, 1),
        date(2025, 9, 30),
        "organization",
    ),
    (
        "Bernalillo County Metropolitan Detention Center",
        "communications",
        "Jail communications with ICE and ICE access to the inmate database",
        "Emails between detention center staff and addresses ending in ice.dhs.gov or dhs.gov, I-247A detainers received, release notifications sent to ICE, and records of ICE user accounts on the jail management system.",
        date(2024, 1, 1),
        None,
        "private",
    ),
    (
        "U.S. Immigration and Customs Enforcement (ICE) FOIA Office",
        "agreements",
        "ICE: 287(g) agreements with Florida agencies",
        "Every 287(g) memorandum of agreement signed with a Florida state or local agency since 2025-01-20, with amendments and the model designation.",
        date(2025, 1, 20),
        None,
        "organization",
    ),
    (
        "U.S. Department of Justice, Criminal Division FOIA/PA Unit",
        "forfeiture",
        "DOJ: equitable sharing payments to Birmingham PD",
        "Records of equitable sharing payments from the Assets Forfeiture Fund to the Birmingham Police Department, by fiscal year, with the DAG-71 requests they answered.",
        date(2018, 10, 1),
        None,
        "organization",
    ),
]


def seed_demo(db: Session, storage: Any = None) -> bool:
    """Create the demo organization and its data unless it already exists. Returns True if created."""
    if db.exec(select(Organization).where(Organization.name == DEMO_ORG)).first():
        return False
    org = Organization(name=DEMO_ORG, kind="advocacy")
    db.add(org)
    user = db.exec(select(User).where(User.email == DEMO_EMAIL)).first()
    if user is None:
        user = User(
            email=DEMO_EMAIL, name="Demo Reporter", password_hash=hash_password(DEMO_PASSWORD)
        )
        db.add(user)
    db.flush()
    org_id, user_id = cast(int, org.id), cast(int, user.id)  # flushed: the ids are set
    db.add(Membership(org_id=org_id, user_id=user_id, role=Role.OWNER))
    by_name: dict[str, Agency] = {}
    for name, level, juris, component, parent, email, portal, address in AGENCIES:
        agency = find_duplicate(db, name, juris) or Agency(
            created_by_org_id=org.id,
            name=name,
            name_key=name_key(name),
            level=level,
            jurisdiction=juris,
            component=component,
            parent_id=by_name[parent].id if parent else None,
            foia_email=email,
            portal_url=portal,
            mailing_address=address,
        )
        db.add(agency)
        db.flush()
        by_name[name] = agency
    today = utc_today()
    for agency_name, subject, title, description, start, end, visibility in REQUESTS:
        agency = by_name[agency_name]
        req = RecordRequest(
            org_id=org_id,
            agency_id=cast(int, agency.id),
            created_by=user_id,
            assignee_id=user.id,
            subject=subject,
            title=title,
            description=description,
            date_from=start,
            date_to=end,
            visibility=visibility,
            law_code=agency.jurisdiction,
        )
        db.add(req)
        db.flush()
        for days_ago, kind, data in TIMELINES.get(title, []):
            on = today - timedelta(days=days_ago)
            lifecycle.record_event(db, req, kind, on, actor_id=user.id, data=dict(data))
    db.flush()
    # The agreement register's demo entries, with their demo documents (records/register/demo.py).
    from records.register import demo as register_demo

    register_demo.seed(db, org_id, user, storage if storage is not None else _storage())
    db.flush()
    return True


def _storage() -> Any:
    """The app's file storage when there is an app (demo documents can then be downloaded)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return None
    from records.core.storage_local import get_storage

    return get_storage(current_app)

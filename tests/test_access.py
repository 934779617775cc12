"""Cross-organization access: every HTML and API route that names an object answers 404 to
another organization. The walk is driven by the URL map, so a new route is covered automatically
(or fails until its arguments are classified here)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from flask import url_for
from sqlmodel import select

from records.filing.models import Document, ProposedEvent
from records.letters.models import BatchJob
from records.lifecycle.models import AgencyClosure, Event
from records.notify.models import CalendarFeed, Notification
from records.projects.models import Project, ProjectRequest
from records.register.models import Agreement, FollowUp, RegisterFact, RegisterProposal
from tests.conftest import assert_redirect, bearer, login

# Argument name -> the victim object it refers to.
ID_ARGS = {
    "request_id": "request",
    "agency_id": "agency",
    "doc_id": "document",
    "proposed_id": "proposed",
    "letter_id": "letter",
    "batch_id": "batch",
    "event_id": "event",
    "notification_id": "notification",
    "feed_id": "feed",
    "closure_id": "closure",
    "message_id": "held_mail",
    "agreement_id": "agreement",
    "fact_id": "fact",
    "proposal_id": "register_proposal",
    "follow_up_id": "follow_up",
    "project_id": "project",
}
# Arguments that are not object ids, with a valid value for each.
OTHER_ARGS = {"fmt": "docx", "which": "follow-up", "action": "confirm"}
# Routes about a shared directory entry (its only object argument): every member may read
# them, and nothing of another organization's (its notes, requests, closure days) may show.
SHARED = {
    "agencies.show",
    "agencies.edit",
    "agencies.add_closure",
    "agencies.history_page",
    "agencies.merge",
    "api.get_agency",
    "api.patch_agency",
    "reports.agency",  # the card counts only the caller's own requests (test_reports)
    "reports.agency_pdf",
    "api.report_card",
}
# Routes not about another organization's objects, each with the reason.
EXEMPT = {
    "static": "app assets",
    "laws.show": "public law library",
    "law_calculator.calculate": "public calculator; <code> is a law code",
    "public.show": "public archive, tested in test_sharing",
    "public.download": "public archive, tested in test_sharing",
    "orgs.join": "invite token, tested in test_orgs",
    "orgs.revoke_token": "own tokens only, tested in test_auth",
    "orgs.change_role": "owner-only member admin, tested in test_orgs",
    "orgs.remove_member": "owner-only member admin, tested in test_orgs",
    "letters.template_piece": "the current organization's own template",
    "notifications.create_calendar": "creates a feed for the caller",
    "notifications.feed": "secret feed token, tested in test_ical",
    "public_register.entry": "public register by stable id, tested in test_register",
    "api.get_agreement": "by stable id (a string), cross-organization 404 tested in test_register",
    "reports.state": "<code> is a state; the caller's own requests only, tested in test_reports",
    "reports.export_requests": "<ext> is a format; the caller's own list, tested in test_reports",
    "reports.export_events": "<ext> is a format; the caller's own list, tested in test_reports",
    "reports.export_documents": "<ext> is a format; the caller's own list, tested in test_reports",
    "public_reports.public_state": "public report cards, public requests only (test_reports)",
}

EML = (
    b"From: FOIA Officer <foia@agency.example.gov>\r\nTo: reporter@example.org\r\n"
    b"Subject: Acknowledgment of your request\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\n"
    b"Message-ID: <ack-1@agency.example.gov>\r\n\r\nWe received your request. Victim body.\r\n"
)


@pytest.fixture
def victim(app, client, factory, db):
    org = factory.org("Victim Org")
    owner = factory.user(org)
    # The directory is shared: the agency itself is everyone's, its notes the victim's own.
    agency = factory.agency(
        org, name="Shared County Police", level="police", jurisdiction="AL", notes="Victim Agency"
    )
    req = factory.request(org, owner, agency, title="Victim request", visibility="organization")
    h = bearer(factory.token(owner, org))
    c = app.test_client()
    doc = c.post(
        f"/api/v1/requests/{req.id}/documents",
        headers=h,
        data={"file": (io.BytesIO(b"a,b\n1,Victim cell\n"), "victim.csv")},
        content_type="multipart/form-data",
    )
    assert doc.status_code == 201, doc.get_data(as_text=True)
    eml = c.post(
        f"/api/v1/requests/{req.id}/documents",
        headers=h,
        data={"file": (io.BytesIO(EML), "victim.eml")},
        content_type="multipart/form-data",
    )
    assert eml.status_code == 201, eml.get_data(as_text=True)
    letter = c.post(
        f"/api/v1/requests/{req.id}/letters",
        headers=h,
        json={
            "subject": "agreements",
            "items": ["moa_287g"],
            "letter_date": "2026-11-20",
            "variables": {"date_from": "2025-01-20"},
        },
    )
    assert letter.status_code == 201, letter.get_data(as_text=True)
    event = c.post(
        f"/api/v1/requests/{req.id}/events", headers=h, json={"type": "sent", "date": "2026-11-20"}
    )
    assert event.status_code in (200, 201), event.get_data(as_text=True)
    now = datetime(2026, 11, 24, tzinfo=UTC)
    held_mail = _held_mail(app, org)
    project = Project(org_id=org.id, name="Victim project")
    db.add(project)
    db.commit()
    db.add(ProjectRequest(org_id=org.id, project_id=project.id, request_id=req.id))
    db.commit()
    objs = {
        "project": project,
        "held_mail": held_mail,
        "org": org,
        "request": req,
        "agency": agency,
        "document": db.exec(select(Document).where(Document.request_id == req.id)).first(),
        "proposed": db.exec(select(ProposedEvent)).first(),
        "letter": type("L", (), {"id": letter.json["id"]}),
        "event": db.exec(select(Event).where(Event.request_id == req.id)).first(),
        "batch": factory._save(
            BatchJob(
                org_id=org.id,
                created_by=owner.id,
                subject="agreements",
                letter_date=date(2026, 11, 20),
            )
        ),
        "notification": factory._save(
            Notification(
                org_id=org.id,
                user_id=owner.id,
                request_id=req.id,
                kind="due",
                title="Victim due",
                created_at=now,
            )
        ),
        "closure": factory._save(
            AgencyClosure(
                org_id=org.id,
                agency_id=agency.id,
                name="Victim closure",
                source="Victim notice",
                on=date(2026, 11, 27),
            )
        ),
        "feed": factory._save(
            CalendarFeed(
                org_id=org.id,
                user_id=owner.id,
                created_by=owner.id,
                token_hash="0" * 64,
                prefix="victim",
            )
        ),
    }
    entry = factory._save(
        Agreement(org_id=org.id, kind="hsi_title19", title="Victim agreement", agency_id=agency.id)
    )
    objs["agreement"] = entry
    objs["fact"] = factory._save(
        RegisterFact(
            org_id=org.id, agreement_id=entry.id, kind="term", name="scope", value="Victim scope"
        )
    )
    objs["register_proposal"] = factory._save(
        RegisterProposal(
            org_id=org.id,
            request_id=req.id,
            document_id=objs["document"].id,
            target="agreement",
            name="kind",
            value="hsi_title19",
        )
    )
    objs["follow_up"] = factory._save(
        FollowUp(
            org_id=org.id,
            agreement_id=entry.id,
            agency_id=agency.id,
            kind="sharing",
            title="Victim follow-up",
            subject="forfeiture",
        )
    )
    assert all(v is not None for v in objs.values()), objs
    return objs


def _held_mail(app, org):
    """A message in the victim's holding pen, received the way the mailbox receives it."""
    from sqlmodel import Session

    from records.core.storage_local import get_storage
    from records.inbound import service

    with app.app_context(), Session(app.extensions["db_engine"], expire_on_commit=False) as s:
        service.save_mailbox(s, app.config, org.id, {"address": "victim@victim.example"})
        s.commit()
        raw = b"From: someone@x.example\r\nTo: victim@victim.example\r\nSubject: Victim mail\r\n\r\nHi\r\n"
        got = service.receive(s, get_storage(app), app.config, raw, org_id=org.id)
    assert got.state == "held"
    return got.message


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT or not rule.arguments:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def test_every_object_route_is_404_for_another_org(app, factory, victim):
    attacker_org = factory.org("Attacker Org")
    attacker = factory.user(attacker_org)
    token = factory.token(attacker, attacker_org)
    client = app.test_client()
    login(client, attacker, attacker_org)
    checked = []
    for rule, method in _routes(app):
        unknown = set(rule.arguments) - set(ID_ARGS) - set(OTHER_ARGS)
        assert not unknown, (
            f"{rule.rule}: classify {unknown} in ID_ARGS/OTHER_ARGS, or EXEMPT the route with a reason"
        )
        values = {
            arg: victim[ID_ARGS[arg]].id if arg in ID_ARGS else OTHER_ARGS[arg]
            for arg in rule.arguments
        }
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        api = rule.rule.startswith("/api/")
        resp = client.open(
            url,
            method=method,
            headers=bearer(token) if api else {},
            json={} if api and method != "GET" else None,
        )
        if rule.endpoint in SHARED:
            assert resp.status_code < 500, f"{method} {url} answered {resp.status_code}"
        else:
            assert resp.status_code == 404, f"{method} {url} answered {resp.status_code}"
        assert b"Victim" not in resp.data, f"{method} {url} leaked the victim's data"
        checked.append(f"{method} {rule.rule}")
    assert len(checked) >= 40, checked


def test_lists_and_search_do_not_leak_other_orgs(app, factory, victim):
    org = factory.org()
    user = factory.user(org)
    client = app.test_client()
    login(client, user, org)
    for url in (
        "/",
        "/requests/",
        "/agencies/",
        "/requests/?q=Victim",
        "/agencies/?q=Victim",
        "/search?q=Victim",
        "/calendar?month=2026-12",
        "/notifications/",
    ):
        body = client.get(url).get_data(as_text=True)
        for secret in ("Victim request", "Victim Agency", "Victim cell", "Victim due"):
            assert secret not in body, f"{url} leaked {secret!r}"
    token = factory.token(user, org)
    assert client.get("/api/v1/requests", headers=bearer(token)).json["total"] == 0
    shared = client.get("/api/v1/agencies", headers=bearer(token)).json
    assert shared["total"] == 1 and shared["items"][0]["notes"] == ""  # not the victim's
    hits = client.get("/api/v1/search?q=Victim", headers=bearer(token)).get_data(as_text=True)
    assert "Victim request" not in hits and "Victim cell" not in hits


def test_anonymous_is_sent_to_login(client, victim):
    for url in (
        f"/requests/{victim['request'].id}",
        f"/agencies/{victim['agency'].id}",
        f"/documents/{victim['document'].id}",
        f"/letters/{victim['letter'].id}",
        "/requests/",
        "/settings",
    ):
        assert_redirect(client.get(url), "/login")  # a failure shows the Location and its ?next=

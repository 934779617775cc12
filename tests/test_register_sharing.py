"""DAG-71 and TD F 92-22.46 sharing requests in the forfeiture ledger, refused forms that keep what
was typed, and quotes checked once an imported document's text is read. Everything goes through
the ledger's pages, the API and bundle import/export."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from records.register.models import (
    QUOTE_CHECKED,
    QUOTE_NOT_FOUND,
    QUOTE_PENDING,
    Agreement,
    RegisterFact,
    SharingRequest,
)
from tests.conftest import assert_redirect, bearer, login
from tests.test_register import _extract, _upload
from tests.test_register_bundle import _export, _import, _with_register, _zip

DAG71 = """U.S. Department of Justice
Equitable Sharing Request (Form DAG-71)

Requesting agency: Birmingham Police Department
Seizing agency: DEA
Case Number: 2026-DEA-001234
Asset ID: 26-DEA-778899
Asset: $48,000.00 U.S. Currency
Percentage requested: 25%
\f
Decision: approved. Amount shared: $12,000.00, paid March 3, 2026.
"""


def _sharing(client, **form):
    return client.post("/agreements/ledger/sharing-requests", data=form)


@pytest.fixture
def ledger(app, client, factory, member, clock):
    org, user = member
    bpd = factory.agency(org, name="Birmingham Police Department", jurisdiction="AL")
    sheriff = factory.agency(org, name="Jefferson County Sheriff's Office", jurisdiction="AL")
    req = factory.request(org, user, bpd, title="BPD equitable sharing", visibility="public")
    token = factory.token(user, org)
    doc = _upload(client, token, req.id, "dag71.txt", DAG71, visibility="public")
    assert _extract(app, clock) == 1
    return {
        "org": org,
        "user": user,
        "bpd": bpd,
        "sheriff": sheriff,
        "req": req,
        "doc": doc,
        "token": token,
    }


def _three(client, ledger) -> None:
    """Two DAG-71s and one TD F 92-22.46, worked below by hand."""
    resp = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="dag71",
        seizing_agency="DEA",
        case_number="2026-DEA-001234",
        asset_id="26-DEA-778899",
        asset="$48,000.00 U.S. Currency",
        seized_on="2025-10-01",
        forfeited_on="2026-01-05",
        filed_on="2026-01-20",
        share_percent="25%",
        amount_requested="12,000.00",
        decision="approved",
        amount_received="12,000.00",
        paid_on="2026-03-03",
        document_id=ledger["doc"],
        page="1",
        quote="Case Number: 2026-DEA-001234",
        visibility="public",
    )
    assert_redirect(resp, "/agreements/ledger")
    resp = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="dag71",
        seizing_agency="FBI",
        case_number="2026-FBI-000077",
        share_percent="10",
        decision="denied",
    )
    assert_redirect(resp, "/agreements/ledger")
    resp = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="tdf9222",
        seizing_agency="HSI",
        asset_id="2026-4801-000123-01",
        amount_requested="5,500.50",
        decision="partial",
        amount_received="2,000.25",
    )
    assert_redirect(resp, "/agreements/ledger")


def test_sharing_requests_are_listed_with_cases_and_summed_by_hand(client, db, ledger):
    _three(client, ledger)
    rows = db.exec(select(SharingRequest).order_by(SharingRequest.id)).all()
    assert [(r.form, r.case_number, r.asset_id) for r in rows] == [
        ("dag71", "2026-DEA-001234", "26-DEA-778899"),
        ("dag71", "2026-FBI-000077", ""),
        ("tdf9222", "", "2026-4801-000123-01"),
    ]
    first = rows[0]
    assert (first.share_percent, first.amount_requested_cents, first.amount_received_cents) == (
        "25",
        1_200_000,
        1_200_000,
    )
    assert first.quote_state == QUOTE_CHECKED and str(first.paid_on) == "2026-03-03"

    body = client.get("/agreements/ledger").get_data(as_text=True)
    assert "Sharing requests (DAG-71 and TD F 92-22.46)" in body
    assert "Case 2026-DEA-001234" in body and "Asset 2026-4801-000123-01" in body
    assert "Approved in part" in body and "paid 2026-03-03" in body

    api = client.get("/api/v1/register/sharing-requests", headers=bearer(ledger["token"])).json
    assert len(api["sharing_requests"]) == 3
    assert api["sharing_requests"][0]["fund"] == "justice"
    assert api["sharing_requests"][0]["source"]["page"] == 1
    sums = {(s["agency_id"], s["form"]): s for s in api["sums"]}
    # DAG-71: asked 12,000.00 (the FBI request states no amount); received 12,000.00.
    assert sums[(ledger["bpd"].id, "dag71")] == {
        "agency_id": ledger["bpd"].id,
        "form": "dag71",
        "count": 2,
        "requested": 1_200_000,
        "received": 1_200_000,
    }
    # TD F 92-22.46: asked 5,500.50, received 2,000.25.
    assert (
        sums[(ledger["bpd"].id, "tdf9222")]["requested"],
        sums[(ledger["bpd"].id, "tdf9222")]["received"],
    ) == (550_050, 200_025)
    # By state: both forms, all three requests are Alabama's.
    by_state = {(s["state"], s["form"]): (s["count"], s["received"]) for s in api["sums_by_state"]}
    assert by_state == {("AL", "dag71"): (2, 1_200_000), ("AL", "tdf9222"): (1, 200_025)}
    assert "State: AL" in body
    one = client.get(
        f"/api/v1/register/sharing-requests?agency_id={ledger['sheriff'].id}",
        headers=bearer(ledger["token"]),
    ).json
    assert one["sharing_requests"] == [] and one["sums"] == []
    bad = client.get(
        "/api/v1/register/sharing-requests?agency_id=x", headers=bearer(ledger["token"])
    )
    assert bad.status_code == 422 and bad.json["error"]["field"] == "agency_id"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"share_percent": "150"}, "share_percent", "percentage"),
        ({"case_number": "", "asset_id": ""}, "case_number", "case number or the asset id"),
        ({"forfeited_on": "2025-09-01"}, "forfeited_on", "before the seizure"),
        ({"decision": "denied", "amount_received": "10.00"}, "amount_received", "no amount"),
        ({"amount_requested": "a lot"}, "amount_requested", "in dollars"),
        ({"quote": "words not on the page"}, "quote", "not on page 1"),
        ({"form": "dag-72"}, "form", "DAG-71"),
    ],
)
def test_a_refused_sharing_request_keeps_what_was_typed(client, db, ledger, change, field, message):
    form = {
        "agency_id": str(ledger["sheriff"].id),
        "form": "dag71",
        "seizing_agency": "ATF",
        "case_number": "2026-ATF-4242",
        "asset_id": "26-ATF-1",
        "asset": "2019 Ford F-150 pickup <truck>",
        "seized_on": "2025-10-01",
        "decision": "pending",
        "document_id": str(ledger["doc"]),
        "page": "1",
        **change,
    }
    resp = _sharing(client, **form)
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Not saved:" in body and message in body
    assert 'aria-invalid="true" aria-describedby="s-' in body
    for name in ("seizing_agency", "asset_id", "seized_on"):
        if form[name]:
            assert f'name="{name}" type="' in body and f'value="{form[name]}"' in body, name
    assert "2019 Ford F-150 pickup &lt;truck&gt;</textarea>" in body  # typed, and escaped
    assert f'<option value="{ledger["sheriff"].id}" selected>' in body
    assert db.exec(select(SharingRequest)).all() == []


def test_a_refused_ledger_figure_keeps_what_was_typed(client, db, ledger):
    resp = client.post(
        "/agreements/ledger",
        data={
            "agency_id": ledger["sheriff"].id,
            "fiscal_year": "2024",
            "fund": "treasury",
            "line": "interest",
            "amount": "twelve",
            "quote": "Interest Income",
        },
    )
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "write the amount in dollars" in body
    assert 'value="twelve"' in body and 'value="2024"' in body and 'value="Interest Income"' in body
    assert '<option value="treasury" selected>' in body
    assert '<option value="interest" selected>' in body


def test_the_same_case_and_asset_is_refused_twice(client, db, ledger):
    _three(client, ledger)
    again = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="dag71",
        case_number="2026-DEA-001234",
        asset_id="26-DEA-778899",
    )
    assert again.status_code == 400
    assert "already has a DOJ Equitable Sharing Request (Form DAG-71)" in again.get_data(
        as_text=True
    )
    # The same case on the Treasury form is another request.
    other = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="tdf9222",
        case_number="2026-DEA-001234",
        asset_id="26-DEA-778899",
    )
    assert_redirect(other, "/agreements/ledger")
    assert len(db.exec(select(SharingRequest)).all()) == 4


def test_who_sees_sharing_requests(app, client, db, factory, ledger):
    _three(client, ledger)
    # Viewers read; only editors write.
    viewer = factory.user(ledger["org"], role="viewer")
    login(client, viewer, ledger["org"])
    assert "Case 2026-DEA-001234" in client.get("/agreements/ledger").get_data(as_text=True)
    assert (
        _sharing(client, agency_id=ledger["bpd"].id, form="dag71", case_number="x").status_code
        == 403
    )
    # A member's private record is theirs alone.
    login(client, ledger["user"], ledger["org"])
    resp = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="dag71",
        case_number="PRIVATE-CASE-9",
        visibility="private",
    )
    assert_redirect(resp, "/agreements/ledger")
    peer = factory.user(ledger["org"], role="editor")
    login(client, peer, ledger["org"])
    page = client.get("/agreements/ledger").get_data(as_text=True)
    assert "Case 2026-DEA-001234" in page and "PRIVATE-CASE-9" not in page
    peer_api = client.get(
        "/api/v1/register/sharing-requests", headers=bearer(factory.token(peer, ledger["org"]))
    ).json
    assert "PRIVATE-CASE-9" not in json.dumps(peer_api) and len(peer_api["sharing_requests"]) == 3

    # Another organization sees none of them, and cannot cite them onto its own agencies.
    other = factory.org()
    outsider = factory.user(other, role="editor")
    login(client, outsider, other)
    assert "2026-DEA-001234" not in client.get("/agreements/ledger").get_data(as_text=True)
    api = client.get(
        "/api/v1/register/sharing-requests", headers=bearer(factory.token(outsider, other))
    ).json
    assert api == {"sharing_requests": [], "sums": [], "sums_by_state": []}
    # The directory is shared: it may record its own DAG-71 for the same agency, which the
    # first organization never sees.
    own = _sharing(client, agency_id=ledger["bpd"].id, form="dag71", case_number="OTHER-ORG-1")
    assert_redirect(own, "/agreements/ledger")
    login(client, ledger["user"], ledger["org"])
    assert "OTHER-ORG-1" not in client.get("/agreements/ledger").get_data(as_text=True)
    mine = client.get("/api/v1/register/sharing-requests", headers=bearer(ledger["token"])).json
    assert "OTHER-ORG-1" not in json.dumps(mine)

    # The public ledger shows the public record only (the others are organization-wide).
    client.get("/logout")
    public = client.get("/public/ledger").get_data(as_text=True)
    assert "Case 2026-DEA-001234" in public
    assert "2026-FBI-000077" not in public and "PRIVATE-CASE-9" not in public


def test_a_public_record_cannot_cite_a_private_document(client, db, factory, ledger):
    req = factory.request(ledger["org"], ledger["user"], ledger["bpd"], title="internal")
    private = _upload(client, ledger["token"], req.id, "note.txt", DAG71, visibility="private")
    resp = _sharing(
        client,
        agency_id=ledger["bpd"].id,
        form="dag71",
        case_number="2026-DEA-001234",
        document_id=private,
        page="1",
        visibility="public",
    )
    assert resp.status_code == 400
    assert "publish the document first" in resp.get_data(as_text=True)


def test_bundles_carry_sharing_requests_and_quotes_are_checked_once_the_text_is_read(
    app, client, db, factory, clock, ledger
):
    _three(client, ledger)
    entry = client.post(
        "/agreements/new",
        data={"kind": "equitable_sharing", "agency_id": ledger["bpd"].id, "title": "BPD ESA"},
    )
    entry_id = int(entry.headers["Location"].rsplit("/", 1)[1])
    assert_redirect(entry, f"/agreements/{entry_id}")
    resp = client.post(
        f"/agreements/{entry_id}/facts",
        data={
            "name": "sharing",
            "value": "25% of the currency",
            "document_id": ledger["doc"],
            "page": "1",
            "quote": "Percentage requested: 25%",
        },
    )
    assert_redirect(resp, f"/agreements/{entry_id}")
    members = _export(client, ledger["user"], ledger["org"], ledger["req"].id)
    register = json.loads(members["register.json"])
    assert [r["case_number"] for r in register["sharing_requests"]] == ["2026-DEA-001234"]
    exported = register["sharing_requests"][0]
    assert exported["decision"] == "approved" and exported["amount_received_cents"] == 1_200_000

    # A second organization imports it, with one quote edited so it is no longer on its page.
    register["agreements"][0]["facts"][0]["quote"] = "Percentage requested: 75%"
    partner = factory.org()
    editor = factory.user(partner, role="editor")
    token = factory.token(editor, partner)
    resp = _import(client, token, _with_register(members, register))
    assert resp.status_code == 201, resp.json
    copy = db.exec(select(SharingRequest).where(SharingRequest.org_id == partner.id)).one()
    fact = db.exec(select(RegisterFact).where(RegisterFact.org_id == partner.id)).one()
    # The imported documents' text has not been read yet: both quotes wait.
    assert (copy.quote_state, fact.quote_state) == (QUOTE_PENDING, QUOTE_PENDING)
    login(client, editor, partner)
    page = client.get("/agreements/ledger").get_data(as_text=True)
    assert "quote not checked yet" in page

    assert _extract(app, clock) >= 1
    db.expire_all()
    assert db.get(SharingRequest, copy.id).quote_state == QUOTE_CHECKED
    assert db.get(RegisterFact, fact.id).quote_state == QUOTE_NOT_FOUND
    page = client.get(f"/agreements/{fact.agreement_id}").get_data(as_text=True)
    assert "these words were not found on page 1" in page

    # Importing the same bundle again keeps the organization's record, not a second copy.
    again = _import(client, token, _zip(members))
    assert again.status_code == 201, again.json
    assert (
        len(db.exec(select(SharingRequest).where(SharingRequest.org_id == partner.id)).all()) == 1
    )


def test_a_refused_register_entry_keeps_what_was_typed(client, db, factory, ledger):
    resp = client.post(
        "/agreements/new",
        data={
            "kind": "287g_tfm",
            "agency_id": "999999",  # no such agency
            "federal_component": "ERO Miami",
            "title": "Task force MOA, 2025 <renewal>",
        },
    )
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert "Not saved:" in body and "choose an agency from the directory" in body
    assert 'value="ERO Miami"' in body and 'value="Task force MOA, 2025 &lt;renewal&gt;"' in body
    assert '<option value="287g_tfm" selected>' in body
    assert db.exec(select(Agreement)).all() == []


def test_a_filed_sharing_form_is_proposed_and_enters_only_when_confirmed(client, db, ledger):
    from records.register.models import RegisterProposal

    (proposal,) = db.exec(
        select(RegisterProposal).where(RegisterProposal.document_id == ledger["doc"])
    ).all()
    assert (proposal.target, proposal.page, proposal.quote) == (
        "sharing",
        1,
        "Case Number: 2026-DEA-001234",
    )
    assert db.exec(select(SharingRequest)).all() == []  # nothing enters unconfirmed
    page = client.get(f"/agreements/documents/{ledger['doc']}").get_data(as_text=True)
    assert 'name="case_number" value="2026-DEA-001234"' in page
    assert 'name="amount_received" value="12,000.00"' in page
    assert '<option value="approved" selected>' in page

    # Confirmed with one correction: the share asked was 30%, not 25%.
    form = {
        "action": "confirm",
        "form": "dag71",
        "seizing_agency": "DEA",
        "case_number": "2026-DEA-001234",
        "asset_id": "26-DEA-778899",
        "asset": "$48,000.00 U.S. Currency",
        "seized_on": "",
        "forfeited_on": "",
        "share_percent": "30",
        "amount_requested": "",
        "amount_received": "12,000.00",
        "paid_on": "2026-03-03",
        "decision": "approved",
        "quote": proposal.quote,
    }
    resp = client.post(f"/agreements/proposals/{proposal.id}", data=form)
    assert_redirect(resp, f"/agreements/documents/{ledger['doc']}")
    row = db.exec(select(SharingRequest)).one()
    assert (row.form, row.case_number, row.share_percent, row.amount_received_cents) == (
        "dag71",
        "2026-DEA-001234",
        "30",
        1_200_000,
    )
    assert (row.document_id, row.page, row.quote_state) == (ledger["doc"], 1, QUOTE_CHECKED)
    assert str(row.paid_on) == "2026-03-03" and row.agency_id == ledger["bpd"].id
    db.refresh(proposal)
    assert proposal.state == "confirmed"
    again = client.post(f"/agreements/proposals/{proposal.id}", data=form)
    assert_redirect(again, f"/agreements/documents/{ledger['doc']}")
    assert len(db.exec(select(SharingRequest)).all()) == 1  # decided once


def test_the_sharing_form_reader_on_both_forms():
    from records.register import extract
    from records.register.demo import BPD_TDF

    (dag,) = extract.propose(DAG71)
    fields = json.loads(dag.value)
    assert fields == {
        "amount_received_cents": 1_200_000,
        "asset": "$48,000.00 U.S. Currency",
        "asset_id": "26-DEA-778899",
        "case_number": "2026-DEA-001234",
        "decision": "approved",
        "form": "dag71",
        "paid_on": "2026-03-03",
        "seizing_agency": "DEA",
        "share_percent": "25",
    }
    (tdf,) = extract.propose(BPD_TDF)
    fields = json.loads(tdf.value)
    assert (fields["form"], fields["asset_id"], fields["seized_on"], fields["forfeited_on"]) == (
        "tdf9222",
        "2023-1901-000456-01",
        "2023-03-14",
        "2023-08-02",
    )
    assert tdf.fund == "treasury" and tdf.quote == "Seizure Number: 2023-1901-000456-01"
    # A letter that only mentions the form is not a form.
    assert extract.propose("Please send every DAG-71 your department filed since 2020.") == []

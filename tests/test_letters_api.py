"""Letters over the JSON API: draft, read, edit, mark sent, download; OpenAPI lists them."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from records.letters.models import RequesterProfile
from records.letters.output import docx_paragraphs
from records.lifecycle.models import Event
from tests.conftest import bearer


@pytest.fixture
def setup(db, factory):
    org = factory.org()
    user = factory.user(org)
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="NY"))
    db.commit()
    agency = factory.agency(org, name="Albany County Sheriff", level="sheriff", jurisdiction="NY")
    req = factory.request(org, user, agency)
    return org, user, req, bearer(factory.token(user, org))


def test_draft_edit_send_download(client, db, setup):
    _org, _user, req, auth = setup
    body = {
        "subject": "communications",
        "items": ["detainers_i247a", "release_notifications"],
        "variables": {"date_from": "2025-01-20", "facility": "the Albany County Jail"},
        "fee_cap": 20,
        "letter_date": "2026-11-24",
    }
    resp = client.post(f"/api/v1/requests/{req.id}/letters", json=body, headers=auth)
    assert resp.status_code == 201, resp.json
    letter = resp.json
    assert letter["law_code"] == "NY"
    assert "Albany County Jail" in letter["text"]
    assert "$20" in letter["text"]

    listed = client.get(f"/api/v1/requests/{req.id}/letters", headers=auth).json
    assert [x["id"] for x in listed["items"]] == [letter["id"]]

    new_text = letter["text"] + "\nEdited through the API.\n"
    patched = client.patch(f"/api/v1/letters/{letter['id']}", json={"text": new_text}, headers=auth)
    assert patched.status_code == 200
    assert "Edited through the API." in patched.json["text"]

    docx = client.get(f"/api/v1/letters/{letter['id']}/download.docx", headers=auth)
    assert "Edited through the API." in docx_paragraphs(docx.data)
    assert (
        client.get(f"/api/v1/letters/{letter['id']}/download.exe", headers=auth).status_code == 404
    )

    sent = client.post(
        f"/api/v1/letters/{letter['id']}/send",
        json={"method": "portal", "sent_on": "2026-11-23"},
        headers=auth,
    )
    assert sent.status_code == 200, sent.json
    assert (sent.json["sent_method"], sent.json["sent_on"]) == ("portal", "2026-11-23")
    assert db.exec(select(Event)).one().on == date(2026, 11, 23)
    again = client.post(
        f"/api/v1/letters/{letter['id']}/send",
        json={"method": "fax", "sent_on": "2026-11-23"},
        headers=auth,
    )
    assert again.status_code == 409
    assert (
        client.patch(
            f"/api/v1/letters/{letter['id']}", json={"text": "x"}, headers=auth
        ).status_code
        == 422
    )


def test_bad_drafts_are_422(client, setup):
    _org, _user, req, auth = setup
    url = f"/api/v1/requests/{req.id}/letters"
    bad_item = client.post(url, json={"subject": "agreements", "items": ["x"]}, headers=auth)
    assert bad_item.status_code == 422
    assert bad_item.json["error"]["field"] == "items"
    bad_delivery = client.post(
        url,
        json={"subject": "agreements", "items": ["moa_287g"], "delivery": "pigeon"},
        headers=auth,
    )
    assert bad_delivery.status_code == 422
    assert bad_delivery.json["error"]["field"] == "delivery"


def test_api_drafts_without_a_date_range_with_two_subjects(client, setup):
    _org, _user, req, auth = setup
    resp = client.post(
        f"/api/v1/requests/{req.id}/letters",
        json={
            "subject": "agreements",
            "items": ["moa_287g", "forfeiture:esac"],
            "description": "The 287(g) agreement and the ESACs",
            "delivery": "mail",
        },
        headers=auth,
    )
    assert resp.status_code == 201, resp.json
    text = resp.json["text"]
    assert "at any time up to the date you conduct the search" in text
    assert "1. " in text and "2. " in text and "3. " not in text
    assert "By first-class mail" in text and "The 287(g) agreement and the ESACs." in text


def test_other_org_gets_404_and_openapi_lists_routes(client, factory, setup):
    _org, _user, req, auth = setup
    other = factory.org()
    stranger = bearer(factory.token(factory.user(other), other))
    assert client.get(f"/api/v1/requests/{req.id}/letters", headers=stranger).status_code == 404
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/letters/{letter_id}/send" in paths
    assert "/requests/{request_id}/letters" in paths

"""Small things a user trips on: /settings/, the batch Level list, email sending when off."""

from __future__ import annotations

from tests.conftest import assert_redirect, bearer, login


def test_settings_with_a_slash_goes_to_settings(client, factory):
    org = factory.org()
    user = factory.user(org)
    login(client, user, org)
    assert_redirect(client.get("/settings/"), "/settings")
    assert client.get("/settings").status_code == 200


def test_batch_level_list_shows_labels(client, factory):
    org = factory.org()
    user = factory.user(org)
    login(client, user, org)
    page = client.get("/letters/batch").get_data(as_text=True)
    assert "Council_clerk" not in page
    assert '<option value="council_clerk" >City council or clerk</option>' in page


def _letter(client, factory):
    org = factory.org()
    user = factory.user(org)
    h = bearer(factory.token(user, org))
    agency = client.post(
        "/api/v1/agencies",
        json={
            "name": "U.S. Immigration and Customs Enforcement",
            "level": "federal",
            "jurisdiction": "US",
            "component": "DHS",
            "foia_email": "foia@ice.example",
        },
        headers=h,
    ).json
    req = client.post(
        "/api/v1/requests",
        json={"agency_id": agency["id"], "title": "Detainers", "subject": "agreements"},
        headers=h,
    ).json
    letter = client.post(
        f"/api/v1/requests/{req['id']}/letters",
        json={
            "subject": "agreements",
            "items": ["moa_287g"],
            "variables": {"date_from": "2025-01-01", "local_agency": "Etowah County Sheriff"},
        },
        headers=h,
    )
    assert letter.status_code == 201, letter.json
    login(client, user, org)
    return letter.json["id"]


def test_send_by_email_says_what_to_set_when_email_is_off(client, factory, app):
    letter_id = _letter(client, factory)
    app.config["SMTP_HOST"] = ""
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Send by email</button>" not in page
    assert "SMTP_HOST" in page and "Mark as sent" in page
    app.config["SMTP_HOST"] = "127.0.0.1"
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert "Send by email</button>" in page

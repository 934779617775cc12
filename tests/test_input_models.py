"""A field's limits are written once, in its input model, and every way in applies them.

The agency's mailing address (``AgencyInput``) is the example the directory drifted on: the JSON
API, the HTML form, the directory's CSV import and evidence-bundle import refuse the same
over-long address at the same length, and the OpenAPI document publishes that length.
"""

from __future__ import annotations

import copy
import io

import pytest
from sqlmodel import select

from records.core.models import Agency, RecordRequest
from records.core.validation import max_length
from records.directory.inputs import AgencyInput
from records.requests.inputs import RequestInput
from tests.conftest import bearer
from tests.test_bundle_checks import _refused, _set, exported  # noqa: F401 (fixture)

ADDRESS_MAX = max_length(AgencyInput, "mailing_address")
AGENCY = {"name": "Travis County Sheriff", "level": "sheriff", "jurisdiction": "TX"}


def test_the_mailing_address_limit_is_the_one_the_directory_stores():
    # The directory stored 1,000 characters everywhere but in bundle import (5,000).
    assert ADDRESS_MAX == 1000


def test_the_api_refuses_an_address_one_past_the_limit(client, factory):
    org = factory.org()
    h = bearer(factory.token(factory.user(org), org))
    too_long = client.post(
        "/api/v1/agencies", json=AGENCY | {"mailing_address": "x" * (ADDRESS_MAX + 1)}, headers=h
    )
    assert too_long.status_code == 422
    assert too_long.json["error"] == {
        "code": "too_long",
        "message": f"mailing_address must be at most {ADDRESS_MAX} characters",
        "field": "mailing_address",
    }
    at_limit = client.post(
        "/api/v1/agencies", json=AGENCY | {"mailing_address": "x" * ADDRESS_MAX}, headers=h
    )
    assert at_limit.status_code == 201, at_limit.json
    assert len(at_limit.json["mailing_address"]) == ADDRESS_MAX


def test_the_form_refuses_it_and_keeps_what_was_typed(client, member, db):
    resp = client.post(
        "/agencies/new",
        data=AGENCY | {"mailing_address": "x" * (ADDRESS_MAX + 1), "notes": "keep me"},
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert f"longer than {ADDRESS_MAX} characters" in html
    assert "keep me" in html
    assert db.exec(select(Agency).where(Agency.name == AGENCY["name"])).first() is None


def test_the_csv_import_refuses_it(client, member, db):
    csv_text = (
        "name,level,jurisdiction,mailing_address\n"
        f"Travis County Sheriff,sheriff,TX,{'x' * (ADDRESS_MAX + 1)}\n"
        f"Hays County Sheriff,sheriff,TX,{'x' * ADDRESS_MAX}\n"
    )
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(csv_text.encode()), "agencies.csv")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert "1 imported, 0 already in the directory, 1 rejected" in html
    assert f"mailing_address must be at most {ADDRESS_MAX} characters" in html
    names = set(db.exec(select(Agency.name)).all())
    assert "Hays County Sheriff" in names and "Travis County Sheriff" not in names


def test_bundle_import_refuses_it_with_the_same_limit(client, db, exported):  # noqa: F811
    request_json = copy.deepcopy(exported["request_json"])
    _set(request_json, "agency.mailing_address", "x" * (ADDRESS_MAX + 1))
    message = _refused(client, db, exported, request_json, "agency.mailing_address")
    assert f"mailing_address must be at most {ADDRESS_MAX} characters" in message


@pytest.mark.parametrize(
    ("model", "schema", "field"),
    [
        (AgencyInput, "AgencyInput", "mailing_address"),
        (AgencyInput, "AgencyInput", "notes"),
        (RequestInput, "RequestInput", "tracking_number"),
        (RequestInput, "RequestInput", "description"),
    ],
)
def test_the_openapi_document_publishes_the_models_limits(client, model, schema, field):
    doc = client.get("/api/v1/openapi.json").json
    prop = doc["components"]["schemas"][schema]["properties"][field]
    (text,) = [branch for branch in prop["anyOf"] if branch["type"] == "string"]
    assert text["maxLength"] == max_length(model, field)


def test_the_openapi_bodies_are_the_models(client):
    doc = client.get("/api/v1/openapi.json").json
    schemas = doc["components"]["schemas"]
    create = doc["paths"]["/agencies"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"] == {"$ref": "#/components/schemas/AgencyInput"}
    assert schemas["AgencyInput"]["required"] == ["name", "jurisdiction"]
    assert schemas["RequestInput"]["required"] == ["agency_id", "title"]
    patch = doc["paths"]["/requests/{request_id}"]["patch"]["requestBody"]["content"]
    assert "required" not in patch["application/json"]["schema"]
    assert set(patch["application/json"]["schema"]["properties"]) == set(RequestInput.model_fields)
    assert schemas["AgencyLevel"]["enum"][-1] == "other"


def test_the_request_title_limit_is_shared_by_the_api_and_the_form(client, factory, member, db):
    org, user = member
    agency = factory.agency(org)
    limit = max_length(RequestInput, "title")
    h = bearer(factory.token(user, org))
    api = client.post(
        "/api/v1/requests", json={"agency_id": agency.id, "title": "t" * (limit + 1)}, headers=h
    )
    assert api.status_code == 422 and api.json["error"]["field"] == "title"
    assert f"at most {limit} characters" in api.json["error"]["message"]
    form = client.post(
        "/requests/new",
        data={"agency_id": agency.id, "title": "t" * (limit + 1), "subject": "other"},
    )
    assert form.status_code == 422
    assert f"longer than {limit} characters" in form.get_data(as_text=True)
    assert db.exec(select(RecordRequest).where(RecordRequest.org_id == org.id)).all() == []


def test_email_addresses_are_checked_by_email_validator(client, factory):
    org = factory.org()
    h = bearer(factory.token(factory.user(org), org))
    # The old pattern took a space-free string with a dot after the @; these are not addresses.
    for bad in ("records@agency..gov", "records@-agency.gov", "a,b@agency.gov"):
        resp = client.post("/api/v1/agencies", json=AGENCY | {"foia_email": bad}, headers=h)
        assert resp.status_code == 422, bad
        assert resp.json["error"]["field"] == "foia_email"
    ok = client.post(
        "/api/v1/agencies", json=AGENCY | {"foia_email": "records@travis.example.gov"}, headers=h
    )
    assert ok.status_code == 201, ok.json


def test_the_project_name_limit_is_the_models_in_the_api_and_openapi(client, factory):
    from records.projects.inputs import ProjectInput

    org = factory.org()
    h = bearer(factory.token(factory.user(org), org))
    limit = max_length(ProjectInput, "name")
    resp = client.post("/api/v1/projects", json={"name": "p" * (limit + 1)}, headers=h)
    assert resp.status_code == 422 and resp.json["error"]["field"] == "name"
    assert f"at most {limit} characters" in resp.json["error"]["message"]
    assert client.post("/api/v1/projects", json={"name": "p" * limit}, headers=h).status_code == 201
    doc = client.get("/api/v1/openapi.json").json
    assert doc["components"]["schemas"]["ProjectInput"]["properties"]["name"]["maxLength"] == limit


def test_a_documents_description_limit_is_the_models_in_the_api_and_openapi(client, factory):
    from records.filing.inputs import DocumentMetaInput

    org = factory.org()
    user = factory.user(org)
    h = bearer(factory.token(user, org))
    req = factory.request(org, user, factory.agency(org))
    limit = max_length(DocumentMetaInput, "description")
    resp = client.post(
        f"/api/v1/requests/{req.id}/documents",
        data={"file": (io.BytesIO(b"Records.\n"), "reply.txt"), "description": "d" * (limit + 1)},
        headers=h,
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422, resp.json
    assert resp.json["error"]["field"] == "description"
    assert f"at most {limit} characters" in resp.json["error"]["message"]
    doc = client.get("/api/v1/openapi.json").json
    body = doc["paths"]["/requests/{request_id}/documents"]["post"]["requestBody"]["content"]
    fields = body["multipart/form-data"]["schema"]["properties"]
    assert fields["description"]["maxLength"] == limit


def test_an_events_note_limit_is_the_models_in_the_api_and_openapi(client, factory):
    from records.lifecycle.inputs import EventInput

    org = factory.org()
    user = factory.user(org)
    h = bearer(factory.token(user, org))
    req = factory.request(org, user, factory.agency(org))
    limit = max_length(EventInput, "note")
    url = f"/api/v1/requests/{req.id}/events"
    body = {"type": "sent", "date": "2026-11-20"}
    resp = client.post(url, json=body | {"note": "n" * (limit + 1)}, headers=h)
    assert resp.status_code == 422, resp.json
    assert f"at most {limit} characters" in resp.json["error"]["message"]
    assert client.post(url, json=body | {"note": "n" * limit}, headers=h).status_code == 201
    doc = client.get("/api/v1/openapi.json").json
    note = doc["components"]["schemas"]["EventInput"]["properties"]["note"]
    assert {"type": "string", "maxLength": limit} in note["anyOf"]
    post = doc["paths"]["/requests/{request_id}/events"]["post"]["requestBody"]["content"]
    assert post["application/json"]["schema"] == {"$ref": "#/components/schemas/EventInput"}


def test_a_letters_text_limit_is_the_models_in_the_api_and_openapi(client, db, factory):
    from records.letters.inputs import LetterTextInput
    from records.letters.models import RequesterProfile

    org = factory.org()
    user = factory.user(org)
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="NY"))
    db.commit()
    agency = factory.agency(org, name="Albany County Sheriff", level="sheriff", jurisdiction="NY")
    req = factory.request(org, user, agency)
    h = bearer(factory.token(user, org))
    body = {"subject": "communications", "items": ["detainers_i247a"], "letter_date": "2026-11-24"}
    letter = client.post(f"/api/v1/requests/{req.id}/letters", json=body, headers=h).json
    limit = max_length(LetterTextInput, "text")
    url = f"/api/v1/letters/{letter['id']}"
    resp = client.patch(url, json={"text": "t" * (limit + 1)}, headers=h)
    assert resp.status_code == 422, resp.json
    assert resp.json["error"]["field"] == "text"
    assert f"at most {limit} characters" in resp.json["error"]["message"]
    doc = client.get("/api/v1/openapi.json").json
    assert (
        doc["components"]["schemas"]["LetterTextInput"]["properties"]["text"]["maxLength"] == limit
    )
    patch = doc["paths"]["/letters/{letter_id}"]["patch"]["requestBody"]["content"]
    assert patch["application/json"]["schema"] == {"$ref": "#/components/schemas/LetterTextInput"}

"""Agency lists on forms stay bounded as the shared directory grows.

While the directory is small every form lists all of it; past ``AGENCY_OPTIONS_CAP`` a form
lists the agencies it already names and the organization's own, and the typeahead finds any
other. Whatever is listed, any directory agency may be posted, and a refused form keeps it.
"""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from records.core.models import Agency, RecordRequest
from records.directory import service as directory
from tests.conftest import assert_redirect


def _options(page: str, select_id: str) -> set[str]:
    """The option values of the <select> with that id (the empty one left out)."""
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    assert match, select_id
    return {v for v in re.findall(r'<option[^>]*value="([^"]*)"', match.group(1)) if v}


@pytest.fixture
def big_directory(monkeypatch, member, factory, db):
    """A directory past a cap of 3: the organization wrote to one agency of many."""
    monkeypatch.setattr(directory, "AGENCY_OPTIONS_CAP", 3)
    org, user = member
    used = factory.agency(org, name="Birmingham Police Department", jurisdiction="AL")
    others = [
        factory.agency(org, name=f"Sheriff's Office {i}", jurisdiction="TX") for i in range(4)
    ]
    factory.request(org, user, used)
    return used, others


def _request_form(agency_id: int, title: str = "A request") -> dict[str, str]:
    return {
        "title": title,
        "agency_id": str(agency_id),
        "subject": "agreements",
        "visibility": "organization",
    }


def test_a_small_directory_is_listed_whole(client, member, factory, db):
    org, _user = member
    agencies = [factory.agency(org, name=f"Agency {i}") for i in range(3)]
    page = client.get("/requests/new").get_data(as_text=True)
    total = len(db.exec(select(Agency.id)).all())
    listed = _options(page, "agency_id")
    assert {str(a.id) for a in agencies} <= listed and len(listed) == total
    assert 'id="agency-partial"' not in page


def test_the_request_form_lists_the_organizations_agencies_past_the_cap(
    client, member, db, big_directory
):
    used, others = big_directory
    page = client.get("/requests/new").get_data(as_text=True)
    assert _options(page, "agency_id") == {str(used.id)}
    assert 'id="agency-partial"' in page and "data-suggest-url" in page
    # Starting from an agency's page ("New request to this agency") lists that agency too.
    page = client.get(f"/requests/new?agency_id={others[0].id}").get_data(as_text=True)
    assert _options(page, "agency_id") == {str(used.id), str(others[0].id)}
    assert re.search(rf'<option(?=[^>]*value="{others[0].id}")(?=[^>]*selected)', page)
    # A refused form keeps the agency the typeahead picked, listed and chosen.
    resp = client.post("/requests/new", data=_request_form(others[1].id, title=""))
    assert resp.status_code == 422
    assert str(others[1].id) in _options(resp.get_data(as_text=True), "agency_id")
    # Any directory agency may be posted, listed or not.
    resp = client.post("/requests/new", data=_request_form(others[2].id, title="To Texas"))
    req = db.exec(select(RecordRequest).where(RecordRequest.title == "To Texas")).one()
    assert_redirect(resp, f"/requests/{req.id}")
    assert req.agency_id == others[2].id
    # Its edit form lists its agency (now one the organization wrote to) and the others used.
    page = client.get(f"/requests/{req.id}/edit").get_data(as_text=True)
    assert _options(page, "agency_id") == {str(used.id), str(others[2].id)}


def test_file_again_and_the_parent_list_are_bounded_too(client, member, db, big_directory):
    used, others = big_directory
    req = db.exec(select(RecordRequest).where(RecordRequest.agency_id == used.id)).one()
    page = client.get(f"/requests/{req.id}/file-again").get_data(as_text=True)
    assert _options(page, "fa-agencies") == {str(used.id)}
    assert "“Find an agency” adds any other" in page
    resp = client.post(
        f"/requests/{req.id}/file-again",
        data={"agency_ids": [str(others[0].id), str(others[3].id)], "date_from": "2030-13-01"},
    )
    assert resp.status_code in (400, 422)
    kept = _options(resp.get_data(as_text=True), "fa-agencies")
    assert {str(others[0].id), str(others[3].id)} <= kept
    page = client.get(f"/agencies/{others[1].id}/edit").get_data(as_text=True)
    assert _options(page, "parent_id") == set()
    assert "data-suggest-url" in page
    # The register's forms: the organization's agencies, the typeahead for the rest.
    for url, select_id in (("/agreements/", "new-agency"), ("/agreements/ledger", "l-agency")):
        page = client.get(url).get_data(as_text=True)
        assert _options(page, select_id) == {str(used.id)}, url

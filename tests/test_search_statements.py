"""Search sends a fixed number of SQL statements whatever the number of matches: one for a query
that matches nothing (no facet or snippet work follows an empty result), three with hits (rank,
access rules and facets' columns, snippets); and its agency filter lists the agencies the
organization has requests with."""

from __future__ import annotations

from tests.conftest import bearer, login
from tests.test_page_statements import counting


def _agency(client, h, name):
    body = {"name": name, "level": "sheriff", "jurisdiction": "AL"}
    resp = client.post("/api/v1/agencies", json=body, headers=h)
    assert resp.status_code == 201, resp.json
    return resp.json["id"]


def _file(client, h, agency_id, count, start=0):
    for n in range(start, start + count):
        resp = client.post(
            "/api/v1/requests",
            json={"agency_id": agency_id, "title": f"Jail contract {n}", "subject": "agreements"},
            headers=h,
        )
        assert resp.status_code == 201, resp.json


def _search_statements(app, client, url, headers=None):
    assert client.get(url, headers=headers).status_code == 200  # first use may create the index
    with counting(app) as seen:
        resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.status_code
    return len(seen), [s for s in seen if "searchentry" in s]


def test_search_statements_do_not_grow_with_the_matches(app, client, factory):
    org = factory.org()
    owner = factory.user(org)
    h = bearer(factory.token(owner, org))
    agency = _agency(client, h, "Madison County Sheriff")
    _file(client, h, agency, 2)
    login(client, owner, org)
    urls = {
        "api none": ("/api/v1/search?q=qarvel", h),
        "api hits": ("/api/v1/search?q=jail", h),
        "page none": ("/search/?q=qarvel", None),
        "page hits": ("/search/?q=jail", None),
        "page phrase none": ('/search/?q="contract jail"', None),
    }
    few = {name: _search_statements(app, client, *args) for name, args in urls.items()}
    _file(client, h, agency, 30, 2)  # more than a page of hits
    many = {name: _search_statements(app, client, *args) for name, args in urls.items()}
    assert {k: v[0] for k, v in many.items()} == {k: v[0] for k, v in few.items()}
    searched = {name: len(found) for name, (_total, found) in many.items()}
    assert searched == {
        "api none": 1,
        "api hits": 3,
        "page none": 1,
        "page hits": 3,
        "page phrase none": 1,
    }, many


def test_the_agency_filter_lists_the_agencies_the_organization_has_requests_with(client, factory):
    org, other = factory.org(), factory.org()
    owner, stranger = factory.user(org), factory.user(other)
    h, h_other = bearer(factory.token(owner, org)), bearer(factory.token(stranger, other))
    pinellas = _agency(client, h, "Pinellas County Sheriff")
    jefferson = _agency(client, h, "Jefferson County Sheriff")
    madison = _agency(client, h, "Madison County Sheriff")
    _agency(client, h, "Autauga County Sheriff")  # no request anywhere
    _file(client, h, pinellas, 2)
    _file(client, h, jefferson, 1)
    _file(client, h_other, madison, 1)  # another organization's request
    login(client, owner, org)
    page = client.get("/search/").get_data(as_text=True)
    listed = page.split('id="agency_id"', 1)[1].split("</select>", 1)[0]
    assert "Autauga" not in listed and "Madison" not in listed
    assert f'<option value="{jefferson}" >Jefferson County Sheriff</option>' in listed
    assert listed.index("Jefferson County Sheriff") < listed.index("Pinellas County Sheriff")

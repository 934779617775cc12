"""Search: everything is indexed through the product's own write paths (forms and API), then
found by word, phrase, prefix, alias and tracking number, ranked, faceted, and never shown to
someone ``records.access.visibility`` keeps it from."""

from __future__ import annotations

import io

import pytest

from records.search import query as search
from tests.conftest import assert_redirect, bearer, login


def _agency(client, h, name, **kw):
    body = {"name": name, "level": "federal", "jurisdiction": "US"} | kw
    resp = client.post("/api/v1/agencies", json=body, headers=h)
    assert resp.status_code == 201, resp.json
    return resp.json


def _request(client, h, agency_id, title, **kw):
    body = {"agency_id": agency_id, "title": title, "subject": "agreements"} | kw
    resp = client.post("/api/v1/requests", json=body, headers=h)
    assert resp.status_code == 201, resp.json
    return resp.json


def _search(client, h, q, **params):
    resp = client.get("/api/v1/search", query_string={"q": q, **params}, headers=h)
    assert resp.status_code == 200, resp.json
    return resp.json["items"]


def _ids(items, kind=None):
    return [i["id"] for i in items if kind is None or i["kind"] == kind]


@pytest.fixture
def world(client, factory):
    org = factory.org()
    owner = factory.user(org)
    h = bearer(factory.token(owner, org))
    return org, owner, h


def test_a_request_made_with_the_form_is_found_by_title_agency_and_tracking_number(client, world):
    org, owner, h = world
    agency = _agency(client, h, "Birmingham Police Department", level="police", jurisdiction="AL")
    login(client, owner, org)
    resp = client.post(
        "/requests/new",
        data={
            "title": "Birmingham PD detainer requests",
            "agency_id": str(agency["id"]),
            "subject": "agreements",
            "description": "Every I-247A received since 2024",
            "tracking_number": "2026-BPD-0117",
            "visibility": "organization",
            "assignee_id": "",
        },
    )
    made = _search(client, h, "Birmingham", kind="request")[0]["id"]
    assert_redirect(resp, f"/requests/{made}")
    page = client.get("/search/?q=Birmingham")
    assert b"Birmingham PD detainer requests" in page.data
    for q in ("police department", "2026-BPD-0117", '"detainer requests"', "I-247A"):
        assert any(i["title"] == "Birmingham PD detainer requests" for i in _search(client, h, q))
    # The same tracking number's words in another order are not the phrase.
    assert _search(client, h, "0117-BPD-2026", kind="request") == []


def test_changes_reindex_and_deletes_unindex(client, world):
    _org, _owner, h = world
    agency = _agency(client, h, "Madison County Sheriff", level="sheriff", jurisdiction="AL")
    req = _request(client, h, agency["id"], "Jail contract")
    assert _ids(_search(client, h, "jail", kind="request")) == [req["id"]]
    client.patch(f"/api/v1/requests/{req['id']}", json={"title": "Booking ledger"}, headers=h).json
    assert _search(client, h, "jail", kind="request") == []
    assert _ids(_search(client, h, "booking", kind="request")) == [req["id"]]
    # Renaming the agency re-indexes its requests (a request is found by its agency's name).
    client.patch(f"/api/v1/agencies/{agency['id']}", json={"name": "Limestone Sheriff"}, headers=h)
    assert _ids(_search(client, h, "limestone", kind="request")) == [req["id"]]
    assert _search(client, h, "madison", kind="request") == []
    assert client.delete(f"/api/v1/requests/{req['id']}", headers=h).status_code == 204
    assert _search(client, h, "booking") == []


def test_events_letters_documents_and_agencies_are_indexed(client, world):
    _org, _owner, h = world
    agency = _agency(
        client, h, "U.S. Immigration and Customs Enforcement", component="DHS", foia_email="f@x.gov"
    )
    req = _request(client, h, agency["id"], "Detainer statistics")
    ev = client.post(
        f"/api/v1/requests/{req['id']}/events",
        json={"type": "sent", "date": "2026-11-24", "note": "Called the quokka desk"},
        headers=h,
    )
    assert ev.status_code == 201, ev.json
    assert _search(client, h, "quokka")[0]["kind"] == "event"
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
    assert _ids(_search(client, h, "immigration", kind="letter")) == [letter.json["id"]]
    doc = client.post(
        f"/api/v1/requests/{req['id']}/documents",
        data={
            "file": (io.BytesIO(b"transfer ledger, plain text"), "ledger.txt"),
            "description": "Zanzibar transfer memo",
        },
        headers=h,
    )
    assert doc.status_code == 201, doc.json
    hit = _search(client, h, "zanzibar")
    assert [(i["kind"], i["id"]) for i in hit] == [("document", doc.json["id"])]
    # The agency itself, by its alias, and the request by the alias of its agency.
    found = _search(client, h, "ICE", kind="agency")
    assert _ids(found) == [agency["id"]]
    assert req["id"] in _ids(_search(client, h, "ICE"), "request")


def test_ice_ranks_ice_first_in_the_directory(client, world):
    org, owner, h = world
    for name in ("Pike County Sheriff's Office", "Office of Police Complaints", "Mobile Police"):
        _agency(client, h, name, level="sheriff", jurisdiction="AL")
    ice = _agency(client, h, "U.S. Immigration and Customs Enforcement", component="DHS")
    office = _agency(
        client,
        h,
        "U.S. Immigration and Customs Enforcement, Freedom of Information Act Office",
        component="DHS",
        notes="ICE asks for email. ICE-FOIA mail is slow. ICE FOIA phone.",
    )
    cbp = _agency(client, h, "U.S. Customs and Border Protection", component="DHS")
    login(client, owner, org)
    page = client.get("/agencies/?q=ICE").get_data(as_text=True)
    assert "Sheriff&#39;s Office" not in page and "Police Complaints" not in page
    assert page.index(">U.S. Immigration and Customs Enforcement<") < page.index(
        "Freedom of Information Act Office"
    )
    for q, want in (("CBP", cbp), ("ice", ice), ("DHS", None)):
        ids = _ids(_search(client, h, q, kind="agency"))
        if want is None:
            assert set(ids) >= {ice["id"], office["id"], cbp["id"]}
        else:
            assert ids[0] == want["id"]
    typeahead = client.get("/agencies/suggest?q=immig").json["items"]
    assert [a["id"] for a in typeahead][:2] == [ice["id"], office["id"]]


def test_prefix_phrase_and_word_boundaries(client, world):
    _org, _owner, h = world
    agency = _agency(client, h, "Pinellas County Sheriff", level="sheriff", jurisdiction="FL")
    a = _request(client, h, agency["id"], "Memorandum of agreement", description="jail model")
    b = _request(client, h, agency["id"], "Agreement memorandum", description="police practice")
    assert _ids(_search(client, h, '"memorandum of agreement"', kind="request")) == [a["id"]]
    assert set(_ids(_search(client, h, "memorandum agreement", kind="request"))) == {
        a["id"],
        b["id"],
    }
    assert _ids(_search(client, h, "memo*", kind="request")) != []
    assert _search(client, h, "memo", kind="request") == []  # whole words unless asked
    assert _search(client, h, "ice", kind="request") == []  # "practice" and "police" do not match


def test_facets_and_filters(client, world):
    org, owner, h = world
    al = _agency(client, h, "Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    fl = _agency(client, h, "Pasco Sheriff", level="sheriff", jurisdiction="FL")
    _request(client, h, al["id"], "Equitable sharing forms", subject="forfeiture")
    _request(client, h, fl["id"], "Equitable sharing ledgers", subject="forfeiture")
    _request(client, h, fl["id"], "Equitable sharing memo", subject="agreements")
    login(client, owner, org)
    page = client.get("/search/?q=equitable").get_data(as_text=True)
    assert "FL (2)" in page and "AL (1)" in page and "Forfeiture distributions (2)" in page
    assert len(_search(client, h, "equitable", jurisdiction="FL")) == 2
    assert len(_search(client, h, "equitable", subject="agreements")) == 1
    assert _search(client, h, "equitable", date_from="2026-11-25") == []
    assert len(_search(client, h, "equitable", date_to="2026-11-24", kind="request")) == 3
    bad = client.get("/api/v1/search?q=x&kind=planet", headers=h)
    assert bad.status_code == 422


def test_facets_count_the_best_matches_when_there_are_many(client, world, monkeypatch):
    org, owner, h = world
    al = _agency(client, h, "Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    for year in (2024, 2025, 2026):
        _request(client, h, al["id"], f"Equitable sharing forms {year}", subject="forfeiture")
    login(client, owner, org)
    page = client.get("/search/?q=equitable").get_data(as_text=True)
    assert "AL (3)" in page and "best matches" not in page  # every match counted
    monkeypatch.setattr(search, "FACET_POOL", 2)
    page = client.get("/search/?q=equitable").get_data(as_text=True)
    assert "Counted among the 2 best matches." in page and "AL (2)" in page
    assert page.count('class="snippet"') == 3  # the page still lists every hit


def test_facets_count_only_what_the_member_may_see(client, world, factory):
    org, owner, h = world
    al = _agency(client, h, "Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    fl = _agency(client, h, "Pasco Sheriff", level="sheriff", jurisdiction="FL")
    _request(client, h, al["id"], "Equitable sharing forms", subject="forfeiture")
    _request(client, h, fl["id"], "Equitable sharing notes", visibility="private")
    colleague = factory.user(org, role="editor")
    login(client, colleague, org)
    page = client.get("/search/?q=equitable").get_data(as_text=True)
    assert "AL (1)" in page and "FL (" not in page and "Equitable sharing notes" not in page
    other = factory.org()
    login(client, factory.user(other), other)
    page = client.get("/search/?q=equitable").get_data(as_text=True)
    assert "Nothing matches" in page and "AL (" not in page


def test_a_search_costs_the_same_statements_however_many_match(client, world, app):
    from sqlalchemy import event

    org, owner, h = world
    agency = _agency(client, h, "Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    for i in range(12):
        _request(client, h, agency["id"], f"Detainer log {i}" + (" quarry" if i == 0 else ""))

    def statements(q):
        seen = []

        def tick(_conn, _cursor, statement, *_args):
            seen.append(statement)

        engine = app.extensions["db_engine"]
        event.listen(engine, "before_cursor_execute", tick)
        try:
            items = _search(client, h, q)
        finally:
            event.remove(engine, "before_cursor_execute", tick)
        return len(items), len(seen)

    statements("warm")  # the first search also records when the token was last used
    floor = statements("")[1]  # the token check alone: an empty query searches nothing
    assert statements("nothingmatches") == (0, floor + 1)  # one index lookup
    assert statements("quarry") == (1, floor + 3)  # ranked, access rules, snippets
    assert statements("detainer") == (12, floor + 3)


def test_hidden_best_matches_do_not_hide_the_visible_ones(client, world, factory):
    org, owner, h = world
    agency = _agency(client, h, "Mobile County Sheriff", level="sheriff", jurisdiction="AL")
    # Ranked first (equal titles, older first), and all private to their author.
    for _ in range(20):
        _request(client, h, agency["id"], "Quarry notes", visibility="private")
    shared = [_request(client, h, agency["id"], "Quarry notes")["id"] for _ in range(2)]
    colleague = factory.user(org, role="editor")
    ch = bearer(factory.token(colleague, org))
    assert sorted(_ids(_search(client, ch, "quarry"), "request")) == sorted(shared)
    assert len(_search(client, h, "quarry")) == 20  # the author's page is full


def test_private_between_members_and_across_organizations(client, world, factory):
    org, owner, h = world
    agency = _agency(client, h, "Jefferson County Sheriff", level="sheriff", jurisdiction="AL")
    req = _request(client, h, agency["id"], "Quarantine detainer notes", visibility="private")
    client.post(
        f"/api/v1/requests/{req['id']}/events",
        json={"type": "sent", "date": "2026-11-24", "note": "quarantine call"},
        headers=h,
    )
    colleague = factory.user(org, role="editor")
    ch = bearer(factory.token(colleague, org))
    assert len(_search(client, h, "quarantine")) == 2
    assert _search(client, ch, "quarantine") == []  # someone else's private request and event
    other = factory.org()
    stranger = bearer(factory.token(factory.user(other), other))
    assert _search(client, stranger, "quarantine") == []
    # The directory is shared: the agency is found, the other organization's request is not.
    assert [h["kind"] for h in _search(client, stranger, "jefferson")] == ["agency"]
    assert b"Quarantine" not in client.get("/public/search?q=quarantine").data
    # Visibility changes take effect at once, both ways.
    client.patch(f"/api/v1/requests/{req['id']}", json={"visibility": "organization"}, headers=h)
    assert len(_search(client, ch, "quarantine")) == 2
    client.patch(f"/api/v1/requests/{req['id']}", json={"visibility": "public"}, headers=h)
    public = client.get("/public/search?q=quarantine").get_data(as_text=True)
    assert "Quarantine detainer notes" in public
    assert _search(client, stranger, "quarantine") == []  # public is not another org's search
    client.patch(f"/api/v1/requests/{req['id']}", json={"visibility": "private"}, headers=h)
    assert _search(client, ch, "quarantine") == []
    assert b"Quarantine" not in client.get("/public/search?q=quarantine").data


def test_reindex_command_rebuilds_the_index(client, world, app):
    _org, _owner, h = world
    agency = _agency(client, h, "Baldwin County Sheriff", level="sheriff", jurisdiction="AL")
    req = _request(client, h, agency["id"], "Overtime reimbursement")
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0 and "Indexed" in result.output
    assert _ids(_search(client, h, "overtime")) == [req["id"]]


def test_hits_have_highlighted_escaped_snippets(client, world):
    _org, _owner, h = world
    agency = _agency(client, h, "Madison County Sheriff", level="sheriff", jurisdiction="AL")
    req = _request(client, h, agency["id"], "287(g) agreement <b>Madison</b>")
    items = _search(client, h, "madison", kind="request")
    assert _ids(items) == [req["id"]]
    snippet = items[0]["snippet_html"]
    assert "<mark>Madison</mark>" in snippet
    assert "<b>" not in snippet and "&lt;b&gt;" in snippet


@pytest.mark.parametrize(
    "q",
    ['"', "'", "madison OR", "NEAR(", "a*", "-x", "title:foo", "))((", "\x00", "é" * 400, "^", "*"],
)
def test_any_query_is_safe(client, world, q):
    _org, _owner, h = world
    _agency(client, h, "Madison County Sheriff", level="sheriff", jurisdiction="AL")
    resp = client.get("/api/v1/search", query_string={"q": q}, headers=h)
    # A NUL is refused by the input layer (400) before the search sees it.
    assert resp.status_code in ((400,) if "\x00" in q else (200, 422))
    page = client.get("/public/search", query_string={"q": q})
    assert page.status_code in (200, 400)


def test_query_parsing():
    assert search.fts5_query('madison" OR (x') == '"madison" "OR" "x"'
    assert search.fts5_query("!!!") == ""
    assert search.fts5_query('"memorandum of" agree* 2026-BPD-1') == (
        '"memorandum of" "agree"* "2026 BPD 1"'
    )
    assert search.fts5_query(search.parse("birm", prefix_last=True)) == '"birm"*'


def test_settings_link_is_not_a_dead_end(client, world):
    org, owner, _h = world
    login(client, owner, org)
    assert_redirect(client.get("/settings/"), "/settings")


def test_request_form_offers_the_typeahead_and_adding_an_agency(client, world):
    org, owner, h = world
    login(client, owner, org)
    form = client.get("/requests/new").get_data(as_text=True)
    assert 'data-suggest-url="/agencies/suggest"' in form and "agency-picker.js" in form
    assert "/agencies/new?next=request" in form
    resp = client.post(
        "/agencies/new?next=request",
        data={"name": "Etowah County Sheriff", "level": "sheriff", "jurisdiction": "AL"},
    )
    created = _search(client, h, "etowah", kind="agency")[0]["id"]
    assert_redirect(resp, f"/requests/new?agency_id={created}")
    chosen = client.get(f"/requests/new?agency_id={created}").get_data(as_text=True)
    assert (
        f'<option selected value="{created}">' in chosen or f'value="{created}" selected' in chosen
    )
    other = client.get("/agencies/suggest?q=etow").json["items"]
    assert [a["name"] for a in other] == ["Etowah County Sheriff"]


def test_hidden_best_matches_do_not_hide_visible_ones(client, world, factory):
    """More private matches of a colleague than the quick candidate list holds, all ranked
    above the one visible match: the visible one is still found."""
    org, _owner, h = world
    colleague = factory.user(org, role="editor")
    ch = bearer(factory.token(colleague, org))
    agency = _agency(client, h, "Pike County Sheriff", level="sheriff", jurisdiction="AL")
    for n in range(51):
        _request(client, ch, agency["id"], f"Zebra zebra file {n}", visibility="private")
    seen = _request(client, ch, agency["id"], "Shared file", description="one zebra")
    assert _ids(_search(client, h, "zebra")) == [seen["id"]]
    assert len(_search(client, ch, "zebra")) == 20


def test_public_search_shows_a_letter_only_once_sent(client, world):
    org, owner, h = world
    agency = _agency(client, h, "U.S. Customs and Border Protection", component="DHS")
    req = _request(client, h, agency["id"], "Border records", visibility="public")
    letter = client.post(
        f"/api/v1/requests/{req['id']}/letters",
        json={
            "subject": "agreements",
            "items": ["moa_287g"],
            "variables": {"date_from": "2025-01-01", "local_agency": "Etowah County Sheriff"},
        },
        headers=h,
    ).json
    client.patch(
        f"/api/v1/letters/{letter['id']}", json={"text": "Dear officer, xylograph."}, headers=h
    )
    assert _ids(_search(client, h, "xylograph")) == [letter["id"]]
    assert b"search-hits" not in client.get("/public/search?q=xylograph").data  # a draft
    login(client, owner, org)
    client.post(
        f"/letters/{letter['id']}/mark-sent", data={"method": "mail", "sent_on": "2026-11-24"}
    )
    assert b"<mark>xylograph</mark>" in client.get("/public/search?q=xylograph").data.lower()

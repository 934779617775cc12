"""Crawl: every GET route in the URL map, with every kind of object, answers without a 5xx.

Routes come from ``app.url_map``, so a new route is crawled without touching this file; each
converter is filled with every real object of its kind (plus ids that cannot exist), for an
anonymous visitor, an owner and a viewer, with the plain URL and with hostile query strings.
The objects are made through the product's own write paths: the API, the HTML forms and the
reminder sweep.
"""

from __future__ import annotations

import html
import io
import os
import re
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from records.filing.models import SharingNote
from records.laws import load_laws
from records.letters.drafting import piece_names
from records.lifecycle.service import EVENT_KINDS
from records.notify.models import Notification
from tests.conftest import assert_redirect, bearer, login
from tests.filing_helpers import docx_bytes, eml_bytes, pdf_bytes, xlsx_bytes, zip_bytes

IDENTITIES = ("anonymous", "owner", "viewer")
# Ids that cannot name a row: one that is simply missing, one past the 32-bit range.
NO_SUCH_IDS = (987654, 2**31)
# Query strings every URL is also crawled with: numbers nothing can bind, and malformed values
# for every argument the views read.
HOSTILE = (
    "?page=99999999999999999999999&per_page=99999999999999999999&event=99999999999999999999"
    "&agency_id=99999999999999999999&assignee_id=-1&actor_id=1e9&month=99999-99",
    "?page=-1&per_page=abc&event=abc&month=0000-13&start=2026-02-30&since=x&until=9999-99-99"
    "&date_from=2026-13-01&date_to=x&kind=nope&which=nope&sort=nope&dir=sideways"
    "&status=%E2%80%AE&jurisdiction=ZZ&subject=nope&law=ZZ&component=ZZ&q=%22%27)(*"
    "&agency_kind=nope&fee_cap=NaN&letter_date=x&items=nope&level=nope",
)


def _ok(resp: Any, what: str) -> Any:
    assert resp.status_code in (200, 201), (what, resp.status_code, resp.get_data()[:400])
    return resp.get_json()


def _flashes(client: Any) -> list[str]:
    with client.session_transaction() as sess:
        return [message for _category, message in sess.get("_flashes", [])]


@pytest.fixture
def world(app, client, factory, db, clock, runner) -> dict[str, Any]:  # noqa: C901 - one story
    """Two organizations' worth of objects of every kind, made through the product."""
    org = factory.org("Crawl newsroom")
    owner = factory.user(org, role="owner")
    editor = factory.user(org, role="editor")
    viewer = factory.user(org, role="viewer")
    tokens = {"owner": factory.token(owner, org), "editor": factory.token(editor, org)}
    tokens["viewer"] = factory.token(viewer, org)
    api = app.test_client()
    h_owner, h_editor = bearer(tokens["owner"]), bearer(tokens["editor"])

    def post(url: str, h: dict[str, str] = h_owner, **kw: Any) -> Any:
        return _ok(api.post(url, headers=h, **kw), url)

    # Agencies: federal with a component, a sheriff and its jail, a police department, and one
    # from a CSV import.
    ice = post(
        "/api/v1/agencies",
        json={
            "name": "ICE FOIA Office",
            "level": "federal",
            "jurisdiction": "US",
            "component": "DHS",
            "foia_email": "ice-foia@ice.dhs.gov",
            "portal_url": "https://www.ice.gov/foia",
        },
    )["id"]
    sheriff = post(
        "/api/v1/agencies",
        json={
            "name": "Madison County Sheriff",
            "level": "sheriff",
            "jurisdiction": "CA",
            "foia_email": "records@madison.example.org",
        },
    )["id"]
    jail = post(
        "/api/v1/agencies",
        json={"name": "Madison County Jail", "level": "jail", "jurisdiction": "CA"}
        | {"parent_id": sheriff},
    )["id"]
    police = post(
        "/api/v1/agencies", json={"name": "Austin Police", "level": "police", "jurisdiction": "TX"}
    )["id"]
    login(client, owner, org)
    csv = b"name,level,jurisdiction,notes\nCook County Clerk,council_clerk,IL,from a CSV\n"
    imported = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(csv), "agencies.csv")},
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200 and b"Imported 1 agencies" in imported.data

    # Requests: organization-wide, another member's private one, public, federal, an untouched
    # draft, and one assigned to the viewer.
    def new_request(h: dict[str, str] = h_owner, **body: Any) -> int:
        return post("/api/v1/requests", h, json={"subject": "agreements"} | body)["id"]

    org_req = new_request(agency_id=sheriff, title="287(g) agreement", assignee_id=viewer.id)
    private = new_request(h_editor, agency_id=jail, title="Jail detainer log", visibility="private")
    public = new_request(agency_id=police, title="Austin ICE emails", visibility="public")
    federal = new_request(agency_id=ice, title="ICE detainers", subject="communications")
    draft = new_request(agency_id=sheriff, title="Forfeiture ledger", subject="forfeiture")

    def event(req_id: int, h: dict[str, str] = h_owner, **body: Any) -> int:
        return post(f"/api/v1/requests/{req_id}/events", h, json=body)["event"]["id"]

    event(org_req, type="sent", date="2026-10-01")
    ack = event(org_req, type="acknowledged", date="2026-10-05", data={"tracking_number": "T-1"})
    event(org_req, corrects=ack, date="2026-10-06", note="the letter was dated the 6th")
    event(public, type="sent", date="2026-09-01")
    event(public, type="denial", date="2026-10-01", data={"exemptions": "(b)(7)(E)"})
    event(federal, type="sent", date="2026-11-02")
    event(federal, type="extension_claimed", date="2026-11-10", data={"days": 10})
    event(private, h_editor, type="sent", date="2026-11-10")

    # Documents of every type, visibility and origin (an email proposes an event; a ZIP unpacks).
    def upload(req_id: int, name: str, data: bytes, h: dict[str, str] = h_owner, **form: Any):
        return post(
            f"/api/v1/requests/{req_id}/documents",
            h,
            data={"file": (io.BytesIO(data), name), **form},
            content_type="multipart/form-data",
        )

    upload(org_req, "moa.pdf", pdf_bytes("Memorandum of agreement"), exemptions="b6")
    email = upload(org_req, "ack.eml", eml_bytes(attach=pdf_bytes("Cover letter")))
    upload(org_req, "denial.eml", eml_bytes("Your request is denied"))  # left to decide
    upload(org_req, "release.zip", zip_bytes({"a.txt": b"first\n", "b.csv": b"x,y\n1,2\n"}))
    upload(org_req, "notes.txt", b"my own notes\n", visibility="private")
    upload(public, "emails.pdf", pdf_bytes("Emails with ICE"), visibility="public")
    upload(public, "later.docx", docx_bytes(), visibility="public", embargo_until="2026-11-26")
    upload(
        public,
        "much-later.pdf",
        pdf_bytes("Later"),
        visibility="public",
        embargo_until="2027-02-01",
    )
    upload(federal, "ledger.xlsx", xlsx_bytes())
    upload(private, "log.txt", b"detainer log\n", h_editor)
    proposed = email["proposed_events"][0]["id"]
    assert_redirect(client.post(f"/proposed-events/{proposed}/confirm"), f"/requests/{org_req}")
    embargoed = client.post(f"/requests/{public}/embargo", data={"embargo_until": "2026-11-30"})
    assert_redirect(embargoed, f"/requests/{public}")

    # Letters: drafted and edited, and one marked sent; a batch of letters; letter settings.
    letter = post(
        f"/api/v1/requests/{federal}/letters",
        json={
            "subject": "agreements",
            "items": ["moa_287g"],
            "date_from": "2025-01-20",
            "local_agency": "Madison County Sheriff",
        },
    )["id"]
    sent_letter = post(
        f"/api/v1/requests/{draft}/letters",
        json={"subject": "agreements", "items": ["moa_287g"], "date_from": "2025-01-20"},
    )["id"]
    post(f"/api/v1/letters/{sent_letter}/send", json={"method": "mail", "sent_on": "2026-11-20"})
    batch = client.post(
        "/letters/batch",
        data={
            "subject": "agreements",
            "items": ["moa_287g"],
            "date_from": "2025-01-20",
            "letter_date": "2026-11-24",
            "agency_kind": "sheriff",
            "jurisdiction": "CA",
        },
    )
    location = urlsplit(batch.headers.get("Location", "")).path
    assert re.fullmatch(r"/letters/batch/\d+", location), batch.get_data(as_text=True)[:2000]
    batch_id = int(location.rsplit("/", 1)[1])
    assert_redirect(
        client.post(
            "/settings/letters/profile",
            data={"scope": "org", "name": "Crawl Newsroom", "email": "desk@crawl.example.org"},
        ),
        "/settings/letters",
    )
    closing = "Sincerely,\n\n{{ requester.name }}\n"
    client.post("/settings/letters/templates/closing", data={"source": closing})

    # Calendar feeds (organization, personal, one revoked) and invites (fresh and used).
    feed_tokens = []
    for scope in ("org", "me", "me"):
        client.post(f"/notifications/calendars/{scope}")
        url = next(m for m in reversed(_flashes(client)) if "/calendar/" in m)
        feed_tokens.append(re.search(r"/calendar/([^/\s]+)\.ics", url).group(1))
    revoked_feed = client.get("/notifications/calendars")
    feed_ids = re.findall(rb"/notifications/calendars/(\d+)/revoke", revoked_feed.data)
    client.post(f"/notifications/calendars/{int(feed_ids[0])}/revoke")
    invite_tokens = []
    for _ in range(2):
        client.post("/settings/invites", data={"role": "viewer"})
        with client.session_transaction() as sess:
            invite_tokens.append(sess["new_invite"].rsplit("/", 1)[1])
    joiner = app.test_client()
    login(joiner, factory.user())
    joiner.post(f"/join/{invite_tokens[1]}")

    # A bundle exported from one request and imported as another.
    exported = api.get(f"/api/v1/requests/{org_req}/bundle", headers=h_owner)
    assert exported.status_code == 200
    bundle = exported.data
    exported.close()
    copy = post(
        "/api/v1/bundles",
        data={"file": (io.BytesIO(bundle), "bundle.zip")},
        content_type="multipart/form-data",
    )["request_id"]

    # Time passes: the sweep extracts text, publishes the lifted embargo and sends reminders.
    clock.move_to(date(2026, 12, 4))
    swept = runner.invoke(args=["reminders", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert db.exec(select(Notification)).first() is not None
    assert db.exec(select(SharingNote)).first() is not None

    # A register entry with a dated fact (its expiry proposes a follow-up request).
    made = client.post(
        "/agreements/new", data={"kind": "287g_jem", "agency_id": sheriff, "title": "Jail MOA"}
    )
    agreement = int(urlsplit(made.headers["Location"]).path.rsplit("/", 1)[1])
    client.post(f"/agreements/{agreement}/facts", data={"name": "expires", "on": "2027-06-30"})
    client.post(f"/agreements/{agreement}/sharing", data={"visibility": "public"})
    uid = _ok(api.get("/api/v1/register/agreements", headers=h_owner), "register")["agreements"][0][
        "id"
    ]

    requests = [org_req, private, public, federal, draft, copy]
    project = post("/api/v1/projects", json={"name": "Crawled project"})["id"]
    visible = [r for r in requests if r != private]  # another member's private one: a 404
    post(f"/api/v1/projects/{project}/requests", json={"request_ids": visible})
    ids = {
        "project_id": [project, 987654, 2147483648],
        "agreement_id": [agreement],
        "uid": [uid, "agr-0000000000"],
        "request_id": requests,
        "agency_id": [ice, sheriff, jail, police],
        "doc_id": [
            d["id"]
            for r in requests
            for d in _ok(api.get(f"/api/v1/requests/{r}/documents", headers=h_editor), "documents")[
                "items"
            ]
        ],
        "letter_id": [letter, sent_letter],
        "batch_id": [batch_id],
    }
    events = [
        e["id"]
        for r in requests
        for e in _ok(api.get(f"/api/v1/requests/{r}/events", headers=h_editor), "events")["items"]
    ]
    return {
        "org": org,
        "people": {"owner": owner, "viewer": viewer},
        "tokens": tokens,
        "ids": {k: [*v, *NO_SUCH_IDS] for k, v in ids.items()},
        "events": events,
        "feed_tokens": feed_tokens,
        "invite_tokens": invite_tokens,
    }


def _static_files(app) -> list[str]:
    root = app.static_folder
    return sorted(
        os.path.relpath(os.path.join(here, name), root)
        for here, _dirs, names in os.walk(root)
        for name in names
    )


def _values(app, world: dict[str, Any], rule: Any) -> Iterator[dict[str, Any]]:
    """Every combination of real values (and impossible ones) for the rule's converters."""
    strings: dict[str, list[Any]] = {
        "code": [*sorted(load_laws()), "ca", "ZZ"],
        "fmt": ["docx", "txt", "exe"],
        "ext": ["csv", "json", "exe"],
        "piece": [*piece_names(), "no-such-piece"],
        "filename": [*_static_files(app), "no-such-file.css"],
        "token": [*world["feed_tokens"], *world["invite_tokens"], "not-a-real-token"],
    }
    choices = world["ids"] | strings
    combos: list[dict[str, Any]] = [{}]
    for arg in sorted(rule.arguments):
        assert arg in choices, f"the crawl has no values for <{arg}> in {rule.rule}: add them"
        combos = [c | {arg: value} for c in combos for value in choices[arg]]
    yield from combos


def _queries(endpoint: str, world: dict[str, Any], *, first: bool, real: bool) -> list[str]:
    """The plain URL; the arguments that make the page do its work (when every object in the
    URL is real); the hostile ones (with the first, real, objects only: they test the view's
    parsing, not the objects)."""
    useful = {
        "law_calculator.calculate": ["?start=2026-11-02", "?start=2026-11-02&component=DHS"],
        "timeline.new_event": [f"?kind={k}" for k in EVENT_KINDS],
        "timeline.correct": [f"?event={e}" for e in world["events"]],
        "timeline.letter": ["?which=follow-up", "?which=appeal"],
        "timeline.month": ["?month=2026-11", "?month=2200-12"],
        "api.deadlines": [f"?law={code}&start=2026-11-02" for code in sorted(load_laws())],
        "search.index": ["?q=detainer", "?q=detainer&kind=document&status=sent"],
        "public.search_page": ["?q=emails"],
        "api.search_api": ["?q=detainer"],
        "requests.index": ["?status=sent&sort=title&dir=asc", "?q=ICE&jurisdiction=CA"],
        "public.index": ["?jurisdiction=TX&subject=agreements&agency=Austin+Police"],
        "letters.new": ["?subject=forfeiture", "?subject=communications&agency_kind=jail"],
        "letters.batch_new": ["?subject=forfeiture&agency_kind=police"],
        "audit.index": ["?action=update&object_type=recordrequest", "?since=2026-01-01"],
    }
    return ["", *(useful.get(endpoint, []) if real else []), *(HOSTILE if first else [])]


def _clients(app, people: dict[str, Any], org: Any) -> dict[str, Any]:
    clients = {}
    for identity in IDENTITIES:
        client = app.test_client()
        if identity != "anonymous":
            login(client, people[identity], org)
        clients[identity] = client
    return clients


def test_every_get_route_answers_without_a_server_error(app, world):
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a view error raises here instead of hiding
    clients = _clients(app, world["people"], world["org"])
    failures: list[str] = []
    answered: dict[str, set[int]] = {}
    crawled = 0
    get_rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods]
    for rule in sorted(get_rules, key=lambda r: r.rule):
        api = rule.rule.startswith("/api/")
        for n, values in enumerate(_values(app, world, rule)):
            url = rule.build(values, append_unknown=False)[1]
            real = not any(v in NO_SUCH_IDS for v in values.values())
            for query in _queries(rule.endpoint, world, first=n == 0, real=real):
                # The arguments that make a page work are crawled as the owner, who sees most.
                useful = query and query not in HOSTILE
                for identity in ("owner",) if useful else IDENTITIES:
                    client, headers = clients[identity], {}
                    if api:
                        client = clients["anonymous"]
                        if identity != "anonymous":
                            headers = bearer(world["tokens"][identity])
                    where = f"GET {url}{query} as {identity}"
                    crawled += 1
                    try:
                        resp = client.get(url + query, headers=headers)
                    except Exception as exc:  # noqa: BLE001 - every raise is a 500 to report
                        failures.append(f"{where}: raised {type(exc).__name__}: {exc}"[:300])
                        continue
                    resp.close()
                    answered.setdefault(rule.endpoint, set()).add(resp.status_code)
                    if resp.status_code >= 500:
                        failures.append(f"{where}: {resp.status_code}")
    assert not failures, "\n".join(failures[:50]) + f"\n({len(failures)} of {crawled} failed)"
    # Every GET route was crawled, and each answered at least once with a page: the objects
    # filled in were real, so the crawl reached the code behind the guards.
    assert set(answered) == {r.endpoint for r in get_rules}
    silent = sorted(e for e, codes in answered.items() if not any(c < 400 for c in codes))
    assert not silent, f"never answered below 400: {silent}"


def test_every_law_page_and_calculator_renders_for_everyone(app, factory):
    org = factory.org()
    people = {"owner": factory.user(org), "viewer": factory.user(org, role="viewer")}
    clients = _clients(app, people, org)
    for code, law in sorted(load_laws().items()):
        for identity, client in clients.items():
            page = client.get(f"/laws/{code}")
            assert page.status_code == 200, (code, identity)
            text = html.unescape(page.get_data(as_text=True))
            assert law.name in text
            for extra in law.calendar.extra:  # the closure days the package lacks are listed
                assert extra.name in text, (code, extra.name)
            calc = client.get(f"/laws/{code}/calculate?start=2026-11-02")
            assert calc.status_code == 200, (code, identity)

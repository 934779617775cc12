"""The visibility walk: a private object of every kind, and every read path in the URL map.

One member (the author) files private things of every kind through the product's own routes: a
private request with its letter, events and deadlines, a private email (with an attachment and
the event it proposes) and a private PDF on a shared request, a private document with an
embargo on a public request (lifted by the embargo job before the walk), a request made private
after the reminders went out, and a batch letter whose request was made private afterwards.
Each carries a marker string. Then every GET route of the app is walked, with every object id,
as the owner, an editor, a viewer, a member of another organization, anonymously, and as the
author. No marker may appear in any page, JSON, CSV, calendar feed, ZIP (letters, bundles), .docx
or email for anyone but the author, and addressing a private object directly answers 404. The
author must see every marker somewhere: the walk is not vacuous.

The routes come from ``app.url_map``: a GET route that is neither walked nor listed in
``NOT_OBJECT_BEARING`` fails ``test_every_get_route_is_walked``.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import and_, select
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session

from records.access import visibility
from records.access.visibility import RULES, Viewer
from records.core.models import Agency, Membership, RecordRequest, Role, User
from records.filing.extract import extract_pending
from records.filing.models import Document, SearchEntry
from records.filing.sharing import publish_due_embargoes
from records.letters.models import BatchJob, StoredLetter
from records.lifecycle.models import Event
from records.notify import service as notify
from records.register.models import Agreement
from tests.conftest import Factory, assert_redirect, bearer, login
from tests.filing_helpers import eml_bytes, pdf_bytes
from tests.notify_support import SmtpSink

# Two words each: searches use the second word alone, so a page echoing the query back does not
# count as showing the object.
MARK = {
    "email_subject": "Zqmailsubj denial4410",
    "email_sender": "Zqmailfrom sender7781",
    "email_body": "Zqmailbody body5521",
    "attachment": "Zqattach attach3390",
    "doc_name": "Zqdocname docname6620",
    "doc_description": "Zqdocdesc desc1177",
    "doc_text": "Zqdoctext text8843",
    "embargoed_doc": "Zqembargo embargo2290",
    "request_title": "Zqreqtitle reqpriv5150",
    "request_description": "Zqreqdesc reqdesc6161",
    "request_doc": "Zqreqdoc reqdoc7272",
    "event_note": "Zqeventnote note3131",
    "letter": "Zqletter letter9931",
    "later_title": "Zqlater later4040",
    "batch_letter": "Zqbatchletter batch7070",
    "batch_title": "Zqbatchreq batchreq8080",
    "agreement_title": "Zqagreement agree5353",
    "fact_value": "Zqfactvalue fact6464",
}
# Seen while they were shared, before the author made them private: not in these.
LATER_MARKS = ("later_title",)

IDENTITIES = ("owner", "editor", "viewer", "outsider", "anonymous", "author")
# GET routes that show no organization object, with the reason.
NOT_OBJECT_BEARING = {
    "static": "stylesheets and scripts",
    "health.healthz": "database and scheduler health, no rows",
    "health.livez": "process liveness",
    "api.openapi": "the API's description",
    "api.deadlines": "the deadline calculator: a law and a date in, dates out",
    "laws.index": "the public law library (tests/test_laws.py reads every law)",
    "laws.show": "the public law library",
    "law_calculator.calculate": "the public deadline calculator",
    "auth.login": "the login form",
    "auth.register": "the registration form",
    "auth.change_password": "the password form",
    "orgs.new": "the form for a new organization",
    "orgs.join": "an invitation: the inviting organization's name, to the link's holder",
}
SEARCHABLE = {
    "search.index",
    "public.search_page",
    "api.search_api",
    "requests.index",
    "api.list_requests",
}
MONTHS = ("2026-10", "2026-11", "2026-12", "2027-01", "2027-02")
FEED_RE = re.compile(r"/calendar/(cal_[A-Za-z0-9_-]+)\.ics")


@pytest.fixture
def config(config: dict[str, Any]) -> dict[str, Any]:
    # Every list on one page: the walk must see every row, not the first 25.
    return config | {"PAGE_SIZE": 1000}


@dataclass
class World:
    app: Flask
    people: dict[str, User]
    clients: dict[str, FlaskClient]
    tokens: dict[str, str]
    ids: dict[str, list[int]] = field(default_factory=dict)
    private: dict[str, set[int]] = field(default_factory=dict)  # arg name -> private ids
    feeds: dict[str, str] = field(default_factory=dict)  # feed path -> identity it shows
    events: dict[int, list[int]] = field(default_factory=dict)  # request id -> event ids
    emails_after_switch: int = 0
    smtp: SmtpSink | None = None


def _form_request(**kw: Any) -> dict[str, str]:
    return {
        "title": "Request",
        "agency_id": "",
        "subject": "agreements",
        "description": "",
        "date_from": "2025-01-20",
        "date_to": "",
        "tracking_number": "",
        "assignee_id": "",
        "visibility": "organization",
    } | kw


def _new_request(client: FlaskClient, db: Session, **kw: Any) -> RecordRequest:
    resp = client.post("/requests/new", data=_form_request(**kw))
    match = re.search(r"/requests/(\d+)$", resp.headers.get("Location", ""))
    assert match, (resp.status_code, resp.get_data(as_text=True)[:500])
    return db.get(RecordRequest, int(match.group(1)))


def _event(client: FlaskClient, req_id: int, kind: str, on: str, note: str = "") -> None:
    resp = client.post(f"/requests/{req_id}/events", data={"kind": kind, "on": on, "note": note})
    assert_redirect(resp, f"/requests/{req_id}")


def _upload(
    client: FlaskClient, token: str, req_id: int, name: str, data: bytes, **form: str
) -> dict[str, Any]:
    resp = client.post(
        f"/api/v1/requests/{req_id}/documents",
        data={"file": (io.BytesIO(data), name), **form},
        headers=bearer(token),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _draft_letter(client: FlaskClient, req_id: int) -> int:
    resp = client.post(
        f"/requests/{req_id}/letters/new?subject=agreements&agency_kind=police",
        data={
            "items": ["moa_287g"],
            "date_from": "2025-01-20",
            "fee_cap": "25",
            "format": "electronic",
            "letter_date": "2026-11-24",
        },
    )
    match = re.search(r"/letters/(\d+)$", resp.headers.get("Location", ""))
    assert match, (resp.status_code, resp.get_data(as_text=True)[:800])
    return int(match.group(1))


def _edit_letter(client: FlaskClient, letter_id: int, extra: str) -> None:
    text = client.get(f"/letters/{letter_id}/download.txt").get_data(as_text=True)
    resp = client.post(f"/letters/{letter_id}/edit", data={"text": f"{text}\n{extra}\n"})
    assert_redirect(resp, f"/letters/{letter_id}")


def _feed(client: FlaskClient, scope: str) -> str:
    resp = client.post(f"/notifications/calendars/{scope}", follow_redirects=True)
    match = FEED_RE.search(resp.get_data(as_text=True))
    assert match, "the new feed's address is shown once"
    return f"/calendar/{match.group(1)}.ics"


def build_world(app: Flask, factory: Factory, db: Session, smtp: SmtpSink, clock: Any) -> World:
    """Organization A with every role and org B outside; private things of every kind."""
    a, b = factory.org("Walk A"), factory.org("Walk B")
    people = {
        "owner": factory.user(a, role=Role.OWNER),
        "editor": factory.user(a, role=Role.EDITOR),
        "viewer": factory.user(a, role=Role.VIEWER),
        "author": factory.user(a, role=Role.EDITOR),
        "outsider": factory.user(b, role=Role.OWNER),
    }
    clients = {"anonymous": app.test_client()}
    for name, person in people.items():
        clients[name] = app.test_client()
        login(clients[name], person, b if name == "outsider" else a)
    tokens = {name: factory.token(p, b if name == "outsider" else a) for name, p in people.items()}
    world = World(app, people, clients, tokens, smtp=smtp)
    author, owner = clients["author"], clients["owner"]
    police = factory.agency(
        a, name="Plainview Police Department", level="police", jurisdiction="TX"
    )
    for n in ("North", "South"):
        factory.agency(a, name=f"{n} County Sheriff", level="sheriff", jurisdiction="TX")
    factory.agency(b, name="Elsewhere Police", level="police", jurisdiction="TX")

    # Everyone in the organization follows every request it may see, and gets email.
    resp = clients["viewer"].post(
        "/notifications/preferences",
        data={
            "me-days_before": "3",
            "me-on_day": "y",
            "me-when_passed": "y",
            "me-email": "y",
            "me-scope": "all",
        },
    )
    assert_redirect(resp, "/notifications/preferences")

    shared = _new_request(owner, db, title="Shared MOA request", agency_id=str(police.id))
    public = _new_request(
        owner, db, title="Published jail contract", agency_id=str(police.id), visibility="public"
    )
    private = _new_request(
        author,
        db,
        title=MARK["request_title"],
        description=MARK["request_description"],
        agency_id=str(police.id),
        visibility="private",
    )
    later = _new_request(author, db, title=MARK["later_title"], agency_id=str(police.id))
    # A project holding the shared and the private requests: others see only the shared one.
    made = author.post("/projects/", data={"name": "Walked project"})
    project_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    bulk = author.post(
        "/requests/bulk",
        data={
            "action": "project",
            "project_id": str(project_id),
            "ids": [str(shared.id), str(private.id), str(later.id)],
        },
    )
    assert_redirect(bulk, "/requests/")
    for req in (shared, private, later):
        _event(author if req.id != shared.id else owner, req.id, "sent", "2026-11-06")
    _event(author, private.id, "acknowledged", "2026-11-09", note=MARK["event_note"])

    letters = {
        "shared": _draft_letter(owner, shared.id),
        "private": _draft_letter(author, private.id),
    }
    _edit_letter(author, letters["private"], MARK["letter"])

    tok = tokens["author"]
    email = eml_bytes(MARK["email_subject"], attach=pdf_bytes(MARK["attachment"])).replace(
        b"ICE FOIA <", MARK["email_sender"].encode() + b" <"
    )
    email = email.replace(b"We received your request", MARK["email_body"].encode())
    filed = _upload(author, tok, shared.id, "reply.eml", email, visibility="private")
    private_docs = [filed["id"]] + [d["id"] for d in filed["also_filed"]]
    proposals = [p["id"] for p in filed["proposed_events"]]
    assert proposals, "the email proposed an event"
    pdf = _upload(
        author,
        tok,
        shared.id,
        f"{MARK['doc_name']}.pdf",
        pdf_bytes(MARK["doc_text"]),
        visibility="private",
        description=MARK["doc_description"],
    )
    held = _upload(
        author,
        tok,
        public.id,
        f"{MARK['embargoed_doc']}.pdf",
        pdf_bytes("Held back"),
        visibility="private",
        embargo_until="2026-12-01",
    )
    on_private = _upload(
        author,
        tok,
        private.id,
        f"{MARK['request_doc']}.pdf",
        pdf_bytes("Inside"),
        visibility="organization",
    )
    private_docs += [pdf["id"], held["id"], on_private["id"]]
    open_doc = _upload(owner, tokens["owner"], shared.id, "released.pdf", pdf_bytes("Released"))
    with app.app_context():
        from records.core.db import get_session

        assert extract_pending(get_session(), clock.now()) >= 5

    # A batch of letters; one of its requests is made private afterwards, its letter edited.
    resp = author.post(
        "/letters/batch?subject=forfeiture&agency_kind=sheriff",
        data={
            "items": ["esac", "dag71"],
            "date_from": "2020-01-01",
            "letter_date": "2026-11-24",
            "level": "sheriff",
        },
    )
    batch = db.exec(select(BatchJob)).scalars().one()
    assert_redirect(resp, f"/letters/batch/{batch.id}")
    rows = [r for r in batch.results if r.get("letter_id")]
    assert len(rows) == 2
    secret_row = rows[0]
    _edit_letter(author, secret_row["letter_id"], MARK["batch_letter"])

    # Reminders and their emails go out while ``later`` is still shared ...
    owner_feed = _feed(owner, "org")
    world.feeds = {owner_feed: "owner", _feed(clients["viewer"], "me"): "viewer"}
    world.feeds[_feed(author, "me")] = "author"
    clock.move_to(datetime(2026, 11, 24, 14, tzinfo=UTC))  # after the day's 13:00 send time
    result = notify.sweep(app.extensions["db_engine"], clock.now(), "walk", app.config)
    assert result.planned and smtp.messages, "reminders were planned and emailed"
    viewer_inbox = clients["viewer"].get("/notifications").get_data(as_text=True)
    assert MARK["later_title"] in viewer_inbox, "the viewer followed the request while shared"
    # ... then the author makes it (and the batch request) private.
    for req_id, title in (
        (later.id, MARK["later_title"]),
        (secret_row["request_id"], MARK["batch_title"]),
    ):
        resp = author.patch(
            f"/api/v1/requests/{req_id}",
            json={"visibility": "private", "title": title},
            headers=bearer(tok),
        )
        assert resp.status_code == 200, resp.get_json()
    world.emails_after_switch = len(smtp.messages)

    # A week later the embargo job runs, and reminders go out again.
    clock.move_to(date(2026, 12, 1))
    assert publish_due_embargoes(db, datetime.now(UTC)) == 1
    notify.sweep(app.extensions["db_engine"], clock.now(), "walk", app.config)

    # The register: a private entry, and a shared one with a fact citing a private document.
    entries = {}
    for who, title, vis in (
        (author, MARK["agreement_title"], "private"),
        (owner, "Shared MOA", ""),
    ):
        resp = who.post(
            "/agreements/new",
            data={"kind": "287g_jem", "agency_id": police.id, "title": title, "visibility": vis},
        )
        entries[vis or "shared"] = int(resp.headers["Location"].rsplit("/", 1)[1])
    resp = author.post(
        f"/agreements/{entries['shared']}/facts",
        data={
            "name": "scope",
            "value": MARK["fact_value"],
            "document_id": pdf["id"],
            "page": "1",
            "quote": MARK["doc_text"],
        },
    )
    assert_redirect(resp, f"/agreements/{entries['shared']}")
    uids = {
        k: db.get(Agreement, v).uid  # type: ignore[union-attr]
        for k, v in entries.items()
    }

    requests = [shared.id, public.id, private.id, later.id, *(r["request_id"] for r in rows)]
    world.ids = {
        "agreement_id": list(entries.values()),
        "uid": list(uids.values()),  # type: ignore[dict-item]
        "request_id": requests,
        "doc_id": [*private_docs, open_doc["id"]],
        "letter_id": [
            *letters.values(),
            *(r["letter_id"] for r in rows),
            *db.exec(select(StoredLetter.id).where(StoredLetter.request_id == later.id)).scalars(),
        ],
        "batch_id": [batch.id],
        "agency_id": list(
            db.exec(select(Agency.id).where(Agency.created_by_org_id == a.id)).scalars()
        ),
        "proposed_id": proposals,
        "project_id": [project_id],
    }
    private_requests = {private.id, later.id, secret_row["request_id"]}
    world.private = {
        "request_id": private_requests,
        "doc_id": set(private_docs),
        "letter_id": {
            lid
            for lid in world.ids["letter_id"]
            if db.get(StoredLetter, lid).request_id in private_requests
        },
        "proposed_id": set(proposals),
        "agreement_id": {entries["private"]},
        "uid": {uids["private"]},  # type: ignore[arg-type]
    }
    for req_id in requests:
        world.events[req_id] = list(
            db.exec(select(Event.id).where(Event.request_id == req_id)).scalars()
        )
    return world


@pytest.fixture
def world(app: Flask, factory: Factory, db: Session, smtp: SmtpSink, clock: Any) -> World:
    return build_world(app, factory, db, smtp, clock)


# ------------------------------------------------------------------------------------------
# Reading responses
# ------------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _zip_text(data: bytes) -> str:
    parts = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            raw = zf.read(info)
            parts.append(info.filename)
            parts.append(_docx_text(raw) if info.filename.endswith(".docx") else _decode(raw))
    return "\n".join(parts)


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # a PDF's content stream keeps its text readable


def readable(resp: Any) -> str:
    """Everything a response shows: headers, and the body (ZIP members and .docx read back)."""
    data = resp.get_data()
    if data[:4] == b"PK\x03\x04":
        try:
            body = _docx_text(data) if "wordprocessingml" in resp.mimetype else _zip_text(data)
        except (zipfile.BadZipFile, KeyError, ValueError):
            body = _decode(data)
    else:
        body = _decode(data)
    headers = "\n".join(f"{k}: {v}" for k, v in resp.headers.items())
    return html.unescape(f"{headers}\n{body}").lower()


def _seen(text: str) -> set[str]:
    return {name for name, mark in MARK.items() if mark.lower() in text}


# ------------------------------------------------------------------------------------------
# Building the URLs
# ------------------------------------------------------------------------------------------


def _args(rule: Any, world: World) -> list[tuple[dict[str, Any], bool]] | None:
    """Every combination of ids for the rule's arguments, with whether it names a private
    object; None when an argument has no builder."""
    combos: list[tuple[dict[str, Any], bool]] = [({}, False)]
    for arg in sorted(rule.arguments):
        if arg in world.ids:
            values = [(i, i in world.private.get(arg, set())) for i in world.ids[arg]]
        elif arg == "fmt":
            values = [("txt", False), ("docx", False)]
        elif arg == "piece":
            values = [("closing", False)]
        elif arg == "ext":
            values = [("csv", False), ("json", False)]
        elif arg == "code":
            values = [(code, False) for code in ("TX", "AL")]
        elif arg == "token":
            values = [(path.split("/")[-1][: -len(".ics")], False) for path in world.feeds]
        else:
            return None
        combos = [({**c, arg: val}, p or priv) for c, p in combos for val, priv in values]
    return combos


def _queries(rule: Any, args: dict[str, Any], world: World) -> list[str]:
    if rule.endpoint in SEARCHABLE:
        return ["", *(f"?q={mark.split()[1]}" for mark in MARK.values())]
    if rule.endpoint == "timeline.month":
        return ["", *(f"?month={m}" for m in MONTHS)]
    if rule.endpoint == "timeline.correct":
        return [f"?event={e}" for e in world.events.get(args["request_id"], [])] or [""]
    return [""]


@dataclass(frozen=True)
class Visit:
    endpoint: str
    url: str
    names_private: bool
    identity: str  # who asks (session cookie or API token)
    view: str  # whose view the answer must be: the public's on the archive, a feed's member


def visits(app: Flask, world: World) -> tuple[list[Visit], list[str]]:
    """Every GET to make, and the GET endpoints that could not be built."""
    out, unbuilt = [], []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in NOT_OBJECT_BEARING:
            continue
        combos = _args(rule, world)
        if combos is None:
            unbuilt.append(rule.endpoint)
            continue
        for args, names_private in combos:
            path = rule.build(args, append_unknown=False)[1]
            for query in _queries(rule, args, world):
                if rule.endpoint == "notifications.feed":
                    # A secret feed address shows its own member's view, whoever holds it.
                    out.append(Visit(rule.endpoint, path, False, "anonymous", world.feeds[path]))
                    continue
                for identity in IDENTITIES:
                    # The archive shows what the public may see, even to a logged-in author.
                    view = "anonymous" if rule.endpoint.startswith("public.") else identity
                    out.append(Visit(rule.endpoint, path + query, names_private, identity, view))
    return out, unbuilt


def _fetch(world: World, visit: Visit, identity: str) -> Any:
    if visit.endpoint.startswith("api."):
        client = world.app.test_client()
        headers = bearer(world.tokens[identity]) if identity != "anonymous" else {}
        return client.get(visit.url, headers=headers)
    return world.clients[identity].get(visit.url)


# ------------------------------------------------------------------------------------------
# The tests
# ------------------------------------------------------------------------------------------


def test_every_get_route_is_walked(app: Flask, factory: Factory, db: Session) -> None:
    """A new GET route fails here until the walk can build it or it is listed as showing no
    organization object."""
    stub = World(app, {}, {}, {})
    stub.ids = {
        k: [1]
        for k in (
            "request_id",
            "doc_id",
            "letter_id",
            "batch_id",
            "agency_id",
            "agreement_id",
            "project_id",
        )
    }
    stub.ids["uid"] = ["agr-0000000000"]  # type: ignore[list-item]
    stub.feeds = {"/calendar/cal_x.ics": "viewer"}
    _visits, unbuilt = visits(app, stub)
    assert not unbuilt, f"walk these GET routes or list them in NOT_OBJECT_BEARING: {unbuilt}"
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    stale = sorted(set(NOT_OBJECT_BEARING) - endpoints)
    assert not stale, f"NOT_OBJECT_BEARING names routes that no longer exist: {stale}"


def test_no_read_path_shows_a_private_object(app: Flask, world: World) -> None:
    plan, unbuilt = visits(app, world)
    assert not unbuilt
    failures: list[str] = []
    seen_by_author: set[str] = set()
    for visit in plan:
        resp = _fetch(world, visit, visit.identity)
        text = readable(resp)
        resp.close()
        where = f"GET {visit.url} as {visit.identity}"
        if resp.status_code >= 500:
            failures.append(f"{where}: {resp.status_code}")
        seen = _seen(text)
        if visit.view == "author":
            seen_by_author |= seen
            continue
        if seen:
            failures.append(f"{where}: shows {sorted(seen)}")
        if visit.names_private and visit.identity != "anonymous" and resp.status_code != 404:
            failures.append(f"{where}: a private object answered {resp.status_code}, not 404")
        if visit.names_private and resp.status_code == 200:
            failures.append(f"{where}: a private object answered 200")
    missing = sorted(set(MARK) - seen_by_author)
    assert not missing, f"the author never saw {missing}: the walk does not reach them"
    assert not failures, "\n".join(failures[:80]) + f"\n({len(failures)} problems)"
    # Emails sent after the requests became private name none of them, except to the author.
    assert world.smtp is not None
    for message in world.smtp.messages[world.emails_after_switch :]:
        to = str(message["To"])
        if to != world.people["author"].email:
            body = html.unescape(message.as_string()).lower()
            assert not _seen(body), f"an email to {to} names a private object"


def test_sql_and_row_checks_agree(world: World, db: Session) -> None:
    """For every kind and every viewer, the SQL filter and the one-row check pick the same rows
    (the world holds private, shared, public, embargoed and derived rows of every kind)."""
    org_a = world.people["owner"]
    a_id = db.exec(select(Membership.org_id).where(Membership.user_id == org_a.id)).scalar_one()
    b_id = db.exec(
        select(Membership.org_id).where(Membership.user_id == world.people["outsider"].id)
    ).scalar_one()
    viewers = [Viewer.member(a_id, p.id) for n, p in world.people.items() if n != "outsider"]
    viewers += [
        Viewer.member(b_id, world.people["outsider"].id),
        Viewer.organization(a_id),
        Viewer.public(),
    ]
    checked = 0
    for viewer in viewers:
        # Search applies the same rule on the rows it joins; it must pick the same entries.
        joined = (
            select(SearchEntry.id)
            .outerjoin(RecordRequest, RecordRequest.id == SearchEntry.request_id)
            .outerjoin(
                Document, and_(SearchEntry.kind == "document", Document.id == SearchEntry.item_id)
            )
            .outerjoin(
                StoredLetter,
                and_(SearchEntry.kind == "letter", StoredLetter.id == SearchEntry.item_id),
            )
            .where(visibility.search_entries_joined(viewer))
        )
        alone = select(SearchEntry.id).where(visibility.where(SearchEntry, viewer))
        assert set(db.exec(joined).scalars()) == set(db.exec(alone).scalars()), viewer
    for model in RULES:
        pk = sa_inspect(model).primary_key[0]
        rows = db.exec(select(model)).scalars().all()
        for viewer in viewers:
            by_sql = set(db.exec(select(pk).where(visibility.where(model, viewer))).scalars())
            by_row = {getattr(r, pk.key) for r in rows if visibility.can_see(db, viewer, r)}
            assert by_sql == by_row, (model.__name__, viewer, by_sql ^ by_row)
            # The statement built once per kind of viewer, ids bound, selects the same rows.
            bound = select(pk).where(visibility.where(model, viewer.symbolic()))
            assert set(db.exec(bound, params=viewer.params()).scalars()) == by_sql, model
            checked += len(rows)
    kinds = {m.__name__ for m in RULES if db.exec(select(m)).first() is not None}
    for needed in ("Document", "ProposedEvent", "SharingNote", "SearchEntry", "Notification"):
        assert needed in kinds, f"the world has no {needed} rows to compare"
    assert checked > 1000

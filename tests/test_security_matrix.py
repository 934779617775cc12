"""Access matrix: every route in the URL map, as anonymous, as each role and as another organization.

Driven by ``app.url_map``: a route missing from ``RULES`` fails ``test_every_route_is_classified``
until someone says who may use it. Objects that belong to organization A carry marker strings; a
response that shows a marker to someone who may not see that object fails, whatever its status.
Forbidden writes must be refused and must leave the database unchanged.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

from records.core.models import ApiToken, Membership, Role
from records.register.models import Agreement, LedgerFigure
from tests.conftest import bearer, login

OPEN, TOKEN, LOGIN, MEMBER, API = "open", "token", "login", "member", "api"
VW, ED, OW = Role.VIEWER, Role.EDITOR, Role.OWNER
RANK = {VW: 1, ED: 2, OW: 3}


@dataclass(frozen=True)
class Rule:
    kind: str
    role: Role | None = None


# Who may use each endpoint. OPEN: anyone (may show public objects only); TOKEN: a capability URL
# (a wrong token is a 404 for everyone); LOGIN: any signed-in user; MEMBER/API: a member of the
# organization with at least ``role`` (objects in the URL must also be visible to them).
RULES: dict[str, Rule] = {
    "static": Rule(OPEN),
    "health.healthz": Rule(OPEN),
    "health.livez": Rule(OPEN),
    "auth.register": Rule(OPEN),
    "auth.login": Rule(OPEN),
    "auth.logout": Rule(LOGIN),
    "auth.change_password": Rule(LOGIN),
    "dashboard.index": Rule(OPEN),
    "laws.index": Rule(OPEN),
    "laws.show": Rule(OPEN),
    "law_calculator.calculate": Rule(OPEN),
    "public.index": Rule(OPEN),
    "public.show": Rule(OPEN),
    "public.download": Rule(OPEN),
    "public.search_page": Rule(OPEN),
    "orgs.new": Rule(LOGIN),
    "orgs.switch": Rule(LOGIN),
    "orgs.join": Rule(TOKEN),
    "orgs.settings": Rule(MEMBER, VW),
    "orgs.settings_slash": Rule(OPEN),  # a redirect to /settings, which then asks to log in
    "orgs.create_invite": Rule(MEMBER, OW),
    "orgs.change_role": Rule(MEMBER, OW),
    "orgs.remove_member": Rule(MEMBER, OW),
    "orgs.create_token": Rule(MEMBER, VW),
    "orgs.revoke_token": Rule(MEMBER, VW),
    "agencies.index": Rule(MEMBER, VW),
    "agencies.suggest": Rule(MEMBER, VW),
    "agencies.new": Rule(MEMBER, ED),
    "agencies.show": Rule(MEMBER, VW),
    "agencies.edit": Rule(MEMBER, ED),
    "agencies.import_csv": Rule(MEMBER, ED),
    "agencies.add_closure": Rule(MEMBER, ED),
    "agencies.remove_closure": Rule(MEMBER, ED),
    "agencies.history_page": Rule(MEMBER, VW),
    "agencies.merge": Rule(MEMBER, OW),  # or an instance administrator (tested)
    "requests.index": Rule(MEMBER, VW),
    "requests.new": Rule(MEMBER, ED),
    "requests.show": Rule(MEMBER, VW),
    "requests.edit": Rule(MEMBER, ED),
    "requests.delete": Rule(MEMBER, ED),
    "requests.bulk": Rule(MEMBER, VW),  # viewers may export; changes need an editor (tested)
    "file_again.file_again": Rule(MEMBER, ED),
    "projects.index": Rule(MEMBER, VW),  # creating one needs an editor (tested)
    "projects.show": Rule(MEMBER, VW),
    "projects.remove": Rule(MEMBER, ED),
    "api.list_projects": Rule(API, VW),
    "api.create_project": Rule(API, ED),
    "api.get_project": Rule(API, VW),
    "api.add_project_requests": Rule(API, ED),
    "audit.index": Rule(MEMBER, OW),
    "audit.export_csv": Rule(MEMBER, OW),
    "documents.upload": Rule(MEMBER, ED),
    "documents.show": Rule(MEMBER, VW),
    "documents.edit": Rule(MEMBER, ED),
    "documents.download": Rule(MEMBER, VW),
    "documents.decide": Rule(MEMBER, ED),
    "documents.embargo": Rule(MEMBER, ED),
    "letters.new": Rule(MEMBER, ED),
    "letters.show": Rule(MEMBER, VW),
    "letters.edit": Rule(MEMBER, ED),
    "letters.download": Rule(MEMBER, VW),
    "letters.send": Rule(MEMBER, ED),
    "letters.mark_sent": Rule(MEMBER, ED),
    "letters.settings": Rule(MEMBER, VW),
    # Editors save their own profile (the form's default scope); the organization's default
    # profile is the owners' (tests/test_letters_batch_form.py).
    "letters.save_profile": Rule(MEMBER, ED),
    "letters.template_piece": Rule(MEMBER, OW),
    "letters.letterhead": Rule(MEMBER, OW),
    "letters.mail_settings": Rule(MEMBER, OW),
    "letters.seed_federal": Rule(MEMBER, ED),
    "letters.batch_new": Rule(MEMBER, ED),
    "letters.batch_show": Rule(MEMBER, VW),
    "letters.batch_continue": Rule(MEMBER, ED),
    "letters.batch_retry": Rule(MEMBER, ED),
    "letters.batch_mark_sent": Rule(MEMBER, ED),
    "letters.batch_zip": Rule(MEMBER, VW),
    "notifications.index": Rule(MEMBER, VW),
    "notifications.read_all": Rule(MEMBER, VW),
    "notifications.read_one": Rule(MEMBER, VW),
    "notifications.preferences": Rule(MEMBER, VW),
    "notifications.org_preferences": Rule(MEMBER, OW),
    "notifications.reset_preferences": Rule(MEMBER, VW),
    "notifications.calendars": Rule(MEMBER, VW),
    "notifications.create_calendar": Rule(MEMBER, VW),
    "notifications.revoke_calendar": Rule(MEMBER, VW),
    "notifications.feed": Rule(TOKEN),
    "notifications.request_ics": Rule(MEMBER, VW),
    "search.index": Rule(MEMBER, VW),
    "timeline.new_event": Rule(MEMBER, ED),
    "timeline.create_event": Rule(MEMBER, ED),
    "timeline.correct": Rule(MEMBER, ED),
    "timeline.letter": Rule(MEMBER, ED),
    "timeline.month": Rule(MEMBER, VW),
    "api.openapi": Rule(OPEN),
    "api.list_agencies": Rule(API, VW),
    "api.create_agency": Rule(API, ED),
    "api.get_agency": Rule(API, VW),
    "api.patch_agency": Rule(API, ED),
    "api.list_requests": Rule(API, VW),
    "api.create_request": Rule(API, ED),
    "api.get_request": Rule(API, VW),
    "api.patch_request": Rule(API, ED),
    "api.delete_request": Rule(API, ED),
    "api.upload_documents": Rule(API, ED),
    "api.list_documents": Rule(API, VW),
    "api.get_document": Rule(API, VW),
    "api.download_document": Rule(API, VW),
    "api.search_api": Rule(API, VW),
    "api.deadlines": Rule(API, VW),
    "api.list_events": Rule(API, VW),
    "api.create_event": Rule(API, ED),
    "api.patch_event": Rule(API, ED),
    "api.list_letters": Rule(API, VW),
    "api.get_letter": Rule(API, VW),
    "api.download_letter": Rule(API, VW),
    "api.create_letter": Rule(API, ED),
    "api.patch_letter": Rule(API, ED),
    "api.send_letter": Rule(API, ED),
    "api.export_bundle": Rule(API, VW),
    "api.import_bundle": Rule(API, ED),
    "bundle.export": Rule(MEMBER, VW),
    "bundle.import_page": Rule(MEMBER, ED),
    "timeline.appeal_letter": Rule(MEMBER, ED),
    "timeline.follow_up_letter": Rule(MEMBER, ED),
    "inbound.held": Rule(MEMBER, VW),
    "inbound.file_one": Rule(MEMBER, ED),
    "inbound.settings": Rule(MEMBER, OW),
    # The agreement register (records/register).
    "register.index": Rule(MEMBER, VW),
    "register.create": Rule(MEMBER, ED),
    "register.show": Rule(MEMBER, VW),
    "register.add_fact": Rule(MEMBER, ED),
    "register.delete_fact": Rule(MEMBER, ED),
    "register.sharing": Rule(MEMBER, ED),
    "register.review": Rule(MEMBER, VW),
    "register.decide": Rule(MEMBER, ED),
    "register.follow_up": Rule(MEMBER, ED),
    "register.ledger": Rule(MEMBER, VW),
    "register.add_figure": Rule(MEMBER, ED),
    "register.add_sharing_request": Rule(MEMBER, ED),
    "public_register.public_index": Rule(OPEN),
    "public_register.entry": Rule(OPEN),
    "public_register.public_csv": Rule(OPEN),
    "public_register.public_json": Rule(OPEN),
    "public_register.public_ledger": Rule(OPEN),
    "api.list_agreements": Rule(API, VW),
    "api.get_agreement": Rule(API, VW),
    "api.get_ledger": Rule(API, VW),
    "api.list_sharing_requests": Rule(API, VW),
    # Report cards and exports (records/reports): a member's own, the public archive's.
    "reports.index": Rule(MEMBER, VW),
    "reports.agency": Rule(MEMBER, VW),
    "reports.agency_pdf": Rule(MEMBER, VW),
    "reports.state": Rule(MEMBER, VW),
    "reports.export_requests": Rule(MEMBER, VW),
    "reports.export_events": Rule(MEMBER, VW),
    "reports.export_documents": Rule(MEMBER, VW),
    "public_reports.public_index": Rule(OPEN),
    "public_reports.public_agency": Rule(OPEN),
    "public_reports.public_state": Rule(OPEN),
    "public_reports.chart_css": Rule(OPEN),
    "api.report_cards": Rule(API, VW),
    "api.report_card": Rule(API, VW),
    "api.export_requests": Rule(API, VW),
}

# Harmless values for string parameters; ids without a builder point at a row that does not exist.
STRING_ARGS = {
    "code": "US",
    "filename": "app.css",
    "token": "not-a-real-token",
    "action": "accept",
    "fmt": "docx",
    "ext": "csv",
    "which": "appeal",
    "piece": "closing",
    "scope": "org",
    "uid": "agr-0000000000",
}
MISSING_ID = 987654
# Two words each: searches use the second word alone, so a page that echoes the query back does
# not count as showing the object.
MARK = {
    "private": "Zqsecret private7431",
    "org": "Zqinternal orgonly5520",
    "public": "Zqopen public9034",
    "agency": "Zqsheriff agencyA6612",
    "notes": "Zqnotes agencynotes8120",  # organization A's own notes on the shared agency
    "member": "Zqperson memberA3307",
}


def _term(name: str) -> str:
    return MARK[name].split()[1]


DENIED = {401, 403, 404}


def test_every_route_is_classified(app):
    missing = sorted({r.endpoint for r in app.url_map.iter_rules()} - set(RULES))
    assert not missing, f"classify these endpoints in RULES (who may use them): {missing}"


@pytest.fixture
def world(app, factory):
    """Organization A with every role, a private, an org-wide and a public request; org B outside."""
    a, b = factory.org("A zq"), factory.org("B zq")
    people = {
        "owner": factory.user(a, role=OW),
        "editor": factory.user(a, role=ED),
        "viewer": factory.user(a, role=VW),
        "author": factory.user(a, role=ED),
        "outsider": factory.user(b, role=OW),
    }
    people["author"].name = MARK["member"]
    factory._save(people["author"])
    agency = factory.agency(a, name=MARK["agency"], notes=MARK["notes"])
    pub_agency = factory.agency(a, name="Public County Sheriff")
    # An org-wide register entry and ledger figure: the register list, its filters and the
    # ledger's charts name the agency to members only.
    factory._save(Agreement(org_id=a.id, kind="287g_jem", title=MARK["org"], agency_id=agency.id))
    factory._save(
        LedgerFigure(
            org_id=a.id,
            agency_id=agency.id,
            fiscal_year=2023,
            fund="justice",
            line="receipts",
            amount_cents=100,
        )
    )
    private = factory.request(
        a, people["author"], agency, title=MARK["private"], visibility="private"
    )
    org_req = factory.request(a, people["owner"], agency, title=MARK["org"])
    public = factory.request(
        a, people["owner"], pub_agency, title=MARK["public"], visibility="public"
    )
    tokens = {
        name: factory.token(user, b if name == "outsider" else a) for name, user in people.items()
    }
    db = factory.db
    viewer_membership = db.exec(
        select(Membership).where(Membership.user_id == people["viewer"].id)
    ).scalar_one()
    owner_token = db.exec(
        select(ApiToken).where(ApiToken.user_id == people["owner"].id)
    ).scalar_one()
    return {
        "a": a,
        "b": b,
        "people": people,
        "tokens": tokens,
        "agency": agency,
        "requests": {"private": private, "org": org_req, "public": public},
        "member_id": viewer_membership.id,
        "token_id": owner_token.id,
    }


IDENTITIES = ["anonymous", "owner", "editor", "viewer", "author", "outsider"]


def _may_see(identity: str) -> set[str]:
    if identity == "anonymous":
        return {"public"}
    if identity == "outsider":  # the agency directory is shared; A's notes on it are not
        return {"public", "agency"}
    seen = {"public", "org", "agency", "member", "notes"}
    return seen | {"private"} if identity == "author" else seen


def _role(identity: str) -> Role | None:
    return {"owner": OW, "editor": ED, "viewer": VW, "author": ED, "outsider": OW}.get(identity)


def _urls(rule: Any, world: dict) -> list[tuple[str, str | None, bool]]:
    """(url, which request it targets, whether every id in it is a real object of org A)."""
    variants: list[dict[str, Any]] = [{}]
    if "request_id" in rule.arguments:
        variants = [{"request_id": world["requests"][k].id, "_req": k} for k in ("private", "org")]
    out = []
    for variant in variants:
        values: dict[str, Any] = {}
        real = True
        for arg in rule.arguments:
            if arg == "request_id":
                values[arg] = variant["request_id"]
            elif arg == "agency_id":
                values[arg] = world["agency"].id
            elif arg == "member_id":
                values[arg] = world["member_id"]
            elif arg == "token_id":
                values[arg] = world["token_id"]
            elif arg in STRING_ARGS:
                values[arg] = STRING_ARGS[arg]
                real = real and arg != "token"
            else:
                values[arg] = MISSING_ID
                real = False
        url = rule.build(values, append_unknown=False)[1]
        out.append((url, variant.get("_req"), real))
    return out


def _allowed(
    rule: Rule,
    identity: str,
    req: str | None,
    real: bool,
    has_ids: bool,
    agency_only: bool = False,
) -> bool:
    if rule.kind == OPEN:
        return True
    if rule.kind == TOKEN:
        return False
    if identity == "anonymous":
        return False
    if rule.kind == LOGIN:
        return True
    if identity == "outsider":
        if agency_only:  # a shared directory entry: as for their own organization's members
            return RANK[_role(identity)] >= RANK[rule.role]
        return not has_ids  # their own organization's lists and forms
    if req == "private" and identity != "author":
        return False
    return RANK[_role(identity)] >= RANK[rule.role]


def _state(db) -> dict[str, list]:
    out = {}
    for table in SQLModel.metadata.sorted_tables:
        if table.name in ("loginattempt",):
            continue
        order = list(table.primary_key.columns) or list(table.columns)
        out[table.name] = [
            tuple(r) for r in db.connection().execute(select(table).order_by(*order))
        ]
    db.commit()
    return out


def _leaks(body: str, identity: str) -> list[str]:
    allowed = _may_see(identity)
    body = html.unescape(body).lower()
    return [name for name, mark in MARK.items() if name not in allowed and mark.lower() in body]


def _denied_ok(resp: Any) -> bool:
    """A refusal: an error status, or a redirect (to the login page or back with a message).

    A redirect shows nothing; that a refused write changed nothing is checked separately.
    """
    redirected = resp.status_code in (301, 302, 303)  # any redirect: a refusal
    return resp.status_code in DENIED or redirected


def test_access_matrix(app, world, db):
    failures: list[str] = []
    clients = {}
    for identity in IDENTITIES:
        client = app.test_client()
        if identity != "anonymous":
            person = world["people"][identity]
            login(client, person, world["b"] if identity == "outsider" else world["a"])
        clients[identity] = client
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        policy = RULES.get(rule.endpoint)
        if policy is None:
            continue  # reported by test_every_route_is_classified
        has_ids = any(a.endswith("_id") for a in rule.arguments)
        agency_only = set(rule.arguments) == {"agency_id"}
        for url, req, real in _urls(rule, world):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                before = _state(db) if method != "GET" else None
                for identity in IDENTITIES:
                    allowed = _allowed(policy, identity, req, real, has_ids, agency_only)
                    if method != "GET" and allowed and real:
                        continue  # permitted writes are covered by each feature's own tests
                    headers = {}
                    client = clients[identity]
                    if policy.kind == API:
                        client = app.test_client()
                        if identity != "anonymous":
                            headers = bearer(world["tokens"][identity])
                    queries = [""]
                    if method == "GET" and not rule.arguments:
                        queries += [f"?q={_term('private')}", f"?q={_term('org')}"]
                    for query in queries:
                        kwargs: dict[str, Any] = {"headers": headers}
                        if method in ("POST", "PATCH", "PUT"):
                            kwargs["json" if policy.kind == API else "data"] = {
                                "title": "changed",
                                "visibility": "public",
                                "role": "owner",
                            }
                        where = f"{method} {url}{query} as {identity}"
                        try:
                            resp = client.open(url + query, method=method, **kwargs)
                        except Exception as exc:  # TESTING propagates view errors: a 500
                            failures.append(f"{where}: raised {type(exc).__name__}: {exc}"[:300])
                            db.rollback()
                            continue
                        body = resp.get_data().decode("utf-8", "replace")
                        resp.close()
                        if resp.status_code >= 500:
                            failures.append(f"{where}: {resp.status_code}")
                        leaked = _leaks(body, identity)
                        if leaked:
                            failures.append(f"{where}: shows {leaked}")
                        if (not allowed or not real) and method != "GET" and resp.status_code < 300:
                            failures.append(
                                f"{where}: write on a missing object answered {resp.status_code}"
                            )
                        if not allowed and not _denied_ok(resp):
                            failures.append(f"{where}: expected refusal, got {resp.status_code}")
                        if allowed and real and resp.status_code in (401, 403):
                            failures.append(f"{where}: wrongly refused ({resp.status_code})")
                if before is not None and _state(db) != before:
                    failures.append(f"{method} {url}: a refused write changed data")
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} problems)"


def test_private_request_hidden_from_lists_and_search_of_other_members(app, world):
    client = app.test_client()
    login(client, world["people"]["owner"], world["a"])
    for url in (
        "/requests/",
        f"/requests/?q={_term('private')}",
        "/",
        "/audit/",
        "/audit/export.csv",
    ):
        body = client.get(url).get_data(as_text=True)
        assert MARK["private"] not in body, url
    api = app.test_client()
    items = api.get(
        f"/api/v1/requests?q={_term('private')}", headers=bearer(world["tokens"]["owner"])
    ).get_json()
    assert items["items"] == []
    # The author does see it: the check above is not vacuous.
    author = app.test_client()
    login(author, world["people"]["author"], world["a"])
    assert MARK["private"] in author.get("/requests/").get_data(as_text=True)

"""Report cards from a small timeline recorded through the API, with every figure worked by hand.

The Virginia law gives 5 business days from receipt to answer (Va. Code § 2.2-3704(B)); no
holiday falls between 2026-09-14 and 2026-10-09, so business days are the weekdays.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from records.reports import charts
from records.reports.figures import PUBLIC_MIN_N, median, percentile
from tests.conftest import assert_redirect, bearer, login

SENT = "2026-09-14"  # a Monday


def _post(client, token, url, body):
    resp = client.post(url, json=body, headers=bearer(token))
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _request(client, token, agency_id, title, events, visibility="public"):
    req = _post(
        client,
        token,
        "/api/v1/requests",
        {"agency_id": agency_id, "title": title, "subject": "agreements", "visibility": visibility},
    )
    for kind, on, data in [("sent", SENT, {"received": SENT}), *events]:
        _post(
            client, token, f"/api/v1/requests/{req['id']}/events",
            {"type": kind, "date": on, "data": data},
        )  # fmt: skip
    return req["id"]


@pytest.fixture
def timeline(app, factory):
    """Sheriff A: six requests (five public); Sheriff B: one public request; another org."""
    org = factory.org("Newsroom")
    owner = factory.user(org)
    token = factory.token(owner, org)
    client = app.test_client()
    a = _post(client, token, "/api/v1/agencies",
              {"name": "Sheriff A", "level": "sheriff", "jurisdiction": "VA"})  # fmt: skip
    b = _post(client, token, "/api/v1/agencies",
              {"name": "Sheriff B", "level": "sheriff", "jurisdiction": "VA"})  # fmt: skip
    ids = {
        # ack 1 bd; fee $12.50 (paid the next day); full release after 4 bd: on time
        "r1": _request(client, token, a["id"], "R1", [
            ("acknowledged", "2026-09-15", {}),
            ("fee_estimate", "2026-09-16", {"amount": "$12.50"}),
            ("fees_paid", "2026-09-17", {}),
            ("final_response", "2026-09-18", {"outcome": "full"}),
        ]),
        # partial release after 9 bd (11 calendar days): late
        "r2": _request(client, token, a["id"], "R2", [
            ("final_response", "2026-09-25", {"outcome": "partial"}),
        ]),
        # denial on the due day (5 bd, 7 calendar days): on time; appeal partly granted
        "r3": _request(client, token, a["id"], "R3", [
            ("denial", "2026-09-21", {"exemptions": "§ 2.2-3706; § 2.2-3705.1"}),
            ("appeal_filed", "2026-09-25", {}),
            ("appeal_decided", "2026-10-05", {"outcome": "partly_granted"}),
        ]),
        # acknowledged after 2 bd, never answered: overdue since 2026-09-21
        "r4": _request(client, token, a["id"], "R4", [("acknowledged", "2026-09-16", {})]),
        # no records after 14 bd (18 calendar days): late
        "r5": _request(client, token, a["id"], "R5", [
            ("final_response", "2026-10-02", {"outcome": "no_records"}),
        ]),
        # withdrawn the next day; organization-only, so not in the public card
        "r6": _request(client, token, a["id"], "R6", [("withdrawn", "2026-09-15", {})],
                       visibility="organization"),
        "b1": _request(client, token, b["id"], "B1", [
            ("final_response", "2026-09-15", {"outcome": "full"}),
        ]),
    }  # fmt: skip
    other = factory.org("Elsewhere")
    outsider = factory.user(other)
    return {"org": org, "owner": owner, "token": token, "a": a, "b": b, "ids": ids,
            "other": other, "outsider": outsider, "client": client}  # fmt: skip


def test_pending_statuses_are_the_lifecycle_s():
    from records.lifecycle import service as lifecycle
    from records.reports import service

    assert service.OPEN == lifecycle.OPEN


def test_percentiles_by_hand():
    assert median([4, 5, 9, 14]) == 7
    assert median([1, 2, 7, 11, 18]) == 7
    assert percentile([4, 5, 9, 14], 90) == 14  # rank ceil(3.6) = 4
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9
    assert median([]) is None


def test_agency_card_figures_by_hand(timeline):
    t = timeline
    card = (
        t["client"]
        .get(f"/api/v1/reports/agencies/{t['a']['id']}", headers=bearer(t["token"]))
        .get_json()
    )
    assert card["filed"] == 6
    assert card["answered"] == 4  # R1, R2, R3, R5
    assert card["pending"] == 1  # R4
    ack, ans = card["days_to_acknowledge"], card["days_to_answer"]
    # first reply: R1 1, R2 9, R3 5, R4 2, R5 14 business days
    assert ack["business"]["median"] == {"value": 5.0, "n": 5, "hidden": False}
    assert ack["business"]["p90"]["value"] == 14.0
    # calendar: 1, 11, 7, 2, 18
    assert ack["calendar"]["median"]["value"] == 7.0
    assert ack["calendar"]["p90"]["value"] == 18.0
    # final answers: R1 4, R2 9, R3 5, R5 14 business days; 4, 11, 7, 18 calendar days
    assert ans["business"]["median"] == {"value": 7.0, "n": 4, "hidden": False}
    assert ans["business"]["p90"]["value"] == 14.0
    assert ans["calendar"]["median"]["value"] == 9.0
    # the 5-business-day response clock: R1 and R3 met, R2 and R5 late
    assert card["on_time"]["response"] == {"value": 50.0, "n": 4, "hidden": False}
    assert card["on_time"]["all"]["value"] == 50.0
    assert card["on_time_by_year"] == {"2026": {"value": 50.0, "n": 4, "hidden": False}}
    # R4's response was due 2026-09-21; today is 2026-11-24: 64 days overdue
    assert card["overdue_now"] == {"value": 100.0, "n": 1, "hidden": False}
    assert card["overdue_days"]["max"]["value"] == 64.0
    assert card["outcomes"] == {"full": 1, "partial": 1, "no_records": 1, "denied": 1,
                                "withdrawn": 1}  # fmt: skip
    assert card["exemptions"] == {"§ 2.2-3706": 1, "§ 2.2-3705.1": 1}
    assert card["appeals"] == 1
    assert card["appeal_outcomes"] == {"partly_granted": 1}
    assert card["fees_asked"] == {"count": 1, "median_cents": {"value": 1250.0, "n": 1,
                                                               "hidden": False}}  # fmt: skip


def test_correction_updates_the_card(timeline):
    t = timeline
    client, token = t["client"], t["token"]
    events = client.get(
        f"/api/v1/requests/{t['ids']['r2']}/events", headers=bearer(token)
    ).get_json()["items"]
    final = next(e for e in events if e["type"] == "final_response")
    resp = client.post(
        f"/api/v1/requests/{t['ids']['r2']}/events",
        json={"corrects": final["id"], "date": "2026-09-18"},
        headers=bearer(token),
    )
    assert resp.status_code in (200, 201), resp.get_json()
    card = client.get(f"/api/v1/reports/agencies/{t['a']['id']}", headers=bearer(token)).get_json()
    # R2 now answered after 4 bd, on time: 4, 4, 5, 14 -> median 4.5; 3 of 4 on time
    assert card["days_to_answer"]["business"]["median"]["value"] == 4.5
    assert card["on_time"]["response"]["value"] == 75.0


def test_org_pages_show_the_card_and_charts(timeline, app):
    t = timeline
    client = app.test_client()
    login(client, t["owner"], t["org"])
    page = client.get(f"/reports/agencies/{t['a']['id']}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "Report card: Sheriff A" in body
    assert 'role="img"' in body and "<desc id=" in body and "<script" not in body
    assert "The law&#39;s deadline is 5 business days" in body or "deadline is 5 business" in body
    overview = client.get("/reports/").get_data(as_text=True)
    assert "Sheriff A" in overview and "Sheriff B" in overview
    state = client.get("/reports/states/VA?level=sheriff").get_data(as_text=True)
    # Sheriff B (median 1) comes before Sheriff A (median 7)
    assert state.index("Sheriff B") < state.index("Sheriff A")
    bad = client.get("/reports/states/VA?level=wizard")
    assert bad.status_code == 400 and "level must be one of" in bad.get_data(as_text=True)
    css = client.get("/public/reports/charts.css")
    assert css.status_code == 200 and ".color-0" in css.get_data(as_text=True)


def test_other_org_cannot_read_cards(timeline, app, factory):
    t = timeline
    client = app.test_client()
    login(client, t["outsider"], t["other"])
    # The directory is shared: another organization opens the agency's card, built from its own
    # requests only (none), never from the first organization's.
    assert client.get(f"/reports/agencies/{t['a']['id']}").status_code == 200
    assert "Sheriff A" not in client.get("/reports/").get_data(as_text=True)
    assert "Sheriff A" not in client.get("/reports/states/VA").get_data(as_text=True)
    token = factory.token(t["outsider"], t["other"])
    api = app.test_client()
    card = api.get(f"/api/v1/reports/agencies/{t['a']['id']}", headers=bearer(token))
    assert card.status_code == 200 and card.get_json()["filed"] == 0
    owner = api.get(f"/api/v1/reports/agencies/{t['a']['id']}", headers=bearer(t["token"]))
    assert owner.get_json()["filed"] > 0  # the same card, for the organization that filed
    assert api.get("/api/v1/reports/agencies", headers=bearer(token)).get_json()["items"] == []
    csv_text = client.get("/reports/exports/requests.csv").get_data(as_text=True)
    assert "R1" not in csv_text


def test_member_private_requests_stay_out_of_cards(timeline, app, factory):
    t = timeline
    client, token = t["client"], t["token"]
    editor = factory.user(t["org"], role="editor")
    own = factory.token(editor, t["org"])
    _request(client, own, t["a"]["id"], "Private one",
             [("final_response", "2026-09-15", {"outcome": "full"})], visibility="private")  # fmt: skip
    owner_card = client.get(f"/api/v1/reports/agencies/{t['a']['id']}",
                            headers=bearer(token)).get_json()  # fmt: skip
    editor_card = client.get(f"/api/v1/reports/agencies/{t['a']['id']}",
                             headers=bearer(own)).get_json()  # fmt: skip
    assert owner_card["filed"] == 6
    assert editor_card["filed"] == 7


def test_public_cards_use_public_requests_and_hide_small_n(timeline, app):
    client = app.test_client()
    assert PUBLIC_MIN_N == 5
    card = client.get("/public/reports/agency?name=Sheriff+A&jurisdiction=VA")
    body = card.get_data(as_text=True)
    assert card.status_code == 200
    # five public requests: R6 (withdrawn, organization-only) is not counted
    assert "Withdrawn</th><td>0" in body
    # first replies rest on 5 public requests: shown; final answers on 4: hidden, n still said
    assert "To acknowledge, business days</th><td>5</td><td>14</td><td>5</td>" in body
    assert "To a final answer, business days</th><td>—</td><td>—</td><td>4</td>" in body
    small = client.get("/public/reports/agency?name=Sheriff+B&jurisdiction=VA").get_data(
        as_text=True
    )
    assert "Only 1 public request" in small
    assert "<svg" not in small  # no chart of one request either
    index = client.get("/public/reports/").get_data(as_text=True)
    assert "Sheriff A" in index and "Sheriff B" in index
    state = client.get("/public/reports/states/VA?level=sheriff").get_data(as_text=True)
    assert "Sheriff A" in state
    assert client.get("/public/reports/agency?name=Nobody&jurisdiction=VA").status_code == 404
    assert_redirect(client.get("/public/reports/agency"), "/public/reports/")


def test_export_round_trips_the_filtered_list(timeline, app, monkeypatch):
    from records.reports import exports

    monkeypatch.setattr(exports, "CHUNK", 2)  # several chunks from the server-side cursor
    t = timeline
    client = app.test_client()
    login(client, t["owner"], t["org"])
    # one request titled with a formula: the export must not run it
    _request(t["client"], t["token"], t["b"]["id"], "=HYPERLINK(\"x\")",
             [("final_response", "2026-09-15", {"outcome": "full"})])  # fmt: skip
    for query in ("", "?status=denied", f"?agency_id={t['a']['id']}", "?q=R"):
        listed = client.get("/requests/" + query + ("&" if query else "?") + "per_page=100")
        html_ids = {int(i) for i in _ids_in(listed.get_data(as_text=True))}
        resp = client.get("/reports/exports/requests.csv" + query)
        assert resp.status_code == 200
        assert resp.mimetype == "text/csv"
        text = resp.get_data(as_text=True)
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0][:3] == ["id", "title", "agency"]
        assert {int(r[0]) for r in rows[1:]} == html_ids, query
        assert all(not r[1].startswith("=") for r in rows[1:])
        items = json.loads(client.get("/reports/exports/requests.json" + query).get_data())
        assert {i["id"] for i in items} == html_ids
    denied = list(csv.reader(io.StringIO(
        client.get("/reports/exports/requests.csv?status=partially_fulfilled")
        .get_data(as_text=True).lstrip("\ufeff"))))  # fmt: skip
    header = denied[0]
    r3 = next(r for r in denied[1:] if r[1] == "R3")
    assert r3[header.index("response_state")] == "met"
    assert r3[header.index("response_due")] == "2026-09-21"
    events = list(csv.reader(io.StringIO(
        client.get(f"/reports/exports/events.csv?agency_id={t['a']['id']}")
        .get_data(as_text=True).lstrip("\ufeff"))))  # fmt: skip
    assert len(events) - 1 == 6 + 4 + 1 + 3 + 1 + 1 + 1  # sent each + the rest
    api = t["client"].get("/api/v1/exports/requests?per_page=2&page=2",
                          headers=bearer(t["token"])).get_json()  # fmt: skip
    assert api["total"] == 8 and len(api["items"]) == 2
    assert "deadlines" in api["items"][0]
    bad = client.get("/reports/exports/requests.csv?sort=nonsense")
    assert bad.status_code == 400 and "sort must be one of" in bad.get_data(as_text=True)


def _ids_in(body: str) -> list[str]:
    import re

    return re.findall(r'name="ids" value="(\d+)"', body)


def test_charts_are_accessible_svg():
    svg = charts.histogram("k", "Days", [1, 2, 3], deadline=2)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="k-title">Days</title>' in svg
    assert "<script" not in svg and "<style" not in svg and "style=" not in svg
    assert "no answers yet" in charts.histogram("e", "Days", [], deadline=5)


def test_agency_without_sent_requests(app, member, factory):
    org, _user = member
    agency = factory.agency(org, name="Quiet Office")
    client = app.test_client()
    login(client, _user, org)
    body = client.get(f"/reports/agencies/{agency.id}").get_data(as_text=True)
    assert "Report card: Quiet Office" in body and "<svg" not in body


def test_documents_export_lists_what_the_member_may_see(timeline, app, factory):
    t = timeline
    editor = factory.user(t["org"], role="editor")
    own = factory.token(editor, t["org"])
    for token, name, vis in ((t["token"], "reply.txt", "organization"),
                             (own, "mine-only.txt", "private")):  # fmt: skip
        resp = t["client"].post(
            f"/api/v1/requests/{t['ids']['r1']}/documents",
            data={"file": (io.BytesIO(f"text of {name}".encode()), name), "visibility": vis},
            headers=bearer(token),
            content_type="multipart/form-data",
        )
        assert resp.status_code == 201, resp.get_json()

    def names(user):
        client = app.test_client()
        login(client, user, t["org"])
        text = client.get("/reports/exports/documents.csv").get_data(as_text=True)
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0][:3] == ["id", "request_id", "name"]
        return {r[2] for r in rows[1:]}

    assert names(t["owner"]) == {"reply.txt"}
    assert names(editor) == {"reply.txt", "mine-only.txt"}
    outsider = app.test_client()
    login(outsider, t["outsider"], t["other"])
    assert "reply.txt" not in outsider.get("/reports/exports/documents.json").get_data(as_text=True)


def test_report_card_as_pdf(timeline, app):
    from pypdf import PdfReader

    t = timeline
    client = app.test_client()
    login(client, t["owner"], t["org"])
    resp = client.get(f"/reports/agencies/{t['a']['id']}/card.pdf")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:200]
    assert resp.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    assert "Report card: Sheriff A (VA)" in text
    assert "Days taken, counted from receipt" in text and "Filed (sent)" in text
    outsider = app.test_client()
    login(outsider, t["outsider"], t["other"])
    other = outsider.get(f"/reports/agencies/{t['a']['id']}/card.pdf")  # its own requests: none
    assert other.status_code == 200
    other_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(other.data)).pages)
    assert "Report card: Sheriff A (VA)" in other_text and text != other_text

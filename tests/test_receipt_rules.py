"""When a request counts as received, by the channel it went through, and which version of the
law counts it. Dates were worked out by hand from the statutes named; day 0 is receipt.

Michigan's business days (MCL 435.101, as the library's calendar lists them): Thanksgiving Thu
2026-11-26 is closed, Fri 2026-11-27 is open.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from records.core.models import Organization
from records.deadlines.engine import compute_clocks, law_in_force, receipt_date
from records.laws import LawDataError, get_law, parse_law
from records.lifecycle.clocks import current_deadlines
from tests.conftest import assert_redirect, bearer

D = date.fromisoformat


@pytest.fixture(autouse=True)
def _after_the_dates(clock) -> None:
    """Events are recorded once they have happened: the tests' dates are before 2026-12-02."""
    clock.move_to("2026-12-02")


@pytest.fixture
def michigan(factory, member):
    org, user = member
    agency = factory.agency(org, name="Kent County Sheriff", level="sheriff", jurisdiction="MI")
    return factory.request(org, user, agency, title="Detainer log")


def send(client, req, day: str, **data: str):
    form = {"kind": "sent", "on": day, "note": ""} | {f"data_{k}": v for k, v in data.items()}
    return client.post(f"/requests/{req.id}/events", data=form)


def clocks(db, req) -> dict:
    return {d.clock: d for d in current_deadlines(db, req.id)}


def test_mi_emailed_request_counts_from_the_next_business_day(client, db, michigan) -> None:
    # MCL 15.235(1): an e-mailed request "is not received ... until 1 business day after the
    # electronic transmission is made". Sent Wed 2026-11-25; Thu 11-26 is Thanksgiving, so it
    # is received Fri 11-27. 5 business days (MCL 15.235(2)): Nov 30 (1), Dec 1 (2), 2 (3),
    # 3 (4), Fri 12-04 (5).
    assert_redirect(
        send(client, michigan, "2026-11-25", channel="email"), f"/requests/{michigan.id}"
    )
    response = clocks(db, michigan)["response"]
    assert response.due == D("2026-12-04")
    assert "Sent by e-mail on Wed 2026-11-25" in response.explanation
    assert "on Fri 2026-11-27 (MCL 15.235(1))" in response.explanation
    page = client.get(f"/requests/{michigan.id}").get_data(as_text=True)
    assert "counts as received 1 business day later, on Fri 2026-11-27" in page


def test_mi_posted_request_counts_from_its_arrival(client, db, michigan) -> None:
    # By post the e-mail rule does not apply. No arrival date: counted from sending, Wed
    # 2026-11-25: Nov 27 (1), 30 (2), Dec 1 (3), 2 (4), Thu 12-03 (5): the earliest date.
    assert_redirect(
        send(client, michigan, "2026-11-25", channel="mail"), f"/requests/{michigan.id}"
    )
    response = clocks(db, michigan)["response"]
    assert response.due == D("2026-12-03")
    assert "the sending date is used, the earliest it can have arrived" in response.explanation


def test_mi_stated_arrival_replaces_the_rule_through_the_api(client, db, factory, michigan):
    # Posted Wed 2026-11-25, arrived Mon 11-30: Dec 1 (1), 2 (2), 3 (3), 4 (4), Mon 12-07 (5).
    org = db.get(Organization, michigan.org_id)
    token = factory.token(factory.user(org), org)
    body = {
        "type": "sent",
        "date": "2026-11-25",
        "data": {"channel": "mail", "received": "2026-11-30"},
    }
    resp = client.post(f"/api/v1/requests/{michigan.id}/events", json=body, headers=bearer(token))
    assert resp.status_code == 201, resp.json
    assert json.loads(json.dumps(resp.json["event"]["data"]))["channel"] == "mail"
    got = client.get(f"/api/v1/requests/{michigan.id}", headers=bearer(token)).json
    response = next(d for d in got["deadlines"] if d["name"] == "response")
    assert response["due"] == "2026-12-07"
    bad = {"type": "sent", "date": "2026-11-25", "data": {"channel": "pigeon"}}
    resp = client.post(f"/api/v1/requests/{michigan.id}/events", json=bad, headers=bearer(token))
    assert resp.status_code in (400, 409, 422)
    assert "channel must be one of" in resp.get_data(as_text=True)


def test_timeline_form_keeps_a_bad_channel_and_says_why(client, michigan) -> None:
    resp = send(client, michigan, "2026-11-25", channel="pigeon", received="2026-11-20")
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "channel must be one of" in text
    # The form offers an empty choice, so a request sent without a channel is not "email".
    form = client.get(f"/requests/{michigan.id}/events/new?kind=sent").get_data(as_text=True)
    assert '<option value="">' in form and "Sent by" in form


def test_cli_counts_the_channel(runner) -> None:
    # The same count as the first test, from `flask deadlines compute`.
    out = runner.invoke(
        args=["deadlines", "compute", "--law", "MI", "--sent", "2026-11-25", "--channel", "email"]
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.output)
    assert (got["start"], got["response_due"], got["channel"]) == (
        "2026-11-27",
        "2026-12-04",
        "email",
    )
    assert "MCL 15.235(1)" in got["receipt"]
    hand = json.loads(
        runner.invoke(
            args=[
                "deadlines",
                "compute",
                "--law",
                "MI",
                "--sent",
                "2026-11-25",
                "--channel",
                "hand",
            ]
        ).output
    )
    assert (hand["start"], hand["response_due"]) == ("2026-11-25", "2026-12-03")
    bad = runner.invoke(args=["deadlines", "compute", "--law", "MI"])
    assert bad.exit_code == 2 and "--start" in bad.output


def _token(factory) -> dict[str, str]:
    org = factory.org()
    return bearer(factory.token(factory.user(org), org))


def test_api_calculator_counts_the_channel(client, factory) -> None:
    auth = _token(factory)
    got = client.get("/api/v1/deadlines?law=MI&sent=2026-11-25&channel=email", headers=auth).json
    assert (got["start"], got["response_due"]) == ("2026-11-27", "2026-12-04")
    bad = client.get("/api/v1/deadlines?law=MI&sent=2026-11-25&channel=pigeon", headers=auth)
    assert bad.status_code == 400 and "channel" in bad.get_data(as_text=True)


def test_al_mail_is_received_on_actual_receipt(client, db, factory, member) -> None:
    # Ala. Code § 36-12-45(b)(2): "Receipt of a mailed public records request occurs on the
    # date of actual receipt". Posted Mon 2026-11-02, arrived Thu 11-05: acknowledgment within
    # 10 days (§ 36-12-44(a)(3)): Sun 11-15, moved to Mon 11-16 (§ 1-1-4).
    org, user = member
    agency = factory.agency(org, name="Etowah County Sheriff", jurisdiction="AL")
    req = factory.request(org, user, agency)
    send(client, req, "2026-11-02", channel="mail", received="2026-11-05")
    assert clocks(db, req)["acknowledgment"].due == D("2026-11-16")
    law = get_law("AL")
    day, why = receipt_date(law, D("2026-11-02"), channel="mail")
    assert day == D("2026-11-02") and "Ala. Code § 36-12-45(b)(2)" in why


TEST_LAW = {
    "code": "ZZ",
    "jurisdiction": "Testland",
    "name": "Test Records Act",
    "citation": "T.C. § 1",
    "last_checked": D("2026-12-02"),
    "roll_forward": "next_business_day",
    "roll_forward_citation": "T.C. § 2",
    "who_may_request": {"text": "Anyone", "citation": "T.C. § 1"},
    "fees": {"text": "None", "citation": "T.C. § 3"},
    "fee_waiver": {"text": "None", "citation": "T.C. § 3"},
    "silence": {"text": "Nothing", "citation": "T.C. § 4"},
    "appeal": {"available": False, "citation": "T.C. § 5"},
    "calendar": {"closure_days": ["Christmas Day"], "citation": "T.C. § 6"},
    "periods": {"response": {"count": 5, "unit": "business", "citation": "T.C. § 7 (2025)"}},
    "in_force_from": D("2025-07-01"),
    "version": "the 2025 text",
    "versions": [
        {
            "label": "the 2020 text",
            "in_force_from": D("2020-01-01"),
            "in_force_until": D("2025-06-30"),
            "citation": "T.C. § 7 (2020)",
            "periods": {"response": {"count": 10, "unit": "calendar", "citation": "T.C. § 7"}},
        }
    ],
    "receipt": {
        "text": "received the next business day if it arrives on a closed day or after hours",
        "citation": "T.C. § 8",
        "closed_day": "next_business_day",
        "after_hours": "next_business_day",
    },
}


def test_a_request_is_counted_under_the_version_in_force_on_receipt() -> None:
    law = parse_law(TEST_LAW, "ZZ.toml")
    # Received Mon 2025-06-30, the 2020 text's last day: 10 calendar days, Thu 2025-07-10.
    old = compute_clocks(law, D("2025-06-30"))["response"]
    assert old.due == D("2025-07-10") and old.version == "the 2020 text"
    assert "Counted under the 2020 text (in force from 2020-01-01 to 2025-06-30)" in old.explanation
    # Received Tue 2025-07-01: 5 business days, Jul 2 (1), 3 (2), Fri 4 is not listed as a
    # closure in this test law, so 4 (3), 7 (4), Tue 07-08 (5).
    new = compute_clocks(law, D("2025-07-01"))["response"]
    assert new.due == D("2025-07-08") and new.version == "the 2025 text"
    # Before every known version: the current text with a warning to check.
    used, why = law_in_force(law, D("2019-12-31"))
    assert used.version == "the 2025 text"
    assert "the library holds no text in force then" in why


def test_versions_that_overlap_are_refused() -> None:
    data = TEST_LAW | {"versions": [TEST_LAW["versions"][0] | {"in_force_until": D("2025-07-01")}]}
    with pytest.raises(LawDataError, match="still in force on in_force_from"):
        parse_law(data, "ZZ.toml")
    with pytest.raises(LawDataError, match="in_force_until"):
        parse_law(TEST_LAW | {"versions": [{"label": "x", "citation": "§"}]}, "ZZ.toml")
    with pytest.raises(LawDataError, match="in_force_from for the current text"):
        parse_law(TEST_LAW | {"in_force_from": None}, "ZZ.toml")


def test_closed_day_and_after_hours_receipt_rules() -> None:
    law = parse_law(TEST_LAW, "ZZ.toml")
    # Arrived Sat 2026-12-05: received Mon 12-07 (T.C. § 8).
    day, why = receipt_date(law, D("2026-12-05"), channel="email")
    assert day == D("2026-12-07") and "T.C. § 8" in why
    # Arrived after hours on Thu 2026-12-24: Christmas Fri 12-25 is closed, so Mon 12-28.
    day, why = receipt_date(law, D("2026-12-24"), channel="portal", after_hours=True)
    assert day == D("2026-12-28") and "after the office closed" in why
    # Without such a rule, after-hours arrival is counted from the day it arrived (earlier).
    day, why = receipt_date(get_law("NY"), D("2026-12-03"), channel="email", after_hours=True)
    assert day == D("2026-12-03") and "the earlier date" in why


def test_alabama_before_the_2024_amendment_has_no_deadlines(client, runner, factory) -> None:
    # SB270 (2024 Regular Session) added §§ 36-12-43 to 36-12-46 from 2024-10-01. Received Mon
    # 2024-09-30 (old § 36-12-40: no time limit): no acknowledgment, response or presumption.
    old = json.loads(
        runner.invoke(args=["deadlines", "compute", "--law", "AL", "--start", "2024-09-30"]).output
    )
    assert old["acknowledgment_due"] is None and old["deemed_denial_due"] is None
    assert old["response_due"] is None
    assert old["version"] == "§ 36-12-40 before SB270 (2024 Regular Session)"
    # Received Tue 2024-10-01 under the amended act: 10 days to acknowledge, Fri 2024-10-11.
    new = client.get("/api/v1/deadlines?law=AL&start=2024-10-01", headers=_token(factory)).json
    assert new["acknowledgment_due"] == "2024-10-11"
    assert "in force from 2024-10-01" in new["version_note"]
    page = client.get("/laws/AL").get_data(as_text=True)
    assert "Versions of the law" in page and "Every citizen has a right to inspect" in page


def test_alabama_request_page_says_which_version_applied(client, db, factory, member) -> None:
    org, user = member
    agency = factory.agency(org, name="Gadsden Police", jurisdiction="AL")
    req = factory.request(org, user, agency)
    send(client, req, "2024-09-16", channel="hand")
    got = clocks(db, req)
    assert "acknowledgment" not in got and "deemed_denial" not in got
    assert "before SB270" in got["follow_up"].explanation
    inputs = got["follow_up"].inputs
    assert inputs["law_version"] == "§ 36-12-40 before SB270 (2024 Regular Session)"


def test_after_hours_without_a_rule_counts_the_day_it_arrived(client, db, factory, member):
    # N.Y. Pub. Off. Law § 89(3)(a): acknowledge within 5 business days of receipt. E-mailed
    # after hours on Thu 2026-11-19 (the library has no after-hours rule for New York): counted
    # from Thu 11-19: Nov 20 (1), 23 (2), 24 (3), 25 (4), Thanksgiving Thu 26 closed, Fri 11-27
    # (5).
    org, user = member
    agency = factory.agency(org, name="NYPD FOIL Unit", jurisdiction="NY")
    req = factory.request(org, user, agency)
    send(client, req, "2026-11-19", channel="email", after_hours="1")
    ack = clocks(db, req)["acknowledgment"]
    assert ack.due == D("2026-11-27")
    assert "arrived after the office closed" in ack.explanation
    assert "the earlier date" in ack.explanation


def test_every_version_and_receipt_rule_is_quoted_and_sourced() -> None:
    from records.laws import load_laws

    for law in load_laws().values():
        for version in law.versions:
            assert version.source.citation and version.source.checked_on, (law.code, version.label)
            assert version.text, f"{law.code} {version.label}: quote the words of that version"
            for clock, period in version.periods.items():
                assert period.text and period.source.citation, (law.code, version.label, clock)
        if law.receipt is not None:
            assert law.receipt.text and law.receipt.source.citation, law.code
        if law.calendar.office_closures:
            source = law.calendar.office_closures_source
            assert law.calendar.office_closures_text and source and source.checked_on, law.code

"""Each office's own closure days: recorded by an organization for its agency, or instance-wide
by the operator (`flask closures`), counted where the law counts the days the office is open
(Ala. Code § 36-12-43(b)(1)) and shown in "how we counted" everywhere.

Dates were worked out by hand; day 0 is the day counted from. Alabama 2026 closures in the
period: Columbus Day Mon 10-12, Veterans Day Wed 11-11 (Ala. Code § 1-3-8).
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from records.core.models import Organization, Role
from records.deadlines.engine import compute_clocks
from records.laws.calendars import OfficeClosure
from records.lifecycle.clocks import current_deadlines
from records.lifecycle.models import AgencyClosure
from records.lifecycle.service import record_event
from tests.conftest import assert_redirect, bearer, login

D = date.fromisoformat


@pytest.fixture(autouse=True)
def _late_enough(clock) -> None:
    clock.move_to("2026-12-02")


@pytest.fixture
def alabama(factory, member):
    org, user = member
    agency = factory.agency(org, name="Etowah County Sheriff", level="sheriff", jurisdiction="AL")
    return agency, factory.request(org, user, agency, title="Detainer log")


def record(db, req, kind: str, day: str) -> None:
    record_event(db, req, kind, D(day), actor_id=None)
    db.commit()


def clocks(db, req) -> dict:
    return {d.clock: d for d in current_deadlines(db, req.id)}


def add_closure(client, agency, **form):
    return client.post(f"/agencies/{agency.id}/closures", data=form)


def test_alabama_counts_a_recorded_weather_closure(client, db, alabama) -> None:
    agency, req = alabama
    record(db, req, "sent", "2026-10-01")
    record(db, req, "acknowledged", "2026-10-05")
    # Without the closure: 15 business days from Mon 10-05 (§ 36-12-44(a)(4)) is Tue 10-27.
    assert clocks(db, req)["response"].due == D("2026-10-27")
    resp = add_closure(
        client, agency, name="Ice storm", source="Sheriff's notice of 2026-10-15",
        repeats="once", on="2026-10-16",
    )  # fmt: skip
    assert_redirect(resp, f"/agencies/{agency.id}")
    got = clocks(db, req)
    # Fri 10-16 closed too: Oct 6-9 (4), 13-15 (7), 19-23 (12), 26-28 (15): Wed 10-28.
    assert got["response"].due == D("2026-10-28")
    assert "Ice storm (office closure)" in got["response"].explanation
    assert "source: Sheriff's notice of 2026-10-15" in got["response"].explanation
    # Presumed denial, 30 business days (§ 36-12-44(a)(5)): Oct 6-9 (4), 13-15 (7), 19-23
    # (12), 26-30 (17), Nov 2-6 (22), 9-10 (24), 12-13 (26), 16-19 (30): Thu 11-19; 60
    # calendar days is Fri 12-04. The earlier: Thu 11-19 (one day later than without it).
    assert got["deemed_denial"].due == D("2026-11-19")
    page = client.get(f"/agencies/{agency.id}").get_data(as_text=True)
    assert "Ice storm" in page and "on 2026-10-16" in page
    assert "Ice storm (office closure)" in client.get(f"/requests/{req.id}").get_data(as_text=True)


def test_recurring_closures_and_removal(client, db, alabama) -> None:
    agency, req = alabama
    record(db, req, "sent", "2026-10-01")
    record(db, req, "acknowledged", "2026-10-05")
    # Closed every Friday: 15 business days from Mon 10-05 skipping Fridays and Columbus Day:
    # Oct 6-8 (3), 13-15 (6), 19-22 (10), 26-29 (14), Mon 11-02 (15).
    assert_redirect(
        add_closure(client, agency, name="Four-day week", source="County resolution 2026-14",
                    repeats="weekly", weekday="4"),
        f"/agencies/{agency.id}",
    )  # fmt: skip
    got = clocks(db, req)
    assert got["response"].due == D("2026-11-02")
    assert "every Friday" in got["response"].explanation
    closure_id = db.exec(select(AgencyClosure)).one().id
    assert_redirect(
        client.post(f"/agencies/{agency.id}/closures/{closure_id}/delete"), f"/agencies/{agency.id}"
    )
    assert clocks(db, req)["response"].due == D("2026-10-27")


def test_bad_closure_input_is_refused_and_kept(client, alabama) -> None:
    agency, _ = alabama
    resp = add_closure(client, agency, name="Fair day", source="", repeats="once", on="2026-10-16")
    assert resp.status_code == 422
    text = resp.get_data(as_text=True)
    assert "source is required" in text and 'value="Fair day"' in text
    resp = add_closure(client, agency, name="X", source="Y", repeats="yearly", month_day="02-30")
    assert resp.status_code == 422 and "02-30 is not a day of the year" in resp.get_data(
        as_text=True
    )
    resp = add_closure(client, agency, name="X", source="Y", repeats="weekly", weekday="6")
    assert resp.status_code == 422 and "Monday to Friday" in resp.get_data(as_text=True)


def test_a_law_with_statutory_business_days_shows_but_does_not_count(client, db, factory, member):
    # MCL 15.235(2): 5 business days; Michigan's business days are its legal holidays, not
    # the office's own closures. Sent with the agency's receipt date Mon 2026-11-02: Nov 3
    # (1), 4 (2), 5 (3), 6 (4), Mon 11-09 (5), even with a closure recorded on Wed 11-04.
    org, user = member
    agency = factory.agency(org, name="Kent County Clerk", jurisdiction="MI")
    req = factory.request(org, user, agency)
    add_closure(client, agency, name="Staff training", source="Clerk's notice",
                repeats="once", on="2026-11-04")  # fmt: skip
    record_event(db, req, "sent", D("2026-11-02"), actor_id=None, data={"received": "2026-11-02"})
    db.commit()
    response = clocks(db, req)["response"]
    assert response.due == D("2026-11-09")
    assert "not counted" in response.explanation and "Staff training" in response.explanation


def test_another_organization_cannot_see_or_change_closures(client, db, factory, alabama) -> None:
    agency, req = alabama
    add_closure(client, agency, name="Ice storm", source="notice", repeats="once", on="2026-10-16")
    closure = db.exec(select(AgencyClosure)).one()
    other = factory.org()
    intruder = factory.user(other)
    # The other organization's own Alabama request is not counted with the closure.
    their_agency = factory.agency(other, name="Etowah County Sheriff", jurisdiction="AL")
    theirs = factory.request(other, intruder, their_agency)
    record(db, theirs, "sent", "2026-10-01")
    record(db, theirs, "acknowledged", "2026-10-05")
    assert clocks(db, theirs)["response"].due == D("2026-10-27")
    login(client, intruder, other)
    # The agency is the shared directory's; our closure day on it is ours alone.
    client.get("/agencies/")  # shows (and clears) the message flashed to the first user
    shared = client.get(f"/agencies/{agency.id}")
    assert shared.status_code == 200 and "Ice storm" not in shared.get_data(as_text=True)
    assert client.get(f"/requests/{req.id}").status_code == 404
    page = client.get(f"/agencies/{their_agency.id}").get_data(as_text=True)
    assert "Ice storm" not in page
    assert "Ice storm" not in client.get(f"/requests/{theirs.id}").get_data(as_text=True)
    assert client.post(f"/agencies/{agency.id}/closures/{closure.id}/delete").status_code == 404
    # Its own agency's URL with our closure's id: not found, and ours is still there.
    assert (
        client.post(f"/agencies/{their_agency.id}/closures/{closure.id}/delete").status_code == 404
    )
    assert db.get(AgencyClosure, closure.id) is not None
    token = factory.token(intruder, other)
    assert client.get(f"/api/v1/requests/{req.id}", headers=bearer(token)).status_code == 404
    body = client.get(f"/api/v1/requests/{theirs.id}", headers=bearer(token)).get_data(as_text=True)
    assert "Ice storm" not in body


def test_a_viewer_cannot_add_closures(client, db, factory, alabama) -> None:
    agency, req = alabama
    org = db.get(Organization, req.org_id)
    viewer = factory.user(org, role=Role.VIEWER)
    login(client, viewer, org)
    assert add_closure(client, agency, name="x", source="y", repeats="once",
                       on="2026-10-20").status_code == 403  # fmt: skip
    assert "Add closure day" not in client.get(f"/agencies/{agency.id}").get_data(as_text=True)


def test_flask_closures_add_list_remove_recount(runner, db, alabama) -> None:
    agency, req = alabama
    # Counted from receipt Mon 2026-10-05 (the CLI's START): acknowledgment in 10 days, Thu
    # 10-15; the response, provisionally from that day, 15 business days: Oct 16 (1), 19-23
    # (6), 26-30 (11), Nov 2-5 (15): Thu 11-05.
    before = json.loads(
        runner.invoke(args=["deadlines", "compute", "--law", "AL", "--start", "2026-10-05"]).output
    )
    assert before["response_due"] == "2026-11-05"
    record(db, req, "sent", "2026-10-01")
    record(db, req, "acknowledged", "2026-10-05")
    out = runner.invoke(args=["closures", "add", "--jurisdiction", "al", "--date", "2026-10-16",
                              "--name", "Governor's storm closure", "--source", "Proclamation 2026-7"])  # fmt: skip
    assert out.exit_code == 0, out.output
    assert "recounted 1 request(s)" in out.output
    # Fri 10-16 closed: Oct 19-23 (5), 26-30 (10), Nov 2-6 (15): Fri 11-06.
    after = json.loads(
        runner.invoke(args=["deadlines", "compute", "--law", "AL", "--start", "2026-10-05"]).output
    )
    assert after["response_due"] == "2026-11-06"
    assert "Governor's storm closure (statewide closure)" in after["explanations"]["response_due"]
    # The stored request was recounted: Oct 6-9 (4), 13-15 (7), 19-23 (12), 26-28 (15).
    assert clocks(db, req)["response"].due == D("2026-10-28")
    listed = runner.invoke(args=["closures", "list", "--jurisdiction", "AL"]).output
    assert "2026-10-16\tGovernor's storm closure\tProclamation 2026-7" in listed
    dup = runner.invoke(args=["closures", "add", "--jurisdiction", "AL", "--date", "2026-10-16",
                              "--name", "again", "--source", "x"])  # fmt: skip
    assert dup.exit_code == 2 and "already has a closure" in dup.output
    bad = runner.invoke(args=["closures", "add", "--jurisdiction", "ZZ", "--date", "2026-10-16",
                              "--name", "x", "--source", "x"])  # fmt: skip
    assert bad.exit_code == 2 and "two-letter postal code" in bad.output
    closure_id = listed.split("\t")[0]
    out = runner.invoke(args=["closures", "remove", closure_id])
    assert out.exit_code == 0 and "removed" in out.output
    assert clocks(db, req)["response"].due == D("2026-10-27")
    assert runner.invoke(args=["closures", "remove", "999"]).exit_code == 2


def test_engine_closure_shapes() -> None:
    yearly = OfficeClosure("County fair", "Resolution 12", month_day="10-16")
    # Two years: the same count every year the day falls on a weekday.
    got = compute_clocks("AL", D("2027-10-11"), closures=[yearly])
    # 2027: received Mon 10-11 (Columbus Day), acknowledgment 10 days: Thu 10-21.
    assert got["acknowledgment"].due == D("2027-10-21")
    assert OfficeClosure("x", "y", month_day="02-29").dates_in(2027) == []
    assert OfficeClosure("x", "y", weekday=0).dates_in(2026)[0] == D("2026-01-05")

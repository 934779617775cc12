"""The December 2026 audit of the law library: each finding, with a case that would have caught it.

Every expected date was counted by hand on a calendar from the statute or regulation named in the
test, not produced by running the code. Day 0 is the day of receipt (or of the request, where the
law counts from it); counting starts the next day. Dates come out of ``flask deadlines compute``
where the finding is about what users see there, and out of a request's own timeline where it is
about how a request is counted.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from records.deadlines.engine import SUMMARY_KEYS, compute_clocks, compute_summary
from records.laws import get_law, law_codes
from records.lifecycle.clocks import current_deadlines
from records.lifecycle.service import record_event

D = date.fromisoformat


def cli(runner, law: str, start: str) -> dict:
    """``flask deadlines compute`` for ``law`` from ``start``, as JSON."""
    result = runner.invoke(args=["deadlines", "compute", "--law", law, "--start", start])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def due(law: str, start: str, clock: str = "response", **kw) -> date | None:
    return compute_clocks(get_law(law), D(start), **kw)[clock].due


def timeline(db, factory, law: str, *steps: tuple) -> dict:
    """Record ``steps`` ((kind, day, data)) on a new request under ``law``; its clocks by name."""
    org = factory.org()
    user = factory.user(org)
    req = factory.request(org, user, factory.agency(org, jurisdiction=law))
    for kind, day, data in steps:
        record_event(db, req, kind, D(day), actor_id=user.id, data=data)
        db.commit()
    return {d.clock: d for d in current_deadlines(db, req.id)}


# --- Tennessee: Tenn. Code Ann. § 15-1-101 --------------------------------------------------


def test_tn_juneteenth_on_a_saturday_closes_the_friday_before(runner) -> None:
    # § 15-1-101 lists "June 19, known as Juneteenth", and a Saturday holiday moves to "the
    # preceding Friday". Seven business days (§ 10-7-503(a)(2)(B)) from Tue 2027-06-15: Wed 16
    # (1), Thu 17 (2), Fri 18 closed (Juneteenth, Sat 19), Mon 21 (3), Tue 22 (4), Wed 23 (5),
    # Thu 24 (6), Fri 25 (7).
    out = cli(runner, "TN", "2027-06-15")
    assert out["response_due"] == "2027-06-25"
    assert out["deemed_denial_due"] == "2027-06-25"
    assert "Juneteenth" in out["explanations"]["response_due"]


@pytest.mark.parametrize(
    ("start", "expected", "why"),
    [
        # Regular November election Tue 2026-11-03 ("days set apart by law for holding county,
        # state, or national elections"): from Fri 10-30, Mon 11-02 (1), Tue 03 closed, Wed 04
        # (2), Thu 05 (3), Fri 06 (4), Mon 09 (5), Tue 10 (6), Wed 11 closed (Veterans' Day),
        # Thu 12 (7).
        ("2026-10-30", "2026-11-12", "Regular November election"),
        # Regular August election, the first Thursday in August of an even year: Thu 2026-08-06.
        # From Mon 08-03: Tue 04 (1), Wed 05 (2), Thu 06 closed, Fri 07 (3), Mon 10 (4), Tue 11
        # (5), Wed 12 (6), Thu 13 (7).
        ("2026-08-03", "2026-08-13", "Regular August election"),
        # "the second Monday in October, known as Columbus Day": Mon 2026-10-12. From Fri 10-09:
        # Mon 12 closed, Tue 13 (1), Wed 14 (2), Thu 15 (3), Fri 16 (4), Mon 19 (5), Tue 20 (6),
        # Wed 21 (7).
        ("2026-10-09", "2026-10-21", "Columbus Day"),
    ],
)
def test_tn_election_days_and_columbus_day_are_legal_holidays(
    start: str, expected: str, why: str
) -> None:
    clock = compute_clocks(get_law("TN"), D(start))["response"]
    assert clock.due == D(expected)
    assert why in clock.explanation


def test_tn_day_after_thanksgiving_is_a_business_day() -> None:
    # Not in § 15-1-101 (the governor's substitution moves a state employee holiday, not the
    # legal holiday). From Tue 2026-11-24: Wed 25 (1), Thu 26 closed, Fri 27 (2), Mon 30 (3),
    # Tue 12-01 (4), Wed 02 (5), Thu 03 (6), Fri 04 (7).
    assert due("TN", "2026-11-24") == D("2026-12-04")


# --- Colorado: C.R.S. § 24-11-101 ------------------------------------------------------------


def test_co_cabrini_day_is_the_first_monday_in_october(runner) -> None:
    # § 24-11-101(1): "the first Monday in October, commonly called Frances Xavier Cabrini day".
    # Three working days (§ 24-72-203(3)(b)) from Fri 2026-10-02: Mon 05 closed, Tue 06 (1),
    # Wed 07 (2), Thu 08 (3).
    out = cli(runner, "CO", "2026-10-02")
    assert out["response_due"] == "2026-10-08"
    assert "Frances Xavier Cabrini Day" in out["explanations"]["response_due"]
    closed = get_law("CO").calendar
    assert not any(e.rule == "thanksgiving+1" for e in closed.extra)


def test_co_moves_only_sunday_holidays() -> None:
    # § 24-11-101(2) moves a holiday "upon a Sunday" to the Monday; Saturday holidays stay put.
    # Juneteenth is Sat 2027-06-19, so Fri 06-18 is a working day: from Wed 06-16, Thu 17 (1),
    # Fri 18 (2), Mon 21 (3).
    assert due("CO", "2027-06-16") == D("2027-06-21")
    # Independence Day is Sun 2027-07-04, so Mon 07-05 is the holiday: from Thu 07-01, Fri 02
    # (1), Mon 05 closed, Tue 06 (2), Wed 07 (3).
    assert due("CO", "2027-07-01") == D("2027-07-07")


# --- Michigan: MCL 15.235, 15.240, 435.101 ----------------------------------------------------


def test_mi_emailed_request_is_received_one_business_day_after_sending(db, factory) -> None:
    # MCL 15.235(1): an e-mailed request "is not received ... until 1 business day after the
    # electronic transmission is made". Sent Mon 2026-11-16 with no receipt date: received Tue
    # 11-17. Five business days (15.235(2)): Wed 18 (1), Thu 19 (2), Fri 20 (3), Mon 23 (4),
    # Tue 24 (5).
    clocks = timeline(db, factory, "MI", ("sent", "2026-11-16", None))
    assert clocks["response"].due == D("2026-11-24")
    assert clocks["deemed_denial"].due == D("2026-11-24")
    assert "MCL 15.235(1)" in clocks["response"].explanation
    # Delivered by hand the day it was sent: Tue 17 (1), Wed 18 (2), Thu 19 (3), Fri 20 (4),
    # Mon 23 (5).
    by_hand = timeline(db, factory, "MI", ("sent", "2026-11-16", {"received": "2026-11-16"}))
    assert by_hand["response"].due == D("2026-11-23")


def test_mi_deemed_denial_is_conditional(runner) -> None:
    # MCL 15.235(3): silence is a final determination to deny "if either of the following
    # applies: (a) The failure was willful and intentional. (b) The written request ...".
    out = cli(runner, "MI", "2026-11-20")
    assert out["conditions"]["deemed_denial_due"].startswith("the failure to answer was willful")
    assert out["explanations"]["deemed_denial_due"].startswith("Only if the failure to answer")
    assert out["conditions"]["response_due"] is None


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        # MCL 435.101(1)(c) "February 12, Lincoln's Birthday" (Fri 2027-02-12) and (d) the third
        # Monday of February (Mon 02-15). From Wed 02-10: Thu 11 (1), Fri 12 and Mon 15 closed,
        # Tue 16 (2), Wed 17 (3), Thu 18 (4), Fri 19 (5).
        ("2027-02-10", "2027-02-19"),
        # (i) "The second Monday of October, Columbus Day": Mon 2026-10-12. From Thu 10-08: Fri
        # 09 (1), Mon 12 closed, Tue 13 (2), Wed 14 (3), Thu 15 (4), Fri 16 (5).
        ("2026-10-08", "2026-10-16"),
        # Not in 435.101: the day after Thanksgiving (a Civil Service holiday). From Fri
        # 2026-11-20: Mon 23 (1), Tue 24 (2), Wed 25 (3), Thu 26 closed, Fri 27 (4), Mon 30 (5).
        ("2026-11-20", "2026-11-30"),
        # Nor the general election day: Tue 2026-11-03 is a business day. From Fri 10-30: Mon
        # 11-02 (1), Tue 03 (2), Wed 04 (3), Thu 05 (4), Fri 06 (5).
        ("2026-10-30", "2026-11-06"),
    ],
)
def test_mi_business_days_follow_mcl_435_101(start: str, expected: str) -> None:
    assert due("MI", start) == D(expected)


def test_mi_citations_and_court_of_claims() -> None:
    mi = get_law("MI")
    cited = " ".join(
        [mi.who_may_request.source.citation, mi.notes]
        + [p.source.citation + " " + p.note for p in mi.periods.values()]
    )
    assert "15.232(a)" not in cited  # the letter now names another term
    assert "MCL 15.240(3)" in mi.periods["appeal_decision"].note  # the board receipt rule
    assert "Court of Claims" in mi.appeal.to_whom
    assert "mailed" in mi.appeal.note and "Prins" in mi.appeal.note


def test_mi_180_days_from_the_denial() -> None:
    # MCL 15.240(1)(b): within 180 days. Denial mailed Mon 2026-11-30: Dec 1-31 (31), Jan (62),
    # Feb (90), Mar (121), Apr (151), May 29 is day 180, a Saturday; MCR 1.108(1) runs to the
    # next day that is not a Saturday, Sunday or legal holiday: Sun 30, Mon 31 (Memorial Day),
    # so Tue 2027-06-01.
    assert due("MI", "2026-11-20", "appeal", determination=D("2026-11-30")) == D("2027-06-01")


# --- Massachusetts: 950 CMR 32.08(1); G.L. c. 66, § 10(b)(vi) --------------------------------


def test_ma_appeal_quote_is_the_regulation_s_words() -> None:
    appeal = get_law("MA").appeal
    assert appeal.period is not None and appeal.no_response is not None
    assert appeal.period.text.endswith(
        "within 90 calendar days of the date of the response by a records access officer."
    )
    assert appeal.no_response.text.endswith("must be made within 90 calendar days of the request.")
    assert "date the response was due" not in appeal.period.text


def test_ma_silence_can_be_appealed_90_days_from_the_request(db, factory, runner) -> None:
    # 950 CMR 32.08(1)(d). Sent (e-mail) Mon 2026-08-03, no answer: Aug 4-31 (28), Sep (58),
    # Oct (89), Nov 1 is day 90, a Sunday; c. 4, § 9 moves it to Mon 2026-11-02.
    clocks = timeline(db, factory, "MA", ("sent", "2026-08-03", None))
    silent = clocks["appeal_no_response"]
    assert (silent.due, silent.state) == (D("2026-11-02"), "open")
    assert "appeal" not in clocks  # no answer yet, so no appeal from an answer
    # The CLI counts START as the request date: from Mon 2027-03-01, Mar 2-31 (30), Apr (60),
    # May 30 is day 90, a Sunday; Mon 31 is Memorial Day, so Tue 2027-06-01.
    assert cli(runner, "MA", "2027-03-01")["appeal_if_no_response_due"] == "2027-06-01"


def test_ma_extension_counts_the_state_agency_limit() -> None:
    # § 10(b)(vi): 15 business days after receipt for agencies (25 for municipalities, which
    # could not be confirmed, so the earlier limit is counted for all). From Mon 2027-03-01:
    # Mar 2-5 (4), 8-12 (9), 15-19 (14), Mon 22 (15).
    ext = get_law("MA").periods["extension"]
    assert ext.count == 15 and ext.source.unverified
    assert due("MA", "2027-03-01", "extended_response") == D("2027-03-22")


# --- Missouri: § 9.010 ----------------------------------------------------------------------


def test_mo_sunday_lincolns_birthday_moves_to_monday() -> None:
    # § 9.010: "when any of such holidays falls upon Sunday, the Monday next following shall be
    # considered the holiday". February 12, 2034 is a Sunday, so Mon 02-13 is closed. Three
    # business days (§ 610.023.3) from Fri 2034-02-10: Mon 13 closed, Tue 14 (1), Wed 15 (2),
    # Thu 16 (3).
    assert due("MO", "2034-02-10") == D("2034-02-16")


# --- DHS: 6 C.F.R. § 5.8(a)(1) --------------------------------------------------------------


def test_dhs_appeal_counts_postmark_or_transmission() -> None:
    period = get_law("US").components["DHS"].appeal.period
    assert period is not None
    assert "postmarked or, in the case of electronic submissions, transmitted" in period.text
    assert "within 90 working days" in period.text
    assert "must be received" not in period.text
    # 90 working days after a response of Fri 2026-12-18 (the walk in test_clocks): Thu
    # 2027-04-29.
    appeal = compute_clocks(
        get_law("US"), D("2026-11-02"), component="DHS", determination=D("2026-12-18")
    )["appeal"]
    assert appeal.due == D("2027-04-29")


# --- Alabama: § 36-12-40 as amended in 2024 -----------------------------------------------------


def test_al_right_belongs_to_every_resident() -> None:
    who = get_law("AL").who_may_request
    assert who.text.startswith("Every resident")
    assert "citizen" not in who.text.lower()


# --- Connecticut and every law: the CLI and API list every clock ------------------------------


def test_ct_deemed_denial_appears_in_the_cli_and_api(runner, client, factory) -> None:
    # § 1-206(a): "within four business days of such request". From Tue 2026-11-24: Wed 25 (1),
    # Thu 26 closed (Thanksgiving), Fri 27 (2), Mon 30 (3), Tue 12-01 (4).
    out = cli(runner, "CT", "2026-11-24")
    assert out["deemed_denial_due"] == "2026-12-01"
    assert out["response_due"] is None  # "promptly": no fixed date
    org = factory.org()
    token = factory.token(factory.user(org), org)
    api = client.get(
        "/api/v1/deadlines?law=CT&start=2026-11-24", headers={"Authorization": f"Bearer {token}"}
    ).json
    assert api["deemed_denial_due"] == "2026-12-01"


def test_ct_counts_from_the_request_not_its_arrival(db, factory) -> None:
    # Mailed Mon 2026-11-16, arrived Wed 11-18. Four business days of the request: Tue 17 (1),
    # Wed 18 (2), Thu 19 (3), Fri 20 (4). (From the arrival it would have been Tue 11-24.)
    clocks = timeline(db, factory, "CT", ("sent", "2026-11-16", {"received": "2026-11-18"}))
    assert clocks["deemed_denial"].due == D("2026-11-20")


# Which summary key shows each law-library period.
PERIOD_KEYS = {
    "acknowledgment": "acknowledgment_due",
    "response": "response_due",
    "extension": "extended_due",
    "expedited_decision": "expedited_decision_due",
    "deemed_denial": "deemed_denial_due",
    "appeal_decision": "appeal_decision_due",
}


@pytest.mark.parametrize("code", law_codes())
def test_every_clock_of_every_law_is_in_the_summary(code: str) -> None:
    law = get_law(code)
    summary = compute_summary(code, D("2026-11-20"))
    for clock, key in PERIOD_KEYS.items():
        if clock in law.periods:
            assert summary["explanations"][key], f"{code}: {clock} missing from {key}"
    if law.appeal.available:
        assert summary["explanations"]["appeal_due"], f"{code}: appeal missing"
    else:
        assert summary["appeal_due"] is None and summary["explanations"]["appeal_due"] is None
    engine = compute_clocks(law, D("2026-11-20"), determination=D("2026-11-20"))
    assert set(engine) <= set(SUMMARY_KEYS.values())

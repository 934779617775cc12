"""The register's follow-ups as reminders: when a renewal request comes due, the entry's author
and the members who follow everything get it in the inbox and by email, once; a private entry
reaches only its author; a follow-up already drafted or dismissed sends nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import col, select

from records.notify import service as notify
from records.notify.models import Notification, Reminder
from records.notify.prefs import Prefs, save_preferences
from records.register.models import FollowUp
from tests.conftest import assert_redirect, login

EXPIRES = "2027-06-30"  # the renewal request is proposed 120 days before: Tue 2027-03-02


@pytest.fixture
def team(app, client, db, factory, member, clock):
    org, owner = member
    follower = factory.user(org, role="editor")
    bystander = factory.user(org, role="editor")
    save_preferences(db, org.id, None, Prefs(weekly_digest=False), clock.now())
    save_preferences(db, org.id, follower.id, Prefs(weekly_digest=False, scope="all"), clock.now())
    db.commit()
    agency = factory.agency(org, name="Miami Police Department", jurisdiction="FL")
    return {
        "org": org,
        "owner": owner,
        "follower": follower,
        "bystander": bystander,
        "agency": agency,
    }


def _entry_with_expiry(client, team, *, visibility="organization", title="MPD 287(g) MOA"):
    resp = client.post(
        "/agreements/new",
        data={"kind": "287g_tfm", "agency_id": team["agency"].id, "title": title},
    )
    entry_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    assert_redirect(resp, f"/agreements/{entry_id}")
    resp = client.post(f"/agreements/{entry_id}/facts", data={"name": "expires", "on": EXPIRES})
    assert_redirect(resp, f"/agreements/{entry_id}")
    if visibility != "organization":
        resp = client.post(f"/agreements/{entry_id}/sharing", data={"visibility": visibility})
        assert_redirect(resp, f"/agreements/{entry_id}")
    return entry_id


def _sweep(app, when):
    return notify.sweep(app.extensions["db_engine"], when, "w1", app.config)


def _followup_reminders(db):
    stmt = (
        select(Reminder)
        .where(Reminder.kind == "followup")
        .order_by(col(Reminder.id))
        .execution_options(populate_existing=True)
    )
    return db.exec(stmt).all()


def test_a_renewal_follow_up_reaches_the_inbox_and_email_once(app, client, db, team, smtp):
    entry_id = _entry_with_expiry(client, team)
    follow = db.exec(select(FollowUp)).one()
    assert str(follow.remind_on) == "2027-03-02"

    # The day before: nothing yet.
    assert _sweep(app, datetime(2027, 3, 1, 14, tzinfo=UTC)).delivered == 0
    assert _followup_reminders(db) == [] and smtp.messages == []

    result = _sweep(app, datetime(2027, 3, 2, 14, tzinfo=UTC))
    assert result.delivered == 2
    rows = _followup_reminders(db)
    assert {r.user_id for r in rows} == {team["owner"].id, team["follower"].id}
    assert all(r.clock == f"followup:{follow.id}" and r.request_id is None for r in rows)
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert (
        subjects
        == [
            "[Records Desk] Ask for the renewal before 30 Jun 2027: MPD 287(g) MOA",
        ]
        * 2
    )
    assert sorted(m["To"] for m in smtp.messages) == sorted(
        [team["owner"].email, team["follower"].email]
    )
    body = smtp.messages[0].get_payload(decode=True).decode()
    assert "is up for renewal on Wed 30 Jun 2027" in body
    assert f"/agreements/{entry_id}" in body and follow.title in body

    inbox = db.exec(select(Notification).where(Notification.user_id == team["owner"].id)).one()
    assert inbox.kind == "followup" and inbox.url.endswith(f"/agreements/{entry_id}")
    login(client, team["owner"], team["org"])
    page = client.get("/notifications").get_data(as_text=True)
    assert "Ask for the renewal before 30 Jun 2027" in page

    # Later sweeps send nothing again.
    assert _sweep(app, datetime(2027, 3, 3, 14, tzinfo=UTC)).delivered == 0
    assert len(smtp.messages) == 2 and len(_followup_reminders(db)) == 2


def test_a_private_entry_reminds_only_its_author(app, client, db, team, smtp):
    _entry_with_expiry(client, team, visibility="private", title="Private MOA notes")
    assert _sweep(app, datetime(2027, 3, 2, 14, tzinfo=UTC)).delivered == 1
    assert [m["To"] for m in smtp.messages] == [team["owner"].email]
    others = db.exec(
        select(Notification).where(col(Notification.user_id) != team["owner"].id)
    ).all()
    assert others == []


def test_a_drafted_follow_up_cancels_its_reminder(app, client, db, team, smtp):
    _entry_with_expiry(client, team)
    follow = db.exec(select(FollowUp)).one()
    # Planned before the send hour (13:00 UTC), then drafted before it goes out.
    with app.app_context():
        from records.core.db import get_session

        session = get_session()
        assert notify.plan_reminders(session, datetime(2027, 3, 2, 9, tzinfo=UTC)) == 2
        session.commit()
    resp = client.post(f"/agreements/follow-ups/{follow.id}", data={"action": "accept"})
    db.rollback()  # end the test's read snapshot: see what the request wrote
    follow = db.get(FollowUp, follow.id)
    assert follow.state == "accepted" and follow.request_id is not None
    assert_redirect(resp, f"/requests/{follow.request_id}")
    result = _sweep(app, datetime(2027, 3, 2, 14, tzinfo=UTC))
    assert result.delivered == 0 and result.cancelled == 2 and smtp.messages == []
    assert {r.outcome for r in _followup_reminders(db)} == {"the follow-up was accepted already"}


def test_another_organization_gets_nothing(app, client, db, factory, team, smtp):
    _entry_with_expiry(client, team)
    other = factory.org()
    outsider = factory.user(other, role="owner")
    save_preferences(
        db,
        other.id,
        None,
        Prefs(weekly_digest=False, scope="all"),
        datetime(2026, 11, 24, 12, tzinfo=UTC),
    )
    db.commit()
    _sweep(app, datetime(2027, 3, 2, 14, tzinfo=UTC))
    assert outsider.email not in [m["To"] for m in smtp.messages]
    assert db.exec(select(Reminder).where(Reminder.user_id == outsider.id)).all() == []

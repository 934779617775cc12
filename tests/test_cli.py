"""CLI: users, tokens, demo data."""

from __future__ import annotations

from sqlmodel import func, select

from records.core.models import Agency, Membership, RecordRequest, User
from tests.conftest import bearer


def test_users_create_and_token(runner, db, client):
    out = runner.invoke(
        args=[
            "users",
            "create",
            "Clinic@Example.org",
            "--org",
            "Border Clinic",
            "--role",
            "owner",
            "--password",
            "a long password",
        ]
    )
    assert out.exit_code == 0, out.output
    user = db.exec(select(User).where(User.email == "clinic@example.org")).one()
    assert db.exec(select(Membership).where(Membership.user_id == user.id)).one().role == "owner"
    tok = runner.invoke(args=["users", "token", "clinic@example.org"])
    assert tok.exit_code == 0
    token = tok.output.strip()
    assert client.get("/api/v1/requests", headers=bearer(token)).status_code == 200


def test_users_errors_are_clear(runner):
    out = runner.invoke(args=["users", "token", "nobody@example.org"])
    assert out.exit_code == 2 and "no user nobody@example.org" in out.output
    out = runner.invoke(args=["users", "create", "not-an-email", "--org", "X"])
    assert out.exit_code == 2 and "not an email address" in out.output


def test_demo_data_is_idempotent(runner, db):
    first = runner.invoke(args=["demo-data"])
    assert first.exit_code == 0 and "demo login:" in first.output
    counts = (
        db.exec(select(func.count()).select_from(RecordRequest)).one(),
        db.exec(select(func.count()).select_from(Agency)).one(),
    )
    second = runner.invoke(args=["demo-data"])
    assert "already present" in second.output
    assert counts == (
        db.exec(select(func.count()).select_from(RecordRequest)).one(),
        db.exec(select(func.count()).select_from(Agency)).one(),
    )
    titles = db.exec(select(RecordRequest.title)).all()
    assert any("HSI task force" in t for t in titles) and any("287(g)" in t for t in titles)
    assert any("equitable sharing" in t.lower() for t in titles) and any("ICE" in t for t in titles)


def test_demo_requests_have_live_timelines(runner, db):
    """The demo tells the story with dates: sent, acknowledged, extended, partly released, denied."""
    from records.lifecycle.models import Deadline, Event

    runner.invoke(args=["demo-data"])
    statuses = set(db.exec(select(RecordRequest.status)).all())
    assert {"sent", "acknowledged", "partially_fulfilled", "denied"} <= statuses
    assert db.exec(select(func.count()).select_from(Event)).one() >= 12
    appeal = db.exec(
        select(Deadline).where(Deadline.clock == "appeal", Deadline.superseded_at.is_(None))
    ).all()
    assert appeal, "the denied DOJ request must have an open appeal clock"

"""``flask reports rebuild``: recompute every request's report-card figures (after an upgrade)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session

group = AppGroup("reports", help="Agency report cards.")


@group.command("rebuild")
def rebuild_cmd() -> None:
    """Recompute the figures of every sent request from its events."""
    from records.reports import service

    with Session(current_app.extensions["db_engine"], expire_on_commit=False) as db:
        done = service.rebuild(db)
        db.commit()
    click.echo(f"{done} request(s) refreshed")


def init_app(app: Flask) -> None:
    app.cli.add_command(group)

"""``flask register``: follow-ups due and proposals for documents filed before the register."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlmodel import Session, select

from records.core.clock import utc_today

group = AppGroup("register", help="Agreement register and forfeiture ledger.")


def session_scope() -> Session:
    return Session(current_app.extensions["db_engine"], expire_on_commit=False)


@group.command("follow-ups")
@click.option("--org", "org_id", type=int, required=True, help="Organization id.")
def follow_ups_cmd(org_id: int) -> None:
    """List the next requests the register suggests, due by today."""
    from records.access.visibility import Viewer
    from records.register import service

    with session_scope() as db:
        for f in service.follow_ups(db, Viewer.organization(org_id), due_by=utc_today()):
            click.echo(f"{f.remind_on}\t{f.kind}\t{f.title}")


@group.command("propose")
@click.option("--org", "org_id", type=int, required=True, help="Organization id.")
def propose_cmd(org_id: int) -> None:
    """Read register facts from every filed document of an organization (re-reads open ones)."""
    from records.filing.models import Document
    from records.register import service

    with session_scope() as db:
        docs = db.exec(select(Document).where(Document.org_id == org_id, Document.text != "")).all()
        total = sum(service.propose_for_document(db, d) for d in docs)
        db.commit()
    click.echo(f"{total} facts proposed from {len(docs)} documents")


def init_app(app: Flask) -> None:
    app.cli.add_command(group)

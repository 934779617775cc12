"""``flask --app app mail receive < message.eml`` (for an MTA's pipe) and ``mail fetch``."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlmodel import Session, select

mail_cli = AppGroup("mail", help="Receive agency replies.")
EX_TEMPFAIL = 75  # sysexits.h: the MTA keeps the message and tries again later


def _session() -> Session:
    return Session(current_app.extensions["db_engine"], expire_on_commit=False)


@mail_cli.command("receive")
@click.option("--recipient", default="", help="Envelope recipient (Postfix: ${recipient}).")
def receive_cmd(recipient: str) -> None:
    """Read one message from standard input and file or hold it."""
    from records.core.storage_local import get_storage
    from records.inbound import service

    raw = sys.stdin.buffer.read(service.limit_bytes(current_app.config) + 1)
    too_large = None
    if len(raw) > service.limit_bytes(current_app.config):
        head, _, _ = raw.partition(b"\r\n\r\n") if b"\r\n\r\n" in raw else raw.partition(b"\n\n")
        too_large, raw = len(raw), head + b"\n\n"
    try:
        with _session() as db:
            got = service.receive(
                db,
                get_storage(current_app),
                current_app.config,
                raw,
                recipient=recipient,
                too_large=too_large,
            )
    except Exception:  # the database is away: let the MTA keep the message and retry
        current_app.logger.exception("mail receive failed")
        click.echo("temporary failure; try again later", err=True)
        sys.exit(EX_TEMPFAIL)
    what = "already received" if got.duplicate else got.state
    click.echo(f"message {got.message.id}: {what}")


@mail_cli.command("fetch")
def fetch_cmd() -> None:
    """Fetch every organization's watched mailbox now."""
    from records.core.storage_local import get_storage
    from records.inbound import imap
    from records.inbound.models import InboundMailbox

    with _session() as db:
        ids = db.exec(select(InboundMailbox.id).where(InboundMailbox.imap_host != "")).all()
        for box_id in filter(None, ids):
            result = imap.fetch(db, get_storage(current_app), current_app.config, box_id)
            status = "; ".join(result.errors) or "ok"
            click.echo(
                f"mailbox {box_id}: fetched {result.fetched}, filed {result.filed}, "
                f"held {result.held}, duplicates {result.duplicates} ({status})"
            )

"""``flask deadlines compute`` and ``flask laws list``: the deadline engine for scripts."""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from typing import Any

import click
from flask.cli import AppGroup

from records.laws import load_laws
from records.laws.model import CHANNELS
from records.lifecycle.clocks import SummaryError, summary

deadlines_cli = AppGroup("deadlines", help="Compute statutory deadlines.")
laws_cli = AppGroup("laws", help="The law library.")


@deadlines_cli.command("compute")
@click.option("--law", "law_code", required=True, help="Law code: US, DC or a state (NY).")
@click.option(
    "--start",
    default=None,
    help="Receipt date (and determination date), YYYY-MM-DD; with --sent, the day the agency "
    "received it.",
)
@click.option("--sent", default=None, help="The day the request was sent, YYYY-MM-DD.")
@click.option(
    "--channel",
    type=click.Choice(CHANNELS),
    default=None,
    help="How it was sent; the law's receipt rule for it gives the receipt date.",
)
@click.option("--after-hours", is_flag=True, help="It arrived after the office had closed.")
@click.option("--component", default=None, help="Federal component for appeals: DHS, DOJ, ...")
def compute(
    law_code: str,
    start: str | None,
    sent: str | None,
    channel: str | None,
    after_hours: bool,
    component: str | None,
) -> None:
    """Print every clock for LAW counted from START (or from SENT by CHANNEL) as JSON.

    Instance-wide closures added with ``flask closures add`` are counted where the law does.
    """
    from records.cli import _session
    from records.deadlines.closures import statewide_for

    if not start and not sent:
        click.echo("error: give --start (the receipt date) or --sent", err=True)
        sys.exit(2)
    try:
        with _session() as db:
            closures = statewide_for(db, law_code or "")
        result = summary(
            law_code, start, component, sent=sent, channel=channel, after_hours=after_hours,
            closures=closures,
        )  # fmt: skip
    except SummaryError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    click.echo(json.dumps(result, indent=2, ensure_ascii=False))


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


@laws_cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Every entry with all fields and sources.")
def list_laws(as_json: bool) -> None:
    """List the law library (one line each, or every field with --json)."""
    laws = sorted(load_laws().values(), key=lambda law: law.code)
    if as_json:
        click.echo(json.dumps([_plain(law) for law in laws], indent=2, ensure_ascii=False))
        return
    for law in laws:
        click.echo(f"{law.code}\t{law.name}\t{law.citation}\tchecked {law.last_checked}")


COMMANDS = [deadlines_cli, laws_cli]

"""``flask closures add|list|remove``: one-off closures of a jurisdiction's offices (a
governor's emergency closure), counted for every request under that law."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from records.core.validation import ValidationError
from records.deadlines import closures
from records.lifecycle.models import StatewideClosure

closures_cli = AppGroup("closures", help="Instance-wide office closures (one-off days).")


@closures_cli.command("add")
@click.option("--jurisdiction", required=True, help="Law code: a state (AL), DC or US.")
@click.option("--date", "on", required=True, help="The day offices are closed, YYYY-MM-DD.")
@click.option("--name", required=True, help='What it is, e.g. "Governor\'s weather closure".')
@click.option("--source", required=True, help="Where it is published (order, URL).")
def add(jurisdiction: str, on: str, name: str, source: str) -> None:
    """Add a one-off closure of every office under JURISDICTION's law."""
    from records.cli import _session

    with _session() as db:
        try:
            row = closures.add_statewide(db, jurisdiction, on, name, source)
        except ValidationError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(2)
        n = closures.recompute_for_law(db, row.jurisdiction, f"statewide closure {row.on} added")
        db.commit()
        click.echo(f"added {row.id}\t{row.jurisdiction}\t{row.on}\t{row.name}\t{row.source}")
        click.echo(f"recounted {n} request(s)")


@closures_cli.command("list")
@click.option("--jurisdiction", default=None, help="Only this law code.")
def list_(jurisdiction: str | None) -> None:
    """List instance-wide closures (id, jurisdiction, date, name, source)."""
    from records.cli import _session

    with _session() as db:
        for row in closures.statewide(db, jurisdiction):
            click.echo(f"{row.id}\t{row.jurisdiction}\t{row.on}\t{row.name}\t{row.source}")


@closures_cli.command("remove")
@click.argument("closure_id", type=int)
def remove(closure_id: int) -> None:
    """Remove the instance-wide closure CLOSURE_ID (see ``flask closures list``)."""
    from records.cli import _session

    with _session() as db:
        row = db.get(StatewideClosure, closure_id)
        if row is None:
            click.echo(f"error: no closure with id {closure_id}", err=True)
            sys.exit(2)
        db.delete(row)
        db.flush()
        n = closures.recompute_for_law(db, row.jurisdiction, f"statewide closure {row.on} removed")
        db.commit()
        click.echo(f"recounted {n} request(s)")
        click.echo(f"removed {closure_id}\t{row.jurisdiction}\t{row.on}\t{row.name}")


COMMANDS = [closures_cli]

"""``flask --app app backup create|verify|restore DIR``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from records import __version__
from records.ops import backup as bk

backup_cli = AppGroup("backup", help="Back up and restore the database and stored files.")


def _target() -> bk.Target:
    return bk.Target(current_app.extensions["db_engine"], current_app.config)


@backup_cli.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_create(directory: Path) -> None:
    """Write a consistent snapshot into DIRECTORY (new or empty) while the app keeps serving."""
    try:
        manifest = bk.create(_target(), directory, version=__version__)
    except bk.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {directory}: {len(manifest['files'])} files, manifest.json")


@backup_cli.command("verify")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def backup_verify(directory: Path) -> None:
    """Check every file in DIRECTORY against the manifest's SHA-256 sums."""
    try:
        problems = bk.verify(directory)
    except bk.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(problems)} problem(s) in {directory}")
    click.echo(f"{directory}: every file matches the manifest")


@backup_cli.command("restore")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def backup_restore(directory: Path) -> None:
    """Restore DIRECTORY into this instance, whose database and storage must be empty."""
    try:
        counts = bk.restore(_target(), directory)
    except bk.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(counts.values())
    click.echo(f"restored {rows} rows in {len(counts)} tables from {directory}")


COMMANDS = [backup_cli]

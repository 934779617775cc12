"""``flask search reindex``: rebuild the full-text index from the rows (after an import by SQL,
or to recover an index that drifted)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

search_cli = AppGroup("search", help="Full-text search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index of every organization from its rows."""
    from records.search.index import reindex as rebuild

    engine = current_app.extensions["db_engine"]
    with engine.begin() as conn:
        count = rebuild(conn)
    click.echo(f"Indexed {count} items.")


COMMANDS = (search_cli,)

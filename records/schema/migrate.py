"""Alembic, configured in code so ``flask db upgrade`` needs no alembic.ini."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Objects written by hand in migration 0002 (autogenerate cannot describe them).
HAND_WRITTEN = ("searchentry_fts", "ix_searchentry_tsv")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave the hand-written search index out of autogenerate comparisons."""
    if type_ == "column" and name == "tsv":  # PostgreSQL's generated tsvector (migration 0008)
        return False
    return not (name or "").startswith(HAND_WRITTEN)


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def reindex_if_current(conn: Any) -> bool:
    """Rebuild the search index from the rows, when the indexed tables already have every
    column the models describe (a migration before the head must not read a later schema;
    the migration that brings those columns rebuilds the index itself). True when it ran."""
    from sqlalchemy import inspect

    from records.search.index import INDEXED, reindex

    inspector = inspect(conn)
    for model in INDEXED:
        table = model.__table__  # type: ignore[union-attr]
        present = {c["name"] for c in inspector.get_columns(table.name)}
        if not {c.name for c in table.columns} <= present:
            return False
    reindex(conn)
    return True

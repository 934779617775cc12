"""Alembic environment: runs against the URL set by records.schema.migrate; SQLite uses batch mode."""

from __future__ import annotations

from typing import Any, Literal, cast

from alembic import context
from sqlmodel import SQLModel

import records.schema.tables  # noqa: F401  (every table on SQLModel.metadata)
from records.core.db import make_engine
from records.core.models import UtcDateTime
from records.schema.migrate import include_object

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Write ``UtcDateTime`` columns as the plain type they store (migrations need no import)."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online() -> None:
    url = cast(str, config.get_main_option("sqlalchemy.url"))  # set by the caller
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()

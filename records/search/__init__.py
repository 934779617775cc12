"""Full-text search over requests, letters, events, documents and agencies.

Layers: ``index`` (the one path into the index: a session listener) and ``query`` (SQLite FTS5
or PostgreSQL tsvector, ranked, within what the viewer may see) <- ``views``, ``api``, ``cli``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the search page, its JSON route and ``flask search``."""
    from records.cli import add_lazy
    from records.search import api, views  # noqa: F401  (api: routes)

    app.register_blueprint(views.bp)
    add_lazy(app, "records.search.cli")

"""Projects: a named group of an organization's requests, with its progress and deadlines.

Layers: ``models`` <- ``service`` <- ``views``, ``api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the project pages and JSON routes."""
    from records.projects import api, views  # noqa: F401  (api: routes)

    app.register_blueprint(views.bp)

"""Records requests: create, edit, the filtered and sorted list, bulk actions, "File again".

Layers: ``service`` (validation, creation, updates, the list query) and ``refile`` <- ``views``,
``file_again_views`` and ``api`` (agencies and requests over JSON). The request table is a core
table (``records.core.models``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the request pages, "File again" and the JSON routes."""
    from records.requests import api, file_again_views, views  # noqa: F401  (api: routes)

    app.register_blueprint(views.bp)
    app.register_blueprint(file_again_views.bp)
    file_again_views.add_panels()

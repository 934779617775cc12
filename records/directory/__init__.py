"""The agency directory, shared by every organization on the instance.

Layers: ``ice287g`` (pure: ICE's 287(g) list read into rows) <- ``service`` (duplicates,
merge, history, per-organization notes) <- ``views``. The agency table itself is a core table
(``records.core.models``); agencies over JSON are in ``records.requests.api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the directory pages."""
    from records.directory import views

    app.register_blueprint(views.bp)

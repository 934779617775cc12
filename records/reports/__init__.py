"""Agency report cards: how each agency answers, from the timelines and clocks organizations keep.

Layers: ``figures`` (pure arithmetic) and ``charts`` (SVG from pygal) <- ``models`` <- ``service``
<- ``views`` / ``api`` / ``cli``. ``init_app`` registers the organization's pages, the public
archive's report cards, the exports, the JSON routes and the ``flask reports`` commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprints, API routes and CLI group (before the API blueprint is registered)."""
    from records.reports import api, cli, views  # noqa: F401  (api adds its routes to api_bp)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public_bp)
    cli.init_app(app)

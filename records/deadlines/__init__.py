"""Deadlines: the engine that turns a law entry and what happened into dated clocks.

Layers: ``engine`` (pure: the law library and its calendars in, clocks out) <- ``closures``
(office closure days, a table and its service) <- ``law_views`` (the public law pages),
``calculator_views``, ``api`` and the ``cli`` / ``closures_cli`` commands. A request's stored
deadlines are recomputed by ``records.lifecycle.clocks``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the law pages, the calculator, its JSON route and the ``deadlines``,
    ``laws`` and ``closures`` commands."""
    from records.cli import add_lazy
    from records.deadlines import api, calculator_views, law_views  # noqa: F401  (api: routes)

    app.register_blueprint(law_views.bp)
    app.register_blueprint(calculator_views.bp)
    add_lazy(app, "records.deadlines.cli")
    add_lazy(app, "records.deadlines.closures_cli")

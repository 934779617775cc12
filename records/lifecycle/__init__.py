"""The request lifecycle: timeline events, the status they imply, and the stored deadlines.

Layers: ``models`` (events, deadlines and their history) <- ``event_log`` (reading a request's
events) <- ``clocks`` (recompute the deadlines from the events with ``records.deadlines.engine``)
<- ``service`` (record an event, then recompute) <- ``views``, ``api``. The clocks never import
the service (an import contract checks it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the timeline pages and panels, the JSON routes and the deemed-denial job."""
    from records.core import jobs
    from records.lifecycle import api, clocks, views  # noqa: F401  (api: routes)

    app.register_blueprint(views.bp)
    views.add_panels()
    jobs.add("deadlines.deemed_denials", clocks.deemed_denials)

"""Letters: request letters drafted from the subjects' items, the requester and the law.

Layers: ``template`` and ``drafting`` (pure: paragraphs from values) and ``output`` (.docx, PDF,
ZIP) <- ``models`` <- ``service`` (a request's stored, edited, sent letter) and ``batch`` (one
draft to many agencies) <- ``views``, ``api``, ``cli``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the letter pages and panels, the JSON routes, ``flask letters`` and the batch job."""
    from records.cli import add_lazy
    from records.core import jobs
    from records.letters import api, batch, views  # noqa: F401  (api: routes)

    app.register_blueprint(views.bp)
    views.add_panels()
    add_lazy(app, "records.letters.cli")
    jobs.add("letter_batches", batch.run_pending_batches)

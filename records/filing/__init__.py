"""Filing what comes back: uploads, documents, text extraction, sharing, evidence bundles.

Layers: ``extract`` (run in a child process) <- ``models`` <- ``service`` (uploads to
documents), ``storage_sweep`` (stored files nothing references), ``sharing`` (visibility, embargoes) and ``bundle`` (a request as one ZIP) <- ``views``,
``bundle_views``, ``public_views`` (the public archive), ``api`` and ``bundle_api``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the document, bundle and public archive pages, their panels, the JSON routes,
    and the text-extraction, embargo and stored-file sweep jobs."""
    from records.core import jobs
    from records.filing import (  # noqa: F401  (api, bundle_api: routes)
        api,
        bundle_api,
        bundle_views,
        extract,
        public_views,
        sharing,
        storage_sweep,
        views,
    )

    app.register_blueprint(views.bp)
    app.register_blueprint(bundle_views.bp)
    app.register_blueprint(public_views.bp)
    views.add_panels()
    bundle_views.add_panels()
    jobs.add("extract_text", extract.extract_pending)
    jobs.add("publish_embargoes", sharing.publish_due_embargoes)
    jobs.add("sweep_stored_files", storage_sweep.sweep)

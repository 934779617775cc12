"""The agreement register and forfeiture ledger, built from the documents organizations file.

Layers: ``extract``, ``usmap`` and ``charts`` (pure) <- ``models`` <- ``service`` <- ``views`` /
``api`` / ``cli``. ``init_app`` registers the pages, the public archive's register, the JSON routes and the
``flask register`` commands.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprints, API routes and CLI group (before the API blueprint is registered)."""
    from records.register import api, cli, views  # noqa: F401  (api adds its routes to api_bp)

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public_bp)
    cli.init_app(app)


def on_text_extracted(db: object, doc: object) -> None:
    """Filing hook, once a document's text has been read (or found to have no text layer):
    check the quotes that cite it and were waiting for its text, and propose register facts
    from it."""
    from records.filing.models import TextStatus
    from records.register import service

    service.recheck_quotes(db, doc)  # type: ignore[arg-type]
    if doc.text_status == TextStatus.DONE:  # type: ignore[attr-defined]
        service.propose_for_document(db, doc)  # type: ignore[arg-type]

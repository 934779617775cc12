"""What every HTML page shares: the dashboard, template globals, error pages, forms, panels."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

from records.core.auth import current_membership, has_role
from records.core.inputs import BadInput
from records.core.models import SUBJECT_LABELS, Role


def init_app(app: Flask) -> None:
    """Register the dashboard and what every page shares: template globals and error pages.
    Each capability's package registers its own pages (see ``records.create_app``)."""
    from records.web import dashboard, urls

    app.register_blueprint(dashboard.bp)
    urls.install(app)  # the templates' url_for remembers the paths it built

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {
            "membership": current_membership,
            "has_role": has_role,
            "Role": Role,
            "SUBJECT_LABELS": SUBJECT_LABELS,
        }

    def _page(status: int, title: str, message: str) -> Any:
        if request.path.startswith("/api/"):
            from records.api.errors import error_response

            return error_response(status, title.lower().replace(" ", "_"), message)
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def _bad_request(e: Exception) -> Any:
        if isinstance(e, BadInput):  # the input layer says which field to fix
            return _page(400, "Bad request", str(e.description))
        return _page(400, "Bad request", "The request could not be understood.")

    @app.errorhandler(CSRFError)
    def _csrf(_e: Exception) -> Any:
        return _page(
            400,
            "Form expired",
            "The form expired or was sent from elsewhere. Go back, reload the page and try again; nothing was saved.",
        )

    @app.errorhandler(403)
    def _forbidden(_e: Exception) -> Any:
        return _page(
            403, "Not allowed", "Your role in this organization does not allow this action."
        )

    @app.errorhandler(404)
    def _not_found(_e: Exception) -> Any:
        return _page(404, "Not found", "There is nothing here, or you do not have access to it.")

    @app.errorhandler(405)
    def _method(_e: Exception) -> Any:
        return _page(405, "Method not allowed", "This address does not accept that method.")

    @app.errorhandler(413)
    def _too_large(_e: Exception) -> Any:
        if request.is_json:
            return _page(413, "Too large", str(_e.description))  # type: ignore[attr-defined]
        return _page(
            413,
            "Too large",
            f"The upload exceeds the limit of {app.config['MAX_UPLOAD_MB']} MB; nothing was saved.",
        )

"""JSON API at /api/v1 with bearer tokens. Every route acts inside the token's organization."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, request
from werkzeug.exceptions import HTTPException

from records.api.errors import ApiError, error_response
from records.core.auth import user_from_bearer
from records.core.inputs import JsonRefused, loads_json
from records.core.security import csrf
from records.core.validation import ValidationError

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api_bp)
PUBLIC_ENDPOINTS = {"api.openapi"}


@api_bp.before_request
def _authenticate() -> Any:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    resolved = user_from_bearer(request.headers.get("Authorization"))
    if resolved is None:
        resp = error_response(
            401, "unauthorized", "send a valid API token as 'Authorization: Bearer <token>'"
        )
        resp.headers["WWW-Authenticate"] = 'Bearer realm="records-desk"'
        return resp
    g.api_user, g.api_org_id = resolved
    return None


@api_bp.errorhandler(ApiError)
def _api_error(exc: ApiError) -> Any:
    return error_response(exc.status, exc.code, exc.message, exc.field)


@api_bp.errorhandler(ValidationError)
def _validation_error(exc: ValidationError) -> Any:
    return error_response(422 if exc.code != "malformed" else 400, exc.code, exc.message, exc.field)


@api_bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Any:
    code = (exc.name or "error").lower().replace(" ", "_")
    return error_response(exc.code or 500, code, exc.description or exc.name)


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 that says what is wrong."""
    data = None
    if request.is_json:
        try:
            data = loads_json(request.get_data(cache=True))
        except JsonRefused as exc:
            if exc.field:  # a NUL in one value: a value to fix, like any other
                raise ValidationError(exc.field, str(exc)) from None
            raise ApiError(400, "malformed", str(exc)) from None  # too deep or too large
        except ValueError:
            raise ApiError(400, "malformed", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(
            400, "malformed", "the body must be a JSON object (Content-Type: application/json)"
        )
    return data


# Each capability's package imports its API module from ``init_app``, adding its routes to
# ``api_bp`` and its paths to the OpenAPI document; ``create_app`` registers ``api_bp`` last.
from records.api import openapi  # noqa: E402,F401

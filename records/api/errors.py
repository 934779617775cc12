"""JSON errors: ``{"error": {"code", "message", "field"}}`` with the right 4xx status."""

from __future__ import annotations

from typing import Any

from flask import jsonify


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def error_response(status: int, code: str, message: str, field: str | None = None) -> Any:
    resp = jsonify({"error": {"code": code, "message": message, "field": field}})
    resp.status_code = status
    return resp

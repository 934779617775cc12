"""The per-law deadline calculator on the public Laws pages: a date in, every clock out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from records.clocks import SummaryError, summary
from records.laws import UnknownLawError, get_law

bp = Blueprint("law_calculator", __name__)
LABELS = {
    "acknowledgment_due": "Acknowledgment",
    "response_due": "Response",
    "extended_due": "Response if extended",
    "expedited_decision_due": "Expedited-processing decision",
    "appeal_due": "Appeal (counting START as the date of the denial)",
}


@bp.route("/laws/<code>/calculate")
def calculate(code: str) -> Any:
    try:
        law = get_law(code)
    except UnknownLawError:
        abort(404)
    start = request.args.get("start", "")
    component = request.args.get("component", "")
    result, error = None, None
    if start:
        try:
            result = summary(law.code, start, component or None)
        except SummaryError as exc:
            error = exc.message
    return render_template(
        "law_calculator/calculate.html",
        law=law,
        start=start,
        component=component,
        result=result,
        error=error,
        labels=LABELS,
    ), (400 if error else 200)

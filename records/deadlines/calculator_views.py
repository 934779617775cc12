"""The per-law deadline calculator on the public Laws pages: a date in, every clock out."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request

from records.laws import UnknownLawError, get_law
from records.lifecycle.clocks import SummaryError, summary

bp = Blueprint("law_calculator", __name__)
# One row per clock the engine computes (records.deadlines.engine.SUMMARY_KEYS); a test keeps them in
# step. START is the receipt date; the appeal rows count it as the date of the denial.
LABELS = {
    "acknowledgment_due": "Acknowledgment",
    "response_due": "Response",
    "extended_due": "Response if extended",
    "expedited_decision_due": "Expedited-processing decision",
    "deemed_denial_due": "Deemed denial if the agency stays silent",
    "appeal_if_no_response_due": "Appeal if no answer comes",
    "appeal_due": "Appeal (counting the date as the date of the denial)",
    "appeal_decision_due": "Appeal decision (counting the date as the day the appeal arrived)",
    "follow_up_due": "Follow-up target (not a legal deadline)",
}


@bp.route("/laws/<code>/calculate")
def calculate(code: str) -> Any:
    try:
        law = get_law(code)
    except UnknownLawError:
        abort(404)
    start = request.args.get("start", "")
    component = request.args.get("component", "")
    result, error, rows = None, None, []
    if start:
        try:
            result = summary(law.code, start, component or None)
        except SummaryError as exc:
            error = exc.message
    if result is not None:
        # Only the clocks this law has: a law with no administrative appeal gets no appeal row.
        rows = [(key, label) for key, label in LABELS.items() if result["explanations"][key]]
    return render_template(
        "law_calculator/calculate.html",
        law=law,
        start=start,
        component=component,
        result=result,
        error=error,
        rows=rows,
    ), (400 if error else 200)

"""Public Laws pages: every jurisdiction's rules with sources."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template

from records.laws import UnknownLawError, get_law, load_laws

bp = Blueprint("laws", __name__, url_prefix="/laws")


@bp.route("/")
def index() -> Any:
    return render_template(
        "laws/index.html",
        laws=sorted(load_laws().values(), key=lambda law: (law.code != "US", law.jurisdiction)),
    )


@bp.route("/<code>")
def show(code: str) -> Any:
    try:
        law = get_law(code)
    except UnknownLawError:
        abort(404)
    return render_template("laws/show.html", law=law)

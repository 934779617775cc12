"""Notifications inbox, reminder preferences, calendar feed URLs and .ics downloads."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import or_
from sqlmodel import col, select
from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from records.access.visibility import current_viewer
from records.core import links
from records.core.auth import (
    current_membership,
    current_org_id,
    login_required_with_org,
    require_role,
)
from records.core.clock import utc_now
from records.core.db import get_session
from records.core.models import Organization, Role
from records.notify import ical
from records.notify import prefs as notify_prefs
from records.notify.models import CalendarFeed, Notification
from records.requests.views import request_or_404
from records.web import panels
from records.web.forms import EmptyForm
from records.web.panels import DASHBOARD_PANELS, REQUEST_PANELS

bp = Blueprint("notifications", __name__)
log = logging.getLogger(__name__)


def _now() -> datetime:
    return utc_now()


class PrefsForm(FlaskForm):
    days_before = IntegerField(
        "Business days before each due date (0 for none)",
        validators=[InputRequired(), NumberRange(0, notify_prefs.MAX_DAYS_BEFORE)],
    )
    on_day = BooleanField("On the due date")
    when_passed = BooleanField("The day after a date passes while the clock is still open")
    weekly_digest = BooleanField("Weekly digest on Mondays")
    email = BooleanField("Also send by email (the inbox always gets them)")
    scope = SelectField(
        "Which requests",
        choices=[
            ("mine", "Requests I created or am assigned to"),
            ("all", "Every request in the organization I can see"),
        ],
    )


def _fill(form: PrefsForm, prefs: notify_prefs.Prefs) -> None:
    for name in notify_prefs.FIELDS:
        getattr(form, name).data = getattr(prefs, name)


def _read(form: PrefsForm) -> notify_prefs.Prefs:
    return notify_prefs.Prefs(**{name: getattr(form, name).data for name in notify_prefs.FIELDS})


@bp.app_context_processor
def _unread() -> dict[str, Any]:
    def notifications_unread() -> int:
        membership = current_membership() if current_user.is_authenticated else None
        if membership is None:
            return 0
        return notify_prefs.unread_count(get_session(), membership.org_id, current_user.id)

    return {"notifications_unread": notifications_unread}


@bp.route("/notifications")
@login_required_with_org
def index() -> Any:
    org_id, db = current_org_id(), get_session()
    return render_template(
        "notifications/index.html",
        rows=notify_prefs.inbox(db, org_id, current_user.id),
        unread=notify_prefs.unread_count(db, org_id, current_user.id),
        problems=notify_prefs.delivery_problems(
            db, org_id, current_user.id, viewer=current_viewer()
        ),
        empty=EmptyForm(),
    )


@bp.route("/notifications/read", methods=["POST"])
@login_required_with_org
def read_all() -> Any:
    if EmptyForm().validate_on_submit():
        db = get_session()
        notify_prefs.mark_read(db, current_org_id(), current_user.id, _now())
        db.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@login_required_with_org
def read_one(notification_id: int) -> Any:
    db = get_session()
    note = db.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id or note.org_id != current_org_id():
        abort(404)
    if EmptyForm().validate_on_submit():
        notify_prefs.mark_read(db, current_org_id(), current_user.id, _now(), [notification_id])
        db.commit()
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@login_required_with_org
def preferences() -> Any:
    org_id, db = current_org_id(), get_session()
    own = notify_prefs.stored_preferences(db, org_id, current_user.id)
    org_default = notify_prefs.stored_preferences(db, org_id, None) or notify_prefs.DEFAULTS
    form = PrefsForm(prefix="me")
    if form.validate_on_submit():
        notify_prefs.save_preferences(db, org_id, current_user.id, _read(form), _now())
        db.commit()
        flash("Your reminder settings are saved; upcoming reminders follow them.", "success")
        return redirect(url_for("notifications.preferences"))
    if not form.is_submitted():
        _fill(form, own or org_default)
    org_form = PrefsForm(prefix="org", formdata=None)
    _fill(org_form, org_default)
    return render_template(
        "notifications/preferences.html",
        form=form,
        org_form=org_form,
        own=own,
        problems=notify_prefs.delivery_problems(
            db, org_id, None if _is_owner() else current_user.id, viewer=current_viewer()
        ),
        empty=EmptyForm(),
    )


def _is_owner() -> bool:
    membership = current_membership()
    return membership is not None and membership.role == Role.OWNER


@bp.route("/notifications/preferences/org", methods=["POST"])
@login_required_with_org
def org_preferences() -> Any:
    require_role(Role.OWNER)
    form = PrefsForm(prefix="org")
    if form.validate_on_submit():
        db = get_session()
        notify_prefs.save_preferences(db, current_org_id(), None, _read(form), _now())
        db.commit()
        flash("Organization defaults saved; they apply to members without their own.", "success")
    else:
        flash("Those defaults were not saved: " + _errors(form), "error")
    return redirect(url_for("notifications.preferences"))


@bp.route("/notifications/preferences/reset", methods=["POST"])
@login_required_with_org
def reset_preferences() -> Any:
    if EmptyForm().validate_on_submit():
        db = get_session()
        org_id = current_org_id()
        defaults = notify_prefs.stored_preferences(db, org_id, None) or notify_prefs.DEFAULTS
        notify_prefs.save_preferences(db, org_id, current_user.id, defaults, _now())
        db.commit()
        flash("Your settings now match the organization defaults.", "success")
    return redirect(url_for("notifications.preferences"))


def _errors(form: FlaskForm) -> str:
    return "; ".join(
        f"{getattr(form, k).label.text}: {' '.join(v)}" for k, v in form.errors.items()
    )


@bp.route("/notifications/calendars")
@login_required_with_org
def calendars() -> Any:
    org_id, db = current_org_id(), get_session()
    mine = CalendarFeed.user_id == current_user.id
    # Owners also manage the organization's feeds; others see only their own.
    shown = or_(mine, col(CalendarFeed.user_id).is_(None)) if _is_owner() else mine
    feeds = db.exec(
        select(CalendarFeed)
        .where(CalendarFeed.org_id == org_id, col(CalendarFeed.revoked_at).is_(None), shown)
        .order_by(col(CalendarFeed.id))
    ).all()
    return render_template(
        "notifications/calendars.html",
        feeds=feeds,
        org=db.get(Organization, org_id),
        is_owner=_is_owner(),
        empty=EmptyForm(),
    )


@bp.route("/notifications/calendars/<scope>", methods=["POST"])
@login_required_with_org
def create_calendar(scope: str) -> Any:
    if scope not in ("me", "org"):
        abort(404)
    if scope == "org":
        require_role(Role.OWNER)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db = get_session()
    user_id = current_user.id if scope == "me" else None
    feed, token = ical.create_feed(db, current_org_id(), current_user.id, user_id)
    db.commit()
    log.info("user %s created calendar feed %s (%s)", current_user.id, feed.id, scope)
    url = links.external_url("notifications.feed", token=token)
    flash(f"Subscribe to this address in your calendar app (shown once): {url}", "success")
    return redirect(url_for("notifications.calendars"))


@bp.route("/notifications/calendars/<int:feed_id>/revoke", methods=["POST"])
@login_required_with_org
def revoke_calendar(feed_id: int) -> Any:
    db = get_session()
    feed = db.get(CalendarFeed, feed_id)
    if feed is None or feed.org_id != current_org_id():
        abort(404)
    if feed.user_id != current_user.id:
        if feed.user_id is not None:
            abort(404)
        require_role(Role.OWNER)
    if EmptyForm().validate_on_submit():
        feed.revoked_at = _now()
        db.add(feed)
        db.commit()
        log.info("user %s revoked calendar feed %s", current_user.id, feed.id)
        flash("That calendar address no longer works.", "success")
    return redirect(url_for("notifications.calendars"))


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/calendar/<token>.ics")
def feed(token: str) -> Any:
    db = get_session()
    found = ical.feed_for_token(db, token)
    if found is None:
        abort(404)
    org = db.get(Organization, found.org_id)
    name = f"Records Desk · {org.name if org else 'deadlines'}"
    body = ical.render(db, ical.feed_rows(db, found), name, links.base_url(), _now())
    return _ics(body, "deadlines.ics")


@bp.route("/requests/<int:request_id>/deadlines.ics")
@login_required_with_org
def request_ics(request_id: int) -> Any:
    db = get_session()
    req = request_or_404(request_id)
    body = ical.render(db, ical.request_rows(db, req), req.title, links.base_url(), _now())
    return _ics(body, f"request-{req.id}-deadlines.ics")


def _calendar_panel(req: Any) -> tuple[str, dict[str, Any]] | None:
    return "notifications/_request_panel.html", {"req": req}


def _dashboard_panel(org_id: int, user_id: int) -> tuple[str, dict[str, Any]] | None:
    db = get_session()
    unread = notify_prefs.unread_count(db, org_id, user_id)
    problems = notify_prefs.delivery_problem_count(db, org_id, user_id)
    if not unread and not problems:
        return None
    return "notifications/_dashboard_panel.html", {"unread": unread, "problems": problems}


def add_panels() -> None:
    """Show this module's panels on the pages (called from the package's ``init_app``)."""
    panels.add(REQUEST_PANELS, 90, _calendar_panel)
    panels.add(DASHBOARD_PANELS, 5, _dashboard_panel)

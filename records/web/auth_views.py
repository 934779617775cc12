"""Register, log in, log out, change password."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func
from sqlmodel import select

from records.auth import clear_failed_logins, end_other_sessions, login_blocked, record_failed_login
from records.db import get_session
from records.forms import ChangePasswordForm, LoginForm, RegisterForm
from records.models import User
from records.security import hash_password, verify_password

bp = Blueprint("auth", __name__)
log = logging.getLogger(__name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/register", methods=["GET", "POST"])
def register() -> Any:
    form = RegisterForm()
    if form.validate_on_submit():
        db = get_session()
        email = form.email.data.strip().lower()
        if db.exec(select(User).where(func.lower(User.email) == email)).first():
            form.email.errors.append("An account with this email exists. Log in instead.")
        else:
            user = User(
                email=email,
                name=form.name.data.strip(),
                password_hash=hash_password(form.password.data),
            )
            db.add(user)
            db.commit()
            login_user(user)
            log.info("user %s registered", user.id)
            flash("Welcome to Records Desk.", "success")
            invite = session.pop("pending_invite", None)
            if invite:
                return redirect(url_for("orgs.join", token=invite))
            return redirect(url_for("orgs.new"))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        email = form.email.data.strip().lower()
        cfg = current_app.config
        if login_blocked(email, cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"]):
            form.email.errors.append("Too many failed attempts. Wait a few minutes and try again.")
            return render_template("auth/login.html", form=form), 429
        user = db.exec(select(User).where(func.lower(User.email) == email)).first()
        if user is None or not verify_password(user.password_hash, form.password.data):
            record_failed_login(email)
            db.commit()
            form.password.errors.append("Email or password is wrong.")
            return render_template("auth/login.html", form=form), 200
        clear_failed_logins(email)
        db.commit()
        login_user(user)
        flash("Logged in.", "success")
        return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    db = get_session()
    user = db.get(User, current_user.id)
    end_other_sessions(user)  # a copied cookie or token stops working too
    db.commit()
    logout_user()
    session.clear()
    flash("Logged out everywhere.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def change_password() -> Any:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = db.get(User, current_user.id)
        if not verify_password(user.password_hash, form.current.data):
            form.current.errors.append("The current password is wrong.")
        else:
            user.password_hash = hash_password(form.password.data)
            end_other_sessions(user)
            db.commit()
            login_user(user)  # keep this session, with the new session version
            log.info("user %s changed password", user.id)
            flash("Password changed. Other sessions and API tokens were signed out.", "success")
            return redirect(url_for("orgs.settings"))
    return render_template("auth/password.html", form=form)

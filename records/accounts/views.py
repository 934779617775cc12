"""Register, log in, log out, change password."""

from __future__ import annotations

import logging
from typing import Any, cast
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
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from records.core.auth import admit_login_attempt, clear_login_attempts, end_other_sessions
from records.core.db import get_session
from records.core.models import User
from records.core.security import hash_password, verify_password, verify_password_or_dummy
from records.web.forms import ChangePasswordForm, LoginForm, RegisterForm

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
        # Hashed whether or not the address is taken, and the answer is the same either way:
        # neither the words nor the time tell a stranger which addresses have accounts.
        password_hash = hash_password(form.password.data)
        if db.exec(select(User.id).where(func.lower(User.email) == email)).first() is None:
            user = User(email=email, name=form.name.data.strip(), password_hash=password_hash)
            db.add(user)
            try:
                db.commit()
            except IntegrityError:  # registered by a simultaneous request
                db.rollback()
            else:
                log.info("user %s registered", user.id)
        else:
            db.commit()
            log.info("registration for an existing address refused")
        flash(
            "Thank you. Log in with your email address and password to continue. "
            "If you already had an account with this address, use that account's password.",
            "info",
        )
        invite = session.get("pending_invite")
        target = url_for("orgs.join", token=invite) if invite else None
        return redirect(url_for("auth.login", next=target))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        db = get_session()
        email = form.email.data.strip().lower()
        cfg = current_app.config
        if not admit_login_attempt(email, cfg["LOGIN_MAX_ATTEMPTS"], cfg["LOGIN_WINDOW_SECONDS"]):
            form.email.errors.append("Too many failed attempts. Wait a few minutes and try again.")
            return render_template("auth/login.html", form=form), 429
        user = db.exec(select(User).where(func.lower(User.email) == email)).first()
        # An unknown address is checked against a dummy hash: it answers as slowly as a known one.
        if not verify_password_or_dummy(user.password_hash if user else None, form.password.data):
            form.password.errors.append("Email or password is wrong.")
            return render_template("auth/login.html", form=form), 200
        clear_login_attempts(email)
        db.commit()
        login_user(user)
        flash("Logged in.", "success")
        session.pop("pending_invite", None)
        return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    db = get_session()
    user = cast(User, db.get(User, current_user.id))  # logged in: the row exists
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
        user = cast(User, db.get(User, current_user.id))  # logged in: the row exists
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

"""Organizations: create, switch, invite links, members and roles, API tokens (the Settings page)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any, cast

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from records.core import links
from records.core.auth import (
    current_membership,
    end_other_sessions,
    hash_token,
    issue_api_token,
    login_required_with_org,
    membership_for,
    memberships,
    require_role,
)
from records.core.clock import utc_now
from records.core.db import get_session
from records.core.models import ApiToken, Invite, Membership, Organization, Role, User
from records.web.forms import EmptyForm, InviteForm, MemberRoleForm, OrgForm, TokenForm
from records.web.forms_util import id_param

bp = Blueprint("orgs", __name__)
log = logging.getLogger(__name__)
INVITE_DAYS = 14


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new() -> Any:
    form = OrgForm()
    if form.validate_on_submit():
        db = get_session()
        name = form.name.data.strip()
        if db.exec(
            select(Organization).where(func.lower(Organization.name) == name.lower())
        ).first():
            form.name.errors.append(
                "That name is taken. Ask its owner for an invite link, or choose another name."
            )
        else:
            org = Organization(name=name, kind=form.kind.data)
            db.add(org)
            db.flush()
            db.add(Membership(org_id=cast(int, org.id), user_id=current_user.id, role=Role.OWNER))
            db.commit()
            session["org_id"] = org.id
            log.info("user %s created org %s", current_user.id, org.id)
            flash(
                f"{org.name} is ready. Add the agencies you write to, then your first request.",
                "success",
            )
            return redirect(url_for("dashboard.index"))
    return render_template("orgs/new.html", form=form, rows=memberships(current_user.id))


@bp.route("/orgs/switch", methods=["POST"])
@login_required
def switch() -> Any:
    EmptyForm().validate_on_submit() or abort(400)
    org_id = id_param(request.form, "org_id")
    if membership_for(current_user.id, org_id) is None:
        abort(404)
    session["org_id"] = org_id
    return redirect(url_for("dashboard.index"))


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str) -> Any:
    db = get_session()
    invite = db.exec(select(Invite).where(Invite.token_hash == hash_token(token))).first()
    if invite is None or invite.used_at is not None or _expired(invite):
        return render_template("orgs/join.html", invite=None), 404
    org = cast(Organization, db.get(Organization, invite.org_id))  # the invite's org exists
    if not current_user.is_authenticated:
        session["pending_invite"] = token
        flash(f"Log in or register to join {org.name}.", "info")
        return render_template("orgs/join.html", invite=invite, org=org, form=None)
    form = EmptyForm()
    if request.method == "POST" and form.validate_on_submit():
        if membership_for(current_user.id, org.id) is not None:
            # Already a member: the link stays unused for the person it was meant for.
            session["org_id"] = org.id
            flash(f"You are already a member of {org.name}.", "info")
            return redirect(url_for("dashboard.index"))
        if not claim_invite(db, invite):
            db.rollback()
            log.info("invite %s was used by another request first", invite.id)
            return render_template("orgs/join.html", invite=None), 404
        try:
            with db.begin_nested():
                db.add(Membership(org_id=invite.org_id, user_id=current_user.id, role=invite.role))
        except IntegrityError:  # the same person joined through another link at this moment
            db.rollback()
            session["org_id"] = org.id
            return redirect(url_for("dashboard.index"))
        db.commit()
        session["org_id"] = org.id
        session.pop("pending_invite", None)
        log.info("user %s joined org %s as %s", current_user.id, org.id, invite.role)
        flash(f"You joined {org.name} as {invite.role}.", "success")
        return redirect(url_for("dashboard.index"))
    return render_template("orgs/join.html", invite=invite, org=org, form=form)


def claim_invite(db: Session, invite: Invite) -> bool:
    """Mark a single-use invite used; False when another request used it first.

    A conditional UPDATE, so of any number of simultaneous joins (other workers, other
    processes) exactly one sees its row change.
    """
    result = db.exec(
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.used_at).is_(None))
        .values(used_at=utc_now())
    )
    return result.rowcount == 1


def _expired(invite: Invite) -> bool:
    expires = invite.expires_at
    if expires.tzinfo is None:  # SQLite returns naive UTC
        expires = expires.replace(tzinfo=utc_now().tzinfo)
    return expires < utc_now()


@bp.route("/settings/")
def settings_slash() -> Any:
    """``/settings/`` (as typed, or from an old link) is the settings page."""
    return redirect(url_for("orgs.settings"), 301)


@bp.route("/settings")
@login_required_with_org
def settings() -> Any:
    db = get_session()
    membership = cast(Membership, current_membership())  # login_required_with_org
    org = cast(Organization, db.get(Organization, membership.org_id))
    members = db.exec(
        select(Membership, User)
        .join(User, col(User.id) == col(Membership.user_id))
        .where(Membership.org_id == org.id)
        .order_by(User.email)
    ).all()
    tokens = db.exec(
        select(ApiToken)
        .where(ApiToken.user_id == current_user.id, ApiToken.org_id == org.id)
        .order_by(col(ApiToken.created_at).desc())
    ).all()
    return render_template(
        "orgs/settings.html",
        org=org,
        members=members,
        tokens=tokens,
        invite_form=InviteForm(),
        token_form=TokenForm(),
        role_form=MemberRoleForm(),
        empty=EmptyForm(),
        orgs=memberships(current_user.id),
        new_token=session.pop("new_token", None),
        new_invite=session.pop("new_invite", None),
    )


@bp.route("/settings/invites", methods=["POST"])
@login_required_with_org
def create_invite() -> Any:
    require_role(Role.OWNER)
    form = InviteForm()
    if not form.validate_on_submit():
        abort(400)
    token = secrets.token_urlsafe(24)
    db = get_session()
    db.add(
        Invite(
            org_id=_org_id(),
            token_hash=hash_token(token),
            role=form.role.data,
            created_by=current_user.id,
            expires_at=utc_now() + timedelta(days=INVITE_DAYS),
        )
    )
    db.commit()
    session["new_invite"] = links.external_url("orgs.join", token=token)
    flash(
        f"Invite link created for a new {form.role.data}; it works once, for {INVITE_DAYS} days.",
        "success",
    )
    return redirect(url_for("orgs.settings"))


@bp.route("/settings/members/<int:member_id>/role", methods=["POST"])
@login_required_with_org
def change_role(member_id: int) -> Any:
    require_role(Role.OWNER)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    member = _member_or_404(member_id)
    if (
        member.role == Role.OWNER
        and form.role.data != Role.OWNER
        and _owner_count(member.org_id) == 1
    ):
        flash("An organization needs at least one owner.", "error")
        return redirect(url_for("orgs.settings"))
    member.role = form.role.data
    db.add(member)
    db.commit()
    log.info("user %s set member %s role to %s", current_user.id, member.user_id, member.role)
    flash("Role updated.", "success")
    return redirect(url_for("orgs.settings"))


@bp.route("/settings/members/<int:member_id>/remove", methods=["POST"])
@login_required_with_org
def remove_member(member_id: int) -> Any:
    require_role(Role.OWNER)
    EmptyForm().validate_on_submit() or abort(400)
    db = get_session()
    member = _member_or_404(member_id)
    if member.role == Role.OWNER and _owner_count(member.org_id) == 1:
        flash("An organization needs at least one owner.", "error")
        return redirect(url_for("orgs.settings"))
    user = cast(User, db.get(User, member.user_id))  # a member's user exists
    db.delete(member)
    end_other_sessions(user)  # the removed member's open sessions and tokens stop at once
    db.commit()
    log.info("user %s removed member %s from org %s", current_user.id, user.id, member.org_id)
    flash(f"{user.email} was removed and signed out.", "success")
    return redirect(url_for("orgs.settings"))


@bp.route("/settings/tokens", methods=["POST"])
@login_required_with_org
def create_token() -> Any:
    form = TokenForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    user = cast(User, db.get(User, current_user.id))  # logged in: the row exists
    token = issue_api_token(user, _org_id(), form.name.data or "")
    db.commit()
    session["new_token"] = token
    flash("API token created. Copy it now: it is shown once.", "success")
    return redirect(url_for("orgs.settings"))


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required_with_org
def revoke_token(token_id: int) -> Any:
    EmptyForm().validate_on_submit() or abort(400)
    db = get_session()
    tok = db.get(ApiToken, token_id)
    if tok is None or tok.user_id != current_user.id:
        abort(404)
    tok.revoked_at = tok.revoked_at or utc_now()
    db.add(tok)
    db.commit()
    flash("Token revoked.", "success")
    return redirect(url_for("orgs.settings"))


def _member_or_404(member_id: int) -> Membership:
    member = get_session().get(Membership, member_id)
    if member is None or member.org_id != _org_id():
        abort(404)
    return member


def _owner_count(org_id: int) -> int:
    return len(
        get_session()
        .exec(
            select(Membership.id).where(Membership.org_id == org_id, Membership.role == Role.OWNER)
        )
        .all()
    )


def _org_id() -> int:
    """The organization this request acts in (the views using it require one)."""
    return cast(Membership, current_membership()).org_id

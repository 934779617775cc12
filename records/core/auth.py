"""Who is asking and what they may do: sessions, API tokens, organizations and roles.

Every view that touches organization data calls ``current_org_id()`` (404 if none) and
``require_role()``; objects from another organization answer 404, never 403, so their existence
does not leak.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Flask, abort, flash, g, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from sqlalchemy import and_, bindparam, delete, func, update
from sqlmodel import Session, col, select

from records.core.clock import utc_now
from records.core.db import get_session, write_intent
from records.core.models import ApiToken, LoginAttempt, Membership, Organization, Role, User

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to continue."
login_manager.login_message_category = "info"

ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}
F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


# The session's user and its membership in the organization the session acts in, in one
# statement built once: every signed-in page needs both.
_SESSION_USER = (
    select(User, Membership)
    .outerjoin(
        Membership,
        and_(
            col(Membership.user_id) == col(User.id), col(Membership.org_id) == bindparam("org_id")
        ),
    )
    .where(col(User.id) == bindparam("user_id"))
)


@login_manager.user_loader
def _load_user(ident: str) -> User | None:
    try:
        user_id, version = (int(part) for part in ident.split(":", 1))
    except ValueError:
        return None
    org_id = session.get("org_id")
    row = (
        get_session()
        .exec(
            _SESSION_USER,
            params={"user_id": user_id, "org_id": org_id if isinstance(org_id, int) else None},
        )
        .first()
    )
    if row is None:
        return None
    user, membership = row
    if user.session_version != version:
        return None  # logged out elsewhere, password changed, or removed
    g.session_membership = (user.id, org_id, membership)  # current_membership's lookup, done
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "rd_" + secrets.token_urlsafe(32)


def issue_api_token(user: User, org_id: int, name: str = "") -> str:
    """Create an API token for ``user`` in ``org_id``; the plain token is shown once."""
    token = new_token()
    get_session().add(
        ApiToken(
            user_id=cast(int, user.id),  # a stored user
            org_id=org_id,
            name=name[:100],
            token_hash=hash_token(token),
            prefix=token[:10],
            session_version=user.session_version,
        )
    )
    return token


# The token, its user and the membership it acts in, in one statement (built once).
_BEARER = (
    select(ApiToken, User, Membership)
    .join(User, col(User.id) == col(ApiToken.user_id))
    .join(
        Membership,
        and_(
            col(Membership.user_id) == col(ApiToken.user_id),
            col(Membership.org_id) == col(ApiToken.org_id),
        ),
    )
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def user_from_bearer(header: str | None) -> tuple[User, int] | None:
    """Resolve ``Authorization: Bearer <token>`` to (user, org_id), or None."""
    if not header or not header.startswith("Bearer "):
        return None
    db = get_session()
    row = db.exec(_BEARER, params={"token_hash": hash_token(header[7:].strip())}).first()
    if row is None:
        return None
    tok, user, membership = row
    if tok.revoked_at is not None or user.session_version != tok.session_version:
        return None
    _touch(tok)
    g.membership = membership  # what current_membership() would look up again
    return user, tok.org_id


TOUCH_EVERY = timedelta(minutes=5)


def _touch(tok: ApiToken) -> None:
    """Record when the token was last used (at most every few minutes), in its own short write.

    The lookup's read transaction ends first: on SQLite a read that turns into a write fails at
    once when another writer committed meanwhile, while a write begun as one waits its turn.
    """
    now = utc_now()
    last = tok.last_used_at
    if last is not None and now - (last if last.tzinfo else last.replace(tzinfo=UTC)) < TOUCH_EVERY:
        return
    db = get_session()
    db.commit()
    with write_intent():
        db.exec(update(ApiToken).where(col(ApiToken.id) == tok.id).values(last_used_at=now))
        db.commit()


def end_other_sessions(user: User) -> None:
    """Invalidate every session cookie and API token the user holds."""
    user.session_version += 1
    for tok in get_session().exec(
        select(ApiToken).where(col(ApiToken.user_id) == user.id, col(ApiToken.revoked_at).is_(None))
    ):
        tok.revoked_at = utc_now()
    get_session().add(user)


def memberships(user_id: int) -> list[tuple[Membership, Organization]]:
    rows = get_session().exec(
        select(Membership, Organization)
        .join(Organization, col(Organization.id) == col(Membership.org_id))
        .where(Membership.user_id == user_id)
        .order_by(Organization.name)
    )
    return list(rows.all())


_MEMBERSHIP = select(Membership).where(
    col(Membership.user_id) == bindparam("user_id"), col(Membership.org_id) == bindparam("org_id")
)


def membership_for(user_id: int | None, org_id: int | None) -> Membership | None:
    if user_id is None or org_id is None:
        return None
    return get_session().exec(_MEMBERSHIP, params={"user_id": user_id, "org_id": org_id}).first()


def current_membership() -> Membership | None:
    """The membership for the organization this request acts in (API token or session choice)."""
    if "membership" in g:
        return g.membership
    membership = None
    if getattr(g, "api_org_id", None) is not None:
        membership = membership_for(g.api_user.id, g.api_org_id)
    elif current_user.is_authenticated:
        org_id = session.get("org_id")
        loaded = g.get("session_membership")
        if loaded is not None and loaded[:2] == (current_user.id, org_id):
            membership = loaded[2]
        else:
            membership = membership_for(current_user.id, org_id) if org_id else None
        if membership is None:
            rows = memberships(current_user.id)
            if rows:
                membership = rows[0][0]
                session["org_id"] = membership.org_id
    g.membership = membership
    return membership


def acting_user() -> User | None:
    if getattr(g, "api_user", None) is not None:
        return g.api_user
    return current_user if current_user.is_authenticated else None


def current_org_id() -> int:
    membership = current_membership()
    if membership is None:
        abort(404)
    return membership.org_id


def has_role(role: Role) -> bool:
    membership = current_membership()
    return membership is not None and ROLE_RANK[Role(membership.role)] >= ROLE_RANK[role]


def is_instance_admin() -> bool:
    """True when the acting user's email is listed in ``INSTANCE_ADMINS``."""
    from flask import current_app

    user = acting_user()
    listed = str(current_app.config.get("INSTANCE_ADMINS") or "")
    admins = {e.strip().lower() for e in listed.split(",") if e.strip()}
    return user is not None and user.email.lower() in admins


def can_merge_agencies() -> bool:
    """Merging two directory entries touches every organization's rows: an owner of the
    acting organization or an instance administrator only."""
    return has_role(Role.OWNER) or is_instance_admin()


def require_role(role: Role) -> None:
    """Abort 403 unless the acting user holds at least ``role`` in the current organization."""
    if current_membership() is None:
        abort(404)
    if not has_role(role):
        abort(403)


def login_required_with_org(view: F) -> F:
    """HTML views: log in first; a user without an organization is sent to create or join one."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_membership() is None:
            flash("Create an organization or join one with an invite link to get started.", "info")
            return redirect(url_for("orgs.new"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _attempt_key(email: str) -> str:
    return f"{email.strip().lower()}|{request.remote_addr or '-'}"


def admit_login_attempt(email: str, max_attempts: int, window_seconds: int) -> bool:
    """Count this login attempt; True when it is within the limit and its password may be checked.

    The attempt is committed before the count is read, so concurrent attempts (other workers,
    other processes) each see every attempt committed before them: the k-th attempt counts at
    least k, and at most ``max_attempts`` passwords are ever checked per window.
    """
    db = get_session()
    key = _attempt_key(email)
    db.add(LoginAttempt(key=key))
    db.commit()
    since = utc_now() - timedelta(seconds=window_seconds)
    count = db.exec(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.key == key, LoginAttempt.at >= since)
    ).one()
    db.commit()  # end the read so the next statement starts a fresh transaction
    return count <= max_attempts


def clear_login_attempts(email: str) -> None:
    """Forget the attempts of a login that succeeded; the caller commits."""
    get_session().exec(delete(LoginAttempt).where(col(LoginAttempt.key) == _attempt_key(email)))


def prune_login_attempts(db: Session, now: datetime) -> int:
    """Periodic job: drop attempts older than the window (they no longer count)."""
    from flask import current_app

    window = int(current_app.config.get("LOGIN_WINDOW_SECONDS") or 900)
    result = db.exec(
        delete(LoginAttempt).where(col(LoginAttempt.at) < now - timedelta(seconds=window))
    )
    return int(result.rowcount or 0)

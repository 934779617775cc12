"""``flask --app app ...`` commands: db, users, demo-data; each package adds its own groups with
``add_lazy`` (its ``cli`` module loads when the command line lists or runs a command)."""

from __future__ import annotations

import secrets
import sys
from collections.abc import MutableMapping
from typing import Any, cast

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func
from sqlmodel import Session, col, select

from records.core.models import Membership, Organization, OrgKind, Role, User

db_cli = AppGroup("db", help="Database migrations.")
users_cli = AppGroup("users", help="Create users and API tokens.")


class LazyAppGroup(AppGroup):
    """The app's command group. A package names its command module with :func:`add_lazy`; the
    modules (which import python-docx, the law library, APScheduler...) are imported when the
    commands are first read (listed, looked up or run), not when the app is built, so a web
    worker's start does not pay for them. Adding a command never loads them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._commands: dict[str, click.Command] = {}
        self._loaded = False
        self._adding = 0
        self.lazy_modules: list[str] = []
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> dict[str, click.Command]:
        if not self._adding and not self._loaded:
            self._load()
        return self._commands

    @commands.setter
    def commands(self, value: MutableMapping[str, click.Command]) -> None:
        self._commands = dict(value)

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._adding += 1
        try:
            super().add_command(cmd, name)
        finally:
            self._adding -= 1

    def _load(self) -> None:
        import importlib

        self._loaded = True
        for name in self.lazy_modules:
            module = importlib.import_module(name)
            for command in module.COMMANDS:
                self.add_command(command)


def add_lazy(app: Flask, module: str) -> None:
    """Add the click commands listed in ``module.COMMANDS``, imported on first use."""
    group = app.cli
    assert isinstance(group, LazyAppGroup), "records.cli.init_app runs first"
    if module not in group.lazy_modules:
        group.lazy_modules.append(module)
        group._loaded = False


def init_app(app: Flask) -> None:
    """Replace the app's command group with a :class:`LazyAppGroup`; add the core commands."""
    group = LazyAppGroup(app.cli.name)
    group.commands = app.cli.commands
    app.cli = group
    app.cli.add_command(db_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_data)


def _session() -> Session:
    return Session(current_app.extensions["db_engine"], expire_on_commit=False)


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    from records.schema.migrate import upgrade

    upgrade(current_app.config["DATABASE_URL"], revision)
    click.echo(f"database at {revision}")


@users_cli.command("create")
@click.argument("email")
@click.option("--org", "org_name", required=True, help="Organization name (created if missing).")
@click.option(
    "--role", type=click.Choice([r.value for r in Role]), default="owner", show_default=True
)
@click.option("--password", default=None, help="Password; generated and printed when omitted.")
@click.option("--name", default="", help="Display name.")
def users_create(email: str, org_name: str, role: str, password: str | None, name: str) -> None:
    """Create a user (or add an existing one) in an organization."""
    from records.core.security import hash_password
    from records.core.validation import is_email

    email = email.strip().lower()
    if not is_email(email):
        raise click.UsageError(f"{email!r} is not an email address")
    shown = password or secrets.token_urlsafe(12)
    if len(shown) < 10:
        raise click.UsageError("the password must have at least 10 characters")
    with _session() as db:
        org = db.exec(
            select(Organization).where(func.lower(Organization.name) == org_name.lower())
        ).first()
        if org is None:
            org = Organization(name=org_name, kind=OrgKind.OTHER)
            db.add(org)
            db.flush()
        user = db.exec(select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, name=name, password_hash=hash_password(shown))
            db.add(user)
            db.flush()
        elif password:
            user.password_hash = hash_password(password)
        member = db.exec(
            select(Membership).where(Membership.org_id == org.id, Membership.user_id == user.id)
        ).first()
        if member is None:
            db.add(Membership(org_id=cast(int, org.id), user_id=cast(int, user.id), role=role))
        else:
            member.role = role
        db.commit()
    click.echo(f"{email} is {role} of {org_name}")
    if not password:
        click.echo(f"password: {shown}")


@users_cli.command("token")
@click.argument("email")
@click.option("--org", "org_name", default=None, help="Organization (default: the user's first).")
@click.option("--name", default="cli", show_default=True)
def users_token(email: str, org_name: str | None, name: str) -> None:
    """Print a new API token for EMAIL."""
    from records.core.auth import hash_token, new_token
    from records.core.models import ApiToken

    with _session() as db:
        user = db.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            click.echo(f"error: no user {email}", err=True)
            sys.exit(2)
        stmt = (
            select(Membership, Organization)
            .join(Organization, col(Organization.id) == col(Membership.org_id))
            .where(Membership.user_id == user.id)
        )
        if org_name:
            stmt = stmt.where(func.lower(Organization.name) == org_name.lower())
        row = db.exec(stmt.order_by(Organization.name)).first()
        if row is None:
            click.echo(
                f"error: {email} is not a member of {org_name or 'any organization'}", err=True
            )
            sys.exit(2)
        token = new_token()
        db.add(
            ApiToken(
                user_id=cast(int, user.id),
                org_id=cast(int, row[1].id),
                name=name,
                token_hash=hash_token(token),
                prefix=token[:10],
                session_version=user.session_version,
            )
        )
        db.commit()
    click.echo(token)


@click.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Seed the demo organization, user, agencies and requests (safe to run twice)."""
    from records.ops.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo

    with _session() as db:
        created = seed_demo(db)
        db.commit()
    click.echo("demo data created" if created else "demo data already present")
    click.echo(f"demo login: {DEMO_EMAIL} / {DEMO_PASSWORD}")

"""Accounts: register, log in, organizations, members and roles, invitations, API tokens.

The rules (sessions, tokens, roles) are ``records.core.auth``, which every page uses; this
package holds the pages: ``views`` (register, log in, password) and ``org_views`` (Settings).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the account and organization pages."""
    from records.accounts import org_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(org_views.bp)

"""Reminders and notifications: the database is the schedule.

Layers: ``content`` (pure: the words of a reminder) <- ``models`` <- ``prefs`` and ``service``
(plan, claim and deliver reminders; the weekly digest) and ``ical`` (calendar feeds) <-
``views``, ``cli`` (``flask scheduler run``, ``flask reminders sweep``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importing the package's pure modules does not import Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the notification pages and panels and the ``scheduler`` and ``reminders``
    commands."""
    from records.cli import add_lazy
    from records.notify import views

    app.register_blueprint(views.bp)
    views.add_panels()
    add_lazy(app, "records.notify.cli")

"""Agency replies that file themselves: reply addresses, a watched mailbox, proposals from mail.

pure (``parse``, ``classify``) <- ``models`` <- ``service``, ``imap`` <- ``views``, ``cli``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the pure modules of this package are imported without Flask
    from flask import Flask


def init_app(app: Flask) -> None:
    """Register the holding pen and settings pages, the ``mail`` commands and the fetch job."""
    from records.core import jobs
    from records.inbound import cli, imap, views

    app.register_blueprint(views.bp)
    views.add_panels()
    app.cli.add_command(cli.mail_cli)
    jobs.add("inbound_mail", imap.fetch_due)

"""Send one email through the configured SMTP server. Callers decide about retries."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any


class MailError(RuntimeError):
    """Sending failed; the message says why in words a user can act on."""


def smtp_settings(
    config: Mapping[str, Any], override: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """App-wide SMTP settings, replaced by an organization's own where it set them."""
    keys = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS", "MAIL_FROM")
    settings = {k: config.get(k) for k in keys}
    for key, value in (override or {}).items():
        if value not in (None, ""):
            settings[key] = value
    return settings


def send(message: EmailMessage, settings: Mapping[str, Any], timeout: float = 20) -> str:
    """Send ``message``; returns its Message-ID. Raises MailError on any failure."""
    host = settings.get("SMTP_HOST")
    if not host:
        raise MailError(
            "email is not configured (set SMTP_HOST or the organization's SMTP settings)"
        )
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(
            domain=str(settings.get("MAIL_FROM", "localhost")).split("@")[-1]
        )
    if "Date" not in message:
        message["Date"] = formatdate(localtime=False, usegmt=True)
    if "From" not in message:
        message["From"] = settings.get("MAIL_FROM") or "records-desk@localhost"
    try:
        with smtplib.SMTP(host, int(settings.get("SMTP_PORT") or 25), timeout=timeout) as smtp:
            if settings.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if settings.get("SMTP_USER"):
                smtp.login(str(settings["SMTP_USER"]), str(settings.get("SMTP_PASSWORD") or ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send through {host}: {exc}") from exc
    return str(message["Message-ID"])

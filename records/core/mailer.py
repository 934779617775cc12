"""Send one email through the configured SMTP server. Callers decide about retries.

Connections go through ``records.core.outbound`` (resolve once, refuse internal addresses, connect to
the checked address). The operator's own ``SMTP_HOST`` is trusted — a relay on ``localhost`` is
the usual set-up — while an organization's SMTP override is checked unless the operator set
``SMTP_ALLOW_PRIVATE_HOSTS``. Errors say what went wrong in words a user can act on, never the
raw socket error; the details go to the log.
"""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from records.core import outbound

log = logging.getLogger(__name__)

CONNECTION_KEYS = ("SMTP_HOST", "SMTP_PORT", "SMTP_USER", "SMTP_PASSWORD", "SMTP_STARTTLS")
DEFAULT_TIMEOUT = 10.0


class MailError(RuntimeError):
    """Sending failed; the message says why in words a user can act on."""


def smtp_settings(
    config: Mapping[str, Any], override: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """App-wide SMTP settings, or an organization's own server when it set one.

    An override that names a host replaces every connection setting: the operator's user name
    and password are never sent to a server someone else chose.
    """
    override = override or {}
    settings: dict[str, Any] = {k: config.get(k) for k in (*CONNECTION_KEYS, "MAIL_FROM")}
    settings["SMTP_TRUSTED_HOST"] = True
    if override.get("SMTP_HOST"):
        settings.update({k: override.get(k) for k in CONNECTION_KEYS})
        settings["SMTP_TRUSTED_HOST"] = False
    if override.get("MAIL_FROM"):
        settings["MAIL_FROM"] = override["MAIL_FROM"]
    settings["SMTP_ALLOW_PRIVATE_HOSTS"] = bool(config.get("SMTP_ALLOW_PRIVATE_HOSTS"))
    settings["SMTP_TIMEOUT_SECONDS"] = config.get("SMTP_TIMEOUT_SECONDS") or DEFAULT_TIMEOUT
    return settings


def allows_private(settings: Mapping[str, Any]) -> bool:
    """Whether this server may be on a private network: the operator's own, or allowed by them."""
    return bool(settings.get("SMTP_TRUSTED_HOST") or settings.get("SMTP_ALLOW_PRIVATE_HOSTS"))


class _GuardedSMTP(smtplib.SMTP):
    """smtplib.SMTP whose socket comes from ``outbound.connect``; TLS still checks the name."""

    def __init__(self, host: str, port: int, timeout: float, allow_private: bool) -> None:
        self._allow_private = allow_private
        super().__init__(host, port, timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return outbound.connect(host, port, timeout=timeout, allow_private=self._allow_private)


def _port(settings: Mapping[str, Any]) -> int:
    try:
        return int(settings.get("SMTP_PORT") or 25)
    except (TypeError, ValueError):
        raise MailError("the SMTP port must be a number") from None


def send(message: EmailMessage, settings: Mapping[str, Any]) -> str:
    """Send ``message``; returns its Message-ID. Raises MailError on any failure."""
    host = str(settings.get("SMTP_HOST") or "")
    if not host:
        raise MailError(
            "email is not configured (set SMTP_HOST or the organization's SMTP settings)"
        )
    port = _port(settings)
    if "Message-ID" not in message:
        message["Message-ID"] = make_msgid(
            domain=str(settings.get("MAIL_FROM", "localhost")).split("@")[-1]
        )
    if "Date" not in message:
        message["Date"] = formatdate(localtime=False, usegmt=True)
    if "From" not in message:
        message["From"] = settings.get("MAIL_FROM") or "records-desk@localhost"
    where = f"{host}:{port}"
    step = "connect"
    try:
        smtp = _GuardedSMTP(
            host, port, float(settings["SMTP_TIMEOUT_SECONDS"]), allows_private(settings)
        )
        try:
            step = "session"
            if settings.get("SMTP_STARTTLS"):
                step = "starttls"
                smtp.starttls(context=ssl.create_default_context())
            if settings.get("SMTP_USER"):
                step = "login"
                smtp.login(str(settings["SMTP_USER"]), str(settings.get("SMTP_PASSWORD") or ""))
            step = "send"
            smtp.send_message(message)
        finally:
            _close(smtp)
    except outbound.Refused as exc:
        log.warning("SMTP %s refused: %s", where, exc.detail)
        raise MailError(f"could not send through {where}: {exc.message}") from None
    except outbound.Unreachable as exc:
        log.warning("SMTP %s unreachable: %s", where, exc.detail)
        raise MailError(f"could not send through {where}: {_explain('connect', exc)}") from None
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP %s failed at %s: %r", where, step, exc)
        raise MailError(f"could not send through {where}: {_explain(step, exc)}") from None
    return str(message["Message-ID"])


def _close(smtp: smtplib.SMTP) -> None:
    """Say QUIT, but once the message is accepted a failed goodbye is not a failed send."""
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def _explain(step: str, exc: BaseException) -> str:
    """Our own words for what failed; the server's text is logged, not shown."""
    code = getattr(exc, "smtp_code", None)
    suffix = f" ({code})" if isinstance(code, int) and code > 0 else ""
    if step == "connect":
        # A closed port, a silent one and one that is not SMTP all read the same.
        return "no SMTP server answered"
    if isinstance(exc, smtplib.SMTPNotSupportedError) and step == "starttls":
        return "the server does not offer STARTTLS"
    if step == "starttls":
        return "the secure connection (STARTTLS) could not be set up"
    if isinstance(exc, smtplib.SMTPNotSupportedError) and step == "login":
        return "the server does not accept a user name and password"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"the server refused the user name or password{suffix}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"the server refused the sender address{suffix}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({c for c, _m in exc.recipients.values()})
        return f"the server refused the recipient ({', '.join(map(str, codes))})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server refused the message{suffix}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the server stopped answering"
    return "the connection to the server failed"

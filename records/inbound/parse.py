"""PURE: read a raw email into the facts matching and filing need (no Flask, no database).

Never raises on bad input: malformed MIME, broken headers and odd charsets give empty fields,
so a message that cannot be understood still reaches the holding pen.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import date
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

# box+r123-k7f2x9q4mz@domain: the request id, then its unguessable token.
REPLY_TOKEN = re.compile(r"\+r(\d{1,10})-([a-z0-9]{8,40})@", re.IGNORECASE)
MSGID = re.compile(r"<[^<>\s]{1,250}>")
RECIPIENT_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To")
BOUNCE_SUBJECTS = re.compile(
    r"undeliverable|undelivered mail|delivery status notification \(failure\)|"
    r"mail delivery (failed|failure|subsystem)|returned mail|delivery has failed|"
    r"failure notice|could not be delivered",
    re.IGNORECASE,
)
BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
OUT_OF_OFFICE = re.compile(
    r"out of (the )?office|automatic reply|auto(matic)?[- ]?reply|on (annual )?leave|"
    r"away from (the|my) office|on vacation|limited access to (e-?mail|my email)",
    re.IGNORECASE,
)


@dataclass
class Mail:
    """What one message says about itself."""

    message_id: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    sender: str = ""  # the address, lowercased
    sender_display: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    on: date | None = None
    body: str = ""
    kind: str = "reply"  # reply | bounce | auto_reply
    bounced_ids: list[str] = field(default_factory=list)
    bounce_reason: str = ""
    defects: int = 0

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, nearest first."""
        return [*self.in_reply_to, *reversed(self.references)]


def _header(msg: Message, name: str) -> str:
    try:
        value = msg.get(name)
    except Exception:  # a header the policy cannot parse reads as absent
        return ""
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        return ""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def _all_headers(msg: Message, name: str) -> list[str]:
    try:
        values = msg.get_all(name) or []
    except Exception:
        return []
    out = []
    for value in values:
        try:
            out.append(str(value))
        except Exception:  # noqa: S112 - an unreadable header is skipped, the rest still count
            continue
    return out


def _addresses(values: list[str]) -> list[str]:
    try:
        pairs = getaddresses(values)
    except Exception:
        return []
    return [a.strip().lower() for _n, a in pairs if a and "@" in a]


def html_to_text(markup: str) -> str:
    """HTML reduced to text: scripts and styles dropped, tags removed, entities decoded."""
    markup = re.sub(r"(?is)<(script|style|head|template)\b.*?</\1\s*>", " ", markup)
    markup = re.sub(r"(?is)<!--.*?-->", " ", markup)
    markup = re.sub(r"(?i)<br\s*/?>|</p\s*>|</div\s*>|</tr\s*>|</li\s*>", "\n", markup)
    text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", markup))
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def body_text(msg: Any) -> str:
    """The readable body: plain text preferred, HTML reduced to text (never kept as HTML)."""
    try:
        part = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        if msg.is_multipart():
            return ""
        part = msg
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        content = content.decode("utf-8", "replace") if isinstance(content, bytes) else ""
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content.replace("\r\n", "\n").strip()


def _bounced_ids(msg: Message) -> list[str]:
    """The Message-IDs of our own mail quoted in a delivery report."""
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            raw = part.as_string() if ctype == "message/rfc822" else str(part.get_payload())
            for m in re.finditer(r"(?im)^message-id:\s*(<[^>]+>)", raw):
                found.append(m.group(1))
    if not found:
        text = body_text(msg)
        found = [m.group(1) for m in re.finditer(r"(?im)message-id:\s*(<[^>]+>)", text)]
    return list(dict.fromkeys(found))


def _bounce_reason(msg: Message) -> str:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            text = part.as_string()
            m = re.search(r"(?im)^diagnostic-code:\s*(.+)$", text)
            if m:
                return m.group(1).strip()[:300]
    m = re.search(r"(?im)^\s*(5\d\d[ -][^\n]{5,200})$", body_text(msg))
    return m.group(1).strip()[:300] if m else ""


def classify_kind(msg: Message, sender: str, subject: str, body: str) -> str:
    """``bounce``, ``auto_reply`` (out of office and the like) or ``reply``."""
    ctype = msg.get_content_type()
    report = ctype == "multipart/report" and "delivery-status" in _header(msg, "Content-Type")
    if report or (BOUNCE_SENDERS.match(sender) and BOUNCE_SUBJECTS.search(subject)):
        return "bounce"
    if BOUNCE_SUBJECTS.search(subject) and "delivery" in body.lower():
        return "bounce"
    auto = _header(msg, "Auto-Submitted").lower()
    flagged = (
        (auto and auto != "no")
        or _header(msg, "X-Autoreply")
        or _header(msg, "X-Autorespond")
        or _header(msg, "Precedence").lower() in ("auto_reply", "bulk", "junk")
    )
    if OUT_OF_OFFICE.search(subject) or (flagged and OUT_OF_OFFICE.search(body[:2000])):
        return "auto_reply"
    return "reply"


def _date(msg: Message) -> date | None:
    try:
        return parsedate_to_datetime(_header(msg, "Date")).date()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def parse(raw: bytes) -> Mail:
    """Read ``raw``; never raises."""
    try:
        msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[assignment,unused-ignore]
    except Exception:
        return Mail(defects=1)
    sender_pairs = getaddresses([_header(msg, "From")]) if _header(msg, "From") else []
    sender = sender_pairs[0][1].lower() if sender_pairs and "@" in sender_pairs[0][1] else ""
    display = sender_pairs[0][0] if sender_pairs else ""
    recipients: list[str] = []
    for name in RECIPIENT_HEADERS:
        recipients += _addresses(_all_headers(msg, name))
    subject = _header(msg, "Subject")[:500]
    try:
        body = body_text(msg)
    except Exception:
        body = ""
    mail = Mail(
        message_id=(MSGID.findall(_header(msg, "Message-ID")) or [""])[0],
        in_reply_to=MSGID.findall(_header(msg, "In-Reply-To")),
        references=MSGID.findall(_header(msg, "References")),
        sender=sender[:254],
        sender_display=display[:200],
        recipients=list(dict.fromkeys(recipients)),
        subject=subject,
        on=_date(msg),
        body=body,
        defects=len(getattr(msg, "defects", []) or []),
    )
    try:
        mail.kind = classify_kind(msg, sender, subject, body)
        if mail.kind == "bounce":
            mail.bounced_ids = _bounced_ids(msg)
            mail.bounce_reason = _bounce_reason(msg)
    except Exception:
        mail.kind = "reply"
    return mail


def reply_tokens(addresses: list[str]) -> list[tuple[int, str]]:
    """(request id, token) pairs found in reply addresses."""
    out = []
    for address in addresses:
        m = REPLY_TOKEN.search(address)
        if m:
            out.append((int(m.group(1)), m.group(2).lower()))
    return out


def reply_address(mailbox: str, request_id: int, token: str) -> str:
    """``records@clinic.example`` -> ``records+r12-token@clinic.example``."""
    local, _, domain = mailbox.partition("@")
    local = local.split("+", 1)[0]
    return f"{local}+r{request_id}-{token}@{domain}"

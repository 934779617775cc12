"""Fetching an organization's watched IMAP folder: each message at most once, then moved or flagged.

UIDVALIDITY and the last UID read are kept on the mailbox row and advanced after every message,
so a connection lost mid-fetch resumes at the next message; a message whose filing committed
just before the loss is fetched again and recognised (``receive`` deduplicates it). Filed mail
is moved to ``done_folder`` when one is set, otherwise flagged ``\\Seen $RecordsFiled``; held
mail is flagged ``$RecordsHeld`` and left where it is. Connections go through
``records.core.outbound`` like SMTP: an organization's host is refused on internal addresses unless
the operator allows them (``SMTP_ALLOW_PRIVATE_HOSTS``).
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from records.core import outbound, secretbox
from records.inbound import service
from records.inbound.models import InboundMailbox

log = logging.getLogger(__name__)
TIMEOUT = 30.0
FILED_FLAGS = r"(\Seen $RecordsFiled)"
HELD_FLAGS = r"($RecordsHeld)"


class FetchError(RuntimeError):
    """The mailbox could not be read; the message is safe to show."""


class _Guarded:
    """imaplib connection whose socket comes from ``outbound.connect`` (TLS still checks names)."""

    allow_private = False
    host: str
    port: int

    def _create_socket(self, timeout: float | None) -> socket.socket:
        sock = outbound.connect(
            self.host, self.port, timeout=timeout or TIMEOUT, allow_private=self.allow_private
        )
        if isinstance(self, imaplib.IMAP4_SSL):
            return self.ssl_context.wrap_socket(sock, server_hostname=self.host)
        return sock


class GuardedIMAP(_Guarded, imaplib.IMAP4):
    pass


class GuardedIMAPSSL(_Guarded, imaplib.IMAP4_SSL):
    pass


@dataclass
class FetchResult:
    fetched: int = 0
    filed: int = 0
    held: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def connect(box: InboundMailbox, config: Mapping[str, Any]) -> imaplib.IMAP4:
    """Log in to the mailbox; raises ``FetchError`` with words a member can act on."""
    allow = bool(config.get("SMTP_ALLOW_PRIVATE_HOSTS"))
    port = box.imap_port or (993 if box.imap_security == "ssl" else 143)
    cls: Any = GuardedIMAPSSL if box.imap_security == "ssl" else GuardedIMAP
    cls.allow_private = allow
    try:
        if cls is GuardedIMAPSSL:
            con = cls(
                box.imap_host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
            )
        else:
            con = cls(box.imap_host, port, timeout=TIMEOUT)
            if box.imap_security == "starttls":
                con.starttls(ssl.create_default_context())
        con.login(box.imap_user, secretbox.unseal(box.imap_password, config))
    except outbound.OutboundError as exc:
        raise FetchError(f"could not connect to {box.imap_host}:{port}: {exc.message}") from None
    except imaplib.IMAP4.error:
        raise FetchError("the IMAP server refused the user name or password") from None
    except secretbox.SecretError as exc:
        raise FetchError(str(exc)) from None
    except (OSError, ssl.SSLError) as exc:
        log.warning("IMAP %s:%s failed: %r", box.imap_host, port, exc)
        raise FetchError(f"could not connect to {box.imap_host}:{port}") from None
    return con


def _quote(folder: str) -> str:
    return '"' + folder + '"'


def _uidvalidity(con: imaplib.IMAP4) -> int:
    _typ, data = con.response("UIDVALIDITY")
    try:
        return int(data[0]) if data and data[0] else 0
    except (TypeError, ValueError):
        return 0


def _size(con: imaplib.IMAP4, uid: int) -> int:
    typ, data = con.uid("FETCH", str(uid), "(RFC822.SIZE)")
    for item in data or []:
        raw = item[0] if isinstance(item, tuple) else item
        m = re.search(rb"RFC822\.SIZE (\d+)", raw or b"")
        if m:
            return int(m.group(1))
    return -1  # the message vanished (expunged by someone else)


def _body(con: imaplib.IMAP4, uid: int, part: str) -> bytes | None:
    typ, data = con.uid("FETCH", str(uid), f"({part})")
    for item in data or []:
        if isinstance(item, tuple) and len(item) >= 2:
            return bytes(item[1])
    return None


def _after(con: imaplib.IMAP4, box: InboundMailbox, uid: int, state: str) -> None:
    if state == "filed" and box.done_folder:
        caps = {c.decode() if isinstance(c, bytes) else str(c) for c in con.capabilities}
        if "MOVE" in caps:
            typ, _ = con.uid("MOVE", str(uid), _quote(box.done_folder))
            if typ == "OK":
                return
        else:
            typ, _ = con.uid("COPY", str(uid), _quote(box.done_folder))
            if typ == "OK":
                con.uid("STORE", str(uid), "+FLAGS", r"(\Deleted)")
                con.expunge()
                return
        log.warning("mailbox %s: could not move to %r; flagging instead", box.id, box.done_folder)
    con.uid("STORE", str(uid), "+FLAGS", FILED_FLAGS if state == "filed" else HELD_FLAGS)


def fetch(db: Session, storage: Any, config: Mapping[str, Any], box_id: int) -> FetchResult:
    """Read every new message of the mailbox's folder; commits after each one."""
    result = FetchResult()
    box = db.get(InboundMailbox, box_id)
    if box is None or not box.imap_host:
        return result
    limit = service.limit_bytes(config)
    try:
        con = connect(box, config)
    except FetchError as exc:
        _error(db, box_id, str(exc))
        result.errors.append(str(exc))
        return result
    try:
        typ, _ = con.select(_quote(box.folder))
        if typ != "OK":
            raise FetchError(f"the folder {box.folder!r} does not exist on the server")
        validity = _uidvalidity(con)
        if box.uidvalidity != validity:
            # The server renumbered the folder: read it again from the start; messages seen
            # before are recognised by their Message-ID and not filed twice.
            box.uidvalidity, box.last_uid = validity, 0
            db.add(box)
            db.commit()
        typ, data = con.uid("SEARCH", f"UID {box.last_uid + 1}:*")
        uids = sorted(int(u) for u in (data[0] or b"").split() if int(u) > box.last_uid)
        for uid in uids:
            size = _size(con, uid)
            if size < 0:
                continue
            if size > limit:
                raw = _body(con, uid, "BODY.PEEK[HEADER]") or b""
                got = service.receive(
                    db, storage, config, raw, org_id=box.org_id, source="imap", too_large=size
                )
            else:
                raw = _body(con, uid, "BODY.PEEK[]") or b""
                got = service.receive(db, storage, config, raw, org_id=box.org_id, source="imap")
            result.fetched += 1
            if got.duplicate:
                result.duplicates += 1
            elif got.state == "filed":
                result.filed += 1
            else:
                result.held += 1
            _after(con, box, uid, got.state)
            refreshed = db.get(InboundMailbox, box_id)
            if refreshed is None:  # deleted while we read it
                return result
            box = refreshed
            box.last_uid = uid
            box.last_error = ""
            db.add(box)
            db.commit()
    except FetchError as exc:
        _error(db, box_id, str(exc))
        result.errors.append(str(exc))
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        log.warning("IMAP fetch of mailbox %s stopped: %r", box_id, exc)
        message = "the connection to the IMAP server was lost; the next fetch resumes"
        _error(db, box_id, message)
        result.errors.append(message)
    finally:
        _close(con)
    log.info(
        "mailbox %s: fetched %s, filed %s, held %s",
        box_id,
        result.fetched,
        result.filed,
        result.held,
    )
    return result


def _close(con: imaplib.IMAP4) -> None:
    """Log out; after a lost connection, at least close the socket."""
    try:
        con.logout()
    except (imaplib.IMAP4.error, OSError, ssl.SSLError):
        with contextlib.suppress(OSError, ssl.SSLError, AttributeError):
            con.shutdown()


def _error(db: Session, box_id: int, message: str) -> None:
    db.rollback()
    box = db.get(InboundMailbox, box_id)
    if box is not None:
        box.last_error = message[:500]
        db.add(box)
        db.commit()


def claim_due(db: Session, now: datetime, every_seconds: int) -> list[int]:
    """Mailboxes due for a fetch, claimed with a conditional UPDATE (no two runs read one)."""
    cutoff = now - timedelta(seconds=every_seconds)
    ids = db.exec(
        select(InboundMailbox.id).where(
            InboundMailbox.imap_host != "",
            or_(
                col(InboundMailbox.last_fetch_at).is_(None),
                col(InboundMailbox.last_fetch_at) <= cutoff,
            ),
        )
    ).all()
    claimed = []
    for box_id in ids:
        changed = db.exec(  # type: ignore[call-overload,unused-ignore]
            update(InboundMailbox)
            .where(
                col(InboundMailbox.id) == box_id,
                or_(
                    col(InboundMailbox.last_fetch_at).is_(None),
                    col(InboundMailbox.last_fetch_at) <= cutoff,
                ),
            )
            .values(last_fetch_at=now)
        ).rowcount
        if changed and box_id is not None:
            claimed.append(box_id)
    db.commit()
    return claimed


def fetch_due(db: Session, now: datetime) -> int:
    """Scheduler job: fetch every mailbox whose poll interval has passed; returns messages read."""
    from flask import current_app

    from records.core.storage_local import get_storage

    config = current_app.config
    storage = get_storage(current_app)
    total = 0
    for box_id in claim_due(db, now, int(config.get("INBOUND_POLL_SECONDS") or 300)):
        total += fetch(db, storage, config, box_id).fetched
    return total

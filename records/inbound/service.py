"""Receiving agency mail: store once, match to a request, file it with a proposal, or hold it.

Matching, in order: the reply address token, the thread (In-Reply-To/References against the
letters we sent and the mail already filed), the agency's tracking number, then the sender's
address or domain known for the agency. One request: filed. None or several: the holding pen,
where a member files it with one click. Nothing is dropped: a message that cannot be filed
(too large, an attachment refused) is held with the reason.

Each step commits: the message row first (so a second copy of the same message is recognised
at once, and a crash leaves a ``new`` row the next receive resumes), then the filing.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from records.core import secretbox
from records.core import validation as v
from records.core.clock import utc_now
from records.core.models import Agency, RecordRequest
from records.core.storage import TooLarge
from records.filing import service as filing
from records.filing.models import ProposedEvent
from records.inbound.classify import read
from records.inbound.models import InboundMailbox, InboundMessage, ReplyAddress
from records.inbound.parse import Mail, parse, reply_address, reply_tokens
from records.letters.models import StoredLetter
from records.lifecycle import service as lifecycle

log = logging.getLogger(__name__)

# Mail services whose domain says nothing about which agency wrote.
FREE_MAIL = frozenset(
    {
        "gmail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "aol.com",
        "icloud.com",
        "proton.me",
        "protonmail.com",
        "comcast.net",
        "msn.com",
        "live.com",
    }
)
HELD_NOTE_LIMIT = 1000


@dataclass
class Received:
    """What ``receive`` did with one message."""

    message: InboundMessage
    duplicate: bool = False

    @property
    def state(self) -> str:
        return self.message.state


# --- reply addresses ------------------------------------------------------------------------


def mailbox_of(db: Session, org_id: int) -> InboundMailbox | None:
    return db.exec(select(InboundMailbox).where(InboundMailbox.org_id == org_id)).first()


def reply_token(db: Session, req: RecordRequest) -> str:
    """The request's reply token, made on first use (about 60 bits, unguessable); flushes."""
    row = db.exec(select(ReplyAddress).where(ReplyAddress.request_id == req.id)).first()
    if row is None:
        assert req.id is not None  # a stored request
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        row = ReplyAddress(
            org_id=req.org_id,
            request_id=req.id,
            token="".join(secrets.choice(alphabet) for _ in range(12)),
        )
        db.add(row)
        db.flush()
    return row.token


def reply_address_for(db: Session, req: RecordRequest) -> str:
    """``records+r12-token@clinic.example`` when the organization set a reply mailbox, else ""."""
    box = mailbox_of(db, req.org_id)
    if box is None or "@" not in box.address:
        return ""
    return reply_address(box.address, int(req.id or 0), reply_token(db, req))


def thread_references(db: Session, req: RecordRequest) -> list[str]:
    """Message-IDs of the letters already emailed on this request, oldest first."""
    rows = db.exec(
        select(StoredLetter.message_id)
        .where(StoredLetter.request_id == req.id, StoredLetter.message_id != "")
        .order_by(col(StoredLetter.id))
    ).all()
    return [str(r) for r in rows]


# --- matching --------------------------------------------------------------------------------


@dataclass
class Match:
    request_id: int | None
    by: str = ""
    candidates: tuple[int, ...] = ()
    org_id: int | None = None


def _by_token(db: Session, mail: Mail, extra: list[str], org_id: int | None) -> Match | None:
    for request_id, token in reply_tokens([*mail.recipients, *extra]):
        row = db.exec(select(ReplyAddress).where(ReplyAddress.request_id == request_id)).first()
        if row is None or not hmac.compare_digest(row.token, token):
            continue
        if org_id is not None and row.org_id != org_id:
            log.warning("reply token for another organization's request ignored")
            continue
        return Match(request_id, "token", org_id=row.org_id)
    return None


def _by_thread(db: Session, mail: Mail, org_id: int | None) -> Match | None:
    ids = [i for i in mail.thread_ids if i][:50]
    if mail.kind == "bounce":
        ids = [*mail.bounced_ids, *ids]
    if not ids:
        return None
    found: dict[int, int] = {}
    q = select(StoredLetter.request_id, StoredLetter.org_id).where(
        col(StoredLetter.message_id).in_(ids)
    )
    q2 = select(InboundMessage.request_id, InboundMessage.org_id).where(
        col(InboundMessage.message_id).in_(ids),
        InboundMessage.state == "filed",
        col(InboundMessage.request_id).is_not(None),
    )
    for rid, oid in [*db.exec(q).all(), *db.exec(q2).all()]:
        if rid is not None and (org_id is None or oid == org_id):
            found[int(rid)] = int(oid)
    if len(found) == 1:
        rid, oid = next(iter(found.items()))
        return Match(rid, "thread", org_id=oid)
    if found and org_id is not None:
        return Match(None, "thread", tuple(sorted(found)), org_id)
    return None


def _by_tracking(db: Session, mail: Mail, org_id: int) -> Match | None:
    text = f"{mail.subject}\n{mail.body[:20000]}".lower()
    rows = db.exec(
        select(RecordRequest.id, RecordRequest.tracking_number).where(
            RecordRequest.org_id == org_id, RecordRequest.tracking_number != ""
        )
    ).all()
    hits = sorted(
        {rid for rid, number in rows if rid and len(number) >= 4 and number.lower() in text}
    )
    if len(hits) == 1:
        return Match(hits[0], "tracking", org_id=org_id)
    if hits:
        return Match(None, "tracking", tuple(hits), org_id)
    return None


def _by_sender(db: Session, mail: Mail, org_id: int) -> Match | None:
    if not mail.sender:
        return None
    domain = mail.sender.rsplit("@", 1)[-1]
    agencies = db.exec(
        select(Agency.id, Agency.foia_email).where(  # the agencies the org writes to
            col(Agency.id).in_(
                select(RecordRequest.agency_id).where(RecordRequest.org_id == org_id)
            ),
            Agency.foia_email != "",
        )
    ).all()
    exact = [aid for aid, email in agencies if email.lower() == mail.sender]
    same_domain = [
        aid
        for aid, email in agencies
        if domain not in FREE_MAIL and email.lower().rsplit("@", 1)[-1] == domain
    ]
    agency_ids = exact or same_domain
    if not agency_ids:
        return None
    rows = db.exec(
        select(RecordRequest.id, RecordRequest.status).where(
            RecordRequest.org_id == org_id, col(RecordRequest.agency_id).in_(agency_ids)
        )
    ).all()
    live = sorted(rid for rid, status in rows if rid and status in lifecycle.ACTIVE)
    if len(live) == 1:
        return Match(live[0], "sender", org_id=org_id)
    if live:
        return Match(None, "sender", tuple(live[:50]), org_id)
    return None


def _org_by_address(db: Session, addresses: list[str]) -> int | None:
    """The organization whose reply mailbox is one of ``addresses`` (plus part ignored)."""
    plain = set()
    for a in addresses:
        local, _, domain = a.partition("@")
        plain.add(f"{local.split('+', 1)[0]}@{domain}")
    if not plain:
        return None
    rows = db.exec(select(InboundMailbox.org_id, InboundMailbox.address)).all()
    orgs = {int(oid) for oid, address in rows if address.lower() in plain}
    return orgs.pop() if len(orgs) == 1 else None


def match(db: Session, mail: Mail, org_id: int | None, extra: list[str] | None = None) -> Match:
    """The request this mail belongs to, or the candidates when it is not clear."""
    extra = extra or []
    hit = _by_token(db, mail, extra, org_id) or _by_thread(db, mail, org_id)
    if hit is not None and hit.request_id is not None:
        return hit
    if org_id is None:
        org_id = _org_by_address(db, [*mail.recipients, *extra])
    if org_id is None:
        return Match(None)
    ambiguous = hit
    for step in (_by_tracking, _by_sender):
        found = step(db, mail, org_id)
        if found is not None and found.request_id is not None:
            return found
        ambiguous = ambiguous or found
    return ambiguous or Match(None, org_id=org_id)


# --- receiving -------------------------------------------------------------------------------


def limit_bytes(config: Mapping[str, Any]) -> int:
    mb = int(config.get("INBOUND_MAX_MB") or 0) or int(config.get("MAX_UPLOAD_MB") or 250)
    return mb * 1024 * 1024


def _dedupe_key(org_id: int | None, mail: Mail, sha: str) -> str:
    return f"{org_id or 0}:{mail.message_id or 'sha:' + sha}"[:400]


def receive(
    db: Session,
    storage: Any,
    config: Mapping[str, Any],
    raw: bytes,
    *,
    org_id: int | None = None,
    source: str = "pipe",
    recipient: str = "",
    too_large: int | None = None,
) -> Received:
    """Store, match and file (or hold) one message; a copy already received is not filed again.

    ``org_id`` is the organization whose mailbox it came from (None for the pipe command).
    ``too_large`` is the real size when only the headers of an oversized message were read.
    """
    mail = parse(raw)
    extra = [recipient.lower()] if recipient else []
    found = match(db, mail, org_id, extra)
    owner = org_id if org_id is not None else found.org_id
    sha = hashlib.sha256(raw).hexdigest()
    key = _dedupe_key(owner, mail, sha)
    existing = db.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).first()
    if existing is not None and existing.state != "new":
        log.info("inbound message %s received again; not filed twice", existing.id)
        return Received(existing, duplicate=True)
    row = existing or InboundMessage(
        org_id=owner,
        dedupe_key=key,
        message_id=mail.message_id[:300],
        sha256=sha,
        size=too_large or len(raw),
        sender=v.header_text(mail.sender_display + f" <{mail.sender}>" if mail.sender else "", 300),
        recipients=", ".join([*mail.recipients, *extra])[:1000],
        subject=v.header_text(mail.subject, 500),
        received_at=utc_now(),
        source=source,
        kind=mail.kind,
        raw=raw,
    )
    if existing is None:
        db.add(row)
        try:
            db.commit()
        except IntegrityError:  # the same message arriving on two paths at once
            db.rollback()
            again = db.exec(select(InboundMessage).where(InboundMessage.dedupe_key == key)).one()
            return Received(again, duplicate=True)
    if too_large:
        _hold(
            row,
            found,
            f"too large to file ({too_large // (1024 * 1024)} MB over the limit "
            "of this server); it stays in the mailbox, only its headers were read",
        )
    elif found.request_id is None:
        _hold(row, found, _why_held(found, mail))
    else:
        req = db.get(RecordRequest, found.request_id)
        if req is None or (owner is not None and req.org_id != owner):
            _hold(row, Match(None), "the request it matched is gone")
        else:
            _file(db, storage, config, row, req, mail, None, found.by)
    db.add(row)
    db.commit()
    return Received(row)


def _why_held(found: Match, mail: Mail) -> str:
    if found.candidates:
        return f"matches {len(found.candidates)} requests (by {found.by}); choose one"
    if mail.kind == "bounce":
        return "a delivery failure for a message we cannot find"
    return "matches no request"


def _hold(row: InboundMessage, found: Match, note: str) -> None:
    row.state = "held"
    row.candidates = list(found.candidates)
    row.note = note[:HELD_NOTE_LIMIT]
    log.info("inbound message held: %s", note)


def _file(
    db: Session,
    storage: Any,
    config: Mapping[str, Any],
    row: InboundMessage,
    req: RecordRequest,
    mail: Mail,
    user_id: int | None,
    by: str,
) -> None:
    """File the raw message (and its attachments) through the upload path, with a proposal."""
    raw = row.raw or b""
    name = filing.sanitize_name(f"email-{(mail.on or utc_now().date()).isoformat()}-{row.id}.eml")
    meta = filing.DocMeta(description=_description(row, mail))
    # file_upload ends the read transaction itself; the row is committed already.
    db.commit()
    try:
        result = filing.file_upload(
            db,
            storage,
            req,
            user_id,  # type: ignore[arg-type]  # None: filed by the mailbox, not a person
            io.BytesIO(raw),
            name,
            meta,
            max_bytes=int(config.get("MAX_UPLOAD_MB") or 250) * 1024 * 1024,
        )
    except (filing.FileRefused, TooLarge, v.ValidationError) as exc:
        db.rollback()
        row = db.merge(row)
        _hold(row, Match(None, candidates=(int(req.id or 0),)), f"could not be filed: {exc}")
        return
    except Exception:
        # Anything else (a parser crash in a checker, storage away): keep the message in the
        # pen rather than retrying it on every fetch.
        log.exception("inbound message %s could not be filed", row.id)
        db.rollback()
        row = db.merge(row)
        _hold(row, Match(None, candidates=(int(req.id or 0),)), "could not be filed (see the log)")
        return
    row = db.merge(row)
    doc = result.documents[0]
    reading = read(mail.subject, mail.body)
    for proposal in result.proposed:
        if mail.kind != "reply":
            db.delete(proposal)  # a bounce or an out-of-office reply is filed, not an event
            continue
        proposal.kind = reading.kind
        proposal.data = dict(sorted(reading.data.items()))
        db.add(proposal)
    if mail.kind == "bounce":
        _note_bounce(db, req, mail)
    row.state, row.request_id, row.document_id = "filed", req.id, doc.id
    row.matched_by = by
    row.proposal = dict(sorted({"category": reading.category, **reading.data}.items()))
    row.filed_by, row.filed_at = user_id, utc_now()
    row.raw = None  # the document holds the message now
    row.candidates = []
    log.info("inbound message %s filed on request %s (by %s)", row.id, req.id, by)


def _description(row: InboundMessage, mail: Mail) -> str:
    label = {"bounce": "Delivery failure", "auto_reply": "Automatic reply"}.get(mail.kind, "Email")
    return f"{label} from {row.sender}: {row.subject}"[:10000]


def _note_bounce(db: Session, req: RecordRequest, mail: Mail) -> None:
    """A bounce marks the letter it answers as not delivered (a warning on that letter)."""
    letters = db.exec(
        select(StoredLetter).where(
            StoredLetter.request_id == req.id,
            col(StoredLetter.message_id).in_(mail.bounced_ids or mail.thread_ids or [""]),
        )
    ).all()
    for letter in letters:
        reason = f": {mail.bounce_reason}" if mail.bounce_reason else ""
        to = f" to {letter.sent_to}" if letter.sent_to else ""
        letter.warnings = [*(letter.warnings or []), f"Delivery of this email{to} failed{reason}"]
        db.add(letter)


# --- the holding pen ------------------------------------------------------------------------


def held_count(db: Session, org_id: int) -> int:
    """How many messages the organization's holding pen holds (its index alone is read)."""
    stmt = (
        select(func.count())
        .select_from(InboundMessage)
        .where(InboundMessage.org_id == org_id, InboundMessage.state == "held")
    )
    return int(db.exec(stmt).one())


def held(db: Session, org_id: int) -> list[InboundMessage]:
    """The organization's held mail, oldest first."""
    return list(
        db.exec(
            select(InboundMessage)
            .where(InboundMessage.org_id == org_id, InboundMessage.state == "held")
            .order_by(col(InboundMessage.id))
        ).all()
    )


_FILED_ON = (
    select(InboundMessage)
    .where(InboundMessage.request_id == bindparam("request_id"), InboundMessage.state == "filed")
    .order_by(col(InboundMessage.id))
)


def filed_on(db: Session, req: RecordRequest) -> list[InboundMessage]:
    return list(db.exec(_FILED_ON, params={"request_id": req.id}).all())


def file_held(
    db: Session,
    storage: Any,
    config: Mapping[str, Any],
    org_id: int,
    message_id: int,
    request_id: int,
    user_id: int,
) -> InboundMessage:
    """A member files a held message on one of the organization's requests; the caller commits."""
    row = db.get(InboundMessage, message_id)
    if row is None or row.org_id != org_id or row.state != "held":
        raise v.ValidationError(None, "this message is not in your holding pen")
    req = db.get(RecordRequest, request_id)
    if req is None or req.org_id != org_id:
        raise v.ValidationError("request_id", "choose one of your organization's requests")
    if not row.raw:
        raise v.ValidationError(
            None, "only the headers of this message were kept; file it from the mailbox by hand"
        )
    _file(db, storage, config, row, req, parse(row.raw), user_id, "member")
    row = db.merge(row)
    if row.state != "filed":
        raise v.ValidationError(None, row.note)
    return row


# --- mailbox settings ------------------------------------------------------------------------


def save_mailbox(
    db: Session, config: Mapping[str, Any], org_id: int, data: Mapping[str, Any]
) -> InboundMailbox:
    """Store the reply address and IMAP login (a blank password keeps the stored one)."""
    from records.core import outbound

    box = mailbox_of(db, org_id) or InboundMailbox(org_id=org_id)
    address = v.email(data.get("address"), "address")
    if address and "+" in address.split("@")[0]:
        raise v.ValidationError("address", "enter the mailbox address without a +tag")
    host = v.text(data.get("imap_host"), "imap_host", max_len=255)
    if host and any(c.isspace() or c in "/@" for c in host):
        raise v.ValidationError("imap_host", "enter the IMAP host name only, e.g. imap.example.org")
    port = v.integer(data.get("imap_port"), "imap_port", minimum=1, maximum=65535)
    security = str(data.get("imap_security") or "ssl")
    if security not in ("ssl", "starttls", "none"):
        raise v.ValidationError("imap_security", "choose SSL/TLS, STARTTLS or none")
    if host:
        problem = outbound.check_host(
            host, allow_private=bool(config.get("SMTP_ALLOW_PRIVATE_HOSTS")), port=port or 993
        )
        if problem:
            raise v.ValidationError("imap_host", problem)
    folder = v.text(data.get("folder"), "folder", max_len=200) or "INBOX"
    done = v.text(data.get("done_folder"), "done_folder", max_len=200)
    for name, value in (("folder", folder), ("done_folder", done)):
        if any(c in value for c in '"\\\r\n*%'):
            raise v.ValidationError(name, "a folder name may not contain quotes, \\, * or %")
    if host != box.imap_host or folder != box.folder:
        box.uidvalidity, box.last_uid = None, 0  # another mailbox: read it from the start
    box.address, box.imap_host, box.imap_port = address, host, port
    box.imap_security, box.folder, box.done_folder = security, folder, done
    box.imap_user = v.text(data.get("imap_user"), "imap_user", max_len=255)
    password = data.get("imap_password")
    if password:
        box.imap_password = secretbox.seal(v.text(password, "imap_password", max_len=500), config)
    box.updated_at = utc_now()
    db.add(box)
    db.flush()
    log.info("reply mailbox of org %s saved (host %s)", org_id, host or "none")
    return box


def proposal_of(db: Session, row: InboundMessage) -> ProposedEvent | None:
    if row.document_id is None:
        return None
    return db.exec(
        select(ProposedEvent).where(ProposedEvent.document_id == row.document_id)
    ).first()

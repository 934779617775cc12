"""Shared pieces for the reminder tests: a real SMTP server on loopback and Deadline rows."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from datetime import date, datetime
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from sqlmodel import Session

from records.core.models import RecordRequest
from records.lifecycle.models import Deadline


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """aiosmtpd handler keeping every accepted message. With ``delay`` it waits before
    answering DATA; a client that disconnects meanwhile has its message discarded, as a real
    server would (aiosmtpd cancels the handler)."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.started = threading.Event()
        self.delay = 0.0
        # Called once a message is kept, before the "250 OK" goes back (to kill the sender there).
        self.on_accept: Callable[[], None] | None = None
        self._lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.started.set()
        if self.delay:
            await asyncio.sleep(self.delay)
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content))
        if self.on_accept is not None:
            self.on_accept()
        return "250 OK"

    def message_ids(self) -> list[str]:
        with self._lock:
            return [str(m["Message-ID"]) for m in self.messages]


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that can be stopped and started again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[Message]:
        return self.handler.messages

    def config(self) -> dict[str, Any]:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "MAIL_FROM": "desk@example.org"}


def add_deadline(
    db: Session,
    req: RecordRequest,
    due: date,
    clock: str = "response",
    *,
    computed_at: datetime | None = None,
    **kw: Any,
) -> Deadline:
    """Insert a current open Deadline row for ``req`` (as the lifecycle module would)."""
    values: dict[str, Any] = {
        "org_id": req.org_id,
        "request_id": req.id,
        "clock": clock,
        "due": due,
        "state": "open",
        "rule": "10 business days after receipt",
        "citation": "Test citation",
    } | kw
    if computed_at is not None:
        values["computed_at"] = computed_at
    row = Deadline(**values)
    db.add(row)
    db.commit()
    db.refresh(row)
    db.commit()
    return row


def move_deadline(db: Session, old: Deadline, new_due: date, when: datetime) -> Deadline:
    """Supersede ``old`` with a new current row due on ``new_due``."""
    old.superseded_at = when
    db.add(old)
    db.commit()
    req = db.get(RecordRequest, old.request_id)
    assert req is not None
    return add_deadline(db, req, new_due, old.clock, computed_at=when)

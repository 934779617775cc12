"""Tables of the agreement register and the forfeiture ledger.

Every fact (a date, an approval, a term, a party, a ledger figure) names the filed document, the
page and the quoted words it came from; a fact without a document is shown as unsourced.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from records.core.models import Visibility, _ts

# Whether a citation's quoted words were found on its page. A bundle import can bring a citation
# before the document's text has been extracted: it waits as "pending" and is checked then.
QUOTE_CHECKED = "checked"  # found on the page (or nothing was quoted)
QUOTE_PENDING = "pending"
QUOTE_NOT_FOUND = "not_found"
QUOTE_NO_TEXT = "no_text"  # the document has no text layer: the quote could not be looked for


def new_uid() -> str:
    """A stable public id for an agreement ("agr-" and 10 hex digits), never reused."""
    return "agr-" + secrets.token_hex(5)


class Agreement(SQLModel, table=True):
    """One agreement between a local agency and a federal component, as the records show it."""

    __table_args__ = (Index("ix_agreement_org", "org_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    uid: str = Field(default_factory=new_uid, max_length=20, unique=True)
    org_id: int = Field(foreign_key="organization.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    federal_agency_id: int | None = Field(
        default=None, foreign_key="agency.id", ondelete="SET NULL"
    )
    federal_component: str = Field(default="", max_length=100)
    # The request whose documents first told of it (a register entry lists them all).
    request_id: int | None = Field(
        default=None, foreign_key="recordrequest.id", ondelete="SET NULL"
    )
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    visibility: str = Field(default=Visibility.ORGANIZATION, max_length=20)
    embargo_until: date | None = None
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class RegisterFact(SQLModel, table=True):
    """One fact about an agreement: a date, an approval, a term or a party, with its source."""

    __table_args__ = (Index("ix_registerfact_agreement", "agreement_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    agreement_id: int = Field(foreign_key="agreement.id", ondelete="CASCADE")
    kind: str = Field(max_length=10)  # date | approval | term | party
    name: str = Field(max_length=30)  # signed, expires, vote, resolution, officers, sharing ...
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    on: date | None = None
    tally: str = Field(default="", max_length=20)  # a vote's "ayes-noes"
    document_id: int | None = Field(
        default=None, foreign_key="document.id", index=True, ondelete="SET NULL"
    )
    page: int | None = None
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quote_state: str = Field(default=QUOTE_CHECKED, max_length=10)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class LedgerFigure(SQLModel, table=True):
    """One number an ESAC form reports for an agency, fiscal year and fund (Justice or Treasury)."""

    __table_args__ = (
        UniqueConstraint(
            "org_id", "agency_id", "fiscal_year", "fund", "line", name="uq_ledger_line"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    fiscal_year: int
    fund: str = Field(max_length=10)  # justice | treasury
    line: str = Field(max_length=30)  # see records.register.extract.LEDGER_LINES
    amount_cents: int = Field(sa_column=Column(BigInteger, nullable=False))
    document_id: int | None = Field(
        default=None, foreign_key="document.id", index=True, ondelete="SET NULL"
    )
    page: int | None = None
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quote_state: str = Field(default=QUOTE_CHECKED, max_length=10)
    visibility: str = Field(default=Visibility.ORGANIZATION, max_length=20)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class SharingRequest(SQLModel, table=True):
    """One request for a share of one federal forfeiture, as the form filed for it shows: a DOJ
    Equitable Sharing Request (Form DAG-71) or a Treasury Request for Transfer of Property
    Seized/Forfeited (TD F 92-22.46), with the case, the asset and what was asked and paid."""

    __table_args__ = (Index("ix_sharingrequest_org_agency", "org_id", "agency_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", index=True, ondelete="CASCADE")
    form: str = Field(max_length=10)  # dag71 | tdf9222 (see records.register.extract.SHARING_FORMS)
    seizing_agency: str = Field(default="", max_length=100)
    case_number: str = Field(default="", max_length=100)
    asset_id: str = Field(default="", max_length=100)
    asset: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    seized_on: date | None = None
    forfeited_on: date | None = None
    filed_on: date | None = None
    share_percent: str = Field(default="", max_length=10)  # as the form states it: "25", "12.5"
    amount_requested_cents: int | None = Field(default=None, sa_column=Column(BigInteger))
    decision: str = Field(default="pending", max_length=20)
    amount_received_cents: int | None = Field(default=None, sa_column=Column(BigInteger))
    paid_on: date | None = None
    document_id: int | None = Field(
        default=None, foreign_key="document.id", index=True, ondelete="SET NULL"
    )
    page: int | None = None
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    quote_state: str = Field(default=QUOTE_CHECKED, max_length=10)
    visibility: str = Field(default=Visibility.ORGANIZATION, max_length=20)
    created_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class RegisterProposal(SQLModel, table=True):
    """A fact read from a filed document's text, waiting for a member to confirm or dismiss it."""

    __table_args__ = (Index("ix_registerproposal_document", "document_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True, ondelete="CASCADE")
    request_id: int = Field(foreign_key="recordrequest.id", index=True, ondelete="CASCADE")
    document_id: int = Field(foreign_key="document.id", ondelete="CASCADE")
    target: str = Field(max_length=10)  # agreement | ledger
    name: str = Field(max_length=30)
    value: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    on: date | None = None
    tally: str = Field(default="", max_length=20)
    fund: str = Field(default="", max_length=10)
    fiscal_year: int | None = None
    amount_cents: int | None = Field(default=None, sa_column=Column(BigInteger))
    page: int = 1
    quote: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    state: str = Field(default="proposed", max_length=20)  # proposed | confirmed | dismissed
    decided_by: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()


class FollowUp(SQLModel, table=True):
    """A next request the register suggests: before an expiry or renewal, or for the money a
    sharing clause promises. Accepting it drafts the request; nothing is sent by itself."""

    __table_args__ = (
        UniqueConstraint("agreement_id", "kind", "due", name="uq_followup_key"),
        Index("ix_followup_org_remind", "org_id", "remind_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", ondelete="CASCADE")
    agreement_id: int = Field(foreign_key="agreement.id", index=True, ondelete="CASCADE")
    agency_id: int = Field(foreign_key="agency.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)  # renewal | sharing
    due: date | None = None  # the expiry or renewal date the request comes before
    remind_on: date | None = None
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    subject: str = Field(max_length=30)
    state: str = Field(default="proposed", max_length=20)  # proposed | accepted | dismissed
    request_id: int | None = Field(
        default=None, foreign_key="recordrequest.id", ondelete="SET NULL"
    )
    created_at: datetime = _ts()

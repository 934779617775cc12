"""Letters inside the product: request + profile + agency + law -> stored, edited, sent letter.

Builds the pure drafting inputs (``records.letters.drafting``) from database rows, stores the edited text
(the only copy that is downloaded and sent), sends it by SMTP or records that it went by mail,
portal or fax, and seeds the federal offices. Functions take a session and flush; the caller
commits once.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from io import BytesIO
from typing import Any

from sqlalchemy import and_, bindparam, or_, update
from sqlmodel import Session, col, select

from records.access import visibility
from records.core import mailer, outbound
from records.core import validation as v
from records.core.models import Agency, RecordRequest, User
from records.laws import UnknownLawError, get_law
from records.laws.model import Law
from records.letters.drafting import (
    FEE_CATEGORIES,
    FORMATS,
    AgencyInfo,
    Determination,
    DraftingError,
    Letter,
    LetterRequest,
    Requester,
    draft_appeal,
    draft_follow_up,
    draft_letter,
    piece_names,
    placeholders_for,
    retarget_delivery,
)
from records.letters.inputs import LetterTextInput
from records.letters.models import OrgLetterSettings, RequesterProfile, StoredLetter
from records.letters.output import safe_filename, to_docx
from records.letters.template import TemplateError, compile_template
from records.seed.federal import federal_agencies
from records.subjects import AGENCY_KINDS, UnknownItemError, UnknownSubjectError, get_subject

log = logging.getLogger(__name__)

SEND_METHODS = ("mail", "portal", "fax")
MAX_FEE_CAP = Decimal(100000)  # dollars; a letter's "contact me before fees exceed" amount
LETTERHEAD_MAX_BYTES = 2 * 1024 * 1024
VARIABLE_FIELDS = (
    "date_from",
    "date_to",
    "program",
    "officers",
    "units",
    "search_terms",
    "email_domains",
    "custodians",
    "facility",
    "local_agency",
)
LIST_VARIABLES = ("officers", "units", "search_terms", "email_domains", "custodians")
# The directory's "other" level has no record holders in the subject library; letters to such
# an agency must say which kind of agency it is (police, council clerk, ...).
LEVEL_TO_KIND = {level: level for level in AGENCY_KINDS}


class SendError(RuntimeError):
    """The letter was not sent; the message says why. Nothing was recorded.

    ``reason`` tells the caller whose problem it is: ``already_sent``, ``in_progress`` (another
    send of it is under way), ``not_allowed`` (the request's timeline refuses a "sent" event) and
    ``no_address`` are the sender's to fix; ``delivery`` is the mail server refusing, failing or
    not being configured.
    """

    REASONS = ("already_sent", "in_progress", "not_allowed", "no_address", "delivery")

    def __init__(self, message: str, reason: str = "delivery") -> None:
        super().__init__(message)
        assert reason in self.REASONS, reason
        self.reason = reason


@dataclass
class DraftOptions:
    """What the user chose on the drafting form (validated)."""

    subject: str
    items: list[str]
    variables: dict[str, Any] = field(default_factory=dict)
    agency_kind: str = ""
    fee_cap: Decimal = Decimal(50)
    format: str = "electronic"
    want_fee_waiver: bool = False
    want_expedite: bool = False
    delivery: str = ""  # email | mail | portal | fax; empty: email when the agency has one
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        """The options as JSON-safe values (dates as ISO strings)."""
        return {
            "subject": self.subject,
            "items": list(self.items),
            "variables": {k: _json_value(val) for k, val in self.variables.items()},
            "agency_kind": self.agency_kind,
            "fee_cap": str(self.fee_cap),
            "format": self.format,
            "want_fee_waiver": self.want_fee_waiver,
            "want_expedite": self.want_expedite,
            "delivery": self.delivery,
            "description": self.description,
        }


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "on", "y"}


def _list_value(value: Any, name: str) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        # One per line or comma-separated: both are how people paste names and domains.
        parts = value.replace("\r", "").replace("\n", ",").split(",")
    elif isinstance(value, (list, tuple)):
        parts = [str(p) for p in value]
    else:
        raise v.ValidationError(name, f"{name} must be text or a list of text")
    return [v.text(p, name, max_len=300) for p in parts if str(p).strip()]


def parse_options(data: Mapping[str, Any], *, default_fee_cap: int = 50) -> DraftOptions:
    """Validate drafting choices from a form, JSON body or CLI; raises ``ValidationError``.

    Every field is checked, and when several are wrong the error is a ``ValidationErrors``
    holding them all (a form shows them together; an API reply names the first).
    """
    errors: list[v.ValidationError] = []
    subject_key = v.text(data.get("subject"), "subject", max_len=30, required=True)
    try:
        subject = get_subject(subject_key)
    except UnknownSubjectError as exc:
        raise v.ValidationError("subject", str(exc)) from None
    raw_items = data.get("items") or []
    if isinstance(raw_items, str):
        raw_items = [i for i in raw_items.replace(",", " ").split() if i]
    items: list[str] = []
    if not isinstance(raw_items, (list, tuple)) or not raw_items:
        errors.append(
            v.ValidationError(
                "items",
                f"choose at least one record item: {', '.join(subject.items)}",
                "required",
            )
        )
    else:
        items = [str(i).strip() for i in raw_items]
    for key in items:
        # "forfeiture:esac" adds an item of another subject to the same numbered list.
        other, _, item_key = key.rpartition(":")
        try:
            (get_subject(other) if other else subject).item(item_key)
        except (UnknownItemError, UnknownSubjectError) as exc:
            errors.append(v.ValidationError("items", str(exc)))
            break
    raw_vars = data.get("variables") or {}
    if not isinstance(raw_vars, Mapping):
        errors.append(v.ValidationError("variables", "variables must be an object"))
        raw_vars = {}
    merged = {**{k: data.get(k) for k in VARIABLE_FIELDS if k in data}, **raw_vars}
    unknown = sorted(set(merged) - set(VARIABLE_FIELDS))
    if unknown:
        errors.append(v.ValidationError("variables", f"unknown variable {unknown[0]!r}"))
    variables: dict[str, Any] = {}
    for name, value in merged.items():
        if name in unknown:
            continue
        try:
            if name in ("date_from", "date_to"):
                parsed = v.iso_date(value, name)
                if parsed is not None:
                    variables[name] = parsed
            elif name in LIST_VARIABLES:
                listed = _list_value(value, name)
                if listed:
                    variables[name] = listed
            else:
                text = v.text(value, name, max_len=500)
                if text:
                    variables[name] = text
        except v.ValidationError as exc:
            errors.append(exc)
    if (
        "date_from" in variables
        and "date_to" in variables
        and variables["date_from"] > variables["date_to"]
    ):
        errors.append(v.ValidationError("date_to", "the date range ends before it starts"))
    kind = ""
    try:
        kind = v.text(data.get("agency_kind"), "agency_kind", max_len=20)
        if kind and kind not in AGENCY_KINDS:
            raise v.ValidationError(
                "agency_kind", f"agency_kind must be one of: {', '.join(AGENCY_KINDS)}"
            )
    except v.ValidationError as exc:
        errors.append(exc)
    fee_cap = Decimal(default_fee_cap)
    try:
        fee_cap = v.number(
            data.get("fee_cap"),
            "fee_cap",
            minimum=Decimal(0),
            maximum=MAX_FEE_CAP,
            default=Decimal(default_fee_cap),
        )
    except v.ValidationError as exc:
        errors.append(exc)
    fmt = str(data.get("format") or "electronic")
    if fmt not in FORMATS:
        errors.append(v.ValidationError("format", f"format must be one of: {', '.join(FORMATS)}"))
    delivery = str(data.get("delivery") or "")
    if delivery and delivery not in ("email", *SEND_METHODS):
        errors.append(
            v.ValidationError(
                "delivery", f"delivery must be one of: email, {', '.join(SEND_METHODS)}"
            )
        )
    description = ""
    try:
        description = v.text(data.get("description"), "description", max_len=2000)
    except v.ValidationError as exc:
        errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise v.ValidationErrors(errors)
    return DraftOptions(
        delivery=delivery,
        description=description,
        subject=subject.key,
        items=list(dict.fromkeys(items)),
        variables=variables,
        agency_kind=kind,
        fee_cap=fee_cap,
        format=fmt,
        want_fee_waiver=_flag(data.get("want_fee_waiver")),
        want_expedite=_flag(data.get("want_expedite")),
    )


# --- rows -> drafting inputs -----------------------------------------------------------------


def get_profile(db: Session, org_id: int, user_id: int | None) -> RequesterProfile | None:
    """The user's own profile in the org, or None."""
    stmt = select(RequesterProfile).where(RequesterProfile.org_id == org_id)
    stmt = stmt.where(
        RequesterProfile.user_id == user_id
        if user_id is not None
        else RequesterProfile.user_id.is_(None)
    )
    return db.exec(stmt).first()


def effective_profile(db: Session, org_id: int, user_id: int | None) -> RequesterProfile | None:
    """The user's profile, else the organization's default profile."""
    return get_profile(db, org_id, user_id) or get_profile(db, org_id, None)


PROFILE_FIELDS = (
    "name",
    "organization",
    "address",
    "email",
    "phone",
    "fee_category",
    "waiver_justification",
    "expedite_justification",
    "state",
    "us_citizen",
)


def save_profile(
    db: Session, org_id: int, user_id: int | None, data: Mapping[str, Any]
) -> RequesterProfile:
    """Validate and store a requester profile (the org default when ``user_id`` is None).

    Every field is checked; several errors are raised together as ``ValidationErrors``.
    """
    errors: list[v.ValidationError] = []

    def check(fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except v.ValidationError as exc:
            errors.append(exc)
            return ""

    cleaned: dict[str, Any] = {
        "name": check(v.text, data.get("name"), "name", max_len=200, required=True),
        "organization": check(v.text, data.get("organization"), "organization", max_len=200),
        "address": check(v.text, data.get("address"), "address", max_len=1000),
        "email": check(v.email, data.get("email"), "email"),
        "phone": check(v.text, data.get("phone"), "phone", max_len=50),
        "waiver_justification": check(
            v.text, data.get("waiver_justification"), "waiver_justification", max_len=10000
        ),
        "expedite_justification": check(
            v.text, data.get("expedite_justification"), "expedite_justification", max_len=10000
        ),
        "us_citizen": _flag(data.get("us_citizen")),
    }
    category = str(data.get("fee_category") or "other")
    if category not in FEE_CATEGORIES:
        errors.append(
            v.ValidationError(
                "fee_category", f"fee_category must be one of: {', '.join(FEE_CATEGORIES)}"
            )
        )
    cleaned["fee_category"] = category
    state = str(data.get("state") or "").strip().upper()
    cleaned["state"] = check(v.jurisdiction, state, "state") if state else ""
    if cleaned["state"] == "US":
        errors.append(v.ValidationError("state", "state must be a state's two-letter code or DC"))
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise v.ValidationErrors(errors)
    profile = get_profile(db, org_id, user_id) or RequesterProfile(org_id=org_id, user_id=user_id)
    for key, value in cleaned.items():
        setattr(profile, key, value)
    db.add(profile)
    db.flush()
    return profile


def requester_for(profile: RequesterProfile | None, user: User | None) -> Requester:
    """The letter's signer from a profile, falling back to the user's name and email."""
    if profile is None:
        name = (user.name or user.email) if user else ""
        if not name:
            raise DraftingError("set up a requester profile (Settings → Requester profile)")
        return Requester(name=name, email=user.email if user else "")
    return Requester(
        name=profile.name or (user.name if user else ""),
        organization=profile.organization,
        address=profile.address,
        email=profile.email or (user.email if user else ""),
        phone=profile.phone,
        fee_category=profile.fee_category,
        waiver_justification=profile.waiver_justification,
        expedite_justification=profile.expedite_justification,
        state=profile.state,
        us_citizen=profile.us_citizen,
    )


def agency_kind(agency: Agency, chosen: str = "") -> str:
    """The subject-library kind used to pick items: the user's choice, else the agency level."""
    if agency.level == "federal":
        return "federal"
    return chosen or LEVEL_TO_KIND.get(agency.level, "")


def agency_info(db: Session, agency: Agency, kind: str = "") -> AgencyInfo:
    """The directory row as a letter addressee."""
    parent = db.get(Agency, agency.parent_id) if agency.parent_id else None
    level = agency_kind(agency, kind)
    if not level:
        raise DraftingError(
            f"{agency.name} is listed as “other”: set its level in the directory (police, "
            "sheriff, jail, council or commission clerk, state, county or city) or choose "
            "the agency kind on the form"
        )
    return AgencyInfo(
        name=agency.name,
        level=level,
        jurisdiction=agency.jurisdiction,
        mailing_address=agency.mailing_address,
        email=agency.foia_email,
        parent=parent.name if parent else "",
        component=agency.component,
    )


def letter_law(req: RecordRequest, agency: Agency) -> Law:
    """The request's law (its own code, else the agency's jurisdiction)."""
    code = req.law_code or agency.jurisdiction
    try:
        return get_law(code)
    except UnknownLawError:
        raise DraftingError(f"the law library has no entry for {code!r}") from None


def letter_settings(db: Session, org_id: int) -> OrgLetterSettings | None:
    """The organization's letter settings row, if any."""
    return db.exec(select(OrgLetterSettings).where(OrgLetterSettings.org_id == org_id)).first()


def org_overrides(settings: OrgLetterSettings | None) -> dict[str, str]:
    """The organization's template overrides, piece -> source."""
    return dict(settings.overrides or {}) if settings else {}


def letter_request(options: DraftOptions, letter_date: date) -> LetterRequest:
    """The pure drafting request for ``options``."""
    return LetterRequest(
        subject=options.subject,
        items=options.items,
        letter_date=letter_date,
        variables=options.variables,
        fee_cap=options.fee_cap,
        format=options.format,
        want_fee_waiver=options.want_fee_waiver,
        want_expedite=options.want_expedite,
        description=options.description,
    )


def draft_for(
    db: Session,
    req: RecordRequest,
    agency: Agency,
    user: User | None,
    options: DraftOptions,
    letter_date: date,
) -> Letter:
    """Draft the request's letter from its agency, law, the user's profile and org templates."""
    settings = letter_settings(db, req.org_id)
    requester = requester_for(effective_profile(db, req.org_id, user.id if user else None), user)
    info = agency_info(db, agency, options.agency_kind)
    if options.delivery:
        info = replace(info, delivery=options.delivery)
    return draft_letter(
        letter_request(options, letter_date),
        requester,
        info,
        letter_law(req, agency),
        overrides=org_overrides(settings),
    )


KIND_EVENTS = {"initial": "sent", "follow_up": "follow_up_sent", "appeal": "appeal_filed"}
# The law library names the extension period "extension"; the stored clock is "extended_response".
_PERIOD_OF_CLOCK = {"extended_response": "extension"}


def _summary_of(db: Session, req: RecordRequest) -> str:
    """What the request asked for, mid-sentence, from its first letter (not its internal title)."""
    first = db.exec(
        select(StoredLetter)
        .where(StoredLetter.request_id == req.id, StoredLetter.kind == "initial")
        .order_by(StoredLetter.id)
    ).first()
    keys: list[str] = []
    if first is not None:
        keys.append(first.subject)
        for item in first.items or []:
            other = str(item).rpartition(":")[0]
            if other and other not in keys:
                keys.append(other)
    labels: list[str] = []
    for key in keys:
        try:
            label = get_subject(key).label
        except UnknownSubjectError:
            continue
        labels.append(label[:1].lower() + label[1:] if label[1:2].islower() else label)
    if labels:
        return "records concerning " + " and ".join(labels)
    if req.description.strip():
        return "the records described in my request: " + req.description.strip().rstrip(".")
    return "the records described in my request"


def _facts(db: Session, req: RecordRequest) -> tuple[Law, Agency, list[Any], Any, list[Any]]:
    from records.lifecycle.clocks import current_deadlines
    from records.lifecycle.service import request_events

    agency = db.get(Agency, req.agency_id)
    if agency is None:
        raise DraftingError("this request has no agency")
    law = letter_law(req, agency)
    events = request_events(db, req.id, include_voided=False)
    sent = next((e for e in events if e.kind == "sent"), None)
    if sent is None:
        raise DraftingError("record when the request was sent first")
    return law, agency, events, sent, current_deadlines(db, req.id)


def draft_follow_up_for(
    db: Session, req: RecordRequest, user: User | None, letter_date: date
) -> Letter:
    """The follow-up letter for the earliest statutory clock the agency missed."""
    from records.lifecycle.clocks import AGENCY_CLOCKS

    law, agency, _events, sent, deadlines = _facts(db, req)
    late = [
        d
        for d in deadlines
        if d.state == "open"
        and d.statutory
        and d.clock in AGENCY_CLOCKS
        and d.due
        and d.due < letter_date
    ]
    if not late:
        raise DraftingError("no statutory deadline has passed, so there is nothing to cite")
    clock = min(late, key=lambda d: d.due)
    settings = letter_settings(db, req.org_id)
    requester = requester_for(effective_profile(db, req.org_id, user.id if user else None), user)
    return draft_follow_up(
        requester,
        agency_info(db, agency),
        law,
        sent_on=sent.on,
        due=clock.due,
        letter_date=letter_date,
        summary=_summary_of(db, req),
        clock=_PERIOD_OF_CLOCK.get(clock.clock, clock.clock),
        reference=req.tracking_number,
        overrides=org_overrides(settings),
    )


def _determination(events: list[Any], deadlines: list[Any]) -> Determination:
    from records.lifecycle.service import event_data

    for event in reversed(events):
        if event.kind == "denial":
            return Determination(event.on, "denial", str(event_data(event).get("exemptions", "")))
        if event.kind == "final_response":
            outcome = event_data(event).get("outcome")
            if outcome == "no_records":
                return Determination(event.on, "no_records")
            if outcome == "partial":
                return Determination(event.on, "partial")
    deemed = next((d for d in deadlines if d.clock == "deemed_denial" and d.due), None)
    if deemed is not None:
        return Determination(deemed.due, "deemed")
    raise DraftingError("record the denial or the response being appealed first")


def draft_appeal_for(
    db: Session, req: RecordRequest, user: User | None, letter_date: date
) -> Letter:
    """The appeal (or, where the law has none, the request for reconsideration) of ``req``."""
    law, agency, events, sent, deadlines = _facts(db, req)
    determination = _determination(events, deadlines)
    appeal_clock = next((d for d in deadlines if d.clock == "appeal" and d.state == "open"), None)
    settings = letter_settings(db, req.org_id)
    requester = requester_for(effective_profile(db, req.org_id, user.id if user else None), user)
    return draft_appeal(
        requester,
        agency_info(db, agency),
        law,
        sent_on=sent.on,
        determination=determination,
        appeal_deadline=appeal_clock.due if appeal_clock else None,
        letter_date=letter_date,
        summary=_summary_of(db, req),
        reference=req.tracking_number,
        overrides=org_overrides(settings),
    )


def store_drafted(
    db: Session, req: RecordRequest, kind: str, letter: Letter, user_id: int | None
) -> StoredLetter:
    """Save a follow-up or appeal letter as an editable, sendable letter of the request."""
    assert kind in ("follow_up", "appeal"), kind
    stored = StoredLetter(
        org_id=req.org_id,
        request_id=req.id,
        kind=kind,
        options={"recipient": letter.recipient},
        law_code=letter.law_code,
        subject_line=letter.subject_line[:300],
        text=letter.text(),
        warnings=list(letter.warnings),
        created_by=user_id,
    )
    db.add(stored)
    db.flush()
    log.info("%s letter %s drafted for request %s by user %s", kind, stored.id, req.id, user_id)
    return stored


def recipient_of(stored: StoredLetter, agency: Agency) -> str:
    """Who the letter is addressed to: the appeal office for appeals, else the agency."""
    return str((stored.options or {}).get("recipient") or agency.name)


def store_letter(
    db: Session,
    req: RecordRequest,
    options: DraftOptions,
    letter: Letter,
    user_id: int | None,
) -> StoredLetter:
    """Save a drafted letter for the request; its text becomes the editable copy."""
    stored = StoredLetter(
        org_id=req.org_id,
        request_id=req.id,
        kind="initial",
        subject=options.subject,
        items=list(options.items),
        variables=options.as_json()["variables"],
        options=options.as_json(),
        law_code=letter.law_code,
        subject_line=letter.subject_line[:300],
        text=letter.text(),
        warnings=list(letter.warnings),
        created_by=user_id,
    )
    if not req.law_code:
        req.law_code = letter.law_code
        db.add(req)
    db.add(stored)
    db.flush()
    log.info("letter %s drafted for request %s by user %s", stored.id, req.id, user_id)
    return stored


def update_text(db: Session, stored: StoredLetter, text: str, user_id: int | None) -> StoredLetter:
    """Replace the letter's text with the user's edit (not once it was sent)."""
    if stored.sent_at is not None or stored.sent_on is not None:
        raise v.ValidationError(
            "text", "this letter was already sent; draft a new one to change it"
        )
    cleaned = v.text(text, "text", max_len=v.max_length(LetterTextInput, "text"), required=True)
    letter = Letter.from_text(cleaned)
    stored.text = letter.text()
    if letter.subject_line:
        stored.subject_line = letter.subject_line[:300]
    db.add(stored)
    db.flush()
    log.info("letter %s edited by user %s", stored.id, user_id)
    return stored


def letter_of(stored: StoredLetter, recipient: str = "") -> Letter:
    """The stored text as a ``Letter`` (the edited words, nothing re-drafted)."""
    return Letter.from_text(
        stored.text,
        subject_line=stored.subject_line,
        recipient=recipient,
        law_code=stored.law_code,
        kind="request" if stored.kind == "initial" else stored.kind,
    )


def warnings_of(stored: StoredLetter) -> list[str]:
    """Warnings recorded when the letter was drafted."""
    return list(stored.warnings or [])


def docx_for(db: Session, stored: StoredLetter, recipient: str = "") -> bytes:
    """The stored letter as .docx, on the organization's letterhead when it uploaded one."""
    settings = letter_settings(db, stored.org_id)
    return to_docx(letter_of(stored, recipient), settings.letterhead if settings else None)


def filename_for(stored: StoredLetter, agency: Agency, ext: str) -> str:
    """A safe download name such as ``Harris-County-Sheriff-TX-12.docx``."""
    return f"{safe_filename(f'{agency.name} {agency.jurisdiction}')}-{stored.id}.{ext}"


# --- sending ---------------------------------------------------------------------------------


def smtp_for(config: Mapping[str, Any], settings: OrgLetterSettings | None) -> dict[str, Any]:
    """App SMTP settings, or the organization's own server (none of the app's credentials)."""
    override: dict[str, Any] = {}
    if settings and settings.smtp_host:
        override = {
            "SMTP_HOST": settings.smtp_host,
            "SMTP_PORT": settings.smtp_port,
            "SMTP_USER": settings.smtp_user,
            "SMTP_PASSWORD": _smtp_password(config, settings),
            "SMTP_STARTTLS": settings.smtp_starttls,
        }
    if settings and settings.mail_from:
        override["MAIL_FROM"] = settings.mail_from
    return mailer.smtp_settings(config, override)


def _smtp_password(config: Mapping[str, Any], settings: OrgLetterSettings) -> str:
    from records.core import secretbox

    try:
        return secretbox.unseal(settings.smtp_password, config)
    except secretbox.SecretError as exc:
        raise SendError(str(exc)) from None


# A claim older than this belongs to a send that died on the way (each SMTP step has its own
# SMTP_TIMEOUT_SECONDS, so a live send is long finished): the letter may be sent again.
SEND_CLAIM_STALE = timedelta(minutes=10)


def _sent_event(stored: StoredLetter, method: str, message_id: str) -> tuple[dict[str, Any], str]:
    """The data and note of the request's "sent" event for this letter."""
    from records.lifecycle.service import EVENT_KINDS

    options = dict(stored.options or {})
    kind = KIND_EVENTS.get(stored.kind, "sent")
    if kind != "sent":
        note = f"{_KIND_WORDS.get(stored.kind, 'Letter')} {stored.id} sent by {method}"
        if stored.sent_to:
            note += f" to {stored.sent_to}"
        return {}, note
    wanted: dict[str, Any] = {"method": method, "message_id": message_id}
    if options.get("want_expedite"):
        wanted["expedite"] = True
    # Pass only the fields the lifecycle's "sent" event declares; the rest go in the note so the
    # Message-ID is kept either way.
    accepted = {f.name for f in EVENT_KINDS["sent"].fields}
    data = {k: val for k, val in wanted.items() if k in accepted and val not in ("", None)}
    note = f"Letter {stored.id} sent by {method}"
    if stored.sent_to:
        note += f" to {stored.sent_to}"
    if message_id:
        note += f"; Message-ID {message_id}"
    return data, note


_KIND_WORDS = {"follow_up": "Follow-up letter", "appeal": "Appeal letter"}


def _record_sent(
    db: Session,
    req: RecordRequest,
    stored: StoredLetter,
    on: date,
    user_id: int | None,
    method: str,
    message_id: str = "",
) -> None:
    """Record the request's "sent" event, which sets its status and starts its clocks."""
    from records.lifecycle.service import EventNotAllowed, record_event

    data, note = _sent_event(stored, method, message_id)
    kind = KIND_EVENTS.get(stored.kind, "sent")
    try:
        record_event(db, req, kind, on, actor_id=user_id, note=note, data=data)
    except EventNotAllowed as exc:
        raise SendError(str(exc), "not_allowed") from exc


def _emailing(stored: StoredLetter, now: datetime) -> bool:
    """Whether an email send of this letter is under way (claimed and not stale)."""
    if stored.sent_at is not None or stored.sent_on is not None or stored.sent_method != "email":
        return False
    started = stored.updated_at
    if started.tzinfo is None:  # SQLite returns naive UTC
        started = started.replace(tzinfo=UTC)
    return started > now - SEND_CLAIM_STALE


def _check_sendable(stored: StoredLetter, now: datetime) -> None:
    if stored.sent_at is not None or stored.sent_on is not None:
        raise SendError(
            f"this letter was already sent ({stored.sent_method} on {stored.sent_on})",
            "already_sent",
        )
    if _emailing(stored, now):
        raise SendError(
            "this letter is being emailed right now; reload the page in a minute", "in_progress"
        )


def build_message(
    stored: StoredLetter, agency: Agency, to: str, sender: str, docx: bytes
) -> EmailMessage:
    """The email: the letter text as the body and the .docx attached."""
    msg = EmailMessage()
    msg["Subject"] = stored.subject_line or "Public records request"
    msg["To"] = to
    msg["From"] = sender
    msg.set_content(stored.text)
    msg.add_attachment(
        docx,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename=filename_for(stored, agency, "docx"),
    )
    return msg


def _claim(db: Session, stored: StoredLetter, address: str, now: datetime) -> None:
    """Mark the letter as being emailed (conditional UPDATE) and commit; raises if taken."""
    claimable = or_(
        col(StoredLetter.sent_method) == "",
        and_(
            col(StoredLetter.sent_method) == "email",
            col(StoredLetter.updated_at) < now - SEND_CLAIM_STALE,
        ),
    )
    claimed = db.exec(  # type: ignore[call-overload]
        update(StoredLetter)
        .where(
            col(StoredLetter.id) == stored.id,
            col(StoredLetter.sent_at).is_(None),
            col(StoredLetter.sent_on).is_(None),
            claimable,
        )
        .values(sent_method="email", sent_to=address, updated_at=now)
    ).rowcount
    if not claimed:
        db.rollback()
        raise SendError("this letter is already being sent, or was sent", "in_progress")
    db.commit()


def _release(db: Session, stored: StoredLetter, address: str) -> None:
    """Undo an unfinished claim after a failed send, so the letter is a draft again."""
    db.exec(  # type: ignore[call-overload]
        update(StoredLetter)
        .where(
            col(StoredLetter.id) == stored.id,
            col(StoredLetter.sent_at).is_(None),
            col(StoredLetter.sent_method) == "email",
            col(StoredLetter.sent_to) == address,
        )
        .values(sent_method="", sent_to="")
    )
    db.commit()


def send_by_email(
    db: Session,
    config: Mapping[str, Any],
    stored: StoredLetter,
    req: RecordRequest,
    agency: Agency,
    user: User | None,
    now: datetime,
    to: str = "",
) -> str:
    """Send the letter through SMTP and record the "sent" event; returns the Message-ID.

    Raises ``SendError`` (nothing recorded) when the letter cannot be sent. No database
    transaction is open while the mail server is talked to: the letter is claimed and committed
    first, the email goes out, then the "sent" event is recorded (the caller commits).
    """
    from records.lifecycle.service import EventNotAllowed, check_event

    _check_sendable(stored, now)
    recipient = recipient_of(stored, agency)
    # An appeal to another office (ICE's OPLA, DOJ's OIP) never defaults to the FOIA office.
    default = agency.foia_email if recipient == agency.name else ""
    address = v.email(to or default, "to")
    if not address:
        where = (
            f"{agency.name} has no FOIA email address"
            if recipient == agency.name
            else f"the law library has no email address for {recipient}"
        )
        raise SendError(f"{where}; enter one to send to", "no_address")
    settings = smtp_for(config, letter_settings(db, stored.org_id))
    if not settings.get("SMTP_HOST"):
        raise SendError(
            "email is not configured (set SMTP_HOST or the organization's SMTP settings)"
        )
    profile = effective_profile(db, stored.org_id, user.id if user else None)
    sender = settings.get("MAIL_FROM") or "records-desk@localhost"
    # The delivery line in the recipient block follows the channel the letter goes by.
    stored.text = retarget_delivery(stored.text, "email", address)
    msg = build_message(stored, agency, address, sender, docx_for(db, stored, agency.name))
    from records.inbound import service as inbound

    # Replies come back to the organization's reply mailbox with the request's token, and
    # thread with the letters already sent, so they file themselves (records.inbound).
    reply_to = inbound.reply_address_for(db, req)
    if reply_to:
        msg["Reply-To"] = reply_to
    elif profile and profile.email:
        msg["Reply-To"] = profile.email
    earlier = inbound.thread_references(db, req)
    if earlier:
        msg["In-Reply-To"] = earlier[-1]
        msg["References"] = " ".join(earlier[-20:])
    msg["Date"] = formatdate(now.timestamp(), usegmt=True)
    msg["Message-ID"] = make_msgid(domain=str(sender).rsplit("@", 1)[-1] or "localhost")
    message_id = str(msg["Message-ID"])
    user_id = user.id if user else None
    # A timeline that refuses "sent" stops the email before anything leaves.
    try:
        check_event(
            db,
            req,
            KIND_EVENTS.get(stored.kind, "sent"),
            now.date(),
            _sent_event(stored, "email", message_id)[0],
        )
    except EventNotAllowed as exc:
        raise SendError(str(exc), "not_allowed") from exc
    _claim(db, stored, address, now)
    try:
        message_id = mailer.send(msg, settings)
    except mailer.MailError as exc:
        _release(db, stored, address)
        log.warning("letter %s not sent: %s", stored.id, exc)
        raise SendError(str(exc)) from exc
    # The server has the email: from here on the letter is recorded as sent, whatever happens.
    stored.sent_to = address
    try:
        with db.begin_nested():
            _record_sent(db, req, stored, now.date(), user_id, "email", message_id)
    except SendError as exc:
        # The timeline changed while the email was on its way (another letter recorded "sent",
        # say). Keep the truth about this letter and tell the user what is missing.
        log.warning("letter %s emailed but its sent event was refused: %s", stored.id, exc)
        missing = (
            f"Emailed on {now.date()}, but the request's timeline refused the sent event "
            f"({exc}); record it on the request by hand."
        )
        stored.warnings = [*warnings_of(stored), missing]
    stored.sent_at = now
    stored.sent_on = now.date()
    stored.sent_method = "email"
    stored.message_id = message_id[:300]
    db.add(stored)
    db.flush()
    log.info("letter %s emailed to %s by user %s", stored.id, address, user_id)
    return message_id


def mark_sent(
    db: Session,
    stored: StoredLetter,
    req: RecordRequest,
    method: str,
    on: date,
    user_id: int | None,
    now: datetime,
) -> None:
    """Record that the letter went by mail, portal or fax on ``on``."""
    _check_sendable(stored, now)
    if method not in SEND_METHODS:
        raise v.ValidationError("method", f"method must be one of: {', '.join(SEND_METHODS)}")
    if on > now.date():
        raise v.ValidationError("sent_on", "the sending date is in the future")
    _record_sent(db, req, stored, on, user_id, method)
    stored.text = retarget_delivery(stored.text, method)
    stored.sent_at = now
    stored.sent_on = on
    stored.sent_method = method
    db.add(stored)
    db.flush()
    log.info("letter %s marked sent by %s on %s by user %s", stored.id, method, on, user_id)


# --- organization settings -------------------------------------------------------------------


def validate_override(piece: str, source: str) -> None:
    """Check an edited template piece; raises ``TemplateError`` naming line and placeholder."""
    compile_template(source, piece=piece, allowed=placeholders_for(piece))


def save_override(db: Session, org_id: int, piece: str, source: str) -> OrgLetterSettings:
    """Store (or, when ``source`` is blank, remove) an organization's override of ``piece``."""
    if piece not in piece_names():
        raise v.ValidationError("piece", f"unknown letter piece {piece!r}")
    settings = letter_settings(db, org_id) or OrgLetterSettings(org_id=org_id)
    overrides = org_overrides(settings)
    source = source.replace("\r\n", "\n")
    if source.strip():
        if len(source) > 20000:
            raise v.ValidationError("source", "a template piece may hold at most 20000 characters")
        validate_override(piece, source)
        overrides[piece] = source
    else:
        overrides.pop(piece, None)
    settings.overrides = overrides
    db.add(settings)
    db.flush()
    return settings


def validate_letterhead(data: bytes) -> None:
    """Accept only a real .docx of at most 2 MB; raises ``ValidationError``."""
    if len(data) > LETTERHEAD_MAX_BYTES:
        raise v.ValidationError("letterhead", "the letterhead must be at most 2 MB")
    if not data.startswith(b"PK"):
        raise v.ValidationError("letterhead", "the letterhead must be a Word .docx file")
    from docx import Document  # imported on first use (see records.letters.output)

    try:
        Document(BytesIO(data))
    except Exception:  # python-docx raises several types for broken packages
        raise v.ValidationError(
            "letterhead", "the file could not be opened as a Word .docx document"
        ) from None


def save_letterhead(db: Session, org_id: int, data: bytes, name: str) -> OrgLetterSettings:
    """Validate and store the organization's letterhead."""
    validate_letterhead(data)
    settings = letter_settings(db, org_id) or OrgLetterSettings(org_id=org_id)
    settings.letterhead = data
    settings.letterhead_name = v.text(name, "letterhead", max_len=200)
    db.add(settings)
    db.flush()
    return settings


def save_mail_settings(
    db: Session,
    org_id: int,
    data: Mapping[str, Any],
    *,
    allow_private: bool = False,
    config: Mapping[str, Any] | None = None,
) -> OrgLetterSettings:
    """Store the default fee cap and the SMTP override (a blank password keeps the old one).

    A host that is, or resolves to, an internal address is refused here already (sending checks
    again); ``allow_private`` is the operator's ``SMTP_ALLOW_PRIVATE_HOSTS``.
    """
    settings = letter_settings(db, org_id) or OrgLetterSettings(org_id=org_id)
    cap = v.integer(
        data.get("default_fee_cap") or "50",
        "default_fee_cap",
        minimum=0,
        maximum=int(MAX_FEE_CAP),
    )
    settings.default_fee_cap = cap if cap is not None else 50
    host = v.text(data.get("smtp_host"), "smtp_host", max_len=255)
    port = v.integer(data.get("smtp_port"), "smtp_port", maximum=65535)
    if host and any(c.isspace() or c in "/@" for c in host):
        raise v.ValidationError("smtp_host", "enter the SMTP host name only, e.g. smtp.example.org")
    if host:
        problem = outbound.check_host(host, allow_private=allow_private, port=port or 25)
        if problem:
            raise v.ValidationError("smtp_host", problem)
    settings.smtp_host = host
    settings.smtp_port = port
    settings.smtp_user = v.text(data.get("smtp_user"), "smtp_user", max_len=255)
    password = data.get("smtp_password")
    if password:
        from records.core import secretbox

        # Stored sealed with the instance's key (``config``); never shown back.
        settings.smtp_password = secretbox.seal(
            v.text(password, "smtp_password", max_len=255), config or {}
        )
    settings.smtp_starttls = _flag(data.get("smtp_starttls"))
    settings.mail_from = v.email(data.get("mail_from"), "mail_from")
    db.add(settings)
    db.flush()
    return settings


# --- federal seed ----------------------------------------------------------------------------


def seed_federal_offices(db: Session, org_id: int) -> int:
    """Add the seeded federal offices to the shared directory where missing; returns how many
    were new (an office already there, however spelled, is kept as it is)."""
    from records.directory.service import find_duplicate, name_key, notes_text, set_notes

    offices = federal_agencies()
    by_name: dict[str, Agency] = {}
    created = 0
    for office in offices.values():
        existing = find_duplicate(db, office.name, office.jurisdiction)
        if existing is None:
            existing = Agency(
                created_by_org_id=org_id,
                name=office.name,
                name_key=name_key(office.name),
                level=office.level,
                jurisdiction=office.jurisdiction,
                component=office.component,
                foia_email=office.foia_email,
                portal_url=office.portal_url,
                mailing_address=office.mailing_address,
                phone=office.phone,
                source=office.source[:500],
                last_verified=office.last_verified,
            )
            db.add(existing)
            db.flush()
            created += 1
        # The seed's notes (how the office takes requests) become the organization's notes.
        if office.notes and existing.id and not notes_text(db, org_id, existing.id):
            set_notes(db, org_id, existing.id, office.notes)
        by_name[office.name] = existing
    for office in offices.values():
        row = by_name[office.name]
        parent = by_name.get(office.parent) if office.parent else None
        if parent is not None and row.parent_id is None and parent.id != row.id:
            row.parent_id = parent.id
            db.add(row)
    db.flush()
    log.info("seeded %s federal offices for org %s", created, org_id)
    return created


def letters_for_request(
    db: Session, request_id: int, viewer: visibility.Viewer
) -> Sequence[StoredLetter]:
    """The request's stored letters ``viewer`` may see, newest first."""
    stmt, params = _letters_stmt(viewer)
    return db.exec(stmt, params=params | {"request_id": request_id}).all()


@visibility.prepared
def _letters_stmt(viewer: visibility.Viewer) -> Any:
    return (
        select(StoredLetter)
        .where(
            StoredLetter.request_id == bindparam("request_id"),
            visibility.where(StoredLetter, viewer),
        )
        .order_by(StoredLetter.id.desc())  # type: ignore[union-attr]
    )


def template_error_message(exc: TemplateError) -> str:
    """A user-facing message naming the piece, line and placeholder."""
    return (
        f"Line {exc.line} of {exc.piece}: {str(exc).split(': ', 1)[-1]}. "
        f"Allowed placeholders: {', '.join(sorted(placeholders_for(exc.piece)))}."
        if exc.piece in piece_names()
        else str(exc)
    )

"""Request letters: subject items + requester + agency + law -> one list of paragraphs.

``Letter.paragraphs`` is the single source of the words: the email body (``text()``), the HTML
preview (``html()``) and the .docx (``records.letters.output.to_docx``) are all made from it, so
they cannot disagree. The law decides which pieces of ``letter_templates/`` appear and supplies
every legal fact (statute, citation, response period, fee and appeal rules); the pieces supply
the prose. Nothing here reads the clock: the letter date comes in with the request.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from records.core.paths import shipped
from records.laws import get_law
from records.laws.model import Appeal, AppealOffice, Law, Period
from records.letters.template import Template, TemplateError, compile_template, paragraphs_of
from records.subjects import Item, get_subject, load_variables

__all__ = [
    "FEE_CATEGORIES",
    "FORMATS",
    "AgencyInfo",
    "DraftingError",
    "Letter",
    "LetterRequest",
    "MissingVariableError",
    "Requester",
    "TemplateError",
    "Determination",
    "draft_appeal",
    "draft_batch",
    "draft_follow_up",
    "draft_letter",
    "render_letter",
    "piece_names",
    "placeholders_for",
    "residency_warning",
]

TEMPLATES_DIR = shipped("letter_templates")

# Fee categories of 5 U.S.C. § 552(a)(4)(A)(ii): (II) educational, noncommercial scientific and
# news-media requesters pay duplication only; (III) all other non-commercial requesters pay
# search and duplication. Commercial use ((ii)(I)) is not offered: this product drafts
# public-interest requests.
FEE_CATEGORIES: dict[str, tuple[str, str]] = {
    "news_media": ("a representative of the news media", "5 U.S.C. § 552(a)(4)(A)(ii)(II)"),
    "educational": (
        "a requester affiliated with an educational institution, seeking the records for "
        "scholarly research",
        "5 U.S.C. § 552(a)(4)(A)(ii)(II)",
    ),
    "noncommercial_scientific": (
        "a requester affiliated with a noncommercial scientific institution, seeking the "
        "records for scientific research",
        "5 U.S.C. § 552(a)(4)(A)(ii)(II)",
    ),
    "other": (
        'a requester in the "all other requesters" category',
        "5 U.S.C. § 552(a)(4)(A)(ii)(III)",
    ),
}

FORMATS: dict[str, str] = {
    "electronic": (
        "in electronic form, in their native format where one exists (for example, email as "
        ".eml or .msg files with attachments and header metadata, and spreadsheets or database "
        "extracts as .xlsx or .csv), or otherwise as text-searchable PDF files, sent by email "
        "or a download link"
    ),
    "pdf": "as text-searchable PDF files, sent by email or a download link",
    "paper": "as paper copies mailed to the address below",
}

_COMMON = frozenset(
    {
        "letter.date",
        "letter.subject",
        "letter.topic",
        "letter.closing_offer",
        "agency.name",
        "agency.address_block",
        "agency.attention",
        "requester.name",
        "requester.organization",
        "requester.contact",
        "requester.signature",
        "requester.return_address",
        "requester.residency",
        "law.name",
        "law.citation",
        "law.jurisdiction",
        "law.response_period",
        "law.response_citation",
        "law.exemptions_citation",
        "law.fees_citation",
        "law.fee_waiver_citation",
        "law.who_may_request_citation",
        "law.appeal_to",
        "law.appeal_period",
        "law.appeal_citation",
    }
)
_REQUEST = _COMMON | {
    "request.fee_cap",
    "request.format",
    "request.date_from",
    "request.date_to",
    "request.description",
    "fee.category",
    "fee.category_citation",
    "fee.waiver_authority",
    "fee.waiver_justification",
    "expedite.authority",
    "expedite.justification",
    "expedite.decision_period",
    "expedite.decision_citation",
}
_FOLLOW_UP = _COMMON | {
    "request.sent_date",
    "request.reference",
    "request.summary",
    "clock.requirement",
    "clock.due_date",
}
_APPEAL = _COMMON | {
    "request.sent_date",
    "request.reference",
    "request.summary",
    "determination.date",
    "determination.summary",
    "appeal.grounds",
    "appeal.rule",
    "appeal.citation",
    "appeal.deadline",
    "appeal.to_whom",
    "appeal.relief",
}

# Which placeholders each piece may use; the README documents the same groups.
_PIECES: dict[str, frozenset[str]] = {
    "heading": _COMMON,
    "salutation": _COMMON,
    "closing": _COMMON,
    "opening": _REQUEST,
    "residents_only": _REQUEST,
    "records_intro": _REQUEST,
    "format": _REQUEST,
    "fee_category_federal": _REQUEST,
    "fees": _REQUEST,
    "fee_waiver_federal": _REQUEST,
    "fee_waiver_state": _REQUEST,
    "fee_reduction_state": _REQUEST,
    "description": _REQUEST,
    "expedite_federal": _REQUEST,
    "segregability": _REQUEST,
    "appeal_rights": _REQUEST,
    "appeal_none": _REQUEST,
    "deadline": _REQUEST,
    "follow_up": _FOLLOW_UP,
    "appeal": _APPEAL,
    "reconsideration": _APPEAL,
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT = re.compile(r" ([.,;:)])(?=\s|$)")


class DraftingError(ValueError):
    """The request cannot be drafted as given (the message says what to change)."""


class MissingVariableError(DraftingError):
    """A chosen item needs a variable that was not supplied and has no default."""


@dataclass(frozen=True)
class Requester:
    """The person signing the letter."""

    name: str
    organization: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    fee_category: str = "other"  # a key of FEE_CATEGORIES
    waiver_justification: str = ""
    expedite_justification: str = ""
    state: str = ""  # two-letter state of residence
    us_citizen: bool = False  # a residents-only letter says "citizen and resident" only if true


@dataclass(frozen=True)
class AgencyInfo:
    """Where the letter goes. ``jurisdiction`` is a law-library code ("US", "TX", ...)."""

    name: str
    level: str  # an agency kind: federal, police, sheriff, jail, council_clerk, state, county, city
    jurisdiction: str
    mailing_address: str = ""
    email: str = ""
    parent: str = ""
    component: str = ""  # federal only: the law library's component code (DHS, DOJ, ...)
    attention: str = ""  # overrides the salutation's addressee
    delivery: str = ""  # email | mail | portal | fax; empty: email when there is an address

    @property
    def federal(self) -> bool:
        """True for a federal office."""
        return self.level == "federal"


@dataclass(frozen=True)
class LetterRequest:
    """What to ask for. ``variables`` holds date_from/date_to and any item variables."""

    subject: str
    items: Sequence[str]
    letter_date: date
    variables: Mapping[str, object] = field(default_factory=dict)
    fee_cap: Decimal | int = 50
    format: str = "electronic"  # a key of FORMATS
    want_fee_waiver: bool = False
    want_expedite: bool = False
    subject_line: str = ""
    description: str = ""  # the requester's own description of the records, printed as given


@dataclass
class Letter:
    """A drafted letter. ``paragraphs`` is the only copy of its words."""

    paragraphs: list[str]
    subject_line: str
    recipient: str = ""
    law_code: str = ""
    kind: str = "request"
    warnings: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The plain-text email body: paragraphs separated by one blank line."""
        return "\n\n".join(self.paragraphs) + "\n"

    def html(self) -> str:
        """An escaped HTML preview with the same words as ``text()``."""
        body = "".join(
            "<p>" + html_lib.escape(p).replace("\n", "<br>\n") + "</p>\n" for p in self.paragraphs
        )
        return f'<article class="letter">\n{body}</article>\n'

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        subject_line: str | None = None,
        recipient: str = "",
        law_code: str = "",
        kind: str = "request",
    ) -> Letter:
        """Rebuild a letter from edited plain text (paragraphs separated by blank lines)."""
        paragraphs = paragraphs_of(_CONTROL.sub("", text))
        if subject_line is None:
            subject_line = next(
                (p[4:].strip() for p in paragraphs if p.startswith("Re: ") and "\n" not in p), ""
            )
        return cls(
            paragraphs=paragraphs,
            subject_line=subject_line,
            recipient=recipient,
            law_code=law_code,
            kind=kind,
        )


# --- templates -------------------------------------------------------------------------------


def piece_names() -> list[str]:
    """Every letter piece an organization may override."""
    return sorted(_PIECES)


def placeholders_for(piece: str) -> frozenset[str]:
    """The placeholders ``piece`` may use."""
    try:
        return _PIECES[piece]
    except KeyError:
        raise DraftingError(
            f"unknown letter piece {piece!r}; valid pieces: {', '.join(piece_names())}"
        ) from None


@lru_cache(maxsize=512)
def _compile(piece: str, source: str) -> Template:
    return compile_template(source, piece=piece, allowed=placeholders_for(piece))


@cache
def _piece_sources(directory: Path) -> dict[str, str]:
    return {name: (directory / f"{name}.txt").read_text(encoding="utf-8") for name in _PIECES}


def _templates(overrides: Mapping[str, str] | None, directory: Path | None) -> dict[str, Template]:
    sources = dict(_piece_sources(directory or TEMPLATES_DIR))
    for name, text in (overrides or {}).items():
        placeholders_for(name)  # rejects unknown piece names
        sources[name] = text
    return {name: _compile(name, src) for name, src in sources.items()}


# --- value formatting ------------------------------------------------------------------------


def format_date(value: date) -> str:
    """A letter date such as "March 3, 2026"."""
    return f"{value:%B} {value.day}, {value.year}"


def _money(amount: Decimal | int) -> str:
    value = Decimal(amount)
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


def _clean(value: str) -> str:
    # Word cannot store control characters; strip them rather than fail at .docx time.
    return _CONTROL.sub("", value).strip()


def _variable_text(value: object) -> str:
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_clean(str(v)) for v in value if str(v).strip())
    return _clean(str(value))


def _days(count: int, unit: str) -> str:
    noun = "day" if count == 1 else "days"
    return f"{count} {unit} {noun}" if unit in ("business", "calendar") else f"{count} {noun}"


def response_period(law: Law) -> str:
    """The letter's words for the response time, e.g. "within 20 business days after ..."."""
    return _period_phrase(law.periods["response"], "after you receive this request")


def _period_phrase(period: Period, after_receipt: str) -> str:
    if period.fixed and period.count is not None:
        lead = "promptly and in any event " if "promptly" in period.text.lower() else ""
        after = {
            "receipt": f" {after_receipt}",
            "acknowledgment": " after you acknowledge it",
        }.get(period.runs_from, "")
        return f"{lead}within {_days(period.count, period.unit)}{after}"
    words = period.text.strip().rstrip(".")
    lower = words.lower()
    if lower.startswith("within") and len(words) < 80:
        return words
    # A law without a fixed period: use its own standard, shortest first, never invent a number.
    for needle, phrase in (
        ("as soon as practicable", "as soon as practicable and without delay"),
        ("prompt", "promptly"),
        ("timely", "in a timely manner"),
        ("reasonable time", "within a reasonable time"),
        ("reasonable period", "within a reasonable time"),
    ):
        if needle in lower:
            return phrase
    # The library marks omissions in quoted statute text with "..": print a real ellipsis.
    quoted = re.sub(r"\s*\.\.\.?\s*", " … ", words).strip()
    return f'in the time the law sets ("{quoted}")'


def _appeal_for(law: Law, agency: AgencyInfo) -> Appeal:
    component = law.components.get(agency.component.upper()) if agency.component else None
    return component.appeal if component else law.appeal


def _appeal_period_words(appeal: Appeal) -> str:
    period = appeal.period
    if period is None:
        return ""
    if period.fixed and period.count is not None:
        start = {
            "determination": "after the date of your determination",
            "receipt": "after you receive this request",
        }.get(period.runs_from, "")
        return f"within {_days(period.count, period.unit)} {start}".rstrip()
    return ""  # an unfixed window is stated by the law page, not paraphrased in a letter


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text.startswith(("The ", "A ", "An ")) else text


# --- citations a letter may print --------------------------------------------------------------

# Lower-case words a citation may hold; any other lower-case word starts commentary.
_CITATION_WORDS = frozenset(
    {"et", "seq.", "seq", "ch.", "subch.", "art.", "tit.", "subd.", "cl.", "to", "and", "pt."}
)
_TRAILING_JOINERS = re.compile(r"(?:[\s,;]|\b(?:and|or|plus|as|to|under|in|see)\b)+$")
_PARENTHETICAL = re.compile(r"\s\(([^()]*)\)")


def _drop_glosses(text: str) -> str:
    """Remove parentheticals after a space that are notes, keeping nested subsection marks."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "(" and i > 0 and text[i - 1] == " ":
            depth, j = 0, i
            while j < len(text):
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                if depth == 0:
                    break
                j += 1
            inner = text[i + 1 : j].strip()
            # "(iv)" after "(ii), " is a subsection; "(fee provision; no waiver)" is a gloss.
            if not inner.startswith("§") and any(c.isspace() or c in "\"“'" for c in inner):
                if out and out[-1] == " ":
                    out.pop()
                i = j + 1
                continue
        out.append(text[i])
        i += 1
    return "".join(out)


def printable_citation(text: str) -> str:
    """The citation part of a law-library citation field, without the reader's notes.

    "Ala. Code § 36-12-44(a)(2) (fee provision; no waiver)" -> "Ala. Code § 36-12-44(a)(2)";
    "NMSA 1978, § 14-2-8(D); written denial also due ..." -> "NMSA 1978, § 14-2-8(D)".
    Parentheses glued to a section number ("(a)(2)") are part of the citation; a parenthetical
    after a space is a gloss unless it is itself a citation ("(§ 552.101 et seq.)").
    """
    flat = _drop_glosses(_clean(text))
    segments: list[str] = []
    for segment in flat.split(";"):
        kept: list[str] = []
        for word in segment.split():
            bare = word.strip(",")
            if bare.isalpha() and bare.islower() and bare not in _CITATION_WORDS:
                break
            if bare.startswith(('"', "“")):
                break
            kept.append(word)
        cut = _TRAILING_JOINERS.sub("", " ".join(kept)).strip()
        if cut and any(ch.isdigit() for ch in cut):
            segments.append(cut)
    return "; ".join(segments)


_CITATION_CHARS = re.compile(r"^[A-Z0-9][A-Za-z0-9 .,;:§'’()\-–/]*[0-9A-Za-z.)]$")
_CITATION_DOUBLED = re.compile(r"\.\.|,,|;;|[,;]\.|[,;][,;]|\s[,;.]|\(\s*\)")


def is_printable_citation(text: str) -> bool:
    """Whether ``text`` reads as a bare citation (the letter lint's citation check)."""
    if not text or not any(ch.isdigit() for ch in text) or not _CITATION_CHARS.match(text):
        return False
    words = [w.strip(",;") for w in text.split()]
    if any(w.isalpha() and w.islower() and w not in _CITATION_WORDS for w in words):
        return False
    if _CITATION_DOUBLED.search(text) or text.count("(") != text.count(")"):
        return False
    return _drop_glosses(text) == text


def has_fee_waiver(law: Law) -> bool:
    """Whether the law (as the library reads it) lets the agency waive fees."""
    return not law.fee_waiver.text.strip().lower().startswith("no statutory fee waiver")


def fee_waiver_note(law: Law) -> str:
    """The form's explanation when the law has no fee waiver (empty when it has one)."""
    if has_fee_waiver(law):
        return ""
    return (
        f"The {law.name} has no fee waiver ({printable_citation(law.fee_waiver.source.citation)}"
        f": {law.fee_waiver.text.strip().rstrip('.')}). The letter asks instead that fees be "
        "kept to what the law allows and reduced where the agency has discretion."
    )


_INTERNAL_APPEAL = re.compile(
    r"^(the )?(head|agency's|component's|chief administrative|chief executive)", re.I
)


def _office_matches(office: AppealOffice, agency: AgencyInfo) -> bool:
    if not office.for_agency:
        return True
    return any(
        re.search(rf"\b{re.escape(words.strip())}\b", agency.name)
        for words in office.for_agency.split("|")
        if words.strip()
    )


def _appeal_office(appeal: Appeal, agency: AgencyInfo) -> AppealOffice | None:
    return next((o for o in appeal.offices if _office_matches(o, agency)), None)


def _appeal_to_words(appeal: Appeal, agency: AgencyInfo | None = None) -> str:
    """Who decides an appeal, as words for a sentence ("the head of the agency")."""
    office = _appeal_office(appeal, agency) if agency is not None else None
    if office is not None:
        return office.name
    if appeal.letter_to_whom:
        return appeal.letter_to_whom
    words = _PARENTHETICAL.sub("", appeal.to_whom).split(";")[0].strip().rstrip(".")
    return _lower_first(words)


@dataclass(frozen=True)
class AppealAddressee:
    """Where an appeal goes: an office from the law library, or the agency's own head."""

    info: AgencyInfo
    warnings: tuple[str, ...] = ()


def appeal_addressee(law: Law, agency: AgencyInfo) -> AppealAddressee:
    """The appeal authority for a request to ``agency`` under ``law``, from the law library."""
    appeal = _appeal_for(law, agency)
    office = _appeal_office(appeal, agency)
    federal = agency.federal
    warnings: list[str] = []
    if office is not None:
        info = replace(
            agency,
            name=office.name,
            parent="",
            mailing_address=office.address,
            email=office.email,
            attention=office.attention
            or ("FOIA Appeals Officer" if federal else "Appeals Officer"),
        )
        if not office.address and not office.email:
            warnings.append(
                f"The law library has no confirmed address for {office.name}: copy it from the "
                "determination letter before sending."
            )
        return AppealAddressee(info, tuple(warnings))
    words = _appeal_to_words(appeal)
    if not appeal.available:
        return AppealAddressee(agency)  # a request for reconsideration goes to the custodian
    if _INTERNAL_APPEAL.match(words):
        attention = "FOIA Appeals Officer" if federal else "Records Appeals Officer"
        return AppealAddressee(replace(agency, attention=attention))
    name = words[:1].upper() + words[1:]
    warnings.append(
        f"The law library has no address for {name}: add it to the letter before sending."
    )
    return AppealAddressee(
        AgencyInfo(
            name=name,
            level=agency.level,
            jurisdiction=agency.jurisdiction,
            component=agency.component,
            attention="Appeals Officer",
            delivery=agency.delivery,
        ),
        tuple(warnings),
    )


# --- letter blocks ------------------------------------------------------------------------------

DELIVERY = ("email", "mail", "portal", "fax")


def delivery_line(method: str, email: str = "") -> str:
    """The recipient block's last line for the channel the letter goes by."""
    if method == "email":
        return f"By email: {email}" if email else "By email"
    return {
        "mail": "By first-class mail",
        "portal": "Submitted through the agency's online portal",
        "fax": "By fax",
    }.get(method, "")


_DELIVERY_LINE = re.compile(
    r"^(By email(?:: .*)?|By first-class mail|Submitted through the agency's online portal|By fax)$",
    re.M,
)


def retarget_delivery(text: str, method: str, email: str = "") -> str:
    """The letter text with its delivery line changed to ``method`` (the first one only)."""
    line = delivery_line(method, email)
    if not line:
        return text
    return _DELIVERY_LINE.sub(line, text, count=1)


def _address_block(agency: AgencyInfo) -> str:
    lines = [agency.name]
    if agency.parent and agency.parent not in agency.name:
        lines.append(agency.parent)
    lines += [line.strip() for line in agency.mailing_address.splitlines() if line.strip()]
    method = agency.delivery or ("email" if agency.email else "mail")
    line = delivery_line(method, agency.email if method == "email" else "")
    if line:
        lines.append(line)
    return "\n".join(_clean(line) for line in lines)


def _signature(requester: Requester) -> str:
    lines = [requester.name, requester.organization]
    lines += requester.address.splitlines()
    lines += [requester.email, requester.phone]
    return "\n".join(_clean(line) for line in lines if line.strip())


def _return_address(requester: Requester) -> str:
    lines = [requester.name, requester.organization, *requester.address.splitlines()]
    return "\n".join(_clean(line) for line in lines if line.strip())


def _common_values(
    law: Law, agency: AgencyInfo, requester: Requester, letter_date: date, subject_line: str
) -> dict[str, str]:
    appeal = _appeal_for(law, agency)
    contact = " or ".join(x for x in (requester.email, requester.phone) if x) or requester.address
    return {
        "letter.date": format_date(letter_date),
        "letter.subject": _clean(subject_line),
        "letter.topic": "",
        "letter.closing_offer": "",
        "agency.name": _clean(agency.name),
        "agency.address_block": _address_block(agency),
        "agency.attention": _clean(agency.attention)
        or ("FOIA Officer" if agency.federal else "Records Custodian"),
        "requester.name": _clean(requester.name),
        "requester.organization": _clean(requester.organization),
        "requester.contact": _clean(contact),
        "requester.signature": _signature(requester),
        "requester.return_address": _return_address(requester),
        "requester.residency": "citizen and resident" if requester.us_citizen else "resident",
        "law.name": law.name,
        "law.citation": printable_citation(law.citation),
        "law.jurisdiction": law.jurisdiction,
        "law.response_period": response_period(law),
        "law.response_citation": printable_citation(law.periods["response"].source.citation),
        "law.exemptions_citation": printable_citation(law.exemptions_citation or law.citation),
        "law.fees_citation": printable_citation(law.fees.source.citation),
        "law.fee_waiver_citation": printable_citation(law.fee_waiver.source.citation),
        "law.who_may_request_citation": printable_citation(law.who_may_request.source.citation),
        "law.appeal_to": _appeal_to_words(appeal, agency),
        "law.appeal_period": _appeal_period_words(appeal),
        "law.appeal_citation": printable_citation(appeal.source.citation),
    }


# --- drafting --------------------------------------------------------------------------------


def residency_warning(requester: Requester, law: Law) -> str | None:
    """A warning when ``law`` gives access only to residents and the requester is not one."""
    if not law.residents_only or requester.state.strip().upper() == law.code.upper():
        return None
    where = requester.state.strip().upper() or "not given"
    return (
        f"{law.name} gives the right of access only to residents or citizens of "
        f"{law.jurisdiction} ({law.who_may_request.source.citation}: "
        f'"{law.who_may_request.text}"); the requester\'s state of residence is {where}. '
        f"The agency may refuse the request; consider having a {law.jurisdiction} resident file it."
    )


def _check_law(law: Law, agency: AgencyInfo) -> None:
    if agency.federal and law.code != "US":
        raise DraftingError(f"{agency.name} is a federal office; use the US law, not {law.code}")
    if not agency.federal and law.code == "US":
        raise DraftingError(
            f"{agency.name} is a {agency.level} agency; the federal FOIA does not apply to it. "
            "Use its state's law code."
        )


# A wording's "from {{ date_from }} through {{ date_to }}" when no start date is given.
_NO_START = "\x00no-start\x00"
_OPEN_RANGE = re.compile(r"(?:at any time )?from \x00no-start\x00 through ")


def _open_range(text: str, date_to_given: bool) -> str:
    """Rewrite an item's date range when the request has no start date.

    "in effect at any time from X through the date you conduct the search" becomes "in effect
    at any time up to the date you conduct the search"; with an end date, "up to and including".
    """
    lead = "at any time up to and including " if date_to_given else "at any time up to "
    text = _OPEN_RANGE.sub(lead, text)
    return text.replace(_NO_START, "any date")


def _item_values(
    items: Sequence[Item], request: LetterRequest, agency: AgencyInfo
) -> dict[str, str]:
    known = load_variables()
    values: dict[str, str] = {}
    missing: list[str] = []
    for name in sorted({n for item in items for n in item.uses(agency.federal)}):
        given = request.variables.get(name)
        text = _variable_text(given) if given not in (None, "", [], ()) else ""
        if not text:
            text = known[name].default_for(agency.federal) or ""
        if not text and name == "date_from":
            text = _NO_START  # a request without a date range is normal
        if not text:
            missing.append(known[name].label)
        values[name] = text
    if missing:
        raise MissingVariableError("the chosen records need these values: " + "; ".join(missing))
    return values


def _component_regulations(law: Law, agency: AgencyInfo) -> dict[str, str]:
    """The department regulations (from the law library) that elaborate the fee-waiver and
    expedition tests for a federal component, e.g. DHS: 6 C.F.R. §§ 5.11(k), 5.5(e)."""
    component = law.components.get(agency.component.upper()) if agency.federal else None
    if component is None:
        return {}
    out = {}
    if component.fee_waiver is not None:
        out["fee_waiver"] = printable_citation(component.fee_waiver.source.citation)
    if component.expedite is not None:
        out["expedite"] = printable_citation(component.expedite.source.citation)
    return out


def split_item_key(key: str, subject: str) -> tuple[str, str]:
    """``"forfeiture:esac"`` -> ("forfeiture", "esac"); a bare key belongs to ``subject``."""
    if ":" in key:
        other, _, item = key.partition(":")
        return other.strip(), item.strip()
    return subject, key.strip()


def _select_items(
    request: LetterRequest, agency: AgencyInfo
) -> tuple[list[Item], list[str], list[str]]:
    """The items held by the agency, the warnings, and the subject keys used, in order."""
    subject = get_subject(request.subject)
    if not request.items:
        raise DraftingError(
            f"choose at least one item of {subject.label!r}: "
            + ", ".join(i.label for i in subject.items.values())
        )
    chosen: list[Item] = []
    subjects: list[str] = [subject.key]
    for key in dict.fromkeys(request.items):
        subject_key, item_key = split_item_key(key, subject.key)
        chosen.append(get_subject(subject_key).item(item_key))
        if subject_key not in subjects:
            subjects.append(subject_key)
    component = agency.component if agency.federal else ""
    held = [item for item in chosen if item.held_by(agency.level, component)]
    warnings = [_left_out(item, agency) for item in chosen if item not in held]
    if not held:
        raise DraftingError(
            f"none of the chosen items are held by this {_office_words(agency)}; items it "
            "holds: " + ", ".join(i.label for i in subject.items_for(agency.level, component))
        )
    return held, warnings, subjects


# How a letter's warnings name a federal department by its law-library component code.
_DEPARTMENT_WORDS = {"DOJ": "the Justice Department", "TREAS": "the Treasury", "DHS": "DHS"}


def _department(code: str) -> str:
    return _DEPARTMENT_WORDS.get(code.upper(), code.upper())


def _office_words(agency: AgencyInfo) -> str:
    words = _KIND_WORDS.get(agency.level, agency.level)
    return f"{words} of {_department(agency.component)}" if agency.component else words


def _left_out(item: Item, agency: AgencyInfo) -> str:
    if agency.federal and item.components and item.held_by(agency.level):
        return (
            f"Left out {item.label!r}: these records are held by "
            f"{' or '.join(_department(c) for c in item.components)}, not by "
            f"{_department(agency.component)}."
        )
    return f"Left out {item.label!r}: a {_office_words(agency)} does not hold these records."


_KIND_WORDS = {
    "federal": "federal office",
    "police": "police department",
    "sheriff": "sheriff's office",
    "jail": "jail",
    "council_clerk": "council or commission clerk",
    "state": "state agency",
    "county": "county office",
    "city": "city office",
}


def _sentence(text: str) -> str:
    text = _clean(text)
    return text if not text or text[-1] in ".!?" else text + "."


def _topic(label: str) -> str:
    # "Police and jail ..." reads "police and jail ..." mid-sentence; "ICE ..." stays as is.
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _join(words: Sequence[str]) -> str:
    if len(words) <= 2:
        return " and ".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def draft_letter(
    request: LetterRequest,
    requester: Requester,
    agency: AgencyInfo,
    law: Law | None = None,
    *,
    overrides: Mapping[str, str] | None = None,
    templates_dir: Path | None = None,
) -> Letter:
    """Draft a records request to ``agency`` under ``law`` (default: the agency's own law)."""
    law = law or get_law(agency.jurisdiction)
    _check_law(law, agency)
    templates = _templates(overrides, templates_dir)
    items, warnings, subject_keys = _select_items(request, agency)
    item_values = _item_values(items, request, agency)
    if request.format not in FORMATS:
        raise DraftingError(f"unknown format {request.format!r}; use one of {sorted(FORMATS)}")
    if requester.fee_category not in FEE_CATEGORIES:
        raise DraftingError(
            f"unknown fee category {requester.fee_category!r}; use one of {sorted(FEE_CATEGORIES)}"
        )
    if request.want_fee_waiver and not requester.waiver_justification.strip():
        raise DraftingError(
            "a fee-waiver request needs the requester's fee-waiver justification "
            "(Settings → Requester profile)"
        )
    if request.want_expedite and agency.federal and not requester.expedite_justification.strip():
        raise DraftingError(
            "an expedited-processing request needs the requester's justification "
            "(Settings → Requester profile)"
        )

    labels = [get_subject(key).label for key in subject_keys]
    subject_line = request.subject_line or f"{law.name} request: {_join(labels)}"
    values = _common_values(law, agency, requester, request.letter_date, subject_line)
    values["letter.topic"] = _join([_topic(label) for label in labels])
    values["letter.closing_offer"] = " or would like to discuss narrowing this request"
    regs = _component_regulations(law, agency)
    category, category_cite = FEE_CATEGORIES[requester.fee_category]
    expedited = law.period("expedited_decision")
    date_from = item_values.get("date_from", "")
    values |= {
        "request.fee_cap": _money(request.fee_cap),
        "request.format": FORMATS[request.format],
        "request.date_from": "" if date_from == _NO_START else date_from,
        "request.date_to": item_values.get("date_to", ""),
        "request.description": _sentence(request.description),
        "fee.category": category,
        "fee.category_citation": category_cite,
        "fee.waiver_authority": " and ".join(
            x
            for x in (printable_citation(law.fee_waiver.source.citation), regs.get("fee_waiver"))
            if x
        ),
        "fee.waiver_justification": _clean(requester.waiver_justification),
        "expedite.authority": " and ".join(
            x for x in ("5 U.S.C. § 552(a)(6)(E)", regs.get("expedite")) if x
        ),
        "expedite.justification": _clean(requester.expedite_justification),
        "expedite.decision_period": _period_phrase(expedited, "after the date of this request")
        if expedited
        else "",
        "expedite.decision_citation": printable_citation(expedited.source.citation)
        if expedited
        else "",
    }

    warning = residency_warning(requester, law)
    if warning:
        warnings.append(warning)

    order: list[str] = ["heading", "salutation", "opening"]
    if law.residents_only and warning is None:
        order.append("residents_only")
    if request.description.strip():
        order.append("description")
    order.append("records_intro")
    paragraphs: list[str] = []
    for name in order:
        paragraphs += templates[name].render(values)
    date_to_given = bool(request.variables.get("date_to"))
    for number, item in enumerate(items, start=1):
        text = " ".join(item.template_for(agency.federal).render(item_values))
        paragraphs.append(f"{number}. {_open_range(text, date_to_given)}")
    order = ["format"]
    if agency.federal:
        order.append("fee_category_federal")
    order.append("fees")
    if request.want_fee_waiver:
        if agency.federal:
            order.append("fee_waiver_federal")
        elif has_fee_waiver(law):
            order.append("fee_waiver_state")
        else:
            order.append("fee_reduction_state")
    if request.want_expedite:
        if agency.federal:
            order.append("expedite_federal")
        else:
            warnings.append(
                f"Expedited processing is a federal FOIA procedure; the {law.name} sets none, "
                "so the letter does not ask for it."
            )
    order += ["segregability"]
    order.append("appeal_rights" if _appeal_for(law, agency).available else "appeal_none")
    order += ["deadline", "closing"]
    for name in order:
        paragraphs += templates[name].render(values)
    return _finish(paragraphs, subject_line, agency, law, "request", warnings)


# "et seq.." (a citation's own period before the sentence's), ",." and " ," left by values.
_DOUBLED = re.compile(r"(?<=[.])\.(?!\.)|(?<=[,;:])[.,;:]")
_SPACE_BEFORE = re.compile(r"\s+([,;:.])(?=\s|$)")


def tidy(paragraph: str) -> str:
    """Collapse the doubled punctuation and gaps an inserted value can leave."""
    text = _SPACES.sub(" ", paragraph)
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    text = _DOUBLED.sub("", text)
    return text


def _finish(
    paragraphs: list[str],
    subject_line: str,
    agency: AgencyInfo,
    law: Law,
    kind: str,
    warnings: list[str],
) -> Letter:
    # Re-split so a value holding blank lines still yields a text that round-trips, and tidy
    # the gaps an empty value leaves ("appeal to X  (cite)").
    flat = [tidy(p) for para in paragraphs for p in paragraphs_of(para)]
    return Letter(
        paragraphs=flat,
        subject_line=subject_line,
        recipient=agency.name,
        law_code=law.code,
        kind=kind,
        warnings=warnings,
    )


def draft_batch(
    request: LetterRequest,
    requester: Requester,
    agencies: Iterable[AgencyInfo],
    *,
    overrides: Mapping[str, str] | None = None,
) -> Iterator[Letter]:
    """One letter per agency, lazily, each under the agency's own law."""
    for agency in agencies:
        yield draft_letter(request, requester, agency, overrides=overrides)


_CLOCK_LABELS = {
    "acknowledgment": "acknowledgment",
    "response": "response",
    "extension": "response",
    "expedited_decision": "decision on my request for expedited processing",
    "appeal_decision": "decision on my appeal",
}


def _missed_clock(law: Law, clock: str, due: date) -> str:
    """The follow-up's sentence on the clock the agency missed, from the law's own period."""
    period = law.period(clock)
    if period is None:
        raise DraftingError(
            f"the {law.name} sets no such period; its clocks: "
            + ", ".join(c.replace("_", " ") for c in sorted(law.periods))
        )
    cite = printable_citation(period.source.citation)
    when = format_date(due)
    if clock == "extension":
        return (
            f"You extended the time to respond to my request. Under {cite}, the extended time "
            f"ended on {when}, and I have not received your response."
        )
    if clock == "acknowledgment":
        if period.fixed:
            return (
                f"Under {cite}, you were to acknowledge my request "
                f"{_period_phrase(period, 'after receiving it')}, that is, by {when}. "
                "I have not received an acknowledgment."
            )
        return f"Under {cite}, you were to acknowledge my request by {when}. I have not received an acknowledgment."
    label = _CLOCK_LABELS.get(clock, "response")
    if period.fixed:
        return (
            f"Under {cite}, your {label} was due "
            f"{_period_phrase(period, 'after you received my request')}, that is, by {when}. "
            "I have not received it."
        )
    standard = _period_phrase(period, "after you received my request")
    return (
        f"Under {cite}, the law requires your {label} {standard}. I asked for it by {when}, "
        "and that date has passed without a response."
    )


def draft_follow_up(
    requester: Requester,
    agency: AgencyInfo,
    law: Law,
    *,
    sent_on: date,
    due: date,
    letter_date: date,
    summary: str,
    clock: str = "response",
    reference: str = "",
    subject_line: str = "",
    overrides: Mapping[str, str] | None = None,
) -> Letter:
    """A follow-up letter citing the statutory clock the agency missed and its due date.

    ``summary`` names what was asked for, for use mid-sentence ("records concerning ...").
    """
    _check_law(law, agency)
    requirement = _missed_clock(law, clock, due)
    subject_line = subject_line or (
        f"Overdue {law.name} request of {format_date(sent_on)}"
        + (f", tracking number {reference}" if reference else "")
    )
    templates = _templates(overrides, None)
    values = _common_values(law, agency, requester, letter_date, subject_line)
    values |= {
        "request.sent_date": format_date(sent_on),
        "request.reference": f", which you assigned tracking number {_clean(reference)}"
        if reference
        else "",
        "request.summary": _clean(summary).rstrip("."),
        "clock.requirement": requirement,
        "clock.due_date": format_date(due),
    }
    paragraphs: list[str] = []
    for name in ("heading", "salutation", "follow_up", "closing"):
        paragraphs += templates[name].render(values)
    return _finish(paragraphs, subject_line, agency, law, "follow_up", [])


# Arguments for the federal exemptions a denial may cite (5 U.S.C. § 552(b)), each answering
# what the agency must show; the foreseeable-harm standard is 5 U.S.C. § 552(a)(8)(A)(i).
_FEDERAL_EXEMPTIONS: dict[str, str] = {
    "(b)(3)": "Exemption 3 applies only where a statute specifically exempts the material. "
    "Please identify the statute and show that each withheld record falls within it.",
    "(b)(4)": "Exemption 4 covers only trade secrets and commercial or financial information "
    "obtained from a person that is privileged or confidential. Agreements between government "
    "agencies, and the payments made under them, are not information obtained from a person.",
    "(b)(5)": "Exemption 5 protects only records that are both predecisional and deliberative. "
    "Signed agreements, final policies and records of payments are final agency records, not "
    "deliberations, and the privilege does not cover factual material.",
    "(b)(6)": "Exemption 6 requires a balancing in which only a clearly unwarranted invasion of "
    "personal privacy justifies withholding. Public employees acting in their official "
    "capacities have a diminished privacy interest, and the public interest in how the agency "
    "carries out these agreements is substantial. Where a privacy interest exists, redacting "
    "a name or identifier, not withholding the record, is the remedy.",
    "(b)(7)(A)": "Exemption 7(A) requires the agency to identify a pending or reasonably "
    "anticipated enforcement proceeding and to show how release of each category of records "
    "could reasonably be expected to interfere with it.",
    "(b)(7)(C)": "Exemption 7(C) requires the agency to show that the records were compiled "
    "for law enforcement purposes and that disclosure could reasonably be expected to be an "
    "unwarranted invasion of personal privacy, weighed against the public interest in "
    "understanding how the agency and its partners perform their duties. Redaction of names "
    "and identifiers, not withholding of whole records, answers any privacy interest.",
    "(b)(7)(E)": "Exemption 7(E) protects only techniques and procedures for law enforcement "
    "investigations that are not generally known, and guidelines whose disclosure could "
    "reasonably be expected to risk circumvention of the law. The terms of agreements with "
    "local agencies, their costs and their oversight are not investigative techniques, and "
    "routine methods already known to the public are not protected.",
    "(b)(7)(F)": "Exemption 7(F) requires a showing that disclosure could reasonably be "
    "expected to endanger the life or physical safety of an identifiable individual.",
}
_EXEMPTION_RE = re.compile(r"\(?b\)?\s*\(?(\d)\)?(?:\s*\(?([A-Fa-f])\))?")


def federal_exemptions(text: str) -> list[str]:
    """The exemptions named in ``text`` ("(b)(6), b7C, (b)(7)(E)"), normalised and in order."""
    found: list[str] = []
    for number, letter in _EXEMPTION_RE.findall(text or ""):
        key = f"(b)({number})" + (f"({letter.upper()})" if letter else "")
        if key not in found:
            found.append(key)
    return found


@dataclass(frozen=True)
class Determination:
    """What the agency decided, as recorded on the request's timeline."""

    decided_on: date | None
    kind: str  # denial | partial | no_records | deemed
    exemptions: str = ""  # the exemptions as the agency cited them


def appeal_grounds(law: Law, determination: Determination) -> list[str]:
    """The appeal's argument paragraphs, built from the recorded determination."""
    federal = law.code == "US"
    paragraphs: list[str] = []
    if determination.kind == "deemed":
        paragraphs.append(
            "You did not make a determination on my request within the time the law allows, "
            f"which the {law.name} treats as a denial"
            + (f" ({printable_citation(law.silence.source.citation)})." if law.silence else ".")
            + " I ask that you now release the records without further delay."
        )
    if determination.kind == "no_records":
        paragraphs.append(
            "You told me that no responsive records were found. I appeal the adequacy of the "
            "search. An agency must show that it made a good-faith search reasonably calculated "
            "to find the records requested, using methods that can reasonably be expected to "
            "produce them. Agreements of this kind are signed, renewed and paid for, so records "
            "of them exist in the offices that approve, fund and supervise them. Please search "
            "again, and tell me which offices, files and electronic systems were searched, with "
            "which terms, and by whom."
        )
    cited = federal_exemptions(determination.exemptions) if federal else []
    for key in cited:
        argument = _FEDERAL_EXEMPTIONS.get(key)
        if argument is None:
            argument = (
                f"The determination cites exemption {key} without showing how it applies to "
                "each record withheld. Please justify it record by record."
            )
        name = key[3:].replace("(", "", 1).replace(")", "", 1)  # "(7)(C)" -> "7(C)"
        lead = f"Exemption {name} "
        if argument.startswith(lead):
            argument = f"{lead}(5 U.S.C. § 552{key}) {argument[len(lead) :]}"
        else:
            argument = f"{lead}(5 U.S.C. § 552{key}). {argument}"
        paragraphs.append(argument)
    if determination.kind in ("denial", "partial"):
        if federal:
            paragraphs.append(
                "Even where an exemption applies, the agency may withhold information only if it "
                "reasonably foresees that disclosure would harm an interest the exemption "
                "protects, or if disclosure is prohibited by law (5 U.S.C. § 552(a)(8)(A)(i)). "
                "The determination identifies no such harm."
            )
            paragraphs.append(
                "The agency must also consider whether partial disclosure is possible, take "
                "reasonable steps to segregate and release nonexempt information "
                "(5 U.S.C. § 552(a)(8)(A)(ii)), and release any reasonably segregable portion "
                "of a record after deleting the exempt portions (5 U.S.C. § 552(b)), "
                "indicating the amount and place of each deletion."
            )
        else:
            exemptions = (
                f" The determination cites {_clean(determination.exemptions)}."
                if determination.exemptions.strip()
                else " The determination cites no specific exemption."
            )
            paragraphs.append(
                "Records of a public agency are open unless a specific exemption in "
                f"{printable_citation(law.exemptions_citation or law.citation)} applies to "
                "them, and the agency bears the burden of showing that it does."
                + exemptions
                + " Please identify, for each record withheld, the exemption relied on and why "
                "it applies, and release every portion that is not exempt."
            )
    return paragraphs


def draft_appeal(
    requester: Requester,
    agency: AgencyInfo,
    law: Law,
    *,
    sent_on: date,
    determination: Determination,
    letter_date: date,
    summary: str,
    appeal_deadline: date | None = None,
    reference: str = "",
    subject_line: str = "",
    overrides: Mapping[str, str] | None = None,
) -> Letter:
    """An administrative appeal to the law's appeal authority, built from the recorded facts.

    ``agency`` is the office that decided the request; the letter is addressed to the appeal
    office the law library names for it (or to the agency's head). Under a law without an
    administrative appeal the letter asks the agency to reconsider and names the court remedy.
    """
    _check_law(law, agency)
    appeal = _appeal_for(law, agency)
    if appeal_deadline is not None and appeal_deadline < letter_date:
        raise DraftingError(
            f"the appeal deadline {format_date(appeal_deadline)} is before the letter date"
        )
    addressee = appeal_addressee(law, agency)
    reconsider = not appeal.available
    reference_words = f", tracking number {_clean(reference)}" if reference else ""
    if reconsider:
        subject_line = subject_line or (
            f"Request for reconsideration: {law.name} request of {format_date(sent_on)}"
            + reference_words
        )
    else:
        subject_line = subject_line or (
            ("Freedom of Information Act Appeal" if law.code == "US" else f"{law.name} appeal")
            + f": request of {format_date(sent_on)}"
            + reference_words
        )
    templates = _templates(overrides, None)
    values = _common_values(law, addressee.info, requester, letter_date, subject_line)
    period = _appeal_period_words(appeal)
    decided = determination.decided_on
    when = format_date(decided) if decided else ""
    what = {
        "denial": f"Your determination dated {when} denied my request.",
        "partial": f"Your determination dated {when} withheld records in part.",
        "no_records": f"Your response dated {when} stated that no responsive records were found.",
        "deemed": "I have received no determination, and the law treats the request as denied"
        + (f" as of {when}." if when else "."),
    }[determination.kind]
    if period and appeal_deadline is not None:
        rule = (
            f"This appeal is timely: the law allows an appeal {period} "
            f"({printable_citation(appeal.source.citation)}), and the last day is "
            f"{format_date(appeal_deadline)}."
        )
    elif appeal.available:
        rule = (
            f"The law sets no time limit for this appeal "
            f"({printable_citation(appeal.source.citation)})."
        )
    else:
        rule = ""
    relief = (
        "I ask that the determination be reversed and the records withheld be released, or, "
        "where a withholding is upheld, that the exemption relied on be identified for each "
        "record and every reasonably segregable portion be released."
    )
    if determination.kind == "no_records":
        relief = (
            "I ask that you remand the request for a new and adequate search and the release "
            "of the records it finds."
        )
    if law.code == "US":
        decision = law.period("appeal_decision")
        if decision is not None:
            relief += (
                " The law requires a determination on this appeal within 20 working days after "
                f"you receive it ({printable_citation(decision.source.citation)})."
            )
    values |= {
        "request.sent_date": format_date(sent_on),
        "request.reference": reference_words,
        "request.summary": _clean(summary).rstrip("."),
        "determination.date": format_date(decided) if decided else "",
        "determination.summary": what,
        "appeal.grounds": "\n\n".join(appeal_grounds(law, determination)),
        "appeal.rule": rule,
        "appeal.citation": printable_citation(appeal.source.citation),
        "appeal.deadline": format_date(appeal_deadline) if appeal_deadline else "",
        "appeal.to_whom": _appeal_to_words(appeal, agency),
        "appeal.relief": relief,
    }
    paragraphs: list[str] = []
    body = "reconsideration" if reconsider else "appeal"
    for name in ("heading", "salutation", body, "closing"):
        paragraphs += templates[name].render(values)
    return _finish(
        paragraphs, subject_line, addressee.info, law, "appeal", list(addressee.warnings)
    )


# The name the drafting API is documented under in letter_templates/README.md.
render_letter = draft_letter

"""Request letters: subject items + requester + agency + law -> one list of paragraphs.

``Letter.paragraphs`` is the single source of the words: the email body (``text()``), the HTML
preview (``html()``) and the .docx (``records.letters_docx.to_docx``) are all made from it, so
they cannot disagree. The law decides which pieces of ``letter_templates/`` appear and supplies
every legal fact (statute, citation, response period, fee and appeal rules); the pieces supply
the prose. Nothing here reads the clock: the letter date comes in with the request.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from records.core.paths import shipped
from records.laws import get_law
from records.laws.model import Appeal, Law, Period
from records.letters_template import Template, TemplateError, compile_template, paragraphs_of
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
        "agency.name",
        "agency.address_block",
        "agency.attention",
        "requester.name",
        "requester.organization",
        "requester.contact",
        "requester.signature",
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
    "determination.date",
    "determination.summary",
    "appeal.grounds",
    "appeal.rule",
    "appeal.citation",
    "appeal.deadline",
    "appeal.to_whom",
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
    "expedite_federal": _REQUEST,
    "segregability": _REQUEST,
    "appeal_rights": _REQUEST,
    "appeal_none": _REQUEST,
    "deadline": _REQUEST,
    "follow_up": _FOLLOW_UP,
    "appeal": _APPEAL,
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
        after = f" {after_receipt}" if period.runs_from == "receipt" else ""
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
    return f'in the time the law sets ("{words}")'


def _appeal_for(law: Law, agency: AgencyInfo) -> Appeal:
    component = law.components.get(agency.component.upper()) if agency.component else None
    return component.appeal if component else law.appeal


def _appeal_period(appeal: Appeal) -> str:
    period = appeal.period
    if period is None:
        return ""
    if period.fixed and period.count is not None:
        start = {
            "determination": "after the date of your determination",
            "receipt": "after you receive this request",
        }.get(period.runs_from, "")
        return f"within {_days(period.count, period.unit)} {start}".rstrip()
    return period.text


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text.startswith(("The ", "A ", "An ")) else text


def _address_block(agency: AgencyInfo) -> str:
    lines = [agency.name]
    if agency.parent and agency.parent not in agency.name:
        lines.append(agency.parent)
    lines += [line.strip() for line in agency.mailing_address.splitlines() if line.strip()]
    if agency.email:
        lines.append(f"By email: {agency.email}")
    return "\n".join(_clean(line) for line in lines)


def _signature(requester: Requester) -> str:
    lines = [requester.name, requester.organization]
    lines += requester.address.splitlines()
    lines += [requester.email, requester.phone]
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
        "agency.name": _clean(agency.name),
        "agency.address_block": _address_block(agency),
        "agency.attention": _clean(agency.attention)
        or ("FOIA Officer" if agency.federal else "Records Custodian"),
        "requester.name": _clean(requester.name),
        "requester.organization": _clean(requester.organization),
        "requester.contact": _clean(contact),
        "requester.signature": _signature(requester),
        "requester.residency": "citizen and resident" if requester.us_citizen else "resident",
        "law.name": law.name,
        "law.citation": law.citation,
        "law.jurisdiction": law.jurisdiction,
        "law.response_period": response_period(law),
        "law.response_citation": law.periods["response"].source.citation,
        "law.exemptions_citation": law.exemptions_citation or law.citation,
        "law.fees_citation": law.fees.source.citation,
        "law.fee_waiver_citation": law.fee_waiver.source.citation,
        "law.who_may_request_citation": law.who_may_request.source.citation,
        "law.appeal_to": _lower_first(appeal.to_whom),
        "law.appeal_period": _appeal_period(appeal),
        "law.appeal_citation": appeal.source.citation,
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
        if not text:
            missing.append(f"{name} ({known[name].label})")
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
        out["fee_waiver"] = component.fee_waiver.source.citation
    if component.expedite is not None:
        out["expedite"] = component.expedite.source.citation
    return out


def _select_items(request: LetterRequest, agency: AgencyInfo) -> tuple[list[Item], list[str]]:
    subject = get_subject(request.subject)
    if not request.items:
        raise DraftingError(
            f"choose at least one item of {subject.key!r}: {', '.join(subject.items)}"
        )
    chosen = [subject.item(key) for key in dict.fromkeys(request.items)]
    held = [item for item in chosen if item.held_by(agency.level)]
    warnings = [
        f"Left out {item.label!r}: a {agency.level} agency does not hold these records."
        for item in chosen
        if not item.held_by(agency.level)
    ]
    if not held:
        raise DraftingError(
            f"none of the chosen items are held by a {agency.level} agency; items it holds: "
            + ", ".join(i.key for i in subject.items_for(agency.level))
        )
    return held, warnings


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
    items, warnings = _select_items(request, agency)
    item_values = _item_values(items, request, agency)
    if request.format not in FORMATS:
        raise DraftingError(f"unknown format {request.format!r}; use one of {sorted(FORMATS)}")
    if requester.fee_category not in FEE_CATEGORIES:
        raise DraftingError(
            f"unknown fee category {requester.fee_category!r}; use one of {sorted(FEE_CATEGORIES)}"
        )
    if request.want_fee_waiver and not requester.waiver_justification.strip():
        raise DraftingError("a fee-waiver request needs the requester's waiver justification")
    if request.want_expedite and agency.federal and not requester.expedite_justification.strip():
        raise DraftingError("an expedited-processing request needs the requester's justification")

    subject = get_subject(request.subject)
    subject_line = request.subject_line or f"{law.name} request: {subject.label}"
    values = _common_values(law, agency, requester, request.letter_date, subject_line)
    # "Police and jail ..." reads "police and jail ..." mid-sentence; "ICE ..." stays as is.
    label = subject.label
    values["letter.topic"] = label[:1].lower() + label[1:] if label[1:2].islower() else label
    regs = _component_regulations(law, agency)
    category, category_cite = FEE_CATEGORIES[requester.fee_category]
    expedited = law.period("expedited_decision")
    values |= {
        "request.fee_cap": _money(request.fee_cap),
        "request.format": FORMATS[request.format],
        "request.date_from": item_values.get("date_from", ""),
        "request.date_to": item_values.get("date_to", ""),
        "fee.category": category,
        "fee.category_citation": category_cite,
        "fee.waiver_authority": " and ".join(
            x for x in (law.fee_waiver.source.citation, regs.get("fee_waiver")) if x
        ),
        "fee.waiver_justification": _clean(requester.waiver_justification),
        "expedite.authority": " and ".join(
            x for x in ("5 U.S.C. § 552(a)(6)(E)", regs.get("expedite")) if x
        ),
        "expedite.justification": _clean(requester.expedite_justification),
        "expedite.decision_period": _period_phrase(expedited, "after the date of this request")
        if expedited
        else "",
        "expedite.decision_citation": expedited.source.citation if expedited else "",
    }

    warning = residency_warning(requester, law)
    if warning:
        warnings.append(warning)

    order: list[str] = ["heading", "salutation", "opening"]
    if law.residents_only and warning is None:
        order.append("residents_only")
    order.append("records_intro")
    paragraphs: list[str] = []
    for name in order:
        paragraphs += templates[name].render(values)
    for number, item in enumerate(items, start=1):
        text = " ".join(item.template_for(agency.federal).render(item_values))
        paragraphs.append(f"{number}. {text}")
    order = ["format"]
    if agency.federal:
        order.append("fee_category_federal")
    order.append("fees")
    if request.want_fee_waiver:
        order.append("fee_waiver_federal" if agency.federal else "fee_waiver_state")
    if request.want_expedite:
        if agency.federal:
            order.append("expedite_federal")
        else:
            warnings.append(
                f"Expedited processing is a federal FOIA procedure; {law.name} sets none, "
                "so the letter does not ask for it."
            )
    order += ["segregability"]
    order.append("appeal_rights" if _appeal_for(law, agency).available else "appeal_none")
    order += ["deadline", "closing"]
    for name in order:
        paragraphs += templates[name].render(values)
    return _finish(paragraphs, subject_line, agency, law, "request", warnings)


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
    flat = [
        _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", p))
        for para in paragraphs
        for p in paragraphs_of(para)
    ]
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
    "extension": "response within the extended time",
    "expedited_decision": "decision on expedited processing",
    "appeal_decision": "decision on my appeal",
}


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
    """A follow-up letter citing the statutory clock the agency missed and its due date."""
    _check_law(law, agency)
    period = law.period(clock)
    if period is None:
        raise DraftingError(
            f"{law.code} sets no {clock!r} period; its clocks: {', '.join(sorted(law.periods))}"
        )
    label = _CLOCK_LABELS.get(clock, clock.replace("_", " "))
    cite = period.source.citation
    if period.fixed:
        requirement = (
            f"The {law.name} required your {label} "
            f"{_period_phrase(period, 'after you received my request')} ({cite}), that is, "
            f"by {format_date(due)}."
        )
    else:
        words = period.text.strip().rstrip(".")
        ended = (
            f"By my count that period ended on {format_date(due)}."
            if words.lower().startswith("within")
            else f"I asked for it by {format_date(due)}, and that date has passed."
        )
        requirement = f'The {law.name} requires your {label} "{words}" ({cite}). {ended}'
    subject_line = subject_line or (
        f"Overdue {law.name} request" + (f", your reference {reference}" if reference else "")
    )
    templates = _templates(overrides, None)
    values = _common_values(law, agency, requester, letter_date, subject_line)
    values |= {
        "request.sent_date": format_date(sent_on),
        "request.reference": f" (your reference {_clean(reference)})." if reference else "",
        "request.summary": _clean(summary).rstrip(".") + ("" if reference else "."),
        "clock.requirement": requirement,
        "clock.due_date": format_date(due),
    }
    paragraphs: list[str] = []
    for name in ("heading", "salutation", "follow_up", "closing"):
        paragraphs += templates[name].render(values)
    return _finish(paragraphs, subject_line, agency, law, "follow_up", [])


def draft_appeal(
    requester: Requester,
    appeal_office: AgencyInfo,
    law: Law,
    *,
    sent_on: date,
    determination_date: date,
    appeal_deadline: date,
    letter_date: date,
    summary: str,
    grounds: str,
    reference: str = "",
    subject_line: str = "",
    overrides: Mapping[str, str] | None = None,
) -> Letter:
    """An administrative appeal to the office the law names, stating its deadline."""
    _check_law(law, appeal_office)
    appeal = _appeal_for(law, appeal_office)
    if not appeal.available:
        raise DraftingError(
            f"{law.name} provides no administrative appeal ({appeal.source.citation}). "
            f"{appeal.note}".strip()
        )
    if appeal_deadline < letter_date:
        raise DraftingError(
            f"the appeal deadline {format_date(appeal_deadline)} is before the letter date"
        )
    subject_line = subject_line or (
        ("Freedom of Information Act Appeal" if law.code == "US" else f"{law.name} appeal")
        + (f", reference {reference}" if reference else "")
    )
    templates = _templates(overrides, None)
    values = _common_values(law, appeal_office, requester, letter_date, subject_line)
    period = _appeal_period(appeal)
    values |= {
        "request.sent_date": format_date(sent_on),
        "request.reference": f" (reference {_clean(reference)})" if reference else "",
        "determination.date": format_date(determination_date),
        "determination.summary": _clean(summary),
        "appeal.grounds": _clean(grounds),
        "appeal.rule": f"the law allows an appeal {period}" if period else appeal.note,
        "appeal.citation": appeal.source.citation,
        "appeal.deadline": format_date(appeal_deadline),
        "appeal.to_whom": _lower_first(appeal.to_whom),
    }
    paragraphs: list[str] = []
    for name in ("heading", "salutation", "appeal", "closing"):
        paragraphs += templates[name].render(values)
    return _finish(paragraphs, subject_line, appeal_office, law, "appeal", [])


# The name the drafting API is documented under in letter_templates/README.md.
render_letter = draft_letter

"""PURE: what an agency's email says, read as a proposed timeline event a member confirms.

``read(subject, body)`` returns the category (acknowledgment, extension, fee estimate,
clarification, no records, partial or full denial, release, portal notice, other), the
proposal kind the filing module knows, and the values it found (tracking number, days or new
date, amount, exemptions, portal link). Quoted text of our own letter is cut off first: it
talks about fees, records and waivers too. The corpus in the tests measures this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from records.core.written_dates import MONTHS

CATEGORIES = (
    "acknowledgment",
    "extension",
    "fee_estimate",
    "clarification",
    "no_records",
    "partial_denial",
    "full_denial",
    "release",
    "portal_notice",
    "other",
)
# Category -> the proposal kind of records.filing.service (PROPOSAL_LABELS).
PROPOSAL_KIND = {
    "acknowledgment": "acknowledged",
    "extension": "extension_claimed",
    "fee_estimate": "fee_estimate",
    "clarification": "clarification_requested",
    "no_records": "final_response:no_records",
    "partial_denial": "final_response:partial",
    "full_denial": "denial",
    "release": "final_response:full",
    "portal_notice": "interim_release",
    "other": "correspondence",
}

QUOTE_START = re.compile(
    r"(?im)^(-{2,}\s*original message\s*-{2,}|on .{0,120}wrote:\s*$|from:\s.+\n\s*sent:\s|"
    r"_{10,}|begin forwarded message)"
)
FEDERAL_EX = re.compile(r"\(\s*b\s*\)\s*\(\s*([1-9])\s*\)(?:\s*\(\s*([A-Fa-f])\s*\))?")
EXEMPTION_WORD = re.compile(
    r"(?i)\bexemptions?\s+((?:[1-9](?:\s*\(\s*[A-Fa-f]\s*\))?(?:\s*,\s*|\s+and\s+|\s*&\s*|\s+)?)+)"
)
STATE_SECTION = re.compile(
    r"(?i)(?:§+|\bsections?|\bsec\.)\s*(\d{1,4}(?:[.:-]\d+[A-Za-z]?)*(?:\s*\(\s*\w{1,4}\s*\))*)"
)
# Codes cited without a section sign: "RCW 42.56.240", "N.J.S.A. 47:1A-1.1".
NAMED_CODE = re.compile(r"\b(RCW|N\.J\.S\.A\.|ORS|MCL|KRS)\s+(\d[\d.:A-Za-z-]*\d)")
ILCS = re.compile(r"(?i)\b5\s+ILCS\s+140\s*/\s*7(?:\.5)?(?:\s*\(\s*\w{1,4}\s*\))*")
TRACKING_LABELED = re.compile(
    r"(?i)(?:tracking|request|reference|case|control|confirmation|foia|foil|cpra|file|ticket)"
    r"\s*(?:number|no\.?|#|id)?\s*(?:is|of)?\s*[:#]?\s*"
    r"([A-Z0-9][A-Z0-9-]{2,30}[0-9])\b"
)
TRACKING_SHAPES = (
    re.compile(r"\b(\d{4}-[A-Z]{2,8}-\d{3,8})\b"),  # 2027-ICFO-12345, 2026-HQFO-00123
    re.compile(r"\b([A-Z]{2,8}-\d{4}-\d{3,8})\b"),  # DOJ-2026-001234, EPA-2026-004512
    re.compile(r"\b([A-Z]{1,3}\d{2,4}-\d{5,8})\b"),  # GovQA style W001234-112426
    re.compile(r"\b(\d{2}-\d{3,6})\b(?=[^\n]{0,40}(?:request|portal))", re.IGNORECASE),
)
NUMBER_WORDS = {
    "five": 5,
    "seven": 7,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}
DAYS = re.compile(
    r"(?i)\b(\d{1,3}|five|seven|ten|fifteen|twenty|thirty|forty-five|sixty|ninety)"
    r"(?:\s*\(\d{1,3}\))?(?:\s+|-)(?:additional\s+|more\s+|extra\s+)?"
    r"(?:working\s+|business\s+|calendar\s+|work\s+)?days?\b"
)
DATE_WORDS = re.compile(
    r"(?i)\b(january|february|march|april|may|june|july|august|september|october|november|"
    r"december)\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})"
)
DATE_SLASH = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
AMOUNT = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})*(?:\.\d{2})?|\d+(?:\.\d{2})?)")
URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


def _any(text: str, *patterns: str) -> bool:
    return any(re.search(p, text) for p in patterns)


RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "partial_denial",
        (
            r"released? in part",
            r"withheld in part",
            r"partial(ly)? (grant|release|denial|denied|granted)",
            r"granted in part",
            r"denied in part",
            r"portions? (of the records? )?(have|has|were|was) (been )?(withheld|redacted)",
            r"(with|contain) (certain )?redactions",
            r"redacted (pursuant|under|in accordance)",
            r"have been redacted",
            r"information (has been|was) (withheld|redacted)",
        ),
    ),
    (
        "full_denial",
        (
            r"denied in (full|its entirety)",
            r"withh(eld|olding) (them |the records? )?in (full|their entirety|its entirety)",
            r"(request|records?) (is|are) (hereby )?denied",
            r"must (respectfully )?deny",
            r"(we|i) (are|am) (denying|unable to release|unable to provide)",
            r"deny(ing)? your request",
            r"neither confirm nor deny",
            r"(is|are) exempt from (public )?disclosure",
            r"(is|are) not subject to (public )?disclosure",
            r"declines? to (release|produce|disclose)",
        ),
    ),
    (
        "no_records",
        (
            r"no (responsive )?records",
            r"no documents (responsive|were located|matching)",
            r"(unable to|could not|did not|was not able to|were not able to) (locate|find|identify) any",
            r"(did not|failed to) (locate|find|yield|produce) (any )?(responsive )?(records|documents)",
            r"search (yielded|produced|returned|located) (no|zero)",
            r"(does|do) not (maintain|possess|have) (any )?(records|documents)",
            r"not in (the )?(possession|custody)",
            r"zero responsive",
        ),
    ),
    (
        "fee_estimate",
        (
            r"fee estimate",
            r"estimated (fees?|cost|charges?|total)",
            r"estimate of (the )?(fees?|costs?|charges?)",
            r"(anticipated|projected|expected) (fees?|costs?|charges?)",
            r"advance (payment|deposit)",
            r"deposit of \$",
            r"(fees?|costs?|charges?) (will|would) (total|be|exceed|amount)",
            r"(will|would) cost (approximately |about )?\$",
            r"(agree|commit|willing(ness)?) to pay",
            r"cost of \$\s?\d",
        ),
    ),
    (
        "extension",
        (
            r"unusual circumstances",
            r"\bextension\b",
            r"\bextend(ing|ed)? (the|our|its) (time|deadline|response|period)",
            r"additional (time|\d+|ten|fifteen|twenty|thirty) (working |business |calendar )?(days?|time)",
            r"(needs?|requires?|requiring) (additional|more) time",
            r"(will|expect to|anticipate(s)?( that we will)?) (respond|provide (a|our) response)"
            r" (by|on or before|no later than)",
            r"response date (has been|is) (moved|revised|changed)",
        ),
    ),
    (
        "clarification",
        (
            r"\bclarif(y|ication)",
            r"more specific",
            r"(does not|do not|did not) reasonably describe",
            r"(please )?(narrow|specify) (the scope|your request|the (date|time) (range|frame))",
            r"perfect your request",
            r"(unable|not able) to (process|proceed with) your request (until|without)",
            r"need (more|additional) information (from you|to process)",
            r"please (let us know|confirm|provide) (which|what|whether|the specific)",
        ),
    ),
    (
        "portal_notice",
        (
            r"(available|ready|posted|uploaded|released)[^.]{0,60}"
            r"(portal|secure ?release|foiaonline|nextrequest|govqa|justfoia)",
            r"(log ?in|sign in) to (the |our )?(\w+ )?(portal|account)",
            r"(portal|nextrequest|govqa|justfoia|securerelease|foiaxpress).{0,80}(download|view|retrieve)",
            r"(download|retrieve|view) (the |your )?(records|documents|files).{0,60}(portal|link)",
        ),
    ),
    (
        "release",
        (
            r"(enclosed|attached) (please find|are|is) (the )?(responsive|records|documents|copies)",
            r"please find (enclosed|attached)",
            r"(responsive )?records are (enclosed|attached)",
            r"released in full",
            r"granted in full",
            r"(full|complete|final) (release|production|response)",
            r"(producing|releasing|provide|providing) (the |all )?(responsive )?(records|documents)",
            r"(interim|rolling|first|second) (release|production)",
            r"(have|has) been (released|produced)",
        ),
    ),
    (
        "acknowledgment",
        (
            r"acknowledg",
            r"(received|receipt of) your (foia |public records |records |open records )?request",
            r"(has been|was) (received|assigned|logged|entered)",
            r"(tracking|reference|request|confirmation) (number|no\.?|#)",
            r"thank you for (your|submitting)",
            r"we have received",
        ),
    ),
)
# Words that take a rule back: "this is not a denial", "no fees", "fees are waived".
NEGATIONS = {
    "full_denial": (r"not a denial", r"(is|are) not (being )?denied", r"not denying"),
    "fee_estimate": (
        r"no (fees?|charges?) (will be|are|is) (charged|assessed|due)",
        r"(fees?|costs?) (has|have) been waived",
        r"fee waiver (is|has been) granted",
        r"no charge",
        r"fees? (will|would) not exceed",
    ),
    "extension": (r"no extension", r"not (need|require) (an )?extension"),
}


@dataclass
class Reading:
    """What the classifier read from one email."""

    category: str
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


def strip_quoted(body: str) -> str:
    """The agency's own words: the body cut at the quoted original and ``>`` lines removed."""
    m = QUOTE_START.search(body)
    if m:
        body = body[: m.start()]
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith(">"))


def _negated(category: str, text: str) -> bool:
    return any(re.search(p, text) for p in NEGATIONS.get(category, ()))


def category_of(subject: str, body: str) -> str:
    """The first category whose words appear (negated ones skipped)."""
    text = re.sub(r"\s+", " ", f"{subject}\n{strip_quoted(body)}").lower()
    for category, patterns in RULES:
        if category == "fee_estimate" and not AMOUNT.search(text) and "estimate" not in text:
            continue
        if _any(text, *patterns) and not _negated(category, text):
            return category
    return "other"


def exemptions(text: str, *, state: bool = True) -> list[str]:
    """Exemptions cited: federal codes as ``(b)(7)(C)``, state sections as written."""
    out: list[str] = []
    for m in FEDERAL_EX.finditer(text):
        out.append(f"(b)({m.group(1)})" + (f"({m.group(2).upper()})" if m.group(2) else ""))
    for m in EXEMPTION_WORD.finditer(text):
        for n, sub in re.findall(r"([1-9])(?:\s*\(\s*([A-Fa-f])\s*\))?", m.group(1)):
            out.append(f"(b)({n})" + (f"({sub.upper()})" if sub else ""))
    if state:
        for m in ILCS.finditer(text):
            out.append(re.sub(r"\s+", " ", m.group(0)).replace(" /", "/").replace("/ ", "/"))
        for m in STATE_SECTION.finditer(text):
            section = re.sub(r"\s+", "", m.group(1))
            # A bare number ("section 902 of the Act") is not a citation worth keeping.
            federal = "u.s.c" in text[max(0, m.start() - 12) : m.start()].lower()
            if any(c in section for c in ".:-(") and not federal:
                out.append("§ " + section)
        for m in NAMED_CODE.finditer(text):
            out.append(f"{m.group(1)} {m.group(2)}")
    return list(dict.fromkeys(out))


def tracking_number(subject: str, body: str) -> str:
    """The agency's tracking number, labelled ("Request No. 26-1234") or by its shape."""
    for text in (subject, body):
        for m in TRACKING_LABELED.finditer(text):
            token = m.group(1)
            # A year ("request of 2026") or a count is not a tracking number.
            if len(token) >= 5 and not re.fullmatch(r"\d{1,5}|\d{1,3}(,\d{3})+", token):
                return token
    for shape in TRACKING_SHAPES:
        for text in (subject, body):
            shaped = shape.search(text)
            if shaped:
                return shaped.group(1)
    return ""


def dates_in(text: str) -> list[tuple[int, date]]:
    """Every date written out in ``text`` with its position."""
    found: list[tuple[int, tuple[int, int, int]]] = []
    for m in DATE_WORDS.finditer(text):
        found.append((m.start(), (int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))))
    for m in DATE_SLASH.finditer(text):
        found.append((m.start(), (int(m.group(3)), int(m.group(1)), int(m.group(2)))))
    for m in DATE_ISO.finditer(text):
        found.append((m.start(), (int(m.group(1)), int(m.group(2)), int(m.group(3)))))
    out = []
    for pos, (y, mo, d) in found:
        try:
            out.append((pos, date(y, mo, d)))
        except ValueError:
            continue
    return sorted(out)


def _new_due(text: str) -> str:
    for pos, when in dates_in(text):
        before = text[max(0, pos - 60) : pos].lower()
        if re.search(r"(by|before|until|no later than|on or about|through|to)\s*\W*$", before):
            return when.isoformat()
    return ""


def _days(text: str) -> int | None:
    for m in DAYS.finditer(text):
        around = text[max(0, m.start() - 80) : m.end() + 40].lower()
        if re.search(r"extend|extension|additional|unusual|more time|further", around):
            raw = m.group(1).lower()
            n = NUMBER_WORDS.get(raw) or (int(raw) if raw.isdigit() else 0)
            if 0 < n <= 365:
                return n
    return None


def _received(text: str) -> str:
    m = re.search(r"(?i)(received|receipt)[^.\n]{0,40}?\b(on|dated)\s+", text)
    if not m:
        return ""
    for pos, when in dates_in(text[m.end() : m.end() + 40]):
        if pos < 5:
            return when.isoformat()
    return ""


def read(subject: str, body: str) -> Reading:
    """Category, proposal kind and the values found."""
    own = strip_quoted(body)
    category = category_of(subject, body)
    data: dict[str, Any] = {}
    number = tracking_number(subject, own)
    if number:
        data["tracking_number"] = number
    if category == "acknowledgment":
        received = _received(own)
        if received:
            data["received"] = received
    elif category == "extension":
        days = _days(own)
        if days:
            data["days"] = days
        due = _new_due(own)
        if due:
            data["new_due"] = due
    elif category == "fee_estimate":
        amounts = AMOUNT.findall(own)
        if amounts:
            data["amount"] = "$" + amounts[0]
        data["payment_asked"] = bool(
            re.search(
                r"(?i)advance (payment|deposit)|remit|payment (of|is required|must)|deposit|"
                r"(agree|commit|commitment|willing(ness)?) to pay|check (payable|made out)",
                own,
            )
        )
    elif category in ("partial_denial", "full_denial"):
        found = exemptions(own)
        if found:
            data["exemptions"] = ", ".join(found)
    urls = [u.rstrip(".,;") for u in URL.findall(own)]
    if urls and category in ("portal_notice", "release"):
        data["portal_url"] = urls[0][:500]
    kind = PROPOSAL_KIND[category]
    if category == "portal_notice" and re.search(r"(?i)\bfinal\b|complete|all responsive", own):
        kind = "final_response:full"
    if category == "release" and re.search(
        r"(?i)\binterim\b|rolling|first (release|production)", own
    ):
        kind = "interim_release"
    return Reading(category, kind, data)

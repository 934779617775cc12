"""PURE: read proposed register facts from a document's text (no Flask, no database).

``propose(text, agency_names)`` returns what a member is asked to confirm or correct: the kind of
agreement from its wording, its dates, approvals (votes, resolutions, ordinances), officer counts,
the scope's exclusions, a forfeiture-sharing clause, the parties named in the organization's
directory, and the figures of an Equitable Sharing Agreement and Certification (ESAC), each with
the page it came from (pages are separated by form feeds) and the words it was read from.
Nothing here decides; a person does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from records.core.written_dates import MONTHS

# Agreement kinds: the value stored, and its label.
KINDS: dict[str, str] = {
    "287g_jem": "287(g) jail enforcement model",
    "287g_tfm": "287(g) task force model",
    "287g_wso": "287(g) warrant service officer",
    "hsi_title19": "HSI Title 19 customs cross-designation / task force officer MOU",
    "igsa": "Detention IGSA",
    "usms_iga": "USMS IGA with ICE rider",
    "secure_communities": "Secure Communities",
    "info_sharing": "Other information sharing",
    "database_access": "Database access",
    "lpr_access": "License-plate-reader access",
    "equitable_sharing": "Equitable-sharing agreement",
}
DATE_FACTS = ("signed", "effective", "expires", "renewed", "amended", "rescinded", "terminated")
APPROVAL_FACTS = ("vote", "resolution", "ordinance")
TERM_FACTS = ("officers", "scope", "exclusions", "sharing", "retention", "reporting")
PARTY_FACTS = ("local_party", "federal_party")
CLAUSES = ("scope", "exclusions", "sharing", "retention", "reporting")
FUNDS = ("justice", "treasury")
# ESAC summary lines, in the form's order; the spending categories are summed as "spent".
LEDGER_LINES: dict[str, str] = {
    "beginning_balance": "Beginning balance",
    "receipts": "Federal sharing funds received",
    "transfers_in": "Received from other agencies",
    "interest": "Interest income",
    "spent": "Total expenditures",
    "ending_balance": "Ending balance",
}
# The ESAC's "Summary of Shared Funds Spent", lines a-n (form OMB No. 1123-0011). Lines a-k as
# read in the form's copy at https://omb.report/icr/202112-1123-001/doc/117490500 (read
# 2026-12-02), which is cut off after "l | Suppor". Lines l-n by their headings in a filed ESAC's
# detail sections ("Support of Community-Based Programs", "Non-Categorized Expenditures",
# "Salaries"), Fresno County agreement A-19-404 with the Federal Equitable Sharing Program:
# https://lfpublicdocs.fresnocountyca.gov/PublicContracts/DocView.aspx?dbid=0&id=22747&repo=LFContracts
# (read 2026-12-02).
SPENDING_LINES: dict[str, str] = {
    "spent_operations": "a. Law Enforcement Operations and Investigations",
    "spent_training": "b. Training and Education",
    "spent_facilities": "c. Law Enforcement, Public Safety, and Detention Facilities",
    "spent_equipment": "d. Law Enforcement Equipment",
    "spent_joint": "e. Joint Law Enforcement/Public Safety Equipment and Operations",
    "spent_contracts": "f. Contracts for Services",
    "spent_travel": "g. Law Enforcement Travel and Per Diem",
    "spent_awards": "h. Law Enforcement Awards and Memorials",
    "spent_education": "i. Drug, Gang, and Other Education or Awareness Programs",
    "spent_matching": "j. Matching Grants",
    "spent_transfers": "k. Transfers to Other Participating Law Enforcement Agencies",
    "spent_community": "l. Support of Community-Based Programs",
    "spent_uncategorized": "m. Non-Categorized Expenditures",
    "spent_salaries": "n. Salaries",
}
# The two forms a state or local agency files to ask for a share of one federal forfeiture, and
# the fund the money comes from (records/laws is not involved: these are program forms).
SHARING_FORMS: dict[str, str] = {
    "dag71": "DOJ Equitable Sharing Request (Form DAG-71)",
    "tdf9222": "Treasury Request for Transfer of Property Seized/Forfeited (TD F 92-22.46)",
}
SHARING_FUND = {"dag71": "justice", "tdf9222": "treasury"}
SHARING_DECISIONS: dict[str, str] = {
    "pending": "Pending",
    "approved": "Approved",
    "partial": "Approved in part",
    "denied": "Denied",
    "withdrawn": "Withdrawn",
}

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
DATE_RE = (
    rf"(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}"  # July 18, 2017
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+day\s+of\s+{_MONTH},?\s+\d{{4}}"  # 18th day of July, 2017
    r"|\d{4}-\d{2}-\d{2}"  # 2017-07-18
    r"|\d{1,2}/\d{1,2}/\d{4})"  # 07/18/2017
)
NUMBERS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
}


@dataclass(frozen=True)
class Proposed:
    """One fact read from the text, for a member to confirm or correct."""

    target: str  # agreement | ledger | sharing
    name: str  # kind, a DATE_FACTS/APPROVAL_FACTS/TERM_FACTS/PARTY_FACTS name, or a ledger line
    value: str  # text shown and stored (a kind code, an ISO date, a number, a clause)
    page: int
    quote: str
    on: date | None = None
    tally: str = ""
    fund: str = ""
    fiscal_year: int | None = None
    amount_cents: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    def key(self) -> tuple[str, str, str]:
        """What a proposal is judged on against a hand-made answer (target, name, value); a
        clause is judged on being found, since its words are the member's to trim."""
        return (self.target, self.name, "present" if self.name in CLAUSES else self.value)


def parse_date(text: str) -> date | None:
    """A date written in one of the usual ways, or None."""
    t = " ".join(text.split())
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", t)
    if m:
        y, mo, d = (int(x) for x in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", t):
        mo, d, y = (int(x) for x in m.groups())
    elif m := re.fullmatch(rf"({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})", t, re.I):
        mo, d, y = MONTHS[m.group(1).lower()], int(m.group(2)), int(m.group(3))
    elif m := re.fullmatch(
        rf"(\d{{1,2}})(?:st|nd|rd|th)?\s+day\s+of\s+({_MONTH}),?\s+(\d{{4}})", t, re.I
    ):
        d, mo, y = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def parse_amount(text: str) -> int | None:
    """Dollars as written on a form ("$1,234.56", "(12.00)" negative, "-0-" zero) to cents."""
    t = text.strip().replace("$", "").replace(",", "").replace(" ", "")
    if t in {"-0-", "-", "0", ""}:
        return 0 if t else None
    negative = t.startswith("(") and t.endswith(")")
    t = t.strip("()")
    if not re.fullmatch(r"\d+(?:\.\d{1,2})?", t):
        return None
    whole, _, frac = t.partition(".")
    cents = int(whole) * 100 + int((frac + "00")[:2])
    return -cents if negative else cents


def pages_of(text: str) -> list[str]:
    """The document's pages (text extraction separates them with form feeds)."""
    return text.split("\f") if text else []


def _sentences(page: str) -> Iterable[str]:
    flat = " ".join(page.split())
    # Split after a full stop or semicolon followed by a capital, a number or a quote.
    yield from (
        s.strip()
        for s in re.split(r"(?<=[.;])(?<!No\.)(?<!U\.S\.)\s+(?=[A-Z0-9(\"“])", flat)
        if s.strip()
    )


def _quote(sentence: str, limit: int = 300) -> str:
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


# Wording -> kind, most specific first. Each is (kind, pattern); the first match wins.
KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("287g_wso", r"warrant service officer"),
    ("287g_tfm", r"287\s*\(g\).{0,300}task force model|task force model.{0,300}287\s*\(g\)"),
    ("287g_jem", r"287\s*\(g\).{0,300}jail enforcement|jail enforcement model"),
    ("hsi_title19", r"title 19|customs (?:officer|cross-designation)|cross-designat"),
    ("usms_iga", r"marshals service.{0,200}(?:rider|intergovernmental agreement)"),
    ("igsa", r"intergovernmental service agreement|\bIGSA\b"),
    ("secure_communities", r"secure communities"),
    ("lpr_access", r"license[- ]plate reader|\bALPR\b"),
    (
        "database_access",
        r"(?:access to|accounts? (?:on|in)|log-?ins? (?:to|for)).{0,80}"
        r"(?:jail management system|database|records management system)",
    ),
    ("equitable_sharing", r"equitable sharing agreement and certification"),
)

DATE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("rescinded", rf"rescind\w*.{{0,120}}?(?:on|effective)\s+({DATE_RE})"),
    ("rescinded", rf"({DATE_RE}).{{0,80}}?\brescind"),
    ("terminated", rf"terminat\w*.{{0,80}}?(?:on|effective|as of)\s+({DATE_RE})"),
    ("renewed", rf"(?:renew\w*|extend\w*).{{0,120}}?(?:on|through|until)\s+({DATE_RE})"),
    (
        "expires",
        rf"(?:expire\w*|remain in (?:full force and )?effect until|through)\s+(?:on\s+)?({DATE_RE})",
    ),
    ("amended", rf"amend\w*.{{0,60}}?(?:on|dated)\s+({DATE_RE})"),
    ("effective", rf"effective\s+(?:on\s+|as of\s+|date[:\s]+)?({DATE_RE})"),
    ("signed", rf"(?:signed|executed|entered into)\s+(?:on\s+|this\s+)?({DATE_RE})"),
    ("signed", rf"(?:Date|Dated)[:\s]+({DATE_RE})"),
    ("signed", rf"\bon\s+({DATE_RE}),?\s.{{0,120}}?\b(?:signed|executed|entered into)\b"),
)


def _kind(pages: list[str]) -> Proposed | None:
    for number, page in enumerate(pages, start=1):
        for sentence in _sentences(page):
            for kind, pattern in KIND_PATTERNS:
                if re.search(pattern, sentence, re.I):
                    return Proposed("agreement", "kind", kind, number, _quote(sentence))
    return None


def _dates(pages: list[str]) -> list[Proposed]:
    out: list[Proposed] = []
    seen: set[str] = set()
    for number, page in enumerate(pages, start=1):
        for sentence in _sentences(page):
            used: set[str] = set()  # a date written once in a sentence is one fact
            for name, pattern in DATE_PATTERNS:
                m = re.search(pattern, sentence, re.I)
                if not m or name in seen or m.group(1) in used:
                    continue
                on = parse_date(m.group(1))
                if on is None:
                    continue
                seen.add(name)
                used.add(m.group(1))
                out.append(
                    Proposed("agreement", name, on.isoformat(), number, _quote(sentence), on=on)
                )
    return out


def _approvals(pages: list[str]) -> list[Proposed]:
    out: list[Proposed] = []
    for number, page in enumerate(pages, start=1):
        for sentence in _sentences(page):
            m = re.search(
                r"(?:vote of|voted|by a vote of|approved(?: it)?)\s+(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})",
                sentence,
                re.I,
            )
            if m and not any(p.name == "vote" for p in out):
                tally = f"{m.group(1)}-{m.group(2)}"
                d = re.search(DATE_RE, sentence)
                on = parse_date(d.group(0)) if d else None
                out.append(
                    Proposed(
                        "agreement", "vote", tally, number, _quote(sentence), on=on, tally=tally
                    )
                )
            for name, word in (("resolution", "Resolution"), ("ordinance", "Ordinance")):
                r = re.search(
                    rf"\b{word}\s+(?:No\.|Number)\s*([0-9A-Z][0-9A-Z\-]*[0-9])", sentence, re.I
                )
                if r and not any(p.name == name for p in out):
                    out.append(Proposed("agreement", name, r.group(1), number, _quote(sentence)))
    return out


_COUNT = r"(\d{1,3}|" + "|".join(NUMBERS) + r")(?:\s*\(\d{1,3}\))?"


def _terms(pages: list[str]) -> list[Proposed]:
    out: list[Proposed] = []

    def once(name: str, value: str, number: int, sentence: str) -> None:
        if not any(p.name == name for p in out):
            out.append(Proposed("agreement", name, value, number, _quote(sentence)))

    for number, page in enumerate(pages, start=1):
        for sentence in _sentences(page):
            m = re.search(
                rf"(?:up to|no more than|not to exceed|designate|nominate|assign)\s+{_COUNT}\s+"
                r"(?:\w+\s+){0,4}?(?:officers?|deputies|detectives|personnel|TFOs?)\b",
                sentence,
                re.I,
            )
            if m:
                raw = m.group(1).lower()
                once("officers", str(NUMBERS.get(raw, raw)), number, sentence)
            if re.search(r"\bexclud\w*|\bshall not (?:enforce|be used)", sentence, re.I) and (
                re.search(r"immigration|civil", sentence, re.I)
            ):
                once("exclusions", _quote(sentence), number, sentence)
            if re.search(
                r"equitable(?:ly)? shar|distribution of (?:some )?seized|forfeit\w*.{0,80}shar"
                r"|shar\w*.{0,80}forfeit",
                sentence,
                re.I,
            ) and not re.search(r"equitable sharing agreement and certification", sentence, re.I):
                once("sharing", _quote(sentence), number, sentence)
            if re.search(r"\bretain\w*|retention", sentence, re.I) and re.search(
                r"\bdays?\b|\byears?\b|\bmonths?\b", sentence, re.I
            ):
                once("retention", _quote(sentence), number, sentence)
            if re.search(
                r"(?:shall|will) (?:report|provide|submit)\b.{0,120}"
                r"(?:quarterly|monthly|annual|statistic)",
                sentence,
                re.I,
            ):
                once("reporting", _quote(sentence), number, sentence)
    return out


FEDERAL_PARTIES: tuple[tuple[str, str], ...] = (
    ("Homeland Security Investigations", r"Homeland Security Investigations|\bHSI\b"),
    ("Enforcement and Removal Operations", r"Enforcement and Removal Operations|\bERO\b"),
    ("U.S. Immigration and Customs Enforcement", r"Immigration and Customs Enforcement|\bICE\b"),
    ("U.S. Marshals Service", r"Marshals Service|\bUSMS\b"),
    ("U.S. Department of Justice", r"Department of Justice"),
)


def _parties(pages: list[str], agency_names: Iterable[str]) -> list[Proposed]:
    out: list[Proposed] = []
    names = sorted({n for n in agency_names if len(n) >= 6}, key=len, reverse=True)
    for number, page in enumerate(pages, start=1):
        for sentence in _sentences(page):
            if not any(p.name == "local_party" for p in out):
                for name in names:
                    if name.lower() in sentence.lower():
                        out.append(
                            Proposed("agreement", "local_party", name, number, _quote(sentence))
                        )
                        break
            if not any(p.name == "federal_party" for p in out):
                for label, pattern in FEDERAL_PARTIES:
                    if re.search(pattern, sentence):
                        out.append(
                            Proposed("agreement", "federal_party", label, number, _quote(sentence))
                        )
                        break
    return out


# ESAC: the summary lines as the form words them, per fund section.
_MONEY = r"\(?\$?\s*-?[\d,]+(?:\.\d{2})?\)?|-0-"
ESAC_LINES: tuple[tuple[str, str], ...] = (
    ("beginning_balance", r"beginning (?:equitable sharing fund )?balance"),
    (
        "receipts",
        r"(?:federal )?sharing funds received(?! from other)|equitable sharing (?:funds|receipts) received",
    ),
    ("transfers_in", r"(?:funds )?received from other (?:law enforcement )?agencies"),
    ("interest", r"interest (?:income|earned)"),
    ("spent", r"total expenditures|total spent"),
    ("ending_balance", r"ending (?:equitable sharing fund )?balance"),
)


def _fiscal_year(pages: list[str]) -> tuple[int | None, int, str]:
    for number, page in enumerate(pages, start=1):
        for line in page.splitlines():
            m = re.search(
                r"fiscal year end(?:ing|s)?(?: date)?\s*[:\-]?\s*(" + DATE_RE + ")", line, re.I
            )
            if m and (on := parse_date(m.group(1))):
                return on.year, number, line.strip()
            m = re.search(r"\b(?:FY|fiscal year)\s*(\d{4})\b", line, re.I)
            if m:
                return int(m.group(1)), number, line.strip()
    return None, 0, ""


def _ledger(pages: list[str]) -> list[Proposed]:
    whole = "\f".join(pages)
    if not re.search(r"equitable sharing agreement and certification|\bESAC\b", whole, re.I):
        return []
    year, year_page, year_line = _fiscal_year(pages)
    out: list[Proposed] = []
    if year is not None:
        out.append(
            Proposed("ledger", "fiscal_year", str(year), year_page, year_line, fiscal_year=year)
        )
    fund = ""
    for number, page in enumerate(pages, start=1):
        for line in page.splitlines():
            low = line.lower()
            if re.search(
                r"department of (?:the )?treasury|treasury (?:forfeiture )?funds?\b", low
            ) and not re.search(_MONEY + r"\s*$", line):
                fund = "treasury"
            elif re.search(
                r"department of justice|justice funds?\b|doj funds?", low
            ) and not re.search(r"\d[\d,]*\.\d{2}\s*$", line):
                fund = "justice"
            if not fund:
                continue
            for name, pattern in ESAC_LINES:
                m = re.search(rf"(?:{pattern})\b[^$\d(]*?({_MONEY})\s*$", line, re.I)
                if m and (cents := parse_amount(m.group(1))) is not None:
                    if any(p.name == name and p.fund == fund for p in out):
                        break
                    out.append(
                        Proposed(
                            "ledger",
                            name,
                            f"{fund}:{cents}",
                            number,
                            line.strip(),
                            fund=fund,
                            fiscal_year=year,
                            amount_cents=cents,
                        )
                    )
                    break
    return out


AGREEMENT_WORDS = r"memorandum of (?:understanding|agreement)|\bMO[UA]\b|\bagreement\b"


# ------------------------------------------------------------------------------------------
# Sharing forms (DAG-71, TD F 92-22.46): one request per form, read from its labelled lines.
# ------------------------------------------------------------------------------------------

SHARING_FORM_WORDS: tuple[tuple[str, str], ...] = (
    ("tdf9222", r"\bTD\s*F\s*92[-\s]22\.46\b|Request for Transfer of Property Seized"),
    ("dag71", r"\bDAG[-\s]?71\b|Equitable Sharing Request"),
)
# Labels as the forms (and the agencies' copies of them) print them, "Label: value" per line.
SHARING_LABELS: tuple[tuple[str, str], ...] = (
    ("seizing_agency", r"Seizing Agency"),
    ("case_number", r"(?:Federal )?Case (?:Number|No\.?)"),
    ("asset_id", r"Asset (?:ID|Identifier|Number)|Seizure (?:Number|No\.?)|CATS ID"),
    ("asset", r"Asset(?: Description)?|Property(?: Requested| Description)?"),
    ("seized_on", r"Date of Seizure|Seizure Date|Seized on"),
    ("forfeited_on", r"Date of Forfeiture|Forfeiture Date|Forfeited on"),
    ("share_percent", r"Percentage(?: of Property)? Requested|Sharing Percentage(?: Requested)?"),
    ("amount_requested", r"Amount Requested"),
)
SHARING_DECISION_WORDS: tuple[tuple[str, str], ...] = (
    ("partial", r"approved in part|partially approved"),
    ("approved", r"approved|granted"),
    ("denied", r"denied|declined"),
    ("withdrawn", r"withdrawn"),
)
_RECEIVED = re.compile(
    rf"Amount (?:shared|transferred|received|paid)\s*:\s*({_MONEY})(?:[^\n]*?\bpaid (?:on )?({DATE_RE}))?",
    re.I,
)


def _sharing_form(pages: list[str]) -> Proposed | None:
    """A DAG-71 or TD F 92-22.46 as one proposal: ``value`` is its fields as JSON (dates ISO,
    amounts in cents), ``quote`` the line naming its case or asset, on that line's page."""
    text = "\n".join(pages)
    form = next((f for f, words in SHARING_FORM_WORDS if re.search(words, text, re.I)), None)
    if form is None:
        return None
    fields: dict[str, Any] = {"form": form}
    where: tuple[int, str] | None = None
    for name, label in SHARING_LABELS:
        for n, page in enumerate(pages, start=1):
            m = re.search(rf"^[ \t]*(?:{label})[ \t]*:[ \t]*(\S[^\n]*?)[ \t]*$", page, re.I | re.M)
            if m is None:
                continue
            raw = m.group(1)
            if name.endswith("_on"):
                day = parse_date(raw)
                if day is not None:
                    fields[name] = day.isoformat()
            elif name == "share_percent":
                pct = re.match(r"(\d{1,3}(?:\.\d{1,2})?)\s*%?", raw)
                if pct:
                    fields[name] = pct.group(1)
            elif name == "amount_requested":
                cents = parse_amount(raw)
                if cents is not None:
                    fields["amount_requested_cents"] = cents
            else:
                fields[name] = raw[:100] if name != "asset" else raw[:2000]
            if name in ("case_number", "asset_id") and where is None:
                where = (n, m.group(0).strip())
            break
    if where is None:
        return None  # no case or asset to file it under: nothing to propose
    for page in pages:
        m = re.search(r"^[ \t]*Decision[ \t]*:[ \t]*([^\n]+)$", page, re.I | re.M)
        if m:
            fields["decision"] = next(
                (d for d, words in SHARING_DECISION_WORDS if re.search(words, m.group(1), re.I)),
                "pending",
            )
        got = _RECEIVED.search(page)
        if got:
            fields["amount_received_cents"] = parse_amount(got.group(1))
            if got.group(2) and (paid := parse_date(got.group(2))) is not None:
                fields["paid_on"] = paid.isoformat()
    return Proposed(
        target="sharing",
        name="sharing_request",
        value=json.dumps(fields, sort_keys=True),
        page=where[0],
        quote=where[1],
        fund=SHARING_FUND[form],
    )


def propose(text: str, agency_names: Iterable[str] = ()) -> list[Proposed]:
    """Every fact this text suggests, in reading order by kind (agreement facts, then ledger)."""
    pages = pages_of(text)
    if not any(p.strip() for p in pages):
        return []
    sharing = _sharing_form(pages)
    if sharing is not None:
        return [sharing]  # a sharing form is one ledger row, not an agreement
    ledger = _ledger(pages)
    out: list[Proposed] = []
    kind = _kind(pages)
    if ledger and (kind is None or kind.value == "equitable_sharing"):
        return ledger  # an ESAC is a ledger form, not an agreement to register
    if kind is not None:
        out.append(kind)
    elif not re.search(AGREEMENT_WORDS, text, re.I):
        return ledger  # a letter or a log, not an agreement: nothing to register
    out += _parties(pages, agency_names)
    out += _dates(pages)
    out += _approvals(pages)
    out += _terms(pages)
    return out + ledger


def score(
    found: Iterable[tuple[str, str, str]], gold: Iterable[tuple[str, str, str]]
) -> tuple[int, int, int]:
    """(true positives, proposals, gold facts) of one document."""
    found_set, gold_set = set(found), set(gold)
    return len(found_set & gold_set), len(found_set), len(gold_set)

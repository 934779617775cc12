"""The letter lint: what no generated letter may contain (used by the lint and golden tests)."""

from __future__ import annotations

import re

from records.letters.drafting import FEE_CATEGORIES, FORMATS
from records.subjects import AGENCY_KINDS

_SNAKE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
_EMAIL = re.compile(r"\S+@\S+")
# Doubled or stray punctuation: "et seq..", ",,", ";.", ",.", " ,", "()" and gaps left by
# empty values. ".," is allowed only after an abbreviation ("et seq., I request").
_DOUBLED = re.compile(
    r"(?<!\.)\.\.(?!\.)|,,|;;|::|[,;:]\.|[,;:][,;:]|\s[,.;:](?=\s|$)|\(\s*\)|\s{2,}"
)
EDITORIAL = (
    "not modelled",
    "not modeled",
    "cut off",
    "the library",
    "law library",
    "unverified",
    "not confirmed",
    "research",
    "fee provision",
    "no waiver)",
    "TODO",
    "None",
    "True",
    "False",
)
_RAW_VALUES = (set(FEE_CATEGORIES) | set(FORMATS) | set(AGENCY_KINDS)) - {
    "electronic",
    "pdf",
    "paper",
    "other",
    "federal",
    "police",
    "sheriff",
    "jail",
    "state",
    "county",
    "city",
}


def lint(text: str) -> list[str]:
    """Problems in a letter's text; an empty list means it passes."""
    problems: list[str] = []
    scrubbed = _EMAIL.sub("EMAIL", text)
    for paragraph in scrubbed.split("\n\n"):
        for line in paragraph.split("\n"):
            for match in _SNAKE.finditer(line):
                problems.append(f"snake_case key {match.group(0)!r} in {line[:80]!r}")
            for match in _DOUBLED.finditer(line):
                problems.append(f"doubled punctuation {match.group(0)!r} in {line[:80]!r}")
    for raw in _RAW_VALUES:
        if re.search(rf"\b{re.escape(raw)}\b", scrubbed):
            problems.append(f"raw enum value {raw!r}")
    for phrase in EDITORIAL:
        if re.search(rf"\b{re.escape(phrase)}", text):
            problems.append(f"editorial phrase {phrase!r}")
    for marker in ("{{", "}}", "{%", "\x00", "no-start"):
        if marker in text:
            problems.append(f"unfilled placeholder {marker!r}")
    if text.count("commercial interest") > 1:
        problems.append("'commercial interest' repeated")
    return problems

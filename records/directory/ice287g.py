"""ICE's published list of 287(g) participating agencies, read into directory rows (pure).

ICE publishes the list as a spreadsheet (and a web table) with one row per agreement: the
state, the law enforcement agency, its type (county, municipal, state…), the support type or
model (Jail Enforcement Model, Task Force Model, Warrant Service Officer), the date the
agreement was signed, and on some editions addendum and extension dates. The header is found by
its names, wherever it sits (the published file has title rows above it) and whatever their
case; columns this reader does not use are ignored. The same columns in a CSV are read alike.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

STATE_CODES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "district of columbia": "DC",
    "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID", "illinois": "IL",
    "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
    "maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI",
    "minnesota": "MN", "mississippi": "MS", "missouri": "MO", "montana": "MT",
    "nebraska": "NE", "nevada": "NV", "new hampshire": "NH", "new jersey": "NJ",
    "new mexico": "NM", "new york": "NY", "north carolina": "NC", "north dakota": "ND",
    "ohio": "OH", "oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA",
    "rhode island": "RI", "south carolina": "SC", "south dakota": "SD", "tennessee": "TN",
    "texas": "TX", "utah": "UT", "vermont": "VT", "virginia": "VA", "washington": "WA",
    "west virginia": "WV", "wisconsin": "WI", "wyoming": "WY",
}  # fmt: skip
# Header names as ICE prints them (compared without case, spaces or punctuation).
COLUMNS = {
    "state": ("state",),
    "agency": ("lawenforcementagency", "agency", "agencyname", "lea"),
    "type": ("type", "agencytype", "leatype"),
    "model": ("supporttype", "model", "programmodel", "typeofagreement"),
    "signed": ("signed", "datesigned", "moasigned", "signeddate"),
}
MODELS = {
    "jem": "Jail Enforcement Model",
    "jail enforcement model": "Jail Enforcement Model",
    "tfm": "Task Force Model",
    "task force model": "Task Force Model",
    "wso": "Warrant Service Officer",
    "warrant service officer": "Warrant Service Officer",
}
LIST_NAME = "ICE 287(g) participating agencies"
MAX_ROWS = 20_000


@dataclass
class Parsed:
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)


def _key(value: Any) -> str:
    return re.sub(r"[^a-z]", "", str(value or "").lower())


def _header(cells: list[Any]) -> dict[str, int] | None:
    keys = [_key(c) for c in cells]
    found: dict[str, int] = {}
    for name, spellings in COLUMNS.items():
        for i, k in enumerate(keys):
            if k in spellings and name not in found:
                found[name] = i
    return found if {"state", "agency"} <= set(found) else None


def level_of(name: str, kind: str) -> str:
    """The directory level an agency's name and ICE's type suggest."""
    lowered, kind = name.lower(), kind.lower()
    if "sheriff" in lowered:
        return "sheriff"
    if any(w in lowered for w in ("jail", "detention", "correction")):
        return "jail"
    if "police" in lowered or re.search(r"\bp\.?d\.?\b", lowered):
        return "police"
    if kind.startswith("state") or lowered.startswith(("state ", "department of")):
        return "state"
    if kind.startswith("county"):
        return "county"
    if kind.startswith(("municipal", "city")):
        return "city"
    return "other"


def state_code(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return STATE_CODES.get(re.sub(r"\s+", " ", text.lower()), text)


def _signed(value: Any) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "").strip()[:30]


def _rows_of(table: list[tuple[int, list[Any]]], filename: str) -> Parsed:
    out = Parsed()
    header = None
    for line, cells in table[:30]:
        header = _header(cells)
        if header is not None:
            start = line
            break
    if header is None:
        out.errors.append(
            (1, "header", "no header row naming the columns State and Law Enforcement Agency")
        )
        return out
    source = f"{LIST_NAME} ({filename})" if filename else LIST_NAME
    for line, cells in table:
        if line <= start:
            continue

        def cell(name: str, cells: list[Any] = cells) -> Any:
            i = header.get(name)
            return cells[i] if i is not None and i < len(cells) else None

        name = str(cell("agency") or "").strip()
        state = str(cell("state") or "").strip()
        if not name and not state:
            continue  # blank or spacer row
        model = str(cell("model") or "").strip()
        model = MODELS.get(model.lower(), model)
        signed = _signed(cell("signed"))
        detail = ", ".join(p for p in (model, f"signed {signed}" if signed else "") if p)
        out.rows.append(
            (
                line,
                {
                    "name": name,
                    "jurisdiction": state_code(state),
                    "level": level_of(name, str(cell("type") or "")),
                    "source": f"{source}: {detail}"[:500] if detail else source[:500],
                },
            )
        )
        if len(out.rows) > MAX_ROWS:
            out.errors.append((line, "file", f"more than {MAX_ROWS} rows; split the file"))
            out.rows = []
            break
    return out


def parse(raw: bytes, filename: str = "") -> Parsed:
    """Rows (line, agency fields) from the spreadsheet (.xlsx) or a CSV with its columns."""
    if raw[:2] == b"PK":  # an .xlsx file is a ZIP archive
        return _parse_xlsx(raw, filename)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed(errors=[(0, "file", "not an .xlsx file or UTF-8 CSV text")])
    if "\x00" in text:
        return Parsed(errors=[(0, "file", "the file contains a NUL character; remove it")])
    try:
        table = [(i, list(r)) for i, r in enumerate(csv.reader(io.StringIO(text)), start=1)]
    except csv.Error as exc:
        return Parsed(errors=[(0, "file", f"not a readable CSV file: {exc}")])
    return _rows_of(table, filename)


def _parse_xlsx(raw: bytes, filename: str) -> Parsed:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file  # noqa: BLE001
        return Parsed(errors=[(0, "file", f"not a readable .xlsx file ({type(exc).__name__})")])
    try:
        for sheet in book.worksheets:
            table = [
                (i, list(r))
                for i, r in enumerate(sheet.iter_rows(values_only=True), start=1)
                if i <= MAX_ROWS + 40
            ]
            parsed = _rows_of(table, filename)
            if parsed.rows or sheet is book.worksheets[-1]:
                return parsed
    finally:
        book.close()
    return Parsed(errors=[(0, "file", "the workbook has no sheets")])

"""The one CSV writer for every file the product exports (audit trail, bundle timeline, ...).

Cells are spreadsheet-safe: text starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage
return or a NUL (or their full-width forms, which some spreadsheets also read as formulas) gets a
leading ``'`` so Excel, LibreOffice and Google Sheets show it as text instead of running it
(OWASP ASVS 5.0 requirement 1.2.10; CWE-1236). Every cell is quoted, so a spreadsheet that splits
on ``;`` cannot cut a cell in two and start a formula in the second half. Output is UTF-8 with a
byte-order mark (Excel needs it to read accents) and a header row, and can be streamed row by row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r\0\uff1d\uff0b\uff0d\uff20")
BOM = "\ufeff"
MIMETYPE = "text/csv"  # Werkzeug adds "; charset=utf-8"


def cell(value: Any) -> str | int | float:
    """One spreadsheet-safe cell: numbers stay numbers, text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value  # a number is never a formula; a negative one stays a number
    text = str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


def stream(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """The CSV text in chunks: the BOM and header first, then one chunk per row."""
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")

    def take() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    writer.writerow([cell(h) for h in header])
    yield BOM + take()
    for row in rows:
        writer.writerow([cell(v) for v in row])
        yield take()


def text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV as one string (for files written into a ZIP)."""
    return "".join(stream(header, rows))

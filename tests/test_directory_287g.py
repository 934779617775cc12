"""Importing ICE's list of 287(g) participating agencies, as ICE publishes it (.xlsx) or saved as
CSV: title rows above the header, its column names, one row per agreement."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook
from sqlmodel import select

from records.core.models import Agency
from records.directory import ice287g

HEADER = ["STATE", "LAW ENFORCEMENT AGENCY", "TYPE", "SUPPORT TYPE", "SIGNED", "EXTENSION"]
ROWS = [
    ["ALABAMA", "Etowah County Sheriff's Office", "County", "Jail Enforcement Model",
     datetime(2025, 2, 26), None],
    ["Florida", "Tampa Police Department", "Municipal", "Task Force Model",
     datetime(2025, 2, 28), None],
    ["FLORIDA", "Bay County Sheriff's Office", "County", "Warrant Service Officer",
     datetime(2019, 10, 15), "2027-10-15"],
    [None, None, None, None, None, None],
    ["NARNIA", "Cair Paravel Guard", "State", "Task Force Model", datetime(2025, 3, 1), None],
]  # fmt: skip


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["287(g) Participating Agencies"])  # ICE's title rows above the header
    sheet.append(["Current as of 11/21/2026"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _post(client, raw: bytes, name: str):
    return client.post(
        "/agencies/import",
        data={"kind": "287g", "file": (io.BytesIO(raw), name)},
        content_type="multipart/form-data",
    )


def test_the_spreadsheet_adds_agencies_matches_known_ones_and_reports_bad_rows(
    client, member, factory, db
):
    org, _ = member
    known = factory.agency(org, name="Etowah County Sheriff", level="sheriff", jurisdiction="AL")
    resp = _post(client, _xlsx(ROWS), "participatingAgencies.xlsx")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "2 imported, 1 already in the directory, 1 rejected" in html
    assert "jurisdiction must be US" in html and f"/agencies/{known.id}" in html
    tampa = db.exec(select(Agency).where(Agency.name == "Tampa Police Department")).one()
    assert (tampa.jurisdiction, tampa.level) == ("FL", "police")
    assert tampa.source == (
        "ICE 287(g) participating agencies (participatingAgencies.xlsx): "
        "Task Force Model, signed 2025-02-28"
    )
    bay = db.exec(select(Agency).where(Agency.name == "Bay County Sheriff's Office")).one()
    assert bay.level == "sheriff" and "Warrant Service Officer" in bay.source
    assert tampa.created_by_org_id == org.id
    # Importing the same list again adds nothing.
    again = _post(client, _xlsx(ROWS), "participatingAgencies.xlsx").get_data(as_text=True)
    assert "0 imported, 3 already in the directory, 1 rejected" in again


def test_the_same_columns_as_csv_and_files_that_are_not_the_list(client, member, db):
    text = "State,Law Enforcement Agency,Type,Model,Signed\nTexas,Lubbock County Sheriff's Office,County,JEM,2025-01-30\n"
    html = _post(client, text.encode(), "list.csv").get_data(as_text=True)
    assert "1 imported" in html
    lubbock = db.exec(select(Agency).where(Agency.jurisdiction == "TX")).one()
    assert lubbock.source.endswith("Jail Enforcement Model, signed 2025-01-30")
    wrong = _post(client, b"name,jurisdiction\nX,AL\n", "directory.csv").get_data(as_text=True)
    assert "State and Law Enforcement Agency" in wrong
    broken = _post(client, b"PK\x03\x04 not really a workbook", "x.xlsx")
    assert broken.status_code == 200 and "not a readable .xlsx file" in broken.get_data(
        as_text=True
    )
    binary = _post(client, b"\xff\xfe\x00garbage", "x.csv").get_data(as_text=True)
    assert "not an .xlsx file or UTF-8 CSV text" in binary


def test_levels_and_states_read_from_the_list():
    assert ice287g.level_of("Harris County Jail", "County") == "jail"
    assert ice287g.level_of("Florida Highway Patrol", "State") == "state"
    assert ice287g.level_of("Miami-Dade County", "County") == "county"
    assert ice287g.state_code("NEW  HAMPSHIRE") == "NH" and ice287g.state_code("fl") == "FL"

"""Agency directory: create, edit, search, CSV import with a per-row report."""

from __future__ import annotations

import io

from sqlmodel import select

from records.core.models import Agency
from tests.conftest import assert_redirect


def test_create_edit_and_search(client, member, db):
    org, _ = member
    resp = client.post(
        "/agencies/new",
        data={
            "name": "Department of Homeland Security",
            "level": "federal",
            "jurisdiction": "US",
            "parent_id": "",
        },
    )
    dhs = db.exec(select(Agency).where(Agency.name == "Department of Homeland Security")).one()
    assert_redirect(resp, f"/agencies/{dhs.id}")
    client.post(
        "/agencies/new",
        data={
            "name": "ICE FOIA Office",
            "level": "federal",
            "jurisdiction": "US",
            "parent_id": str(dhs.id),
            "foia_email": "ice-foia@ice.dhs.gov",
        },
    )
    ice = db.exec(select(Agency).where(Agency.name == "ICE FOIA Office")).one()
    assert ice.parent_id == dhs.id and ice.created_by_org_id == org.id
    page = client.get(f"/agencies/{ice.id}").get_data(as_text=True)
    assert "Department of Homeland Security" in page
    r = client.post(
        f"/agencies/{ice.id}/edit",
        data={
            "name": "ICE FOIA Office",
            "level": "federal",
            "jurisdiction": "US",
            "parent_id": str(dhs.id),
            "phone": "866-633-1182",
        },
    )
    assert_redirect(r, f"/agencies/{ice.id}")
    assert db.get(Agency, ice.id).phone == "866-633-1182"
    listing = client.get("/agencies/?q=ice").get_data(as_text=True)
    assert "ICE FOIA Office" in listing and "Department of Homeland Security" not in listing
    assert "ICE FOIA Office" not in client.get("/agencies/?level=city").get_data(as_text=True)


def test_bad_input_keeps_what_was_typed(client, member):
    resp = client.post(
        "/agencies/new",
        data={
            "name": "Sheriff",
            "level": "sheriff",
            "jurisdiction": "AL",
            "foia_email": "not-an-email",
            "notes": "keep me",
        },
    )
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Records request email is not a valid email address" in html
    assert "foia_email is not" not in html
    assert "keep me" in html


def test_duplicate_agency_refused(client, member, factory):
    org, _ = member
    factory.agency(org, name="Birmingham Police Department", jurisdiction="AL")
    resp = client.post(
        "/agencies/new",
        data={"name": "birmingham police department", "level": "city", "jurisdiction": "AL"},
    )
    assert b"already in the directory" in resp.data


def test_csv_import_reports_rows_and_keeps_good_ones(client, member, db):
    org, _ = member
    csv_text = (
        "name,level,jurisdiction,parent,foia_email,portal_url,mailing_address,phone,notes\n"
        "Dona Ana County Sheriff,sheriff,NM,,records@example.gov,,,,\n"
        "Bad Jurisdiction PD,city,ZZ,,,,,,\n"
        "Bad Email PD,city,TX,,nope,,,,\n"
        "Detention Center,jail,NM,Dona Ana County Sheriff,,https://example.gov/records,,,\n"
        "Orphan,jail,NM,Nobody Named This,,,,,\n"
    )
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(csv_text.encode()), "agencies.csv")},
        content_type="multipart/form-data",
    )
    html = resp.get_data(as_text=True)
    assert "2 imported, 0 already in the directory, 3 rejected" in html
    assert (
        "jurisdiction must be US" in html
        and "not a valid email" in html
        and "Nobody Named This" in html
    )
    names = set(db.exec(select(Agency.name).where(Agency.created_by_org_id == org.id)).all())
    assert names == {"Dona Ana County Sheriff", "Detention Center"}
    child = db.exec(select(Agency).where(Agency.name == "Detention Center")).one()
    parent = db.exec(select(Agency).where(Agency.name == "Dona Ana County Sheriff")).one()
    assert child.parent_id == parent.id


def test_csv_import_rejects_unknown_columns_and_binary(client, member, db):
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(b"name,jurisdiction,secret\nA,AL,x\n"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert b"unknown column(s): secret" in resp.data
    resp = client.post(
        "/agencies/import",
        data={"file": (io.BytesIO(b"\xff\xfe\x00bin"), "a.csv")},
        content_type="multipart/form-data",
    )
    assert b"not UTF-8" in resp.data
    assert db.exec(select(Agency)).all() == []

"""Register entries in evidence bundles: exported with their citations as the exporter sees them,
imported for the receiving organization citing its copies, refused whole when tampered with."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from records.core.models import RecordRequest
from records.filing.models import Document
from records.register.models import Agreement, LedgerFigure, RegisterFact
from tests.conftest import assert_redirect, bearer, login
from tests.test_register import _extract, _upload

CORPUS = Path(__file__).parent / "register_corpus"
SHARING = "possible distribution of some seized money and assets"
ESAC_QUOTE = "Federal Sharing Funds Received $96,120.00"
PRIVATE_QUOTE = "Signed on May 1, 2019."


def _fact(client, entry_id: int, **form: Any) -> None:
    resp = client.post(f"/agreements/{entry_id}/facts", data=form)
    assert_redirect(resp, f"/agreements/{entry_id}")


def _new_entry(client, db, **form: Any) -> Agreement:
    resp = client.post("/agreements/new", data=form)
    entry = db.exec(select(Agreement).order_by(Agreement.id.desc())).first()
    assert_redirect(resp, f"/agreements/{entry.id}")
    return entry


@pytest.fixture
def source(app, client, factory, db, member, clock):
    """A request with the HSI MOU, an ESAC and a member's private note, and register entries
    built from them through the register's pages: an organization-wide entry (one fact cites the
    private note), the owner's private entry, and a ledger figure."""
    org, owner = member
    peer = factory.user(org, role="editor")
    agency = factory.agency(org, name="Birmingham Police Department", jurisdiction="AL")
    hsi = factory.agency(
        org, name="HSI New Orleans", level="federal", jurisdiction="US", component="DHS"
    )
    req = factory.request(org, owner, agency, title="BPD and HSI")
    token = factory.token(owner, org)
    mou = _upload(
        client, token, req.id, "hsi-mou.txt", (CORPUS / "01_hsi_title19_mou.txt").read_text()
    )
    esac = _upload(client, token, req.id, "esac.txt", (CORPUS / "08_esac_fy2023.txt").read_text())
    note = _upload(client, token, req.id, "notes.txt", PRIVATE_QUOTE, visibility="private")
    assert _extract(app, clock) == 3

    shared = _new_entry(
        client,
        db,
        kind="hsi_title19",
        agency_id=agency.id,
        federal_agency_id=hsi.id,
        federal_component="HSI",
        title="BPD–HSI task force MOU",
    )
    _fact(
        client,
        shared.id,
        name="expires",
        on="2021-11-30",
        document_id=mou,
        page="2",
        quote="It shall remain in effect until November 30, 2021",
    )
    _fact(client, shared.id, name="sharing", value="yes", document_id=mou, page="2", quote=SHARING)
    _fact(client, shared.id, name="vote", value="6-2", on="2021-12-07")  # unsourced
    _fact(
        client,
        shared.id,
        name="signed",
        on="2019-05-01",
        document_id=note,
        page="1",
        quote=PRIVATE_QUOTE,
    )
    own = _new_entry(client, db, kind="database_access", agency_id=agency.id, visibility="private")
    _fact(client, own.id, name="officers", value="10", document_id=mou, page="1", quote="ten (10)")
    resp = client.post(
        "/agreements/ledger",
        data={
            "agency_id": agency.id,
            "fiscal_year": "2023",
            "fund": "justice",
            "line": "receipts",
            "amount": "96,120.00",
            "document_id": esac,
            "page": "1",
            "quote": ESAC_QUOTE,
        },
    )
    assert_redirect(resp, "/agreements/ledger")
    assert len(db.exec(select(RegisterFact)).all()) == 5
    return {"org": org, "owner": owner, "peer": peer, "req": req, "shared": shared, "own": own}


def _export(client, user, org, req_id) -> dict[str, bytes]:
    login(client, user, org)
    resp = client.get(f"/requests/{req_id}/bundle.zip")
    assert resp.status_code == 200
    data = resp.data
    resp.close()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _with_register(members: dict[str, bytes], register: dict[str, Any]) -> bytes:
    """The bundle with register.json edited and re-hashed: only the content checks are left."""
    body = json.dumps(register).encode()
    manifest = json.loads(members["manifest.json"])
    for entry in manifest["files"]:
        if entry["path"] == "register.json":
            entry["size"], entry["sha256"] = len(body), hashlib.sha256(body).hexdigest()
    return _zip({**members, "register.json": body, "manifest.json": json.dumps(manifest).encode()})


def _import(client, token, data: bytes):
    return client.post(
        "/api/v1/bundles",
        data={"file": (io.BytesIO(data), "bundle.zip")},
        headers=bearer(token),
        content_type="multipart/form-data",
    )


def _facts(db, entry: Agreement) -> dict[str, RegisterFact]:
    rows = db.exec(select(RegisterFact).where(RegisterFact.agreement_id == entry.id)).all()
    return {f.name: f for f in rows}


def test_round_trip_keeps_facts_quotes_pages_and_citations(client, factory, db, source):
    members = _export(client, source["owner"], source["org"], source["req"].id)
    manifest = json.loads(members["manifest.json"])
    assert "register.json" in {f["path"] for f in manifest["files"]}
    register = json.loads(members["register.json"])
    documents = {d["path"]: d for d in json.loads(members["request.json"])["documents"]}
    exported = {a["title"]: a for a in register["agreements"]}
    assert set(exported) == {"BPD–HSI task force MOU", "Database access"}
    shared = exported["BPD–HSI task force MOU"]
    assert shared["federal_agency"]["name"] == "HSI New Orleans"
    sharing = next(f for f in shared["facts"] if f["name"] == "sharing")
    assert sharing["quote"] == SHARING and sharing["citation"]["page"] == 2
    assert documents[sharing["citation"]["path"]]["name"] == "hsi-mou.txt"
    assert documents[sharing["citation"]["path"]]["sha256"] == sharing["citation"]["sha256"]
    assert [f["amount_cents"] for f in register["ledger"]] == [9612000]

    partner = factory.org()
    editor = factory.user(partner, role="editor")
    resp = _import(client, factory.token(editor, partner), _zip(members))
    assert resp.status_code == 201, resp.json
    new_req = db.get(RecordRequest, resp.json["request_id"])
    copies = {
        a.title: a for a in db.exec(select(Agreement).where(Agreement.org_id == partner.id)).all()
    }
    assert len(copies) == 2
    mou_copy = copies["BPD–HSI task force MOU"]
    assert mou_copy.request_id == new_req.id and mou_copy.kind == "hsi_title19"
    assert mou_copy.visibility == "organization" and mou_copy.uid != source["shared"].uid
    assert mou_copy.federal_component == "HSI"
    partner_docs = {
        d.id: d for d in db.exec(select(Document).where(Document.org_id == partner.id)).all()
    }
    facts = _facts(db, mou_copy)
    assert set(facts) == {"expires", "sharing", "vote", "signed"}
    originals = _facts(db, source["shared"])
    for name, fact in facts.items():
        original = originals[name]
        assert (fact.value, fact.on, fact.tally, fact.page, fact.quote) == (
            original.value,
            original.on,
            original.tally,
            original.page,
            original.quote,
        ), name
        if original.document_id is None:
            assert fact.document_id is None
        else:
            cited = partner_docs[fact.document_id]  # the importer's own copy
            assert cited.sha256 == db.get(Document, original.document_id).sha256
            assert cited.request_id == new_req.id
    assert partner_docs[facts["signed"].document_id].visibility == "private"
    # The owner's private entry stays private, now the importer's own.
    private_copy = copies["Database access"]
    assert private_copy.visibility == "private" and private_copy.created_by == editor.id
    figure = db.exec(select(LedgerFigure).where(LedgerFigure.org_id == partner.id)).one()
    assert (figure.fiscal_year, figure.fund, figure.line, figure.amount_cents) == (
        2023,
        "justice",
        "receipts",
        9612000,
    )
    assert figure.quote == ESAC_QUOTE and partner_docs[figure.document_id].name == "esac.txt"

    # The copy shows on the importer's register page, with its sources.
    login(client, editor, partner)
    page = client.get(f"/agreements/{mou_copy.id}").get_data(as_text=True)
    assert SHARING in page and "page 2" in page


def test_what_the_exporter_cannot_see_is_not_exported(client, factory, db, source):
    members = _export(client, source["peer"], source["org"], source["req"].id)
    register = json.loads(members["register.json"])
    assert [a["title"] for a in register["agreements"]] == ["BPD–HSI task force MOU"]
    names = {f["name"] for f in register["agreements"][0]["facts"]}
    assert names == {"expires", "sharing", "vote"}  # not the fact citing the private note
    assert PRIVATE_QUOTE not in members["register.json"].decode()
    assert not any(name.endswith("notes.txt") for name in members)

    # Another organization's member cannot export the request at all.
    outsider_org = factory.org()
    outsider = factory.user(outsider_org)
    login(client, outsider, outsider_org)
    assert client.get(f"/requests/{source['req'].id}/bundle.zip").status_code == 404


def test_an_import_is_never_more_public_than_organization(client, factory, db, source):
    members = _export(client, source["owner"], source["org"], source["req"].id)
    register = json.loads(members["register.json"])
    for entry in register["agreements"]:
        entry["visibility"] = "public"
    for figure in register["ledger"]:
        figure["visibility"] = "public"
    partner = factory.org()
    editor = factory.user(partner, role="editor")
    resp = _import(client, factory.token(editor, partner), _with_register(members, register))
    assert resp.status_code == 201, resp.json
    rows = db.exec(select(Agreement).where(Agreement.org_id == partner.id)).all()
    assert {a.visibility for a in rows} == {"organization"}
    figure = db.exec(select(LedgerFigure).where(LedgerFigure.org_id == partner.id)).one()
    assert figure.visibility == "organization"


def _tampered(register: dict[str, Any], how: str) -> dict[str, Any]:
    data = json.loads(json.dumps(register))
    shared = next(a for a in data["agreements"] if a["title"] == "BPD–HSI task force MOU")
    vote = next(f for f in shared["facts"] if f["name"] == "vote")
    sharing = next(f for f in shared["facts"] if f["name"] == "sharing")
    if how == "name":
        vote["name"] = "bribe"
    elif how == "tally":
        vote["tally"] = vote["value"] = "lots"
    elif how == "path":
        sharing["citation"]["path"] = "documents/9999-elsewhere.pdf"
    elif how == "sha":
        sharing["citation"]["sha256"] = "0" * 64
    elif how == "kind":
        shared["kind"] = "treaty"
    elif how == "ledger":
        data["ledger"][0]["fund"] = "slush"
    elif how == "shape":
        shared["facts"] = "many"
    elif how == "agency":
        shared["agency"] = {"name": "", "level": "city", "jurisdiction": "AL"}
    return data


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("name", "(bribe): choose one of the listed facts"),
        ("tally", "write the tally as ayes-noes"),
        ("path", "not a document of this bundle"),
        ("sha", "SHA-256 that is not the file's"),
        ("kind", "agreement 1: choose one of the listed kinds of agreement"),
        ("ledger", "ledger figure 1: choose Justice or Treasury funds"),
        ("shape", "facts is malformed"),
        ("agency", "register.json: agreement 1: agency: "),
    ],
)
def test_tampered_register_json_is_refused_whole(client, factory, db, source, how, reason):
    members = _export(client, source["owner"], source["org"], source["req"].id)
    register = json.loads(members["register.json"])
    # The entries come in the order they were made: the shared one first.
    assert register["agreements"][0]["title"] == "BPD–HSI task force MOU"
    partner = factory.org()
    editor = factory.user(partner, role="editor")
    resp = _import(
        client, factory.token(editor, partner), _with_register(members, _tampered(register, how))
    )
    assert resp.status_code == 422, resp.json
    message = resp.json["error"]["message"]
    assert "cannot be imported" in message and "register.json" in message, message
    assert reason in message, message
    for model in (RecordRequest, Document, Agreement, RegisterFact, LedgerFigure):
        assert db.exec(select(model).where(model.org_id == partner.id)).all() == [], model


def test_register_json_edited_without_its_hash_and_on_the_import_page(client, factory, db, source):
    members = _export(client, source["owner"], source["org"], source["req"].id)
    register = json.loads(members["register.json"])
    partner = factory.org()
    editor = factory.user(partner, role="editor")
    edited = {**members, "register.json": json.dumps(_tampered(register, "tally")).encode()}
    resp = _import(client, factory.token(editor, partner), _zip(edited))
    assert resp.status_code == 422
    assert "'register.json' does not match its SHA-256" in resp.json["error"]["message"]

    # The import page says why, with no 500 and nothing kept.
    login(client, editor, partner)
    resp = client.post(
        "/bundles/import",
        data={"file": (io.BytesIO(_with_register(members, _tampered(register, "tally"))), "b.zip")},
        content_type="multipart/form-data",
    )
    assert resp.status_code == 422
    page = resp.get_data(as_text=True)
    assert "write the tally as ayes-noes" in page and "Nothing was imported" in page
    assert db.exec(select(Agreement).where(Agreement.org_id == partner.id)).all() == []

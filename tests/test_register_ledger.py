"""The forfeiture ledger's spending categories and year-by-year charts, and a register filter that
becomes a letter batch: figures worked by hand, through the product's own pages."""

from __future__ import annotations

import io
import re

from sqlmodel import select

from records.filing.extract import extract_pending
from records.letters.models import BatchJob, RequesterProfile
from records.register.models import Agreement
from tests.conftest import assert_redirect, bearer, login


def _figure(client, agency, year, fund, line, amount, **extra):
    resp = client.post(
        "/agreements/ledger",
        data={
            "agency_id": agency.id,
            "fiscal_year": year,
            "fund": fund,
            "line": line,
            "amount": amount,
            **extra,
        },
    )
    assert_redirect(resp, "/agreements/ledger")


def _chart(html: str, key: str) -> str:
    found = re.search(
        rf'<figure class="ledger-chart" aria-labelledby="{key}-caption">.*?</figure>', html, re.S
    )
    assert found, key
    return found.group(0)


def _rows(chart: str) -> dict[str, tuple[str, str]]:
    return {
        y: (r, s)
        for y, r, s in re.findall(
            r'<th scope="row">FY(\d{4})</th><td>([^<]*)</td><td>([^<]*)</td>', chart
        )
    }


def test_year_by_year_charts_and_spending_categories(app, client, db, factory, member):
    org, _user = member
    bpd = factory.agency(org, name="Birmingham Police Department", jurisdiction="AL")
    hoover = factory.agency(org, name="Hoover Police Department", jurisdiction="AL")
    miami = factory.agency(org, name="Miami Police Department", jurisdiction="FL")
    for agency, year, fund, line, amount in (
        (bpd, 2022, "justice", "receipts", "50,000.00"),
        (bpd, 2022, "treasury", "interest", "125.50"),
        (bpd, 2022, "justice", "spent", "20,000.00"),
        (bpd, 2023, "justice", "beginning_balance", "10,000.00"),  # not money received
        (bpd, 2023, "justice", "receipts", "96,120.00"),
        (bpd, 2023, "treasury", "transfers_in", "12,000.00"),
        (bpd, 2023, "justice", "spent", "30,000.00"),
        (bpd, 2023, "treasury", "spent", "5,000.25"),
        (bpd, 2023, "justice", "spent_equipment", "18,000.00"),
        (bpd, 2023, "justice", "spent_training", "12,000.00"),
        (hoover, 2023, "treasury", "receipts", "1,000.50"),
    ):
        _figure(client, agency, year, fund, line, amount)
    for line, amount in (("receipts", "7,000.00"), ("spent", "2,500.00")):
        _figure(client, miami, 2023, "justice", line, amount, visibility="public")
    bad = client.post(
        "/agreements/ledger",
        data={
            "agency_id": bpd.id,
            "fiscal_year": 2023,
            "fund": "justice",
            "line": "spent_bogus",
            "amount": "1",
        },
        follow_redirects=True,
    )
    assert "choose one of the form&#39;s lines" in bad.get_data(as_text=True)

    html = client.get("/agreements/ledger").get_data(as_text=True)
    # By hand, received = receipts + transfers from other agencies + interest, both funds:
    # BPD FY2022 50,000.00 + 125.50 = 50,125.50, spent 20,000.00;
    # BPD FY2023 96,120.00 + 12,000.00 = 108,120.00, spent 30,000.00 + 5,000.25 = 35,000.25;
    # Hoover FY2023 1,000.50 received; Alabama FY2023 108,120.00 + 1,000.50 = 109,120.50.
    bpd_chart = _chart(html, f"agency-{bpd.id}")
    assert _rows(bpd_chart) == {
        "2022": ("$50,125.50", "$20,000.00"),
        "2023": ("$108,120.00", "$35,000.25"),
    }
    assert _rows(_chart(html, f"agency-{hoover.id}")) == {"2023": ("$1,000.50", "$0.00")}
    assert _rows(_chart(html, "state-AL")) == {
        "2022": ("$50,125.50", "$20,000.00"),
        "2023": ("$109,120.50", "$35,000.25"),
    }
    assert _rows(_chart(html, "state-FL")) == {"2023": ("$7,000.00", "$2,500.00")}
    # The SVG: a text alternative, and bars scaled to the largest value (140 units high):
    # FY2022 received 140 * 5,012,550 / 10,812,000 = 64.91; FY2023 spent 140 * 3,500,025 /
    # 10,812,000 = 45.32.
    assert 'role="img"' in bpd_chart and "<title" in bpd_chart
    assert (
        "FY2022: received $50,125.50, spent $20,000.00; FY2023: received $108,120.00" in bpd_chart
    )
    heights = re.findall(
        r'<rect class="bar-(\w+)" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"', bpd_chart
    )
    assert heights == [
        ("received", "64.91"),
        ("spent", "25.9"),
        ("received", "140.0"),
        ("spent", "45.32"),
    ]
    assert "https://" not in bpd_chart  # nothing fetched from elsewhere
    # Spending by the form's categories, with their form lines.
    assert re.search(r"d\. Law Enforcement Equipment</td><td>\$18,000\.00</td><td>unsourced", html)
    assert re.search(r"b\. Training and Education</td><td>\$12,000\.00</td>", html)

    # The public ledger charts only public figures; another organization sees none of them.
    public = app.test_client().get("/public/ledger").get_data(as_text=True)
    assert _rows(_chart(public, "state-FL")) == {"2023": ("$7,000.00", "$2,500.00")}
    assert "Birmingham" not in public and "state-AL" not in public
    other_org = factory.org("Elsewhere")
    outsider = factory.user(other_org)
    other = app.test_client()
    login(other, outsider, other_org)
    theirs = other.get("/agreements/ledger").get_data(as_text=True)
    # The agency directory is shared (the form lists it); the figures and charts are not.
    assert "$108,120.00" not in theirs and "ledger-chart" not in theirs
    api = other.get("/api/v1/register/ledger", headers=bearer(factory.token(outsider, other_org)))
    assert "Birmingham" not in api.get_data(as_text=True)


def _entry(client, db, agency, kind, title):
    resp = client.post(
        "/agreements/new", data={"kind": kind, "agency_id": agency.id, "title": title}
    )
    entry = db.exec(select(Agreement).where(Agreement.title == title)).one()
    assert_redirect(resp, f"/agreements/{entry.id}")
    return entry


def _fact(client, entry, **form):
    resp = client.post(f"/agreements/{entry.id}/facts", data=form)
    assert_redirect(resp, f"/agreements/{entry.id}")


def test_a_register_filter_becomes_a_letter_batch(app, client, db, factory, member, clock):
    org, user = member
    db.add(RequesterProfile(org_id=org.id, user_id=user.id, name="Jane Roe", state="FL"))
    db.commit()
    miami = factory.agency(org, name="Miami Police Department", jurisdiction="FL")
    hills = factory.agency(
        org, name="Hillsborough County Sheriff", level="sheriff", jurisdiction="FL"
    )
    jax = factory.agency(
        org, name="Jacksonville Sheriff's Office", level="sheriff", jurisdiction="FL"
    )
    orlando = factory.agency(org, name="Orlando Police Department", jurisdiction="FL")
    tampa = factory.agency(org, name="Tampa Police Department", jurisdiction="FL")
    mobile = factory.agency(org, name="Mobile County Sheriff", level="sheriff", jurisdiction="AL")

    # In force, no copy: an unsourced vote (Miami) and no facts at all (Hillsborough).
    e_miami = _entry(client, db, miami, "287g_tfm", "Miami 287(g) task force")
    _fact(client, e_miami, name="vote", tally="3-2", value="3-2")
    _entry(client, db, hills, "287g_jem", "Hillsborough 287(g) jail model")
    # A copy is filed: the fact cites the document (left out).
    e_jax = _entry(client, db, jax, "287g_jem", "Jacksonville 287(g) jail model")
    req = factory.request(org, user, jax, title="JSO 287(g) MOA")
    resp = client.post(
        f"/api/v1/requests/{req.id}/documents",
        data={
            "file": (
                io.BytesIO(b"Memorandum of Agreement under section 287(g), signed July 1, 2025."),
                "moa.txt",
            )
        },
        headers=bearer(factory.token(user, org)),
        content_type="multipart/form-data",
    )
    assert resp.status_code == 201
    with app.app_context():
        from records.core.db import get_session

        assert extract_pending(get_session(), clock.now()) == 1
    _fact(
        client,
        e_jax,
        name="signed",
        on="2025-07-01",
        document_id=resp.get_json()["id"],
        page=1,
        quote="Memorandum of Agreement under section 287(g)",
    )
    # Rescinded (left out), another kind (left out), another state (left out).
    e_orl = _entry(client, db, orlando, "287g_tfm", "Orlando 287(g) task force")
    _fact(client, e_orl, name="rescinded", on="2026-03-01")
    _entry(client, db, tampa, "hsi_title19", "Tampa Title 19 MOU")
    _entry(client, db, mobile, "287g_jem", "Mobile 287(g) jail model")

    listed = client.get("/agreements/?state=FL&kind=287g_jem&copy=missing")
    assert listed.status_code == 200
    html = listed.get_data(as_text=True)
    assert "Hillsborough 287(g) jail model" in html and "Jacksonville 287(g)" not in html
    task_force = client.get("/agreements/?state=fl&kind=287g_tfm&copy=missing").get_data(
        as_text=True
    )
    assert "Miami 287(g) task force" in task_force and "Orlando 287(g)" not in task_force

    # Every 287(g) kind in Florida without a copy: run the three filters' union by kind.
    wanted = {miami.id, hills.id}
    chosen: set[int] = set()
    for kind in ("287g_jem", "287g_tfm", "287g_wso"):
        page = client.get(f"/agreements/?state=FL&kind={kind}&copy=missing").get_data(as_text=True)
        link = re.search(r'href="(/letters/batch\?[^"]+)">Draft requests to these agencies', page)
        if link is None:
            continue
        url = link.group(1).replace("&amp;", "&")
        ids = re.search(r"agency_ids=([\d%C,]+)", url).group(1).replace("%2C", ",")
        chosen |= {int(i) for i in ids.split(",")}
        batch_page = client.get(url)
        assert batch_page.status_code == 200
        assert "Chosen from the agreement register" in batch_page.get_data(as_text=True)
    assert chosen == wanted

    # The batch page, with both agencies preselected, previews exactly them.
    ids = f"{miami.id},{hills.id}"
    page = client.get(f"/letters/batch?subject=agreements&agency_ids={ids}").get_data(as_text=True)
    assert "Chosen from the agreement register: 2 agencies." in page
    assert "<li>Hillsborough County Sheriff (FL)</li>" in page and "Jacksonville" not in page
    form = {"items": ["moa_287g"], "date_from": "2020-01-01", "letter_date": "2026-11-24"}
    # Changing the subject on the form keeps the chosen agencies.
    kept = client.post(
        "/letters/batch",
        data={**form, "subject": "forfeiture", "agency_ids": ids, "show_records": "1"},
    ).get_data(as_text=True)
    assert "Chosen from the agreement register: 2 agencies." in kept
    preview = client.post(
        "/letters/batch?subject=agreements", data={**form, "agency_ids": ids, "preview": "1"}
    )
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200, text
    assert "Recipients (2)" in text
    names = re.findall(r"<tr><td>([^<]+)</td><td>FL</td>", text)
    assert names == ["Hillsborough County Sheriff", "Miami Police Department"]
    assert db.exec(select(BatchJob)).all() == []  # a preview queues nothing
    started = client.post("/letters/batch?subject=agreements", data={**form, "agency_ids": ids})
    batch = db.exec(select(BatchJob)).one()
    assert_redirect(started, f"/letters/batch/{batch.id}")
    assert batch.total == 2

    # The directory is shared: the ids name the same agencies for another organization, which
    # sees none of this organization's register; a malformed list is refused, not a 500.
    other_org = factory.org("Elsewhere")
    outsider = factory.user(other_org, role="editor")
    other = app.test_client()
    login(other, outsider, other_org)
    theirs = other.get(f"/letters/batch?subject=agreements&agency_ids={ids}").get_data(as_text=True)
    assert "Chosen from the agreement register: 2 agencies." in theirs
    listed = other.get("/agreements/?state=FL&copy=missing").get_data(as_text=True)
    assert "Miami Police Department (FL)</td>" not in listed  # no entry row (the form lists it)
    bad = client.get("/letters/batch?subject=agreements&agency_ids=1,x")
    assert bad.status_code == 422
    assert "the list of chosen agencies is not valid" in bad.get_data(as_text=True)

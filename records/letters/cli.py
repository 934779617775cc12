"""``flask letters draft``: draft one letter, or one per agency from a CSV, without the web app."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from records.core.clock import utc_today
from records.laws import UnknownLawError, get_law
from records.letters.drafting import (
    FEE_CATEGORIES,
    FORMATS,
    AgencyInfo,
    DraftingError,
    Letter,
    LetterRequest,
    Requester,
    draft_letter,
)
from records.letters.output import safe_filename, to_docx
from records.seed.federal import federal_agencies
from records.subjects import AGENCY_KINDS, UnknownItemError, get_subject, subject_keys

letters_cli = AppGroup("letters", help="Draft request letters from the command line.")
COMMANDS = [letters_cli]


def _items(subject_key: str, raw: tuple[str, ...], kind: str) -> list[str]:
    subject = get_subject(subject_key)
    keys = [k for part in raw for k in part.replace(",", " ").split()]
    if not keys:
        return [item.key for item in subject.items_for(kind)]
    for key in keys:
        try:
            subject.item(key)
        except UnknownItemError as exc:
            raise click.UsageError(str(exc)) from None
    return keys


def _federal_office(name: str) -> AgencyInfo | None:
    for key, office in federal_agencies().items():
        if name.strip().lower() in (key, office.name.lower()):
            return office.agency_info()
    return None


def _agency(name: str, kind: str, law_code: str, address: str = "", email: str = "") -> AgencyInfo:
    if kind == "federal":
        office = _federal_office(name)
        if office is not None:
            return office
    return AgencyInfo(
        name=name, level=kind, jurisdiction=law_code, mailing_address=address, email=email
    )


def _write(letter: Letter, out: Path) -> None:
    if out.suffix.lower() == ".txt":
        out.write_text(letter.text(), encoding="utf-8")
    else:
        out.write_bytes(to_docx(letter))


def _law_code(code: str) -> str:
    try:
        return get_law(code.strip().upper()).code
    except UnknownLawError as exc:
        raise click.UsageError(str(exc).strip("'\"")) from None


@letters_cli.command("draft")
@click.option("--subject", required=True, help=f"One of: {', '.join(subject_keys())}.")
@click.option("--law", "law_code", default="", help="Law code (US, TX, ...); one agency only.")
@click.option("--agency", "agency_name", default="", help="Recipient office (one letter).")
@click.option(
    "--agencies",
    "agencies_csv",
    type=click.Path(exists=True, dir_okay=False),
    help="CSV with name, jurisdiction and optional level, mailing_address, foia_email.",
)
@click.option("--kind", default="", help="Agency kind (federal, police, sheriff, jail, ...).")
@click.option("--items", multiple=True, help="Item keys (repeat or comma-separate); default all.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="Start of range.")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="End of range.")
@click.option("--local-agency", default="", help="Local agency named in federal requests.")
@click.option("--description", default="", help="Your own description of the records.")
@click.option(
    "--delivery",
    type=click.Choice(["email", "mail", "portal", "fax"]),
    default=None,
    help="How the letter goes (the recipient block's delivery line).",
)
@click.option("--requester-name", default="", help="Signer's name.")
@click.option("--requester-org", default="", help="Signer's organization.")
@click.option("--requester-email", default="", help="Signer's email.")
@click.option("--requester-phone", default="", help="Signer's phone.")
@click.option("--requester-address", default="", help="Signer's address (use \\n for lines).")
@click.option("--requester-state", default="", help="Signer's two-letter state of residence.")
@click.option("--fee-category", type=click.Choice(sorted(FEE_CATEGORIES)), default="other")
@click.option("--fee-cap", type=int, default=50, show_default=True, help="Fee cap in dollars.")
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="electronic")
@click.option("--waiver", default="", help="Fee-waiver justification (asks for a waiver).")
@click.option("--expedite", default="", help="Expedite justification (federal letters).")
@click.option("--date", "letter_date", type=click.DateTime(["%Y-%m-%d"]), help="Letter date.")
@click.option("--out", type=click.Path(dir_okay=False), help="Output .docx (or .txt).")
@click.option("--out-dir", type=click.Path(file_okay=False), help="Output folder (batch).")
def draft(**opts: Any) -> None:
    """Draft a letter to one agency (--agency, --law, --out) or to each row of --agencies."""
    if opts["subject"] not in subject_keys():
        raise click.UsageError(
            f"unknown subject {opts['subject']!r}; valid subjects: {', '.join(subject_keys())}"
        )
    kind = opts["kind"]
    if kind and kind not in AGENCY_KINDS:
        raise click.UsageError(
            f"unknown agency kind {kind!r}; use one of {', '.join(AGENCY_KINDS)}"
        )
    requester = Requester(
        name=opts["requester_name"] or "Requester",
        organization=opts["requester_org"],
        email=opts["requester_email"],
        phone=opts["requester_phone"],
        address=opts["requester_address"].replace("\\n", "\n"),
        state=opts["requester_state"].upper(),
        fee_category=opts["fee_category"],
        waiver_justification=opts["waiver"],
        expedite_justification=opts["expedite"],
    )
    variables: dict[str, Any] = {}
    for key in ("date_from", "date_to"):
        if opts[key]:
            variables[key] = opts[key].date()
    if opts["local_agency"]:
        variables["local_agency"] = opts["local_agency"]
    when: date = opts["letter_date"].date() if opts["letter_date"] else utc_today()

    def make(agency: AgencyInfo) -> Letter:
        request = LetterRequest(
            subject=opts["subject"],
            items=_items(opts["subject"], opts["items"], agency.level),
            letter_date=when,
            variables=variables,
            fee_cap=opts["fee_cap"],
            format=opts["fmt"],
            want_fee_waiver=bool(opts["waiver"]),
            want_expedite=bool(opts["expedite"]) and agency.federal,
            description=opts["description"],
        )
        if opts["delivery"]:
            agency = replace(agency, delivery=opts["delivery"])
        return draft_letter(request, requester, agency, get_law(agency.jurisdiction))

    if opts["agencies_csv"]:
        _batch(opts, make)
        return
    if not (opts["agency_name"] and opts["law_code"] and opts["out"]):
        raise click.UsageError("give --agency, --law and --out (or --agencies and --out-dir)")
    code = _law_code(opts["law_code"])
    agency = _agency(opts["agency_name"], kind or ("federal" if code == "US" else "sheriff"), code)
    try:
        letter = make(agency)
    except DraftingError as exc:
        raise click.UsageError(str(exc)) from None
    out = Path(opts["out"])
    _write(letter, out)
    for warning in letter.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {out} ({letter.law_code}, {len(letter.paragraphs)} paragraphs)")


def _batch(opts: dict[str, Any], make: Any) -> None:
    if not opts["out_dir"]:
        raise click.UsageError("--agencies needs --out-dir")
    out_dir = Path(opts["out_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(opts["agencies_csv"], encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if not rows or "name" not in rows[0] or "jurisdiction" not in rows[0]:
        raise click.UsageError("the CSV needs a header with name and jurisdiction columns")
    taken: set[str] = set()
    written = failed = 0
    for line, row in enumerate(rows, start=2):
        name = (row.get("name") or "").strip()
        try:
            code = _law_code(row.get("jurisdiction") or "")
        except click.UsageError as exc:
            click.echo(f"line {line} ({name}): {exc.message}", err=True)
            failed += 1
            continue
        kind = row.get("level") or opts["kind"] or ("federal" if code == "US" else "sheriff")
        agency = _agency(
            name, kind.strip(), code, row.get("mailing_address") or "", row.get("foia_email") or ""
        )
        try:
            letter = make(agency)
        except DraftingError as exc:
            click.echo(f"line {line} ({name}): {exc}", err=True)
            failed += 1
            continue
        stem = safe_filename(f"{name} {code}")
        while stem.lower() in taken:
            stem += "-2"
        taken.add(stem.lower())
        _write(letter, out_dir / f"{stem}.docx")
        written += 1
    click.echo(f"wrote {written} letters to {out_dir}" + (f"; {failed} failed" if failed else ""))
    if failed:
        raise SystemExit(1)

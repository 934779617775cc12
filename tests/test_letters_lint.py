"""Every letter the product can write passes the letter lint, and matches the golden copies.

Letters: each subject × three federal offices and every state in the law library × each kind
(request, request asking for fee waiver and expedition, request without a date range,
follow-up, appeal of a denial with exemptions, appeal of "no records", appeal of a deemed
denial). Set RECORDS_UPDATE_GOLDEN=1 to rewrite tests/golden/ after a deliberate wording change,
then read the diff.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from records.laws import get_law, law_codes
from records.letters.drafting import (
    AgencyInfo,
    Determination,
    Letter,
    LetterRequest,
    Requester,
    draft_appeal,
    draft_follow_up,
    draft_letter,
    is_printable_citation,
    printable_citation,
)
from records.seed.federal import get_federal_agency
from records.subjects import get_subject
from tests.letter_lint import lint

GOLDEN = Path(__file__).resolve().parent / "golden"
LETTER_DATE = date(2026, 12, 1)
SUBJECTS = ("agreements", "forfeiture", "communications")
FEDERAL = {"ice": "ice_foia", "doj": "doj_criminal_division_foia", "treasury": "treasury_do_foia"}
GOLDEN_STATES = ("AL", "NM", "CA", "FL", "TX", "NY", "IL", "WA")
REQUESTER = Requester(
    name="Jane Roe",
    organization="Magic City Ledger",
    address="PO Box 1234\nBirmingham, AL 35203",
    email="jane@example.org",
    phone="205-555-0100",
    fee_category="news_media",
    waiver_justification="I report on policing in Birmingham for a newsroom read by 40,000 "
    "people and will publish what the records show.",
    expedite_justification="The city council votes on renewing the agreement this month.",
    state="AL",
)
VARIABLES = {
    "date_from": date(2021, 1, 1),
    "date_to": date(2026, 11, 30),
    "local_agency": "the Birmingham Police Department",
    "facility": "the Jefferson County Jail",
}


def federal(key: str) -> AgencyInfo:
    return get_federal_agency(FEDERAL[key]).agency_info()


def state(code: str) -> AgencyInfo:
    return AgencyInfo(
        name="Birmingham Police Department" if code == "AL" else f"Example Police ({code})",
        level="police",
        jurisdiction=code,
        mailing_address="1710 1st Avenue North\nBirmingham, AL 35203"
        if code == "AL"
        else "1 Main Street\nExample City",
        email="records@example.gov",
    )


def request_letter(subject: str, agency: AgencyInfo, **kw: object) -> Letter:
    items = [i.key for i in get_subject(subject).items_for(agency.level)]
    variables = kw.pop("variables", VARIABLES)
    request = LetterRequest(
        subject=subject,
        items=items,
        letter_date=LETTER_DATE,
        variables=variables,  # type: ignore[arg-type]
        **kw,  # type: ignore[arg-type]
    )
    requester = replace(REQUESTER, state=agency.jurisdiction if not agency.federal else "AL")
    return draft_letter(request, requester, agency)


def follow_up(agency: AgencyInfo, clock: str = "response") -> Letter:
    return draft_follow_up(
        REQUESTER,
        agency,
        get_law(agency.jurisdiction),
        sent_on=date(2026, 10, 1),
        due=date(2026, 10, 29),
        letter_date=LETTER_DATE,
        summary="records concerning the HSI task-force agreement",
        clock=clock,
        reference="2026-0042",
    )


def appeal(agency: AgencyInfo, kind: str = "denial", exemptions: str = "") -> Letter:
    law = get_law(agency.jurisdiction)
    return draft_appeal(
        REQUESTER,
        agency,
        law,
        sent_on=date(2026, 9, 1),
        determination=Determination(date(2026, 11, 20), kind, exemptions),
        appeal_deadline=date(2027, 2, 18) if law.appeal.available or agency.federal else None,
        letter_date=LETTER_DATE,
        summary="records concerning the HSI task-force agreement",
        reference="2026-ICFO-0042" if agency.federal else "2026-0042",
    )


def all_agencies() -> list[AgencyInfo]:
    return [federal(k) for k in FEDERAL] + [state(c) for c in law_codes() if c != "US"]


@pytest.mark.parametrize("agency", all_agencies(), ids=lambda a: a.name[:40])
def test_every_letter_passes_the_lint(agency: AgencyInfo) -> None:
    letters: list[Letter] = []
    for subject in SUBJECTS:
        letters.append(request_letter(subject, agency))
        letters.append(request_letter(subject, agency, want_fee_waiver=True, want_expedite=True))
        letters.append(
            request_letter(
                subject,
                agency,
                variables={k: v for k, v in VARIABLES.items() if not k.startswith("date")},
                description="the agreement and what was paid under it",
            )
        )
    law = get_law(agency.jurisdiction)
    for clock in ("response", "acknowledgment", "extension"):
        if law.period(clock) is not None:
            letters.append(follow_up(agency, clock))
    letters.append(appeal(agency, "denial", "(b)(6), (b)(7)(C), (b)(7)(E), (b)(5)"))
    letters.append(appeal(agency, "partial", "b4"))
    letters.append(appeal(agency, "no_records"))
    letters.append(appeal(agency, "deemed"))
    for letter in letters:
        assert lint(letter.text()) == [], letter.subject_line


def test_the_lint_catches_what_it_should() -> None:
    bad = (
        "Under Ala. Code § 36-12-40 et seq.. I ask (fee provision; no waiver) for news_media "
        "records {{ law.name }}; this is not modelled here , ok"
    )
    found = " | ".join(lint(bad))
    for expected in ("doubled", "snake_case", "editorial", "unfilled", "raw enum"):
        assert expected in found


def _citations(code: str) -> list[str]:
    law = get_law(code)
    out = [law.citation, law.exemptions_citation or law.citation]
    out += [p.source.citation for p in law.periods.values()]
    out += [law.fees.source.citation, law.fee_waiver.source.citation]
    out += [law.who_may_request.source.citation, law.appeal.source.citation]
    for component in law.components.values():
        out.append(component.appeal.source.citation)
        for provision in (component.fee_waiver, component.expedite):
            if provision is not None:
                out.append(provision.source.citation)
    return out


@pytest.mark.parametrize("code", law_codes())
def test_every_printable_citation_is_a_bare_citation(code: str) -> None:
    for raw in _citations(code):
        printed = printable_citation(raw)
        assert is_printable_citation(printed), (raw, printed)


def test_printable_citation_drops_the_readers_notes() -> None:
    assert printable_citation("Ala. Code § 36-12-44(a)(2) (fee provision; no waiver)") == (
        "Ala. Code § 36-12-44(a)(2)"
    )
    assert (
        printable_citation(
            "NMSA 1978, § 14-2-8(D); written denial also due within fifteen days, § 14-2-11(B)(3)"
        )
        == "NMSA 1978, § 14-2-8(D)"
    )
    assert printable_citation("5 U.S.C. § 552(a)(4)(A)(ii), (iv), (viii)") == (
        "5 U.S.C. § 552(a)(4)(A)(ii), (iv), (viii)"
    )
    assert printable_citation("Ala. Code § 36-12-40 (library records; x) and other statutes") == (
        "Ala. Code § 36-12-40"
    )


def test_no_waiver_law_asks_for_a_reduction_and_federal_says_commercial_interest_once() -> None:
    al = request_letter("forfeiture", state("AL"), want_fee_waiver=True).text()
    assert "does not provide for a fee waiver" in al
    assert "waive or reduce" not in al
    il = request_letter("forfeiture", state("IL"), want_fee_waiver=True).text()
    assert "I ask that you waive or reduce any fees (5 ILCS 140/6(c))" in il
    ice = request_letter("agreements", federal("ice"), want_fee_waiver=True).text()
    assert ice.count("commercial interest") == 1


def test_several_subjects_share_one_numbered_list() -> None:
    agency = state("AL")
    letter = draft_letter(
        LetterRequest(
            subject="agreements",
            items=["title19_hsi", "forfeiture:esac", "forfeiture:payments_received"],
            letter_date=LETTER_DATE,
            description="The HSI task-force MOU and the equitable-sharing records it promised.",
        ),
        REQUESTER,
        agency,
    )
    numbered = [p for p in letter.paragraphs if p[:3] in ("1. ", "2. ", "3. ")]
    assert len(numbered) == 3
    assert "equitable sharing" in letter.subject_line.lower()
    assert "The HSI task-force MOU and the equitable-sharing records it promised." in (
        letter.text()
    )


def golden_letters() -> dict[str, Letter]:
    out: dict[str, Letter] = {}
    for subject in SUBJECTS:
        for key in FEDERAL:
            out[f"request-{subject}-us-{key}"] = request_letter(
                subject, federal(key), want_fee_waiver=True, want_expedite=True
            )
        for code in GOLDEN_STATES:
            out[f"request-{subject}-{code.lower()}"] = request_letter(
                subject, state(code), want_fee_waiver=True
            )
    for name, agency in (("us-ice", federal("ice")), ("al", state("AL")), ("ny", state("NY"))):
        out[f"follow-up-{name}"] = follow_up(agency)
        out[f"appeal-{name}"] = appeal(agency, "denial", "(b)(6), (b)(7)(C), (b)(7)(E)")
    return out


def test_generated_letters_match_the_golden_copies() -> None:
    update = os.environ.get("RECORDS_UPDATE_GOLDEN") == "1"
    letters = golden_letters()
    mismatched = []
    for name, letter in letters.items():
        path = GOLDEN / f"{name}.txt"
        text = letter.text()
        if update:
            path.write_text(text, encoding="utf-8")
        elif not path.exists() or path.read_text(encoding="utf-8") != text:
            mismatched.append(name)
    assert not mismatched, f"letters differ from tests/golden: {mismatched}"
    assert sorted(p.stem for p in GOLDEN.glob("*.txt")) == sorted(letters)

"""Letters: every subject to federal offices and states, read back from the .docx."""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from records.laws import UnknownLawError, get_law, law_codes
from records.letters.drafting import (
    AgencyInfo,
    Determination,
    DraftingError,
    Letter,
    LetterRequest,
    MissingVariableError,
    Requester,
    TemplateError,
    draft_appeal,
    draft_batch,
    draft_follow_up,
    draft_letter,
    piece_names,
    placeholders_for,
    printable_citation,
    residency_warning,
    response_period,
)
from records.letters.output import docx_paragraphs, safe_filename, to_docx, to_pdf, write_batch_zip
from records.seed.federal import federal_agencies, get_federal_agency
from records.subjects import UnknownItemError, UnknownSubjectError, get_subject, subject_keys

LETTER_DATE = date(2026, 3, 2)
PREFERRED_STATES = ["AL", "CA", "FL", "NM", "NY", "TX"]
STATES = [c for c in PREFERRED_STATES if c in law_codes()]
SUBJECTS = ["agreements", "forfeiture", "communications"]
README = Path(__file__).resolve().parent.parent / "letter_templates" / "README.md"

REQUESTER = Requester(
    name="Jane Roe",
    organization="Border Desk News",
    address="PO Box 12\nSpringfield, AL 35000",
    email="jane@example.org",
    phone="555-0100",
    fee_category="news_media",
    waiver_justification="I report on immigration enforcement for a newspaper read by 40,000 "
    "people and will publish what the records show.",
    expedite_justification="Three counties vote on new 287(g) agreements this month.",
    state="AL",
)


def federal_office(component: str) -> AgencyInfo:
    key = {"DHS": "ice_foia", "DOJ": "doj_criminal_division_foia"}[component]
    return get_federal_agency(key).agency_info()


def state_agency(code: str) -> AgencyInfo:
    return AgencyInfo(
        name=f"Example County Sheriff's Office ({code})",
        level="sheriff",
        jurisdiction=code,
        mailing_address="1 Main Street\nExample City",
    )


def request_for(subject: str, agency: AgencyInfo, **kw: object) -> LetterRequest:
    items = [i.key for i in get_subject(subject).items_for(agency.level)]
    return LetterRequest(
        subject=subject,
        items=items,
        letter_date=LETTER_DATE,
        variables={
            "date_from": date(2025, 1, 20),
            "date_to": date(2026, 2, 28),
            "local_agency": "the Example County Sheriff's Office",
            "facility": "the Example County Jail",
        },
        **kw,  # type: ignore[arg-type]
    )


def docx_text(letter: Letter, letterhead: bytes | None = None) -> list[str]:
    return docx_paragraphs(to_docx(letter, letterhead))


def test_at_least_five_preferred_states_have_law_entries() -> None:
    assert len(STATES) >= 5, f"law library has only {STATES} of {PREFERRED_STATES}"


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("component", ["DHS", "DOJ"])
def test_federal_letter_docx_holds_law_items_and_federal_requests(
    subject: str, component: str
) -> None:
    agency = federal_office(component)
    req = request_for(subject, agency, want_fee_waiver=True, want_expedite=True)
    letter = draft_letter(req, REQUESTER, agency)
    paragraphs = docx_text(letter)
    text = "\n".join(paragraphs)
    assert paragraphs == letter.paragraphs  # the email and the .docx are the same words
    assert agency.name in text
    assert "5 U.S.C. § 552" in text
    assert "within 20 business days after you receive this request" in text
    assert "5 U.S.C. § 552(a)(6)(A)(i)" in text
    items = get_subject(subject).items_for("federal", component)
    for number, item in enumerate(items, start=1):
        expected = f"{number}. " + " ".join(item.template_for(True).render(_item_vars(item)))
        assert expected in paragraphs
    numbered = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    assert len(numbered) == len(items)
    assert "the Example County Sheriff's Office" in text
    assert "representative of the news media" in text
    assert "5 U.S.C. § 552(a)(4)(A)(ii)(II)" in text
    assert "5 U.S.C. § 552(a)(4)(A)(iii)" in text
    reg = {"DHS": "6 C.F.R. § 5.11(k)", "DOJ": "28 C.F.R. § 16.10(k)"}[component]
    assert reg in text
    assert "true and correct to the best of my knowledge and belief" in text
    assert "5 U.S.C. § 552(a)(6)(E)(vi)" in text
    appeal = {"DHS": "6 C.F.R. § 5.8(a)(1)", "DOJ": "28 C.F.R. § 16.8(a)"}[component]
    assert appeal in text


@pytest.mark.parametrize("subject", SUBJECTS)
@pytest.mark.parametrize("code", STATES)
def test_state_letter_docx_holds_citation_period_and_items(subject: str, code: str) -> None:
    law = get_law(code)
    agency = state_agency(code)
    requester = replace(REQUESTER, state=code)
    letter = draft_letter(request_for(subject, agency), requester, agency)
    paragraphs = docx_text(letter)
    text = "\n".join(paragraphs)
    assert paragraphs == letter.paragraphs
    assert agency.name in text
    assert printable_citation(law.citation) in text
    period = law.periods["response"]
    assert printable_citation(period.source.citation) in text
    if period.fixed:
        unit = {"business": "business", "calendar": "calendar"}[period.unit]
        assert f"within {period.count} {unit} day" in text
    else:
        assert response_period(law) in text
    items = get_subject(subject).items_for("sheriff")
    for number, item in enumerate(items, start=1):
        expected = f"{number}. " + " ".join(item.wording.render(_item_vars(item)))
        assert expected in paragraphs
    # Federal-only paragraphs stay out of state letters.
    assert "knowledge and belief" not in text
    assert "5 U.S.C." not in text.replace("U.S.C. § 1357(g)", "")


def _item_vars(_item: object) -> dict[str, str]:
    return {
        "date_from": "January 20, 2025",
        "date_to": "February 28, 2026",
        "facility": "the Example County Jail",
        "local_agency": "the Example County Sheriff's Office",
        "program": "any 287(g) model, including the Jail Enforcement Model, the Task Force Model "
        "and the Warrant Service Officer model",
        "officers": "any officer or employee",
        "units": "any unit, division or task force",
        "search_terms": '"ICE", "ERO", "HSI", "DHS", "immigration", "detainer", "I-247", '
        '"I-200", "I-205", "287(g)", "hold", "release notification", "LESC" or '
        '"Law Enforcement Support Center"',
        "email_domains": "ice.dhs.gov, dhs.gov",
        "custodians": "the sheriff or chief of police, the jail administrator or commander, "
        "the records and classification supervisors, the public information officer, and the "
        "agency's legal counsel",
    }


def test_state_letter_names_only_the_chosen_items() -> None:
    agency = state_agency("TX")
    req = LetterRequest(
        subject="forfeiture",
        items=["esac"],
        letter_date=LETTER_DATE,
        variables={"date_from": date(2020, 1, 1)},
    )
    text = to_docx_text(draft_letter(req, REQUESTER, agency))
    assert "Equitable Sharing Agreement and Certification" in text
    assert "DAG-71" not in text
    assert "TD F 92-22.46" not in text


def to_docx_text(letter: Letter) -> str:
    return "\n".join(docx_text(letter))


def test_html_preview_escapes_and_keeps_the_same_words() -> None:
    requester = replace(REQUESTER, name="Jane <script>alert(1)</script> Roe")
    agency = state_agency("CA")
    letter = draft_letter(request_for("communications", agency), requester, agency)
    page = letter.html()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    words = re.sub(r"<[^>]+>", "", page.replace("<br>\n", "\n"))
    assert html.unescape(words).split() == letter.text().split()


def test_edited_text_round_trips_into_identical_outputs() -> None:
    agency = federal_office("DHS")
    letter = draft_letter(request_for("agreements", agency), REQUESTER, agency)
    edited = letter.text().replace("Thank you for your help.", "Thank you very much.")
    again = Letter.from_text(edited, recipient=agency.name)
    assert again.subject_line == letter.subject_line
    assert again.text() == edited
    assert docx_text(again) == again.paragraphs
    assert Letter.from_text(again.text()).paragraphs == again.paragraphs


def test_letterhead_content_is_kept_and_letter_appended() -> None:
    head = Document()
    head.add_paragraph("BORDER DESK NEWS LETTERHEAD")
    head.sections[0].footer.paragraphs[0].text = "Footer of the organization"
    buf = io.BytesIO()
    head.save(buf)
    agency = state_agency("NY")
    letter = draft_letter(request_for("agreements", agency), REQUESTER, agency)
    data = to_docx(letter, letterhead=buf.getvalue())
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs if p.text.strip()]
    assert texts[0] == "BORDER DESK NEWS LETTERHEAD"
    assert texts[1:] == letter.paragraphs
    assert doc.sections[0].footer.paragraphs[0].text == "Footer of the organization"


# --- residents-only laws ----------------------------------------------------------------------


def _residents_only_code() -> str:
    codes = [c for c in law_codes() if get_law(c).residents_only]
    assert codes, "expected at least one residents-only state in the law library"
    return "AL" if "AL" in codes else codes[0]


def test_residents_only_letter_states_residency() -> None:
    code = _residents_only_code()
    law = get_law(code)
    agency = state_agency(code)
    letter = draft_letter(request_for("forfeiture", agency), replace(REQUESTER, state=code), agency)
    text = letter.text()
    assert f"I am a resident of {law.jurisdiction}" in text
    assert printable_citation(law.who_may_request.source.citation) in text
    assert letter.warnings == []


def test_residents_only_warns_for_non_resident_and_omits_the_claim() -> None:
    code = _residents_only_code()
    law = get_law(code)
    outsider = replace(REQUESTER, state="ZZ")
    warning = residency_warning(outsider, law)
    assert warning is not None and "ZZ" in warning
    agency = state_agency(code)
    letter = draft_letter(request_for("forfeiture", agency), outsider, agency)
    assert warning in letter.warnings
    assert "I am a resident" not in letter.text()
    assert residency_warning(outsider, get_law("CA")) is None


def test_citizen_claim_only_when_requester_says_so() -> None:
    code = _residents_only_code()
    agency = state_agency(code)
    citizen = replace(REQUESTER, state=code, us_citizen=True)
    text = draft_letter(request_for("forfeiture", agency), citizen, agency).text()
    assert "citizen and resident" in text


# --- template safety --------------------------------------------------------------------------

INJECTIONS = [
    "{{ config.SECRET_KEY }}",
    "{{ __class__ }}",
    "{{ requester.__dict__ }}",
    "{% import os %}",
    "{{ requester.name.__class__ }}",
    "{{ law }}",
    "{{ requester.name|upper }}",
    "{{ ''.__class__.__mro__ }}",
    "{# comment #}",
]


@pytest.mark.parametrize("source", INJECTIONS)
def test_override_cannot_reach_python_objects(source: str) -> None:
    agency = state_agency("CA")
    req = request_for("agreements", agency)
    with pytest.raises(TemplateError) as err:
        draft_letter(req, REQUESTER, agency, overrides={"opening": f"Hello\n{source}"})
    assert err.value.line == 2
    assert err.value.piece == "opening"


def test_values_are_never_rendered_twice() -> None:
    sneaky = replace(REQUESTER, name="{{ config.SECRET_KEY }} {% import os %}")
    agency = state_agency("CA")
    text = draft_letter(request_for("agreements", agency), sneaky, agency).text()
    assert "{{ config.SECRET_KEY }} {% import os %}" in text


def test_bad_template_error_names_line_and_placeholder() -> None:
    agency = state_agency("TX")
    source = "Dear sir,\n\nThis line is fine.\nBut {{ requester.ssn }} is not."
    with pytest.raises(TemplateError) as err:
        draft_letter(
            request_for("agreements", agency), REQUESTER, agency, overrides={"fees": source}
        )
    assert err.value.line == 4
    assert "requester.ssn" in str(err.value)
    assert "line 4" in str(err.value)


def test_malformed_braces_are_rejected() -> None:
    agency = state_agency("TX")
    for source in ["{{ law.name", "law.name }}", "{{ }}", "{{ law.name }"]:
        with pytest.raises(TemplateError):
            draft_letter(
                request_for("agreements", agency), REQUESTER, agency, overrides={"opening": source}
            )


def test_placeholder_allowed_in_one_piece_is_refused_in_another() -> None:
    agency = state_agency("TX")
    with pytest.raises(TemplateError, match="clock.due_date"):
        draft_letter(
            request_for("agreements", agency),
            REQUESTER,
            agency,
            overrides={"opening": "Due {{ clock.due_date }}"},
        )


def test_valid_override_replaces_the_piece() -> None:
    agency = state_agency("CA")
    text = draft_letter(
        request_for("agreements", agency),
        REQUESTER,
        agency,
        overrides={"opening": "Under {{ law.citation }}, our newsroom asks for these records."},
    ).text()
    assert f"Under {get_law('CA').citation}, our newsroom asks for these records." in text


def test_unknown_override_piece_lists_valid_pieces() -> None:
    agency = state_agency("CA")
    with pytest.raises(DraftingError, match="valid pieces: .*opening"):
        draft_letter(request_for("agreements", agency), REQUESTER, agency, overrides={"x": "y"})


def test_readme_documents_every_piece_and_placeholder() -> None:
    readme = README.read_text(encoding="utf-8")
    for piece in piece_names():
        assert f"`{piece}.txt`" in readme, piece
        for name in placeholders_for(piece):
            assert f"`{{{{ {name} }}}}`" in readme, name


# --- drafting errors --------------------------------------------------------------------------


def test_unknown_subject_lists_valid_subjects() -> None:
    agency = state_agency("CA")
    req = LetterRequest(subject="parking", items=["x"], letter_date=LETTER_DATE)
    with pytest.raises(UnknownSubjectError) as err:
        draft_letter(req, REQUESTER, agency)
    for key in subject_keys():
        assert key in str(err.value)


def test_unknown_item_lists_valid_items() -> None:
    agency = state_agency("CA")
    req = LetterRequest(
        subject="forfeiture", items=["esac", "nope"], letter_date=LETTER_DATE, variables={}
    )
    with pytest.raises(UnknownItemError) as err:
        draft_letter(req, REQUESTER, agency)
    assert "nope" in str(err.value) and "dag71" in str(err.value)


def test_unknown_law_lists_known_codes() -> None:
    agency = replace(state_agency("CA"), jurisdiction="XX")
    with pytest.raises(UnknownLawError) as err:
        draft_letter(request_for("forfeiture", state_agency("CA")), REQUESTER, agency)
    assert "US" in str(err.value)


def test_missing_required_variable_is_named() -> None:
    agency = federal_office("DOJ")
    req = LetterRequest(
        subject="forfeiture",
        items=["federal_payments"],
        letter_date=LETTER_DATE,
        variables={"date_from": date(2020, 1, 1)},
    )
    with pytest.raises(MissingVariableError, match="State or local agency"):
        draft_letter(req, REQUESTER, agency)


def test_items_the_agency_does_not_hold_are_dropped_with_a_warning() -> None:
    agency = state_agency("CA")
    req = LetterRequest(
        subject="forfeiture",
        items=["esac", "federal_payments"],
        letter_date=LETTER_DATE,
        variables={"date_from": date(2020, 1, 1)},
    )
    letter = draft_letter(req, REQUESTER, agency)
    assert any("Federal records of sharing payments" in w for w in letter.warnings)
    assert "Assets Forfeiture Fund or the Treasury Forfeiture Fund from" not in letter.text()


def test_federal_office_under_state_law_is_refused() -> None:
    agency = federal_office("DHS")
    with pytest.raises(DraftingError, match="federal office"):
        draft_letter(request_for("agreements", agency), REQUESTER, agency, get_law("CA"))


def test_waiver_without_justification_is_refused() -> None:
    agency = federal_office("DHS")
    req = request_for("agreements", agency, want_fee_waiver=True)
    with pytest.raises(DraftingError, match="justification"):
        draft_letter(req, replace(REQUESTER, waiver_justification=""), agency)


def test_text_is_tidy_and_keeps_file_extensions() -> None:
    for code in law_codes():
        agency = federal_office("DOJ") if code == "US" else state_agency(code)
        letter = draft_letter(request_for("forfeiture", agency), REQUESTER, agency)
        text = letter.text()
        assert ".eml or .msg files" in text
        assert "  " not in text, code
        assert not re.search(r" [.,;:)](?=\s|$)", text), code


def test_fee_cap_is_stated() -> None:
    agency = state_agency("NM")
    letter = draft_letter(request_for("agreements", agency, fee_cap=75), REQUESTER, agency)
    assert "contact me before fees exceed $75" in letter.text()


# --- follow-up and appeal ---------------------------------------------------------------------


def test_follow_up_cites_missed_clock_and_date() -> None:
    agency = federal_office("DHS")
    letter = draft_follow_up(
        REQUESTER,
        agency,
        get_law("US"),
        sent_on=date(2026, 1, 5),
        due=date(2026, 2, 3),
        letter_date=LETTER_DATE,
        summary="287(g) agreements with the Example County Sheriff's Office",
        reference="2026-ICFO-12345",
    )
    text = "\n".join(docx_text(letter))
    assert "February 3, 2026" in text
    assert "January 5, 2026" in text
    assert "5 U.S.C. § 552(a)(6)(A)(i)" in text
    assert "within 20 business days" in text
    assert "2026-ICFO-12345" in text


def test_follow_up_under_a_law_without_a_fixed_period_quotes_it() -> None:
    code = next(c for c in law_codes() if not get_law(c).periods["response"].fixed)
    law = get_law(code)
    agency = state_agency(code)
    letter = draft_follow_up(
        REQUESTER,
        agency,
        law,
        sent_on=date(2026, 1, 5),
        due=date(2026, 2, 3),
        letter_date=LETTER_DATE,
        summary="records",
    )
    text = letter.text()
    assert response_period(law) in text
    assert printable_citation(law.periods["response"].source.citation) in text
    assert "February 3, 2026" in text


def test_follow_up_for_a_clock_the_law_lacks_lists_its_clocks() -> None:
    agency = state_agency("TX")
    with pytest.raises(DraftingError, match="response"):
        draft_follow_up(
            REQUESTER,
            agency,
            get_law("TX"),
            sent_on=date(2026, 1, 5),
            due=date(2026, 1, 20),
            letter_date=LETTER_DATE,
            summary="x",
            clock="acknowledgment",
        )


def test_doj_appeal_goes_to_oip_with_its_deadline() -> None:
    office = federal_office("DOJ")
    letter = draft_appeal(
        REQUESTER,
        office,
        get_law("US"),
        sent_on=date(2025, 11, 3),
        determination=Determination(date(2026, 1, 15), "denial", "(b)(7)(A)"),
        appeal_deadline=date(2026, 4, 15),
        letter_date=LETTER_DATE,
        summary="equitable-sharing records",
    )
    text = "\n".join(docx_text(letter))
    assert letter.recipient == "Office of Information Policy, U.S. Department of Justice"
    assert "441 G Street NW" in text
    assert "April 15, 2026" in text
    assert "28 C.F.R. § 16.8(a)" in text
    assert "within 90 calendar days" in text
    assert "Exemption 7(A) (5 U.S.C. § 552(b)(7)(A))" in text
    assert "5 U.S.C. § 552(a)(8)(A)(i)" in text
    assert "narrowing" not in text
    assert letter.subject_line.startswith("Freedom of Information Act Appeal")


def test_ice_appeal_goes_to_opla_with_each_exemption_argued() -> None:
    letter = draft_appeal(
        REQUESTER,
        federal_office("DHS"),
        get_law("US"),
        sent_on=date(2025, 11, 3),
        determination=Determination(date(2026, 1, 15), "partial", "b6, (b)(7)(C), (b)(7)(E)"),
        appeal_deadline=date(2026, 5, 26),
        letter_date=LETTER_DATE,
        summary="287(g) agreements",
        reference="2026-ICFO-1",
    )
    text = letter.text()
    assert "Office of the Principal Legal Advisor, Government Information Law Division" in (
        letter.recipient
    )
    assert "Dear FOIA Appeals Officer:" in text
    for name in ("Exemption 6 ", "Exemption 7(C) ", "Exemption 7(E) "):
        assert name in text
    assert "segregable" in text and "2026-ICFO-1" in text
    assert any("address" in w for w in letter.warnings)


def test_no_records_appeal_argues_the_search() -> None:
    letter = draft_appeal(
        REQUESTER,
        federal_office("DHS"),
        get_law("US"),
        sent_on=date(2025, 11, 3),
        determination=Determination(date(2026, 1, 15), "no_records"),
        appeal_deadline=date(2026, 5, 26),
        letter_date=LETTER_DATE,
        summary="287(g) agreements",
    )
    assert "adequacy of the search" in letter.text()
    assert "new and adequate search" in letter.text()


def test_law_without_an_appeal_gets_a_request_for_reconsideration() -> None:
    agency = state_agency("TX")
    letter = draft_appeal(
        REQUESTER,
        agency,
        get_law("TX"),
        sent_on=date(2025, 11, 3),
        determination=Determination(date(2026, 1, 15), "denial"),
        letter_date=LETTER_DATE,
        summary="records",
    )
    assert letter.subject_line.startswith("Request for reconsideration")
    assert "provides no administrative appeal" in letter.text()
    assert letter.recipient == agency.name


# --- batch ZIP and PDF ------------------------------------------------------------------------


def test_batch_zip_has_one_letter_per_agency_with_distinct_names() -> None:
    agencies = [state_agency(code) for code in STATES]
    agencies += [replace(agencies[0]), replace(agencies[0], name="Example County/Sheriff: Office?")]
    agencies.append(federal_office("DHS"))
    req = request_for("forfeiture", agencies[0])
    req = replace(req, items=["esac", "dag71"])
    buf = io.BytesIO()
    stems = write_batch_zip(draft_batch(req, REQUESTER, agencies), buf)
    with zipfile.ZipFile(buf) as archive:
        names = archive.namelist()
        docx_names = [n for n in names if n.endswith(".docx")]
        assert len(docx_names) == len(agencies)
        assert len({n.lower() for n in docx_names}) == len(agencies)
        assert all(re.fullmatch(r"[A-Za-z0-9-]+\.(docx|txt)", n) for n in names)
        for stem, agency in zip(stems, agencies, strict=True):
            body = archive.read(f"{stem}.docx")
            text = "\n".join(docx_paragraphs(body))
            assert agency.name in text
            assert archive.read(f"{stem}.txt").decode("utf-8").split() == text.split()


def test_batch_zip_streams_to_an_unseekable_file() -> None:
    class Unseekable(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, b: bytes) -> int:  # type: ignore[override]
            self.data += b
            return len(b)

    sink = Unseekable()
    agencies = [state_agency(code) for code in STATES]
    req = replace(request_for("agreements", agencies[0]), items=["moa_287g"])
    write_batch_zip(draft_batch(req, REQUESTER, agencies), sink)  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(bytes(sink.data))) as archive:
        assert len([n for n in archive.namelist() if n.endswith(".docx")]) == len(agencies)


def test_safe_filename() -> None:
    assert (
        safe_filename("Condado de Doña Ana / Sheriff's Office")
        == "Condado-de-Dona-Ana-Sheriffs-Office"
    )
    assert safe_filename("../../etc/passwd") == "etc-passwd"
    assert safe_filename("CON") == "letter-CON"
    assert safe_filename("???") == "letter"


def test_to_pdf_returns_none_without_libreoffice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("records.letters.output.shutil.which", lambda name: None)
    assert to_pdf(b"not used") is None


# --- federal seed -----------------------------------------------------------------------------


def test_federal_seed_entries_are_complete_and_use_known_components() -> None:
    law = get_law("US")
    offices = federal_agencies()
    for key in (
        "ice_foia",
        "cbp_foia",
        "dhs_privacy_office",
        "doj_criminal_division_foia",
        "doj_oip",
        "fbi_rids",
        "treasury_do_foia",
        "dhs",
        "ice",
        "doj",
        "treasury",
    ):
        assert key in offices
    for office in offices.values():
        assert office.level == "federal" and office.jurisdiction == "US"
        assert office.last_verified == date(2026, 11, 24)
        assert office.source.startswith("https://")
        assert office.component in law.components or office.component == "TREAS"
        if office.parent:
            assert office.parent in {o.name for o in offices.values()}


@pytest.mark.parametrize(
    ("component", "kept", "left_out", "why"),
    [
        ("DOJ", "Form DAG-71", "TD F 92-22.46", "held by the Treasury or DHS, not by the Justice"),
        ("DHS", "TD F 92-22.46", "Form DAG-71", "held by the Justice Department, not by DHS"),
    ],
)
def test_a_federal_letter_asks_only_for_the_forms_its_department_holds(
    component: str, kept: str, left_out: str, why: str
) -> None:
    agency = federal_office(component)
    req = request_for("forfeiture", agency)  # every item a federal office may hold
    assert {"dag71", "td_f_92_22_46"} <= set(req.items)
    letter = draft_letter(req, REQUESTER, agency)
    text = "\n".join(letter.paragraphs)
    assert kept in text and left_out not in text
    assert any(why in w for w in letter.warnings), letter.warnings
    # The checklist offered for this office leaves the other department's form out too.
    offered = {i.key for i in get_subject("forfeiture").items_for("federal", component)}
    assert ("dag71" in offered) == (component == "DOJ")

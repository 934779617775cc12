"""Letter layout on the PDF LibreOffice makes: page numbers, page count, signature kept whole."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from records.letters.output import docx_paragraphs, pdf_available, to_docx, to_pdf
from tests.test_letters_lint import federal, request_letter, state


def pdf_pages(letter) -> list[str]:
    assert pdf_available(), "LibreOffice (soffice) is required: tools/system-deps installs it"
    data = to_pdf(to_docx(letter))
    assert data is not None
    return [page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages]


@pytest.mark.parametrize("agency", [federal("ice"), state("AL")], ids=["federal", "alabama"])
def test_long_letter_pdf_has_page_numbers_and_keeps_the_signature_whole(agency) -> None:
    letter = request_letter("agreements", agency, want_fee_waiver=True, want_expedite=True)
    pages = pdf_pages(letter)
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in " ".join(text.split())
    last = " ".join(pages[-1].split())
    # The signature block never stands alone: the closing sentence, the close and every line
    # of the signature are on the last page together.
    assert "Thank you for your help" in last
    assert "Sincerely," in last
    for line in ("Jane Roe", "Magic City Ledger", "jane@example.org", "205-555-0100"):
        assert line in last
    first = " ".join(pages[0].split())
    assert first.index("PO Box 1234") < first.index("December 1, 2026") < first.index("Re:")


def test_docx_reads_back_as_the_letter_words() -> None:
    letter = request_letter("forfeiture", state("NY"))
    assert docx_paragraphs(to_docx(letter)) == letter.paragraphs

"""Letter output files: .docx (python-docx), PDF (LibreOffice when installed) and batch ZIPs.

Each .docx paragraph is one ``Letter.paragraphs`` entry written as a single run, line breaks
as Word line breaks, so reading the file back with python-docx gives the same words as the
email text. Nothing is searched and replaced inside Word XML.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from io import BytesIO
from pathlib import Path
from typing import IO, Any

from records.letters.drafting import Letter

# python-docx (and lxml under it) is imported when a letter is first written or read, not when
# the app starts: most processes never touch a .docx.

__all__ = [
    "PdfConversionError",
    "pdf_available",
    "safe_filename",
    "to_docx",
    "to_pdf",
    "write_batch_zip",
]

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


class PdfConversionError(RuntimeError):
    """LibreOffice is installed but could not convert the document."""


_NUMBERED = re.compile(r"^\d+\. ")


def _field(paragraph: Any, instruction: str) -> None:
    """Append a Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when laying out."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _page_numbers(doc: Any) -> None:
    """ "Page N of M" centred in the footer, unless a letterhead brings its own footer text."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    footer = doc.sections[-1].footer
    if any(p.text.strip() for p in footer.paragraphs):
        return
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _field(paragraph, "NUMPAGES")


def to_docx(letter: Letter, letterhead: bytes | None = None) -> bytes:
    """The letter as .docx bytes, appended after a letterhead document's content if given.

    Layout: page numbers "Page N of M" in the footer; the subject line in bold; numbered items
    with a hanging indent; the last paragraph before the complimentary close, the close and the
    signature block kept on one page, with room to sign after the close.
    """
    from docx import Document
    from docx.shared import Pt

    doc = Document(BytesIO(letterhead)) if letterhead else Document()
    doc.core_properties.title = letter.subject_line
    _page_numbers(doc)
    written = []
    for text in letter.paragraphs:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(text)
        if text.startswith("Re: ") and "\n" not in text:
            run.bold = True
        if _NUMBERED.match(text):
            paragraph.paragraph_format.left_indent = Pt(22)
            paragraph.paragraph_format.first_line_indent = Pt(-22)
        written.append(paragraph)
    # The signature block is the last paragraph; the close ("Sincerely,") the one before it.
    if (
        len(written) >= 3
        and letter.paragraphs[-2].rstrip().endswith(",")
        and (len(letter.paragraphs[-2]) < 40)
    ):
        closing_sentence, close, signature = written[-3], written[-2], written[-1]
        closing_sentence.paragraph_format.keep_with_next = True
        close.paragraph_format.keep_with_next = True
        close.paragraph_format.space_after = Pt(40)  # room to sign
        signature.paragraph_format.keep_together = True
    elif written:
        written[-1].paragraph_format.keep_together = True
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraph texts of a .docx, as python-docx reads them."""
    from docx import Document

    return [p.text for p in Document(BytesIO(data)).paragraphs if p.text.strip()]


def pdf_available() -> bool:
    """True when LibreOffice (``soffice``) is on PATH."""
    return shutil.which("soffice") is not None


def to_pdf(docx_bytes: bytes, *, timeout: float = 120) -> bytes | None:
    """Convert .docx bytes to PDF with headless LibreOffice; None when it is not installed."""
    exe = shutil.which("soffice")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "letter.docx"
        source.write_bytes(docx_bytes)
        # A private profile per call: soffice refuses to run twice on one shared profile.
        profile = (folder / "profile").as_uri()
        command = [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, check=True, capture_output=True, timeout=timeout)  # noqa: S603
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise PdfConversionError(f"LibreOffice could not convert the letter: {exc}") from exc
        result = folder / "letter.pdf"
        if not result.exists():
            raise PdfConversionError("LibreOffice finished without writing a PDF")
        return result.read_bytes()


def safe_filename(name: str, *, max_length: int = 80) -> str:
    """An ASCII file-name stem safe on every common file system ("letter" if nothing is left)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = ascii_name.replace("'", "")
    stem = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-")[:max_length].strip("-")
    if not stem:
        return "letter"
    if stem.split("-")[0].upper() in _WINDOWS_RESERVED:
        stem = f"letter-{stem}"
    return stem


def _unique(stem: str, taken: set[str]) -> str:
    candidate, n = stem, 2
    # Compare case-insensitively: macOS and Windows would merge "A.docx" and "a.docx".
    while candidate.lower() in taken:
        candidate, n = f"{stem}-{n}", n + 1
    taken.add(candidate.lower())
    return candidate


def write_batch_zip(
    letters: Iterable[Letter],
    fileobj: IO[bytes],
    *,
    letterhead: bytes | None = None,
    include_text: bool = True,
) -> list[str]:
    """Stream one .docx (and .txt) per letter into a ZIP on ``fileobj``; return the stems.

    Letters are consumed one at a time and each file is written as soon as it is made, so a
    batch of any size holds only one letter in memory. ``fileobj`` may be unseekable.
    """
    taken: set[str] = set()
    stems: list[str] = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for letter in letters:
            stem = _unique(safe_filename(letter.recipient or letter.subject_line), taken)
            # .docx is already deflated inside; storing it saves time for no loss of size.
            archive.writestr(
                f"{stem}.docx", to_docx(letter, letterhead), compress_type=zipfile.ZIP_STORED
            )
            if include_text:
                archive.writestr(f"{stem}.txt", letter.text().encode("utf-8"))
            stems.append(stem)
    return stems

"""Small valid files built in memory for the filing tests."""

from __future__ import annotations

import io
import zipfile


def build_pdf(objs: list[bytes]) -> bytes:
    """A PDF file holding ``objs`` as objects 1..n, with a correct cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objs, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    )
    return out.getvalue()


def pdf_bytes(text: str = "Detainer log for Madison County") -> bytes:
    """A one-page PDF with a text layer."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return build_pdf(objs)


def many_pages_pdf(pages: int, text: str = "Booking log") -> bytes:
    """A PDF of ``pages`` pages sharing one content stream of 60 text lines: slow to extract
    (about 15 ms a page), quick to build."""
    lines = " ".join(f"BT /F1 9 Tf 40 {780 - 12 * i} Td ({text} line {i}) Tj ET" for i in range(60))
    content = lines.encode()
    kids = " ".join(f"{5 + i} 0 R" for i in range(pages))
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 3 0 R >> >> >>"
    )
    return build_pdf(objs + [page] * pages)


def docx_bytes(text: str = "Memorandum of Agreement 287(g)") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["asset", "amount"])
    book.active.append(["equitable sharing", 1200])
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def eml_bytes(
    subject: str = "Acknowledgment of your FOIA request", attach: bytes | None = None
) -> bytes:
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = "ICE FOIA <ice-foia@ice.dhs.gov>"
    msg["To"] = "reporter@example.org"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 10 Nov 2026 09:30:00 -0500"
    msg.set_content("We received your request and assigned tracking number 2026-ICFO-12345.")
    if attach is not None:
        msg.add_attachment(attach, maintype="application", subtype="pdf", filename="letter.pdf")
    return msg.as_bytes()

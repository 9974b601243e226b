"""Small real files made in the tests: a docx by python-docx, pdfs by WeasyPrint and pypdf."""

from __future__ import annotations

from io import BytesIO

import pytest

TRANSCRIPT_LINES = [
    "Interviewer: Hoe lang woon je al in de buurt?",
    "R: Al twintig jaar. Sinds de moestuin ken ik mijn buren beter.",
    "Interviewer: Wat heeft daarbij geholpen?",
    "R: De koffieochtend in het buurthuis. Daar kwam ik steeds weer dezelfde mensen tegen.",
]


def make_docx(paragraphs: list[str], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
    out = BytesIO()
    document.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def text_pdf() -> bytes:
    import weasyprint

    html = "".join(f"<p>{line}</p>" for line in TRANSCRIPT_LINES)
    return weasyprint.HTML(string=f"<html lang='nl'><body>{html}</body></html>").write_pdf()


def blank_pdf(pages: int = 1) -> bytes:
    """Pages without a text layer, as a scanner makes them."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypt_pdf(data: bytes, *, user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(data)))
    # RC4 needs no extra package; pypdf needs `cryptography` for AES.
    writer.encrypt(user_password=user_password, owner_password="eigenaar", algorithm="RC4-128")
    out = BytesIO()
    writer.write(out)
    return out.getvalue()

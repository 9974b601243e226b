"""Text out of txt, docx and pdf files, and a clear Dutch message for every file that cannot be read."""

from __future__ import annotations

import codecs
import zipfile
from io import BytesIO

import pytest
from django.utils import translation

from krachtvansamen.documents import extraction
from krachtvansamen.documents.extraction import DocumentInputError, extract_text, kind_for_name
from krachtvansamen.documents.splitting import split_text
from tests.documents.conftest import TRANSCRIPT_LINES, blank_pdf, encrypt_pdf, make_docx


@pytest.fixture(autouse=True)
def dutch():
    with translation.override("nl"):
        yield


def refused(data: bytes, filename: str) -> str:
    with pytest.raises(DocumentInputError) as caught:
        extract_text(data=data, filename=filename)
    return caught.value.message


# --- names and types -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [("a.txt", "txt"), ("VERSLAG.DOCX", "docx"), ("x.y.Pdf", "pdf")])
def test_allowed_extensions(name, kind):
    assert kind_for_name(name) == kind


@pytest.mark.parametrize("name", ["verslag.odt", "foto.jpg", "geen-extensie", "tabel.xlsx", ""])
def test_wrong_file_type_gets_a_dutch_message(name):
    message = refused(b"iets", name)
    assert message == "Dit soort bestand kunnen we niet lezen. Kies een .txt-, .docx- of .pdf-bestand."


def test_old_word_file_gets_advice_to_save_as_docx():
    assert "Sla het bestand in Word op als .docx" in refused(b"\xd0\xcf\x11\xe0", "verslag.doc")


@pytest.mark.parametrize("name", ["leeg.txt", "leeg.docx", "leeg.pdf"])
def test_empty_file(name):
    assert refused(b"", name) == "Het bestand is leeg."


# --- txt -----------------------------------------------------------------------------------------------


def test_utf8_with_and_without_bom():
    text = "R: Wij hebben een ideeën-bus: één keer per week.\n"
    for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.encode("utf-8")):
        result = extract_text(data=data, filename="t.txt")
        assert result.text == text.strip() and result.note == "" and result.kind == "txt"


def test_utf16_from_notepad():
    text = "Interviewer: Hoe gaat het met café De Hoek?"
    result = extract_text(data=text.encode("utf-16"), filename="t.txt")
    assert result.text == text


def test_windows_1252_is_read_with_a_note():
    result = extract_text(data="Wij gaan naar het café, één keer.".encode("cp1252"), filename="t.txt")
    assert result.text == "Wij gaan naar het café, één keer."
    assert "niet als UTF-8 opgeslagen" in result.note and "ë en é" in result.note


def test_bytes_that_are_neither_utf8_nor_windows_text_are_refused():
    # 0x81 and 0x8d mean nothing in Windows-1252 and cannot stand alone in UTF-8.
    assert refused(b"Tekst \x81\x8d tekst", "t.txt") == (
        "We kunnen de tekens in dit bestand niet lezen. Sla het op als tekst in UTF-8 en probeer het opnieuw."
    )


def test_utf8_bom_with_broken_utf8_is_refused():
    assert "niet lezen" in refused(codecs.BOM_UTF8 + b"caf\xe9", "t.txt")


def test_binary_named_txt_is_refused():
    assert refused(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "foto.txt").startswith(
        "Dit bestand lijkt geen tekstbestand"
    )
    assert refused(bytes(range(1, 32)) * 10, "x.txt").startswith("Dit bestand lijkt geen tekstbestand")


@pytest.mark.parametrize("data", [b"   \n\n\t ", b"... --- !!!", codecs.BOM_UTF8])
def test_text_without_words(data):
    assert refused(data, "t.txt") in ("Er staat geen tekst in dit bestand.", "Het bestand is leeg.")


def test_too_much_text_is_refused(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_TEXT_CHARS", 100)
    assert refused(b"woord " * 50, "t.txt").startswith("De tekst is te lang: meer dan 100 tekens.")


# --- docx ----------------------------------------------------------------------------------------------


def test_docx_paragraphs_and_table_rows_as_transcript_lines():
    data = make_docx(
        ["Interview in Kronenburg", *TRANSCRIPT_LINES[:2]],
        table=[["Spreker", "Tekst"], ["Interviewer", "En daarna?"], ["R", "Daarna ging ik zelf koken."]],
    )
    result = extract_text(data=data, filename="interview.docx")
    assert result.kind == "docx"
    assert result.text.split("\n\n") == [
        "Interview in Kronenburg",
        *TRANSCRIPT_LINES[:2],
        "Interviewer: En daarna?",
        "R: Daarna ging ik zelf koken.",
    ]


def test_docx_table_with_time_column():
    data = make_docx([], table=[["00:01:02", "Bewoner 1", "Het plein is van ons."]])
    assert extract_text(data=data, filename="t.docx").text == "00:01:02 Bewoner 1: Het plein is van ons."


def test_truncated_docx_is_damaged():
    data = make_docx(TRANSCRIPT_LINES)
    message = refused(data[: len(data) // 2], "kapot.docx")
    assert message.startswith("Dit Word-bestand is beschadigd of is geen echt .docx-bestand.")


def test_random_bytes_named_docx_are_damaged():
    assert refused(b"dit is geen zip maar gewoon tekst", "nep.docx").startswith(
        "Dit Word-bestand is beschadigd"
    )


def test_zip_without_a_word_document_is_refused():
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("content.xml", "<office:document/>")
    assert refused(out.getvalue(), "eigenlijk-odt.docx").startswith("Dit Word-bestand is beschadigd")


def test_docx_with_broken_xml_is_damaged():
    data = make_docx(TRANSCRIPT_LINES)
    source = zipfile.ZipFile(BytesIO(data))
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            archive.writestr(item, content[:50] if item.filename == "word/document.xml" else content)
    assert refused(out.getvalue(), "t.docx").startswith("Dit Word-bestand is beschadigd")


def test_password_protected_docx_is_recognised():
    # Office stores a password-protected .docx as an OLE container, not a zip.
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    assert refused(data, "geheim.docx").startswith("Dit Word-bestand is beveiligd met een wachtwoord")


def test_zip_bomb_docx_is_refused_before_it_is_unpacked(monkeypatch):
    import docx

    monkeypatch.setattr(extraction, "MAX_DOCX_XML_BYTES", 1024 * 1024)

    def must_not_parse(*args, **kwargs):
        raise AssertionError("python-docx must not see a zip bomb")

    monkeypatch.setattr(docx, "Document", must_not_parse)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:p>" + b" " * (3 * 1024 * 1024))
    assert len(out.getvalue()) < 20_000  # a few kB that unpack to 3 MB
    assert refused(out.getvalue(), "bom.docx") == (
        "Dit Word-bestand is uitgepakt te groot om te lezen. Deel het op in kleinere bestanden."
    )


def test_zip_bomb_limit_counts_every_part(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_DOCX_TOTAL_BYTES", 1024 * 1024)
    out = BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/media/plaatje.bin", b"\x00" * (2 * 1024 * 1024))
    assert "te groot" in refused(out.getvalue(), "bom.docx")


# --- pdf -----------------------------------------------------------------------------------------------


def test_pdf_text_splits_into_the_transcript_turns(text_pdf):
    result = extract_text(data=text_pdf, filename="interview.pdf")
    assert result.kind == "pdf" and result.pages == 1
    # The pdf wraps the last line; splitting joins it again.
    pieces = split_text(result.text).pieces
    assert [p.text for p in pieces] == [line.split(": ", 1)[1] for line in TRANSCRIPT_LINES]


def test_scanned_pdf_without_text_layer():
    assert refused(blank_pdf(2), "scan.pdf") == (
        "Deze pdf bevat geen tekst (waarschijnlijk een scan). Zet hem eerst om met tekstherkenning (OCR), "
        "of plak de tekst."
    )


def test_pdf_with_some_scanned_pages_gets_a_note(text_pdf):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(text_pdf)))
    writer.add_blank_page(width=595, height=842)
    out = BytesIO()
    writer.write(out)
    result = extract_text(data=out.getvalue(), filename="deels.pdf")
    assert result.pages == 2 and "Op 1 van de 2 pagina's vonden we geen tekst" in result.note


def test_random_bytes_named_pdf_are_damaged():
    assert refused(b"\x13\x37" * 500, "nep.pdf").startswith("Deze pdf is beschadigd of is geen echte pdf.")


def test_truncated_pdf_is_damaged(text_pdf):
    assert refused(text_pdf[: len(text_pdf) // 2], "half.pdf").startswith("Deze pdf is beschadigd")


def test_pdf_with_a_password_is_refused(text_pdf):
    assert refused(encrypt_pdf(text_pdf, user_password="geheim"), "geheim.pdf") == (
        "Deze pdf is beveiligd met een wachtwoord. Haal het wachtwoord weg, of plak de tekst."
    )


def test_pdf_locked_only_against_editing_is_read(text_pdf):
    result = extract_text(data=encrypt_pdf(text_pdf, user_password=""), filename="alleen-lezen.pdf")
    assert TRANSCRIPT_LINES[0] in result.text


def test_too_many_pdf_pages(monkeypatch):
    monkeypatch.setattr(extraction, "MAX_PDF_PAGES", 2)
    assert refused(blank_pdf(3), "dik.pdf").startswith(
        "Deze pdf heeft 3 pagina's; we kunnen er maximaal 2 tegelijk lezen."
    )


def test_page_numbers_are_left_out():
    assert extraction._clean_pdf_page("Tekst op de pagina\n3\n- 4 -\nPagina 2 van 9\nR: 20 jaar") == (
        "Tekst op de pagina\nR: 20 jaar"
    )

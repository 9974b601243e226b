"""Text out of an uploaded txt, docx or pdf file — or a clear message why not.

Every refusal raises ``DocumentInputError`` with a message for the user (translated, Dutch by default).
Memory stays bounded: the upload itself is capped (see ``upload.py``), a docx's unpacked size is checked in
the zip's directory before anything is unpacked, and a pdf's page count before its pages are read.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePath

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from krachtvansamen.documents.splitting import has_content, normalise_text

logger = logging.getLogger(__name__)

KINDS = {".txt": "txt", ".docx": "docx", ".pdf": "pdf"}
MAX_TEXT_CHARS = 300_000  # about 50,000 words: a four-hour transcript; more is better split up
MAX_PDF_PAGES = 300
# A docx is a zip: a few MB can unpack to gigabytes (a "zip bomb"). The zip's directory says how big
# each part is unpacked, and Python's zipfile never unpacks more than that, so checking it is enough.
MAX_DOCX_XML_BYTES = 40 * 1024 * 1024  # word/document.xml unpacked; a 300-page transcript is ~5 MB
MAX_DOCX_TOTAL_BYTES = 200 * 1024 * 1024  # every part unpacked, images included
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .doc, and every password-protected Office file
_PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?\s*$|^\s*(?:pagina|page|blz\.?)\s+\d+(?:\s+(?:van|of|/)\s+\d+)?\s*$",
    re.IGNORECASE,
)
_TABLE_HEADER_WORDS = {
    "spreker",
    "tekst",
    "tijd",
    "tijdstip",
    "naam",
    "wie",
    "wat",
    "speaker",
    "text",
    "time",
}


class DocumentInputError(Exception):
    """Input that cannot become a document. ``message`` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Extraction:
    text: str
    kind: str
    note: str = ""  # something the user should check, e.g. how a non-UTF-8 text file was read
    pages: int | None = None


def kind_for_name(filename: str) -> str:
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".doc":
        raise DocumentInputError(
            _("Old Word files (.doc) cannot be read. Save the file as .docx in Word and try again.")
        )
    if suffix not in KINDS:
        raise DocumentInputError(_("This kind of file cannot be read. Choose a .txt, .docx or .pdf file."))
    return KINDS[suffix]


def extract_text(*, data: bytes, filename: str) -> Extraction:
    kind = kind_for_name(filename)
    if not data:
        raise DocumentInputError(_("The file is empty."))
    reader = {"txt": _from_txt, "docx": _from_docx, "pdf": _from_pdf}[kind]
    text, note, pages = reader(data)
    text = normalise_text(text)
    check_text(text, empty_message=_("There is no text in this file."))
    return Extraction(text=text, kind=kind, note=note, pages=pages)


def check_text(text: str, *, empty_message: str) -> None:
    if not has_content(text):
        raise DocumentInputError(empty_message)
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentInputError(
            _("The text is too long: more than %(max)s characters. Split the document into parts.")
            % {"max": number_format(MAX_TEXT_CHARS, force_grouping=True)}
        )


def _from_txt(data: bytes) -> tuple[str, str, None]:
    note = ""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Notepad's "Unicode": UTF-16 with a byte order mark.
        try:
            return data.decode("utf-16"), note, None
        except UnicodeDecodeError:
            raise DocumentInputError(_cannot_read_characters()) from None
    if b"\x00" in data[:65536]:
        raise DocumentInputError(
            _("This file does not look like a text file. Choose a .txt, .docx or .pdf file.")
        )
    has_bom = data.startswith(codecs.BOM_UTF8)
    body = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        if has_bom:  # says it is UTF-8 but is not
            raise DocumentInputError(_cannot_read_characters()) from None
        try:
            text = body.decode("cp1252")
        except UnicodeDecodeError:
            raise DocumentInputError(_cannot_read_characters()) from None
        note = _(
            "This file was not saved as UTF-8; we read it as Windows text. Check that letters like ë and é look right."
        )
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 100):
        raise DocumentInputError(
            _("This file does not look like a text file. Choose a .txt, .docx or .pdf file.")
        )
    return text, note, None


def _cannot_read_characters() -> str:
    return _("The characters in this file cannot be read. Save it as text in UTF-8 and try again.")


def _docx_damaged() -> str:
    return _(
        "This Word file is damaged or is not a real .docx file. Open it in Word, save it again and try again."
    )


def _from_docx(data: bytes) -> tuple[str, str, None]:
    # python-docx is heavy: imported here, so a page that never reads a docx does not pay for it.
    import docx  # noqa: PLC0415
    from docx.table import Table  # noqa: PLC0415

    if data.startswith(_OLE_MAGIC):
        raise DocumentInputError(
            _(
                "This Word file is protected with a password, or it is an old .doc file. "
                "Remove the password or save it as .docx and try again."
            )
        )
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names:
                raise DocumentInputError(_docx_damaged())
            if (
                archive.getinfo("word/document.xml").file_size > MAX_DOCX_XML_BYTES
                or sum(info.file_size for info in infos) > MAX_DOCX_TOTAL_BYTES
            ):
                raise DocumentInputError(
                    _("This Word file is too big to read once unpacked. Split it into smaller files.")
                )
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        raise DocumentInputError(_docx_damaged()) from None
    try:
        document = docx.Document(BytesIO(data))
        blocks: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                blocks.extend(_table_lines(block))
            else:
                blocks.append(block.text)
    except Exception:  # python-docx raises many kinds (KeyError, lxml errors, …) on a broken file
        logger.info("unreadable docx", exc_info=True)
        raise DocumentInputError(_docx_damaged()) from None
    # Every Word paragraph is a paragraph of its own: notes are split there, transcripts at speakers.
    return "\n\n".join(blocks), "", None


def _table_lines(table) -> list[str]:
    """A table row as one line. Two columns (speaker | words) or three (time | speaker | words) become a
    transcript line, so transcripts kept in a Word table are split per speaker too."""
    lines: list[str] = []
    for index, row in enumerate(table.rows):
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is repeated for every column it spans
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if not cells:
            continue
        if index == 0 and all(c.casefold() in _TABLE_HEADER_WORDS for c in cells):
            continue
        if len(cells) == 2 and len(cells[0]) <= 40 and ". " not in cells[0]:
            lines.append(f"{cells[0].rstrip(':')}: {cells[1]}")
        elif len(cells) == 3 and re.fullmatch(r"[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?", cells[0]):
            lines.append(f"{cells[0]} {cells[1].rstrip(':')}: {cells[2]}")
        else:
            lines.append(" — ".join(cells))
    return lines


def _pdf_damaged() -> str:
    return _("This pdf is damaged or is not a real pdf. Save it again as pdf, or paste the text.")


def _from_pdf(data: bytes) -> tuple[str, str, int]:
    # pypdf is heavy: imported here, so a page that never reads a pdf does not pay for it.
    from pypdf import PdfReader  # noqa: PLC0415
    from pypdf.errors import DependencyError, FileNotDecryptedError  # noqa: PLC0415

    if b"%PDF-" not in data[:1024]:
        raise DocumentInputError(_pdf_damaged())
    protected = _("This pdf is protected with a password. Remove the password, or paste the text.")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Many pdfs are "protected" only against editing and open without a password: try that.
            try:
                if not reader.decrypt(""):
                    raise DocumentInputError(protected)
            except (DependencyError, NotImplementedError, FileNotDecryptedError):
                raise DocumentInputError(protected) from None
        page_count = len(reader.pages)
    except DocumentInputError:
        raise
    except Exception:  # pypdf raises many kinds on a broken file
        logger.info("unreadable pdf", exc_info=True)
        raise DocumentInputError(_pdf_damaged()) from None
    if page_count == 0:
        raise DocumentInputError(_pdf_damaged())
    if page_count > MAX_PDF_PAGES:
        raise DocumentInputError(
            _(
                "This pdf has %(pages)s pages; at most %(max)s can be read at once. Split it into smaller files."
            )
            % {"pages": page_count, "max": MAX_PDF_PAGES}
        )
    pages: list[str] = []
    try:
        for page in reader.pages:
            pages.append(_clean_pdf_page(page.extract_text() or ""))
    except Exception:
        logger.info("unreadable pdf page", exc_info=True)
        raise DocumentInputError(_pdf_damaged()) from None
    with_text = [page for page in pages if has_content(page)]
    if sum(ch.isalnum() for page in with_text for ch in page) < 20:
        raise DocumentInputError(
            _(
                "This pdf contains no text (probably a scan). Run text recognition (OCR) on it first, or paste the text."
            )
        )
    note = ""
    if len(with_text) < page_count:
        note = _(
            "No text was found on %(empty)s of the %(pages)s pages (probably scanned). Those pages are left out."
        ) % {
            "empty": page_count - len(with_text),
            "pages": page_count,
        }
    return "\n\n".join(with_text), note, page_count


def _clean_pdf_page(text: str) -> str:
    # Page numbers ("3", "- 3 -", "Pagina 3 van 10") would otherwise end up inside fragments.
    return "\n".join(line for line in text.split("\n") if not _PAGE_NUMBER_RE.match(line))

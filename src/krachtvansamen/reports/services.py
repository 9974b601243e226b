"""The reports as a web page and as a PDF, from the same template.

The PDF is the page's template rendered with a print layout (``reports/print_base.html``: A4, margins, page
numbers, no navigation) and drawn by WeasyPrint. Everything the PDF needs is inside the HTML (the print
stylesheet inlined, the charts as inline SVG), so WeasyPrint never fetches anything: its URL fetcher refuses
every request, which also keeps a report from reaching out to other machines.
"""

from __future__ import annotations

import logging
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from krachtvansamen.reports.buurtbeeld import Buurtbeeld
from krachtvansamen.reports.financier import Financier
from krachtvansamen.reports.synthese import Synthese

Report = Buurtbeeld | Financier | Synthese
TEMPLATES = {
    "buurtbeeld": "reports/buurtbeeld.html",
    "financier": "reports/financier.html",
    "synthese": "reports/synthese.html",
}
FILE_PREFIXES = {
    "buurtbeeld": "buurtbeeld",
    "financier": "financiersrapport",
    "synthese": "programmasynthese",
}
PRINT_STYLESHEETS = ("reports/print.css",)


def report_kind(report: Report) -> str:
    """The report's name in URLs and templates: buurtbeeld, financier or synthese."""
    if isinstance(report, Synthese):
        return "synthese"
    if isinstance(report, Financier):
        return "financier"
    return "buurtbeeld"


def _report_key(report: Report) -> str:
    """What the report's URLs and file name identify it by: the programme's slug or the CBS code."""
    if isinstance(report, Synthese):
        return report.programme.slug
    return report.neighbourhood.cbs_code


def report_urls(report: Report) -> dict[str, Any]:
    """The report's own page and PDF, and its other years."""
    key, name = _report_key(report), report_kind(report)
    return {
        "page_url": reverse(f"reports:{name}", args=[key, report.year]),
        "pdf_url": reverse(f"reports:{name}_pdf", args=[key, report.year]),
        "year_urls": [(y, reverse(f"reports:{name}", args=[key, y])) for y in report.years],
    }


@lru_cache(maxsize=1)
def print_css() -> str:
    """The print stylesheets, read once (they ship with the app)."""
    parts = []
    for name in PRINT_STYLESHEETS:
        path = finders.find(name)
        if path:
            parts.append(Path(path).read_text(encoding="utf-8"))
    return "\n".join(parts)


def report_title(report: Report) -> str:
    if isinstance(report, Synthese):
        return _("Programme synthesis %(name)s %(year)s") % {
            "name": report.programme.name,
            "year": report.year,
        }
    if isinstance(report, Financier):
        return _("Funder report %(name)s %(year)s") % {"name": report.neighbourhood.name, "year": report.year}
    return _("Buurtbeeld %(name)s %(year)s") % {"name": report.neighbourhood.name, "year": report.year}


def report_html(
    report: Report, *, pdf: bool, request: HttpRequest | None = None, extra: dict[str, Any] | None = None
) -> str:
    kind = report_kind(report)
    context = {"report_footer": report_title(report).replace('"', "'"),
        "r": report, "kind": kind, "pdf": pdf, "layout": "reports/print_base.html" if pdf else "base.html",
        "print_css": print_css() if pdf else "", **report_urls(report), **(extra or {}),
    }  # fmt: skip
    return render_to_string(TEMPLATES[kind], context, request=request)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a report PDF loads nothing from outside: {url}")


def html_to_pdf(html: str) -> bytes:
    # Imported here, not at the top: importing WeasyPrint (its Pango and font bindings) takes one to two
    # seconds, which every process that loads the reports (each page, each command) would pay, though most
    # never draw a PDF.
    from weasyprint import HTML  # noqa: PLC0415

    # WeasyPrint warns about every CSS property it does not know; the print stylesheet is ours and tested.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()


def report_pdf(report: Report, *, extra: dict[str, Any] | None = None) -> bytes:
    return html_to_pdf(report_html(report, pdf=True, extra=extra))


def pdf_file_name(report: Report) -> str:
    return f"{FILE_PREFIXES[report_kind(report)]}-{_report_key(report)}-{report.year}.pdf"


@dataclass(frozen=True)
class Written:
    path: Path
    size: int


def write_atomically(path: Path, content: bytes) -> Written:
    """Write the whole file or nothing: into a temporary file next to it, then renamed over it."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Written(path=path, size=len(content))

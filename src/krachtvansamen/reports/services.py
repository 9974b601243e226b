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
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.reports import selectors

KINDS = ("buurtbeeld", "financier", "synthese")
TEMPLATES = {
    "buurtbeeld": "reports/buurtbeeld.html",
    "financier": "reports/financier.html",
    "synthese": "reports/synthese.html",
}
PRINT_STYLESHEETS = ("reports/print.css",)


def build_report(
    kind: str,
    *,
    year: int,
    neighbourhood: Neighbourhood | None = None,
    programme: Programme | None = None,
    neighbourhoods: list[Neighbourhood] | None = None,
    other_programmes: list[tuple[Programme, list[Neighbourhood]]] | None = None,
    site: str = "",
) -> Any:
    """The report's data (raises ``selectors.NoDataForYear`` for a year without data)."""
    if kind == "buurtbeeld":
        assert neighbourhood is not None
        return selectors.buurtbeeld_report(neighbourhood=neighbourhood, year=year, site=site)
    if kind == "financier":
        assert neighbourhood is not None
        return selectors.financier_report(neighbourhood=neighbourhood, year=year, site=site)
    if kind == "synthese":
        assert programme is not None and neighbourhoods
        return selectors.synthese_report(
            programme=programme,
            neighbourhoods=neighbourhoods,
            year=year,
            other_programmes=other_programmes or [],
            site=site,
        )
    raise ValueError(kind)


def report_urls(kind: str, report: Any) -> dict[str, Any]:
    """The report's own page and PDF, and its other years."""
    if kind == "synthese":
        key, name = report.programme.slug, "synthese"
    else:
        key, name = report.neighbourhood.cbs_code, kind
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


def report_title(kind: str, report: Any) -> str:
    if kind == "synthese":
        return _("Programme synthesis %(name)s %(year)s") % {
            "name": report.programme.name,
            "year": report.year,
        }
    words = {
        "buurtbeeld": _("Buurtbeeld %(name)s %(year)s"),
        "financier": _("Funder report %(name)s %(year)s"),
    }
    return words[kind] % {"name": report.neighbourhood.name, "year": report.year}


def report_html(
    kind: str, report: Any, *, pdf: bool, request: Any = None, extra: dict[str, Any] | None = None
) -> str:
    context = {"report_footer": report_title(kind, report).replace('"', "'"),
        "r": report, "kind": kind, "pdf": pdf, "layout": "reports/print_base.html" if pdf else "base.html",
        "print_css": print_css() if pdf else "", **report_urls(kind, report), **(extra or {}),
    }  # fmt: skip
    return render_to_string(TEMPLATES[kind], context, request=request)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    raise ValueError(f"a report PDF loads nothing from outside: {url}")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    # WeasyPrint warns about every CSS property it does not know; the print stylesheet is ours and tested.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)

    return HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()


def report_pdf(kind: str, report: Any, *, extra: dict[str, Any] | None = None) -> bytes:
    return html_to_pdf(report_html(kind, report, pdf=True, extra=extra))


def pdf_file_name(kind: str, report: Any) -> str:
    key = report.programme.slug if kind == "synthese" else report.neighbourhood.cbs_code
    prefix = {"buurtbeeld": "buurtbeeld", "financier": "financiersrapport", "synthese": "programmasynthese"}[
        kind
    ]
    return f"{prefix}-{key}-{report.year}.pdf"


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

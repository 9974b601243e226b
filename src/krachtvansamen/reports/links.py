"""Numbers in a report that link to their evidence, and how a report writes numbers.

Every number a report shows is a ``Num``: the text, and a link to the evidence page behind it
(``reports.evidence``). A ``Linker`` makes them for one report and year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


class Num(SafeString):
    """A number in a report: safe HTML that links to the evidence behind it, so ``{{ num }}`` in a template
    (and in a translated sentence) is the link. ``value``, ``text`` and ``href`` stay at hand for charts and tests.

    A ``SafeString`` rather than an object with ``__html__``: Django's templates turn any other object into a
    plain string before escaping it.
    """

    value: float | int | None
    text: str
    href: str
    label: str

    def __new__(cls, value: float | None, text: str, href: str = "", label: str = "") -> Self:
        if not href or value is None:
            html = format_html('<span class="kvs-num">{}</span>', text)
        else:
            html = format_html(
                '<a class="kvs-num" href="{}" title="{}">{}</a>',
                href,
                label or _("Show what this number rests on"),
                text,
            )
        num = super().__new__(cls, html)
        num.value, num.text, num.href, num.label = value, text, href, label
        return num

    def __reduce__(self) -> tuple[Any, ...]:
        # Cached reports are pickled (reports.report_cache): restore the very HTML (a plain str: self[:]), not a
        # fresh translation.
        return (_num_restored, (self[:], self.value, self.text, self.href, self.label))


def _num_restored(html: str, value: float | None, text: str, href: str, label: str) -> Num:
    num = SafeString.__new__(Num, html)
    num.value, num.text, num.href, num.label = value, text, href, label
    return num


@dataclass(frozen=True)
class Linker:
    """Makes ``Num``s for one report: ``path`` is the evidence page (absolute in a PDF)."""

    path: str

    def href(self, key: str) -> str:
        return f"{self.path}?{urlencode({'n': key})}"

    def count(self, value: int | None, key: str, label: str = "") -> Num:
        text = "—" if value is None else number_format(value, 0)
        return Num(value, text, self.href(key) if key else "", label)

    def percent(self, value: float | None, key: str, label: str = "") -> Num:
        text = "—" if value is None else f"{number_format(round(value), 0)}%"
        return Num(value, text, self.href(key) if key else "", label)

    def decimal(self, value: float | None, key: str, places: int = 1, label: str = "") -> Num:
        text = "—" if value is None else number_format(value, places)
        return Num(value, text, self.href(key) if key else "", label)


def neighbourhood_linker(*, cbs_code: str, year: int, site: str = "") -> Linker:
    return Linker(site + reverse("reports:evidence", args=[cbs_code, year]))


def programme_linker(*, slug: str, year: int, site: str = "") -> Linker:
    return Linker(site + reverse("reports:programme_evidence", args=[slug, year]))


# --- Numbers as words ----------------------------------------------------------------------------------------


def change_text(value: int | None) -> str:
    """A change from the year before: ``+3``, ``=``, ``-2``; empty without a year before."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("=" if value == 0 else str(value))


def pct(value: float | None) -> str:
    return "—" if value is None else f"{number_format(round(value), 0)}%"


def points(value: float | None) -> str:
    """A difference in percentage points, with its sign."""
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number_format(round(value), 0)


def mean(values: Sequence[float | int | None], places: int = 1) -> str:
    """The mean of the known values, or a dash."""
    present = [v for v in values if v is not None]
    return number_format(sum(present) / len(present), places) if present else "—"

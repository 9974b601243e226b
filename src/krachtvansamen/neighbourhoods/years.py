"""Measurement years: the one owner of "which years". The study works in a yearly rhythm (2023, 2024, 2025);
``MeasurementYear`` rows say which years exist and which are still open for new data.

- ``years_measured``: every registered year (oldest first); this calendar year when none is set up.
- ``years_open``: the years open for new data (oldest first); this calendar year when none is set up.
- ``year_open_latest``: the default year for new data.
- ``years_up_to``: the registered years up to a year, and that year itself (what an analysis compares).
- ``year_from_text``: the year a URL or query asks for, if it is one of the allowed years.
- ``year_check_open``: the one rule for writes: raises ``YearClosed`` for a year no new data may go into.

Years *with data* in a neighbourhood depend on the domain apps above this one; ``analysis.years`` owns them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.neighbourhoods.models import MeasurementYear


def _this_year() -> int:
    return timezone.localdate().year


def years_measured() -> list[int]:
    years = list(MeasurementYear.objects.order_by("year").values_list("year", flat=True))
    return years or [_this_year()]


def years_open() -> list[int]:
    """Years open for new data, oldest first. With measurement years set up but all closed: none."""
    rows = list(MeasurementYear.objects.order_by("year").values_list("year", "is_open"))
    if not rows:
        return [_this_year()]
    return [year for year, is_open in rows if is_open]


def year_open_latest() -> int | None:
    years = years_open()
    return years[-1] if years else None


def years_up_to(*, up_to: int) -> list[int]:
    """The measurement years up to and including ``up_to`` (and ``up_to`` itself, registered or not)."""
    return sorted({*MeasurementYear.objects.filter(year__lte=up_to).values_list("year", flat=True), up_to})


def year_from_text(text: object, *, allowed: Sequence[int], default: int | None = None) -> int | None:
    """The year in ``text`` (a query parameter, a form field) if it is one of ``allowed``, else ``default``."""
    value = str(text or "").strip()
    if value.isdigit() and int(value) in allowed:
        return int(value)
    return default


class YearClosed(ValidationError):
    """New data for a year that is closed (or, once measurement years are set up, not one of them)."""

    def __init__(self, message: str, *, year: int):
        super().__init__(message, code="year_closed")
        self.year = year

    def __str__(self) -> str:
        return str(self.message)


def year_check_open(year: int) -> None:
    """Every service that writes new data for a year calls this first. Raises ``YearClosed``, else nothing.

    Closed: a measurement year marked closed, or — with measurement years set up — a year that is none of them.
    Without any measurement year set up there is nothing to close: every year is accepted.
    """
    rows = dict(MeasurementYear.objects.values_list("year", "is_open"))
    if not rows or rows.get(year):
        return
    if year in rows:
        message = _("The year %(year)s is closed: no new data can be added to it. Choose an open year.")
    else:
        message = _("The year %(year)s is not a measurement year: no new data can be added to it.")
    raise YearClosed(message % {"year": year}, year=year)

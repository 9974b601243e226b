"""The years a document may belong to: the open measurement years, newest first."""

from __future__ import annotations

import pytest
from django.utils import timezone

from krachtvansamen.documents.selectors import document_default_year, document_year_choices
from krachtvansamen.neighbourhoods.models import MeasurementYear

pytestmark = pytest.mark.django_db


def test_open_years_newest_first_and_this_year_when_none_is_open():
    assert document_year_choices() == [timezone.localdate().year]
    MeasurementYear.objects.create(year=2024, is_open=False)
    assert document_year_choices() == [timezone.localdate().year]
    MeasurementYear.objects.create(year=2025, is_open=True)
    MeasurementYear.objects.create(year=2026, is_open=True)
    assert document_year_choices() == [2026, 2025]


@pytest.mark.parametrize(("wanted", "year"), [("2025", 2025), ("2024", 2026), (None, 2026), ("jaar", 2026)])
def test_the_default_year_is_the_one_asked_for_if_it_is_open(wanted, year):
    assert document_default_year(wanted=wanted, choices=[2026, 2025]) == year

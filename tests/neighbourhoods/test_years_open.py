"""The one rule for writes: new data only goes into a measurement year that is open."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from krachtvansamen.neighbourhoods.models import MeasurementYear
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open

pytestmark = pytest.mark.django_db


def test_without_measurement_years_nothing_is_closed():
    for year in (2023, 2025, 2031):
        year_check_open(year)


def test_an_open_year_is_accepted():
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    year_check_open(2025)


def test_a_closed_year_is_refused_with_a_dutch_message_naming_it():
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    with pytest.raises(YearClosed) as refused:
        year_check_open(2024)
    assert isinstance(refused.value, ValidationError)  # forms and services can treat it like any other
    assert refused.value.year == 2024
    assert str(refused.value) == (
        "Het jaar 2024 is gesloten: je kunt er geen nieuwe gegevens meer aan toevoegen. Kies een jaar dat open is."
    )


def test_once_years_are_set_up_a_year_that_is_none_of_them_is_refused():
    MeasurementYear.objects.create(year=2025, is_open=True)
    with pytest.raises(YearClosed, match="Het jaar 2019 is geen meetjaar"):
        year_check_open(2019)

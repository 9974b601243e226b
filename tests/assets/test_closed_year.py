"""Assets and activities only go into an open measurement year; a record of a closed year may keep its year,
but nothing moves into one (issue #13, row 8: these forms already refused, this proves it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from krachtvansamen.assets import services
from krachtvansamen.assets.models import Activity, Asset

pytestmark = pytest.mark.django_db

REFUSED = "Het jaar 2024 is niet meer open voor nieuwe gegevens."


def _year_errors(error: ValidationError) -> list[str]:
    return [str(message) for message in error.message_dict["year"]]


def test_a_new_asset_in_a_closed_year_is_refused(world):
    before = Asset.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.asset_create(
            neighbourhood=world.own, user=world.connector, category="place", name="Plein", year=2024
        )
    assert _year_errors(refused.value) == [REFUSED]
    assert Asset.objects.count() == before


def test_an_asset_cannot_move_into_a_closed_year(world):
    asset = services.asset_create(
        neighbourhood=world.own, user=world.connector, category="place", name="Plein", year=2025
    )
    with pytest.raises(ValidationError) as refused:
        services.asset_update(asset=asset, user=world.connector, category="place", name="Plein", year=2024)
    assert _year_errors(refused.value) == [REFUSED]
    asset.refresh_from_db()
    assert asset.year == 2025


def test_a_new_activity_in_a_closed_year_is_refused(world):
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.activity_create(
            neighbourhood=world.own,
            user=world.connector,
            title="Buurtmaaltijd",
            initiated_by="residents",
            year=2024,
        )
    assert _year_errors(refused.value) == [REFUSED]
    assert Activity.objects.count() == before


def test_the_asset_form_offers_only_open_years(client, world):
    client.force_login(world.connector)
    response = client.post(
        f"/buurten/{world.own.cbs_code}/krachten/nieuw/",
        {"category": "place", "name": "Plein", "year": "2024"},
    )
    assert response.status_code in (200, 400) and "Kies een jaar uit de lijst." in response.content.decode()
    assert not Asset.objects.filter(name="Plein").exists()

"""Relations only go into an open measurement year, and none moves into a closed one (issue #13, row 8: the
relation form already refused, this proves it)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from krachtvansamen.network import services
from krachtvansamen.network.models import Relation

pytestmark = pytest.mark.django_db

REFUSED = "Het jaar 2024 is niet meer open voor nieuwe gegevens."


def _relation(world, year: int) -> Relation:
    return services.relation_create(
        neighbourhood=world.own, user=world.connector, source=world.ans, target=world.bram, year=year,
        capital_type="bridging",
    )  # fmt: skip


def test_a_new_relation_in_a_closed_year_is_refused(world):
    with pytest.raises(ValidationError) as refused:
        _relation(world, 2024)
    assert [str(m) for m in refused.value.message_dict["year"]] == [REFUSED]
    assert not Relation.objects.filter(neighbourhood=world.own, year=2024).exists()


def test_a_relation_cannot_move_into_a_closed_year(world):
    relation = _relation(world, 2025)
    with pytest.raises(ValidationError) as refused:
        services.relation_update(
            relation=relation, user=world.connector, source=world.ans, target=world.bram, year=2024,
            capital_type="bridging",
        )  # fmt: skip
    assert [str(m) for m in refused.value.message_dict["year"]] == [REFUSED]
    relation.refresh_from_db()
    assert relation.year == 2025

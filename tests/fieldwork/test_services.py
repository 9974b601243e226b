"""Saving an edited plan: all rows or none, in Dutch; two rows may swap instruments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from krachtvansamen.fieldwork.models import HolderRole
from krachtvansamen.fieldwork.services import ItemInput, plan_create_default, plan_items_save


def _inputs(plan):
    return [
        ItemInput(
            pk=item.pk,
            instrument=item.instrument,
            scope=item.scope,
            starts_on=item.starts_on,
            due_on=item.due_on,
            holder_role=item.holder_role,
        )
        for item in plan.items.all()
    ]


def test_two_rows_may_swap_instruments(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    rows = _inputs(plan)
    rows[0].instrument, rows[1].instrument = rows[1].instrument, rows[0].instrument
    plan_items_save(plan=plan, rows=rows, user=world.manager)
    saved = [item.instrument for item in plan.items.order_by("position")]
    assert saved[:2] == [rows[0].instrument, rows[1].instrument]
    assert plan.updated_by == world.manager


def test_a_wrong_row_saves_nothing(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    before = list(plan.items.values_list("pk", "instrument", "starts_on", "due_on", "position"))
    rows = _inputs(plan)
    rows[0].due_on = datetime.date(2025, 3, 1)  # a good change
    rows[2].holder_role = HolderRole.USER  # one person, but nobody chosen
    rows.append(ItemInput(instrument="buurtscan", scope="all", starts_on=datetime.date(2025, 5, 1),
                          due_on=datetime.date(2025, 4, 1)))  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        plan_items_save(plan=plan, rows=rows, user=world.manager)
    messages = " ".join(raised.value.messages)
    assert "Kies de persoon die dit doet" in messages or "De einddatum ligt vóór de begindatum" in messages
    assert list(plan.items.values_list("pk", "instrument", "starts_on", "due_on", "position")) == before


def test_removing_a_row(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    rows = _inputs(plan)
    rows[3].delete = True
    plan_items_save(plan=plan, rows=rows, user=world.manager)
    assert plan.items.count() == 3

"""Progress: what counts as done per instrument, overdue at the day boundary, focus vs all, scoped views."""

from __future__ import annotations

import datetime

from krachtvansamen.coding.models import Instrument
from krachtvansamen.fieldwork.models import PlanItem, Scope
from krachtvansamen.fieldwork.selectors import (
    done_neighbourhood_ids,
    fieldwork_neighbourhoods_for_user,
    plan_progress,
)
from krachtvansamen.fieldwork.services import plan_create_default
from krachtvansamen.neighbourhoods.models import Neighbourhood
from tests.factories import FragmentFactory
from tests.fieldwork.conftest import add_document, hold_effectenplein, submit


def _ids(neighbourhoods):
    return [n.pk for n in neighbourhoods]


def test_default_plan_follows_the_study_design_and_is_made_once(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    again = plan_create_default(programme=world.programme, year=2025)
    assert again.pk == plan.pk
    rows = {(item.instrument, item.scope) for item in plan.items.all()}
    assert rows == {
        (Instrument.VRAGENLIJST, Scope.ALL),
        (Instrument.REFLECTIESESSIE, Scope.ALL),
        (Instrument.INTERVIEW, Scope.FOCUS),
        (Instrument.EFFECTENPLEIN, Scope.FOCUS),
    }
    item = plan.items.get(instrument=Instrument.VRAGENLIJST)
    assert (item.starts_on, item.due_on) == (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert (
        plan_create_default(programme=world.programme, year=2023)
        .items.filter(instrument=Instrument.BUURTSCAN, scope=Scope.ALL)
        .exists()
    )


def test_a_questionnaire_counts_when_submitted_in_that_neighbourhood_and_year_only(world):
    a, b, c, d = world.all
    submit(a, 2025)
    submit(b, 2025, draft=True)  # a draft is not done
    submit(c, 2024)  # another year
    submit(d, 2025, Instrument.BUURTSCAN)  # another instrument
    done = done_neighbourhood_ids(
        instrument=Instrument.VRAGENLIJST, year=2025, neighbourhood_ids=_ids(world.all)
    )
    assert done == {a.pk}


def test_effectenplein_counts_when_closed_and_documents_count_per_kind(world):
    a, b = world.focus
    hold_effectenplein(a, 2025)
    hold_effectenplein(b, 2025, closed=False)  # still running: not held yet
    assert done_neighbourhood_ids(
        instrument=Instrument.EFFECTENPLEIN, year=2025, neighbourhood_ids=_ids(world.focus)
    ) == {a.pk}
    add_document(b, 2025, Instrument.BUURTBEZOEK)
    assert done_neighbourhood_ids(
        instrument=Instrument.BUURTBEZOEK, year=2025, neighbourhood_ids=_ids(world.focus)
    ) == {b.pk}
    assert (
        done_neighbourhood_ids(
            instrument=Instrument.INTERVIEW, year=2025, neighbourhood_ids=_ids(world.focus)
        )
        == set()
    )


def test_fragments_recorded_from_an_instrument_count_as_done(world):
    a = world.plain[0]
    FragmentFactory(neighbourhood=a, year=2024, instrument=Instrument.PAS_OP_DE_PLAATS)
    ids = _ids(world.all)
    assert done_neighbourhood_ids(
        instrument=Instrument.PAS_OP_DE_PLAATS, year=2024, neighbourhood_ids=ids
    ) == {a.pk}
    assert (
        done_neighbourhood_ids(instrument=Instrument.PAS_OP_DE_PLAATS, year=2025, neighbourhood_ids=ids)
        == set()
    )


def _progress(world, plan, today, user=None):
    neighbourhoods = fieldwork_neighbourhoods_for_user(user=user) if user else Neighbourhood.objects.all()
    return plan_progress(plan=plan, neighbourhoods=neighbourhoods, today=today)


def test_focus_rows_count_focus_neighbourhoods_and_all_rows_count_all(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    submit(world.focus[0], 2025)
    submit(world.plain[0], 2025)
    hold_effectenplein(world.focus[1], 2025)
    rows = {row.item.instrument: row for row in _progress(world, plan, datetime.date(2025, 6, 1)).rows}
    assert (rows[Instrument.VRAGENLIJST].done, rows[Instrument.VRAGENLIJST].in_scope) == (2, 4)
    assert (rows[Instrument.EFFECTENPLEIN].done, rows[Instrument.EFFECTENPLEIN].in_scope) == (1, 2)
    # The other programme's neighbourhood is never counted.
    assert rows[Instrument.INTERVIEW].in_scope == 2


def test_overdue_starts_the_day_after_the_due_date(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    PlanItem.objects.filter(plan=plan).update(due_on=datetime.date(2025, 6, 30))
    submit(world.plain[0], 2025)
    on_the_day = _progress(world, plan, datetime.date(2025, 6, 30))
    assert on_the_day.overdue_total == 0
    day_after = _progress(world, plan, datetime.date(2025, 7, 1))
    rows = {row.item.instrument: row for row in day_after.rows}
    assert rows[Instrument.VRAGENLIJST].overdue == 3  # 4 neighbourhoods, 1 done
    assert rows[Instrument.EFFECTENPLEIN].overdue == 2
    late = {
        entry.neighbourhood.name: [t.item.instrument for t in entry.tasks if t.overdue]
        for entry in day_after.neighbourhoods_open
    }
    assert Instrument.VRAGENLIJST not in late["Gewoon 1"]
    assert Instrument.VRAGENLIJST in late["Gewoon 2"]
    assert Instrument.EFFECTENPLEIN in late["Focus 1"] and Instrument.EFFECTENPLEIN not in late["Gewoon 2"]


def test_a_neighbourhood_that_becomes_done_leaves_the_open_list(world):
    plan = plan_create_default(programme=world.programme, year=2024)
    PlanItem.objects.filter(plan=plan).exclude(instrument=Instrument.VRAGENLIJST).delete()
    today = datetime.date(2024, 3, 1)
    before = _progress(world, plan, today)
    assert [e.neighbourhood.name for e in before.neighbourhoods_open] == [
        "Focus 1",
        "Focus 2",
        "Gewoon 1",
        "Gewoon 2",
    ]
    submit(world.focus[1], 2024)
    after = _progress(world, plan, today)
    assert "Focus 2" not in [e.neighbourhood.name for e in after.neighbourhoods_open]
    assert [n.name for n in after.neighbourhoods_done] == ["Focus 2"]
    assert after.rows[0].done == 1


def test_a_community_builder_sees_only_their_own_neighbourhoods(world):
    plan = plan_create_default(programme=world.programme, year=2025)
    progress = _progress(world, plan, datetime.date(2025, 6, 1), user=world.builder)
    rows = {row.item.instrument: row for row in progress.rows}
    assert rows[Instrument.VRAGENLIJST].in_scope == 2  # Focus 1 and Gewoon 1
    assert rows[Instrument.EFFECTENPLEIN].in_scope == 1  # Focus 1
    assert {e.neighbourhood.name for e in progress.neighbourhoods_open} == {"Focus 1", "Gewoon 1"}
    # The community builder of the open neighbourhood is named as its holder.
    assert all(task.holders == ["Karim"] for e in progress.neighbourhoods_open for task in e.tasks)

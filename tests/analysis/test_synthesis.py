"""Per-neighbourhood results and the programme aggregate over them, from hand-made rows (no database)."""

from __future__ import annotations

import pytest

from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.rows import (
    ActivityRow,
    CbsRow,
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    FundingRow,
    NeighbourhoodRow,
    PersonRow,
    RelationRow,
)
from krachtvansamen.analysis.synthesis import neighbourhood_analysis, programme_analysis

from .conftest import cid

HINDERING_TYPES = {
    1: ["governance", "relational", "physical"],
    2: ["governance"],
    3: ["societal", "professional", "physical", "relational"],
}


def build(codebook_rows) -> AnalysisData:
    neighbourhoods = tuple(
        NeighbourhoodRow(nid, f"BU0000000{nid}", f"Buurt {nid}", "Arnhem", 1, nid == 1) for nid in (1, 2, 3)
    )
    factors = [
        FactorRow(nid * 100 + i, nid, 2025, cid(f"factor.{kind}"), "hinders", None)
        for nid, kinds in HINDERING_TYPES.items()
        for i, kind in enumerate(kinds)
    ]
    persons = {}
    relations = []
    for nid in (1, 2, 3):
        # Ten residents per neighbourhood: neighbourhood 1 only older residents, the others mixed.
        for i in range(10):
            pid = nid * 100 + i
            age = "65+" if nid == 1 or i < 3 else "25-45"
            persons[pid] = PersonRow(pid, nid, "resident", age, "netherlands", "woman" if i % 2 else "man")
            relations.append(
                RelationRow(pid, nid, 2025, pid, nid * 100 + (i + 1) % 10, "bonding", True, None, None, None)
            )
    cbs = {
        f"BU0000000{nid}": (
            CbsRow(900 + nid, f"BU0000000{nid}", 2024, 100, 50, 50, 20, 10, 30, 20, 20, 60, 10, 30),
        )
        for nid in (1, 2, 3)
    }
    codings = [
        CodingRow(1, 1, 2025, cid("effect.individual.confidence"), "effectenplein"),
        CodingRow(1, 1, 2025, cid("effect.social.contact"), "effectenplein"),
        CodingRow(2, 2, 2024, cid("effect.individual.confidence"), "effectenplein"),
        CodingRow(3, 2, 2025, cid("effect.individual.confidence"), "effectenplein"),
        CodingRow(4, 3, 2025, cid("effect.social.contact"), "effectenplein"),
    ]
    return AnalysisData(
        neighbourhoods=neighbourhoods,
        years=(2024, 2025),
        codebook=codebook_rows,
        codings=tuple(codings),
        fragment_groups=(FragmentGroupRow(1, 2025, "effectenplein", None, 1),),
        activities=(ActivityRow(1, 2, 2025, "professionals", None, 10),),
        relations=tuple(relations),
        factors=tuple(factors),
        fundings=(FundingRow(1, 1, 10, "Oranje Fonds", 2023, 2030),),
        persons=persons,
        cbs=cbs,
    )


def test_split_by_neighbourhood_keeps_each_neighbourhoods_rows(codebook_rows):
    split = build(codebook_rows).split_by_neighbourhood()
    assert sorted(split) == [1, 2, 3]
    assert [c.fragment_id for c in split[2].codings] == [2, 3]
    assert {f.neighbourhood_id for f in split[3].factors} == {3}
    assert split[3].fundings == ()
    assert split[1].persons is split[2].persons  # shared look-up, not copied


def test_neighbourhood_analysis_needs_one_neighbourhood(codebook_rows):
    with pytest.raises(ValueError):
        neighbourhood_analysis(build(codebook_rows), year=2025)


def test_programme_aggregate_over_neighbourhoods(codebook_rows):
    result = programme_analysis(build(codebook_rows))
    assert (result.year, result.years) == (2025, (2024, 2025))
    assert [s.neighbourhood.neighbourhood_id for s in result.summaries] == [1, 2, 3]
    assert [s.factors.stacking for s in result.summaries] == [True, False, True]
    assert result.summaries[1].risk_keys == ("no_funding", "professional_led")
    # Full analyses are built on demand, from the rows already loaded.
    assert len(result.neighbourhoods) == 3
    assert result.get(3).aanpak.factors.stacking is True
    assert result.get(3) is result.neighbourhoods[2]
    assert [n.neighbourhood.neighbourhood_id for n in result.neighbourhoods] == [1, 2, 3]
    assert result.get(4) is None

    aggregate = result.aggregate
    assert (aggregate.neighbourhood_count, aggregate.focus_count) == (3, 1)
    assert (aggregate.stacking.count, aggregate.stacking.neighbourhood_ids) == (2, (1, 3))
    assert aggregate.stacking_share == 66.7
    by_type = {t.key: t for t in aggregate.factor_types}
    assert (
        by_type["factor.governance"].hinders,
        by_type["factor.governance"].hindering.neighbourhood_ids,
    ) == (2, (1, 2))

    # Effects add up over the neighbourhoods, with the fragments behind each cell.
    rows = {r.key: r for r in aggregate.effects.rows}
    assert [(c.year, c.count, c.fragment_ids) for c in rows["effect.individual.confidence"].cells] == [
        (2024, 1, (2,)),
        (2025, 2, (1, 3)),
    ]
    assert [(p.key_a, p.key_b, p.fragment_ids) for p in aggregate.palet.pairs] == [
        ("effect.individual.confidence", "effect.social.contact", (1,))
    ]

    # Inclusion: 30 residents took part, 16 of them 65+ (10 + 3 + 3): 53.3% against 60 of the 240 inhabitants
    # aged 15 or over (25%): nobody under 15 took part, and no instrument asks children, so they are left out.
    age = {g.key: g for g in aggregate.inclusion.dimensions[0].groups}
    assert aggregate.inclusion.participants == 30
    assert (age["65+"].participants, age["65+"].inhabitants, age["65+"].gap) == (16, 60, 28.3)
    assert (age["0-15"].asked, age["0-15"].under_represented) == (False, False)
    # 30 known: enough to judge. 95% interval of 16/30 is 36.1–69.8%, wholly above 25 + 5: takes part more.
    assert (age["65+"].share_low, age["65+"].share_high, age["65+"].over_represented) == (36.1, 69.8, True)
    assert aggregate.inclusion.dimensions[0].neighbourhoods == 3
    assert aggregate.inclusion.cbs_record_ids == (901, 902, 903)

    # Network per year, summed; the risk summary counts neighbourhoods.
    assert [(n.year, n.relations) for n in aggregate.network] == [(2024, 0), (2025, 30)]
    assert aggregate.network[1].growth == 30
    assert [(c.capital_type, c.count) for c in aggregate.network[1].capital] == [
        ("bonding", 30),
        ("bridging", 0),
        ("linking", 0),
    ]
    # Each person initiates one tie and ends another: two roles each, nobody dominates.
    assert aggregate.concentration.median_gini == 0
    assert aggregate.concentration.concentrated.count == 0
    risks = {r.key: r.neighbourhood_ids for r in aggregate.risks}
    assert risks["no_funding"] == (2, 3)
    assert risks["factors_stack"] == (1, 3)
    assert risks["professional_led"] == (2,)
    assert aggregate.no_funding.neighbourhood_ids == (2, 3)
    assert aggregate.leadership.professional_activity_ids == (1,)

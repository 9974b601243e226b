"""Programme level: new ties and growth by the same rule as per neighbourhood (``is_new_tie``), the programme
number the sum of the neighbourhoods' numbers, and the evidence behind it the relations it counted.

A tie is new when it is marked new and its pair (either direction) was not recorded in an earlier year.
"""

from __future__ import annotations

import pytest

from krachtvansamen.analysis.data import AnalysisData
from krachtvansamen.analysis.rows import NeighbourhoodRow, RelationRow
from krachtvansamen.analysis.services import analyse_neighbourhoods
from krachtvansamen.analysis.synthesis import programme_analysis
from krachtvansamen.reports.evidence import EvidenceSet
from krachtvansamen.reports.evidence_programme import programme_evidence
from tests.factories import NeighbourhoodFactory, PersonFactory, RelationFactory


def relation(
    rid: int,
    nid: int,
    year: int,
    source: int,
    target: int | None,
    *,
    new: bool = True,
    org: int | None = None,
) -> RelationRow:
    return RelationRow(rid, nid, year, source, target, "bonding", new, None, None, None, None, org)


RELATIONS = (
    # Neighbourhood 1
    relation(1, 1, 2024, 1, 2),
    relation(2, 1, 2024, 1, 3),
    relation(3, 1, 2025, 1, 2),  # 1–2 again, still marked new: recorded again
    relation(4, 1, 2025, 3, 1),  # 1–3 again, the other way round, marked new: recorded again
    relation(5, 1, 2025, 1, 4),  # new
    relation(6, 1, 2025, 2, 4, new=False),  # first recorded, not marked new: a tie already there
    # Neighbourhood 2
    relation(7, 2, 2024, 10, 11),
    relation(8, 2, 2025, 11, 10),  # 10–11 again, reversed, marked new: recorded again
    relation(9, 2, 2025, 10, 12),  # new
    relation(10, 2, 2025, 12, 13),  # new
    relation(11, 2, 2025, 10, None, org=5),  # 10–organisation 5: new
)


def build(codebook_rows) -> AnalysisData:
    return AnalysisData(
        neighbourhoods=tuple(
            NeighbourhoodRow(nid, f"BU0000000{nid}", f"Buurt {nid}", "Arnhem", 1, False) for nid in (1, 2)
        ),
        years=(2024, 2025),
        codebook=codebook_rows,
        relations=RELATIONS,
    )


def test_a_tie_recorded_again_is_not_a_new_tie_in_the_programme_total(codebook_rows):
    result = programme_analysis(build(codebook_rows))
    first, second = result.aggregate.network
    # 2024, the first year: 3 relations, all new ties; no growth (nothing to grow from).
    assert (first.year, first.relations, first.new_ties, first.new_tie_ids, first.growth) == (
        2024,
        3,
        3,
        (1, 2, 7),
        None,
    )
    # 2025: 8 relations, 7 of them marked new (3, 4, 5, 8, 9, 10, 11); new ties only 5, 9, 10 and 11.
    assert (second.relations, second.new_ties, second.new_tie_ids) == (8, 4, (5, 9, 10, 11))
    assert second.recorded_again == 4  # 3, 4, 6, 8
    # Growth = the 4 new ties, not 8 − 3 = 5 relations more; 4 of the 3 pairs known before (1–2, 1–3, 10–11).
    assert (second.growth, second.growth_percent) == (4, 133.3)


def test_the_programme_total_is_the_sum_of_the_neighbourhoods(codebook_rows):
    result = programme_analysis(build(codebook_rows))
    one, two = result.summaries
    # Per neighbourhood: 1 new tie (5) and 3 (9, 10, 11), the same as the full neighbourhood analysis.
    assert [(s.new_ties, s.growth) for s in result.summaries] == [(1, 1), (3, 3)]
    for summary, ids in ((one, (5,)), (two, (9, 10, 11))):
        network = result.get(summary.neighbourhood.neighbourhood_id).verandering.network_current
        assert (network.new_ties, network.new_tie_ids, network.growth) == (len(ids), ids, len(ids))
        assert summary.ties[-1].new_tie_ids == ids
    total = result.aggregate.network[-1]
    assert total.new_ties == one.new_ties + two.new_ties == 4
    assert total.growth == one.growth + two.growth


def test_the_evidence_for_the_programmes_new_ties_is_what_was_counted(codebook_rows):
    result = programme_analysis(build(codebook_rows))
    evidence = programme_evidence(analysis=result, key="new_ties:2025")
    assert evidence.sets == (EvidenceSet("relation", (5, 9, 10, 11)),)
    assert programme_evidence(analysis=result, key="new_ties:2024").sets == (
        EvidenceSet("relation", (1, 2, 7)),
    )


@pytest.mark.django_db
def test_from_the_database_a_pair_recorded_again_is_not_counted_nor_listed():
    north, south = NeighbourhoodFactory(), NeighbourhoodFactory()
    ann, bob, cas = (PersonFactory(neighbourhood=north) for _ in range(3))
    dirk, eva = (PersonFactory(neighbourhood=south) for _ in range(2))
    RelationFactory(neighbourhood=north, year=2024, source_person=ann, target_person=bob)
    again = RelationFactory(neighbourhood=north, year=2025, source_person=bob, target_person=ann, is_new=True)
    new_north = RelationFactory(neighbourhood=north, year=2025, source_person=ann, target_person=cas)
    new_south = RelationFactory(neighbourhood=south, year=2025, source_person=dirk, target_person=eva)
    result = analyse_neighbourhoods(neighbourhood_ids=[north.pk, south.pk], years=[2024, 2025])
    total = result.aggregate.network[-1]
    # 3 relations in 2025, all marked new; bob–ann was recorded in 2024: 2 new ties, growth 2 (not 3 − 1).
    assert (total.relations, total.new_ties, total.growth) == (3, 2, 2)
    assert total.new_ties == sum(s.new_ties for s in result.summaries)
    listed = programme_evidence(analysis=result, key="new_ties:2025").sets
    assert listed == (EvidenceSet("relation", tuple(sorted((new_north.pk, new_south.pk)))),)
    assert again.pk not in listed[0].ids

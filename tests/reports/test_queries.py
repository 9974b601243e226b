"""How many queries each report builder makes on the test world. Exact numbers: a change that adds a query
per neighbourhood, year, fragment or quote (an N+1) turns these red; one that saves queries updates them."""

from __future__ import annotations

from krachtvansamen.reports.buurtbeeld import buurtbeeld_report
from krachtvansamen.reports.financier import financier_report
from krachtvansamen.reports.synthese import synthese_report

YEARS_WITH_DATA = 7  # one query per kind of record (analysis.years.data_years)
ANALYSIS = 17  # the loader's 16 and the measurement years (analysis.services)


def test_buurtbeeld_query_count(world, django_assert_num_queries):
    # + the CBS record, the codebook's labels, the network picture, the fragment count, quotes (2 × 2), the
    # learning log (Pas-op-de-plaats "Wat doen we nu?": 1).
    with django_assert_num_queries(YEARS_WITH_DATA + ANALYSIS + 8 + 1):
        report = buurtbeeld_report(neighbourhood=world.own, year=2025)
    assert report.figures and any(report.quotes.values())


def test_financier_query_count(world, django_assert_num_queries):
    # + quotes of the year, and of every year to fill up (2 × 2); the fragments that say what hinders, for the
    # quote about what is hard (factor observations and "what hinders" answers: 2).
    with django_assert_num_queries(YEARS_WITH_DATA + ANALYSIS + 6):
        report = financier_report(neighbourhood=world.own, year=2025)
    assert report.quotes and report.values


def test_synthese_query_count(world, django_assert_num_queries):
    neighbourhoods = [world.own, world.same]
    # + the codebook's labels and the size of the programme, + the stories per theme (quotable fragments and
    # their codings: two queries), + the learning log (1).
    with django_assert_num_queries(YEARS_WITH_DATA + ANALYSIS + 2 + 2 + 1):
        report = synthese_report(programme=world.programme_a, neighbourhoods=neighbourhoods, year=2025)
    assert len(report.rows) == 2
    # Every other programme compared with is one more analysis.
    with django_assert_num_queries(YEARS_WITH_DATA + ANALYSIS + 2 + 2 + 1 + ANALYSIS):
        report = synthese_report(
            programme=world.programme_a,
            neighbourhoods=neighbourhoods,
            year=2025,
            other_programmes=[(world.programme_b, [world.other])],
        )
    assert len(report.others) == 2

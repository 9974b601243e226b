"""The entry points: load the rows once, then analyse (pure). No access checks here — the caller decides,
through ``people.access``, which neighbourhoods a user may see, and passes only those ids."""

from __future__ import annotations

from collections.abc import Collection

from krachtvansamen.analysis.data import load_analysis_data
from krachtvansamen.analysis.parallel import analyse_neighbourhoods_parallel
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.synthesis import (
    NeighbourhoodAnalysis,
    ProgrammeAnalysis,
    neighbourhood_analysis,
    programme_analysis,
)
from krachtvansamen.neighbourhoods.years import years_up_to


class NeighbourhoodNotFound(LookupError):
    pass


def analyse_neighbourhood(
    *, neighbourhood_id: int, year: int, parameters: AnalysisParameters = DEFAULT_PARAMETERS
) -> NeighbourhoodAnalysis:
    """Aanpak, Verandering and Duurzaamheid of one neighbourhood in ``year``, with the measurement years
    before it for changes and trends."""
    data = load_analysis_data(neighbourhood_ids=[neighbourhood_id], years=years_up_to(up_to=year))
    if not data.neighbourhoods:
        raise NeighbourhoodNotFound(neighbourhood_id)
    return neighbourhood_analysis(data, year=year, parameters=parameters)


def analyse_neighbourhoods(
    *,
    neighbourhood_ids: Collection[int],
    years: Collection[int],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
    workers: int = 1,
) -> ProgrammeAnalysis:
    """Every neighbourhood analysed for the latest of ``years`` (the others give changes and trends), and the
    aggregate over all of them — for a programme of 33 or for all neighbourhoods of the country, with the
    same fixed number of queries. ``workers`` > 1: the same result, the neighbourhoods split over that many
    worker processes (``analysis.parallel``; see ``synthesis_workers`` for how many)."""
    if not years:
        raise ValueError("analyse_neighbourhoods needs at least one year")
    if workers > 1 and len(neighbourhood_ids) > 1:
        return analyse_neighbourhoods_parallel(
            neighbourhood_ids=neighbourhood_ids, years=years, workers=workers, parameters=parameters
        )
    data = load_analysis_data(neighbourhood_ids=neighbourhood_ids, years=years)
    return programme_analysis(data, year=max(years), parameters=parameters)

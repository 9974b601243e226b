"""The study's three questions — Aanpak, Verandering, Duurzaamheid — as plain, typed functions.

Entry points (``analysis.services``)::

    analyse_neighbourhood(*, neighbourhood_id, year, parameters=DEFAULT_PARAMETERS) -> NeighbourhoodAnalysis
    analyse_neighbourhoods(*, neighbourhood_ids, years, parameters=DEFAULT_PARAMETERS) -> ProgrammeAnalysis

``analysis.data.load_analysis_data`` reads the rows (``analysis.rows``; a fixed number of queries). The rest
are pure functions over those rows that return frozen dataclasses, every figure with the ids of the
fragments, answers and records behind it: ``aanpak``, ``verandering`` (with ``network`` and ``inclusion``),
``duurzaamheid``, ``value`` (the value beyond counts), ``summary`` and ``aggregate`` (a programme), and
``synthesis``, which puts them together. ``analysis.years`` knows the years with data. Callers check access
first (``people.access``). The full public API, the thresholds and the choices behind each figure are
described in ``docs/analysis.md``.
"""

"""Verandering (change): effects matrix, the palet of co-occurring effects, who took part, vitality; and
the whole section for one neighbourhood, with the network (``analysis.network``) and inclusion
(``analysis.inclusion``).

Pure functions over rows of ``analysis.rows``; no database access. The effects matrix, the palet and the
vitality profile count distinct fragments, so they work for one neighbourhood or for many at once (the
programme aggregate). Network, inclusion and concentration are per neighbourhood.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from krachtvansamen.analysis.compare import (
    YearComparison,
    instruments_by_year,
    like_with_like_change,
    year_comparisons,
)
from krachtvansamen.analysis.data import AnalysisData, Codebook
from krachtvansamen.analysis.inclusion import Inclusion, cbs_for_year, inclusion
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.network import NetworkYear, network_years
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters
from krachtvansamen.analysis.participants import PROFESSIONAL_ROLES, attendances, participants_by_year
from krachtvansamen.analysis.rows import (
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    FragmentStanceRow,
)

WIJKWAARDENKAART = "wijkwaardenkaart"
__all__ = ["PROFESSIONAL_ROLES", "participants_by_year"]  # re-exported: their home is analysis.participants


# --- Effects matrix -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectCell:
    year: int
    count: int  # distinct fragments coded with the indicator (or a user's code under it) in that year
    fragment_ids: tuple[int, ...]
    # Like with like: this year's fragments minus the previous year's, counting only the instruments used in
    # both years (``EffectsMatrix.comparisons``); None in the first year or when no instrument ran in both.
    change: int | None


@dataclass(frozen=True)
class EffectRow(CodeLabelMixin):
    key: str  # e.g. effect.individual.confidence; for a level row: effect.individual
    label_nl: str
    label_en: str
    level_key: str
    cells: tuple[EffectCell, ...]  # one per year of the matrix, oldest first
    total: int  # distinct fragments over all years

    @property
    def is_level(self) -> bool:
        return self.key == self.level_key


@dataclass(frozen=True)
class EffectsMatrix:
    """Level × indicator rows, year columns; cell = distinct fragments (+ ids) and the change from the
    year before.

    ``rows`` are the indicators of the current codebook (14 in version 1, plus users' own), in codebook
    order; ``levels`` are the three levels, counting fragments coded with any indicator of the level or with
    the level itself.
    """

    years: tuple[int, ...]
    rows: tuple[EffectRow, ...]
    levels: tuple[EffectRow, ...]
    # Per year after the first: which instruments the change from the year before counts (see
    # ``analysis.compare``).
    comparisons: Mapping[int, YearComparison] = field(default_factory=dict)

    def comparison(self, year: int) -> YearComparison | None:
        return self.comparisons.get(year)

    @property
    def comparison_sentences(self) -> tuple[str, ...]:
        """Per year after the first, in plain words what its change compares (for under a table)."""
        return tuple(self.comparisons[year].sentence for year in self.years if year in self.comparisons)

    def rows_of_level(self, level_key: str) -> tuple[EffectRow, ...]:
        return tuple(row for row in self.rows if row.level_key == level_key)


def effect_indicators(codebook: Codebook) -> tuple[tuple[str, str], ...]:
    """(indicator key, level key) for every indicator, in codebook order."""
    return tuple(
        (ind.key, level.key) for level in codebook.children("effect") for ind in codebook.children(level.key)
    )


@dataclass
class EffectsTally:
    """What the effects matrix counts, before it is laid out: mergeable across neighbourhoods
    (``analysis.tally``), so worker processes can each count their own neighbourhoods."""

    # (indicator or level key, year) → fragment id → its instrument
    cells: dict[tuple[str, int], dict[int, str]] = field(default_factory=dict)
    instruments: dict[int, set[str]] = field(default_factory=dict)  # year → instruments with coded fragments


def effects_tally(*, codebook: Codebook, codings: Iterable[CodingRow]) -> EffectsTally:
    levels = codebook.children("effect")
    level_of = {key: level for key, level in effect_indicators(codebook)} | {
        level.key: level.key for level in levels
    }
    rollup = codebook.rollup(level_of)
    codings = list(codings)
    cells: dict[tuple[str, int], dict[int, str]] = defaultdict(dict)
    for fragment_id, _nid, year, code_id, instrument in codings:
        key = rollup[code_id]
        if key is None:
            continue
        cells[key, year][fragment_id] = instrument
        level = level_of[key]
        if level != key:
            cells[level, year][fragment_id] = instrument
    used = instruments_by_year(codings)
    return EffectsTally(cells=dict(cells), instruments={year: set(found) for year, found in used.items()})


def effects_matrix(
    *, codebook: Codebook, codings: Iterable[CodingRow], years: Sequence[int]
) -> EffectsMatrix:
    return effects_matrix_from(
        effects_tally(codebook=codebook, codings=codings), codebook=codebook, years=years
    )


def effects_matrix_from(tally: EffectsTally, *, codebook: Codebook, years: Sequence[int]) -> EffectsMatrix:
    levels = codebook.children("effect")
    indicators = effect_indicators(codebook)
    comparisons = year_comparisons(
        {year: frozenset(found) for year, found in tally.instruments.items()}, years
    )
    cells = tally.cells

    def row(key: str, level_key: str) -> EffectRow:
        code = codebook.labelled(key)
        out: list[EffectCell] = []
        everything: set[int] = set()
        previous: Mapping[int, str] | None = None
        for year in years:
            found = cells.get((key, year), {})
            everything |= found.keys()
            out.append(
                EffectCell(
                    year=year,
                    count=len(found),
                    fragment_ids=tuple(sorted(found)),
                    change=None
                    if previous is None
                    else like_with_like_change(
                        this_year=found, previous_year=previous, comparison=comparisons.get(year)
                    ),
                )
            )
            previous = found
        return EffectRow(
            key=key,
            label_nl=code.label_nl,
            label_en=code.label_en,
            level_key=level_key,
            cells=tuple(out),
            total=len(everything),
        )

    return EffectsMatrix(
        years=tuple(years),
        rows=tuple(row(key, level) for key, level in indicators),
        levels=tuple(row(level.key, level.key) for level in levels),
        comparisons=comparisons,
    )


# --- Palet: co-occurrence -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoOccurrence:
    key_a: str
    key_b: str
    count: int  # fragments coded with both
    fragment_ids: tuple[int, ...]


@dataclass(frozen=True)
class PaletRow(CodeLabelMixin):
    key: str
    label_nl: str
    label_en: str
    counts: tuple[
        int, ...
    ]  # against every indicator, in ``Palet.keys`` order; the diagonal = fragments with it


@dataclass(frozen=True)
class Palet:
    """Which effects occur together in one fragment: the study's *palet* ('van het één komt het ander')."""

    keys: tuple[str, ...]  # the indicators, rows and columns of ``matrix``
    pairs: tuple[CoOccurrence, ...]  # pairs seen at least once, most frequent first
    matrix: tuple[PaletRow, ...]  # indicator × indicator, for a heat map
    fragment_count: int  # fragments with at least one effect indicator
    multi_effect_count: int  # fragments with two or more
    fragment_ids: tuple[int, ...]


@dataclass
class PaletTally:
    """What the palet counts, per fragment already reduced (a fragment's codings are all in its own
    neighbourhood): mergeable across neighbourhoods (``analysis.tally``)."""

    single: dict[str, int] = field(default_factory=dict)  # indicator → fragments with it
    pair_ids: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # (a, b) in codebook order
    fragment_ids: list[int] = field(default_factory=list)  # fragments with at least one indicator
    multi_effect_count: int = 0


def palet_tally(*, codebook: Codebook, codings: Iterable[CodingRow]) -> PaletTally:
    keys = tuple(key for key, _level in effect_indicators(codebook))
    rollup = codebook.rollup(keys)
    per_fragment: dict[int, set[str]] = defaultdict(set)
    for fragment_id, _nid, _year, code_id, _instrument in codings:
        key = rollup[code_id]
        if key is not None:
            per_fragment[fragment_id].add(key)
    order = {key: i for i, key in enumerate(keys)}
    pair_ids: dict[tuple[str, str], list[int]] = defaultdict(list)
    single: dict[str, int] = defaultdict(int)
    for fragment_id, found in per_fragment.items():
        for key in found:
            single[key] += 1
        if len(found) > 1:
            for a, b in combinations(sorted(found, key=order.__getitem__), 2):
                pair_ids[a, b].append(fragment_id)
    return PaletTally(
        single=dict(single),
        pair_ids=dict(pair_ids),
        fragment_ids=list(per_fragment),
        multi_effect_count=sum(1 for found in per_fragment.values() if len(found) > 1),
    )


def palet(*, codebook: Codebook, codings: Iterable[CodingRow]) -> Palet:
    """Co-occurrence of effect indicators within fragments (pass the rows of the years wanted)."""
    return palet_from(palet_tally(codebook=codebook, codings=codings), codebook=codebook)


def palet_from(tally: PaletTally, *, codebook: Codebook) -> Palet:
    keys = tuple(key for key, _level in effect_indicators(codebook))
    order = {key: i for i, key in enumerate(keys)}
    single, pair_ids = tally.single, tally.pair_ids
    pairs = sorted(
        (
            CoOccurrence(key_a=a, key_b=b, count=len(ids), fragment_ids=tuple(sorted(ids)))
            for (a, b), ids in pair_ids.items()
        ),
        key=lambda p: (-p.count, order[p.key_a], order[p.key_b]),
    )
    matrix = []
    for a in keys:
        code = codebook.labelled(a)
        counts = tuple(
            single.get(a, 0) if a == b else len(pair_ids.get((a, b) if order[a] < order[b] else (b, a), ()))
            for b in keys
        )
        matrix.append(PaletRow(key=a, label_nl=code.label_nl, label_en=code.label_en, counts=counts))
    return Palet(
        keys=keys,
        pairs=tuple(pairs),
        matrix=tuple(matrix),
        fragment_count=len(tally.fragment_ids),
        multi_effect_count=tally.multi_effect_count,
        fragment_ids=tuple(sorted(tally.fragment_ids)),
    )


# --- Vitality -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VitalityTheme(CodeLabelMixin):
    key: str  # vitality.social_contact ...
    label_nl: str
    label_en: str
    count: int  # distinct Wijkwaardenkaart fragments coded with the theme
    fragment_ids: tuple[int, ...]
    helps_ids: tuple[int, ...]  # of those, fragments that say what helps (see VitalityProfile)
    hinders_ids: tuple[int, ...]  # ... what hinders

    @property
    def helps(self) -> int:
        return len(self.helps_ids)

    @property
    def hinders(self) -> int:
        return len(self.hinders_ids)


@dataclass(frozen=True)
class VitalityProfile:
    """What residents value, from the Wijkwaardenkaart conversations: fragments per ``vitality.*`` theme.

    Helps/hinders: the codebook has no helps/hinders marker for themes, so a fragment's direction comes from
    (1) the question it answered, when the conversation form asked "what helps" or "what hinders"
    (``SubmissionFragment.stance``), else (2) the environment-factor observations recorded from it: hinders
    when any hindering one was, helps when only helping ones were. Other fragments say what is valued
    without a direction and are only counted.
    """

    years: tuple[int, ...]
    conversation_fragments: int  # all Wijkwaardenkaart fragments in these years, coded or not
    speakers: int  # distinct residents heard
    themes: tuple[VitalityTheme, ...]  # every theme of the codebook, in codebook order


@dataclass
class VitalityTally:
    """What the vitality profile counts, before the directions are settled: mergeable across neighbourhoods
    (``analysis.tally``; the directions are settled over all of them, in ``vitality_profile_from``)."""

    found: dict[str, set[int]] = field(default_factory=dict)  # theme → Wijkwaardenkaart fragments
    helps: set[int] = field(default_factory=set)  # fragments with a helping factor observation
    hinders: set[int] = field(default_factory=set)  # ... with a hindering one
    stances: list[tuple[int, str]] = field(default_factory=list)  # (fragment, stance) in row order
    conversation_fragments: int = 0
    speakers: set[int] = field(default_factory=set)


def vitality_tally(
    *,
    codebook: Codebook,
    codings: Iterable[CodingRow],
    factors: Iterable[FactorRow],
    fragment_groups: Iterable[FragmentGroupRow],
    years: Collection[int],
    stances: Iterable[FragmentStanceRow] = (),
) -> VitalityTally:
    rollup = codebook.rollup(t.key for t in codebook.children("vitality"))
    tally = VitalityTally()
    found: dict[str, set[int]] = defaultdict(set)
    for fragment_id, _nid, year, code_id, instrument in codings:
        if instrument == WIJKWAARDENKAART and year in years:
            key = rollup[code_id]
            if key is not None:
                found[key].add(fragment_id)
    tally.found = dict(found)
    for row in factors:
        if row.fragment_id is not None:
            (tally.hinders if row.direction == "hinders" else tally.helps).add(row.fragment_id)
    tally.stances = [(stance.fragment_id, stance.stance) for stance in stances]
    for group in fragment_groups:
        if group.instrument == WIJKWAARDENKAART and group.year in years:
            tally.conversation_fragments += group.fragment_count
            if group.speaker_id is not None:
                tally.speakers.add(group.speaker_id)
    return tally


def vitality_profile(
    *,
    codebook: Codebook,
    codings: Iterable[CodingRow],
    factors: Iterable[FactorRow],
    fragment_groups: Iterable[FragmentGroupRow],
    years: Collection[int],
    stances: Iterable[FragmentStanceRow] = (),
) -> VitalityProfile:
    tally = vitality_tally(
        codebook=codebook, codings=codings, factors=factors, fragment_groups=fragment_groups, years=years,
        stances=stances,
    )  # fmt: skip
    return vitality_profile_from(tally, codebook=codebook, years=years)


def vitality_profile_from(
    tally: VitalityTally, *, codebook: Codebook, years: Collection[int]
) -> VitalityProfile:
    found = tally.found
    hinders = set(tally.hinders)
    helps = tally.helps - hinders
    for fragment_id, stance in tally.stances:  # the question asked outweighs what was inferred from factors
        (hinders if stance == "hinders" else helps).add(fragment_id)
        (helps if stance == "hinders" else hinders).discard(fragment_id)
    return VitalityProfile(
        years=tuple(sorted(years)),
        conversation_fragments=tally.conversation_fragments,
        speakers=len(tally.speakers),
        themes=tuple(
            VitalityTheme(
                key=t.key,
                label_nl=t.label_nl,
                label_en=t.label_en,
                count=len(found.get(t.key, ())),
                fragment_ids=tuple(sorted(found.get(t.key, ()))),
                helps_ids=tuple(sorted(found.get(t.key, set()) & helps)),
                hinders_ids=tuple(sorted(found.get(t.key, set()) & hinders)),
            )
            for t in codebook.children("vitality")
        ),
    )


# --- The section for one neighbourhood ----------------------------------------------------------------------


@dataclass(frozen=True)
class VeranderingResult:
    year: int
    effects: EffectsMatrix  # every loaded year up to ``year``
    palet: Palet  # the analysed year
    network: tuple[NetworkYear, ...]  # every loaded year up to ``year``, oldest first
    inclusion: Inclusion  # the analysed year
    vitality: VitalityProfile  # the analysed year
    vitality_all_years: VitalityProfile  # every loaded year up to ``year`` (the praatplaat)
    # The year before ``year`` (None without one): compare a year with a year, never the all-years total
    # with one year (that makes the last year look like a decline).
    vitality_previous: VitalityProfile | None = None
    # The residents who took part in ``year`` (``analysis.participants``: one definition for every page).
    participant_ids: tuple[int, ...] = ()
    attendances: int = 0  # bezoeken: activity participant counts added up; never shown as participants

    @property
    def participants(self) -> int:
        return len(self.participant_ids)

    @property
    def network_current(self) -> NetworkYear:
        return self.network[-1]


def analyse_verandering(
    data: AnalysisData,
    *,
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
    participants: Mapping[int, Collection[int]] | None = None,
) -> VeranderingResult:
    """The Verandering section for the ONE neighbourhood in ``data``."""
    years = tuple(y for y in sorted({*data.years, year}) if y <= year)
    if participants is None:
        participants = participants_by_year(
            persons=data.persons,
            fragment_groups=data.fragment_groups,
            activities=data.activities,
            activity_participants=data.activity_participants,
            relations=data.relations,
        )
    codings = [row for row in data.codings if row.year <= year]
    cbs_code = data.neighbourhoods[0].cbs_code if data.neighbourhoods else ""
    return VeranderingResult(
        year=year,
        effects=effects_matrix(codebook=data.codebook, codings=codings, years=years),
        palet=palet(codebook=data.codebook, codings=[row for row in codings if row.year == year]),
        network=network_years(
            relations=data.relations,
            activities=data.activities,
            participants=participants,
            years=years,
            parameters=parameters,
        ),
        inclusion=inclusion(
            participant_ids=participants.get(year, set()),
            persons=data.persons,
            cbs=cbs_for_year(data.cbs.get(cbs_code, ()), year),
            year=year,
            parameters=parameters,
        ),
        vitality=vitality_profile(
            codebook=data.codebook,
            codings=codings,
            factors=data.factors,
            fragment_groups=data.fragment_groups,
            years={year},
            stances=data.stances,
        ),
        vitality_all_years=vitality_profile(
            codebook=data.codebook,
            codings=codings,
            factors=data.factors,
            fragment_groups=data.fragment_groups,
            years=set(years),
            stances=data.stances,
        ),
        vitality_previous=vitality_profile(
            codebook=data.codebook,
            codings=codings,
            factors=data.factors,
            fragment_groups=data.fragment_groups,
            years={years[-2]},
            stances=data.stances,
        )
        if len(years) > 1
        else None,
        participant_ids=tuple(sorted(participants.get(year, set()))),
        attendances=attendances(row for row in data.activities if row.year == year),
    )

"""Verandering (change): effects matrix, the palet of co-occurring effects, network, inclusion, vitality.

Pure functions over rows of ``analysis.data``; no database access. The effects matrix, the palet and the
vitality profile count distinct fragments, so they work for one neighbourhood or for many at once (the
programme aggregate). Network, inclusion and concentration are per neighbourhood.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from django.utils.translation import gettext_lazy as _

from krachtvansamen.analysis.data import (
    ActivityParticipantRow,
    ActivityRow,
    AnalysisData,
    CbsRow,
    Codebook,
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    FragmentStanceRow,
    PersonRow,
    RelationRow,
)
from krachtvansamen.analysis.figures import percent, rows_by_year
from krachtvansamen.analysis.labels import CodeLabelMixin
from krachtvansamen.analysis.parameters import DEFAULT_PARAMETERS, AnalysisParameters

WIJKWAARDENKAART = "wijkwaardenkaart"
# Persons in these roles are the professionals around the work, not the residents who take part.
PROFESSIONAL_ROLES = frozenset({"community_builder", "professional"})
CAPITAL_TYPES = ("bonding", "bridging", "linking")
HOOK_KINDS = ("activity", "place", "person", "none")
HOOK_LABELS = {
    "activity": _("an activity"),
    "place": _("a meeting place"),
    "person": _("a person"),
    "none": _("not recorded"),
}


# --- Effects matrix -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EffectCell:
    year: int
    count: int  # distinct fragments coded with the indicator (or a user's code under it) in that year
    fragment_ids: tuple[int, ...]
    change: int | None  # count minus the previous year's count; None in the first year


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

    def rows_of_level(self, level_key: str) -> tuple[EffectRow, ...]:
        return tuple(row for row in self.rows if row.level_key == level_key)


def effect_indicators(codebook: Codebook) -> tuple[tuple[str, str], ...]:
    """(indicator key, level key) for every indicator, in codebook order."""
    return tuple(
        (ind.key, level.key) for level in codebook.children("effect") for ind in codebook.children(level.key)
    )


def effects_matrix(
    *, codebook: Codebook, codings: Iterable[CodingRow], years: Sequence[int]
) -> EffectsMatrix:
    levels = codebook.children("effect")
    indicators = effect_indicators(codebook)
    level_of = {key: level for key, level in indicators} | {level.key: level.key for level in levels}
    rollup = codebook.rollup(level_of)
    cells: dict[tuple[str, int], set[int]] = defaultdict(set)
    for fragment_id, _nid, year, code_id, _instrument in codings:
        key = rollup[code_id]
        if key is None:
            continue
        cells[key, year].add(fragment_id)
        level = level_of[key]
        if level != key:
            cells[level, year].add(fragment_id)

    def row(key: str, level_key: str) -> EffectRow:
        code = codebook.labelled(key)
        out, previous, everything = [], None, set()
        for year in years:
            ids = cells.get((key, year), set())
            everything |= ids
            out.append(
                EffectCell(
                    year=year,
                    count=len(ids),
                    fragment_ids=tuple(sorted(ids)),
                    change=None if previous is None else len(ids) - previous,
                )
            )
            previous = len(ids)
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


def palet(*, codebook: Codebook, codings: Iterable[CodingRow]) -> Palet:
    """Co-occurrence of effect indicators within fragments (pass the rows of the years wanted)."""
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
        fragment_count=len(per_fragment),
        multi_effect_count=sum(1 for found in per_fragment.values() if len(found) > 1),
        fragment_ids=tuple(sorted(per_fragment)),
    )


# --- Who took part ------------------------------------------------------------------------------------------


def participants_by_year(
    *,
    persons: Mapping[int, PersonRow],
    fragment_groups: Iterable[FragmentGroupRow],
    activities: Iterable[ActivityRow],
    activity_participants: Iterable[ActivityParticipantRow],
    relations: Iterable[RelationRow],
) -> dict[int, set[int]]:
    """Residents who took part, per year: registered activity participants, activity initiators, speakers of
    fragments, both ends of relations and the persons who were the *haakje* of a relation.

    Community builders and professionals are left out: they run the work, the comparison is about residents.
    A person not in ``persons`` (not loaded) is kept: taking part is recorded, the demographics are unknown.
    """
    found: dict[int, set[int]] = defaultdict(set)
    for group in fragment_groups:
        if group.speaker_id is not None:
            found[group.year].add(group.speaker_id)
    for activity in activities:
        if activity.initiator_person_id is not None:
            found[activity.year].add(activity.initiator_person_id)
    for participant in activity_participants:
        found[participant.year].add(participant.person_id)
    for relation in relations:
        ids = found[relation.year]
        for person_id in (relation.source_person_id, relation.target_person_id, relation.hook_person_id):
            if person_id is not None:
                ids.add(person_id)
    for ids in found.values():
        ids.difference_update(
            [pid for pid in ids if (p := persons.get(pid)) is not None and p.role in PROFESSIONAL_ROLES]
        )
    return found


# --- Network ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleConcentration:
    """How concentrated the active roles are among the residents who took part.

    A role is an activity initiated, an end of a relation, or being the *haakje* of a relation. Everyone who
    took part that year counts (with zero roles too), so the figures say what the study saw: whether a small
    group carries most roles. ``gini`` is 0 when everyone carries as many roles, near 1 when one person
    carries all.
    """

    persons: int
    roles: int
    top_count: int  # the top fraction of persons (default 10%, at least 1)
    top_share: float | None  # percent of all roles carried by them
    top_persons_share: float | None  # percent carried by the top N persons (default 5)
    gini: float | None
    top_person_ids: tuple[int, ...]


def gini(values: Sequence[int]) -> float | None:
    """Gini coefficient of non-negative counts (0 = equal, towards 1 = one carries all); None if all zero."""
    total = sum(values)
    n = len(values)
    if not n or not total:
        return None
    weighted = sum(i * x for i, x in enumerate(sorted(values), start=1))
    return round(2 * weighted / (n * total) - (n + 1) / n, 3)


def role_concentration(
    *,
    role_counts: Mapping[int, int],
    participants: Collection[int],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> RoleConcentration:
    population = set(participants) | set(role_counts)
    counts = sorted(((role_counts.get(pid, 0), pid) for pid in population), key=lambda c: (-c[0], c[1]))
    roles = sum(c for c, _pid in counts)
    top_count = max(1, math.ceil(parameters.top_fraction * len(counts))) if counts else 0
    top = counts[:top_count]
    return RoleConcentration(
        persons=len(counts),
        roles=roles,
        top_count=top_count,
        top_share=percent(sum(c for c, _ in top), roles),
        top_persons_share=percent(sum(c for c, _ in counts[: parameters.top_persons]), roles),
        gini=gini([c for c, _ in counts]),
        top_person_ids=tuple(pid for c, pid in top if c),
    )


@dataclass(frozen=True)
class CapitalShare:
    capital_type: str  # bonding / bridging / linking
    count: int
    share: float | None
    relation_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        from krachtvansamen.network.models import Relation

        return str(Relation.CapitalType(self.capital_type).label)


@dataclass(frozen=True)
class HookCount:
    kind: str  # activity / place / person / none: what led to the tie (the haakje)
    count: int
    relation_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        return str(HOOK_LABELS[self.kind])


@dataclass(frozen=True)
class NetworkYear:
    year: int
    relations: int
    relation_ids: tuple[int, ...]
    new_ties: int
    new_tie_ids: tuple[int, ...]
    growth: int | None  # relations minus the previous year's; None in the first year
    growth_percent: float | None
    capital: tuple[CapitalShare, ...]  # bonding, bridging, linking
    hooks: tuple[HookCount, ...]
    persons_in_ties: int
    concentration: RoleConcentration


def resident_role_counts(
    *, relations: Iterable[RelationRow], activities: Iterable[ActivityRow], participants: Collection[int]
) -> dict[int, int]:
    """Roles per resident in one year (pass that year's rows): activities initiated, relation ends, haakjes.

    Only persons among ``participants`` count: a professional's roles are not residents' roles.
    """
    roles: dict[int, int] = defaultdict(int)
    for activity in activities:
        if activity.initiator_person_id is not None:
            roles[activity.initiator_person_id] += 1
    for r in relations:
        for person_id in (r.source_person_id, r.target_person_id, r.hook_person_id):
            if person_id is not None:
                roles[person_id] += 1
    return {pid: count for pid, count in roles.items() if pid in participants}


def network_years(
    *,
    relations: Iterable[RelationRow],
    activities: Iterable[ActivityRow],
    participants: Mapping[int, Collection[int]],
    years: Sequence[int],
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> tuple[NetworkYear, ...]:
    """Network figures per year for ONE neighbourhood (growth: against the previous year in ``years``)."""
    relations_by_year = rows_by_year(relations)
    activities_by_year = rows_by_year(activities)
    out, previous = [], None
    for year in years:
        rows = relations_by_year.get(year, [])
        capital: dict[str, list[int]] = {kind: [] for kind in CAPITAL_TYPES}
        hooks: dict[str, list[int]] = {kind: [] for kind in HOOK_KINDS}
        new: list[int] = []
        people: set[int] = set()
        for r in rows:
            capital.setdefault(r.capital_type, []).append(r.relation_id)
            hook = (
                "activity"
                if r.hook_activity_id is not None
                else "place"
                if r.hook_place_id is not None
                else "person"
                if r.hook_person_id is not None
                else "none"
            )
            hooks[hook].append(r.relation_id)
            if r.is_new:
                new.append(r.relation_id)
            people.update(p for p in (r.source_person_id, r.target_person_id) if p is not None)
        year_participants = participants.get(year, set())
        resident_roles = resident_role_counts(
            relations=rows, activities=activities_by_year.get(year, ()), participants=year_participants
        )
        total = len(rows)
        out.append(
            NetworkYear(
                year=year,
                relations=total,
                relation_ids=tuple(sorted(r.relation_id for r in rows)),
                new_ties=len(new),
                new_tie_ids=tuple(sorted(new)),
                growth=None if previous is None else total - previous,
                growth_percent=None if previous is None else percent(total - previous, previous),
                capital=tuple(
                    CapitalShare(
                        capital_type=kind,
                        count=len(ids),
                        share=percent(len(ids), total),
                        relation_ids=tuple(sorted(ids)),
                    )
                    for kind, ids in capital.items()
                ),
                hooks=tuple(
                    HookCount(kind=kind, count=len(ids), relation_ids=tuple(sorted(ids)))
                    for kind, ids in hooks.items()
                ),
                persons_in_ties=len(people),
                concentration=role_concentration(
                    role_counts=resident_roles, participants=year_participants, parameters=parameters
                ),
            )
        )
        previous = total
    return tuple(out)


# --- Inclusion ----------------------------------------------------------------------------------------------

# (dimension, person field, ((group value, CBS field), ...))
INCLUSION_DIMENSIONS: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "age",
        "age_band",
        (
            ("0-15", "age_0_15"),
            ("15-25", "age_15_25"),
            ("25-45", "age_25_45"),
            ("45-65", "age_45_65"),
            ("65+", "age_65_plus"),
        ),
    ),
    (
        "origin",
        "origin",
        (
            ("netherlands", "origin_netherlands"),
            ("europe", "origin_europe"),
            ("outside_europe", "origin_outside_europe"),
        ),
    ),
    ("gender", "gender", (("man", "men"), ("woman", "women"))),
)


@dataclass(frozen=True)
class InclusionGroup:
    dimension: str  # age / origin / gender
    key: str  # the Person field's value: "65+", "netherlands", "woman" ...
    participants: int
    participant_share: float | None  # percent of participants whose value is known
    inhabitants: int | None  # CBS; None when CBS keeps it secret or does not publish it
    inhabitant_share: float | None
    gap: float | None  # participant share minus inhabitant share, in percentage points
    under_represented: bool  # gap below minus the threshold: "wie doet nog niet mee"
    over_represented: bool
    person_ids: tuple[int, ...]

    @property
    def label(self) -> str:
        from krachtvansamen.people.models import AgeBand, Gender, Origin

        choices = {"age": AgeBand, "origin": Origin, "gender": Gender}[self.dimension]
        return str(choices(self.key).label)


@dataclass(frozen=True)
class InclusionDimension:
    key: str  # age / origin / gender
    groups: tuple[InclusionGroup, ...]
    known: int  # participants with a value CBS also counts
    unknown: int  # participants without a (consented) value: counted, never dropped
    unknown_person_ids: tuple[int, ...]
    other: int  # a value CBS does not count (gender "other"): shown, not compared
    other_person_ids: tuple[int, ...]
    neighbourhoods: int = 1  # how many neighbourhoods were compared (programme totals)

    @property
    def label(self) -> str:
        from django.utils.translation import gettext

        return {"age": gettext("age group"), "origin": gettext("origin"), "gender": gettext("gender")}[
            self.key
        ]


@dataclass(frozen=True)
class Inclusion:
    """Who takes part compared with who lives there (CBS), per dimension.

    Participant shares are over the participants whose value is known (the unknown are reported next to
    it), inhabitant shares over the CBS groups of that dimension (or over the population when CBS keeps
    one group secret). ``not_reached`` lists the groups whose share among participants is more than the
    threshold (default 5 points) below their share among inhabitants.
    """

    year: int
    cbs_year: int | None  # the CBS year used: the latest up to ``year``, else the earliest after it
    cbs_record_id: int | None
    participants: int
    person_ids: tuple[int, ...]
    dimensions: tuple[InclusionDimension, ...]
    threshold: float
    cbs_record_ids: tuple[
        int, ...
    ] = ()  # every CBS record compared with (programme totals: one per neighbourhood)

    @property
    def not_reached(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for d in self.dimensions for g in d.groups if g.under_represented)

    @property
    def over_represented(self) -> tuple[InclusionGroup, ...]:
        return tuple(g for d in self.dimensions for g in d.groups if g.over_represented)


def cbs_for_year(rows: Sequence[CbsRow], year: int) -> CbsRow | None:
    """The CBS record for a year: that year, else the latest before it, else the earliest after it."""
    before = [r for r in rows if r.year <= year]
    if before:
        return max(before, key=lambda r: r.year)
    return min(rows, key=lambda r: r.year) if rows else None


def inclusion_groups(
    *,
    dimension: str,
    counts: Mapping[str, int],
    inhabitants: Mapping[str, int | None],
    population: int | None,
    person_ids: Mapping[str, Sequence[int]],
    threshold: float,
) -> tuple[InclusionGroup, ...]:
    """The comparison for one dimension, from counts (also used to add neighbourhoods up)."""
    known = sum(counts.values())
    values = list(inhabitants.values())
    denominator = sum(values) if all(v is not None for v in values) else population  # type: ignore[arg-type]
    groups = []
    for key, count in counts.items():
        share = percent(count, known)
        living = inhabitants.get(key)
        living_share = percent(living, denominator) if living is not None and denominator else None
        gap = round(share - living_share, 1) if share is not None and living_share is not None else None
        groups.append(
            InclusionGroup(
                dimension=dimension,
                key=key,
                participants=count,
                participant_share=share,
                inhabitants=living,
                inhabitant_share=living_share,
                gap=gap,
                under_represented=gap is not None and gap < -threshold,
                over_represented=gap is not None and gap > threshold,
                person_ids=tuple(sorted(person_ids.get(key, ()))),
            )
        )
    return tuple(groups)


def inclusion(
    *,
    participant_ids: Collection[int],
    persons: Mapping[int, PersonRow],
    cbs: CbsRow | None,
    year: int,
    parameters: AnalysisParameters = DEFAULT_PARAMETERS,
) -> Inclusion:
    dimensions = []
    for dimension, person_field, groups in INCLUSION_DIMENSIONS:
        ids: dict[str, list[int]] = {value: [] for value, _cbs_field in groups}
        unknown: list[int] = []
        other: list[int] = []
        for pid in participant_ids:
            person = persons.get(pid)
            value = getattr(person, person_field) if person is not None else ""
            if not value:
                unknown.append(pid)
            elif value in ids:
                ids[value].append(pid)
            else:
                other.append(pid)
        dimensions.append(
            InclusionDimension(
                key=dimension,
                groups=inclusion_groups(
                    dimension=dimension,
                    counts={value: len(found) for value, found in ids.items()},
                    inhabitants={
                        value: getattr(cbs, cbs_field) if cbs else None for value, cbs_field in groups
                    },
                    population=cbs.population if cbs else None,
                    person_ids=ids,
                    threshold=parameters.inclusion_gap_points,
                ),
                known=sum(len(found) for found in ids.values()),
                unknown=len(unknown),
                unknown_person_ids=tuple(sorted(unknown)),
                other=len(other),
                other_person_ids=tuple(sorted(other)),
            )
        )
    return Inclusion(
        year=year,
        cbs_year=cbs.year if cbs else None,
        cbs_record_id=cbs.record_id if cbs else None,
        participants=len(participant_ids),
        person_ids=tuple(sorted(participant_ids)),
        dimensions=tuple(dimensions),
        threshold=parameters.inclusion_gap_points,
        cbs_record_ids=(cbs.record_id,) if cbs else (),
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


def vitality_profile(
    *,
    codebook: Codebook,
    codings: Iterable[CodingRow],
    factors: Iterable[FactorRow],
    fragment_groups: Iterable[FragmentGroupRow],
    years: Collection[int],
    stances: Iterable[FragmentStanceRow] = (),
) -> VitalityProfile:
    themes = codebook.children("vitality")
    rollup = codebook.rollup(t.key for t in themes)
    found: dict[str, set[int]] = defaultdict(set)
    for fragment_id, _nid, year, code_id, instrument in codings:
        if instrument == WIJKWAARDENKAART and year in years:
            key = rollup[code_id]
            if key is not None:
                found[key].add(fragment_id)
    hinders: set[int] = set()
    helps: set[int] = set()
    for row in factors:
        if row.fragment_id is not None:
            (hinders if row.direction == "hinders" else helps).add(row.fragment_id)
    helps -= hinders
    for stance in stances:  # the question asked outweighs what was inferred from factor observations
        (hinders if stance.stance == "hinders" else helps).add(stance.fragment_id)
        (helps if stance.stance == "hinders" else hinders).discard(stance.fragment_id)
    conversation_fragments, speakers = 0, set()
    for group in fragment_groups:
        if group.instrument == WIJKWAARDENKAART and group.year in years:
            conversation_fragments += group.fragment_count
            if group.speaker_id is not None:
                speakers.add(group.speaker_id)
    return VitalityProfile(
        years=tuple(sorted(years)),
        conversation_fragments=conversation_fragments,
        speakers=len(speakers),
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
            for t in themes
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
    )

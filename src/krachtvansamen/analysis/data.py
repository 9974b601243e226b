"""What the analyses read, and the loader that fetches it in a fixed, small number of queries.

``AnalysisData`` holds the rows of ``analysis.rows`` for a set of neighbourhoods and years; ``Codebook`` turns
the code ids of those rows into stable keys. ``load_analysis_data`` is the only function here that touches
the database. Everything after it (the ``aanpak``, ``verandering``, ``duurzaamheid`` and ``synthesis``
modules) is pure and works on an ``AnalysisData``.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypeVar

from django.db.models import BooleanField, CharField, Count, F, Func, QuerySet, Value

from krachtvansamen.analysis.labels import Labelled
from krachtvansamen.analysis.rows import (
    ActivityParticipantRow,
    ActivityRow,
    AssetRow,
    CbsRow,
    CodeRow,
    CodingRow,
    FactorRow,
    FragmentGroupRow,
    FragmentStanceRow,
    FundingRow,
    NeighbourhoodRow,
    PersonRow,
    RelationRow,
    ScaleAnswerRow,
    SustainabilityRow,
)
from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.models import SubmissionFragment
from krachtvansamen.instruments.selectors import coded_scale_answers
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Funding, Person
from krachtvansamen.privacy.selectors import demographics_consented


class Rollup(dict[int | str, str | None]):
    """Maps a coded code (its id, or its key) to the target it counts for: the code itself, or its nearest
    ancestor among the targets.

    Users may add their own codes under any code (``effect.social.contact.neighbours``): such a coding counts
    for its indicator. Codes outside every target map to None. ``rollup[code_id]`` is a plain dict look-up
    once a code has been seen, which keeps the per-row cost of the analysis loops low.
    """

    def __init__(self, targets: Iterable[str], key_of: Mapping[int, str]) -> None:
        super().__init__()
        self.targets = frozenset(targets)
        self.key_of = key_of

    def __missing__(self, code: int | str) -> str | None:
        probe = self.key_of.get(code, "") if isinstance(code, int) else code
        while probe and probe not in self.targets:
            probe = probe.rpartition(".")[0]
        self[code] = probe or None
        return probe or None


@dataclass(frozen=True)
class Codebook:
    """The current codebook version as rows (the rows and columns of the analyses), and the key of every
    code id of every version (a coding made under an old version still counts by its stable key)."""

    codes: tuple[CodeRow, ...] = ()
    keys: Mapping[int, str] = field(default_factory=dict)  # code id (all versions) → key

    @classmethod
    def from_codes(cls, codes: Iterable[CodeRow], *, older: Mapping[int, str] | None = None) -> Codebook:
        codes = tuple(codes)
        return cls(codes=codes, keys={**(older or {}), **{c.code_id: c.key for c in codes}})

    def get(self, key: str) -> CodeRow | None:
        return self._cache("by_key", lambda: {code.key: code for code in self.codes}).get(key)

    def code_id(self, key: str) -> int:
        """The id of a key in the current version (for building rows by hand)."""
        code = self.get(key)
        if code is None:
            raise KeyError(key)
        return code.code_id

    def key_of(self, code_id: int) -> str:
        return self.keys.get(code_id, "")

    def children(self, key: str) -> tuple[CodeRow, ...]:
        """Direct children of a code, in codebook order (users' own codes included)."""

        def build() -> dict[str | None, tuple[CodeRow, ...]]:
            by_parent: dict[str | None, list[CodeRow]] = defaultdict(list)
            for code in sorted(self.codes, key=lambda c: c.position):
                by_parent[code.parent_key].append(code)
            return {parent: tuple(children) for parent, children in by_parent.items()}

        return self._cache("children", build).get(key, ())

    def rollup(self, targets: Iterable[str]) -> Rollup:
        """A look-up from a coded code id (or key) to the target key it counts for (see ``Rollup``).

        Shared per set of targets, so what it learnt in one neighbourhood serves the next.
        """
        wanted = frozenset(targets)
        rollups: dict[frozenset[str], Rollup] = self._cache("rollups", dict)
        if wanted not in rollups:
            rollups[wanted] = Rollup(wanted, self.keys)
        return rollups[wanted]

    def labelled(self, key: str) -> Labelled:
        code = self.get(key)
        return Labelled(
            key=key, label_nl=code.label_nl if code else key, label_en=code.label_en if code else key
        )

    def _cache(self, name: str, build: Callable[[], Any]) -> Any:
        # A cache, not state: the dataclass stays frozen and equal to a fresh one.
        cached = self.__dict__.get(f"_cache_{name}")
        if cached is None:
            cached = self.__dict__[f"_cache_{name}"] = build()
        return cached


ROW_FIELDS = (
    "codings",
    "fragment_groups",
    "stances",
    "activities",
    "activity_participants",
    "relations",
    "assets",
    "factors",
    "sustainability",
    "fundings",
    "scale_answers",
)


@dataclass(frozen=True)
class AnalysisData:
    """Everything the analyses read, for a set of neighbourhoods and years. Plain rows, no model instances.

    ``persons`` and ``cbs`` are shared look-ups (a relation may reach a person of another neighbourhood);
    all other fields are rows of the loaded neighbourhoods and years. Assets are the inventory up to the
    latest year (an asset recorded in 2023 is still there in 2025); fundings are all of them, whatever
    their years, because the funding horizon looks ahead.
    """

    neighbourhoods: tuple[NeighbourhoodRow, ...] = ()
    years: tuple[int, ...] = ()
    codebook: Codebook = field(default_factory=Codebook)
    codings: tuple[CodingRow, ...] = ()
    fragment_groups: tuple[FragmentGroupRow, ...] = ()
    stances: tuple[FragmentStanceRow, ...] = ()
    activities: tuple[ActivityRow, ...] = ()
    activity_participants: tuple[ActivityParticipantRow, ...] = ()
    relations: tuple[RelationRow, ...] = ()
    assets: tuple[AssetRow, ...] = ()
    factors: tuple[FactorRow, ...] = ()
    sustainability: tuple[SustainabilityRow, ...] = ()
    fundings: tuple[FundingRow, ...] = ()
    scale_answers: tuple[ScaleAnswerRow, ...] = ()
    persons: Mapping[int, PersonRow] = field(default_factory=dict)
    cbs: Mapping[str, tuple[CbsRow, ...]] = field(default_factory=dict)  # region code → rows, oldest first

    def years_through(self, year: int) -> tuple[int, ...]:
        """The loaded years up to ``year``, and ``year`` itself: what an analysis of ``year`` compares."""
        return tuple(y for y in sorted({*self.years, year}) if y <= year)

    def only_neighbourhood(self) -> NeighbourhoodRow:
        """The one neighbourhood of data split by neighbourhood (see ``split_by_neighbourhood``)."""
        if len(self.neighbourhoods) != 1:
            raise ValueError(
                "this analysis needs the data of exactly one neighbourhood (see split_by_neighbourhood)"
            )
        return self.neighbourhoods[0]

    def split_by_neighbourhood(self) -> dict[int, AnalysisData]:
        """One ``AnalysisData`` per neighbourhood, in one pass over every row list (no queries)."""
        grouped: dict[str, dict[int, list[Any]]] = {}
        for name in ROW_FIELDS:
            buckets: dict[int, list[Any]] = defaultdict(list)
            rows = getattr(self, name)
            if rows:
                position = type(rows[0])._fields.index("neighbourhood_id")
                for row in rows:
                    buckets[row[position]].append(row)
            grouped[name] = buckets
        empty: tuple[Any, ...] = ()
        return {
            n.neighbourhood_id: AnalysisData(
                neighbourhoods=(n,),
                years=self.years,
                codebook=self.codebook,
                persons=self.persons,
                cbs=self.cbs,
                **{name: tuple(grouped[name].get(n.neighbourhood_id, empty)) for name in ROW_FIELDS},
            )
            for n in self.neighbourhoods
        }


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of rows are built or walked.

    Rows are tuples of ints and strings and results are frozen dataclasses: none forms a reference cycle,
    so there is nothing for the collector to find; left on, it would re-walk every live row again and
    again as they pile up (in tests, it doubled the loading time). Reference counting still frees memory
    as usual; the previous state is restored afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class AnyOf(Func):
    """``column = ANY(%s)`` with the ids as ONE array parameter on PostgreSQL; ``IN (...)`` elsewhere.

    With 14,574 neighbourhood ids, Django's ``__in`` prepares and sends 14,574 parameters per query and
    PostgreSQL plans a 14,574-element list each time; one array parameter costs neither.
    """

    output_field = BooleanField()

    def __init__(self, expression: Any, values: Collection[Any], *, array_type: str = "bigint") -> None:
        super().__init__(expression)
        self.values = list(values)
        self.array_type = array_type

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        lhs, params = compiler.compile(self.source_expressions[0])
        if not self.values:
            return "1 = 0", ()
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::{self.array_type}[])", (*params, self.values)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.values))})", (*params, *self.values)


Row = TypeVar("Row", bound=tuple[Any, ...])


def _rows(queryset: QuerySet[Any], row_type: type[Row]) -> tuple[Row, ...]:
    """Typed rows from a values_list queryset: ``tuple.__new__`` per row, no Python-level call.

    A plain (client-side) read: on PostgreSQL a server-side cursor (``.iterator()``) was slower here,
    because Django's autocommit server-side cursors are WITH HOLD and materialise the result first anyway.
    """
    make: Callable[[tuple[Any, ...]], Row] = partial(tuple.__new__, row_type)  # type: ignore[arg-type]
    return tuple(map(make, queryset))


def load_analysis_data(*, neighbourhood_ids: Collection[int], years: Collection[int]) -> AnalysisData:
    """Read the rows of the analyses for these neighbourhoods and years, in a fixed number of queries.

    The number of queries does not depend on how many neighbourhoods, years or rows there are
    (15, plus the one of the questionnaire selector).
    """
    ids = sorted(set(neighbourhood_ids))
    year_list = sorted(set(years))
    if not ids or not year_list:
        return AnalysisData(years=tuple(year_list))
    with gc_paused():
        return _load(ids, year_list)


def _load(ids: list[int], year_list: list[int]) -> AnalysisData:
    neighbourhoods = _rows(
        Neighbourhood.objects.filter(AnyOf(F("pk"), ids))
        .order_by("pk")
        .values_list("pk", "cbs_code", "name", "municipality_name", "programme_id", "is_focus"),
        NeighbourhoodRow,
    )
    codebook = _codebook()
    codings, fragment_groups, stances = _fragment_rows(ids, year_list)
    activities, activity_participants, relations = _activity_rows(ids, year_list)
    assets, factors, sustainability, fundings = _record_rows(ids, year_list)
    persons = _persons(ids)
    cbs = _cbs(neighbourhoods)
    answers = tuple(
        ScaleAnswerRow(a.submission_id, a.neighbourhood_id, a.year, a.code_key, a.value)
        for a in coded_scale_answers(neighbourhood_ids=ids, years=year_list, code_prefix="abcd.")
    )
    return AnalysisData(
        neighbourhoods=neighbourhoods,
        years=tuple(year_list),
        codebook=codebook,
        codings=codings,
        fragment_groups=fragment_groups,
        stances=stances,
        activities=activities,
        activity_participants=activity_participants,
        relations=relations,
        assets=assets,
        factors=factors,
        sustainability=sustainability,
        fundings=fundings,
        scale_answers=answers,
        persons=persons,
        cbs=cbs,
    )


def _codebook() -> Codebook:
    """Every code of every codebook version, in one query: the current version's as rows, the older ones'
    keys only (a coding made under an old version still counts by its stable key)."""
    all_codes = Code.objects.order_by("position").values_list(
        "pk",
        "key",
        "parent__key",
        "group",
        "depth",
        "position",
        "label_nl",
        "label_en",
        "codebook__is_current",
    )
    current: list[CodeRow] = []
    older: dict[int, str] = {}
    for pk, key, parent_key, group, depth, position, label_nl, label_en, is_current in all_codes:
        if is_current:
            current.append(CodeRow(pk, key, parent_key, group, depth, position, label_nl, label_en))
        else:
            older[pk] = key
    return Codebook.from_codes(current, older=older)


def _fragment_rows(
    ids: list[int], year_list: list[int]
) -> tuple[tuple[CodingRow, ...], tuple[FragmentGroupRow, ...], tuple[FragmentStanceRow, ...]]:
    """Codings, fragments per speaker and the helps/hinders stances of fragments."""
    # Only codings a person made or confirmed count as evidence, and of a settled fragment only the outcome.
    codings = _rows(
        codings_counted()
        .filter(AnyOf(F("fragment__neighbourhood_id"), ids), fragment__year__in=year_list)
        .order_by()
        .values_list(
            "fragment_id", "fragment__neighbourhood_id", "fragment__year", "code_id", "fragment__instrument"
        ),
        CodingRow,
    )
    # Grouped in the database: the analyses need who spoke and how many fragments there are, not each row.
    fragment_groups = _rows(
        Fragment.objects.filter(AnyOf(F("neighbourhood_id"), ids), year__in=year_list)
        .order_by()
        .values_list("neighbourhood_id", "year", "instrument", "speaker_id")
        .annotate(fragment_count=Count("pk")),
        FragmentGroupRow,
    )
    stances = _rows(
        SubmissionFragment.objects.filter(
            AnyOf(F("fragment__neighbourhood_id"), ids),
            fragment__year__in=year_list,
            stance__in=(SubmissionFragment.Stance.HELPS, SubmissionFragment.Stance.HINDERS),
        )
        .order_by()
        .values_list("fragment_id", "fragment__neighbourhood_id", "fragment__year", "stance"),
        FragmentStanceRow,
    )
    return codings, fragment_groups, stances


def _activity_rows(
    ids: list[int], year_list: list[int]
) -> tuple[tuple[ActivityRow, ...], tuple[ActivityParticipantRow, ...], tuple[RelationRow, ...]]:
    """Activities, their registered participants and the relations."""
    in_neighbourhoods = AnyOf(F("neighbourhood_id"), ids)
    activities = _rows(
        Activity.objects.filter(in_neighbourhoods, year__in=year_list)
        .order_by()
        .values_list(
            "pk", "neighbourhood_id", "year", "initiated_by", "initiator_person_id", "participant_count"
        ),
        ActivityRow,
    )
    activity_participants = _rows(
        Activity.participants.through.objects.filter(
            AnyOf(F("activity__neighbourhood_id"), ids), activity__year__in=year_list
        )
        .order_by()
        .values_list("activity_id", "activity__neighbourhood_id", "activity__year", "person_id"),
        ActivityParticipantRow,
    )
    relations = _rows(
        Relation.objects.filter(in_neighbourhoods, year__in=year_list)
        .order_by()
        .values_list(
            "pk",
            "neighbourhood_id",
            "year",
            "source_person_id",
            "target_person_id",
            "capital_type",
            "is_new",
            "hook_activity_id",
            "hook_place_id",
            "hook_person_id",
            "source_organisation_id",
            "target_organisation_id",
        ),
        RelationRow,
    )
    return activities, activity_participants, relations


def load_participation(*, neighbourhood_id: int, year: int) -> AnalysisData:
    """Only the rows that say who took part in one neighbourhood and year (``analysis.participants``): fragments
    per speaker, activities, their participants, relations and the persons. Six queries."""
    ids, year_list = [neighbourhood_id], [year]
    with gc_paused():
        fragment_groups = _rows(
            Fragment.objects.filter(neighbourhood_id=neighbourhood_id, year=year)
            .order_by()
            .values_list("neighbourhood_id", "year", "instrument", "speaker_id")
            .annotate(fragment_count=Count("pk")),
            FragmentGroupRow,
        )
        activities, activity_participants, relations = _activity_rows(ids, year_list)
        return AnalysisData(
            years=(year,),
            fragment_groups=fragment_groups,
            activities=activities,
            activity_participants=activity_participants,
            relations=relations,
            persons=_persons(ids),
        )


def _record_rows(
    ids: list[int], year_list: list[int]
) -> tuple[
    tuple[AssetRow, ...], tuple[FactorRow, ...], tuple[SustainabilityRow, ...], tuple[FundingRow, ...]
]:
    """Assets (the inventory up to the latest year), environment factors, sustainability assessments and
    every funding (the funding horizon looks ahead)."""
    in_neighbourhoods = AnyOf(F("neighbourhood_id"), ids)
    assets = _rows(
        Asset.objects.filter(in_neighbourhoods, year__lte=year_list[-1])
        .order_by()
        .values_list("pk", "neighbourhood_id", "year", "category", "is_meeting_place"),
        AssetRow,
    )
    factors = _rows(
        FactorObservation.objects.filter(in_neighbourhoods, year__in=year_list)
        .order_by()
        .values_list("pk", "neighbourhood_id", "year", "code_id", "direction", "fragment_id"),
        FactorRow,
    )
    sustainability = _rows(
        SustainabilityAssessment.objects.filter(in_neighbourhoods, year__in=year_list)
        .order_by()
        .values_list("pk", "neighbourhood_id", "year", "code_id", "status"),
        SustainabilityRow,
    )
    fundings = _rows(
        Funding.objects.filter(in_neighbourhoods)
        .order_by("start_year", "pk")
        .values_list("pk", "neighbourhood_id", "funder_id", "funder__name", "start_year", "end_year"),
        FundingRow,
    )
    return assets, factors, sustainability, fundings


def _cbs(neighbourhoods: Iterable[NeighbourhoodRow]) -> dict[str, tuple[CbsRow, ...]]:
    """The CBS records of the neighbourhoods, by region code, oldest first."""
    cbs: dict[str, list[CbsRow]] = defaultdict(list)
    for row in _rows(
        CbsRecord.objects.filter(
            AnyOf(F("region_code"), [n.cbs_code for n in neighbourhoods], array_type="text")
        )
        .order_by("region_code", "year")
        .values_list(
            "pk",
            "region_code",
            "year",
            "population",
            "men",
            "women",
            "age_0_15",
            "age_15_25",
            "age_25_45",
            "age_45_65",
            "age_65_plus",
            "origin_netherlands",
            "origin_europe",
            "origin_outside_europe",
        ),
        CbsRow,
    ):
        cbs[row.region_code].append(row)
    return {code: tuple(rows) for code, rows in cbs.items()}


def load_persons(*, neighbourhood_ids: Collection[int], person_ids: Collection[int]) -> dict[int, PersonRow]:
    """The persons among ``person_ids`` who belong to one of the neighbourhoods, as ``load_analysis_data``
    reads them (the same consent rule): for a part of the neighbourhoods whose rows reach persons of another
    part (``analysis.parallel``)."""
    if not neighbourhood_ids or not person_ids:
        return {}
    return _persons(sorted(set(neighbourhood_ids)), person_ids=sorted(set(person_ids)))


def _persons(ids: list[int], *, person_ids: list[int] | None = None) -> dict[int, PersonRow]:
    """Persons of the neighbourhoods (only those of ``person_ids``, if given). Demographics only when the
    newest demographics consent is 'given' (no withdrawal at the same moment or later): two queries, with and
    without, so that PostgreSQL can answer the consent question as one hashed (anti-)join instead of a
    look-up per person."""
    consented = demographics_consented()
    persons = Person.objects.filter(AnyOf(F("neighbourhood_id"), ids)).order_by()
    if person_ids is not None:
        persons = persons.filter(AnyOf(F("pk"), person_ids))
    blank = Value("", output_field=CharField())
    with_demographics = _rows(
        persons.filter(consented).values_list(
            "pk", "neighbourhood_id", "role", "age_band", "origin", "gender"
        ),
        PersonRow,
    )
    without = _rows(
        persons.filter(~consented)
        .annotate(blank=blank)
        .values_list("pk", "neighbourhood_id", "role", "blank", "blank", "blank"),
        PersonRow,
    )
    return {row.person_id: row for rows in (with_demographics, without) for row in rows}

"""The rows the analyses read, and the loader that fetches them in a fixed, small number of queries.

Rows are ``typing.NamedTuple`` classes: immutable and typed like a frozen dataclass, but a tuple underneath,
so a million of them are built several times faster and unpack at C speed in the analysis loops. The
loader builds them straight from ``values_list`` tuples (``tuple.__new__``), without a Python call per row.
Codes travel as ids (an int per row instead of a string); ``Codebook`` turns them into keys.

``load_analysis_data`` is the only function here that touches the database. Everything after it (the
``aanpak``, ``verandering``, ``duurzaamheid`` and ``synthesis`` modules) is pure and works on an
``AnalysisData``.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any, NamedTuple, TypeVar

from django.db.models import BooleanField, CharField, Count, F, Func, QuerySet, Value

from krachtvansamen.analysis.labels import Labelled
from krachtvansamen.privacy.selectors import demographics_consented


class NeighbourhoodRow(NamedTuple):
    neighbourhood_id: int
    cbs_code: str
    name: str
    municipality_name: str
    programme_id: int | None
    is_focus: bool


class CodeRow(NamedTuple):
    """A code of the current codebook version (the rows and columns of the analyses)."""

    code_id: int
    key: str
    parent_key: str | None
    group: str
    depth: int
    position: int
    label_nl: str
    label_en: str


class CodingRow(NamedTuple):
    """One code applied to one fragment by a person (suggested, unconfirmed codings are not evidence)."""

    fragment_id: int
    neighbourhood_id: int
    year: int
    code_id: int  # any codebook version: ``Codebook.key_of`` gives the stable key
    instrument: str


class FragmentGroupRow(NamedTuple):
    """How many fragments one speaker (or no known speaker) gave in one instrument, neighbourhood and year."""

    neighbourhood_id: int
    year: int
    instrument: str
    speaker_id: int | None
    fragment_count: int


class FragmentStanceRow(NamedTuple):
    """A fragment that answered a question asked as 'what helps' or 'what hinders' (instrument forms)."""

    fragment_id: int
    neighbourhood_id: int
    year: int
    stance: str  # helps / hinders


class ActivityRow(NamedTuple):
    activity_id: int
    neighbourhood_id: int
    year: int
    initiated_by: str  # residents / professionals / together
    initiator_person_id: int | None
    participant_count: int


class ActivityParticipantRow(NamedTuple):
    activity_id: int
    neighbourhood_id: int
    year: int
    person_id: int


class RelationRow(NamedTuple):
    relation_id: int
    neighbourhood_id: int
    year: int
    source_person_id: int | None
    target_person_id: int | None
    capital_type: str  # bonding / bridging / linking
    is_new: bool
    hook_activity_id: int | None
    hook_place_id: int | None
    hook_person_id: int | None


class AssetRow(NamedTuple):
    asset_id: int
    neighbourhood_id: int
    year: int
    category: str
    is_meeting_place: bool


class FactorRow(NamedTuple):
    observation_id: int
    neighbourhood_id: int
    year: int
    code_id: int
    direction: str  # helps / hinders
    fragment_id: int | None


class SustainabilityRow(NamedTuple):
    assessment_id: int
    neighbourhood_id: int
    year: int
    code_id: int
    status: str  # present / partly / absent


class PersonRow(NamedTuple):
    """A participant. Demographics are blank unless the person's newest demographics consent is 'given'."""

    person_id: int
    neighbourhood_id: int
    role: str  # resident / connector / community_builder / professional
    age_band: str
    origin: str
    gender: str


class CbsRow(NamedTuple):
    """CBS Kerncijfers of one region and year; None = not published (secret or missing)."""

    record_id: int
    region_code: str
    year: int
    population: int | None
    men: int | None
    women: int | None
    age_0_15: int | None
    age_15_25: int | None
    age_25_45: int | None
    age_45_65: int | None
    age_65_plus: int | None
    origin_netherlands: int | None
    origin_europe: int | None
    origin_outside_europe: int | None


class FundingRow(NamedTuple):
    funding_id: int
    neighbourhood_id: int
    funder_id: int
    funder_name: str
    start_year: int
    end_year: int


class ScaleAnswerRow(NamedTuple):
    """A 1–5 questionnaire answer to a question linked to a codebook code (e.g. ``abcd.residents_lead``)."""

    submission_id: int
    neighbourhood_id: int
    year: int
    code_key: str
    value: int


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
    # Imports here: the analysis package has no models of its own and stays importable before apps load.
    from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
    from krachtvansamen.assets.models import Activity, Asset
    from krachtvansamen.coding.models import Coding, Fragment
    from krachtvansamen.framework.models import Code
    from krachtvansamen.instruments.models import SubmissionFragment
    from krachtvansamen.instruments.selectors import coded_scale_answers
    from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood
    from krachtvansamen.network.models import Relation
    from krachtvansamen.people.models import Funding

    in_neighbourhoods = AnyOf(F("neighbourhood_id"), ids)
    in_scope = {"year__in": year_list}

    neighbourhoods = _rows(
        Neighbourhood.objects.filter(AnyOf(F("pk"), ids))
        .order_by("pk")
        .values_list("pk", "cbs_code", "name", "municipality_name", "programme_id", "is_focus"),
        NeighbourhoodRow,
    )
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
    current, older = [], {}
    for *values, is_current in all_codes:
        if is_current:
            current.append(CodeRow(*values))
        else:
            older[values[0]] = values[1]
    codebook = Codebook.from_codes(current, older=older)
    # Only codings a person made or confirmed count as evidence; a duplicate (two coders, same code) is
    # harmless because every count is of distinct fragments.
    codings = _rows(
        Coding.objects.filter(
            AnyOf(F("fragment__neighbourhood_id"), ids),
            fragment__year__in=year_list,
            origin=Coding.Origin.HUMAN,
        )
        .order_by()
        .values_list(
            "fragment_id", "fragment__neighbourhood_id", "fragment__year", "code_id", "fragment__instrument"
        ),
        CodingRow,
    )
    # Grouped in the database: the analyses need who spoke and how many fragments there are, not each row.
    fragment_groups = _rows(
        Fragment.objects.filter(in_neighbourhoods, **in_scope)
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
    activities = _rows(
        Activity.objects.filter(in_neighbourhoods, **in_scope)
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
        Relation.objects.filter(in_neighbourhoods, **in_scope)
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
        ),
        RelationRow,
    )
    assets = _rows(
        Asset.objects.filter(in_neighbourhoods, year__lte=year_list[-1])
        .order_by()
        .values_list("pk", "neighbourhood_id", "year", "category", "is_meeting_place"),
        AssetRow,
    )
    factors = _rows(
        FactorObservation.objects.filter(in_neighbourhoods, **in_scope)
        .order_by()
        .values_list("pk", "neighbourhood_id", "year", "code_id", "direction", "fragment_id"),
        FactorRow,
    )
    sustainability = _rows(
        SustainabilityAssessment.objects.filter(in_neighbourhoods, **in_scope)
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
    persons = _persons(ids)
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
        cbs={code: tuple(rows) for code, rows in cbs.items()},
    )


def _persons(ids: list[int]) -> dict[int, PersonRow]:
    """Persons of the neighbourhoods. Demographics only when the newest demographics consent is 'given' (no
    withdrawal at the same moment or later): two queries, with and without, so that PostgreSQL can answer the
    consent question as one hashed (anti-)join instead of a look-up per person."""
    from krachtvansamen.people.models import Person

    consented = demographics_consented()
    persons = Person.objects.filter(AnyOf(F("neighbourhood_id"), ids)).order_by()
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

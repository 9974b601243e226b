"""A national-scale synthetic data set for benchmarks: every CBS buurt of 2024, three years, ~1M fragments.

``kvs national_dataset --fragments 1000000 [--seed 2025] [--reset]`` (or ``benchmarks/national_dataset.py``).

What it builds (all decisions below are deliberate, so a benchmark can rely on them):

* **Neighbourhoods**: every ``buurt`` of the CBS 2024 import (14,574) becomes a ``Neighbourhood`` with its CBS
  code, name, municipality name and municipality code (``GM`` + the 4 digits inside the buurt code).
  ``--neighbourhoods K`` takes a subset (the demo's 33 first, then a seeded sample) for small runs and tests.
* **Programmes**: the demo's two programmes keep exactly the demo's 33 study neighbourhoods (17 in
  *Sterke Buurtverbinders*, 16 in *Van Buurten naar Communities*, 12 focus), with the same codes and funders,
  so "the 33-neighbourhood synthesis" of the study is the union of these two programmes and a
  programme-level synthesis has 17 and 16 neighbourhoods. Every other buurt goes to one of 20 regional
  programmes ``buurtkracht-regio-01`` … ``-20``: municipalities in order of their CBS code (which roughly
  follows the provinces) cut into 20 groups of about equal numbers of buurten, each with its own fund.
* **Focus**: outside the demo set a buurt is a focus neighbourhood with a chance of 4 % (empty buurt)
  to 12 % (3,000+ residents): about 1,000 nationally.
* **Fragments**: exactly ``--fragments`` in total, apportioned (largest remainder) over neighbourhood × year
  by weight ``(sqrt(residents) + 5) × (3 if focus) × (0.8, 1.0, 1.2 for 2023, 2024, 2025)``. The
  instrument follows the study's timeline (``build_demo.INSTRUMENTS_ALL``/``INSTRUMENTS_FOCUS``); the text
  is one of the demo's Dutch fragments of that instrument with the buurt, municipality and meeting place
  filled in, one in five with a second fragment of the same instrument appended (its first code then
  carries a span over the appended part). Codings are the content's codes that exist in the current
  codebook (effects, ABCD principles, vitality, factors, capital, values; 2.9 per fragment on average);
  12 % are "suggested" with a confidence and no coder, the rest "human" by one of three researchers.
* **Persons** (pseudonyms such as "Bewoner 12"): one community builder, 2–6 connectors, 1–4 professionals
  and residents in proportion to the fragments. Age group and origin only with a demographics consent
  (75 %), drawn from the buurt's own CBS population times a participation skew (older and Dutch-origin
  residents take part more, young people and residents born outside Europe less), so the inclusion
  comparison shows a realistic gap per buurt. Every person has participation and quote consents.
* **Assets, activities, relations**: assets per ABCD category from the demo inventory; activities
  (≈ fragments ÷ 5 per year, initiated by residents / professionals / together, more resident-initiated
  in later years) with 3–9 registered participants; relations (≈ 0.45 × fragments per year; bonding,
  bridging — preferring people of another origin — and linking to the municipality, welfare, housing
  corporation or residents' group) with a *haakje* (activity, meeting place or connector).
* **Assessments**: one factor observation per factor type per year (15 % of the buurten have stacked
  hindering factors, *stapeling*) plus those from fragments that carry a factor; every sustainability
  structure per year; one funding per buurt from its programme's fund and for a quarter also one from the
  municipality.
* **Users** (password ``KVS_DEMO_PASSWORD`` or ``kracht-demo``): the six demo logins with the demo's
  memberships, ``onderzoeker-2``/``-3`` (researchers, also coders), ``buurtwerker-01`` … ``-20`` (community
  builder of one of the 20 most populous focus buurten each), ``programmamanager-regio-01`` and
  ``financier-regio-01`` (programme manager and funder of regional programme 1).

How it is fast: rows are built as tuples in Python with explicit primary keys (each table continues after
its current maximum id) and written with PostgreSQL ``COPY`` (the technique of ``cbs_import``), in batches
of whole neighbourhoods (~50,000 fragments, all tables of those buurten), so memory stays flat. The whole
load (with ``--reset`` also the emptying) is ONE transaction: an interrupted run leaves the database as it
was. Unique and check constraints and indexes work as usual. Foreign keys are checked in bulk: inside that
transaction the loaded tables' foreign-key constraints are dropped and, after the last batch, added again,
which makes PostgreSQL validate every row with one join per constraint (as ``pg_restore`` does) instead of
a lookup and row lock per row at commit — that halves the load time, and a broken key still fails the
whole load. Sequences are set after the load. On SQLite the same rows go through ``executemany`` with the
usual row-by-row checks (fine for test-sized runs). At the end ``ANALYZE`` (``--vacuum``: ``VACUUM
(ANALYZE)``, which also sets hint bits and the visibility map so a benchmark's first reads do not write).

Deterministic for a given ``--seed``, CBS file and codebook. Refuses a database named ``test``, and a
database that has neighbourhoods already unless ``--reset`` is given; ``--reset`` empties the domain
tables (``TRUNCATE … CASCADE`` on PostgreSQL) but keeps the codebook, the CBS figures and other users.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.demo.build_demo import (
    CBS_DIR,
    CBS_FILES,
    DEMO_NOT_NAMES,
    DEMO_USERS,
    _content,
    demo_password,
)
from krachtvansamen.demo.neighbourhood_records import INSTRUMENTS_ALL, INSTRUMENTS_FOCUS, YEARS
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.services import codebook_load_shipped
from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear, Neighbourhood, Programme
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import (
    AgeBand,
    Consent,
    Funding,
    Membership,
    Organisation,
    Origin,
    Person,
    Role,
)
from krachtvansamen.privacy.pseudonymise import pseudonymise

REFUSED_DATABASE_NAMES = frozenset({"test"})
REGIONAL_PROGRAMMES = 20
BATCH_FRAGMENTS = 50_000
YEAR_WEIGHTS = (0.8, 1.0, 1.2)
STACKING_SHARE = 0.15
BUURTWERKERS = 20

# Participation relative to the population share (the demo's participant mix divided by the national
# population mix): children and young people rarely appear in the records, 65+ twice as often as they live
# there; residents born outside the Netherlands take part less often in registered activities.
AGE_BANDS = (AgeBand.AGE_0_15, AgeBand.AGE_15_25, AgeBand.AGE_25_45, AgeBand.AGE_45_65, AgeBand.AGE_65_PLUS)
AGE_FIELDS = ("age_0_15", "age_15_25", "age_25_45", "age_45_65", "age_65_plus")
AGE_VALUES = tuple(band.value for band in AGE_BANDS)
AGE_SKEW = (0.06, 0.33, 0.72, 1.26, 2.15)
ORIGINS = (Origin.NETHERLANDS, Origin.EUROPE, Origin.OUTSIDE_EUROPE)
ORIGIN_FIELDS = ("origin_netherlands", "origin_europe", "origin_outside_europe")
ORIGIN_VALUES = tuple(origin.value for origin in ORIGINS)
ORIGIN_SKEW = (1.25, 0.6, 0.8)
NATIONAL_AGE = (15.5, 12.2, 25.2, 26.3, 20.8)
NATIONAL_ORIGIN = (72.1, 9.3, 18.6)
GENDERS = ("woman", "man", "other")
GENDER_WEIGHTS = (58, 40, 2)
QUOTE_LEVELS = (Consent.Level.PSEUDONYMISED.value, Consent.Level.INTERNAL.value, Consent.Level.NAMED.value)
QUOTE_LEVEL_WEIGHTS = (70, 25, 5)
FUNDING_PURPOSE = "Verbindend werk: buurtverbinders, community builder, ontmoetingsplekken."
MUNICIPAL_PURPOSE = "Buurtbudget voor bewonersinitiatieven."


class NationalDatasetError(RuntimeError):
    """The data set cannot be generated here; the message says why. Nothing was written."""


@dataclass
class NationalResult:
    neighbourhoods: int = 0
    fragments: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)
    database_bytes: int | None = None
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------------------------------------
# Writing rows: COPY on PostgreSQL, executemany elsewhere
# --------------------------------------------------------------------------------------------------------


class _Table:
    """Rows for one table, with explicit primary keys continuing after the table's current maximum."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...]) -> None:
        meta = model._meta
        self.model = model
        self.name = meta.db_table
        # Concrete fields, each with a column (types only: the stubs allow relations and None).
        self.columns = [cast(str, meta.pk.column)] + [
            cast(str, cast("models.Field[Any, Any]", meta.get_field(name)).column) for name in fields
        ]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = 1

    def first_free_id(self) -> int:
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(self.columns[0])}) FROM {quote(self.name)}")
            return (cursor.fetchone()[0] or 0) + 1

    def flush(self) -> None:
        if not self.rows:
            return
        data_versions_bump_everything()  # COPY and raw INSERTs send no signal
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {quote(self.name)} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in self.rows:
                        write(row)
            else:
                sql = "INSERT INTO {} ({}) VALUES ({})".format(
                    quote(self.name), columns, ", ".join(["%s"] * len(self.columns))
                )
                for start in range(0, len(self.rows), 5000):
                    cursor.executemany(sql, self.rows[start : start + 5000])
        self.written += len(self.rows)
        self.rows = []


def _through(model: type[models.Model], name: str) -> tuple[type[models.Model], tuple[str, ...]]:
    m2m = cast("models.ManyToManyField[Any, Any]", model._meta.get_field(name))
    through = cast("type[models.Model]", m2m.remote_field.through)  # Django made one: never None
    source, target = (f.name for f in through._meta.fields if f.is_relation)
    return through, (source, target)


def _tables() -> dict[str, _Table]:
    participants, participant_fields = _through(Activity, "participants")
    return {
        "organisation": _Table(Organisation, ("name", "kind", "municipality_code", "neighbourhood")),
        "neighbourhood": _Table(Neighbourhood, (
            "cbs_code", "name", "municipality_code", "municipality_name", "programme", "is_focus")),
        "funding": _Table(Funding, ("funder", "neighbourhood", "programme", "start_year", "end_year", "purpose")),
        "person": _Table(Person, (
            "pseudonym", "neighbourhood", "role", "organisation", "age_band", "origin", "gender", "created_at")),
        "consent": _Table(Consent, ("person", "scope", "given", "level", "method", "recorded_at")),
        "asset": _Table(Asset, (
            "neighbourhood", "category", "name", "description", "is_meeting_place", "person", "organisation",
            "year", "created_at")),
        "activity": _Table(Activity, (
            "neighbourhood", "title", "description", "initiated_by", "initiator_person", "initiator_organisation",
            "meeting_place", "year", "started_on", "participant_count", "created_at")),
        "participant": _Table(participants, participant_fields),
        "relation": _Table(Relation, (
            "neighbourhood", "year", "source_person", "source_organisation", "target_person",
            "target_organisation", "capital_type", "is_new", "hook_activity", "hook_place", "hook_person",
            "note", "created_at")),
        "fragment": _Table(Fragment, (
            "neighbourhood", "year", "text", "instrument", "speaker_role", "speaker", "consent_level",
            "created_at", "coding_state", "quote_review", "quote_text")),
        "coding": _Table(Coding, (
            "fragment", "code", "coder", "origin", "confidence", "start", "end", "settled", "created_at")),
        "factor": _Table(FactorObservation, (
            "neighbourhood", "year", "code", "direction", "description", "fragment", "created_at")),
        "sustainability": _Table(SustainabilityAssessment, (
            "neighbourhood", "year", "code", "status", "note", "created_at")),
    }  # fmt: skip


# --------------------------------------------------------------------------------------------------------
# Safety, reset, preparation
# --------------------------------------------------------------------------------------------------------


def generated_usernames() -> list[str]:
    return (
        [username for username, _name, _role in DEMO_USERS]
        + ["onderzoeker-2", "onderzoeker-3", "programmamanager-regio-01", "financier-regio-01"]
        + [f"buurtwerker-{number:02d}" for number in range(1, BUURTWERKERS + 1)]
    )


def _domain_models() -> list[type[models.Model]]:
    participants, _fields = _through(Activity, "participants")
    return [
        Programme, Neighbourhood, Organisation, Funding, Membership, Person, Consent, Asset, Activity,
        participants, Relation, Fragment, Coding, FactorObservation, SustainabilityAssessment,
    ]  # fmt: skip


def national_check_database(*, reset: bool) -> None:
    name = str(connection.settings_dict.get("NAME") or "")
    if name.rsplit("/", 1)[-1] in REFUSED_DATABASE_NAMES:
        raise NationalDatasetError(
            _(
                "Database '%(name)s' is used by others for tests: the national data set is never generated "
                "there. Create your own database, e.g. kvs_national."
            )
            % {"name": name}
        )
    if not reset and Neighbourhood.objects.exists():
        raise NationalDatasetError(
            _(
                "This database already has neighbourhoods. Give --reset to replace them with the national "
                "data set (this deletes all neighbourhood data)."
            )
        )


def national_reset() -> None:
    """Empty the domain tables and every table that refers to them; keep codebook, CBS figures, users."""
    tables = [model._meta.db_table for model in _domain_models()]
    data_versions_bump_everything()  # a TRUNCATE sends no signal
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Rows written earlier in this same transaction (tests) still have deferred key checks pending,
            # and TRUNCATE refuses tables with pending checks: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in connection.ops.sql_flush(
            no_style(), tables, reset_sequences=True, allow_cascade=True
        ):
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    # The generated users stay (their memberships went with the neighbourhoods); the next run updates them.


def national_prepare() -> None:
    """The codebook and the shipped CBS 2024 figures; both are no-ops when already loaded."""
    codebook_load_shipped()
    for name in CBS_FILES:
        cbs_import_file(path=CBS_DIR / name)


# --------------------------------------------------------------------------------------------------------
# Planning: which buurten, programmes, focus, fragment budgets
# --------------------------------------------------------------------------------------------------------


@dataclass
class _Buurt:
    code: str
    name: str
    municipality_name: str
    municipality_code: str
    population: int
    ages: tuple[float, ...]
    origins: tuple[float, ...]
    programme: str = ""
    focus: bool = False
    demo: bool = False
    pk: int = 0
    budget: list[int] = field(default_factory=lambda: [0, 0, 0])
    stacking: bool = False


def _distribution(
    record: CbsRecord, fields: tuple[str, ...], national: tuple[float, ...], skew: tuple[float, ...]
) -> tuple[float, ...]:
    counts = [getattr(record, name) or 0 for name in fields]
    base = counts if sum(counts) > 0 else national
    weights = [count * factor for count, factor in zip(base, skew, strict=True)]
    if sum(weights) <= 0:
        weights = [count * factor for count, factor in zip(national, skew, strict=True)]
    running, cumulative = 0.0, []
    for weight in weights:
        running += weight
        cumulative.append(running)
    return tuple(cumulative)


def _plan(rng: random.Random, *, fragments: int, limit: int | None) -> tuple[list[_Buurt], dict[str, dict]]:
    spec = _content("neighbourhoods.yaml")
    demo_focus = {
        item["code"]: (slug, item["focus"])
        for slug, items in spec["neighbourhoods"].items()
        for item in items
    }
    if limit is not None and limit < 1:
        raise NationalDatasetError(_("Give at least one neighbourhood."))
    records = list(
        CbsRecord.objects.filter(kind=CbsRecord.Kind.NEIGHBOURHOOD, year=2024).order_by("region_code")
    )
    if not records:
        raise NationalDatasetError(
            _(
                "There are no CBS 2024 neighbourhoods in the database: import the CBS "
                "figures first (kvs import-cbs)."
            )
        )
    municipality_codes = {
        r.name: r.region_code
        for r in CbsRecord.objects.filter(kind=CbsRecord.Kind.MUNICIPALITY, year=2024).only(
            "name", "region_code"
        )
    }
    buurten = [
        _Buurt(
            code=r.region_code,
            name=r.name,
            municipality_name=r.municipality_name,
            municipality_code=municipality_codes.get(r.municipality_name, f"GM{r.region_code[2:6]}"),
            population=r.population or 0,
            ages=_distribution(r, AGE_FIELDS, NATIONAL_AGE, AGE_SKEW),
            origins=_distribution(r, ORIGIN_FIELDS, NATIONAL_ORIGIN, ORIGIN_SKEW),
        )
        for r in records
    ]
    missing = set(demo_focus) - {b.code for b in buurten}
    if missing:
        raise NationalDatasetError(
            _("CBS code %(code)s of the demo is not in the CBS figures.") % {"code": min(missing)}
        )
    demo = sorted((b for b in buurten if b.code in demo_focus), key=lambda b: list(demo_focus).index(b.code))
    others = [b for b in buurten if b.code not in demo_focus]
    if limit is not None:
        chosen = {b.code for b in rng.sample(others, k=max(0, min(len(others), limit - len(demo))))}
        demo = demo[:limit]
        others = [b for b in others if b.code in chosen]
    for buurt in demo:
        buurt.programme, buurt.focus = demo_focus[buurt.code]
        buurt.demo = True
    for buurt in others:
        buurt.focus = rng.random() < 0.04 + 0.08 * min(1.0, buurt.population / 3000)

    # Regional programmes: municipalities in CBS-code order, cut into groups of about equal size.
    per_municipality: dict[str, list[_Buurt]] = defaultdict(list)
    for buurt in others:
        per_municipality[buurt.municipality_code].append(buurt)
    programmes: dict[str, dict] = {
        item["slug"]: {"name": item["name"], "description": item["description"], "funder": item["funder"]}
        for item in spec["programmes"]
    }
    done = 0
    groups: dict[int, list[str]] = defaultdict(list)
    for municipality in sorted(per_municipality):
        group = min(REGIONAL_PROGRAMMES - 1, done * REGIONAL_PROGRAMMES // max(1, len(others)))
        groups[group].append(municipality)
        for buurt in per_municipality[municipality]:
            buurt.programme = f"buurtkracht-regio-{group + 1:02d}"
        done += len(per_municipality[municipality])
    for group, municipalities in sorted(groups.items()):
        number = f"{group + 1:02d}"
        programmes[f"buurtkracht-regio-{number}"] = {
            "name": f"Buurtkracht regio {number}",
            "description": f"Synthetisch landelijk programma voor benchmarks: de buurten van gemeenten "
            f"{municipalities[0]} tot en met {municipalities[-1]}.",
            "funder": f"Fonds Buurtkracht regio {number}",
        }
    chosen_buurten = demo + others
    for buurt in chosen_buurten:
        buurt.stacking = rng.random() < STACKING_SHARE
    _apportion(chosen_buurten, fragments)
    return chosen_buurten, programmes


def _apportion(buurten: list[_Buurt], fragments: int) -> None:
    """Exactly ``fragments`` over buurt × year, largest remainder first (ties: earlier buurt, year)."""
    weights = [
        (math.sqrt(b.population) + 5) * (3 if b.focus else 1) * year_weight
        for b in buurten
        for year_weight in YEAR_WEIGHTS
    ]
    total = sum(weights)
    quotas = [fragments * weight / total for weight in weights]
    counts = [int(quota) for quota in quotas]
    rest = fragments - sum(counts)
    for position in sorted(range(len(quotas)), key=lambda i: (counts[i] - quotas[i], i))[:rest]:
        counts[position] += 1
    for index, buurt in enumerate(buurten):
        buurt.budget = counts[index * 3 : index * 3 + 3]


# --------------------------------------------------------------------------------------------------------
# Content pools and timestamps
# --------------------------------------------------------------------------------------------------------


@dataclass
class _Content:
    # (text, speaker role, code ids, factor, the approved quote's text)
    fragments: dict[str, list[tuple[str, str, tuple[int, ...], tuple[int, str] | None, str]]]
    assets: dict[str, list[tuple[str, str, bool]]]
    activities: list[tuple[str, str, str, int]]
    factors: list[tuple[int, list[str], list[str]]]
    sustainability: list[tuple[int, bool, list[str], list[str]]]
    meeting_place: tuple[str, str]


def _load_content(codes: dict[str, int]) -> _Content:
    by_instrument: dict[str, list] = defaultdict(list)
    for spec in _content("fragments.yaml"):
        keys = tuple(codes[key] for key in spec.get("codes", []) if key in codes)
        factor = spec.get("factor")
        factor_code = (
            (codes[factor["type"]], factor["direction"]) if factor and factor["type"] in codes else None
        )
        text = spec["text"].strip()
        # As the demo's reviewer approved them (demo.build_demo): names pseudonymised by deduce, once per text.
        quote = pseudonymise(text, keep=DEMO_NOT_NAMES).text
        by_instrument[spec["instrument"]].append((text, spec["speaker_role"], keys, factor_code, quote))
    assets = {
        category: [(e["name"], e.get("description", ""), bool(e.get("meeting_place"))) for e in entries]
        for category, entries in _content("assets.yaml").items()
    }
    place = next(e for e in assets["place"] if e[2])
    return _Content(
        fragments=dict(by_instrument),
        assets=assets,
        activities=[
            (a["title"], a.get("description", ""), a["initiated_by"], a.get("typical_participants", 12))
            for a in _content("activities.yaml")
        ],
        factors=[
            (codes[key], texts["helps"], texts["hinders"])
            for key, texts in _content("factors.yaml").items()
            if key in codes
        ],
        sustainability=[
            (codes[key], key.startswith("sustainability.horizontal"), texts["present"], texts["absent"])
            for key, texts in _content("sustainability.yaml").items()
            if key in codes
        ],
        meeting_place=(place[0], place[1]),
    )


def _moments(rng: random.Random, year: int, postgres: bool) -> tuple[list[str], list[str]]:
    """A pool of timestamps and dates within a year (as text: COPY and SQLite both take it as is)."""
    start = datetime(year, 1, 9, 8, 0)
    span = (datetime(year, 12, 18, 20, 0) - start).total_seconds()
    suffix = "+00" if postgres else ""
    stamps = sorted(start + timedelta(seconds=int(rng.random() * span)) for _ in range(2000))
    return ([f"{s:%Y-%m-%d %H:%M:%S}{suffix}" for s in stamps], [f"{s:%Y-%m-%d}" for s in stamps])


# --------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------


class _Generator:
    def __init__(
        self,
        rng: random.Random,
        tables: dict[str, _Table],
        content: _Content,
        orgs: dict[str, dict[str, int]],
        coders: list[int],
    ) -> None:
        self.rng = rng
        self.t = tables
        self.content = content
        self.orgs = orgs
        self.coders = coders
        postgres = connection.vendor == "postgresql"
        self.moments = {year: _moments(rng, year, postgres) for year in YEARS}
        with translation.override("nl"):
            self.labels = {role.value: str(role.label).capitalize() for role in Person.PersonRole}
        self.instruments = {
            (year, focus): INSTRUMENTS_ALL[year] + (INSTRUMENTS_FOCUS[year] if focus else [])
            for year in YEARS
            for focus in (False, True)
        }

    def buurt(self, b: _Buurt) -> int:
        rng, t = self.rng, self.t
        total = sum(b.budget)
        orgs = self.orgs[b.municipality_code]
        group_org = self.orgs["buurt"][b.code]
        welfare = orgs["welzijn"]
        linking_targets = (orgs["gemeente"], welfare, orgs["woningcorporatie"], group_org)

        # Persons and their consents.
        people_spec = (
            ("community_builder", 1),
            ("connector", 2 + min(4, total // 60)),
            ("professional", 1 + min(3, total // 100)),
            ("resident", max(6, min(400, round(total * 0.3 * rng.uniform(0.8, 1.2))))),
        )
        person_rows, consent_rows = t["person"].rows, t["consent"].rows
        stamps0 = self.moments[YEARS[0]][0]
        stamps_count = len(stamps0)
        random_ = rng.random
        by_role: dict[str, list[int]] = {}
        origin_of: dict[int, str] = {}
        quote_level: dict[int, str] = {}
        all_persons: list[int] = []
        counter = 0
        pid = t["person"].next_id
        cid = t["consent"].next_id
        for role, count in people_spec:
            ids = []
            label = self.labels[role]
            organisation = welfare if role in ("community_builder", "professional") else None
            ages = rng.choices(AGE_VALUES, cum_weights=b.ages, k=count)
            origins = rng.choices(ORIGIN_VALUES, cum_weights=b.origins, k=count)
            genders = rng.choices(GENDERS, weights=GENDER_WEIGHTS, k=count)
            levels = rng.choices(QUOTE_LEVELS, weights=QUOTE_LEVEL_WEIGHTS, k=count)
            for index in range(count):
                counter += 1
                stamp = stamps0[int(random_() * stamps_count)]
                demographics = random_() < 0.75
                if demographics:
                    age, origin, gender = ages[index], origins[index], genders[index]
                else:
                    age = origin = gender = ""
                person_rows.append(
                    (pid, f"{label} {counter}", b.pk, role, organisation, age, origin, gender, stamp)
                )
                consent_rows.append((cid, pid, "participation", True, "", "mondeling", stamp))
                cid += 1
                if demographics:
                    consent_rows.append((cid, pid, "demographics", True, "", "mondeling", stamp))
                    cid += 1
                level = levels[index]
                consent_rows.append((cid, pid, "quotes", True, level, "mondeling", stamp))
                cid += 1
                quote_level[pid] = level
                origin_of[pid] = origin
                ids.append(pid)
                pid += 1
            by_role[role] = ids
            all_persons.extend(ids)
        t["person"].next_id, t["consent"].next_id = pid, cid
        residents, connectors = by_role["resident"], by_role["connector"]
        active = connectors + residents[: max(5, len(residents) // 4)]

        # Assets: an inventory per ABCD category, with at least one meeting place.
        asset_rows = t["asset"].rows
        aid = t["asset"].next_id
        places: list[int] = []
        place_name = ""
        extra = min(2, total // 80)
        for category, entries in self.content.assets.items():
            k = min(len(entries), 1 + (1 if b.focus else 0) + rng.randint(0, extra))
            for name, description, meeting in rng.sample(entries, k=k):
                owner = rng.choice(active) if category.startswith("talent_") else None
                organisation = rng.choice(linking_targets[:3]) if category == "institution" else None
                year = rng.choice(YEARS)  # the inventory grows over the years
                asset_rows.append(
                    (
                        aid,
                        b.pk,
                        category,
                        name,
                        description,
                        meeting,
                        owner,
                        organisation,
                        year,
                        rng.choice(self.moments[year][0]),
                    )
                )
                if meeting:
                    places.append(aid)
                    place_name = place_name or name
                aid += 1
        if not places:
            name, description = self.content.meeting_place
            asset_rows.append((aid, b.pk, "place", name, description, True, None, None, YEARS[0], stamps0[0]))
            places.append(aid)
            place_name = name
            aid += 1
        t["asset"].next_id = aid

        for year_index, year in enumerate(YEARS):
            budget = b.budget[year_index]
            stamps, days = self.moments[year]
            activities = self._activities(
                b, year, year_index, budget, all_persons, active, by_role, welfare, places, stamps, days
            )
            self._relations(
                b,
                year,
                budget,
                all_persons,
                origin_of,
                connectors,
                linking_targets,
                activities,
                places,
                stamps,
            )
            self._fragments(b, year, budget, by_role, quote_level, place_name, stamps)
            self._assessments(b, year, year_index, stamps)
        return total

    def _activities(
        self,
        b: _Buurt,
        year: int,
        year_index: int,
        budget: int,
        persons: list[int],
        active: list[int],
        by_role: dict[str, list[int]],
        welfare: int,
        places: list[int],
        stamps: list[str],
        days: list[str],
    ) -> list[int]:
        rng, t = self.rng, self.t
        rows, participant_rows = t["activity"].rows, t["participant"].rows
        aid, ppid = t["activity"].next_id, t["participant"].next_id
        count = max(1, min(80, round(budget / 5 * rng.uniform(0.7, 1.3))))
        ids = []
        builder = by_role["community_builder"][0]
        random_, choice = rng.random, _fast_choice(rng)
        for _activity in range(count):
            title, description, initiated_by, typical = choice(self.content.activities)
            # Over the years residents take over what professionals started (the study's movement).
            if initiated_by == "professionals" and random_() < 0.2 * year_index:
                initiated_by = "together"
            elif initiated_by == "together" and random_() < 0.15 * year_index:
                initiated_by = "residents"
            professional = initiated_by == "professionals"
            position = int(random_() * len(stamps))
            registered = rng.sample(persons, k=min(len(persons), 3 + int(random_() * 7)))
            rows.append(
                (
                    aid,
                    b.pk,
                    title,
                    description,
                    initiated_by,
                    builder if professional else choice(active),
                    welfare if professional else None,
                    choice(places) if random_() < 0.8 else None,
                    year,
                    days[position],
                    max(len(registered), int(typical * (0.6 + 0.8 * random_()))),
                    stamps[position],
                )
            )
            for person in registered:
                participant_rows.append((ppid, aid, person))
                ppid += 1
            ids.append(aid)
            aid += 1
        t["activity"].next_id, t["participant"].next_id = aid, ppid
        return ids

    def _relations(
        self,
        b: _Buurt,
        year: int,
        budget: int,
        persons: list[int],
        origin_of: dict[int, str],
        connectors: list[int],
        linking_targets: tuple[int, ...],
        activities: list[int],
        places: list[int],
        stamps: list[str],
    ) -> None:
        rng, t = self.rng, self.t
        rows = t["relation"].rows
        rid = t["relation"].next_id
        random_, choice = rng.random, _fast_choice(rng)
        for _relation in range(max(2, min(400, round(budget * 0.45 * rng.uniform(0.7, 1.3))))):
            roll = random_()
            capital = "bonding" if roll < 0.55 else ("bridging" if roll < 0.87 else "linking")
            source_person, source_org = choice(persons), None
            target_person = target_org = None
            if capital == "linking":
                target_org = choice(linking_targets)
                if (
                    random_() < 0.1
                ):  # an organisation's tie with another one (e.g. welfare and residents' group)
                    source_person, source_org = None, choice(linking_targets[:3])
                    if source_org == target_org:
                        target_org = linking_targets[3]
            else:
                # Bridging ties mostly cross origins, bonding ties mostly stay within: try a few times.
                want_same = capital == "bonding"
                for _attempt in range(3):
                    target_person = choice(persons)
                    if target_person != source_person and (
                        (origin_of[target_person] == origin_of[source_person]) == want_same
                    ):
                        break
                if target_person == source_person:
                    target_person = persons[(persons.index(source_person) + 1) % len(persons)]
            hook = random_()
            rows.append(
                (
                    rid,
                    b.pk,
                    year,
                    source_person,
                    source_org,
                    target_person,
                    target_org,
                    capital,
                    random_() < 0.7,
                    choice(activities) if hook < 0.5 else None,
                    choice(places) if 0.5 <= hook < 0.75 else None,
                    choice(connectors) if hook >= 0.75 else None,
                    "",
                    choice(stamps),
                )
            )
            rid += 1
        t["relation"].next_id = rid

    def _fragments(
        self,
        b: _Buurt,
        year: int,
        budget: int,
        by_role: dict[str, list[int]],
        quote_level: dict[int, str],
        place_name: str,
        stamps: list[str],
    ) -> None:
        rng, t = self.rng, self.t
        fragment_rows, coding_rows, factor_rows = t["fragment"].rows, t["coding"].rows, t["factor"].rows
        fid, kid, oid = t["fragment"].next_id, t["coding"].next_id, t["factor"].next_id
        pools = self.content.fragments
        fallback = pools["vragenlijst"]
        instruments = self.instruments[(year, b.focus)]
        coders = self.coders
        random_, choice = rng.random, _fast_choice(rng)
        names = {"buurt": b.name, "gemeente": b.municipality_name, "plek": place_name}
        start: int | None  # where the appended part begins, later a coding's span (or None)
        for _fragment in range(budget):
            instrument = choice(instruments)
            pool = pools.get(instrument)
            if pool is None:  # e.g. the buurtscan: as in the demo, its texts are questionnaire answers
                instrument, pool = "vragenlijst", fallback
            template, speaker_role, codes, factor, quote_template = choice(pool)
            text = template.format_map(names)
            quote = quote_template.format_map(names)
            span = None
            if random_() < 0.2:
                second, _role, second_codes, _factor, second_quote = choice(pool)
                if second_codes and second_codes[0] not in codes:
                    start = len(text) + 1
                    text = f"{text} {second.format_map(names)}"
                    quote = f"{quote} {second_quote.format_map(names)}"
                    codes = (*codes, second_codes[0])
                    span = (start, len(text))
            speakers = by_role.get(speaker_role) or by_role["resident"]
            # A few residents say much more than others; a questionnaire answer often has no known speaker.
            if instrument == "vragenlijst" and random_() < 0.3:
                speaker = None
            else:
                speaker = speakers[int(len(speakers) * random_() ** 2)]
            stamp = choice(stamps)
            consent = quote_level[speaker] if speaker else "internal"
            coder = choice(coders)  # one coder per fragment: two would make it a disagreement to settle
            human = False
            last = len(codes) - 1
            for position, code in enumerate(codes):
                start = end = None
                if span is not None and position == last:
                    start, end = span
                if random_() < 0.12:
                    coding_rows.append(
                        (
                            kid,
                            fid,
                            code,
                            None,
                            "suggested",
                            round(0.5 + random_() * 0.47, 2),
                            start,
                            end,
                            False,
                            stamp,
                        )
                    )
                else:
                    human = True
                    coding_rows.append((kid, fid, code, coder, "human", None, start, end, False, stamp))
                kid += 1
            fragment_rows.append(
                (
                    fid,
                    b.pk,
                    year,
                    text,
                    instrument,
                    speaker_role,
                    speaker,
                    consent,
                    stamp,
                    "coded" if human else "uncoded",
                    "approved" if consent in ("pseudonymised", "named") else "pending",
                    quote if consent in ("pseudonymised", "named") else "",
                )
            )
            if factor is not None:
                factor_rows.append((oid, b.pk, year, factor[0], factor[1], text[:300], fid, stamp))
                oid += 1
            fid += 1
        t["fragment"].next_id, t["coding"].next_id, t["factor"].next_id = fid, kid, oid

    def _assessments(self, b: _Buurt, year: int, year_index: int, stamps: list[str]) -> None:
        rng, t = self.rng, self.t
        factor_rows, sustainability_rows = t["factor"].rows, t["sustainability"].rows
        oid, sid = t["factor"].next_id, t["sustainability"].next_id
        hinder_chance = 0.75 if b.stacking else 0.3
        for code, helps, hinders in self.content.factors:
            hindering = rng.random() < hinder_chance
            factor_rows.append(
                (
                    oid,
                    b.pk,
                    year,
                    code,
                    "hinders" if hindering else "helps",
                    rng.choice(hinders if hindering else helps),
                    None,
                    rng.choice(stamps),
                )
            )
            oid += 1
        for code, horizontal, present, absent in self.content.sustainability:
            chance = (0.45 if horizontal else 0.25) + 0.15 * year_index
            roll = rng.random()
            status = "present" if roll < chance else ("partly" if roll < chance + 0.3 else "absent")
            sustainability_rows.append(
                (
                    sid,
                    b.pk,
                    year,
                    code,
                    status,
                    rng.choice(absent if status == "absent" else present),
                    rng.choice(stamps),
                )
            )
            sid += 1
        t["factor"].next_id, t["sustainability"].next_id = oid, sid


# --------------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------------


@contextmanager
def _keys_and_indexes_in_bulk(tables: list[str]) -> Iterator[None]:
    """Check foreign keys and build plain indexes once at the end, instead of row by row.

    PostgreSQL checks a foreign key per inserted row (a lookup plus a row lock in the referenced table)
    and updates every index per row: for ~9 million rows that is most of the load time. Dropping the
    foreign-key constraints and the plain (non-unique) indexes and adding them again after the last batch
    makes PostgreSQL validate each key with one join and build each index with one sort, as ``pg_restore``
    does. Primary keys and unique constraints stay, so they are checked row by row as usual. It all
    happens inside the load's transaction: no other session ever sees the tables without them, and a row
    that breaks a key makes the whole load fail. Other databases keep their row-by-row work.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Pending deferred checks (rows written earlier in this transaction) would block ALTER TABLE.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")


def _fast_choice(rng: random.Random) -> Callable[[Any], Any]:
    """``rng.choice`` in a third of the time (one C call instead of several Python ones); still seeded."""
    random_ = rng.random

    def choice(sequence: Any) -> Any:
        return sequence[int(random_() * len(sequence))]

    return choice


def _batches(buurten: list[_Buurt], size: int) -> Iterator[list[_Buurt]]:
    batch: list[_Buurt] = []
    fragments = 0
    for buurt in buurten:
        batch.append(buurt)
        fragments += sum(buurt.budget)
        if fragments >= size:
            yield batch
            batch, fragments = [], 0
    if batch:
        yield batch


def _base(
    rng: random.Random, tables: dict[str, _Table], buurten: list[_Buurt], programmes: dict[str, dict]
) -> tuple[dict[str, dict[str, int]], list[int]]:
    """Years, programmes, organisations, neighbourhoods, fundings, users and memberships."""
    for year in YEARS:
        MeasurementYear.objects.get_or_create(year=year, defaults={"is_open": year == YEARS[-1]})
    programme_ids: dict[str, int] = {}
    orgs_table = tables["organisation"]
    fund_ids: dict[str, int] = {}
    for slug, item in programmes.items():
        programme_ids[slug] = Programme.objects.create(
            slug=slug, name=item["name"], description=item["description"]
        ).pk
        fund_ids[slug] = orgs_table.next_id
        orgs_table.rows.append((orgs_table.next_id, item["funder"], "fonds", "", None))
        orgs_table.next_id += 1
    orgs: dict[str, dict[str, int]] = {"buurt": {}}
    for buurt in buurten:
        if buurt.municipality_code not in orgs:
            orgs[buurt.municipality_code] = {}
            for kind, name in (
                ("gemeente", f"Gemeente {buurt.municipality_name}"),
                ("welzijn", f"Welzijn {buurt.municipality_name}"),
                ("woningcorporatie", f"Woonstichting {buurt.municipality_name}"),
            ):
                orgs[buurt.municipality_code][kind] = orgs_table.next_id
                orgs_table.rows.append((orgs_table.next_id, name, kind, buurt.municipality_code, None))
                orgs_table.next_id += 1
    nb_table, funding = tables["neighbourhood"], tables["funding"]
    for buurt in buurten:
        buurt.pk = nb_table.next_id
        nb_table.next_id += 1
        nb_table.rows.append(
            (
                buurt.pk,
                buurt.code,
                buurt.name,
                buurt.municipality_code,
                buurt.municipality_name,
                programme_ids[buurt.programme],
                buurt.focus,
            )
        )
        orgs["buurt"][buurt.code] = orgs_table.next_id
        orgs_table.rows.append(
            (
                orgs_table.next_id,
                f"Bewonersgroep {buurt.name}",
                "bewonersorganisatie",
                buurt.municipality_code,
                buurt.pk,
            )
        )
        orgs_table.next_id += 1
        end = 2025 if buurt.focus else rng.choice((2024, 2025, 2026))
        funding.rows.append(
            (
                funding.next_id,
                fund_ids[buurt.programme],
                buurt.pk,
                programme_ids[buurt.programme],
                2023,
                end,
                FUNDING_PURPOSE,
            )
        )
        funding.next_id += 1
        if rng.random() < 0.25:
            funding.rows.append(
                (
                    funding.next_id,
                    orgs[buurt.municipality_code]["gemeente"],
                    buurt.pk,
                    None,
                    2024,
                    2025,
                    MUNICIPAL_PURPOSE,
                )
            )
            funding.next_id += 1
    for name in ("neighbourhood", "organisation", "funding"):
        tables[name].flush()
    coders = _users(buurten, programme_ids, fund_ids)
    return orgs, coders


def _users(buurten: list[_Buurt], programme_ids: dict[str, int], fund_ids: dict[str, int]) -> list[int]:
    user_model = get_user_model()
    password = make_password(demo_password())  # hashed once: the slow hasher would take minutes for all
    users = {}
    names = {username: name for username, name, _role in DEMO_USERS}
    for username in generated_usernames():
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.first_name = names.get(username, username.split("-")[0].capitalize())
        user.is_staff = user.is_superuser = username == "admin"
        user.password = password
        user.save()
        users[username] = user
    by_code = {b.code: b.pk for b in buurten}
    wanted: list[dict[str, Any]] = [
        {"user": users["researcher"], "role": Role.RESEARCHER},
        {"user": users["onderzoeker-2"], "role": Role.RESEARCHER},
        {"user": users["onderzoeker-3"], "role": Role.RESEARCHER},
        {"user": users["admin"], "role": Role.ADMIN},
    ]
    for username, code in (
        ("connector", "BU02021990"),
        ("communitybuilder", "BU02021990"),
        ("communitybuilder", "BU02021471"),
    ):
        if code in by_code:
            role = Role.CONNECTOR if username == "connector" else Role.COMMUNITY_BUILDER
            wanted.append({"user": users[username], "role": role, "neighbourhood_id": by_code[code]})
    for username, slug, role in (
        ("programmemanager", "sterke-buurtverbinders", Role.PROGRAMME_MANAGER),
        ("programmamanager-regio-01", "buurtkracht-regio-01", Role.PROGRAMME_MANAGER),
    ):
        if slug in programme_ids:
            wanted.append({"user": users[username], "role": role, "programme_id": programme_ids[slug]})
    for username, slug in (
        ("funder", "sterke-buurtverbinders"),
        ("financier-regio-01", "buurtkracht-regio-01"),
    ):
        if slug in fund_ids:
            wanted.append({"user": users[username], "role": Role.FUNDER, "organisation_id": fund_ids[slug]})
    largest_focus = sorted(
        (b for b in buurten if b.focus and not b.demo), key=lambda b: (-b.population, b.code)
    )
    for number, buurt in enumerate(largest_focus[:BUURTWERKERS], start=1):
        wanted.append(
            {
                "user": users[f"buurtwerker-{number:02d}"],
                "role": Role.COMMUNITY_BUILDER,
                "neighbourhood_id": buurt.pk,
            }
        )
    for membership in wanted:
        Membership.objects.get_or_create(**membership)
    return [users["researcher"].pk, users["onderzoeker-2"].pk, users["onderzoeker-3"].pk]


def national_generate(
    *,
    fragments: int,
    seed: int = 2025,
    neighbourhoods: int | None = None,
    reset: bool = False,
    batch_fragments: int = BATCH_FRAGMENTS,
    analyze: bool = True,
    vacuum: bool = False,
    progress: Callable[[str], None] | None = None,
) -> NationalResult:
    """Generate the data set (see the module text). Codebook and CBS figures must be loaded."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    if fragments < 0:
        raise NationalDatasetError(_("The number of fragments cannot be negative."))
    national_check_database(reset=reset)
    codes = dict(Code.objects.filter(codebook__is_current=True).values_list("key", "pk"))
    if not codes:
        raise NationalDatasetError(_("There is no current codebook: run kvs codebook load first."))
    rng = random.Random(seed)
    buurten, programmes = _plan(rng, fragments=fragments, limit=neighbourhoods)
    content = _load_content(codes)
    tables = _tables()
    done = 0
    timings = {"generate": 0.0, "write": 0.0}
    # One transaction for the whole load: an interrupted run leaves the database as it was.
    with transaction.atomic():
        if reset:
            national_reset()
            say(
                _("Emptied the neighbourhood data (%(seconds).1f s).")
                % {"seconds": time.perf_counter() - started}
            )
        for table in tables.values():  # after the reset: ids continue after what is left
            table.next_id = table.first_free_id()
        with _keys_and_indexes_in_bulk([table.name for table in tables.values()]):
            orgs, coders = _base(rng, tables, buurten, programmes)
            say(
                _("%(count)s neighbourhoods in %(programmes)s programmes (%(seconds).1f s).")
                % {
                    "count": len(buurten),
                    "programmes": len(programmes),
                    "seconds": time.perf_counter() - started,
                }
            )
            generator = _Generator(rng, tables, content, orgs, coders)
            batches = list(_batches(buurten, batch_fragments))
            for number, batch in enumerate(batches, start=1):
                before = time.perf_counter()
                for buurt in batch:
                    done += generator.buurt(buurt)
                built = time.perf_counter()
                for table in tables.values():
                    table.flush()
                written = time.perf_counter()
                timings["generate"] += built - before
                timings["write"] += written - built
                say(
                    _(
                        "Batch %(number)s of %(total)s: %(done)s of %(fragments)s fragments (%(seconds).1f s; "
                        "rows built in %(built).1f s, written in %(written).1f s)."
                    )
                    % {
                        "number": number,
                        "total": len(batches),
                        "done": done,
                        "fragments": fragments,
                        "seconds": written - started,
                        "built": built - before,
                        "written": written - built,
                    }
                )
            before = time.perf_counter()
        timings["indexes_and_keys"] = time.perf_counter() - before
    say(
        _("Indexes built, foreign keys checked, saved (%(seconds).1f s).")
        % {"seconds": time.perf_counter() - started}
    )

    models_written = [table.model for table in tables.values()] + [Programme, Membership]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_written):
            cursor.execute(statement)
    if connection.vendor == "postgresql" and (analyze or vacuum):
        with connection.cursor() as cursor:
            before = time.perf_counter()
            cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")
            timings["vacuum_analyze" if vacuum else "analyze"] = time.perf_counter() - before
        say(_("Statistics updated (%(seconds).1f s).") % {"seconds": time.perf_counter() - started})

    result = NationalResult(neighbourhoods=len(buurten), fragments=done, timings=timings)
    result.rows = national_row_counts()
    result.seconds = time.perf_counter() - started
    result.database_bytes = database_size()
    return result


def national_row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in _domain_models() + [MeasurementYear, CbsRecord, Code, get_user_model()]:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
            counts[model._meta.db_table] = cursor.fetchone()[0]
    return counts


def database_size() -> int | None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            return cursor.fetchone()[0]
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA page_count")
            pages = cursor.fetchone()[0]
            cursor.execute("PRAGMA page_size")
            return pages * cursor.fetchone()[0]
    return None

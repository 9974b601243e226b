"""The records of one demo neighbourhood: pseudonymous participants with consent, assets, activities,
relations with their haakjes, fragments with codings, factors and sustainability, for every demo year.

The order of the random draws is part of the demo: the same seed gives the same data set.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.coding.services import fragments_state_refresh
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.models import Submission, SubmissionFragment
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import (
    AgeBand,
    Consent,
    Gender,
    Organisation,
    Origin,
    Person,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YEARS = (2023, 2024, 2025)
INSTRUMENTS_ALL = {
    2023: ["buurtscan", "vragenlijst"],
    2024: ["vragenlijst", "pas_op_de_plaats"],
    2025: ["vragenlijst", "pas_op_de_plaats", "reflectiesessie"],
}
INSTRUMENTS_FOCUS = {
    2023: ["buurtbezoek", "wijkwaardenkaart", "wijkwaardenkaart", "wijkwaardenkaart"],
    2024: ["buurtbezoek", "wijkwaardenkaart", "wijkwaardenkaart", "wijkwaardenkaart", "effectenplein"],
    2025: ["interview", "interview", "effectenplein", "effectenplein", "wijkwaardenkaart"],
}
AGE_WEIGHTS = {AgeBand.AGE_0_15: 1, AgeBand.AGE_15_25: 4, AgeBand.AGE_25_45: 18, AgeBand.AGE_45_65: 34,
               AgeBand.AGE_65_PLUS: 43}  # fmt: skip
ORIGIN_WEIGHTS = {Origin.NETHERLANDS: 70, Origin.EUROPE: 8, Origin.OUTSIDE_EUROPE: 22}


@dataclass
class DemoResult:
    created: bool
    neighbourhoods: int = 0
    fragments: int = 0
    codings: int = 0
    persons: int = 0
    activities: int = 0
    relations: int = 0
    assets: int = 0
    users: list[tuple[str, StrOrPromise]] = field(default_factory=list)  # username, role


def _weighted(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass
class _Cast:
    """The people and organisations of one demo neighbourhood."""

    welfare: Organisation
    municipality: Organisation
    resident_org: Organisation
    persons: list[Person]
    by_role: dict[str, list[Person]]
    quote_level: dict[int, str]


def _organisations(neighbourhood: Neighbourhood) -> tuple[Organisation, Organisation, Organisation]:
    welfare = Organisation.objects.create(
        name=f"Welzijn {neighbourhood.municipality_name}",
        kind=Organisation.Kind.WELFARE,
        municipality_code=neighbourhood.municipality_code,
    )
    municipality = Organisation.objects.create(
        name=f"Gemeente {neighbourhood.municipality_name}",
        kind=Organisation.Kind.MUNICIPALITY,
        municipality_code=neighbourhood.municipality_code,
    )
    resident_org = Organisation.objects.create(
        name=f"Bewonersgroep {neighbourhood.name}",
        kind=Organisation.Kind.RESIDENTS,
        neighbourhood=neighbourhood,
    )
    return welfare, municipality, resident_org


def _cast(rng: random.Random, *, neighbourhood: Neighbourhood, scale: float, result: DemoResult) -> _Cast:
    """Pseudonymous participants with consent records (demographics for three in four)."""
    welfare, municipality, resident_org = _organisations(neighbourhood)
    people_spec = [
        (Person.PersonRole.COMMUNITY_BUILDER, 1),
        (Person.PersonRole.CONNECTOR, rng.randint(3, 5)),
        (Person.PersonRole.PROFESSIONAL, 2),
        (Person.PersonRole.RESIDENT, int(rng.randint(18, 30) * scale)),
    ]
    persons: list[Person] = []
    counter = 0
    for role, count in people_spec:
        for _ in range(count):
            counter += 1
            persons.append(
                Person(
                    pseudonym=f"{Person.PersonRole(role).label.capitalize()} {counter}",
                    neighbourhood=neighbourhood,
                    role=role,
                    organisation=welfare if role in ("community_builder", "professional") else None,
                )
            )
    Person.objects.bulk_create(persons)
    persons = list(Person.objects.filter(neighbourhood=neighbourhood).order_by("pk"))
    consents: list[Consent] = []
    for person in persons:
        consents.append(
            Consent(person=person, scope=Consent.Scope.PARTICIPATION, given=True, method="mondeling")
        )
        if rng.random() < 0.75:
            person.age_band = _weighted(rng, AGE_WEIGHTS)
            person.origin = _weighted(rng, ORIGIN_WEIGHTS)
            person.gender = rng.choices([Gender.WOMAN, Gender.MAN, Gender.OTHER], weights=[58, 40, 2])[0]
            consents.append(
                Consent(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=True, method="mondeling")
            )
        level = rng.choices(
            [Consent.Level.PSEUDONYMISED, Consent.Level.INTERNAL, Consent.Level.NAMED], [70, 25, 5]
        )[0]
        consents.append(
            Consent(person=person, scope=Consent.Scope.QUOTES, given=True, level=level, method="mondeling")
        )
    Person.objects.bulk_update(persons, ["age_band", "origin", "gender"])
    Consent.objects.bulk_create(consents)
    result.persons += len(persons)
    by_role: dict[str, list[Person]] = defaultdict(list)
    for person in persons:
        by_role[person.role].append(person)
    return _Cast(
        welfare=welfare,
        municipality=municipality,
        resident_org=resident_org,
        persons=persons,
        by_role=by_role,
        quote_level={c.person_id: c.level for c in consents if c.scope == Consent.Scope.QUOTES},
    )


def _assets(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    content: dict[str, Any],
    cast: _Cast,
    result: DemoResult,
) -> list[Asset]:
    """An inventory that grows over the years; returns the meeting places (there is always one)."""
    assets: list[Asset] = []
    for category, entries in content["assets"].items():
        for entry in rng.sample(
            entries, k=min(len(entries), rng.randint(1, 3) + (1 if neighbourhood.is_focus else 0))
        ):
            owner = (
                rng.choice(cast.by_role["resident"] + cast.by_role["connector"])
                if category.startswith("talent_")
                else None
            )
            assets.append(
                Asset(
                    neighbourhood=neighbourhood,
                    category=category,
                    name=entry["name"],
                    description=entry.get("description", ""),
                    is_meeting_place=bool(entry.get("meeting_place")),
                    person=owner,
                    year=rng.choice(YEARS),
                )
            )
    if not any(a.is_meeting_place for a in assets):
        place = next(e for e in content["assets"]["place"] if e.get("meeting_place"))
        assets.append(
            Asset(
                neighbourhood=neighbourhood,
                category="place",
                name=place["name"],
                description=place.get("description", ""),
                is_meeting_place=True,
                year=YEARS[0],
            )
        )
    Asset.objects.bulk_create(assets)
    result.assets += len(assets)
    return [a for a in assets if a.is_meeting_place]


def _activities(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    year: int,
    k: int,
    content: dict[str, Any],
    cast: _Cast,
    meeting_places: list[Asset],
) -> list[Activity]:
    by_role = cast.by_role
    activities = []
    for spec in rng.sample(content["activities"], k=k):
        activity = Activity.objects.create(
            neighbourhood=neighbourhood,
            title=spec["title"],
            description=spec.get("description", ""),
            initiated_by=spec["initiated_by"],
            year=year,
            initiator_person=rng.choice(by_role["connector"] + by_role["resident"][:5])
            if spec["initiated_by"] != "professionals"
            else by_role["community_builder"][0],
            initiator_organisation=cast.welfare if spec["initiated_by"] == "professionals" else None,
            meeting_place=rng.choice(meeting_places) if rng.random() < 0.8 else None,
            participant_count=max(3, int(spec.get("typical_participants", 12) * rng.uniform(0.6, 1.4))),
        )
        activity.participants.set(rng.sample(cast.persons, k=min(len(cast.persons), rng.randint(3, 9))))
        activities.append(activity)
    return activities


def _relations(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    year: int,
    count: int,
    cast: _Cast,
    activities: list[Activity],
    meeting_places: list[Asset],
) -> list[Relation]:
    relations = []
    for _ in range(count):
        source, target = rng.sample(cast.persons, k=2)
        capital = rng.choices(["bonding", "bridging", "linking"], weights=[55, 32, 13])[0]
        to_organisation = capital == "linking"
        hook = rng.random()
        relations.append(
            Relation(
                neighbourhood=neighbourhood,
                year=year,
                source_person=source,
                target_person=None if to_organisation else target,
                target_organisation=rng.choice([cast.welfare, cast.municipality, cast.resident_org])
                if to_organisation
                else None,
                capital_type=capital,
                is_new=rng.random() < 0.7,
                hook_activity=rng.choice(activities) if hook < 0.5 else None,
                hook_place=rng.choice(meeting_places) if 0.5 <= hook < 0.75 else None,
                hook_person=rng.choice(cast.by_role["connector"]) if hook >= 0.75 else None,
            )
        )
    Relation.objects.bulk_create(relations)
    return relations


def neighbourhood_records_build(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    codes: dict[str, Code],
    content: dict[str, Any],
    fragments_by_instrument: dict[str, list[dict[str, Any]]],
    coder: Any,
    result: DemoResult,
) -> None:
    # The order of the random draws is part of the demo: the same seed gives the same data set.
    data_versions_bump(
        neighbourhood_ids=[neighbourhood.pk], everything=True
    )  # bulk_create: no signals; persons
    scale = 1.6 if neighbourhood.is_focus else 1.0
    cast = _cast(rng, neighbourhood=neighbourhood, scale=scale, result=result)
    meeting_places = _assets(rng, neighbourhood=neighbourhood, content=content, cast=cast, result=result)
    for year in YEARS:
        growth = 1 + YEARS.index(year) * 0.35  # activity and ties grow over the years, as in the study
        activities = _activities(
            rng,
            neighbourhood=neighbourhood,
            year=year,
            k=int(rng.randint(3, 6) * growth * scale),
            content=content,
            cast=cast,
            meeting_places=meeting_places,
        )
        result.activities += len(activities)
        relations = _relations(
            rng,
            neighbourhood=neighbourhood,
            year=year,
            count=int(rng.randint(8, 14) * growth * scale),
            cast=cast,
            activities=activities,
            meeting_places=meeting_places,
        )
        result.relations += len(relations)
        instruments = INSTRUMENTS_ALL[year] + (INSTRUMENTS_FOCUS[year] if neighbourhood.is_focus else [])
        chosen: list[dict[str, Any]] = []
        for instrument in instruments:
            pool = fragments_by_instrument.get(instrument) or fragments_by_instrument["vragenlijst"]
            chosen.extend(rng.sample(pool, k=min(len(pool), rng.randint(1, 3))))
        _add_fragments(
            rng,
            neighbourhood=neighbourhood,
            year=year,
            chosen=chosen,
            by_role=cast.by_role,
            quote_level=cast.quote_level,
            codes=codes,
            coder=coder,
            place_name=meeting_places[0].name,
            result=result,
        )
        _add_factors(rng, neighbourhood=neighbourhood, year=year, codes=codes, factors=content["factors"])
        _add_sustainability(
            rng, neighbourhood=neighbourhood, year=year, codes=codes, notes=content["sustainability"]
        )


def _add_fragments(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    year: int,
    chosen: list[dict[str, Any]],
    by_role: dict[str, list[Person]],
    quote_level: dict[int, str],
    codes: dict[str, Code],
    coder: Any,
    place_name: str,
    result: DemoResult,
) -> None:
    fragments: list[Fragment] = []
    positions: dict[str, int] = {}
    for spec in chosen:
        speakers = by_role.get(spec["speaker_role"]) or by_role["resident"]
        speaker = rng.choice(speakers)
        text = spec["text"].format(
            buurt=neighbourhood.name, gemeente=neighbourhood.municipality_name, plek=place_name
        )
        fragments.append(
            Fragment(
                neighbourhood=neighbourhood,
                year=year,
                text=text.strip(),
                instrument=spec["instrument"],
                speaker_role=spec["speaker_role"],
                speaker=speaker,
                consent_level=quote_level.get(speaker.pk, Consent.Level.INTERNAL),
                recorded_by=None,
                # Outside the Wijkwaardenkaart (one conversation per story, linked below) the demo's
                # fragments of one instrument in one year stand for one visit, interview or session.
                source=f"demo:{spec['instrument']}:{neighbourhood.pk}:{year}",
                position=positions.setdefault(spec["instrument"], 0) + 1,
            )
        )
        positions[spec["instrument"]] += 1
    Fragment.objects.bulk_create(fragments)
    codings: list[Coding] = []
    observations: list[FactorObservation] = []
    for fragment, spec in zip(fragments, chosen, strict=True):
        for key in spec.get("codes", []):
            codings.append(
                Coding(fragment=fragment, code=codes[key], coder=coder, origin=Coding.Origin.HUMAN)
            )
        if spec.get("factor"):
            observations.append(
                FactorObservation(
                    neighbourhood=neighbourhood,
                    year=year,
                    code=codes[spec["factor"]["type"]],
                    direction=spec["factor"]["direction"],
                    description=fragment.text[:300],
                    fragment=fragment,
                )
            )
    Coding.objects.bulk_create(codings)
    fragments_state_refresh(fragment_ids=[fragment.pk for fragment in fragments])
    FactorObservation.objects.bulk_create(observations)
    _link_conversations(neighbourhood=neighbourhood, year=year, fragments=fragments, chosen=chosen)
    result.fragments += len(fragments)
    result.codings += len(codings)


def _link_conversations(
    *, neighbourhood: Neighbourhood, year: int, fragments: list[Fragment], chosen: list[dict[str, Any]]
) -> None:
    """Each demo Wijkwaardenkaart story is one conversation, as if filled in with the form (for the praatplaat)."""
    form_version = form_version_current(key="wijkwaardenkaart")
    question = {"value": "values", "helps": "helps", "hinders": "hinders"}
    pairs = [
        (f, spec)
        for f, spec in zip(fragments, chosen, strict=True)
        if spec["instrument"] == "wijkwaardenkaart"
    ]
    submissions = Submission.objects.bulk_create([
        Submission(
            form_version=form_version, neighbourhood=neighbourhood, year=year, status=Submission.Status.SUBMITTED,
            person=fragment.speaker, submitted_at=timezone.now(),
            answers={question[spec.get("stance", "value")]: fragment.text, "consent": fragment.consent_level,
                     "themes": [k for k in spec.get("codes", []) if k.startswith("vitality.")]},
        )
        for fragment, spec in pairs
    ])  # fmt: skip
    for submission, (fragment, _spec) in zip(submissions, pairs, strict=True):
        fragment.source, fragment.position = f"submission:{submission.pk}", 1
    Fragment.objects.bulk_update([fragment for fragment, _spec in pairs], ["source", "position"])
    SubmissionFragment.objects.bulk_create([
        SubmissionFragment(submission=submission, fragment=fragment, question=question[spec.get("stance", "value")],
                           stance=spec.get("stance", "value"))
        for submission, (fragment, spec) in zip(submissions, pairs, strict=True)
    ])  # fmt: skip


def _add_factors(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    year: int,
    codes: dict[str, Code],
    factors: dict[str, dict[str, list[str]]],
) -> None:
    # Some neighbourhoods carry hindering factors across several types at once: the study's "stapeling".
    stacking = neighbourhood.pk % 3 == 0
    observations = []
    for key, texts in factors.items():
        hinders = rng.random() < (0.75 if stacking else 0.3)
        direction = "hinders" if hinders else "helps"
        observations.append(
            FactorObservation(
                neighbourhood=neighbourhood,
                year=year,
                code=codes[key],
                direction=direction,
                description=rng.choice(texts[direction]),
            )
        )
    FactorObservation.objects.bulk_create(observations)


def _add_sustainability(
    rng: random.Random,
    *,
    neighbourhood: Neighbourhood,
    year: int,
    codes: dict[str, Code],
    notes: dict[str, dict[str, list[str]]],
) -> None:
    progress = YEARS.index(year)
    assessments = []
    for key, texts in notes.items():
        horizontal = key.startswith("sustainability.horizontal")
        chance = (0.45 if horizontal else 0.25) + 0.15 * progress
        roll = rng.random()
        status = "present" if roll < chance else ("partly" if roll < chance + 0.3 else "absent")
        note = rng.choice(texts["absent" if status == "absent" else "present"])
        assessments.append(
            SustainabilityAssessment(
                neighbourhood=neighbourhood,
                year=year,
                code=codes[key],
                status=status,
                note=note,
            )
        )
    SustainabilityAssessment.objects.bulk_create(assessments)

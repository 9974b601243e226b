"""The demo data set: two programmes, 33 real CBS neighbourhoods (12 focus), three years of records.

Everything is generated from the content files in ``demo/content`` with a fixed random seed, so every
run gives the same demo. The stories are written for the demo; names and figures of the
neighbourhoods are CBS's own.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.services import codebook_load_shipped
from krachtvansamen.instruments.models import Submission, SubmissionFragment
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit
from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear, Neighbourhood, Programme
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import (
    AgeBand,
    Consent,
    Funding,
    Gender,
    Membership,
    Organisation,
    Origin,
    Person,
    Role,
)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
CBS_DIR = Path(__file__).resolve().parent.parent / "neighbourhoods" / "data" / "cbs"
CBS_FILES = ["nl_kwb2024_85984NED_bevolking_leeftijd.csv.gz", "nl_kwb2024_85984NED_herkomst_namen.csv.gz"]
YEARS = (2023, 2024, 2025)
DEFAULT_PASSWORD = "kracht-demo"

# The study's timeline (Afbeelding 3): which instruments ran in every neighbourhood, which only in focus ones.
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
DEMO_USERS = [
    ("connector", "Connector", Role.CONNECTOR),
    ("communitybuilder", "Community builder", Role.COMMUNITY_BUILDER),
    ("researcher", "Onderzoeker", Role.RESEARCHER),
    ("programmemanager", "Programmamanager", Role.PROGRAMME_MANAGER),
    ("funder", "Financier", Role.FUNDER),
    ("admin", "Beheerder", Role.ADMIN),
]
FIRST_NAMES = [
    "Fatima", "Henk", "Joyce", "Mehmet", "Anouk", "Kofi", "Ria", "Sanne", "Yusuf", "Ingrid", "Daan", "Samira",
    "Priya", "Bram", "Nadia", "Wim", "Esra", "Thijs", "Marieke", "Ahmed", "Linda", "Rachid", "Gerda", "Jamal",
]  # fmt: skip
# Who takes part, by the CBS categories: older residents and residents of Dutch origin are over-represented,
# as in most neighbourhood work, so the demo's inclusion comparison has a real gap to show.
AGE_WEIGHTS = {AgeBand.AGE_0_15: 1, AgeBand.AGE_15_25: 4, AgeBand.AGE_25_45: 18, AgeBand.AGE_45_65: 34,
               AgeBand.AGE_65_PLUS: 43}  # fmt: skip
ORIGIN_WEIGHTS = {Origin.NETHERLANDS: 70, Origin.EUROPE: 8, Origin.OUTSIDE_EUROPE: 22}


class DemoError(RuntimeError):
    pass


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
    users: list[tuple[str, str]] = field(default_factory=list)


def _content(name: str) -> Any:
    return yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))


def demo_password() -> str:
    return os.environ.get("KVS_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_users() -> list[tuple[str, str]]:
    return [(username, role.label) for username, _name, role in DEMO_USERS]


def demo_load() -> DemoResult:
    """Set up the codebook, the CBS figures and the demo data set. Running it again changes nothing."""
    codebook_load_shipped()
    forms_load_defaults()
    for name in CBS_FILES:
        cbs_import_file(path=CBS_DIR / name)
    if Programme.objects.filter(slug="sterke-buurtverbinders").exists():
        return DemoResult(created=False, users=demo_users())
    with transaction.atomic():
        return _build(random.Random(2025))


def _build(rng: random.Random) -> DemoResult:
    result = DemoResult(created=True, users=demo_users())
    spec = _content("neighbourhoods.yaml")
    codes = {code.key: code for code in Code.objects.filter(codebook__is_current=True)}
    for year in YEARS:
        MeasurementYear.objects.get_or_create(year=year, defaults={"is_open": year == YEARS[-1]})

    programmes: dict[str, Programme] = {}
    funders: dict[str, Organisation] = {}
    for item in spec["programmes"]:
        programmes[item["slug"]] = Programme.objects.create(
            slug=item["slug"], name=item["name"], description=item["description"]
        )
        funders[item["slug"]] = Organisation.objects.create(name=item["funder"], kind=Organisation.Kind.FUND)

    records = {
        r.region_code: r
        for r in CbsRecord.objects.filter(
            region_code__in=[n["code"] for items in spec["neighbourhoods"].values() for n in items]
        ).order_by("year")
    }
    municipality_codes = {
        r.name: r.region_code for r in CbsRecord.objects.filter(kind=CbsRecord.Kind.MUNICIPALITY, year=2024)
    }
    neighbourhoods: list[Neighbourhood] = []
    for slug, items in spec["neighbourhoods"].items():
        for item in items:
            record = records.get(item["code"])
            if record is None:
                raise DemoError(f"CBS code {item['code']} is not in the CBS file")
            neighbourhood = Neighbourhood.objects.create(
                cbs_code=record.region_code,
                name=record.name,
                municipality_name=record.municipality_name,
                municipality_code=municipality_codes.get(record.municipality_name, ""),
                programme=programmes[slug],
                is_focus=item["focus"],
            )
            Funding.objects.create(
                funder=funders[slug],
                neighbourhood=neighbourhood,
                programme=programmes[slug],
                start_year=2023,
                end_year=2025 if item["focus"] else rng.choice([2024, 2025, 2026]),
                purpose="Verbindend werk: buurtverbinders, community builder, ontmoetingsplekken.",
            )
            neighbourhoods.append(neighbourhood)
    result.neighbourhoods = len(neighbourhoods)

    content = {
        "fragments": _content("fragments.yaml"),
        "assets": _content("assets.yaml"),
        "activities": _content("activities.yaml"),
        "factors": _content("factors.yaml"),
        "sustainability": _content("sustainability.yaml"),
    }
    fragments_by_instrument: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fragment in content["fragments"]:
        fragments_by_instrument[fragment["instrument"]].append(fragment)

    researcher = _create_users(neighbourhoods=neighbourhoods, programmes=programmes, funders=funders)
    for neighbourhood in neighbourhoods:
        _build_neighbourhood(
            rng,
            neighbourhood=neighbourhood,
            codes=codes,
            content=content,
            fragments_by_instrument=fragments_by_instrument,
            coder=researcher,
            result=result,
        )
    _add_questionnaires(rng, neighbourhoods=neighbourhoods)
    return result


def _add_questionnaires(rng: random.Random, *, neighbourhoods: list[Neighbourhood]) -> None:
    """The yearly questionnaire's 1–5 scales per ABCD principle, through the same service the form uses.

    Each neighbourhood has its own level per principle that drifts a little each year, so the analyses
    have differences between neighbourhoods and change over time to show.
    """
    form_version = form_version_current(key="vragenlijst")
    principles = ["residents_lead", "relations", "whats_strong", "from_within", "everyone_welcome"]
    for neighbourhood in neighbourhoods:
        level = {p: rng.choice([2, 3, 3, 4]) for p in principles}
        for year in YEARS:
            raw = {f"abcd_{p}": str(min(5, max(1, level[p] + rng.choice([-1, 0, 0, 1])))) for p in principles}
            submission_submit(
                form_version=form_version, neighbourhood=neighbourhood, year=year, raw=raw, user=None
            )
            level = {p: min(5, level[p] + rng.choice([0, 0, 1])) for p in principles}


def _create_users(
    *, neighbourhoods: list[Neighbourhood], programmes: dict[str, Programme], funders: dict[str, Organisation]
) -> Any:
    user_model = get_user_model()
    password = demo_password()
    by_code = {n.cbs_code: n for n in neighbourhoods}
    kronenburg, lombok = by_code["BU02021990"], by_code["BU02021471"]
    users = {}
    for username, first_name, role in DEMO_USERS:
        user = user_model.objects.filter(username=username).first() or user_model(username=username)
        user.first_name = first_name
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        users[username] = user
    Membership.objects.bulk_create(
        [
            Membership(user=users["connector"], role=Role.CONNECTOR, neighbourhood=kronenburg),
            Membership(user=users["communitybuilder"], role=Role.COMMUNITY_BUILDER, neighbourhood=kronenburg),
            Membership(user=users["communitybuilder"], role=Role.COMMUNITY_BUILDER, neighbourhood=lombok),
            Membership(user=users["researcher"], role=Role.RESEARCHER),
            Membership(
                user=users["programmemanager"],
                role=Role.PROGRAMME_MANAGER,
                programme=programmes["sterke-buurtverbinders"],
            ),
            Membership(
                user=users["funder"], role=Role.FUNDER, organisation=funders["sterke-buurtverbinders"]
            ),
            Membership(user=users["admin"], role=Role.ADMIN),
        ]
    )
    return users["researcher"]


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


def _build_neighbourhood(
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
            )
        )
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

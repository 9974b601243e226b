"""The demo data set: two programmes, 33 real CBS neighbourhoods (12 focus), three years of records.

Everything is generated from the content files in ``demo/content`` with a fixed random seed, so every
run gives the same demo. The stories are written for the demo; names and figures of the
neighbourhoods are CBS's own.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from krachtvansamen.coding.models import Fragment
from krachtvansamen.coding.quotes.services import quote_proposal, quotes_approve_as_proposed, quotes_to_review
from krachtvansamen.demo.coding_work import demo_interview_add, second_coding_add
from krachtvansamen.demo.neighbourhood_records import (
    YEARS,
    DemoResult,
    neighbourhood_records_build,
)
from krachtvansamen.fieldwork.services import plan_create_default
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.services import codebook_load_shipped
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit
from krachtvansamen.neighbourhoods.cbs_import import cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear, Neighbourhood, Programme
from krachtvansamen.people.models import (
    Funding,
    Membership,
    Organisation,
    Role,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONTENT_DIR = Path(__file__).resolve().parent / "content"
CBS_DIR = Path(__file__).resolve().parent.parent / "neighbourhoods" / "data" / "cbs"
CBS_FILES = ["nl_kwb2024_85984NED_bevolking_leeftijd.csv.gz", "nl_kwb2024_85984NED_herkomst_namen.csv.gz"]
DEFAULT_PASSWORD = "kracht-demo"

# The study's timeline (Afbeelding 3): which instruments ran in every neighbourhood, which only in focus ones.
DEMO_USERS = [
    ("connector", "Connector", Role.CONNECTOR),
    ("communitybuilder", "Community builder", Role.COMMUNITY_BUILDER),
    ("researcher", "Onderzoeker", Role.RESEARCHER),
    # A second coder: the workbench's blind coding, agreement and settling need two.
    ("researcher2", "Tweede onderzoeker", Role.RESEARCHER),
    ("programmemanager", "Programmamanager", Role.PROGRAMME_MANAGER),
    ("funder", "Financier", Role.FUNDER),
    ("gemeente", "Gemeente Arnhem", Role.MUNICIPALITY),
    ("admin", "Beheerder", Role.ADMIN),
]
FIRST_NAMES = [
    "Fatima", "Henk", "Joyce", "Mehmet", "Anouk", "Kofi", "Ria", "Sanne", "Yusuf", "Ingrid", "Daan", "Samira",
    "Priya", "Bram", "Nadia", "Wim", "Esra", "Thijs", "Marieke", "Ahmed", "Linda", "Rachid", "Gerda", "Jamal",
]  # fmt: skip


# Who takes part, by the CBS categories: older residents and residents of Dutch origin are over-represented,
# as in most neighbourhood work, so the demo's inclusion comparison has a real gap to show.
class DemoError(RuntimeError):
    pass


def _content(name: str) -> Any:
    return yaml.safe_load((CONTENT_DIR / name).read_text(encoding="utf-8"))


# Words deduce takes for names in the demo's made-up stories that are no one's name ("Pas toen ...", "Hollanders"):
# the demo's reviewer keeps them.
DEMO_NOT_NAMES = ("Pas", "Hollanders")


def demo_password() -> str:
    return os.environ.get("KVS_DEMO_PASSWORD") or DEFAULT_PASSWORD


def demo_users() -> list[tuple[str, StrOrPromise]]:
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
        neighbourhood_records_build(
            rng,
            neighbourhood=neighbourhood,
            codes=codes,
            content=content,
            fragments_by_instrument=fragments_by_instrument,
            coder=researcher,
            result=result,
        )
    _add_questionnaires(rng, neighbourhoods=neighbourhoods)
    kronenburg = next(n for n in neighbourhoods if n.cbs_code == "BU02021990")
    second = get_user_model().objects.get(username="researcher2")
    result.codings += second_coding_add(rng, neighbourhood=kronenburg, coder=second)
    # The demo's researcher reviewed the quotes of the made-up stories as pseudonymised by deduce, except this
    # year's that name someone: those wait on the review page, as real work would. Deduce also took "Pas" (as in
    # "Pas toen ...") and "Hollanders" for surnames: the reviewer kept those words (DEMO_NOT_NAMES).
    keep = list(DEMO_NOT_NAMES)
    waiting = [
        f.pk for f in quotes_to_review(neighbourhoods=Neighbourhood.objects.all()).filter(year=YEARS[-1])
        if quote_proposal(f, keep=keep).changed
    ]  # fmt: skip
    quotes_approve_as_proposed(fragments=Fragment.objects.exclude(pk__in=waiting), user=researcher, keep=keep)
    result.fragments += demo_interview_add(neighbourhood=kronenburg, year=YEARS[-1], user=researcher)
    for programme in programmes.values():  # the study's fieldwork design as each programme's plan
        for year in YEARS:
            plan_create_default(programme=programme, year=year)
    return result


def _add_questionnaires(rng: random.Random, *, neighbourhoods: list[Neighbourhood]) -> None:
    """The yearly questionnaire's 1–5 scales per ABCD principle, through the same service the form uses.

    Each neighbourhood has its own level per principle that drifts a little each year, so the analyses
    have differences between neighbourhoods and change over time to show.
    """
    form_version = form_version_current(key="vragenlijst")
    if form_version is None:  # demo_load loaded the default forms first
        raise DemoError("The questionnaire form (vragenlijst) is not loaded")
    principles = ["residents_lead", "relations", "whats_strong", "from_within", "everyone_welcome"]
    for neighbourhood in neighbourhoods:
        level = {p: rng.choice([2, 3, 3, 4]) for p in principles}
        for year in YEARS:
            # Several people answer each year (the team, connectors, active residents); in some neighbourhood-years
            # fewer than the five a verdict needs, so the reports also show "te weinig gegevens" where it is true.
            for _respondent in range(rng.randint(3, 8)):
                raw = {
                    f"abcd_{p}": str(min(5, max(1, level[p] + rng.choice([-1, 0, 0, 1])))) for p in principles
                }
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
            Membership(user=users["researcher2"], role=Role.RESEARCHER),
            Membership(
                user=users["programmemanager"],
                role=Role.PROGRAMME_MANAGER,
                programme=programmes["sterke-buurtverbinders"],
            ),
            Membership(
                user=users["funder"], role=Role.FUNDER, organisation=funders["sterke-buurtverbinders"]
            ),
            Membership(user=users["admin"], role=Role.ADMIN),
            # A policy officer of the municipality of Kronenburg (Arnhem): its Beleidssignalen, nothing else.
            Membership(
                user=users["gemeente"],
                role=Role.MUNICIPALITY,
                organisation=Organisation.objects.create(
                    name=f"Gemeente {kronenburg.municipality_name}",
                    kind=Organisation.Kind.MUNICIPALITY,
                    municipality_code=kronenburg.municipality_code,
                ),
            ),  # fmt: skip
        ]
    )
    return users["researcher"]

"""A small world for the report tests: two programmes, three neighbourhoods, people with every kind of quoting
consent, coded fragments in two years, activities, relations, factors (stacking), structures and funding."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.coding.models import Coding
from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear
from krachtvansamen.people.models import Consent, Role
from tests.conftest import shared_setup
from tests.factories import (
    ActivityFactory,
    AssetFactory,
    FragmentFactory,
    FundingFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    PersonFactory,
    ProgrammeFactory,
    RelationFactory,
    UserFactory,
)

# Texts the tests look for: each tells which consent its speaker gave.
QUOTE_OK = "Sinds het buurtfeest groeten we elkaar allemaal op straat."
QUOTE_NAMED = "Ik durf nu zelf een wandelgroep te beginnen."
QUOTE_INTERNAL = "Dit is alleen voor intern gebruik, niet citeren."
QUOTE_WITHDRAWN = "Ik wil niet meer geciteerd worden over de gemeente."
QUOTE_2024 = "Vorig jaar kende ik hier nog bijna niemand."


def code(key: str) -> Code:
    return Code.objects.get(codebook__is_current=True, key=key)


def consent(person, level: str, *, given: bool = True) -> Consent:
    return Consent.objects.create(person=person, scope=Consent.Scope.QUOTES, given=given, level=level)


@shared_setup("reports_world", after=["codebook"])
def build_world() -> SimpleNamespace:
    MeasurementYear.objects.create(year=2024, is_open=False)
    MeasurementYear.objects.create(year=2025, is_open=True)
    programme_a = ProgrammeFactory(slug="programma-a", name="Programma A")
    programme_b = ProgrammeFactory(slug="programma-b", name="Programma B")
    own = NeighbourhoodFactory(
        name="Eigen Buurt", programme=programme_a, is_focus=True, cbs_code="BU90000001"
    )
    same = NeighbourhoodFactory(name="Buurt Zelfde Programma", programme=programme_a, cbs_code="BU90000002")
    other = NeighbourhoodFactory(name="Buurt Ander Programma", programme=programme_b, cbs_code="BU90000003")
    w = SimpleNamespace(own=own, same=same, other=other, programme_a=programme_a, programme_b=programme_b)
    CbsRecord.objects.create(
        year=2024, region_code=own.cbs_code, kind="buurt", name=own.name, municipality_name="Arnhem",
        table_id="85984NED", source_row=7, population=1000, men=490, women=510, age_0_15=150, age_15_25=100,
        age_25_45=300, age_45_65=250, age_65_plus=200, origin_netherlands=600, origin_europe=100,
        origin_outside_europe=300,
    )  # fmt: skip

    w.ans = PersonFactory(neighbourhood=own, pseudonym="Ans Schuilnaam", age_band="65+", origin="netherlands")
    w.bram = PersonFactory(neighbourhood=own, pseudonym="Bram Schuilnaam")
    w.cor = PersonFactory(neighbourhood=own, pseudonym="Cor Schuilnaam", role="connector")
    w.dirk = PersonFactory(neighbourhood=own, pseudonym="Dirk Schuilnaam")
    w.builder_person = PersonFactory(neighbourhood=own, pseudonym="Opbouwwerker", role="community_builder")
    Consent.objects.create(person=w.ans, scope=Consent.Scope.DEMOGRAPHICS, given=True)
    consent(w.ans, Consent.Level.PSEUDONYMISED)
    consent(w.bram, Consent.Level.INTERNAL)
    consent(w.cor, Consent.Level.NAMED)
    consent(w.dirk, Consent.Level.PSEUDONYMISED)
    consent(w.dirk, "", given=False)  # withdrawn later: the fragment's own level no longer counts

    def fragment(text, speaker, level, year=2025, codes=(), instrument="wijkwaardenkaart"):
        f = FragmentFactory(
            neighbourhood=own,
            year=year,
            text=text,
            speaker=speaker,
            consent_level=level,
            speaker_role=speaker.role if speaker else "resident",
            instrument=instrument,
        )
        for key in codes:
            Coding.objects.create(fragment=f, code=code(key))
        return f

    w.f_ok = fragment(
        QUOTE_OK,
        w.ans,
        "pseudonymised",
        codes=["effect.social.contact", "value.contact", "vitality.social_contact", "capital.bonding"],
    )
    w.f_named = fragment(
        QUOTE_NAMED,
        w.cor,
        "named",
        codes=["effect.individual.confidence", "value.initiative", "effect.social.contact"],
    )
    w.f_internal = fragment(
        QUOTE_INTERNAL, w.bram, "internal", codes=["effect.social.contact", "value.contact"]
    )
    w.f_withdrawn = fragment(
        QUOTE_WITHDRAWN, w.dirk, "pseudonymised", codes=["value.contact", "factor.governance"]
    )
    w.f_2024 = fragment(
        QUOTE_2024, w.ans, "pseudonymised", year=2024, codes=["effect.social.contact", "value.contact"]
    )
    FragmentFactory(neighbourhood=same, year=2025, text="Verhaal uit de zelfde-programmabuurt.")
    FragmentFactory(neighbourhood=other, year=2025, text="Verhaal uit een ander programma.")

    place = AssetFactory(neighbourhood=own, name="Buurthuis De Linde", is_meeting_place=True, year=2024)
    AssetFactory(
        neighbourhood=own, name="Kookkunst van Ans", category="talent_hands", person=w.ans, year=2025
    )
    w.dinner = ActivityFactory(
        neighbourhood=own,
        title="Buurtmaaltijd",
        year=2025,
        meeting_place=place,
        participant_count=30,
        initiator_person=w.cor,
    )
    w.dinner.participants.set([w.ans, w.bram, w.dirk])
    ActivityFactory(
        neighbourhood=own, title="Spreekuur", year=2025, initiated_by="professionals", participant_count=8
    )
    ActivityFactory(neighbourhood=own, title="Koffieochtend", year=2024)
    RelationFactory(neighbourhood=own, year=2024, source_person=w.ans, target_person=w.bram)
    RelationFactory(
        neighbourhood=own,
        year=2025,
        source_person=w.ans,
        target_person=w.cor,
        is_new=True,
        capital_type="bridging",
        hook_activity=w.dinner,
    )
    RelationFactory(neighbourhood=own, year=2025, source_person=w.dirk, target_person=w.bram, is_new=False)
    for key in (
        "factor.governance",
        "factor.professional",
        "factor.physical",
    ):  # three hindering types: stacking
        FactorObservation.objects.create(
            neighbourhood=own,
            year=2025,
            code=code(key),
            direction="hinders",
            description=f"Wat tegenwerkt: {key}",
        )
    FactorObservation.objects.create(
        neighbourhood=own,
        year=2025,
        code=code("factor.relational"),
        direction="helps",
        description="Buren helpen elkaar.",
    )
    for key, status in (
        ("sustainability.horizontal.networks", "present"),
        ("sustainability.vertical.policy", "absent"),
        ("sustainability.vertical.funding", "partly"),
    ):
        SustainabilityAssessment.objects.create(neighbourhood=own, year=2025, code=code(key), status=status)
    ActivityFactory(neighbourhood=same, title="Elders", year=2025)
    ActivityFactory(neighbourhood=other, title="Ander programma", year=2025)

    funding = FundingFactory(neighbourhood=own, start_year=2024, end_year=2025)
    w.funder_org = funding.funder
    FundingFactory(neighbourhood=other)  # another fund: our funder does not fund it

    w.users = {"anonymous": None, "no_role": UserFactory(username="zonderrol")}

    def member(name, **kwargs):
        user = UserFactory(username=name)
        MembershipFactory(user=user, **kwargs)
        w.users[name] = user
        return user

    member("connector", role=Role.CONNECTOR, neighbourhood=own)
    member("community_builder", role=Role.COMMUNITY_BUILDER, neighbourhood=own)
    member("researcher", role=Role.RESEARCHER)
    member("researcher_b", role=Role.RESEARCHER, programme=programme_b)
    member("programme_manager", role=Role.PROGRAMME_MANAGER, programme=programme_a)
    member("funder", role=Role.FUNDER, organisation=w.funder_org)
    admin = member("admin", role=Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return w


@pytest.fixture
def reports_world(codebook, shared_data) -> SimpleNamespace:
    return shared_data.get("reports_world")


@pytest.fixture
def world(reports_world) -> SimpleNamespace:
    """The world above on the shipped codebook (shared set-up: built once for consecutive report tests)."""
    return reports_world


@pytest.fixture
def as_user(client, world):
    def login(name):
        client.force_login(world.users[name])
        return client

    return login

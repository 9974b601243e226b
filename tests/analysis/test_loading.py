"""From the database: load_analysis_data reads the right rows in a fixed number of queries, and
analyse_neighbourhood / analyse_neighbourhoods give the expected figures with their evidence ids."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from krachtvansamen.analysis.data import load_analysis_data
from krachtvansamen.analysis.services import (
    NeighbourhoodNotFound,
    analyse_neighbourhood,
    analyse_neighbourhoods,
)
from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.coding.models import Coding
from krachtvansamen.framework.models import Code
from krachtvansamen.instruments.selectors import form_version_current
from krachtvansamen.instruments.services import forms_load_defaults, submission_submit
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear
from krachtvansamen.people.models import Consent, Person
from tests.factories import (
    ActivityFactory,
    AssetFactory,
    CodingFactory,
    FragmentFactory,
    FundingFactory,
    NeighbourhoodFactory,
    PersonFactory,
    RelationFactory,
)

pytestmark = pytest.mark.django_db


def code(key: str) -> Code:
    return Code.objects.get(codebook__is_current=True, key=key)


def consent(person: Person, *, given: bool = True, minutes_ago: int = 10) -> None:
    record = Consent.objects.create(person=person, scope=Consent.Scope.DEMOGRAPHICS, given=given)
    Consent.objects.filter(pk=record.pk).update(recorded_at=timezone.now() - timedelta(minutes=minutes_ago))


def build_neighbourhood(cbs_code: str) -> dict:
    """One neighbourhood with a bit of everything, in 2023 and 2024."""
    n = NeighbourhoodFactory(cbs_code=cbs_code)
    CbsRecord.objects.create(
        year=2024,
        region_code=cbs_code,
        kind="buurt",
        name=n.name,
        table_id="85984NED",
        source_row=1,
        population=100,
        men=50,
        women=50,
        age_0_15=20,
        age_15_25=10,
        age_25_45=30,
        age_45_65=20,
        age_65_plus=20,
        origin_netherlands=60,
        origin_europe=10,
        origin_outside_europe=30,
    )
    builder = PersonFactory(neighbourhood=n, role="community_builder")
    older = PersonFactory(neighbourhood=n, age_band="65+", origin="netherlands", gender="woman")
    consent(older)
    withdrawn = PersonFactory(neighbourhood=n, age_band="25-45", origin="outside_europe", gender="man")
    consent(withdrawn, minutes_ago=10)
    consent(withdrawn, given=False, minutes_ago=5)  # withdrawn later: demographics no longer used
    unconsented = PersonFactory(neighbourhood=n, age_band="15-25")  # never consented: unknown

    conversation = FragmentFactory(neighbourhood=n, year=2024, instrument="wijkwaardenkaart", speaker=older)
    for key in ("vitality.social_contact", "effect.individual.confidence", "effect.social.contact"):
        CodingFactory(fragment=conversation, code=code(key))
    CodingFactory(
        fragment=conversation,
        code=code("effect.social.network"),
        origin=Coding.Origin.SUGGESTED,
        confidence=0.4,
        coder=None,
    )  # an open suggestion, not confirmed by a person: no evidence
    questionnaire = FragmentFactory(
        neighbourhood=n,
        year=2024,
        instrument="vragenlijst",
        speaker=builder,
        speaker_role="community_builder",
    )
    CodingFactory(fragment=questionnaire, code=code("abcd.residents_lead"))
    earlier = FragmentFactory(neighbourhood=n, year=2023, instrument="effectenplein")
    CodingFactory(fragment=earlier, code=code("effect.individual.confidence"))

    observations = [
        FactorObservation.objects.create(
            neighbourhood=n, year=2024, code=code(f"factor.{kind}"), direction=direction, description="…"
        )
        for kind, direction in (
            ("governance", "hinders"),
            ("relational", "hinders"),
            ("physical", "hinders"),
            ("societal", "helps"),
        )
    ]
    SustainabilityAssessment.objects.create(
        neighbourhood=n, year=2024, code=code("sustainability.vertical.policy"), status="absent"
    )
    activity = ActivityFactory(neighbourhood=n, year=2024, initiated_by="residents", initiator_person=older)
    activity.participants.set([withdrawn, builder])
    relation = RelationFactory(neighbourhood=n, year=2024, source_person=older, target_person=unconsented)
    AssetFactory(neighbourhood=n, year=2023, category="place", is_meeting_place=True)
    AssetFactory(neighbourhood=n, year=2024, category="talent_hands")
    funding = FundingFactory(neighbourhood=n, start_year=2023, end_year=2024)
    submission = submission_submit(
        form_version=form_version_current(key="vragenlijst"),
        neighbourhood=n,
        year=2024,
        user=None,
        raw={
            "abcd_residents_lead": "4",
            "abcd_relations": "2",
            "abcd_whats_strong": "3",
            "abcd_from_within": "3",
            "abcd_everyone_welcome": "5",
        },
    )
    return {
        "neighbourhood": n,
        "builder": builder,
        "older": older,
        "withdrawn": withdrawn,
        "unconsented": unconsented,
        "conversation": conversation,
        "questionnaire": questionnaire,
        "earlier": earlier,
        "observations": observations,
        "activity": activity,
        "relation": relation,
        "funding": funding,
        "submission": submission,
    }


@pytest.fixture
def world(codebook):
    forms_load_defaults()
    for year in (2023, 2024, 2025):
        MeasurementYear.objects.create(year=year)
    return build_neighbourhood("BU00010001")


def test_load_analysis_data_reads_the_rows_of_the_neighbourhood(world):
    other = NeighbourhoodFactory()
    FragmentFactory(neighbourhood=other, year=2024)
    n = world["neighbourhood"]
    data = load_analysis_data(neighbourhood_ids=[n.pk], years=[2023, 2024])

    assert [row.neighbourhood_id for row in data.neighbourhoods] == [n.pk]
    assert {row.neighbourhood_id for row in data.codings} == {n.pk}
    assert "effect.social.network" not in {
        data.codebook.key_of(row.code_id) for row in data.codings
    }  # suggested
    assert sum(group.fragment_count for group in data.fragment_groups) == 3
    assert {row.person_id for row in data.activity_participants} == {
        world["withdrawn"].pk,
        world["builder"].pk,
    }
    persons = data.persons
    assert persons[world["older"].pk].age_band == "65+"
    assert persons[world["withdrawn"].pk].age_band == ""  # consent withdrawn
    assert persons[world["unconsented"].pk].age_band == ""  # never given
    assert [row.value for row in data.scale_answers if row.code_key == "abcd.residents_lead"] == [4]
    assert [row.year for row in data.cbs[n.cbs_code]] == [2024]
    assert len(data.codebook.children("effect")) == 3


def test_analyse_neighbourhood_gives_figures_with_their_evidence(world):
    n = world["neighbourhood"]
    result = analyse_neighbourhood(neighbourhood_id=n.pk, year=2024)
    assert (result.year, result.years) == (2024, (2023, 2024))

    # Aanpak
    lead = result.aanpak.principles[0]
    assert lead.key == "abcd.residents_lead"
    assert (lead.questionnaire_mean, lead.submission_ids) == (4.0, (world["submission"].pk,))
    assert lead.fragment_ids == (world["questionnaire"].pk,)
    # One answer (4.0) and one fragment: fewer than 5 answers and fewer than 3 fragments → too little data.
    assert (lead.questionnaire_count, lead.fragment_count, lead.strength) == (1, 1, "unknown")
    assert result.aanpak.leadership.resident_activity_ids == (world["activity"].pk,)
    assert (result.aanpak.assets.total, result.aanpak.assets.place_count) == (2, 1)
    assert result.aanpak.factors.stacking is True
    assert result.aanpak.factors.hindering_observation_ids == tuple(o.pk for o in world["observations"][:3])

    # Verandering
    confidence = {r.key: r for r in result.verandering.effects.rows}["effect.individual.confidence"]
    assert [(c.year, c.fragment_ids, c.change) for c in confidence.cells] == [
        (2023, (world["earlier"].pk,), None),
        # 2023 has only an Effectenplein fragment, 2024 a Wijkwaardenkaart one: no instrument ran in both
        # years, so there is no like-with-like change (it was 0, comparing different instruments).
        (2024, (world["conversation"].pk,), None),
    ]
    assert [(p.key_a, p.key_b, p.fragment_ids) for p in result.verandering.palet.pairs] == [
        ("effect.individual.confidence", "effect.social.contact", (world["conversation"].pk,))
    ]
    network = result.verandering.network_current
    assert (network.relations, network.relation_ids, network.growth) == (1, (world["relation"].pk,), 1)
    inclusion = result.verandering.inclusion
    # Residents who took part: the speaker, the activity participant and the relation's other end.
    assert inclusion.person_ids == tuple(
        sorted(p.pk for p in (world["older"], world["withdrawn"], world["unconsented"]))
    )
    age = inclusion.dimensions[0]
    assert (age.known, age.unknown) == (1, 2)
    # 100% of the known against 20 of the 80 inhabitants aged 15 or over (nobody under 15 can be asked).
    assert {g.key: g.gap for g in age.groups}["65+"] == 75.0
    assert inclusion.cbs_record_id == CbsRecord.objects.get(region_code=n.cbs_code).pk
    social = {t.key: t for t in result.verandering.vitality.themes}["vitality.social_contact"]
    assert social.fragment_ids == (world["conversation"].pk,)

    # Duurzaamheid
    duurzaamheid = result.duurzaamheid
    assert duurzaamheid.funding.horizon_years == 0
    assert [(c.year, c.status) for c in duurzaamheid.continuity] == [(2023, "none"), (2024, "started")]
    risks = {r.key: r.evidence_ids for r in duurzaamheid.risks}
    assert risks["funding_ends"] == (world["funding"].pk,)
    assert risks["factors_stack"] == tuple(o.pk for o in world["observations"][:3])
    assert "no_vertical_structure" in risks


def test_analyse_neighbourhood_of_an_unknown_neighbourhood(codebook):
    with pytest.raises(NeighbourhoodNotFound):
        analyse_neighbourhood(neighbourhood_id=987654, year=2024)


def test_number_of_queries_does_not_grow_with_the_neighbourhoods(world):
    one = [world["neighbourhood"].pk]
    with CaptureQueriesContext(connection) as for_one:
        analyse_neighbourhoods(neighbourhood_ids=one, years=[2023, 2024])
    more = one + [build_neighbourhood(f"BU0001000{i}")["neighbourhood"].pk for i in (2, 3, 4)]
    with CaptureQueriesContext(connection) as for_four:
        result = analyse_neighbourhoods(neighbourhood_ids=more, years=[2023, 2024])
    assert len(for_one) == len(for_four) == 16
    assert result.aggregate.neighbourhood_count == 4
    assert result.aggregate.stacking.count == 4
    assert [(g.key, g.participants) for g in result.aggregate.inclusion.dimensions[0].groups][-1] == (
        "65+",
        4,
    )


def test_analyse_neighbourhood_query_budget(world, django_assert_num_queries):
    # The loader's 16 queries and one for the measurement years.
    with django_assert_num_queries(17):
        analyse_neighbourhood(neighbourhood_id=world["neighbourhood"].pk, year=2024)

"""The national benchmark data set, generated small (50 buurten, 3 years) on the test database."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.db.models import Count, F

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.coding.models import Coding, Fragment
from krachtvansamen.demo.build_demo import _content
from krachtvansamen.demo.national import NationalDatasetError, national_generate, national_prepare
from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import CbsRecord, MeasurementYear, Neighbourhood, Programme
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Consent, Funding, Membership, Person

FRAGMENTS = 900
NEIGHBOURHOODS = 50


@pytest.fixture
def prepared(db):
    national_prepare()


def _counts() -> dict[str, int]:
    models = [
        Programme,
        Neighbourhood,
        Person,
        Consent,
        Asset,
        Activity,
        Activity.participants.through,
        Relation,
        Fragment,
        Coding,
        FactorObservation,
        SustainabilityAssessment,
        Funding,
        Membership,
    ]
    return {model._meta.db_table: model.objects.count() for model in models}


def _generate(**options):
    return national_generate(fragments=FRAGMENTS, neighbourhoods=NEIGHBOURHOODS, seed=7, **options)


def test_small_national_set_is_complete_valid_and_consistent(prepared):
    result = _generate()

    assert result.fragments == FRAGMENTS and result.neighbourhoods == NEIGHBOURHOODS
    assert Fragment.objects.count() == FRAGMENTS
    assert Neighbourhood.objects.count() == NEIGHBOURHOODS
    assert result.rows["coding_fragment"] == FRAGMENTS
    assert list(MeasurementYear.objects.values_list("year", flat=True)) == [2023, 2024, 2025]
    for year in (2023, 2024, 2025):
        assert Fragment.objects.filter(year=year).count() > 100
        assert Activity.objects.filter(year=year).exists() and Relation.objects.filter(year=year).exists()

    # Real CBS buurten; the demo's 33 study neighbourhoods keep their programmes and focus flags.
    for n in Neighbourhood.objects.all():
        record = CbsRecord.objects.get(region_code=n.cbs_code, year=2024, kind="buurt")
        assert (record.name, record.municipality_name) == (n.name, n.municipality_name)
        assert n.municipality_code == "GM" + n.cbs_code[2:6]
    spec = _content("neighbourhoods.yaml")["neighbourhoods"]
    for slug, items in spec.items():
        programme = Programme.objects.get(slug=slug)
        assert set(programme.neighbourhoods.values_list("cbs_code", "is_focus")) == {
            (item["code"], item["focus"]) for item in items
        }
    assert Programme.objects.filter(slug__startswith="buurtkracht-regio-").exists()
    assert not Neighbourhood.objects.filter(programme__isnull=True).exists()

    # Every foreign key holds (SQLite: PRAGMA foreign_key_check; PostgreSQL: the deferred checks, now).
    connection.check_constraints()
    # ... and the links stay inside one neighbourhood.
    assert (
        not Fragment.objects.exclude(speaker__isnull=True)
        .exclude(speaker__neighbourhood=F("neighbourhood"))
        .exists()
    )
    assert not Activity.participants.through.objects.exclude(
        person__neighbourhood=F("activity__neighbourhood")
    ).exists()
    assert (
        not Relation.objects.filter(source_person__isnull=False)
        .exclude(source_person__neighbourhood=F("neighbourhood"))
        .exists()
    )
    assert (
        not Relation.objects.filter(target_person__isnull=False)
        .exclude(target_person__neighbourhood=F("neighbourhood"))
        .exists()
    )
    assert not Relation.objects.filter(source_person=F("target_person")).exists()
    assert (
        not Activity.objects.filter(meeting_place__isnull=False)
        .exclude(meeting_place__neighbourhood=F("neighbourhood"))
        .exists()
    )

    # Quotes as the demo's reviewer approved them: every quotable fragment, with the made-up names replaced.
    quotable = Fragment.objects.filter(consent_level__in=("pseudonymised", "named"))
    assert quotable.exists() and not quotable.exclude(quote_review="approved").exists()
    assert not Fragment.objects.filter(consent_level="internal", quote_review="approved").exists()
    named = quotable.filter(text__contains="Anouk")
    assert named.exists() and not named.filter(quote_text__contains="Anouk").exists()
    assert all("[naam]" in quote for quote in named.values_list("quote_text", flat=True))

    # Codings: two to three per fragment, all from the current codebook, every fragment coded.
    codings = Coding.objects.count()
    assert 2 * FRAGMENTS <= codings <= 3.5 * FRAGMENTS
    assert Coding.objects.filter(code__codebook__is_current=True).count() == codings
    assert not Fragment.objects.filter(codings__isnull=True).exists()
    groups = set(Coding.objects.values_list("code__group", flat=True))
    assert {"effect", "abcd", "vitality", "factor", "capital"} <= groups
    assert Coding.objects.filter(origin="suggested", confidence__isnull=False, coder__isnull=True).exists()
    assert Coding.objects.filter(origin="human", coder__isnull=False).exists()
    spans = Coding.objects.filter(start__isnull=False)
    assert spans.exists()
    for coding in spans.select_related("fragment")[:50]:
        assert 0 < coding.start < coding.end == len(coding.fragment.text)

    # Assessments: five factor types and nine sustainability structures per neighbourhood and year.
    assert set(FactorObservation.objects.values_list("code__key", flat=True)) == {
        "factor.governance",
        "factor.relational",
        "factor.professional",
        "factor.societal",
        "factor.physical",
    }
    assert FactorObservation.objects.filter(fragment__isnull=False).exists()
    assert SustainabilityAssessment.objects.count() == NEIGHBOURHOODS * 3 * 9
    assert not Neighbourhood.objects.filter(fundings__isnull=True).exists()

    # Privacy: pseudonyms only, demographics only with a recorded consent, everyone consented to take part.
    assert not Person.objects.exclude(consents__scope="participation").exists()
    with_demographics = Person.objects.exclude(age_band="")
    assert with_demographics.exists()
    assert not with_demographics.exclude(consents__scope="demographics").exists()
    assert (
        Person.objects.filter(
            pseudonym__regex=r"^(Bewoner|Buurtverbinder|Community builder|Professional) \d+$"
        ).count()
        == Person.objects.count()
    )

    # Participation is skewed against the buurten's own CBS population: more 65+, fewer under 25.
    records = CbsRecord.objects.filter(year=2024, region_code__in=Neighbourhood.objects.values("cbs_code"))
    population = sum(r.population or 0 for r in records)
    old_share_population = sum(r.age_65_plus or 0 for r in records) / population
    young_share_population = sum((r.age_0_15 or 0) + (r.age_15_25 or 0) for r in records) / population
    bands = Counter(with_demographics.values_list("age_band", flat=True))
    total = sum(bands.values())
    assert bands["65+"] / total > old_share_population * 1.3
    assert (bands["0-15"] + bands["15-25"]) / total < young_share_population * 0.6

    # Activities: all three kinds of initiative, registered participants never more than the count.
    assert set(Activity.objects.values_list("initiated_by", flat=True)) == {
        "residents",
        "professionals",
        "together",
    }
    assert (
        not Activity.objects.annotate(registered=Count("participants"))
        .filter(registered__gt=F("participant_count"))
        .exists()
    )
    assert set(Relation.objects.values_list("capital_type", flat=True)) == {"bonding", "bridging", "linking"}

    # Logins for a benchmark: the demo's users with their scopes.
    assert Membership.objects.filter(user__username="researcher", role="researcher").exists()
    assert Membership.objects.filter(
        user__username="connector", neighbourhood__cbs_code="BU02021990"
    ).exists()

    # Sequences follow the explicit ids: the application can add rows afterwards.
    extra = Fragment.objects.create(
        neighbourhood=Neighbourhood.objects.first(),
        year=2025,
        text="Nog een verhaal.",
        instrument="interview",
    )
    assert extra.pk > max(Fragment.objects.exclude(pk=extra.pk).values_list("pk", flat=True))


def test_a_second_run_is_refused_without_reset_and_identical_with_it(prepared):
    _generate()
    counts = _counts()
    texts = list(Fragment.objects.order_by("pk").values_list("text", "year", "neighbourhood__cbs_code")[:200])

    with pytest.raises(NationalDatasetError, match="--reset"):
        _generate()
    assert _counts() == counts

    _generate(reset=True)
    assert _counts() == counts
    assert (
        list(Fragment.objects.order_by("pk").values_list("text", "year", "neighbourhood__cbs_code")[:200])
        == texts
    )
    assert Code.objects.filter(codebook__is_current=True).exists()  # the codebook survives a reset
    assert CbsRecord.objects.filter(kind="buurt").count() == 14574  # and so do the CBS figures


def test_refuses_the_shared_test_database_bad_numbers_and_a_database_without_cbs_figures(
    codebook, monkeypatch
):
    monkeypatch.setitem(connection.settings_dict, "NAME", "test")
    with pytest.raises(NationalDatasetError, match="kvs_national"):
        _generate()
    monkeypatch.undo()
    with pytest.raises(NationalDatasetError, match="negatief"):
        national_generate(fragments=-1, neighbourhoods=5)
    with pytest.raises(NationalDatasetError, match="minstens één buurt"):
        national_generate(fragments=10, neighbourhoods=0)
    with pytest.raises(NationalDatasetError, match="kvs import-cbs"):
        national_generate(fragments=10, neighbourhoods=5)
    assert not Neighbourhood.objects.exists()

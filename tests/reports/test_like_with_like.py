"""The reports compare like with like and use one definition per figure: who took part is one number on the
neighbourhood page, the Buurtbeeld and the Financiersrapport; the funder's value rows follow the effect codes;
interviews held only in 2025 make no rise; the funder report names who is not reached yet."""

from __future__ import annotations

from html import unescape
from urllib.parse import quote

from krachtvansamen.analysis.inclusion import Inclusion, InclusionDimension, InclusionGroup
from krachtvansamen.coding.models import Coding
from krachtvansamen.reports.buurtbeeld import buurtbeeld_report
from krachtvansamen.reports.financier import financier_report, not_reached
from krachtvansamen.reports.links import neighbourhood_linker
from krachtvansamen.web.neighbourhood import neighbourhood_overview
from tests.factories import FragmentFactory
from tests.reports.conftest import code

OWN = "BU90000001"


def test_who_took_part_is_one_number_on_every_page(world):
    # 2025 in the own neighbourhood: Ans, Bram, Cor and Dirk speak, join the dinner (initiated by Cor) or are
    # an end of a tie; the community builder is registered too but runs the work: 4 residents, not 5 persons.
    overview = neighbourhood_overview(neighbourhood=world.own, year=2025)
    buurtbeeld = buurtbeeld_report(neighbourhood=world.own, year=2025)
    financier = financier_report(neighbourhood=world.own, year=2025)
    assert overview.participant_count == 4
    assert buurtbeeld.participants.value == 4
    assert financier.participants.value == 4
    # Attendances are something else: the dinner's 30 and the consultation hour's 8.
    assert overview.attendance_count == 38
    assert financier.attendances.value == 38


def test_the_neighbourhood_page_says_residents_took_part_and_attendances_apart(as_user):
    page = unescape(as_user("connector").get(f"/buurten/{OWN}/?jaar=2025").content.decode())
    assert "<strong>4</strong> bewoners deden mee" in page
    assert "<strong>38</strong> bezoeken aan activiteiten" in page
    assert "fragmenten (verhalen en citaten) in 2025" in page


def test_a_fragment_coded_only_with_an_effect_code_is_in_the_funders_value_row(world, as_user):
    before = {v.key: v.num.value for v in financier_report(neighbourhood=world.own, year=2025).values}
    fragment = FragmentFactory(
        neighbourhood=world.own,
        year=2025,
        instrument="wijkwaardenkaart",
        text="Ik vertrouw de gemeente nu meer.",
    )
    Coding.objects.create(fragment=fragment, code=code("effect.neighbourhood.institutional_trust"))
    report = financier_report(neighbourhood=world.own, year=2025)
    after = {v.key: v.num.value for v in report.values}
    assert (before["value.trust"], after["value.trust"]) == (0, 1)
    buurtbeeld = buurtbeeld_report(neighbourhood=world.own, year=2025)
    trust = {r.key: r for r in buurtbeeld.analysis.verandering.effects.rows}[
        "effect.neighbourhood.institutional_trust"
    ]
    assert trust.cells[-1].fragment_ids == (fragment.pk,)
    # The number links to the fragment that carries it.
    key = quote("value:value.trust:2025")
    evidence = unescape(
        as_user("community_builder").get(f"/rapporten/bewijs/{OWN}/2025/?n={key}").content.decode()
    )
    assert "Ik vertrouw de gemeente nu meer." in evidence
    assert "1 gegevens" in evidence or "1 gegeven" in evidence


def test_interviews_held_only_in_2025_make_no_rise(world):
    before = financier_report(neighbourhood=world.own, year=2025)
    for i in range(3):
        fragment = FragmentFactory(
            neighbourhood=world.own, year=2025, instrument="interview", text=f"Interview {i}"
        )
        Coding.objects.create(fragment=fragment, code=code("effect.individual.confidence"))
    after = financier_report(neighbourhood=world.own, year=2025)
    individual_before, individual_after = before.levels[0], after.levels[0]
    # Three more fragments this year, but from interviews that did not run in 2024: the change stays.
    assert individual_after[1].value == individual_before[1].value + 3
    assert individual_after[2] == individual_before[2]
    sentence = after.value_comparison or after.effects_comparison
    assert "wijkwaardenkaart-gesprek" in sentence and "diepte-interview" in sentence


def test_the_funder_report_names_who_is_not_reached_with_their_n(world):
    group = InclusionGroup(
        dimension="age", key="65+", participants=1, participant_share=10.0, inhabitants=200,
        inhabitant_share=20.0, gap=-10.0, under_represented=True, over_represented=False, person_ids=(7,),
    )  # fmt: skip
    reached = InclusionGroup(
        dimension="age", key="25-45", participants=9, participant_share=90.0, inhabitants=800,
        inhabitant_share=80.0, gap=10.0, under_represented=False, over_represented=True, person_ids=(),
    )  # fmt: skip
    inclusion = Inclusion(
        year=2025, cbs_year=2024, cbs_record_id=None, participants=12, person_ids=(),
        dimensions=(InclusionDimension(key="age", groups=(group, reached), known=10, unknown=2,
                                       unknown_person_ids=(), other=0, other_person_ids=()),),
        threshold=5.0,
    )  # fmt: skip
    link = neighbourhood_linker(cbs_code=OWN, year=2025)
    (found,) = not_reached(inclusion, link)
    assert (found.num.value, found.known, found.participant_share, found.inhabitant_share) == (
        1,
        10,
        "10%",
        "20%",
    )
    assert found.num.href == link.href("group:age:65+")  # the n leads to the persons behind it
    assert found.label == "65 en ouder"


def test_the_funder_page_has_who_is_not_reached_a_difficulty_and_advice_labelled_as_general(as_user):
    page = unescape(as_user("funder").get(f"/rapporten/financiersrapport/{OWN}/2025/").content.decode())
    assert "Wie doet nog niet mee?" in page
    assert "Wat is moeilijk:" in page
    assert "Algemeen advies uit het onderzoek (geen uitkomst over deze buurt)" in page
    assert "Samen hadden de activiteiten 38 bezoeken" in page or "38</a> bezoeken" in page


def test_the_effects_table_says_what_its_changes_compare(as_user):
    page = unescape(as_user("community_builder").get(f"/rapporten/buurtbeeld/{OWN}/2025/").content.decode())
    # 2024 and 2025 both have Wijkwaardenkaart conversations coded, and nothing else.
    assert (
        "Het verschil met het jaar ervoor telt alleen de instrumenten die in beide jaren zijn gebruikt."
        in page
    )
    assert "Vergeleken met 2024: alleen wijkwaardenkaart-gesprek, die in beide jaren zijn gebruikt." in page

"""Assets and activities: what is written, what is refused (in Dutch), and that a refusal saves nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from krachtvansamen.assets import services
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import asset_map, entry_years, organisations_for_neighbourhood
from krachtvansamen.assets.services import NewPerson
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Consent, Organisation, Person
from tests.factories import OrganisationFactory, RelationFactory


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in error.message_dict.items()}


def test_entry_years_are_the_open_measurement_years(world):
    assert entry_years() == [2025]


# --- assets ---------------------------------------------------------------------------------------------


def test_asset_create_records_who_and_when(world):
    asset = services.asset_create(
        neighbourhood=world.own,
        user=world.connector,
        category="talent_hands",
        name="  Kan fietsen maken ",
        year=2025,
        person=world.ans,
        description="Repareert elke zaterdag.",
    )
    asset.refresh_from_db()
    assert (asset.name, asset.person, asset.recorded_by, asset.year) == (
        "Kan fietsen maken",
        world.ans,
        world.connector,
        2025,
    )


def test_asset_with_a_new_person_records_the_person_and_the_consents(world):
    asset = services.asset_create(
        neighbourhood=world.own,
        user=world.connector,
        category="talent_heart",
        name="Luistert goed",
        year=2025,
        person=NewPerson(
            pseudonym="Buurvrouw met de hond",
            age_band="65+",
            participation_consent=True,
            demographics_consent=True,
        ),
    )
    person = asset.person
    assert person.pseudonym == "Buurvrouw met de hond" and person.neighbourhood == world.own
    assert person.age_band == "65+"
    consents = {(c.scope, c.given, c.recorded_by) for c in Consent.objects.filter(person=person)}
    assert consents == {("participation", True, world.connector), ("demographics", True, world.connector)}


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"person": "dirk"}, "person", "Kies iemand uit deze buurt."),
        ({"organisation": "other_group"}, "organisation", "Kies een organisatie uit deze buurt."),
        (
            {"person": "ans", "organisation": "group"},
            "organisation",
            "Kies een persoon óf een organisatie, niet allebei.",
        ),
        ({"year": 2024}, "year", "Het jaar 2024 is niet meer open voor nieuwe gegevens."),
        ({"name": "   "}, "name", "Vul een naam in."),
        ({"category": "sport"}, "category", "Kies wat voor kracht het is."),
    ],
)
def test_asset_create_refuses_bad_input_in_dutch_and_saves_nothing(world, kwargs, field, message):
    data = {"category": "place", "name": "Speeltuin", "year": 2025}
    data.update(
        {k: getattr(world, v) if isinstance(v, str) and hasattr(world, v) else v for k, v in kwargs.items()}
    )
    before = Asset.objects.count()
    with pytest.raises(ValidationError) as error:
        services.asset_create(neighbourhood=world.own, user=world.connector, **data)
    assert message in messages(error.value)[field]
    assert Asset.objects.count() == before


def test_a_new_person_needs_consent_and_a_free_pseudonym(world):
    persons = Person.objects.count()
    with pytest.raises(ValidationError) as error:
        services.asset_create(
            neighbourhood=world.own,
            user=world.connector,
            category="talent_head",
            name="Rekent",
            year=2025,
            person=NewPerson(pseudonym="ans", age_band="15-25", participation_consent=False),
        )
    found = messages(error.value)["person"]
    assert any("De schuilnaam ‘ans’ bestaat al in deze buurt" in m for m in found)
    assert any("Vraag het eerst en vink dan het vakje aan" in m for m in found)
    assert any("Vul leeftijdsgroep of herkomst alleen in als de persoon dat goedvindt" in m for m in found)
    assert Person.objects.count() == persons


def test_asset_update_by_whoever_recorded_it_or_the_community_builder_and_delete_only_by_the_recorder(world):
    # Issue 12 item 5: the buurt's community builder corrects a connector's asset (and the correction is kept,
    # tests/people/test_team_corrections.py), but does not delete it; a colleague connector does neither.
    asset = services.asset_create(
        neighbourhood=world.own, user=world.connector, category="place", name="Bankje", year=2025
    )
    with pytest.raises(PermissionDenied):
        services.asset_update(asset=asset, user=world.connector2, category="place", name="Ander", year=2025)
    services.asset_update(asset=asset, user=world.builder, category="place", name="Bankje", year=2025)
    services.asset_update(
        asset=asset,
        user=world.connector,
        category="nature",
        name="Bankje in het park",
        year=2025,
        is_meeting_place=True,
    )
    asset.refresh_from_db()
    assert (asset.category, asset.name, asset.is_meeting_place) == ("nature", "Bankje in het park", True)
    with pytest.raises(PermissionDenied):
        services.asset_delete(asset=asset, user=world.builder)
    services.asset_delete(asset=asset, user=world.admin)  # administrators may tidy up
    assert not Asset.objects.filter(pk=asset.pk).exists()


def test_editing_a_record_of_a_closed_year_may_keep_its_year(world):
    world.bakery.recorded_by = world.connector
    world.bakery.save()
    services.asset_update(
        asset=world.bakery, user=world.connector, category="economy", name="Bakker Jansen", year=2024
    )
    world.bakery.refresh_from_db()
    assert (world.bakery.name, world.bakery.year) == ("Bakker Jansen", 2024)


def test_deleting_a_meeting_place_keeps_the_activities_and_relations_without_it(world):
    relation = RelationFactory(
        neighbourhood=world.own,
        source_person=world.ans,
        target_person=world.bram,
        hook_place=world.community_centre,
    )
    world.community_centre.recorded_by = world.connector
    world.community_centre.save()
    services.asset_delete(asset=world.community_centre, user=world.connector)
    world.dinner.refresh_from_db()
    relation.refresh_from_db()
    assert world.dinner.meeting_place is None and relation.hook_place is None


def test_asset_map_groups_by_category_up_to_the_year(world):
    the_map = asset_map(neighbourhood=world.own, year=2024)
    counts = {group.key: group.count for group in the_map.groups}
    assert counts["economy"] == 1 and counts["place"] == 0  # the community centre was recorded in 2025
    the_map = asset_map(neighbourhood=world.own, year=2025)
    assert the_map.total == 2 and [a.name for a in the_map.meeting_places] == ["Buurthuis De Linde"]
    assert [g.key for g in the_map.talents] == ["talent_head", "talent_heart", "talent_hands"]


def test_organisations_of_a_neighbourhood_are_its_own_and_those_playing_a_part(world):
    welfare = OrganisationFactory(name="Welzijn Arnhem")  # of the municipality, not yet known here
    OrganisationFactory(name="Fonds", kind=Organisation.Kind.FUND, neighbourhood=world.own)
    assert list(organisations_for_neighbourhood(neighbourhood=world.own)) == [world.group]
    RelationFactory(
        neighbourhood=world.own,
        source_person=world.ans,
        target_person=None,
        target_organisation=welfare,
        capital_type="linking",
    )
    assert set(organisations_for_neighbourhood(neighbourhood=world.own)) == {world.group, welfare}
    assert welfare not in organisations_for_neighbourhood(neighbourhood=world.other)


# --- activities -----------------------------------------------------------------------------------------


def test_activity_create_with_participants_and_unregistered_people(world):
    activity = services.activity_create(
        neighbourhood=world.own,
        user=world.connector,
        title="Opschoondag",
        initiated_by="residents",
        year=2025,
        initiator_person=world.cor,
        meeting_place=world.community_centre,
        participants=[world.ans, world.bram],
        participant_count=14,
    )
    activity.refresh_from_db()
    assert set(activity.participants.all()) == {world.ans, world.bram}
    assert (activity.participant_count, activity.recorded_by, activity.meeting_place) == (
        14,
        world.connector,
        world.community_centre,
    )


def test_activity_count_left_empty_is_the_number_ticked(world):
    activity = services.activity_create(
        neighbourhood=world.own,
        user=world.connector,
        title="Koffie",
        initiated_by="together",
        year=2025,
        participants=[world.ans, world.cor],
    )
    assert activity.participant_count == 2


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"participants": ["ans", "bram", "cor"], "participant_count": 2},
            "participant_count",
            "Het totaal aantal deelnemers (2) is kleiner dan het aantal aangevinkte mensen (3). Tel iedereen die meedeed.",
        ),
        ({"participants": ["ans", "dirk"]}, "participants", "Kies deelnemers uit deze buurt."),
        ({"meeting_place": "other_place"}, "meeting_place", "Kies een ontmoetingsplek uit deze buurt."),
        ({"meeting_place": "bakery"}, "meeting_place", "Kies een ontmoetingsplek uit deze buurt."),
        ({"initiator_person": "dirk"}, "initiator_person", "Kies iemand uit deze buurt."),
        ({"initiated_by": "gemeente"}, "initiated_by", "Kies wie met de activiteit begon."),
    ],
)
def test_activity_refuses_bad_input_in_dutch_and_saves_nothing(world, kwargs, field, message):
    def resolve(value):
        if isinstance(value, list):
            return [getattr(world, v) for v in value]
        return getattr(world, value) if isinstance(value, str) and hasattr(world, value) else value

    data = {"title": "Buurtfeest", "initiated_by": "residents", "year": 2025}
    data.update({k: resolve(v) for k, v in kwargs.items()})
    before = Activity.objects.count()
    with pytest.raises(ValidationError) as error:
        services.activity_create(neighbourhood=world.own, user=world.connector, **data)
    assert message in messages(error.value)[field]
    assert Activity.objects.count() == before


def test_activity_with_a_new_initiator_is_all_or_nothing(world, monkeypatch):
    persons, activities = Person.objects.count(), Activity.objects.count()

    def broken_set(self, *args, **kwargs):  # fails after the person and the activity rows were written
        raise RuntimeError("database went away")

    monkeypatch.setattr(Activity.participants.related_manager_cls, "set", broken_set)
    with pytest.raises(RuntimeError):
        services.activity_create(
            neighbourhood=world.own,
            user=world.connector,
            title="Buurtfeest",
            initiated_by="residents",
            year=2025,
            initiator_person=NewPerson(pseudonym="Nieuwe buur", participation_consent=True),
            participants=[world.ans],
        )
    assert (Person.objects.count(), Activity.objects.count()) == (persons, activities)
    assert not Consent.objects.filter(person__pseudonym="Nieuwe buur").exists()


def test_activity_update_replaces_participants_and_delete_empties_haakjes(world):
    activity = services.activity_create(
        neighbourhood=world.own,
        user=world.builder,
        title="Kledingruil",
        initiated_by="professionals",
        year=2025,
        participants=[world.ans],
    )
    services.activity_update(
        activity=activity,
        user=world.builder,
        title="Kledingruil",
        year=2025,
        initiated_by="professionals",
        participants=[world.bram, world.cor],
        participant_count=30,
    )
    assert set(activity.participants.all()) == {world.bram, world.cor} and activity.participant_count == 30
    relation = RelationFactory(
        neighbourhood=world.own, source_person=world.ans, target_person=world.bram, hook_activity=activity
    )
    with pytest.raises(PermissionDenied):
        services.activity_delete(activity=activity, user=world.connector)
    services.activity_delete(activity=activity, user=world.builder)
    relation.refresh_from_db()
    assert relation.hook_activity is None
    assert Relation.objects.filter(pk=relation.pk).exists()

"""Relations ("wie kent wie nu") and their haakje: what is written, what is refused, nothing half-saved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from krachtvansamen.assets.services import NewOrganisation, NewPerson
from krachtvansamen.network import services
from krachtvansamen.network.models import Relation
from krachtvansamen.people.models import Consent, Organisation, Person
from tests.factories import RelationFactory


def messages(error: ValidationError) -> dict[str, list[str]]:
    return {field: [str(m) for m in errors] for field, errors in error.message_dict.items()}


def create(world, **kwargs):
    data = {"source": world.ans, "target": world.bram, "year": 2025, "capital_type": "bridging"}
    data.update(kwargs)
    return services.relation_create(neighbourhood=world.own, user=world.connector, **data)


def test_relation_with_its_haakje(world):
    relation = create(
        world,
        hook_activity=world.dinner,
        hook_place=world.community_centre,
        is_new=True,
        note="Leerden elkaar kennen bij de afwas.",
    )
    relation.refresh_from_db()
    assert (relation.source, relation.target, relation.capital_type, relation.is_new) == (
        world.ans,
        world.bram,
        "bridging",
        True,
    )
    assert (relation.hook_activity, relation.hook_place, relation.recorded_by) == (
        world.dinner,
        world.community_centre,
        world.connector,
    )


def test_relation_between_a_person_and_an_organisation(world):
    relation = create(world, target=world.group, capital_type="linking", hook_person=world.cor)
    assert relation.target_organisation == world.group and relation.target_person is None


def test_relation_with_two_new_ends_creates_them_with_consent(world):
    relation = create(
        world,
        source=NewPerson(pseudonym="Buurman Henk", participation_consent=True),
        target=NewOrganisation(name="Huisartsenpraktijk Oost", kind=Organisation.Kind.CARE),
        capital_type="linking",
    )
    henk = relation.source_person
    assert henk.neighbourhood == world.own
    assert Consent.objects.filter(person=henk, scope="participation", given=True).exists()
    practice = relation.target_organisation
    assert (practice.name, practice.kind, practice.neighbourhood) == (
        "Huisartsenpraktijk Oost",
        "zorg",
        world.own,
    )


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        (
            {"target": "ans"},
            "target",
            ("Een relatie is tussen twee verschillende mensen of organisaties. Kies hier iemand anders."),
        ),
        ({"source": "dirk"}, "source", "Kies iemand uit deze buurt."),
        ({"target": "other_group"}, "target", "Kies een organisatie uit deze buurt."),
        ({"hook_activity": "other_activity"}, "hook_activity", "Kies een activiteit uit deze buurt."),
        ({"hook_place": "other_place"}, "hook_place", "Kies een ontmoetingsplek uit deze buurt."),
        ({"hook_place": "bakery"}, "hook_place", "Kies een ontmoetingsplek uit deze buurt."),
        ({"hook_person": "dirk"}, "hook_person", "Kies iemand uit deze buurt."),
        (
            {"hook_person": "bram"},
            "hook_person",
            "De persoon die hen samenbracht kan niet een van de twee zelf zijn.",
        ),
        ({"capital_type": "vriendschap"}, "capital_type", "Kies wat voor band het is."),
        ({"year": 2024}, "year", "Het jaar 2024 is niet meer open voor nieuwe gegevens."),
        ({"source": None}, "source", "Kies een persoon of een organisatie."),
    ],
)
def test_relation_refuses_bad_input_in_dutch_and_saves_nothing(world, kwargs, field, message):
    data = {
        k: getattr(world, v) if isinstance(v, str) and hasattr(world, v) else v for k, v in kwargs.items()
    }
    before = Relation.objects.count()
    with pytest.raises(ValidationError) as error:
        create(world, **data)
    assert message in messages(error.value)[field]
    assert Relation.objects.count() == before


def test_the_same_tie_twice_in_one_year_is_refused_in_either_direction(world):
    create(world)
    with pytest.raises(ValidationError) as error:
        create(world, source=world.bram, target=world.ans, capital_type="bonding")
    assert messages(error.value)["target"] == ["Deze relatie staat al vastgelegd voor 2025."]
    RelationFactory(neighbourhood=world.own, year=2024, source_person=world.ans, target_person=world.cor)
    create(world, source=world.cor, target=world.ans)  # another year: the tie grew, that is fine


def test_two_new_people_with_the_same_pseudonym_are_the_same_person(world):
    with pytest.raises(ValidationError) as error:
        create(
            world,
            source=NewPerson(pseudonym="Henk", participation_consent=True),
            target=NewPerson(pseudonym="henk ", participation_consent=True),
        )
    assert "target" in error.value.message_dict
    assert not Person.objects.filter(pseudonym__iexact="henk").exists()


def test_a_refused_relation_leaves_no_new_person_behind(world):
    persons = Person.objects.count()
    with pytest.raises(ValidationError):
        create(
            world,
            source=NewPerson(pseudonym="Buurman Henk", participation_consent=True),
            hook_activity=world.other_activity,
        )
    assert Person.objects.count() == persons and not Consent.objects.filter(person__pseudonym="Buurman Henk")


def test_a_failing_write_rolls_back_the_new_person_too(world, monkeypatch):
    persons, relations = Person.objects.count(), Relation.objects.count()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Relation, "save", broken_save)
    with pytest.raises(RuntimeError):
        create(world, source=NewPerson(pseudonym="Buurman Henk", participation_consent=True))
    assert (Person.objects.count(), Relation.objects.count()) == (persons, relations)


def test_update_by_whoever_recorded_it_or_the_community_builder_and_delete_only_by_the_recorder(world):
    # Issue 12 item 5: the buurt's community builder corrects a connector's relation (kept, see
    # tests/people/test_team_corrections.py) but does not delete it; a colleague connector does neither.
    relation = create(world)
    with pytest.raises(PermissionDenied):
        services.relation_update(
            relation=relation,
            user=world.connector2,
            source=world.ans,
            target=world.cor,
            year=2025,
            capital_type="bonding",
        )
    services.relation_update(
        relation=relation,
        user=world.connector,
        source=world.ans,
        target=world.group,
        year=2025,
        capital_type="linking",
        is_new=False,
    )
    relation.refresh_from_db()
    assert (relation.target_person, relation.target_organisation, relation.is_new) == (
        None,
        world.group,
        False,
    )
    # Updating a relation does not clash with itself as a duplicate.
    services.relation_update(
        relation=relation,
        user=world.connector,
        source=world.ans,
        target=world.group,
        year=2025,
        capital_type="linking",
        note="Nu vaste contactpersoon.",
    )
    services.relation_update(
        relation=relation,
        user=world.builder,
        source=world.ans,
        target=world.group,
        year=2025,
        capital_type="linking",
        note="Nu vaste contactpersoon.",
    )
    with pytest.raises(PermissionDenied):
        services.relation_delete(relation=relation, user=world.builder)
    with pytest.raises(PermissionDenied):
        services.relation_delete(relation=relation, user=world.other_connector)
    services.relation_delete(relation=relation, user=world.connector)
    assert not Relation.objects.filter(pk=relation.pk).exists()

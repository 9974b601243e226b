"""The edges of three access rules that only the pages' happy paths reached: who may manage forms, who may
change a hand-recorded record, and who may delete an uploaded document. Each case is one a user could meet."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from krachtvansamen.people.access import (
    neighbourhoods_codable_for_user,
    record_may_change,
    upload_may_delete,
    user_adds_stories,
    user_manages_forms,
    user_manages_programme,
)
from krachtvansamen.people.models import Role
from tests.factories import (
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
)


@pytest.fixture
def two_buurten(db):
    programme = ProgrammeFactory()
    return NeighbourhoodFactory(programme=programme), NeighbourhoodFactory(programme=programme)


def _user(name, *memberships):
    user = UserFactory(username=name)
    for kwargs in memberships:
        MembershipFactory(user=user, **kwargs)
    return user


@pytest.mark.parametrize(
    ("role", "manages"),
    [
        (Role.RESEARCHER, True),
        (Role.PROGRAMME_MANAGER, True),
        (Role.ADMIN, True),
        (Role.CONNECTOR, False),
        (Role.COMMUNITY_BUILDER, False),
        (Role.FUNDER, False),
        (Role.MUNICIPALITY, False),
        (Role.RESIDENT, False),
    ],
)
def test_only_researchers_programme_managers_and_admins_manage_forms(two_buurten, role, manages):
    own, _other = two_buurten
    where = {  # the scope each role's membership needs
        Role.CONNECTOR: {"neighbourhood": own},
        Role.COMMUNITY_BUILDER: {"neighbourhood": own},
        Role.PROGRAMME_MANAGER: {"programme": own.programme},
        Role.FUNDER: {"organisation": OrganisationFactory()},
        Role.MUNICIPALITY: {"organisation": OrganisationFactory(kind="gemeente", municipality_code="GM0202")},
    }.get(role, {})
    user = _user(f"user-{role}", {"role": role, **where})
    assert user_manages_forms(user=user) is manages


def test_a_user_without_a_role_does_not_manage_forms(db):
    assert user_manages_forms(user=UserFactory(username="zonder-rol")) is False


def test_nobody_anonymous_changes_a_record_not_even_one_nobody_recorded(db):
    # An imported record has no recorder; an anonymous visitor has no id either: None == None must not count.
    imported = SimpleNamespace(recorded_by_id=None, neighbourhood_id=None)
    assert record_may_change(user=AnonymousUser(), record=imported) is False


def test_the_recorder_and_an_admin_change_a_record_and_a_colleague_does_not(two_buurten):
    # Issue 12 item 5 added the community builder of the record's buurt, who corrects any record of it
    # (tests/people/test_team_corrections.py); a colleague connector still does not.
    own, _other = two_buurten
    recorder = _user("noteerder", {"role": Role.CONNECTOR, "neighbourhood": own})
    colleague = _user("collega", {"role": Role.CONNECTOR, "neighbourhood": own})
    admin = _user("beheerder", {"role": Role.ADMIN})
    builder = _user("opbouwwerker", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": own})
    record = SimpleNamespace(recorded_by_id=recorder.pk, neighbourhood_id=own.pk)
    assert record_may_change(user=recorder, record=record) is True
    assert record_may_change(user=admin, record=record) is True
    assert record_may_change(user=colleague, record=record) is False
    assert record_may_change(user=builder, record=record) is True
    # An imported record (no recorder) is the admins' and the buurt's community builder's, no connector's.
    imported = SimpleNamespace(recorded_by_id=None, neighbourhood_id=own.pk)
    assert record_may_change(user=colleague, record=imported) is False
    assert record_may_change(user=builder, record=imported) is True


def test_who_may_delete_an_uploaded_document(two_buurten):
    own, other = two_buurten
    uploader = _user("uploader", {"role": Role.RESEARCHER})
    connector = _user("verbinder", {"role": Role.CONNECTOR, "neighbourhood": own})
    builder = _user("opbouwwerker", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": own})
    researcher = _user("onderzoeker", {"role": Role.RESEARCHER})
    outsider = _user("buiten", {"role": Role.CONNECTOR, "neighbourhood": other})
    # Community builder in the other buurt, connector in this one: a connector here.
    both = _user(
        "beide",
        {"role": Role.COMMUNITY_BUILDER, "neighbourhood": other},
        {"role": Role.CONNECTOR, "neighbourhood": own},
    )

    def may(user, uploaded_by=uploader):
        return upload_may_delete(user=user, neighbourhood_id=own.pk, uploaded_by_id=uploaded_by.pk)

    assert may(researcher) is True  # another researcher's coded interview: researchers may
    assert may(builder) is True  # the community builder of this buurt may
    assert may(connector) is False  # a connector may not remove a researcher's upload...
    assert may(connector, uploaded_by=connector) is True  # ...only their own
    assert may(both) is False  # being community builder elsewhere gives no right here
    assert may(outsider) is False  # someone who cannot see the buurt may not
    assert may(outsider, uploaded_by=outsider) is False  # not even what they once uploaded there


def test_only_the_programmes_own_manager_and_admins_manage_a_programme(two_buurten):
    own, _other = two_buurten
    elsewhere = ProgrammeFactory()
    manager = _user("manager", {"role": Role.PROGRAMME_MANAGER, "programme": own.programme})
    other_manager = _user("andere-manager", {"role": Role.PROGRAMME_MANAGER, "programme": elsewhere})
    builder = _user("opbouwwerker", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": own})
    admin = _user("beheerder", {"role": Role.ADMIN})
    assert user_manages_programme(user=manager, programme_id=own.programme_id) is True
    assert user_manages_programme(user=admin, programme_id=own.programme_id) is True
    assert user_manages_programme(user=other_manager, programme_id=own.programme_id) is False
    assert user_manages_programme(user=builder, programme_id=own.programme_id) is False
    manager.is_active = False
    manager.save()
    manager = type(manager).objects.get(pk=manager.pk)
    assert user_manages_programme(user=manager, programme_id=own.programme_id) is False


def test_only_the_buurts_own_team_and_admins_add_stories(two_buurten):
    own, other = two_buurten
    connector = _user("verbinder", {"role": Role.CONNECTOR, "neighbourhood": own})
    builder = _user("opbouwwerker", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": own})
    elsewhere = _user("elders", {"role": Role.COMMUNITY_BUILDER, "neighbourhood": other})
    researcher = _user("onderzoeker", {"role": Role.RESEARCHER})
    manager = _user("manager", {"role": Role.PROGRAMME_MANAGER, "programme": own.programme})
    admin = _user("beheerder", {"role": Role.ADMIN})
    assert [user_adds_stories(user=u, neighbourhood_id=own.pk) for u in (connector, builder, admin)] == [
        True
    ] * 3
    assert [user_adds_stories(user=u, neighbourhood_id=own.pk) for u in (elsewhere, researcher, manager)] == [
        False
    ] * 3
    connector.is_active = False
    connector.save()
    connector = type(connector).objects.get(pk=connector.pk)
    assert user_adds_stories(user=connector, neighbourhood_id=own.pk) is False


def test_a_community_builder_of_two_buurten_codes_both_and_a_switched_off_one_codes_none(two_buurten):
    own, other = two_buurten
    third = NeighbourhoodFactory(programme=own.programme)
    builder = _user(
        "opbouwwerker",
        {"role": Role.COMMUNITY_BUILDER, "neighbourhood": own},
        {"role": Role.COMMUNITY_BUILDER, "neighbourhood": other},
    )
    assert set(neighbourhoods_codable_for_user(user=builder)) == {own, other}  # not third
    builder.is_active = False
    builder.save()
    builder = type(builder).objects.get(pk=builder.pk)
    assert not neighbourhoods_codable_for_user(user=builder).exists()
    assert third.pk  # made, and never codable for this builder


def test_a_researcher_of_two_programmes_codes_the_buurten_of_both_and_no_others(db):
    first, second, third = (NeighbourhoodFactory(programme=ProgrammeFactory()) for _n in range(3))
    researcher = _user(
        "onderzoeker",
        {"role": Role.RESEARCHER, "programme": first.programme},
        {"role": Role.RESEARCHER, "programme": second.programme},
    )
    assert set(neighbourhoods_codable_for_user(user=researcher)) == {first, second}
    connector = _user("verbinder", {"role": Role.CONNECTOR, "neighbourhood": third})
    assert not neighbourhoods_codable_for_user(user=connector).exists()  # connectors do not code
